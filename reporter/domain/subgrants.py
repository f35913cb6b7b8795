"""Sub-grants: what the project passed on to each sub-grantee, paid it, and accepted of its costs.

A national library re-granting to local libraries keeps, for each of them,
the agreement's amount, the advances it paid, the costs the library reported
(arriving as partner packages from its own copy of the program) and the part
of those costs the funding accepts (within the dates, lines and rules the
financing engine applies to every cost). The balance is what the project
still owes (positive) or has paid ahead of accepted costs (negative: to be
justified by later costs, or returned).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from reporter.domain.financing import Financing
from reporter.domain.model import SubGrant, SubGrantPayment
from reporter.domain.money import ZERO


@dataclass(frozen=True)
class SubGrantPosition:
    sub_grant: SubGrant
    name: str  # the sub-grantee's
    paid: Decimal  # advances and balances paid, less money returned
    reported: Decimal  # the eligible amounts the sub-grantee declared (with its computed flat rates)
    accepted: Decimal  # what the funding counts of them

    @property
    def granted(self) -> Decimal:
        return self.sub_grant.amount

    @property
    def counted(self) -> Decimal:
        """The accepted costs the sub-grant pays: never more than the agreement's amount."""
        return min(self.accepted, self.granted)

    @property
    def balance(self) -> Decimal:
        """Still to be paid to the sub-grantee (positive), or paid ahead of its accepted costs (negative)."""
        return self.counted - self.paid

    @property
    def unused(self) -> Decimal:
        return self.granted - self.counted


@dataclass(frozen=True)
class SubGrantTotals:
    granted: Decimal
    paid: Decimal
    reported: Decimal
    accepted: Decimal
    balance: Decimal
    unused: Decimal


def sub_grant_positions(financing: Financing, payments: Iterable[SubGrantPayment],
                        through: int | None = None) -> list[SubGrantPosition]:
    """Each sub-grant's position through a period (None: all of them), in the project file's order."""
    definition = financing.definition
    paid: dict[str, Decimal] = {}
    for payment in payments:
        paid[payment.partner] = paid.get(payment.partner, ZERO) + payment.paid
    positions = []
    for grant in definition.sub_grants:
        partner = definition.partner(grant.partner)
        costs = financing[grant.partner]
        positions.append(SubGrantPosition(
            grant, partner.name if partner else grant.partner, paid.get(grant.partner, ZERO),
            reported=sum(costs.line_totals(through).values(), ZERO), accepted=costs.total(through)))
    return positions


def sub_grant_totals(positions: Iterable[SubGrantPosition]) -> SubGrantTotals:
    items = list(positions)
    return SubGrantTotals(*(sum((getattr(p, name) for p in items), ZERO)
                            for name in ("granted", "paid", "reported", "accepted", "balance", "unused")))
