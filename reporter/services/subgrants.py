"""Sub-grants: payments to sub-grantees, and where each sub-grant stands."""

from __future__ import annotations

from datetime import timedelta
from typing import Mapping

from reporter.domain.errors import Problem, ValidationError, not_one_of, problem
from reporter.domain.model import SUB_GRANT_PAYMENT_KINDS, ProjectDefinition, SubGrantPayment
from reporter.domain.subgrants import SubGrantPosition, sub_grant_positions
from reporter.services.checks import gather_financing
from reporter.services.payments import date_and_amount
from reporter.store import Store

_AFTER_END = timedelta(days=365)
"""A sub-grant's balance is settled after its final report: up to a year after the project ends."""


def sub_grant_overview(store: Store, code: str, period: int | None = None) -> list[SubGrantPosition]:
    """Each sub-grant: granted, paid, reported and accepted through a period (default: all), and its balance."""
    _, financing, _ = gather_financing(store, code)
    return sub_grant_positions(financing, store.sub_grants.list(store.projects.ids(code).project), period)


def add_sub_grant_payment(store: Store, code: str, fields: Mapping[str, str | None]) -> SubGrantPayment:
    """Record a payment to a sub-grantee (partner, date, amount, kind, note); refused whole with every problem."""
    payment = _payment(store.projects.definition(code), fields)
    with store.transaction():
        return store.sub_grants.insert(store.projects.ids(code).project, payment)


def list_sub_grant_payments(store: Store, code: str, partner: str | None = None) -> list[SubGrantPayment]:
    return [p for p in store.sub_grants.list(store.projects.ids(code).project) if partner in (None, p.partner)]


def delete_sub_grant_payment(store: Store, code: str, payment_id: str) -> SubGrantPayment:
    with store.transaction():
        return store.sub_grants.delete(store.projects.ids(code).project, payment_id)


def _payment(definition: ProjectDefinition, fields: Mapping[str, str | None]) -> SubGrantPayment:
    problems: list[Problem] = []
    partner = (fields.get("partner") or "").strip()
    kind = (fields.get("kind") or "advance").strip()
    granted = [g.partner for g in definition.sub_grants]
    if not partner:
        problems.append(problem("partner", "value.required"))
    elif partner not in granted:
        problems.append(problem("partner", "sub_grant.unknown", partner=repr(partner),
                                known=", ".join(granted) or "–"))
    if kind not in SUB_GRANT_PAYMENT_KINDS:
        problems.append(not_one_of("kind", kind, SUB_GRANT_PAYMENT_KINDS))
    day, amount = date_and_amount(fields, problems, "sub_grant.payment_not_positive")
    if day is not None and not definition.project.start <= day <= definition.project.end + _AFTER_END:
        problems.append(problem("date", "sub_grant.payment_date", start=definition.project.start,
                                end=definition.project.end + _AFTER_END))
    if problems:
        raise ValidationError(problems, problem("", "sub_grant.payments", count=len(problems)))
    return SubGrantPayment(partner, day, amount, kind, (fields.get("note") or "").strip())  # type: ignore[arg-type]
