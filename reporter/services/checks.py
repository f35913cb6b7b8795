"""Run the contract checks and show the co-financing split of a project."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporter.domain.checks import ERROR, CheckData, Finding, latest_open_or_last, run_all, with_records
from reporter.domain.conversion import in_project_currency
from reporter.domain.errors import NotFound, ValidationError, problem
from reporter.domain.financing import Exclusion, Financing, PartnerFinancing, compute_financing, narrowest_window
from reporter.domain.model import ProjectDefinition
from reporter.domain.money import ZERO
from reporter.domain.payments import PaymentPosition, payment_positions
from reporter.services.attachments import attachment_problems
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
    cap: Decimal | None  # the cap, or a fixed sum's amount
    remaining: Decimal | None  # cap − cumulative (of every partner, for a project-wide cap); of a fixed sum: unused
    fixed: bool  # a fixed-sum grant: `cap` is granted, `cumulative` used, `remaining` unused
    held_back: Decimal  # cumulative: what the cap or the fixed sum kept it from paying
    named: Decimal  # cumulative: what it paid as a named payer
    excluded: Exclusion  # cumulative, with the reasons
    claimed: Decimal | None  # where the grant is held by this partner: the claim, payments and what is due
    paid: Decimal | None
    due: Decimal | None


@dataclass(frozen=True)
class PartnerView:
    partner: str
    name: str
    eligible_this_period: Decimal
    eligible_cumulative: Decimal
    flat_rates_this_period: dict[str, Decimal]
    not_claimed_cumulative: dict[str, Decimal]  # declared, but asked of no source, by reason
    unallocated_cumulative: Decimal
    funders: list[FunderLine]


@dataclass(frozen=True)
class FinancingView:
    project: str
    currency: str
    period: int | None
    partners: list[PartnerView]
    positions: list[PaymentPosition]  # every grant where it is held: what is claimed, paid and due


def project_terms(store: Store, code: str) -> ProjectDefinition:
    """A project's definition with every agreement's amounts in the project's currency, as the engine needs it."""
    definition, problems = in_project_currency(store.projects.definition(code), store.rates.get)
    if problems:
        raise ValidationError(problems, problem("", "project.terms", code=code))
    return definition


def gather_financing(store: Store, code: str) -> tuple[ProjectDefinition, Financing, list]:
    """The engine's answer for a project, from the store's sums and the costs it must see one by one; worked
    out once while nothing is written (the checks, the budget grid and the list's funder filter all ask)."""
    definition, financing, singles = store.remembered(("financing", code), lambda: _financing_of(store, code))
    return definition, financing, list(singles)


def _financing_of(store: Store, code: str) -> tuple[ProjectDefinition, Financing, tuple]:
    definition = project_terms(store, code)
    project_id = store.projects.ids(code).project
    singles = sorted(store.analysis.singles(project_id, narrowest_window(definition)), key=lambda e: e.number)
    by_activity = any(a.activities for a in definition.funding)
    return (definition, compute_financing(definition, store.analysis.sums(project_id, by_activity), singles),
            tuple(singles))


def _gather(store: Store, code: str, period: int | None = None) -> CheckData:
    definition, financing, singles = gather_financing(store, code)
    project_id = store.projects.ids(code).project
    queries = store.analysis
    flat_lines = [f.line for f in definition.rules.flat_rates]
    hand_entered: dict[tuple[str, str], list] = {}
    for ref, partner, line, *_ in queries.on_lines(project_id, flat_lines):
        hand_entered.setdefault((partner, line), []).append(ref)
    return CheckData(
        definition=definition,
        financing=financing,
        singles=tuple(singles),
        outside_reporting_period=tuple(queries.outside_reporting_period(project_id)),
        hand_entered_flat_rates={key: tuple(refs) for key, refs in hand_entered.items()},
        unit_cost_rows=_by_number(queries.on_lines(project_id, [u.line for u in definition.rules.unit_costs])),
        double_claims=tuple(queries.double_claims(project_id)),
        missing_rates=_by_number(queries.missing_rates(project_id, definition.project.currency)),
        changed_rates=_by_number(queries.changed_rates(project_id, definition.project.currency)),
        changed_after_submission=_by_number(queries.changed_after_submission(project_id)),
        payments=tuple(store.payments.list(project_id)),
        activity_years=tuple(queries.activity_years(project_id, period)) if definition.activities else (),
        without_activity=_by_number(queries.without_activity(project_id)) if definition.rules.activity_required
        else (),
        audit_breaks=tuple(store.integrity.audit_breaks()),
        seal_breaks=tuple(store.integrity.seal_breaks(project_id)),
        attachments=attachment_problems(store, project_id),
        missing_details=_by_number(queries.missing_details(project_id, definition.rules.travel_lines,
                                                           definition.rules.person_document_lines)),
        explained=frozenset((x.period, x.partner, x.line, x.activity) for x in store.explanations.list(project_id))
        if definition.rules.explain_variance_percent is not None else frozenset(),
    )


def _by_number(rows: list[tuple]) -> tuple:
    """Rows led by a `RecordRef`, in the order users number them."""
    return tuple(sorted(rows, key=lambda row: row[0].number))


def _require_filters(definition: ProjectDefinition, partner: str | None, period: int | None) -> None:
    if partner is not None and definition.partner(partner) is None:
        raise NotFound(problem("partner", "partner.unknown", project=definition.project.code, partner=repr(partner)))
    if period is not None and definition.period(period) is None:
        raise NotFound(problem("period", "period.unknown", project=definition.project.code, number=period))


def financing_and_findings(store: Store, code: str, partner: str | None,
                           period: int | None) -> tuple[CheckData, list[Finding]]:
    """The engine's answer, what it was worked out from, and the findings (with their records), from one
    reading of the data."""
    data = _gather(store, code, period)
    return data, _check(store, data, partner, period, with_records=True).findings


def check_project(store: Store, code: str, partner: str | None = None, period: int | None = None,
                  with_records: bool = True) -> CheckResult:
    """All contract checks of a project (optionally one partner, one period); errors make it not ok.

    A finding about a sum (a budget line, a cap) concerns every expenditure in
    its scope; `with_records=False` leaves those lists to `finding_records`, so
    the window can re-check after every edit and fetch them on a click.
    """
    return _check(store, _gather(store, code, period), partner, period, with_records)


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
    positions = payment_positions(data.financing, data.payments, period)
    names = {f.code: f.name for f in definition.funders}
    partners = [p for p in definition.partners if partner is None or p.code == partner]
    return FinancingView(code, definition.project.currency, period,
                         [_partner_view(data.financing[p.code], p.name, names, period, positions) for p in partners],
                         [p for p in positions if partner is None or p.partner in (None, partner)])


def _partner_view(financing: PartnerFinancing, name: str, funder_names: dict[str, str], period: int | None,
                  positions: list[PaymentPosition]) -> PartnerView:
    current = financing.periods.get(period) if period is not None else None
    rows = []
    for agreement in financing.agreements:
        funder = agreement.funder
        cumulative = financing.cumulative(funder, period)
        limit = agreement.amount if agreement.fixed else agreement.cap
        position = next((p for p in positions if p.funder == funder and p.partner == agreement.partner), None)
        held = position if position and agreement.partner == financing.partner else None  # else held by the project
        rows.append(FunderLine(
            funder=funder, name=funder_names.get(funder, funder), rule=agreement.rule,
            share_percent=agreement.share, rounding=agreement.rounding, residual=agreement.residual,
            part_of=agreement.part_of, base_this_period=current.split.base_of(funder) if current else ZERO,
            this_period=current.split.amount_of(funder) if current else ZERO, cumulative=cumulative, cap=limit,
            remaining=None if limit is None else limit - (position.claimed if position else cumulative),
            fixed=agreement.fixed,
            held_back=financing.cut(funder, period), named=financing.named(funder, period),
            excluded=financing.exclusion(funder, period),
            claimed=held.claimed if held else None, paid=held.paid if held else None,
            due=held.due if held else None))
    return PartnerView(
        partner=financing.partner, name=name,
        eligible_this_period=current.total if current else ZERO,
        eligible_cumulative=financing.total(period),
        flat_rates_this_period=dict(current.flat_rates) if current else {},
        not_claimed_cumulative=financing.not_claimed(period),
        unallocated_cumulative=financing.unallocated(period),
        funders=rows)
