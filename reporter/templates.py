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
from reporter.domain.records import Label
from reporter.domain.rules import ContractRules, rule_problems, rules_from_mapping
from reporter.paths import template_folders

LANGUAGES = ("en", "lt", "lv")

# The report parts a template can put together; `reporter.reports.build` knows how to make each.
SECTIONS = ("line_overview", "cofinancing", "expenditure_list", "partner_overview", "category_overview",
            "transfers", "payment_position", "estimate_execution", "documents", "budget_vs_actual",
            "exchange_rates", "activity_plan", "sub_grants", "organisation_overview", "partner_contribution",
            "partner_reports", "funds")

# Columns a template may add to the expenditure list: the activity (work package), the procurement procedure or
# contract the cost was incurred under, units × unit price, the attached documents' names, and the notes as a comment.
EXPENDITURE_COLUMNS = ("activity", "procurement", "units", "attachments", "notes")
# Columns a template may add to the list of supporting documents (the national culture funders' form): the document
# a payment to a natural person is made under, and a trip's route, dates and persons.
DOCUMENT_COLUMNS = ("person_document", "travel")


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
    expenditure_columns: tuple[str, ...] = ()  # more columns in the expenditure list (EXPENDITURE_COLUMNS)
    document_columns: tuple[str, ...] = ()  # more columns in the list of supporting documents (DOCUMENT_COLUMNS)
    statements: dict[str, str] = field(default_factory=dict)  # per language: what the signatories declare
    signatories: dict[str, tuple[str, ...]] = field(default_factory=dict)  # per language: who signs, each apart


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
        """The budget lines a new project takes over, with their names in every language."""
        return tuple(BudgetLine(line.code, Label.of(line.names)) for line in self.budget_lines)


_TEMPLATE_KEYS = {"id", "name", "languages", "currency", "budget_lines", "rules", "flat_rates", "unit_costs",
                  "country_groups", "line_caps", "cost_shares", "instalments", "report"}
_REPORT_KEYS = {"title", "consolidated_title", "final_title", "orientation", "sections", "consolidated_sections",
                "labels", "document_types", "statement", "signatories", "expenditure_columns", "document_columns"}


def load_template(template_id: str, folder: Path | None = None) -> Template:
    """A template by id, from `folder`, else from the folders templates are looked for in (first match wins)."""
    if (bad_id := template_id_problem(template_id)) is not None:  # never a path, never a name too long for a file
        raise NotFound(bad_id)
    folders = [folder] if folder else template_folders()
    path = next((f / f"{template_id}.toml" for f in folders if (f / f"{template_id}.toml").is_file()), None)
    if path is None:
        known = ", ".join(t.id for t in list_templates(folder)) or Message("none")
        raise NotFound(problem("template", "template.unknown", template=repr(template_id), known=known))
    return _read(path)


def list_templates(folder: Path | None = None) -> list[Template]:
    """Every template, by id; one in an earlier folder hides the program's own of the same id."""
    found: dict[str, Template] = {}
    for place in reversed([folder] if folder else template_folders()):
        for path in sorted(place.glob("*.toml")) if place.is_dir() else []:
            try:
                found[path.stem] = _read(path)
            except UserError:
                continue  # `template_problems` says what is wrong with it
    return [template for _, template in sorted(found.items())]


def _read(path: Path) -> Template:
    """A template file, checked key by key: a bad one is refused with every problem named by its key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        raise UserError(problem("", "template.unreadable", template=path.name, detail=str(error))) from None
    problems: list[Problem] = [problem(key, "file.unknown_key", keys=", ".join(sorted(_TEMPLATE_KEYS)))
                               for key in data if key not in _TEMPLATE_KEYS]
    for key in ("id", "name"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(problem(key, "value.required"))
    languages = data.get("languages", list(LANGUAGES))
    if not isinstance(languages, list) or not languages or not set(languages) <= set(LANGUAGES):
        problems.append(problem("languages", "template.languages", known=", ".join(LANGUAGES)))
        languages = list(LANGUAGES)
    lines = []
    for i, line in enumerate(data.get("budget_lines", []) if isinstance(data.get("budget_lines"), list) else [], 1):
        names = line.get("name") if isinstance(line, dict) else None
        if not isinstance(line, dict) or not isinstance(line.get("code"), str) or not isinstance(names, dict) \
                or not names or not all(isinstance(v, str) for v in names.values()):
            problems.append(problem(f"budget_lines[{i}]", "template.line"))
            continue
        lines.append(TemplateLine(line["code"], {str(k): v for k, v in names.items()}))
    report = data.get("report", {})
    template = Template(
        id=str(data.get("id", "")),
        name=str(data.get("name", "")),
        languages=tuple(languages),
        currency=str(data.get("currency", "EUR")),
        budget_lines=tuple(lines),
        rules=rules_from_mapping(data, "", problems),
        report=_layout(report if isinstance(report, dict) else {}, problems),
    )
    problems += rule_problems(template.rules, {line.code for line in lines})
    if template.id and template.id != path.stem:
        problems.append(problem("id", "template.id_not_file_name", id=repr(template.id)))
    if problems:
        raise UserError(problem("", "template.broken", template=path.name,
                                problems="; ".join(str(p) for p in problems)))
    return template


def template_problems() -> list[str]:
    """The templates that cannot be read, each with its problems (the others are listed without them)."""
    found = []
    for folder in template_folders():
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else []:
            try:
                _read(path)
            except UserError as error:
                found.append(f"{folder}: {error}")
    return found


def _layout(data: dict[str, Any], problems: list[Problem]) -> ReportLayout:
    if not data:
        return ReportLayout({"en": "Financial report"}, ("line_overview", "cofinancing", "expenditure_list"))
    problems += [problem(f"report.{key}", "file.unknown_key", keys=", ".join(sorted(_REPORT_KEYS)))
                 for key in data if key not in _REPORT_KEYS]
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
        expenditure_columns=_columns(data, "expenditure_columns", EXPENDITURE_COLUMNS, problems),
        document_columns=_columns(data, "document_columns", DOCUMENT_COLUMNS, problems),
        statements=_words(data, "statement", problems),
        signatories={lang: tuple(names) for lang, names in _words(data, "signatories", problems, lists=True).items()},
    )


def _columns(data: dict[str, Any], key: str, known: tuple[str, ...], problems: list[Problem]) -> tuple[str, ...]:
    """The optional columns a template adds to a list: a list of some of those `known`."""
    columns = data.get(key, [])
    if not isinstance(columns, list) or not all(c in known for c in columns):
        problems.append(problem(f"report.{key}", "template.columns", known=", ".join(known)))
        return ()
    return tuple(columns)


def _words(data: dict[str, Any], key: str, problems: list[Problem], lists: bool = False) -> dict[str, Any]:
    """A table of words per language (`{ en = "…", lt = "…" }`), or of lists of words."""
    value = data.get(key, {})
    fits = (lambda v: isinstance(v, list) and all(isinstance(w, str) for w in v)) if lists else \
        (lambda v: isinstance(v, str))
    if not isinstance(value, dict) or not set(value) <= set(LANGUAGES) or not all(fits(v) for v in value.values()):
        problems.append(problem(f"report.{key}", "template.words", languages=", ".join(LANGUAGES)))
        return {}
    return value
