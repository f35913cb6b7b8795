"""Create, update, load and export projects."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from reporter.crash_points import crash_point
from reporter.domain.conversion import in_project_currency
from reporter.domain.errors import Problem, UserError, ValidationError, problem
from reporter.domain.model import BudgetLine, ProjectDefinition
from reporter.domain.rules import ContractRules
from reporter.domain.validation import validate_definition
from reporter.project_file import definition_to_data, parse_project_data, parse_project_file, render_project_file
from reporter.services.maintenance import automatic_backup
from reporter.store import Store
from reporter.store.projects import ProjectSummary, SaveSummary
from reporter.templates import list_templates, load_template


@dataclass(frozen=True)
class LoadResult:
    code: str
    summary: SaveSummary


def template_defaults(template_id: str) -> tuple[tuple[BudgetLine, ...], ContractRules]:
    """What a project takes from its template unless its file says otherwise."""
    template = load_template(template_id)
    return template.project_budget_lines(), template.rules


def read_project_file(path: Path) -> ProjectDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(problem(str(path), "file.missing")) from None
    except UnicodeDecodeError:
        raise UserError(problem(str(path), "file.not_utf8")) from None
    try:
        return parse_project_file(text, template_defaults)
    except ValidationError as error:
        heading = replace(error.heading, where=str(path)) if error.heading else None
        raise ValidationError(error.problems, heading) from None


def load_project_file(store: Store, path: Path) -> LoadResult:
    """Create or update the project a file defines; loading the same file twice changes nothing.

    A file that changes an existing project is loaded after a (rotating) backup of the database.
    """
    definition = read_project_file(path)
    code = definition.project.code
    if store.projects.exists(code) and store.projects.definition(code) != definition:
        automatic_backup(store, "before-load")
    return LoadResult(code, save_project(store, definition))


def save_project(store: Store, definition: ProjectDefinition) -> SaveSummary:
    """Validate a whole definition and save it in one transaction."""
    problems = validate_definition(definition) + _template_currency_problems(definition)
    if not problems:  # an agreement in another currency converts at a stored rate, or every later command fails
        problems = in_project_currency(definition, store.rates.get)[1]
    if problems:
        raise ValidationError(problems, problem("", "project.problems", code=definition.project.code,
                                                count=len(problems)))
    with store.transaction():
        summary = store.projects.save_definition(definition)
        crash_point("load.before-commit")
        return summary


def _template_currency_problems(definition: ProjectDefinition) -> list[Problem]:
    """A funder whose reports are in one currency (Interreg, Erasmus+: the euro) has its projects kept in it."""
    try:
        template = load_template(definition.project.template)
    except UserError:
        return []  # the file's parser has said so already
    currency = definition.project.currency
    if template.currency not in ("project", currency):
        return [problem("project.currency", "project.template_currency", template=template.id,
                        template_currency=template.currency, currency=currency)]
    return []


def project_definition(store: Store, code: str) -> ProjectDefinition:
    return store.projects.definition(code)


def export_project(store: Store, code: str) -> str:
    definition = store.projects.definition(code)
    return render_project_file(definition, template_rules(definition))


def list_projects(store: Store) -> list[ProjectSummary]:
    return store.projects.list()


def project_data(store: Store, code: str) -> dict[str, Any]:
    """A project as the tables the setup forms edit (the tables of its project file)."""
    definition = store.projects.definition(code)
    return definition_to_data(definition, template_rules(definition))


def template_rules(definition: ProjectDefinition) -> ContractRules:
    """The rules a project's file is read against: its template's (what the file leaves out is theirs)."""
    try:
        return load_template(definition.project.template).rules
    except UserError:  # the file cannot be read again without its template either; say every term
        return ContractRules()


def new_project_data(template_id: str, lang: str = "en") -> dict[str, Any]:
    """The tables of a project not yet saved: its template's budget lines (named in every language), the rest
    to fill in."""
    template = load_template(template_id)
    currency = "EUR" if template.currency == "project" else template.currency  # "project": any currency
    return {"project": {"template": template.id, "currency": currency}, "partners": [], "funders": [],
            "funding": [], "budget_lines": [{"code": line.code, "name": dict(line.names)}
                                            for line in template.budget_lines],
            "budget": [], "periods": [], "activities": []}


def check_project_data(data: dict[str, Any]) -> ProjectDefinition:
    """The definition the forms describe, or a `ValidationError` naming every field to fix."""
    return parse_project_data(data, template_defaults)


def save_project_data(store: Store, data: dict[str, Any]) -> LoadResult:
    """Save what the setup forms describe, as one transaction; nothing is saved if a field is wrong."""
    definition = check_project_data(data)
    return LoadResult(definition.project.code, save_project(store, definition))


def template_choices() -> list[tuple[str, str]]:
    """Each template's id and name, to choose from."""
    return [(t.id, t.name) for t in list_templates()]
