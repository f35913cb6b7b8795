"""A funder's own currency: its grant stated, and its report written, in it.

A funding agreement may state its cap, fixed sum and pre-financing in the
funder's currency (a ministry's co-funding in litas for a programme kept in
dollars). The engine works in the project's currency, so those amounts are
converted once, through the euro, at the rates of the agreement's
`rate_month` (the fixed changeover rates need none); a report addressed to the
funder converts its amounts back the same way and says at which rates.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Callable

from reporter.domain.currency import EURO, FIXED_EURO_RATES, from_euro, to_euro
from reporter.domain.errors import Problem, problem
from reporter.domain.model import FundingAgreement, ProjectDefinition

RateForMonth = Callable[[str, str], Decimal | None]
"""Gives the stored rate per euro of a currency for a month ('YYYY-MM'), or None."""


@dataclass(frozen=True, slots=True)
class FunderRates:
    """How the project's amounts become the funder's: both currencies' rates per euro (None: the euro)."""

    currency: str
    project_currency: str
    rate: Decimal | None  # the funder's currency per euro
    project_rate: Decimal | None  # the project's currency per euro
    month: str

    def to_project(self, amount: Decimal) -> Decimal:
        in_euro = amount if self.rate is None else to_euro(amount, self.rate)
        return in_euro if self.project_rate is None else from_euro(in_euro, self.project_rate)

    def to_funder(self, amount: Decimal) -> Decimal:
        in_euro = amount if self.project_rate is None else to_euro(amount, self.project_rate)
        return in_euro if self.rate is None else from_euro(in_euro, self.rate)


def funder_rates(definition: ProjectDefinition, agreement: FundingAgreement,
                 rate_for_month: RateForMonth) -> FunderRates | Problem | None:
    """The rates between an agreement's currency and the project's; None when they are the same."""
    project_currency = definition.project.currency
    if agreement.currency in (None, project_currency):
        return None
    rates = []
    for code in (agreement.currency, project_currency):
        if code == EURO:
            rates.append(None)
        elif code in FIXED_EURO_RATES:
            rates.append(FIXED_EURO_RATES[code])
        elif not agreement.rate_month:
            return problem("rate_month", "funding.rate_month", currency=code)
        else:
            stored = rate_for_month(code, agreement.rate_month)
            if stored is None:
                return problem("rate_month", "funding.rate_not_stored", currency=code, month=agreement.rate_month)
            rates.append(stored)
    return FunderRates(agreement.currency, project_currency, rates[0], rates[1],  # type: ignore[arg-type]
                       agreement.rate_month)


def in_project_currency(definition: ProjectDefinition, rate_for_month: RateForMonth) -> tuple[ProjectDefinition,
                                                                                             list[Problem]]:
    """The definition with every agreement's amounts in the project's currency (what the engine works with)."""
    problems: list[Problem] = []
    funding = []
    for i, agreement in enumerate(definition.funding, 1):
        rates = funder_rates(definition, agreement, rate_for_month)
        if isinstance(rates, Problem):
            problems.append(replace(rates, where=f"funding[{i}].rate_month"))
            funding.append(agreement)
            continue
        if rates is not None:
            agreement = replace(agreement, currency=None, **{
                name: rates.to_project(getattr(agreement, name)) for name in ("cap", "amount", "prefinancing")
                if getattr(agreement, name) is not None})
        funding.append(agreement)
    return replace(definition, funding=tuple(funding)), problems
