"""Add, edit, delete and list expenditure."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Mapping

from reporter.domain.errors import Conflict, ValidationError, problem
from reporter.domain.financing import (
    Cost,
    Terms,
    compute_financing,
    cost_of,
    covering_funders,
    narrowest_window,
    partner_terms,
)
from reporter.domain.model import Expenditure, ProjectDefinition
from reporter.domain.money import plain
from reporter.domain.validation import (
    complete_expenditure,
    default_eligible,
    format_payers,
    parse_expenditure_fields,
    reference_problems,
)
from reporter.services.checks import gather_financing
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
        fields.pop("project_rate", None)
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


COUNTED_AT_ONCE = 20_000  # a project with more expenditures shows a page of its list before counting them all


def list_expenditures(store: Store, project_code: str, query: ExpenditureQuery = ExpenditureQuery(),
                      count: bool = True) -> Page:
    """A page of the list; the funder filter keeps the costs the funder pays something of.

    `count=False` leaves the rows matching on all pages uncounted (`Page.total` is None): counting reads every
    one of them, so the window shows the page first and asks `count_expenditures` after.
    """
    return store.expenditures.page(store.projects.ids(project_code), query, *_funder_terms(store, project_code, query),
                                   count=count)


def count_expenditures(store: Store, project_code: str, query: ExpenditureQuery) -> tuple[int, Decimal]:
    """How many expenditures match a filter on all its pages, and their eligible amount in the project's currency
    (counted once per filter while nothing is written)."""
    return store.expenditures.totals(store.projects.ids(project_code), query,
                                     *_funder_terms(store, project_code, query))


def _funder_terms(store: Store, project_code: str, query: ExpenditureQuery
                  ) -> tuple[list[tuple[str, Terms]], set[tuple[str, int, str]], set[str]]:
    """What the store needs for a funder filter: each partner's terms, and what the funder pays nothing of."""
    if query.funder is None:
        return [], set(), set()
    definition = store.projects.definition(project_code)
    terms = [(p.code, t) for p in definition.partners for t in partner_terms(definition, p.code)]
    return (terms, *_covered_but_unpaid(store, definition, query.funder))


def _covered_but_unpaid(store: Store, definition: ProjectDefinition,
                        funder: str) -> tuple[set[tuple[str, int, str]], set[str]]:
    """Costs a funder's terms cover but it pays nothing of: its cap or fixed sum was used before them, or the
    fixed sums ahead of it (or, for the residual, beside it) paid them whole.

    As (partner, period, line) of whole lines it pays nothing of, and the ids of single costs in the few
    lines where a cap or a fixed sum began to hold back (walked one by one). A cost so small that its
    rounded part is 0.00 is still listed. A residual without a share of its own pays only in the lines where
    a cap or a fixed sum held something back; elsewhere it merely evens out the others' rounding cents.
    """
    evens_out = all(a.residual and a.share == 0 for a in definition.funding if a.funder == funder)
    if not any(a.cap is not None or a.fixed for a in definition.funding) and not evens_out:
        return set(), set()
    _, financing, _ = gather_financing(store, definition.project.code)
    project_id = store.projects.ids(definition.project.code).project
    lines: set[tuple[str, int, str]] = set()
    walk: list[Cost] = []
    for partner, partner_financing in financing.items():
        for number, period in partner_financing.periods.items():
            for line, parts in period.line_parts.items():
                if not parts.get(funder) or (evens_out and line not in period.held_lines):
                    lines.add((partner, number, line))
                elif line in period.limited_lines:
                    walk += store.analysis.costs_of_line(project_id, partner, number, line)
    costs = {c.id for c in walk if funder in covering_funders(definition, c)}
    return lines, {a.cost.id for a in financing.allocate(walk) if a.cost.id in costs and not a.parts.get(funder)}


def get_expenditure(store: Store, project_code: str, reference: str) -> Expenditure:
    return store.expenditures.get(store.projects.ids(project_code).project, reference)


def suggest_suppliers(store: Store, project_code: str, prefix: str) -> list[str]:
    return store.expenditures.suppliers(store.projects.ids(project_code).project, prefix)


def preview_split(store: Store, project_code: str, fields: Mapping[str, str],
                  editing: str | None = None) -> list[tuple[str, Decimal]]:
    """What each source would pay of this expenditure once saved (in place of `editing`, when given).

    The engine works it out with the expenditure among the project's costs, exactly as it will be
    booked. Raises `ValidationError` while the fields are not yet a valid expenditure.
    """
    definition = store.projects.definition(project_code)
    ids = store.projects.ids(project_code)
    old = store.expenditures.get(ids.project, editing) if editing else None
    expenditure = _complete(store, definition, fields)
    number = old.number if old else store.expenditures.next_number(ids.project)
    draft = cost_of(replace(expenditure, id=old.id if old else "", number=number))
    return list(_split_among(store, definition, draft, cost_of(old) if old else None).items())


def booked_split(store: Store, project_code: str, reference: str) -> dict[str, Decimal]:
    """What each source pays of a saved expenditure."""
    definition = store.projects.definition(project_code)
    cost = cost_of(store.expenditures.get(store.projects.ids(project_code).project, reference))
    return _split_among(store, definition, cost, cost)


def _split_among(store: Store, definition: ProjectDefinition, cost: Cost, replacing: Cost | None) -> dict[str, Decimal]:
    """The engine's parts of `cost` among the project's costs, `replacing` one of them."""
    project_id = store.projects.ids(definition.project.code).project
    window = narrowest_window(definition)
    singles = [c for c in store.analysis.singles(project_id, window) if replacing is None or c.id != replacing.id]
    sums = store.analysis.sums(project_id, any(a.activities for a in definition.funding))
    if replacing is not None:
        sums.append(replace(replacing, eligible=-replacing.eligible, vat=-replacing.vat, count=-1, id=""))
    financing = compute_financing(definition, [*sums, cost], [*singles, cost])
    line = [c for c in store.analysis.costs_of_line(project_id, cost.partner, cost.period, cost.line)
            if replacing is None or c.id != replacing.id]
    return next(a.parts for a in financing.allocate([*line, cost]) if a.cost is cost)


def fields_of(expenditure: Expenditure) -> dict[str, str]:
    """The text fields of a saved expenditure, as a form or the command line would give them."""
    return {
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
        "units": "" if expenditure.units is None else str(expenditure.units),
        "rate_name": expenditure.rate_name,
        "rate": "" if expenditure.rate is None else str(expenditure.rate),
        "project_rate": "" if expenditure.project_rate is None else str(expenditure.project_rate),
        "in_kind": expenditure.in_kind,
        "attachments": "; ".join(expenditure.attachments),
        "notes": expenditure.notes,
        "paid_by": format_payers(expenditure.payers),
        "accounting_ref": expenditure.accounting_ref,
        "supplier_code": expenditure.supplier_code,
        "person_document": expenditure.person_document,
        "travel_route": expenditure.travel_route,
        "travel_from": expenditure.travel_from.isoformat() if expenditure.travel_from else "",
        "travel_to": expenditure.travel_to.isoformat() if expenditure.travel_to else "",
        "travellers": expenditure.travellers,
        "procurement_ref": expenditure.procurement_ref,
    }


def complete_fields(store: Store, project_code: str, fields: Mapping[str, str]) -> Expenditure:
    """The expenditure these fields would be saved as, derived values worked out (nothing is saved).
    Raises `ValidationError` while they are not a valid expenditure."""
    return _complete(store, store.projects.definition(project_code), fields)


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
