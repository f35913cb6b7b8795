"""Payments funders made, and where each grant stands: claimed, paid and due."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Mapping

from reporter.domain.errors import Problem, UserError, ValidationError, not_one_of, problem
from reporter.domain.limits import parse_date
from reporter.domain.model import PAYMENT_KINDS, Payment, ProjectDefinition
from reporter.domain.money import parse_amount
from reporter.domain.payments import PaymentPosition, payment_positions
from reporter.services.checks import gather_financing
from reporter.store import Store


def add_payment(store: Store, code: str, fields: Mapping[str, str | None]) -> Payment:
    """Record a payment (funder, partner, date, amount, kind, note); refused whole with every problem. Interest
    the bank paid on a grant's money is kind `interest`, dated within the project: it falls in the period of its
    date."""
    definition = store.projects.definition(code)
    payment = _payment(definition, fields)
    with store.transaction():
        return store.payments.insert(store.projects.ids(code), payment)


def delete_payment(store: Store, code: str, payment_id: str) -> Payment:
    with store.transaction():
        return store.payments.delete(store.projects.ids(code).project, payment_id)


def list_payments(store: Store, code: str, funder: str | None = None) -> list[Payment]:
    return [p for p in store.payments.list(store.projects.ids(code).project) if funder in (None, p.funder)]


def payment_position(store: Store, code: str, period: int | None = None,
                     today: date | None = None) -> list[PaymentPosition]:
    """Each grant where it is held: what the costs through a period (default: all) claim, paid and due."""
    _, financing, _ = gather_financing(store, code)
    project_id = store.projects.ids(code).project
    return payment_positions(financing, store.payments.list(project_id), period, paid_by=today)


def _payment(definition: ProjectDefinition, fields: Mapping[str, str | None]) -> Payment:
    problems: list[Problem] = []
    funder = (fields.get("funder") or "").strip()
    partner = (fields.get("partner") or "").strip() or None
    kind = (fields.get("kind") or "interim").strip()
    agreements = [a for a in definition.funding if a.funder == funder]
    if not funder:
        problems.append(problem("funder", "value.required"))
    elif definition.funder(funder) is None:
        problems.append(problem("funder", "reference.unknown_funder", code=repr(funder)))
    elif not agreements:
        problems.append(problem("funder", "funder.no_agreement", project=definition.project.code, funder=repr(funder)))
    elif partner is not None and definition.partner(partner) is None:
        problems.append(problem("partner", "reference.unknown_partner", code=repr(partner)))
    elif not any(a.partner == partner for a in agreements):
        problems.append(problem("partner", "payment.to_project" if partner else "payment.to_partner", funder=funder,
                                partners=", ".join(a.partner for a in agreements if a.partner)))
    if kind not in PAYMENT_KINDS:
        problems.append(not_one_of("kind", kind, PAYMENT_KINDS))
    interest = kind == "interest"
    day, amount = date_and_amount(fields, problems, "payment.interest_not_positive" if interest
                                  else "payment.not_positive")
    project = definition.project
    if interest and day is not None and not project.start <= day <= project.end:  # earned while the project runs
        problems.append(problem("date", "payment.interest_outside_project", date=day.isoformat(),
                                start=project.start.isoformat(), end=project.end.isoformat()))
    if problems:
        raise ValidationError(problems, problem("", "payment.problems", count=len(problems)))
    return Payment(funder, partner, day, amount, kind, (fields.get("note") or "").strip())  # type: ignore[arg-type]


def date_and_amount(fields: Mapping[str, str | None], problems: list[Problem],
                    not_positive: str) -> tuple[date | None, Decimal | None]:
    """A payment's date and amount as typed (a positive amount: money paid back is a kind of its own); each
    problem is added to `problems` at its field."""
    day = amount = None
    try:
        day = parse_date((fields.get("date") or "").strip())
    except UserError as error:
        problems.append(error.placed("date"))
    try:
        amount = parse_amount(fields.get("amount") or "", "amount")
        if amount <= 0:
            problems.append(problem("amount", not_positive, amount=str(amount)))
    except UserError as error:
        problems.append(error.placed("amount"))
    return day, amount
