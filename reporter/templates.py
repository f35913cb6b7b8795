"""Funder templates: funder formats kept as data in `templates/*.toml`.

A new funder is a new file, not new code. A template names the budget lines of
the funder's format in every report language; a project created from it gets
a copy of those lines, so later template edits never change an old project.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from reporter.domain.errors import NotFound, Problem, UserError
from reporter.domain.model import BudgetLine
from reporter.domain.rules import ContractRules, rule_problems, rules_from_mapping
from reporter.paths import templates_dir

LANGUAGES = ("en", "lt", "lv")


@dataclass(frozen=True, slots=True)
class TemplateLine:
    code: str
    names: dict[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True, slots=True)
class Template:
    id: str
    name: str
    languages: tuple[str, ...]
    currency: str
    budget_lines: tuple[TemplateLine, ...]
    rules: ContractRules = ContractRules()

    def project_budget_lines(self) -> tuple[BudgetLine, ...]:
        return tuple(BudgetLine(line.code, line.name("en")) for line in self.budget_lines)


def load_template(template_id: str, folder: Path | None = None) -> Template:
    path = (folder or templates_dir()) / f"{template_id}.toml"
    if not path.is_file():
        known = ", ".join(t.id for t in list_templates(folder)) or "none"
        raise NotFound(f"template: no funder template {template_id!r} (known: {known})")
    return _read(path)


def list_templates(folder: Path | None = None) -> list[Template]:
    return [_read(path) for path in sorted((folder or templates_dir()).glob("*.toml"))]


def _read(path: Path) -> Template:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
        lines = tuple(
            TemplateLine(str(line["code"]), {str(k): str(v) for k, v in line["name"].items()})
            for line in data.get("budget_lines", [])
        )
        problems: list[Problem] = []
        template = Template(
            id=str(data["id"]),
            name=str(data["name"]),
            languages=tuple(data.get("languages", LANGUAGES)),
            currency=str(data.get("currency", "EUR")),
            budget_lines=lines,
            rules=rules_from_mapping(data, "", problems),
        )
        problems += rule_problems(template.rules, {line.code for line in lines})
    except (tomllib.TOMLDecodeError, KeyError, AttributeError, TypeError) as error:
        raise UserError(f"template {path.name}: not a valid funder template ({error})") from None
    if problems:
        raise UserError(f"template {path.name}: " + "; ".join(str(p) for p in problems))
    if template.id != path.stem:
        raise UserError(f"template {path.name}: its id {template.id!r} must match the file name")
    return template
