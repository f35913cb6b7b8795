"""Funder templates: funder formats kept as data in `templates/*.toml`.

A new funder is a new file, not new code. A template names the budget lines of
the funder's format in every report language; a project created from it gets
a copy of those lines, so later template edits never change an old project.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from reporter.domain.errors import NotFound, Problem, UserError, problem
from reporter.domain.limits import template_id_problem
from reporter.domain.messages import Message
from reporter.domain.model import BudgetLine
from reporter.domain.rules import ContractRules, rule_problems, rules_from_mapping
from reporter.paths import templates_dir

LANGUAGES = ("en", "lt", "lv")

# The report parts a template can put together; `reporter.reports.build` knows how to make each.
SECTIONS = ("line_overview", "cofinancing", "expenditure_list", "partner_overview", "category_overview",
            "transfers", "payment_position", "estimate_execution", "documents", "budget_vs_actual",
            "exchange_rates", "activity_plan")


@dataclass(frozen=True, slots=True)
class DocumentType:
    """Recognises the type of a supporting document from its number ('PVM SF' → VAT invoice)."""

    match: str  # found anywhere in the document number, ignoring case; "" matches everything
    names: dict[str, str]


@dataclass(frozen=True)
class ReportLayout:
    titles: dict[str, str]
    sections: tuple[str, ...]
    orientation: str = "landscape"
    consolidated_titles: dict[str, str] = field(default_factory=dict)
    consolidated_sections: tuple[str, ...] = ()
    final_titles: dict[str, str] = field(default_factory=dict)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # per language: words that differ
    document_types: tuple[DocumentType, ...] = ()


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
    report: ReportLayout = ReportLayout({"en": "Financial report"}, ("line_overview",))

    def line_name(self, code: str, lang: str) -> str | None:
        line = next((line for line in self.budget_lines if line.code == code), None)
        return line.name(lang) if line else None

    def project_budget_lines(self) -> tuple[BudgetLine, ...]:
        return tuple(BudgetLine(line.code, line.name("en")) for line in self.budget_lines)


def load_template(template_id: str, folder: Path | None = None) -> Template:
    if (bad_id := template_id_problem(template_id)) is not None:  # never a path, never a name too long for a file
        raise NotFound(bad_id)
    path = (folder or templates_dir()) / f"{template_id}.toml"
    if not path.is_file():
        known = ", ".join(t.id for t in list_templates(folder)) or Message("none")
        raise NotFound(problem("template", "template.unknown", template=repr(template_id), known=known))
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
            report=_layout(data.get("report", {}), problems),
        )
        problems += rule_problems(template.rules, {line.code for line in lines})
    except (tomllib.TOMLDecodeError, KeyError, AttributeError, TypeError) as error:
        raise UserError(f"template {path.name}: not a valid funder template ({error})") from None
    if problems:
        raise UserError(f"template {path.name}: " + "; ".join(str(p) for p in problems))
    if template.id != path.stem:
        raise UserError(f"template {path.name}: its id {template.id!r} must match the file name")
    return template


def _layout(data: dict[str, Any], problems: list[Problem]) -> ReportLayout:
    if not data:
        return ReportLayout({"en": "Financial report"}, ("line_overview", "cofinancing", "expenditure_list"))
    sections = tuple(data.get("sections", ()))
    consolidated = tuple(data.get("consolidated_sections", ()))
    for name in sections + consolidated:
        if name not in SECTIONS:
            problems.append(problem("report.sections", "template.unknown_section", section=repr(name),
                                    known=", ".join(SECTIONS)))
    if data.get("orientation", "landscape") not in ("landscape", "portrait"):
        problems.append(problem("report.orientation", "template.orientation"))
    return ReportLayout(
        titles=dict(data.get("title", {})),
        sections=sections,
        orientation=data.get("orientation", "landscape"),
        consolidated_titles=dict(data.get("consolidated_title", {})),
        consolidated_sections=consolidated,
        final_titles=dict(data.get("final_title", {})),
        labels={lang: dict(words) for lang, words in data.get("labels", {}).items()},
        document_types=tuple(DocumentType(str(t.get("match", "")), dict(t["name"]))
                             for t in data.get("document_types", ())),
    )
