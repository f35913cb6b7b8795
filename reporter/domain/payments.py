"""The payment position: what each funder has paid, what its share of the costs claims, and what is due.

A grant is held at the level of its agreement: a project-wide agreement's
money goes to the project (the lead partner) for every partner together, a
partner's own agreement to that partner. Positions are only ever worked out at
that level, so a partner's costs are never set against the whole project's
grant and advance payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from reporter.domain.financing import Financing
from reporter.domain.model import Payment
from reporter.domain.money import ZERO


@dataclass(frozen=True)
class PaymentPosition:
    funder: str
    partner: str | None  # None: the grant is held by the project, for every partner
    granted: Decimal | None  # a fixed sum, or the cap: the most the funder pays
    fixed: bool
    claimed: Decimal  # what the funder pays of the costs, cumulatively through the period
    paid: Decimal  # payments received, less money returned
    due: Decimal  # still to be paid for the costs claimed
    ahead: Decimal  # paid before the costs used it (a pre-financing not yet covered by costs)
    unused: Decimal | None  # of a fixed sum: what the costs have not used (to be returned if it was paid)
    prefinancing: Decimal | None  # the advance the agreement provides for
    payments: tuple[Payment, ...]


def payment_positions(financing: Financing, payments: Iterable[Payment], through: int | None = None,
                      paid_by: date | None = None) -> list[PaymentPosition]:
    """One position per funding agreement of a funder that pays money (not own funds): its claim through a
    period, and the payments up to a date."""
    definition = financing.definition
    payments = [p for p in payments if paid_by is None or p.date <= paid_by]
    own = {f.code for f in definition.funders if f.kind == "own"}
    positions = []
    for agreement in definition.funding:
        if agreement.funder in own:
            continue
        partners = [p.code for p in definition.partners if agreement in definition.agreements_for(p.code)]
        received = tuple(p for p in payments if p.funder == agreement.funder and p.partner == agreement.partner)
        claimed = sum((financing[p].cumulative(agreement.funder, through) for p in partners), ZERO)
        paid = sum((p.received for p in received), ZERO)
        granted = agreement.amount if agreement.fixed else agreement.cap
        positions.append(PaymentPosition(
            agreement.funder, agreement.partner, granted, agreement.fixed, claimed, paid,
            due=max(ZERO, claimed - paid), ahead=max(ZERO, paid - claimed),
            unused=granted - claimed if agreement.fixed else None,  # type: ignore[operator]
            prefinancing=agreement.prefinancing, payments=received))
    return positions
