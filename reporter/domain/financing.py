"""The financing engine: what each source pays of every cost, exact over the whole project.

This is the one place that answers "what does this funder pay of this cost?".
Financing, checks, the split preview, the list's funder filter, the payment
position and every report section read from it.

The engine walks a project's costs in one fixed order, the *sequence*: periods
in order; within a period the partners, within a partner the budget lines, both
in the definition's order; within a line by document date and number. At any
point of the sequence a partner's *state* is what its costs up to there add up
to: the eligible total the agreements' mix pays, and the part of it each source
covers (its lines, activities, dates and VAT). A source's cumulative amount is a
function of the state — its share of what it covers, rounded as its agreement
says, limited by its cap; a fixed-sum grant pays what it covers until its sum is
used; the residual source takes the rest. What a stretch of the sequence gets (a
period, a budget line, one expenditure) is the amount at its end less the
amount at its start, so the stretches always add up to the whole, to the cent,
and cumulative figures equal the contract's split of the cumulative total.

An agreement with `rounding_basis = "period"` rounds each period on its own
instead (its amount is the sum of its periods' rounded shares). Flat rates and
the indirect cost cap are computed on cumulative amounts too. Costs that name
their payers are paid by them, outside the mix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import ItemsView, Iterable, Iterator, Mapping, Sequence

from reporter.domain.allocation import Split, SplitPart, share_of
from reporter.domain.model import Expenditure, FundingAgreement, Payer, ProjectDefinition
from reporter.domain.money import CENT, ZERO
from reporter.domain.rules import ContractRules

# Why a source does not pay (part of) a cost: each a word, so each language can say it its own way.
LINE_NOT_PAID, ACTIVITY_NOT_PAID, VAT_NOT_PAID, NAMED_PAYERS = "line", "activity", "vat", "named-payers"
IN_KIND_NOT_TAKEN = "in-kind"  # a contribution in kind no agreement takes
WINDOW_REASONS = ("document-before-start", "document-after-end", "paid-before-start", "paid-after-deadline")
# Amounts a partner declared that no source is asked to pay.
NO_SOURCE, INDIRECT_OVER_CAP = "no-source", "indirect-over-cap"


@dataclass(frozen=True, slots=True)
class Cost:
    """One expenditure as the engine sees it, or (count > 1) the sum of alike ones the store added up."""

    partner: str
    period: int
    line: str
    eligible: Decimal  # in the project's currency
    vat: Decimal = ZERO  # the VAT the eligible amount contains
    activity: str | None = None
    document_date: date | None = None  # None: a sum of costs inside every source's dates
    payment_date: date | None = None
    payers: tuple[Payer, ...] = ()  # named payers; amounts resolved (see `resolve_payers`)
    in_kind: bool = False  # a contribution in kind: it counts for the source whose agreement takes them
    id: str = ""
    number: int = 0
    count: int = 1


def cost_of(expenditure: Expenditure) -> Cost:
    return Cost(expenditure.partner, expenditure.period, expenditure.budget_line,
                expenditure.eligible_project_currency, expenditure.eligible_vat_project_currency,
                expenditure.activity, expenditure.document_date, expenditure.payment_date,
                resolve_payers(expenditure.payers, expenditure.eligible_project_currency), bool(expenditure.in_kind),
                expenditure.id, expenditure.number)


def resolve_payers(payers: Sequence[Payer], eligible: Decimal) -> tuple[Payer, ...]:
    """The payers with every amount known: the one named without an amount takes what the others leave."""
    given = sum((p.amount for p in payers if p.amount is not None), ZERO)
    return tuple(Payer(p.funder, eligible - given if p.amount is None else p.amount) for p in payers)


@dataclass(frozen=True, slots=True)
class Window:
    """The dates a funder pays for: documents within, payments until `paid_by`."""

    start: date
    end: date
    paid_by: date

    def excludes(self, cost: Cost) -> tuple[str, date, date] | None:
        """Why the cost is outside, as (reason, its date, the limit it passes); None when it is inside."""
        if cost.document_date is None:
            return None
        if cost.document_date < self.start:
            return "document-before-start", cost.document_date, self.start
        if cost.document_date > self.end:
            return "document-after-end", cost.document_date, self.end
        if cost.payment_date is not None and cost.payment_date < self.start:
            return "paid-before-start", cost.payment_date, self.start
        if cost.payment_date is not None and cost.payment_date > self.paid_by:
            return "paid-after-deadline", cost.payment_date, self.paid_by
        return None


def window_of(definition: ProjectDefinition, agreement: FundingAgreement) -> Window:
    end = agreement.eligible_to or definition.project.end
    return Window(agreement.eligible_from or definition.project.start, end,
                  end + timedelta(days=definition.rules.payment_grace_days))


def narrowest_window(definition: ProjectDefinition) -> Window:
    """Costs outside this window are the only ones some source might not pay for their dates."""
    windows = [window_of(definition, a) for a in definition.funding]
    if not windows:
        project = definition.project
        return Window(project.start, project.end, project.end)
    return Window(max(w.start for w in windows), min(w.end for w in windows), min(w.paid_by for w in windows))


@dataclass(frozen=True, slots=True)
class Terms:
    """One funding agreement as the engine applies it to one partner's costs."""

    agreement: FundingAgreement
    lines: frozenset[str] | None  # None: every line
    activities: frozenset[str] | None  # None: every activity, and costs without one
    window: Window

    @property
    def funder(self) -> str:
        return self.agreement.funder

    @property
    def shared(self) -> bool:
        """A project-wide agreement: its cap or fixed sum counts every partner's costs together."""
        return self.agreement.partner is None

    @property
    def limit(self) -> Decimal | None:
        return self.agreement.amount if self.agreement.fixed else self.agreement.cap

    def excludes(self, cost: Cost) -> str | None:
        """Why this source covers nothing of the cost; None when it covers it."""
        if self.lines is not None and cost.line not in self.lines:
            return LINE_NOT_PAID
        if self.activities is not None and cost.activity not in self.activities:
            return ACTIVITY_NOT_PAID
        reason = self.window.excludes(cost)
        return reason[0] if reason else None

    def base_of(self, cost: Cost) -> Decimal:
        """The part of the cost this source covers."""
        if self.excludes(cost):
            return ZERO
        return cost.eligible if self.agreement.vat_eligible else cost.eligible - cost.vat


def terms_of(definition: ProjectDefinition, agreement: FundingAgreement) -> Terms:
    """The one translation of an agreement into what the engine applies."""
    return Terms(agreement, frozenset(agreement.budget_lines) if agreement.budget_lines else None,
                 frozenset(agreement.activities) if agreement.activities else None, window_of(definition, agreement))


def partner_terms(definition: ProjectDefinition, partner: str) -> tuple[Terms, ...]:
    return tuple(terms_of(definition, a) for a in definition.agreements_for(partner))


def covering_funders(definition: ProjectDefinition, cost: Cost) -> set[str]:
    """The sources that pay something of a cost: its named payers, or the agreements whose terms cover it."""
    if cost.payers:
        return {p.funder for p in cost.payers if p.amount}
    terms = partner_terms(definition, cost.partner)
    if cost.in_kind:  # the first source that takes it
        return next(({t.funder} for t in terms if t.agreement.in_kind and not t.excludes(cost) and cost.eligible),
                    set())
    return {t.funder for t in terms if t.base_of(cost) and _may_pay(t.agreement)}


def _may_pay(agreement: FundingAgreement) -> bool:
    """A share of 0 % pays nothing, unless it is the residual that pays what fixed sums and caps leave."""
    return agreement.share != 0 or agreement.residual


# The state: what a partner's costs add up to through a point of the sequence


class _State:
    __slots__ = ("total", "base", "named", "named_base", "named_total", "excluded")

    def __init__(self) -> None:
        self.total = ZERO  # eligible costs the agreements' mix pays
        self.base: dict[str, Decimal] = {}  # by source: the part of `total` it covers
        self.named: dict[str, Decimal] = {}  # by source: what named payers paid
        self.named_base: dict[str, Decimal] = {}  # by source: the part of named costs it would cover
        self.named_total = ZERO
        self.excluded: dict[str, dict[str, Decimal]] = {}  # by source and reason: what it does not pay

    def copy(self) -> "_State":
        other = _State()
        other.total, other.named_total = self.total, self.named_total
        other.base, other.named, other.named_base = dict(self.base), dict(self.named), dict(self.named_base)
        other.excluded = {funder: dict(reasons) for funder, reasons in self.excluded.items()}
        return other

    def exclude(self, funder: str, reason: str, amount: Decimal) -> None:
        if amount:
            reasons = self.excluded.setdefault(funder, {})
            reasons[reason] = reasons.get(reason, ZERO) + amount

    def add(self, cost: Cost, terms: Sequence[Terms]) -> None:
        if cost.in_kind:  # counts for the source that takes contributions in kind, as if it had paid it
            taker = next((t for t in terms if t.agreement.in_kind and not t.excludes(cost)), None)
            if taker is None:  # declared, but claimed from no one
                for t in terms:
                    self.exclude(t.funder, IN_KIND_NOT_TAKEN, cost.eligible)
                return
            cost = replace(cost, in_kind=False, payers=(Payer(taker.funder, cost.eligible),))
        if cost.payers:
            self.named_total += cost.eligible
            for payer in cost.payers:
                self.named[payer.funder] = self.named.get(payer.funder, ZERO) + payer.amount  # type: ignore[operator]
            for t in terms:
                self.named_base[t.funder] = self.named_base.get(t.funder, ZERO) + t.base_of(cost)
                paid = sum((p.amount for p in cost.payers if p.funder == t.funder), ZERO)  # type: ignore[misc]
                self.exclude(t.funder, NAMED_PAYERS, cost.eligible - paid)
            return
        self.total += _covered(cost, terms)
        for t in terms:
            base = t.base_of(cost)
            self.base[t.funder] = self.base.get(t.funder, ZERO) + base
            if base != cost.eligible:
                reason = t.excludes(cost)
                self.exclude(t.funder, reason or VAT_NOT_PAID, cost.eligible - base)


def _covered(cost: Cost, terms: Sequence[Terms]) -> Decimal:
    """What at least one top-level source covers of a cost: all of it, all but its VAT, or nothing."""
    covering = [t for t in terms if t.agreement.part_of is None and not t.excludes(cost)]
    if any(t.agreement.vat_eligible for t in covering):
        return cost.eligible
    return cost.eligible - cost.vat if covering else ZERO


# Project-wide caps and fixed sums: every partner's costs count together


class _Shared:
    """One project-wide limit: what each partner has drawn on it, in the order of the sequence.

    The limit is applied to the sum of all partners' claims; each step of the
    sequence gets the growth of the limited sum while it is that step's turn.
    """

    def __init__(self, limit: Decimal) -> None:
        self.limit = limit
        self.raw: dict[str, Decimal] = {}  # by partner: its claim from the mix, before the limit
        self.named: dict[str, Decimal] = {}  # by partner: what named payers paid
        self.drawn: dict[str, Decimal] = {}  # by partner: its mix amount within the limit

    def limited(self, raw: Decimal, named: Decimal) -> Decimal:
        return max(ZERO, min(self.limit, raw + named) - named)

    def others(self, partner: str) -> tuple[Decimal, Decimal]:
        return (sum((v for p, v in self.raw.items() if p != partner), ZERO),
                sum((v for p, v in self.named.items() if p != partner), ZERO))


@dataclass
class _Step:
    """Where one partner's period starts in the sequence: enough to walk any of its costs again."""

    start: _State
    line_starts: dict[str, _State]
    raw_before: dict[str, Decimal]  # by source: its raw cumulative amount at the start (for `period` rounding)
    shared: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]  # by source: others' raw, others' named,
    # this partner's raw and drawn amount at the start of the step


@dataclass(frozen=True)
class Amounts:
    """The cumulative amounts of a partner's sources at one point of the sequence."""

    paid: dict[str, Decimal]  # by source: mix amount + named amount
    raw: dict[str, Decimal]  # by source: the mix amount before its cap or fixed sum
    cut: dict[str, Decimal]  # by source: what its cap or fixed sum held back
    unallocated: Decimal


class _PartnerRules:
    """How one partner's sources divide a state."""

    def __init__(self, definition: ProjectDefinition, partner: str) -> None:
        self.partner = partner
        self.terms = partner_terms(definition, partner)
        top = [t for t in self.terms if t.agreement.part_of is None]
        self.shares = [t for t in top if not t.agreement.residual and not t.agreement.fixed]
        self.fixed = [t for t in top if not t.agreement.residual and t.agreement.fixed]
        self.residual = next((t for t in top if t.agreement.residual), None)
        self.top = top
        self.children = {t.funder: [c for c in self.terms if c.agreement.part_of == t.funder] for t in top}

    def amounts(self, state: _State, step: _Step, shared: Mapping[str, _Shared]) -> Amounts:
        raw: dict[str, Decimal] = {}
        mix: dict[str, Decimal] = {}
        for t in self.shares:
            raw[t.funder] = self._share(t, state, step)
            mix[t.funder] = self._limit(t, raw[t.funder], state, step, shared)
        for t in self.fixed:
            room = state.total - sum(mix.values(), ZERO)  # what the shares and earlier fixed sums leave
            raw[t.funder] = max(ZERO, min(state.base.get(t.funder, ZERO), room))
            mix[t.funder] = self._limit(t, raw[t.funder], state, step, shared)
        if self.residual is not None:
            mix[self.residual.funder] = raw[self.residual.funder] = state.total - sum(mix.values(), ZERO)
        unallocated = state.total - sum(mix.values(), ZERO)
        for parent in self.top:
            children = self.children[parent.funder]
            others = [c for c in children if not c.agreement.residual]
            for c in others:
                raw[c.funder] = self._share(c, state, step)
                mix[c.funder] = self._limit(c, raw[c.funder], state, step, shared)
            for c in children:
                if c.agreement.residual:
                    mix[c.funder] = raw[c.funder] = mix[parent.funder] - sum((mix[o.funder] for o in others), ZERO)
        paid = {funder: amount + state.named.get(funder, ZERO) for funder, amount in mix.items()}
        for parent in self.top:  # a source within another pays within its part, named or not
            paid[parent.funder] += sum((state.named.get(c.funder, ZERO) for c in self.children[parent.funder]), ZERO)
        for funder, amount in state.named.items():
            paid.setdefault(funder, amount)
        return Amounts(paid, raw, {f: raw[f] - mix[f] for f in mix}, unallocated)

    def _share(self, t: Terms, state: _State, step: _Step) -> Decimal:
        a = t.agreement
        base = state.base.get(t.funder, ZERO)
        if a.rounding_basis == "period":
            before = step.start.base.get(t.funder, ZERO)
            return step.raw_before.get(t.funder, ZERO) + share_of(base - before, a.share, a.rounding)
        return share_of(base, a.share, a.rounding)

    def _limit(self, t: Terms, raw: Decimal, state: _State, step: _Step, shared: Mapping[str, _Shared]) -> Decimal:
        limit = t.limit
        if limit is None:
            return raw
        named = state.named.get(t.funder, ZERO)
        if not t.shared:
            return min(raw, max(limit - named, ZERO))
        pool = shared[t.funder]
        others_raw, others_named, raw_start, drawn_start = step.shared[t.funder]
        named_start = step.start.named.get(t.funder, ZERO)
        before = pool.limited(others_raw + raw_start, others_named + named_start)
        now = pool.limited(others_raw + raw, others_named + named)
        return drawn_start + now - before


# The result: per partner and period, the amounts and why


@dataclass(frozen=True)
class Exclusion:
    """What one source does not pay of a partner's eligible costs, and why."""

    lines_not_paid: Decimal = ZERO
    activities_not_paid: Decimal = ZERO
    ineligible_vat: Decimal = ZERO
    ineligible_expenditure: Decimal = ZERO  # outside its eligible dates
    paid_by_others: Decimal = ZERO  # costs whose named payers are other sources

    @property
    def total(self) -> Decimal:
        return (self.lines_not_paid + self.activities_not_paid + self.ineligible_vat + self.ineligible_expenditure
                + self.paid_by_others)

    def __add__(self, other: "Exclusion") -> "Exclusion":
        return Exclusion(*(getattr(self, f) + getattr(other, f) for f in _EXCLUSION_FIELDS))

    def __sub__(self, other: "Exclusion") -> "Exclusion":
        return Exclusion(*(getattr(self, f) - getattr(other, f) for f in _EXCLUSION_FIELDS))


_EXCLUSION_FIELDS = ("lines_not_paid", "activities_not_paid", "ineligible_vat", "ineligible_expenditure",
                     "paid_by_others")


def _exclusion(reasons: Mapping[str, Decimal]) -> Exclusion:
    return Exclusion(
        lines_not_paid=reasons.get(LINE_NOT_PAID, ZERO), activities_not_paid=reasons.get(ACTIVITY_NOT_PAID, ZERO),
        ineligible_vat=reasons.get(VAT_NOT_PAID, ZERO),
        ineligible_expenditure=sum((reasons.get(r, ZERO) for r in WINDOW_REASONS), ZERO),
        paid_by_others=reasons.get(NAMED_PAYERS, ZERO))


@dataclass(frozen=True)
class PeriodFinancing:
    """One partner in one period: what it declared, what is eligible, and what each source pays of it."""

    partner: str
    period: int
    lines: dict[str, Decimal]  # declared per line, with the computed flat-rate lines
    flat_rates: dict[str, Decimal]
    not_claimed: dict[str, Decimal]  # declared but asked of no source, by reason (NO_SOURCE, INDIRECT_OVER_CAP)
    total: Decimal  # eligible: what the sources pay, including costs paid by named payers
    exclusions: dict[str, Exclusion]  # by source
    split: Split  # each source's part of this period (its base and amount), and what none pays
    cut: dict[str, Decimal]  # by source: what its cap or fixed sum held back this period
    named: dict[str, Decimal]  # by source: what it paid as a named payer this period
    line_parts: dict[str, dict[str, Decimal]]  # by line and source: this period's amounts
    limited_lines: frozenset[str] = frozenset()  # lines in which a cap or a fixed sum began (or ceased) to hold back
    held_lines: frozenset[str] = frozenset()  # lines in which a cap or a fixed sum held something back


@dataclass(frozen=True)
class PartnerFinancing:
    partner: str
    agreements: tuple[FundingAgreement, ...]
    periods: dict[int, PeriodFinancing] = field(default_factory=dict)

    def _through(self, through: int | None) -> list[PeriodFinancing]:
        return [p for n, p in self.periods.items() if through is None or n <= through]

    def cumulative(self, funder: str, through: int | None = None) -> Decimal:
        return sum((p.split.amount_of(funder) for p in self._through(through)), ZERO)

    def base(self, funder: str, through: int | None = None) -> Decimal:
        return sum((p.split.base_of(funder) for p in self._through(through)), ZERO)

    def total(self, through: int | None = None) -> Decimal:
        return sum((p.total for p in self._through(through)), ZERO)

    def cut(self, funder: str, through: int | None = None) -> Decimal:
        return sum((p.cut.get(funder, ZERO) for p in self._through(through)), ZERO)

    def named(self, funder: str, through: int | None = None) -> Decimal:
        return sum((p.named.get(funder, ZERO) for p in self._through(through)), ZERO)

    def unallocated(self, through: int | None = None) -> Decimal:
        return sum((p.split.unallocated for p in self._through(through)), ZERO)

    def not_claimed(self, through: int | None = None) -> dict[str, Decimal]:
        return _sum_dicts(p.not_claimed for p in self._through(through))

    def line_totals(self, through: int | None = None) -> dict[str, Decimal]:
        return _sum_dicts(p.lines for p in self._through(through))

    def line_parts(self, funder: str, through: int | None = None) -> dict[str, Decimal]:
        return _sum_dicts({line: parts.get(funder, ZERO) for line, parts in p.line_parts.items()}
                          for p in self._through(through))

    def exclusion(self, funder: str, through: int | None = None) -> Exclusion:
        result = Exclusion()
        for period in self._through(through):
            result = result + period.exclusions.get(funder, Exclusion())
        return result


def _sum_dicts(items: Iterable[Mapping[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for item in items:
        for key, amount in item.items():
            totals[key] = totals.get(key, ZERO) + amount
    return totals


@dataclass(frozen=True, slots=True)
class PayerProblem:
    """A named payer that may not pay a cost under its agreement (or has none with the partner)."""

    cost: Cost
    funder: str
    reason: str  # "no-agreement", or why its terms exclude the cost (LINE_NOT_PAID, a window reason…, VAT_NOT_PAID)


@dataclass(frozen=True, slots=True)
class Allocation:
    """What each source pays of one cost, or of a computed amount (a flat rate, indirect costs above the cap)."""

    cost: Cost
    parts: dict[str, Decimal]  # by source
    kind: str = "cost"  # "cost", "flat-rate" or INDIRECT_OVER_CAP


@dataclass
class Financing:
    """The engine's answer for a whole project."""

    definition: ProjectDefinition
    partners: dict[str, PartnerFinancing]
    payer_problems: list[PayerProblem]
    _steps: dict[tuple[str, int], _Step]
    _rules: dict[str, _PartnerRules]
    _shared: dict[str, _Shared]
    _computed: dict[tuple[str, int], dict[str, list[Cost]]]  # flat-rate and indirect costs by line

    def __getitem__(self, partner: str) -> PartnerFinancing:
        return self.partners[partner]

    def __iter__(self) -> Iterator[str]:
        return iter(self.partners)

    def items(self) -> ItemsView[str, PartnerFinancing]:
        return self.partners.items()

    def allocate(self, costs: Iterable[Cost]) -> list[Allocation]:
        """Each cost's parts, walking every line it is on again from the line's start; the computed
        amounts of the partner's period (flat rates, indirect costs above the cap) come last in their line.

        Give all the costs of a period (a report's list) for parts that add up to the period's; a cost
        alone gets the part it has in the sequence among the costs before it.
        """
        by_line: dict[tuple[str, int, str], list[Cost]] = {}
        for cost in costs:
            by_line.setdefault((cost.partner, cost.period, cost.line), []).append(cost)
        for partner, period in sorted({(partner, period) for partner, period, _ in by_line}):  # not hash order
            for line in self._computed.get((partner, period), {}):
                by_line.setdefault((partner, period, line), [])
        result = []
        for (partner, period, line), items in by_line.items():
            step = self._steps.get((partner, period))
            if step is None:
                raise ValueError(f"no costs of {partner} in period {period} are known to this financing")
            rules = self._rules[partner]
            state = step.line_starts.get(line, step.start).copy()
            before = rules.amounts(state, step, self._shared)
            items = sorted(items, key=lambda c: (c.document_date or date.min, c.number))
            computed = [(c, kind) for kind, c in self._computed.get((partner, period), {}).get(line, [])]
            for cost, kind in [(c, "cost") for c in items] + computed:
                state.add(cost, rules.terms)
                after = rules.amounts(state, step, self._shared)
                result.append(Allocation(cost, _difference(after.paid, before.paid), kind))
                before = after
        return result

    def planned(self, partner: str, amounts_by_line: Mapping[str, Decimal]) -> dict[str, Decimal]:
        """How the sources would divide costs of these amounts per line (e.g. a budget), all at once."""
        rules = _PartnerRules(self.definition, partner)
        state = _State()
        for line, amount in amounts_by_line.items():
            state.add(Cost(partner, 0, line, amount), rules.terms)
        empty = _Step(_State(), {}, {}, {t.funder: (ZERO, ZERO, ZERO, ZERO) for t in rules.terms if t.shared})
        pools = {funder: _Shared(pool.limit) for funder, pool in self._shared.items()}
        return rules.amounts(state, empty, pools).paid


def _difference(after: Mapping[str, Decimal], before: Mapping[str, Decimal]) -> dict[str, Decimal]:
    return {funder: amount - before.get(funder, ZERO) for funder, amount in after.items()}


def compute_financing(definition: ProjectDefinition, sums: Iterable[Cost], singles: Iterable[Cost]) -> Financing:
    """Walk a project's costs in the sequence and divide them among the sources.

    `sums` are the store's totals per partner, period and line (and activity,
    where an agreement pays only some activities); `singles` are the costs that
    must be looked at one by one — those near a source's date limits and those
    with named payers. The sums include the singles.
    """
    rest: dict[tuple[str, int, str], dict[str | None, list[Decimal]]] = {}  # eligible, vat per activity
    for s in sums:
        bucket = rest.setdefault((s.partner, s.period, s.line), {}).setdefault(s.activity, [ZERO, ZERO, 0])
        bucket[0] += s.eligible
        bucket[1] += s.vat
        bucket[2] += s.count
    by_line: dict[tuple[str, int, str], list[Cost]] = {}
    seen = set()
    for cost in singles:
        if cost.id in seen:
            continue
        seen.add(cost.id)
        by_line.setdefault((cost.partner, cost.period, cost.line), []).append(cost)
        bucket = rest.setdefault((cost.partner, cost.period, cost.line), {}).setdefault(cost.activity, [ZERO, ZERO, 0])
        bucket[0] -= cost.eligible
        bucket[1] -= cost.vat
        bucket[2] -= cost.count
    for (partner, period, line), activities in rest.items():
        for activity, (eligible, vat, count) in activities.items():
            if count or eligible or vat:
                by_line.setdefault((partner, period, line), []).append(
                    Cost(partner, period, line, eligible, vat, activity, count=count))
    return _Engine(definition, by_line).run()


class _Engine:
    def __init__(self, definition: ProjectDefinition, costs: dict[tuple[str, int, str], list[Cost]]) -> None:
        self.definition = definition
        self.costs = costs
        self.rules = {p.code: _PartnerRules(definition, p.code) for p in definition.partners}
        self.shared = {a.funder: _Shared(a.amount if a.fixed else a.cap)  # type: ignore[arg-type]
                       for a in definition.funding if a.partner is None and (a.fixed or a.cap is not None)}
        order = [b.code for b in definition.budget_lines]
        self.lines = order + sorted({line for (_, _, line) in costs} - set(order))
        self.budgeted = {(b.partner, b.line) for b in definition.approved}
        self.states = {p.code: _State() for p in definition.partners}
        self.entered = {p.code: {} for p in definition.partners}  # cumulative, per line, as typed
        self.flat = {p.code: {} for p in definition.partners}  # cumulative flat-rate amounts, per line
        self.raw = {p.code: {} for p in definition.partners}  # cumulative raw amounts, per source
        self.steps: dict[tuple[str, int], _Step] = {}
        self.computed: dict[tuple[str, int], dict[str, list[tuple[str, Cost]]]] = {}
        self.problems: list[PayerProblem] = []

    def run(self) -> Financing:
        definition = self.definition
        partners = {p.code: PartnerFinancing(p.code, definition.agreements_for(p.code)) for p in definition.partners}
        for period in sorted(p.number for p in definition.periods):
            for partner in partners:
                costs = {line: self.costs[(partner, period, line)] for line in self.lines
                         if (partner, period, line) in self.costs}
                if costs:
                    partners[partner].periods[period] = self._step(partner, period, costs)
        return Financing(definition, partners, self.problems, self.steps, self.rules, self.shared, self.computed)

    def _step(self, partner: str, period: int, costs: dict[str, list[Cost]]) -> "PeriodFinancing":
        """One partner's period: its costs line by line, then where its sources stand."""
        rules, state = self.rules[partner], self.states[partner]
        step = _Step(state.copy(), {}, dict(self.raw[partner]), {})
        for t in rules.terms:
            if t.shared and t.funder in self.shared:
                pool = self.shared[t.funder]
                step.shared[t.funder] = (*pool.others(partner), pool.raw.get(partner, ZERO),
                                         pool.drawn.get(partner, ZERO))
        entered = {line: sum((c.eligible for c in items), ZERO) for line, items in costs.items()}
        extra = self._computed_costs(partner, period, entered)
        computed: dict[str, list[tuple[str, Cost]]] = {}
        for kind, cost in extra:
            computed.setdefault(cost.line, []).append((kind, cost))
        start = before = rules.amounts(state, step, self.shared)
        line_parts: dict[str, dict[str, Decimal]] = {}
        limited: set[str] = set()
        held: set[str] = set()
        for line in self.lines:
            items = costs.get(line, []) + [c for _, c in computed.get(line, [])]
            if not items:
                continue
            step.line_starts[line] = state.copy()
            for cost in items:
                state.add(cost, rules.terms)
                self.problems += _payer_problems(cost, rules)
            after = rules.amounts(state, step, self.shared)
            line_parts[line] = _difference(after.paid, before.paid)
            if any(bool(after.cut.get(f)) != bool(before.cut.get(f)) for f in after.cut):
                limited.add(line)  # a cap or a fixed sum began (or ceased) to hold back
            if any(after.cut[f] != before.cut.get(f, ZERO) for f in after.cut):
                held.add(line)
            before = after
        end = before
        for funder in step.shared:
            pool = self.shared[funder]
            pool.raw[partner] = end.raw.get(funder, ZERO)
            pool.named[partner] = state.named.get(funder, ZERO)
            pool.drawn[partner] = end.paid.get(funder, ZERO) - state.named.get(funder, ZERO)
        self.raw[partner] = dict(end.raw)
        self.steps[(partner, period)] = step
        self.computed[(partner, period)] = computed
        for line, amount in entered.items():
            self.entered[partner][line] = self.entered[partner].get(line, ZERO) + amount
        return _period_financing(partner, period, step.start, state, start, end, entered, extra, line_parts, limited,
                                 held, rules)

    def _computed_costs(self, partner: str, period: int, entered: Mapping[str, Decimal]) -> list[tuple[str, Cost]]:
        """This period's flat rates and the indirect costs above the cap, as costs of their lines.

        Both are worked out on cumulative amounts; the period gets the growth.
        """
        rules = self.definition.rules
        flat = self.flat[partner]
        before = _sum_dicts([self.entered[partner], flat])
        now_entered = _sum_dicts([self.entered[partner], entered])
        extra: list[tuple[str, Cost]] = []
        for rate in rules.flat_rates:
            if (partner, rate.line) not in self.budgeted:
                continue
            through = rate.amount(sum((now_entered.get(line, ZERO) for line in rate.of_lines), ZERO))
            if through != flat.get(rate.line, ZERO):
                extra.append(("flat-rate", Cost(partner, period, rate.line, through - flat.get(rate.line, ZERO))))
            flat[rate.line] = through
        if rules.indirect_cap_percent is not None and rules.indirect_lines:
            now = _sum_dicts([now_entered, flat])
            over = _indirect_over(rules, now) - _indirect_over(rules, before)
            if over:
                line = next((line for line in rules.indirect_lines if now.get(line)), rules.indirect_lines[0])
                extra.append((INDIRECT_OVER_CAP, Cost(partner, period, line, -over)))
        return extra


def _payer_problems(cost: Cost, rules: _PartnerRules) -> list[PayerProblem]:
    problems = []
    for payer in cost.payers:
        terms = next((t for t in rules.terms if t.funder == payer.funder), None)
        if terms is None:
            problems.append(PayerProblem(cost, payer.funder, "no-agreement"))
        elif reason := terms.excludes(cost):
            problems.append(PayerProblem(cost, payer.funder, reason))
        elif not terms.agreement.vat_eligible and abs(payer.amount) > abs(cost.eligible - cost.vat):  # type: ignore[arg-type]
            problems.append(PayerProblem(cost, payer.funder, VAT_NOT_PAID))
    return problems


def _period_financing(partner: str, period: int, start_state: _State, state: _State, start: Amounts, end: Amounts,
                      entered: Mapping[str, Decimal], extra: list[tuple[str, Cost]],
                      line_parts: dict[str, dict[str, Decimal]], limited: set[str], held: set[str],
                      rules: _PartnerRules) -> "PeriodFinancing":
    flat = {c.line: c.eligible for kind, c in extra if kind == "flat-rate"}
    lines = _sum_dicts([entered, flat])
    over = -sum((c.eligible for kind, c in extra if kind == INDIRECT_OVER_CAP), ZERO)
    total = (state.total + state.named_total) - (start_state.total + start_state.named_total)
    not_claimed = {NO_SOURCE: sum(lines.values(), ZERO) - over - total, INDIRECT_OVER_CAP: over}
    known = [t.funder for t in rules.terms]
    funders = known + sorted(set(state.named) - set(known))
    parts = []
    for funder in funders:
        terms = next((t for t in rules.terms if t.funder == funder), None)
        base = (state.base.get(funder, ZERO) + state.named_base.get(funder, ZERO)
                - start_state.base.get(funder, ZERO) - start_state.named_base.get(funder, ZERO))
        parts.append(SplitPart(funder, base, end.paid.get(funder, ZERO) - start.paid.get(funder, ZERO),
                               terms.agreement.part_of if terms else None))
    return PeriodFinancing(
        partner=partner, period=period, lines=lines, flat_rates=flat,
        not_claimed={reason: amount for reason, amount in not_claimed.items() if amount}, total=total,
        exclusions={f: _exclusion(state.excluded.get(f, {})) - _exclusion(start_state.excluded.get(f, {}))
                    for f in funders},
        split=Split(total, tuple(parts), end.unallocated - start.unallocated),
        cut={f: end.cut.get(f, ZERO) - start.cut.get(f, ZERO) for f in end.cut},
        named={f: state.named.get(f, ZERO) - start_state.named.get(f, ZERO) for f in state.named},
        line_parts=line_parts, limited_lines=frozenset(limited), held_lines=frozenset(held))


def _indirect_over(rules: ContractRules, lines: Mapping[str, Decimal]) -> Decimal:
    """How much the indirect lines exceed their cap, on these (cumulative) line amounts.

    What exceeds it is held back from the first indirect line the partner uses.
    """
    indirect = sum((a for line, a in lines.items() if line in rules.indirect_lines), ZERO)
    base = sum((a for line, a in lines.items()
                if line not in rules.indirect_lines and line not in rules.indirect_base_excludes), ZERO)
    cap = (base * rules.indirect_cap_percent / 100).quantize(CENT)  # type: ignore[operator]
    return max(ZERO, indirect - cap)


def split_amount(definition: ProjectDefinition, partner: str, amount: Decimal, line: str | None = None) -> Split:
    """How the sources of a partner divide one amount on its own (e.g. a planned total), caps applied."""
    line = line or (definition.budget_lines[0].code if definition.budget_lines else "")
    financing = compute_financing(definition, (), ())
    paid = financing.planned(partner, {line: amount})
    rules = _PartnerRules(definition, partner)
    parts = tuple(SplitPart(t.funder, amount, paid.get(t.funder, ZERO), t.agreement.part_of) for t in rules.terms)
    return Split(amount, parts, amount - sum((p.amount for p in parts if p.part_of is None), ZERO))
