"""Run the contract checks and show the co-financing split of a project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporter.domain.checks import ERROR, CheckData, Finding, latest_open_or_last, run_all, with_records
from reporter.domain.errors import NotFound, problem
from reporter.domain.financing import Exclusion, PartnerFinancing, Window, compute_financing, window_of
from reporter.domain.model import ProjectDefinition
from reporter.domain.money import ZERO
from reporter.store import Store


@dataclass(frozen=True)
class CheckResult:
    ok: bool  # no finding of severity error
    findings: list[Finding]


@dataclass(frozen=True)
class FunderLine:
    """One funder's row of the financing view."""

    funder: str
    name: str
    rule: str
    share_percent: Decimal
    rounding: str
    residual: bool
    part_of: str | None
    base_this_period: Decimal
    this_period: Decimal
    cumulative: Decimal
    cap: Decimal | None
    remaining: Decimal | None  # cap − cumulative
    excluded: Exclusion  # cumulative, with the reasons


@dataclass(frozen=True)
class PartnerView:
    partner: str
    name: str
    eligible_this_period: Decimal
    eligible_cumulative: Decimal
    flat_rates_this_period: dict[str, Decimal]
    unallocated_cumulative: Decimal
    funders: list[FunderLine]


@dataclass(frozen=True)
class FinancingView:
    project: str
    currency: str
    period: int | None
    partners: list[PartnerView]


def _gather(store: Store, code: str) -> CheckData:
    definition = store.projects.definition(code)
    project_id = store.projects.ids(code).project
    queries = store.analysis
    window = _narrowest_window(definition)
    near_edges = tuple(sorted(queries.near_edges(project_id, window.start, window.end, window.paid_by),
                              key=lambda e: e.number))
    financing = compute_financing(definition, queries.line_amounts(project_id), near_edges)
    flat_lines = [f.line for f in definition.rules.flat_rates]
    hand_entered: dict[tuple[str, str], list] = {}
    for ref, partner, line, _units, _eligible in queries.on_lines(project_id, flat_lines):
        hand_entered.setdefault((partner, line), []).append(ref)
    return CheckData(
        definition=definition,
        financing=financing,
        near_edges=near_edges,
        outside_reporting_period=tuple(queries.outside_reporting_period(project_id)),
        hand_entered_flat_rates={key: tuple(refs) for key, refs in hand_entered.items()},
        unit_cost_rows=_by_number(queries.on_lines(project_id, [u.line for u in definition.rules.unit_costs])),
        double_claims=tuple(queries.double_claims(project_id)),
        missing_rates=_by_number(queries.missing_rates(project_id, definition.project.currency)),
        changed_rates=_by_number(queries.changed_rates(project_id, definition.project.currency)),
        changed_after_submission=_by_number(queries.changed_after_submission(project_id)),
        audit_breaks=tuple(store.integrity.audit_breaks()),
        seal_breaks=tuple(store.integrity.seal_breaks(project_id)),
    )


def _by_number(rows: list[tuple]) -> tuple:
    """Rows led by a `RecordRef`, in the order users number them."""
    return tuple(sorted(rows, key=lambda row: row[0].number))


def _narrowest_window(definition: ProjectDefinition) -> Window:
    """Rows outside this window are the only ones some funder might not pay."""
    windows = [window_of(definition, a) for a in definition.funding]
    if not windows:
        project = definition.project
        return Window(project.start, project.end, project.end)
    return Window(max(w.start for w in windows), min(w.end for w in windows), min(w.paid_by for w in windows))


def _require_filters(definition: ProjectDefinition, partner: str | None, period: int | None) -> None:
    if partner is not None and definition.partner(partner) is None:
        raise NotFound(problem("partner", "partner.unknown", project=definition.project.code, partner=repr(partner)))
    if period is not None and definition.period(period) is None:
        raise NotFound(problem("period", "period.unknown", project=definition.project.code, number=period))


def financing_and_findings(store: Store, code: str, partner: str | None,
                           period: int | None) -> tuple[dict[str, PartnerFinancing], list[Finding]]:
    """The split of every partner and the findings (with their records), from one reading of the data."""
    data = _gather(store, code)
    return data.financing, _check(store, data, partner, period, with_records=True).findings


def check_project(store: Store, code: str, partner: str | None = None, period: int | None = None,
                  with_records: bool = True) -> CheckResult:
    """All contract checks of a project (optionally one partner, one period); errors make it not ok.

    A finding about a sum (a budget line, a cap) concerns every expenditure in
    its scope; `with_records=False` leaves those lists to `finding_records`, so
    the window can re-check after every edit and fetch them on a click.
    """
    return _check(store, _gather(store, code), partner, period, with_records)


def _check(store: Store, data: CheckData, partner: str | None, period: int | None,
           with_records: bool) -> CheckResult:
    _require_filters(data.definition, partner, period)
    findings = [f for f in run_all(data, period) if partner is None or f.partner in (partner, None)]
    if with_records:
        findings = [finding_records(store, f) for f in findings]
    return CheckResult(not any(f.severity == ERROR for f in findings), findings)


def checks_and_financing(store: Store, code: str) -> tuple[CheckResult, FinancingView]:
    """Both at once from one reading of the data: what the window refreshes after every save."""
    data = _gather(store, code)
    return _check(store, data, None, None, with_records=False), _financing(data, None, None, None)


def finding_records(store: Store, finding: Finding) -> Finding:
    """The finding with the records of its scope filled in (unchanged when it names them already)."""
    if finding.scope is None or finding.records:
        return finding
    scope = finding.scope
    project_id = store.projects.ids(finding.project).project
    return with_records(finding, store.analysis.records_of(project_id, scope.partner, scope.budget_lines,
                                                           scope.through_period))


def financing_view(store: Store, code: str, partner: str | None = None, period: int | None = None,
                   today: date | None = None) -> FinancingView:
    """The split of each partner's eligible costs among its funders, this period and cumulatively."""
    return _financing(_gather(store, code), partner, period, today)


def _financing(data: CheckData, partner: str | None, period: int | None, today: date | None) -> FinancingView:
    definition = data.definition
    code = definition.project.code
    _require_filters(definition, partner, period)
    period = period if period is not None else latest_open_or_last(definition, today or date.today())
    names = {f.code: f.name for f in definition.funders}
    partners = [p for p in definition.partners if partner is None or p.code == partner]
    return FinancingView(code, definition.project.currency, period,
                         [_partner_view(data.financing[p.code], p.name, names, period) for p in partners])


def _partner_view(financing: PartnerFinancing, name: str, funder_names: dict[str, str],
                  period: int | None) -> PartnerView:
    current = financing.periods.get(period) if period is not None else None
    rows = []
    for agreement in financing.agreements:
        cumulative = financing.cumulative(agreement.funder, period)
        part = next((p for p in current.split.parts if p.funder == agreement.funder), None) if current else None
        rows.append(FunderLine(
            funder=agreement.funder, name=funder_names.get(agreement.funder, agreement.funder), rule=agreement.rule,
            share_percent=agreement.share_percent, rounding=agreement.rounding, residual=agreement.residual,
            part_of=agreement.part_of, base_this_period=part.base if part else ZERO,
            this_period=part.amount if part else ZERO, cumulative=cumulative, cap=agreement.cap,
            remaining=None if agreement.cap is None else agreement.cap - cumulative,
            excluded=financing.exclusion(agreement.funder, period)))
    through = [p for n, p in financing.periods.items() if period is None or n <= period]
    return PartnerView(
        partner=financing.partner, name=name,
        eligible_this_period=current.total if current else ZERO,
        eligible_cumulative=financing.total(period),
        flat_rates_this_period=dict(current.flat_rates) if current else {},
        unallocated_cumulative=sum((p.split.unallocated for p in through), ZERO),
        funders=rows)
