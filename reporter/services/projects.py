"""Create, update, load and export projects."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reporter.domain.errors import UserError, ValidationError
from reporter.domain.model import BudgetLine, ProjectDefinition
from reporter.domain.rules import ContractRules
from reporter.domain.validation import validate_definition
from reporter.project_file import parse_project_file, render_project_file
from reporter.store import Store
from reporter.store.projects import ProjectSummary, SaveSummary
from reporter.templates import load_template


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
        raise UserError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a text file in UTF-8 (is it a project file?)") from None
    try:
        return parse_project_file(text, template_defaults)
    except ValidationError as error:
        raise ValidationError(error.problems, f"{path}: {error.heading}") from None


def load_project_file(store: Store, path: Path) -> LoadResult:
    """Create or update the project a file defines; loading the same file twice changes nothing."""
    definition = read_project_file(path)
    return LoadResult(definition.project.code, save_project(store, definition))


def save_project(store: Store, definition: ProjectDefinition) -> SaveSummary:
    """Validate a whole definition and save it in one transaction."""
    problems = validate_definition(definition)
    if problems:
        raise ValidationError(problems, f"Project {definition.project.code} has {len(problems)} problem(s); "
                                        "nothing was saved:")
    with store.transaction():
        return store.projects.save_definition(definition)


def project_definition(store: Store, code: str) -> ProjectDefinition:
    return store.projects.definition(code)


def export_project(store: Store, code: str) -> str:
    return render_project_file(store.projects.definition(code))


def list_projects(store: Store) -> list[ProjectSummary]:
    return store.projects.list()
