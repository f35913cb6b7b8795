"""The financing of a project: eligible amounts per partner and period, split among the funders.

The store hands over amounts already summed per partner × period × line (the
heavy aggregation runs in SQL) plus the few expenditures that fall outside
some funder's eligible window; everything here is plain arithmetic on those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable

from reporter.domain.allocation import ShareTerms, Split, split
from reporter.domain.model import FundingAgreement, ProjectDefinition
from reporter.domain.money import ZERO
from reporter.domain.rules import flat_rate_amounts


@dataclass(frozen=True, slots=True)
class LineAmount:
    """What the store sums per partner, period and budget line (project currency)."""

    partner: str
    period: int
    line: str
    count: int
    eligible: Decimal
    eligible_vat: Decimal  # the VAT contained in `eligible`


@dataclass(frozen=True, slots=True)
class DatedExpenditure:
    """An expenditure with its dates, for eligibility windows (only the few near an edge)."""

    id: str
    number: int
    partner: str
    period: int
    line: str
    document_date: date
    payment_date: date | None
    eligible: Decimal
    eligible_vat: Decimal


@dataclass(frozen=True, slots=True)
class Window:
    """The dates a funder pays for: documents within, payments until `paid_by`."""

    start: date
    end: date
    paid_by: date

    def excludes(self, e: DatedExpenditure) -> tuple[str, date, date] | None:
        """Why the expenditure is outside, as (reason, its date, the limit it passes); None when it is inside.

        The reason is a word, not a sentence, so each language can say it its own way.
        """
        if e.document_date < self.start:
            return "document-before-start", e.document_date, self.start
        if e.document_date > self.end:
            return "document-after-end", e.document_date, self.end
        if e.payment_date is not None and e.payment_date < self.start:
            return "paid-before-start", e.payment_date, self.start
        if e.payment_date is not None and e.payment_date > self.paid_by:
            return "paid-after-deadline", e.payment_date, self.paid_by
        return None


def window_of(definition: ProjectDefinition, agreement: FundingAgreement) -> Window:
    end = agreement.eligible_to or definition.project.end
    return Window(agreement.eligible_from or definition.project.start, end,
                  end + timedelta(days=definition.rules.payment_grace_days))


@dataclass(frozen=True, slots=True)
class Exclusion:
    """What one funder does not pay of a partner's eligible total, and why."""

    lines_not_paid: Decimal = ZERO
    ineligible_vat: Decimal = ZERO
    ineligible_expenditure: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.lines_not_paid + self.ineligible_vat + self.ineligible_expenditure

    def __add__(self, other: "Exclusion") -> "Exclusion":
        return Exclusion(self.lines_not_paid + other.lines_not_paid, self.ineligible_vat + other.ineligible_vat,
                         self.ineligible_expenditure + other.ineligible_expenditure)


@dataclass(frozen=True)
class PeriodFinancing:
    """One partner in one period: line actuals (flat rates computed), total, exclusions and the split."""

    partner: str
    period: int
    lines: dict[str, Decimal]  # entered amounts per line, with the computed flat-rate lines
    flat_rates: dict[str, Decimal]
    total: Decimal  # eligible: the lines, less what no funder pays (outside every eligible window)
    exclusions: dict[str, Exclusion]  # by funder
    split: Split


@dataclass(frozen=True)
class PartnerFinancing:
    partner: str
    agreements: tuple[FundingAgreement, ...]
    periods: dict[int, PeriodFinancing] = field(default_factory=dict)

    def cumulative(self, funder: str, through: int | None = None) -> Decimal:
        return sum((p.split.amount_of(funder) for n, p in self.periods.items() if through is None or n <= through),
                   ZERO)

    def total(self, through: int | None = None) -> Decimal:
        return sum((p.total for n, p in self.periods.items() if through is None or n <= through), ZERO)

    def line_totals(self, through: int | None = None) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for number, period in self.periods.items():
            if through is None or number <= through:
                for line, amount in period.lines.items():
                    totals[line] = totals.get(line, ZERO) + amount
        return totals

    def exclusion(self, funder: str, through: int | None = None) -> Exclusion:
        result = Exclusion()
        for number, period in self.periods.items():
            if (through is None or number <= through) and funder in period.exclusions:
                result = result + period.exclusions[funder]
        return result


def compute_financing(definition: ProjectDefinition, amounts: Iterable[LineAmount],
                      near_edges: Iterable[DatedExpenditure]) -> dict[str, PartnerFinancing]:
    """Split every partner's eligible amounts of every period among its funders."""
    by_partner_period: dict[tuple[str, int], list[LineAmount]] = {}
    for amount in amounts:
        by_partner_period.setdefault((amount.partner, amount.period), []).append(amount)
    edges: dict[tuple[str, int], list[DatedExpenditure]] = {}
    for e in near_edges:
        edges.setdefault((e.partner, e.period), []).append(e)
    all_lines = tuple(b.code for b in definition.budget_lines)
    result = {}
    for partner in definition.partners:
        agreements = definition.agreements_for(partner.code)
        financing = PartnerFinancing(partner.code, agreements)
        for period in definition.periods:
            rows = by_partner_period.get((partner.code, period.number), [])
            if not rows and not edges.get((partner.code, period.number)):
                continue
            financing.periods[period.number] = _period_financing(
                definition, partner.code, period.number, rows, edges.get((partner.code, period.number), []),
                agreements, all_lines)
        result[partner.code] = financing
    return result


def _period_financing(definition: ProjectDefinition, partner: str, period: int, rows: list[LineAmount],
                      edges: list[DatedExpenditure], agreements: tuple[FundingAgreement, ...],
                      all_lines: tuple[str, ...]) -> PeriodFinancing:
    lines: dict[str, Decimal] = {}
    vat: dict[str, Decimal] = {}
    for row in rows:
        lines[row.line] = lines.get(row.line, ZERO) + row.eligible
        vat[row.line] = vat.get(row.line, ZERO) + row.eligible_vat
    flat = {line: amount for line, amount in flat_rate_amounts(definition.rules, lines).items()
            if _budgeted(definition, partner, line)}
    for line, amount in flat.items():
        lines[line] = lines.get(line, ZERO) + amount
    total = sum(lines.values(), ZERO)

    outside = {agreement.funder: _outside(definition, agreement, edges, all_lines) for agreement in agreements}
    # What no funder pays is no eligible cost of the project at all: it leaves the total, and no
    # residual source silently takes it over.
    ineligible_everywhere = set.intersection(*(set(rows) for rows in outside.values())) if outside else set()
    eligible_total = total - sum((e.eligible for e in ineligible_everywhere), ZERO)

    exclusions: dict[str, Exclusion] = {}
    terms = []
    for agreement in agreements:
        paid_lines = set(agreement.budget_lines or all_lines)
        not_paid = sum((amount for line, amount in lines.items() if line not in paid_lines), ZERO)
        vat_out = ZERO if agreement.vat_eligible else sum(
            (amount for line, amount in vat.items() if line in paid_lines), ZERO)
        rows = outside[agreement.funder]
        ineligible = sum((e.eligible - (ZERO if agreement.vat_eligible else e.eligible_vat) for e in rows), ZERO)
        exclusion = Exclusion(not_paid, vat_out, ineligible)
        exclusions[agreement.funder] = exclusion
        terms.append(ShareTerms(agreement.funder, agreement.share_percent, agreement.rounding, agreement.residual,
                                total - exclusion.total, agreement.part_of))
    return PeriodFinancing(partner, period, lines, flat, eligible_total, exclusions, split(eligible_total, terms))


def _outside(definition: ProjectDefinition, agreement: FundingAgreement, edges: list[DatedExpenditure],
             all_lines: tuple[str, ...]) -> list[DatedExpenditure]:
    """The expenditures on lines this funder pays that fall outside its eligible window."""
    paid_lines = set(agreement.budget_lines or all_lines)
    window = window_of(definition, agreement)
    return [e for e in edges if e.line in paid_lines and window.excludes(e)]


def _budgeted(definition: ProjectDefinition, partner: str, line: str) -> bool:
    return any(b.partner == partner and b.line == line for b in definition.budget)
