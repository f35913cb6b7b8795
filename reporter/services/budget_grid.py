"""Budget against actual, per partner × budget line (and per year and activity where the budget is split so):
approved, spent this period and to date, what remains and the share used, with totals, and the rules that break.

Spent amounts are the financing engine's (`financing[partner].line_totals(period)`, flat rates included); the
rules judged on them (budget lines and total, transfers, the indirect cap) are the checks' own functions. Where the approved budget is split by year or activity, each split row sums its
partner's and line's declared costs of that year and activity, as the plan-against-actual report does. The
approved amounts are typed in the grid and saved through the project services, with the setup forms' validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reporter.domain.checks import (
    ERROR,
    WARNING,
    CheckData,
    Finding,
    check_budget_lines,
    check_indirect_cap,
    check_transfers,
    latest_open_or_last,
)
from reporter.domain.errors import UserError, ValidationError, problem
from reporter.domain.money import ZERO, parse_amount, round_half_up
from reporter.project_file import definition_to_data
from reporter.services.checks import gather_financing
from reporter.services.projects import save_project_data
from reporter.store import Store


@dataclass(frozen=True)
class BudgetRow:
    partner: str
    line: str | None  # None: the partner's total (or, with partner "", the project's)
    label: str
    approved: Decimal
    this_period: Decimal | None  # None where not known (a split row of a year outside the period…)
    to_date: Decimal
    year: int | None = None
    activity: str | None = None
    findings: tuple[Finding, ...] = ()  # the rules that break here (errors, then warnings)
    editable: bool = False  # the approved amount can be typed here: one budget entry, or none yet
    split: bool = False  # a row of a line whose budget is split by year or activity
    children: tuple["BudgetRow", ...] = ()

    @property
    def remaining(self) -> Decimal:
        return self.approved - self.to_date

    @property
    def used_percent(self) -> Decimal | None:
        return round_half_up(self.to_date / self.approved * 100) if self.approved else None

    @property
    def severity(self) -> str | None:
        return ERROR if any(f.severity == ERROR for f in self.findings) else \
            WARNING if any(f.severity == WARNING for f in self.findings) else None


@dataclass(frozen=True)
class BudgetGrid:
    project: str
    currency: str
    period: int | None
    partners: list[BudgetRow]  # each with its lines as children (and their splits as theirs)
    total: BudgetRow
    findings: list[Finding] = field(default_factory=list)


def budget_grid(store: Store, code: str, period: int | None = None) -> BudgetGrid:
    """The grid through `period` (default: the period being worked on)."""
    definition, financing, singles = gather_financing(store, code)
    if period is None:
        period = latest_open_or_last(definition, date.today())
    # The rules about budget lines, judged on the engine's figures alone (no other query is needed for them).
    data = CheckData(definition=definition, financing=financing, singles=tuple(singles))
    findings = [f for check in (check_budget_lines, check_transfers, check_indirect_cap) for f in check(data, period)]
    names = {b.code: b.name for b in definition.budget_lines}
    activities = {a.code: a.title for a in definition.activities}
    relevant = [f for f in findings if f.severity in (ERROR, WARNING) and f.partner]
    split_keys = {(b.partner, b.line) for b in definition.budget if b.year is not None or b.activity is not None}
    split_spent = _split_spent(store, code, split_keys, period) if split_keys else {}
    partners = []
    for partner in definition.partners:
        financing = data.financing[partner.code] if partner.code in data.financing else None
        to_date = financing.line_totals(period) if financing else {}
        current = financing.periods.get(period) if financing and period is not None else None
        this_period = dict(current.lines) if current else {}
        approved: dict[str, Decimal] = {}
        entries: dict[str, list] = {}
        for b in definition.budget:
            if b.partner == partner.code:
                approved[b.line] = approved.get(b.line, ZERO) + b.amount
                entries.setdefault(b.line, []).append(b)
        lines = []
        for line in [b.code for b in definition.budget_lines if b.code in approved or b.code in to_date]:
            children = ()
            if (partner.code, line) in split_keys:
                children = tuple(BudgetRow(
                    partner.code, line, " · ".join(str(x) for x in (
                        b.year, f"{b.activity} {activities.get(b.activity, '')}".strip() if b.activity else None)
                        if x), b.amount, split_spent.get((partner.code, line, b.year, b.activity, "period"), ZERO),
                    split_spent.get((partner.code, line, b.year, b.activity, "to_date"), ZERO), b.year, b.activity,
                    editable=True, split=True) for b in entries[line])
            lines.append(BudgetRow(
                partner.code, line, f"{line} {names.get(line, '')}".strip(), approved.get(line, ZERO),
                this_period.get(line, ZERO), to_date.get(line, ZERO),
                findings=tuple(f for f in relevant if f.partner == partner.code and f.budget_line == line),
                editable=len(entries.get(line, [])) <= 1 and not children, children=children))
        partners.append(BudgetRow(
            partner.code, None, f"{partner.code} {partner.name}", sum((r.approved for r in lines), ZERO),
            sum((r.this_period or ZERO for r in lines), ZERO), sum((r.to_date for r in lines), ZERO),
            findings=tuple(f for f in relevant if f.partner == partner.code and f.budget_line is None),
            children=tuple(lines)))
    total = BudgetRow("", None, "", sum((p.approved for p in partners), ZERO),
                      sum((p.this_period or ZERO for p in partners), ZERO), sum((p.to_date for p in partners), ZERO))
    return BudgetGrid(code, definition.project.currency, period, partners, total, relevant)


def _split_spent(store: Store, code: str, keys: set[tuple[str, str]],
                 period: int | None) -> dict[tuple, Decimal]:
    """Declared costs of the split lines by (partner, line, year, activity, "period" | "to_date")."""
    project_id = store.projects.ids(code).project
    last = period if period is not None else max((p.number for p in store.projects.definition(code).periods),
                                                  default=0)
    found: dict[tuple, Decimal] = {}
    for cost in store.analysis.costs(project_id, None, last):
        if (cost.partner, cost.line) not in keys:
            continue
        year = cost.document_date.year if cost.document_date else None
        for year_key in {year, None}:  # a split by year only, by activity only, or by both
            for activity_key in {cost.activity, None}:
                for scope in ("to_date", "period") if cost.period == period else ("to_date",):
                    key = (cost.partner, cost.line, year_key, activity_key, scope)
                    found[key] = found.get(key, ZERO) + cost.eligible
    return found


def set_approved(store: Store, code: str, partner: str, line: str, amount: str, year: int | None = None,
                 activity: str | None = None) -> None:
    """Type the approved budget of one partner × line (× year × activity): the project is saved as the setup
    forms save it, with the same checks; an empty amount removes the entry."""
    data = definition_to_data(store.projects.definition(code))
    budget = data.setdefault("budget", [])
    matching = [b for b in budget if b.get("partner") == partner and b.get("line") == line
                and b.get("year") == year and b.get("activity") == activity]
    text = amount.strip()
    if text:
        try:
            parse_amount(text, "amount")
        except UserError as error:
            raise ValidationError([error.placed("amount")], problem("", "project.problems", code=code, count=1)) \
                from None
    if len(matching) > 1:
        raise UserError(problem("budget", "duplicate.budget", value=repr(f"{partner}/{line}"), count=len(matching)))
    if matching and text:
        matching[0]["amount"] = text
    elif matching:
        budget.remove(matching[0])
    elif text:
        entry = {"partner": partner, "line": line, "amount": text}
        if year is not None:
            entry["year"] = year
        if activity is not None:
            entry["activity"] = activity
        budget.append(entry)
    save_project_data(store, data)
