"""Add, edit, delete and list expenditure."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Mapping

from reporter.domain.allocation import ShareTerms, split
from reporter.domain.errors import Conflict, ValidationError, problem
from reporter.domain.model import Expenditure, ProjectDefinition
from reporter.domain.money import ZERO, plain
from reporter.domain.validation import complete_expenditure, default_eligible, parse_expenditure_fields, reference_problems
from reporter.store import Store
from reporter.store.expenditures import ExpenditureQuery, Page


def add_expenditure(store: Store, project_code: str, fields: Mapping[str, str]) -> Expenditure:
    """Check the fields of one cost document and save it; refuse it whole with every problem."""
    definition = store.projects.definition(project_code)
    expenditure = _complete(store, definition, fields)
    with store.transaction():
        return store.expenditures.insert(store.projects.ids(project_code), expenditure)


def edit_expenditure(store: Store, project_code: str, reference: str, changes: Mapping[str, str]) -> Expenditure:
    """Change some fields; the others keep their values, and derived ones follow the change."""
    definition = store.projects.definition(project_code)
    ids = store.projects.ids(project_code)
    old = store.expenditures.get(ids.project, reference)
    _refuse_if_locked(store, old)
    fields = fields_of(old)
    if "eligible" not in changes and old.eligible == _default_eligible(definition, old):
        fields.pop("eligible")  # it was derived from gross and VAT: derive it again
    if "date" in changes and "period" not in changes:
        old_period = definition.period(old.period)
        if old_period is not None and old_period.contains(old.document_date):
            fields.pop("period")  # it followed the date: follow the new one
    if ("currency" in changes or "date" in changes) and "rate" not in changes:
        fields.pop("rate", None)
    fields.update(changes)
    updated = replace(_complete(store, definition, fields), id=old.id, number=old.number)
    with store.transaction():
        store.expenditures.update(ids, updated)
    return updated


def delete_expenditure(store: Store, project_code: str, reference: str) -> Expenditure:
    ids = store.projects.ids(project_code)
    old = store.expenditures.get(ids.project, reference)
    _refuse_if_locked(store, old)
    with store.transaction():
        store.expenditures.delete(old.id)
    return old


def list_expenditures(store: Store, project_code: str, query: ExpenditureQuery = ExpenditureQuery()) -> Page:
    return store.expenditures.page(store.projects.ids(project_code), query)


def get_expenditure(store: Store, project_code: str, reference: str) -> Expenditure:
    return store.expenditures.get(store.projects.ids(project_code).project, reference)


def suggest_suppliers(store: Store, project_code: str, prefix: str) -> list[str]:
    return store.expenditures.suppliers(store.projects.ids(project_code).project, prefix)


def preview_split(store: Store, project_code: str, fields: Mapping[str, str]) -> list[tuple[str, Decimal]]:
    """How this one expenditure would split among its partner's funders, before it is saved.

    Raises `ValidationError` while the fields are not yet a valid expenditure.
    """
    definition = store.projects.definition(project_code)
    expenditure = _complete(store, definition, fields)
    amount = expenditure.eligible_project_currency
    terms = [ShareTerms(a.funder, a.share_percent, a.rounding, a.residual,
                        amount if not a.budget_lines or expenditure.budget_line in a.budget_lines else ZERO, a.part_of)
             for a in definition.agreements_for(expenditure.partner)]
    return [(part.funder, part.amount) for part in split(amount, terms).parts]


def fields_of(expenditure: Expenditure) -> dict[str, str]:
    """The text fields of a saved expenditure, as a form or the command line would give them."""
    fields = {
        "partner": expenditure.partner,
        "line": expenditure.budget_line,
        "date": expenditure.document_date.isoformat(),
        "document": expenditure.document_no,
        "supplier": expenditure.supplier,
        "gross": plain(expenditure.gross),
        "vat": plain(expenditure.vat),
        "eligible": plain(expenditure.eligible),
        "currency": expenditure.currency,
        "period": str(expenditure.period),
        "activity": expenditure.activity or "",
        "description": expenditure.description,
        "paid": expenditure.payment_date.isoformat() if expenditure.payment_date else "",
        "attachments": "; ".join(expenditure.attachments),
        "notes": expenditure.notes,
    }
    if expenditure.rate is not None:
        fields["rate"] = str(expenditure.rate)
    return fields


def _complete(store: Store, definition: ProjectDefinition, fields: Mapping[str, str]) -> Expenditure:
    draft, problems = parse_expenditure_fields(fields)
    if draft is None:
        problems += reference_problems(fields, definition)
    else:
        expenditure, problems = complete_expenditure(draft, definition, store.rates.get)
    if problems:
        raise ValidationError(problems, problem("", "expenditure.problems", count=len(problems)))
    return expenditure


def _default_eligible(definition: ProjectDefinition, expenditure: Expenditure) -> Decimal:
    partner = definition.partner(expenditure.partner)
    return default_eligible(expenditure.gross, expenditure.vat, bool(partner and partner.vat_recoverable))


def _refuse_if_locked(store: Store, expenditure: Expenditure) -> None:
    number, status = store.expenditures.period_status(expenditure.id)
    if status == "submitted":
        raise Conflict(problem("", "expenditure.locked", number=expenditure.number, period=number))
