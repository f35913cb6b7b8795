"""The payment position: what each funder has paid, what its share of the costs claims, and what is due.

A grant is held at the level of its agreement: a project-wide agreement's
money goes to the project (the lead partner) for every partner together, a
partner's own agreement to that partner. Positions are only ever worked out at
that level, so a partner's costs are never set against the whole project's
grant and advance payments.

Where the rules give a payment schedule (the template's or the project file's
`[[instalments]]`), each instalment's state is worked out too: paid, due, waiting
for its report, or reduced because the costs have not used enough of the
earlier instalments (the EU rule: the next pre-financing is cut by what falls
short of the threshold).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable

from reporter.domain.financing import Financing
from reporter.domain.model import FundingAgreement, Payment, ProjectDefinition
from reporter.domain.money import CENT, ZERO, round_half_up
from reporter.domain.rules import Instalment

PAID, DUE, WAITING, REDUCED = "paid", "due", "waiting", "reduced"


@dataclass(frozen=True)
class InstalmentState:
    number: int  # 1, 2, 3… in the schedule
    instalment: Instalment
    amount: Decimal  # what it pays: its share of the grant; reduced, or the balance for the final one
    paid: Decimal  # the payments received that settle it
    status: str  # PAID, DUE (its trigger is met), WAITING (its report is not submitted yet), REDUCED (due, less)
    used_percent: Decimal | None = None  # of the earlier instalments, by the costs through its report
    reduction: Decimal = ZERO  # what the shortfall below the threshold takes off

    @property
    def open(self) -> Decimal:
        return max(ZERO, self.amount - self.paid)


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
    instalments: tuple[InstalmentState, ...] = ()  # the schedule, where the rules give one

    @property
    def next_due(self) -> InstalmentState | None:
        """The instalment to be paid next: the first not paid whose trigger is met, else the first waiting."""
        due = [i for i in self.instalments if i.status in (DUE, REDUCED) and i.open]
        return due[0] if due else next((i for i in self.instalments if i.status == WAITING), None)


def payment_positions(financing: Financing, payments: Iterable[Payment], through: int | None = None,
                      paid_by: date | None = None) -> list[PaymentPosition]:
    """One position per funding agreement of a funder that pays money (not own funds): its claim through a
    period, the payments up to a date, and where its schedule stands."""
    definition = financing.definition
    payments = [p for p in payments if (paid_by is None or p.date <= paid_by) and p.kind != "interest"]
    positions = []
    for agreement in _grants(definition):
        received = tuple(p for p in payments if p.funder == agreement.funder and p.partner == agreement.partner)

        def claimed_through(period: int | None) -> Decimal:
            return _claimed(financing, agreement, period)

        claimed, paid = claimed_through(through), sum((p.received for p in received), ZERO)
        granted = agreement.amount if agreement.fixed else agreement.cap
        schedule = _schedule(definition, agreement, granted, claimed_through(None), paid, claimed_through)
        positions.append(PaymentPosition(
            agreement.funder, agreement.partner, granted, agreement.fixed, claimed, paid,
            due=max(ZERO, claimed - paid), ahead=max(ZERO, paid - claimed),
            unused=granted - claimed if agreement.fixed else None,  # type: ignore[operator]
            prefinancing=agreement.prefinancing, payments=received, instalments=schedule))
    return positions


def _grants(definition: ProjectDefinition) -> list[FundingAgreement]:
    """The agreements of the funders that pay money (not own funds), each where its grant is held."""
    own = {f.code for f in definition.funders if f.kind == "own"}
    return [a for a in definition.funding if a.funder not in own]


def _claimed(financing: Financing, agreement: FundingAgreement, through: int | None) -> Decimal:
    """What the funder pays of the costs, through a period, of the partners the agreement covers: the engine's."""
    definition = financing.definition
    partners = [p.code for p in definition.partners if agreement in definition.agreements_for(p.code)]
    return sum((financing[p].cumulative(agreement.funder, through) for p in partners), ZERO)


@dataclass(frozen=True)
class Funds:
    """A grant's money as the grantee holds it at the end of a period."""

    received: Decimal  # the funder's payments, less money returned to it
    interest: Decimal  # what the bank paid on the money
    used: Decimal  # the funder's share of the eligible costs (the engine's)

    @property
    def balance(self) -> Decimal:
        """On hand: received + interest − used; below zero, the grantee has paid the funder's share in advance."""
        return self.received + self.interest - self.used

    def __sub__(self, other: "Funds") -> "Funds":
        return Funds(self.received - other.received, self.interest - other.interest, self.used - other.used)


NO_FUNDS = Funds(ZERO, ZERO, ZERO)


@dataclass(frozen=True)
class GrantFunds:
    """One grant's money at the end of the period before and at the end of the period reported."""

    funder: str
    partner: str | None  # None: the grant is held by the project, for every partner
    before: Funds  # at the end of the previous period (nothing before the first)
    to_date: Funds

    @property
    def this_period(self) -> Funds:
        return self.to_date - self.before


def grant_funds(financing: Financing, payments: Iterable[Payment], period: int) -> list[GrantFunds]:
    """Each grant of a funder that pays money: what it paid and the interest earned on it by the end of a period
    (and of the one before), against what the costs used of it through that period."""
    definition = financing.definition
    payments = list(payments)

    def at(agreement: FundingAgreement, number: int) -> Funds:
        found = definition.period(number)
        if found is None:
            return NO_FUNDS
        held = [p for p in payments
                if p.funder == agreement.funder and p.partner == agreement.partner and p.date <= found.end]
        return Funds(sum((p.received for p in held), ZERO), sum((p.interest for p in held), ZERO),
                     _claimed(financing, agreement, number))

    return [GrantFunds(a.funder, a.partner, at(a, period - 1), at(a, period)) for a in _grants(definition)]


def _schedule(definition: ProjectDefinition, agreement: FundingAgreement, granted: Decimal | None,
              claimed: Decimal, paid: Decimal, claimed_through) -> tuple[InstalmentState, ...]:
    """The instalments of a grant, in order; the payments received settle them in that order."""
    own = [i for i in definition.rules.instalments if i.funder == agreement.funder]
    schedule = own or [i for i in definition.rules.instalments if not i.funder]
    if not schedule or granted is None:
        return ()
    submitted = {p.number for p in definition.periods if p.submitted}
    last = max((p.number for p in definition.periods), default=0)
    states: list[InstalmentState] = []
    left = paid  # the payments, settling the instalments in turn
    for number, instalment in enumerate(schedule, 1):
        amount = round_half_up(granted * instalment.percent / 100)
        earlier = sum((s.amount for s in states), ZERO)
        used, reduction, status = None, ZERO, DUE
        if instalment.trigger == "report":
            spent = claimed_through(instalment.period)
            used = (spent / earlier * 100).quantize(Decimal("0.1")) if earlier else None
            if instalment.period not in submitted:
                status = WAITING
            elif instalment.threshold is not None and earlier and spent < earlier * instalment.threshold / 100:
                reduction = (earlier * instalment.threshold / 100 - spent).quantize(CENT)
                amount, status = max(ZERO, amount - reduction), REDUCED
        elif instalment.trigger == "final":
            amount = max(ZERO, min(granted, claimed) - earlier)  # the balance of what the costs claim
            status = DUE if last in submitted else WAITING
        settled = min(left, amount)
        left -= settled
        if settled == amount and amount:
            status = PAID
        states.append(InstalmentState(number, instalment, amount, settled, status, used, reduction))
    return tuple(states)
