"""Contract checks: each a plain function that returns findings as values.

A finding names the rule, its severity, the numbers (expected and actual) and
the exact expenditures involved. The command line, the window and the reports
show the same findings. Every limit comes from a funding agreement or from
the project's rules (its template's defaults): nothing is written for one funder.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Iterable, Mapping

from reporter.domain import integrity
from reporter.domain.financing import (
    ACTIVITY_NOT_PAID,
    INDIRECT_OVER_CAP,
    LINE_NOT_PAID,
    VAT_NOT_PAID,
    WINDOW_REASONS,
    Cost,
    Financing,
    partner_terms,
)
from reporter.domain.messages import Amount, Message, Number, Param, render
from reporter.domain.model import FundingAgreement, Payment, ProjectDefinition
from reporter.domain.money import CENT, ZERO
from reporter.domain.rules import ContractRules, flat_rate_conflicts

ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}
RULES = ("share", "own-contribution", "cap", "budget-line", "budget-total", "transfer", "flat-rate", "unit-cost",
         "indirect-cap", "eligibility", "reporting-period", "double-funding", "currency", "period-lock", "payer",
         "line-cap", "plan", "activity", "integrity", "attachment", "variance", "details")
"""The rule a finding names; `findings.toml` [rule_names] words each in every language."""

# The English wording of every finding, by message id. Translations use the same
# ids and {placeholders} (resources/translations/findings.toml).
MESSAGES = {
    "share.plan": "The financing plan of {partner} adds up to {planned} %, not 100 %",
    "share.sources": "The sources within {funder} of {partner} add up to {parts} %, not its {share} %",
    "share.exact.all-periods": "{funder} pays {actual} % of {partner}'s eligible costs in all periods; "
                               "the agreement says exactly {share} %",
    "share.exact.period": "{funder} pays {actual} % of {partner}'s eligible costs through period {period}; "
                          "the agreement says exactly {share} %",
    "share.max.all-periods": "{funder} pays {actual} % of {partner}'s eligible costs in all periods; "
                             "the agreement says at most {share} %",
    "share.max.period": "{funder} pays {actual} % of {partner}'s eligible costs through period {period}; "
                        "the agreement says at most {share} %",
    "share.min.all-periods": "{funder} pays {actual} % of {partner}'s eligible costs in all periods; "
                             "the agreement says at least {share} %",
    "share.min.period": "{funder} pays {actual} % of {partner}'s eligible costs through period {period}; "
                        "the agreement says at least {share} %",
    "share.unallocated": "{amount} of {partner}'s eligible costs is paid by no funder (no residual source takes it)",
    "cap.partner": "{funder} would pay {amount} for {partner}, above its cap of {cap}",
    "cap.project": "{funder} would pay {amount} for the project, above its cap of {cap}",
    "cap.reached": "{funder} has reached its cap of {cap} for {partner}: {amount} of its share is left to {residual}",
    "cap.reached-unpaid": "{funder} has reached its cap of {cap} for {partner}: {amount} of its share is paid by "
                          "no source",
    "fixed.used": "{funder}'s fixed sum of {cap} is used up for {partner}: {amount} of the costs it covers is left "
                  "to {residual}",
    "fixed.used-unpaid": "{funder}'s fixed sum of {cap} is used up for {partner}: {amount} of the costs it covers "
                         "is paid by no source",
    "budget-line.over": "{partner} {line}: {spent} spent against a budget of {budget}, {over} over "
                        "(the flexibility allows {allowance})",
    "budget-line.within": "{partner} {line}: {over} over its budget of {budget}, within the flexibility of {allowance}",
    "budget-total.over": "{partner} has spent {spent} against a total budget of {budget}",
    "transfer.into-closed": "{partner} {line} received {amount} from other categories; nothing may be moved into it",
    "transfer.in": "{partner} {line} received {amount} from other categories; at most {percent} % of its budget "
                   "({limit}) may be moved into it",
    "transfer.out": "{partner} {line} gave {amount} to other categories; at most {percent} % of its budget "
                    "({limit}) may be moved out",
    "flat-rate.by-hand": "{partner} {line} is a flat rate ({percent} % of {lines}) computed by the program, "
                         "but {count} expenditure(s) were entered on it by hand",
    "flat-rate.exclusive": "{partner} uses the flat rates {first} and {second}, which exclude each other",
    "unit-cost.no-units": "#{number} on {line} has no number of {unit}s",
    "unit-cost.amount": "#{number} on {line}: {units} × {rate} = {amount}, but {declared} is declared",
    "unit-cost.no-rate": "#{number} on {line}: the rate table has no rate {name} for {partner}",
    "indirect-cap.over": "{partner}'s indirect costs are {indirect}, above {percent} % of the direct costs "
                         "counted as their base ({base} → at most {cap}); the {excess} above it is not claimed",
    "eligibility.outside": "{count} expenditure(s) of {partner} are outside the eligible period of {funders}: "
                           "{details}",
    "eligibility.outside-more": "{count} expenditure(s) of {partner} are outside the eligible period of {funders}: "
                                "{details} and {more} more",
    "eligibility.document-before-start": "#{number}: document date {date} is before the eligible start {limit}",
    "eligibility.document-after-end": "#{number}: document date {date} is after the eligible end {limit}",
    "eligibility.paid-before-start": "#{number}: paid {date}, before the eligible start {limit}",
    "eligibility.paid-after-deadline": "#{number}: paid {date}, after the last eligible payment date {limit}",
    "eligibility.unpaid": "{count} expenditure(s) of {partner} have no payment date yet",
    "reporting-period.outside": "#{number} of {partner} is dated {date}, outside its reporting period {period}",
    "reporting-period.outside-dates": "#{number} of {partner} is dated {date}, outside its reporting period "
                                      "{period} ({start} – {end})",
    "double-funding.claimed": "Document {document} is claimed {count} times for {claimed} in all, more than its "
                              "gross amount {gross}",
    "currency.no-rate": "#{number} is in {currency} but has no exchange rate",
    "currency.rate-changed": "#{number} was converted at {used}, but the stored rate of its month is now {stored}; "
                             "edit it to use the new rate, or keep the rate it was paid at",
    "period-lock.changed": "#{number} of {partner} belongs to submitted period {period} but was changed after the "
                           "submission",
    "consortium": "the consortium",
    "variance.unexplained": "{partner} {line}: {spent} spent against a budget of {budget} ({percent} %); the funder "
                            "wants a difference of more than {threshold} % explained in the report of period {period}",
    "variance.plan-unexplained": "{activity} {year}: {spent} spent against a plan of {planned} ({percent} %); the "
                                 "funder wants a difference of more than {threshold} % explained in the report of "
                                 "period {period}",
    "line-cap.over": "{line}: {spent} declared for the project, above the {cap} the rules allow",
    "plan.budget-differs": "{activity} {year}: the plan says {planned}, the budget {budget}",
    "plan.activity-over": "{activity} {year}: {spent} spent against a plan of {planned}, {over} over (the flexibility "
                          "allows {allowance})",
    "plan.activity-within": "{activity} {year}: {over} over its plan of {planned}, within the flexibility of {allowance}",
    "plan.no-plan": "{activity} {year}: {spent} spent, but the plan has nothing for it",
    "activity.missing": "{count} expenditure(s) of {partner} belong to no activity; the template wants every cost in "
                        "an activity of the plan",
    "payer.no-agreement": "#{number} names {funder} as its payer, but {funder} has no funding agreement with "
                          "{partner}",
    "payer.line": "#{number} names {funder} as its payer, but {funder}'s agreement does not pay budget line {line}",
    "payer.activity": "#{number} names {funder} as its payer, but {funder}'s agreement does not pay its activity",
    "payer.vat": "#{number} names {funder} as its payer for more than its amount without VAT, but {funder} does not "
                 "pay VAT",
    "payer.dates": "#{number} names {funder} as its payer, but is outside {funder}'s eligible period: {detail}",
    "attachment.missing": "#{number} of {partner}: the attached file {name} is missing from the attachments folder",
    "attachment.changed": "#{number} of {partner}: the attached file {name} has changed since it was attached "
                          "(its SHA-256 differs)",
    "details.travel": "{count} cost(s) of {partner} on {line} lack some of what the funder asks of a trip (its "
                      "route, its first and last day, the persons travelling): {numbers}",
    "details.person": "{count} payment(s) of {partner} on {line} do not name the individual-activity certificate, "
                      "business licence or author's contract of the person paid, which the funder asks of payments "
                      "to natural persons: {numbers}",
}
MESSAGES.update(integrity.MESSAGES)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    message_id: str  # a key of MESSAGES; the words are chosen when the finding is shown
    project: str
    partner: str | None = None
    funder: str | None = None
    budget_line: str | None = None
    period: int | None = None
    expected: Decimal | str | None = None
    actual: Decimal | str | None = None
    records: tuple[str, ...] = ()  # expenditure ids
    record_numbers: tuple[int, ...] = field(default=(), compare=False)  # the same, as users see them
    scope: "RecordScope | None" = field(default=None, compare=False)
    """For a finding about a sum: its records are every expenditure in this scope, fetched on demand."""
    args: tuple[tuple[str, Param], ...] = ()  # the message's (name, value) pairs, typed to be written per language

    @property
    def params(self) -> dict[str, Param]:
        return dict(self.args)

    @property
    def message(self) -> str:
        """In English, as the command line prints it."""
        return render(self.message_id, self.params, MESSAGES)


@dataclass(frozen=True, slots=True)
class RecordScope:
    partner: str | None  # None: every partner
    budget_lines: tuple[str, ...]  # empty: every line
    through_period: int | None


@dataclass(frozen=True, slots=True)
class RecordRef:
    id: str
    number: int


@dataclass(frozen=True)
class CheckData:
    """Everything the checks read, gathered by the store (mostly as sums)."""

    definition: ProjectDefinition
    financing: Financing
    singles: tuple[Cost, ...] = ()  # outside some funder's dates (or unpaid), or with named payers
    outside_reporting_period: tuple[Cost, ...] = ()
    hand_entered_flat_rates: Mapping[tuple[str, str], tuple[RecordRef, ...]] = field(default_factory=dict)
    # ref, partner, line, units, eligible (project currency), rate name, eligible (document currency)
    unit_cost_rows: tuple[tuple[RecordRef, str, str, Decimal | None, Decimal, str, Decimal], ...] = ()
    double_claims: tuple[tuple[str, Decimal, Decimal, tuple[RecordRef, ...]], ...] = ()  # document, claimed, gross, refs
    missing_rates: tuple[tuple[RecordRef, str, str], ...] = ()  # ref, partner, currency
    changed_rates: tuple[tuple[RecordRef, str, Decimal, Decimal], ...] = ()  # ref, partner, used, stored
    changed_after_submission: tuple[tuple[RecordRef, str, int], ...] = ()  # ref, partner, period
    payments: tuple[Payment, ...] = ()
    activity_years: tuple[tuple[str | None, int, Decimal], ...] = ()  # activity, document year, eligible (through)
    without_activity: tuple[tuple[RecordRef, str, int], ...] = ()  # ref, partner, period
    audit_breaks: tuple[integrity.AuditBreak, ...] = ()  # the audit log's hash chain, where it is broken
    seal_breaks: tuple[integrity.SealBreak, ...] = ()  # submitted periods that no longer match their seal
    # (period, partner, line, activity) with an explanation: a line's (activity None) or an activity's (line None)
    explained: frozenset[tuple[int, str | None, str | None, str | None]] = frozenset()
    attachments: tuple[tuple[RecordRef, str, str, str], ...] = ()  # kept files not as attached: ref, partner, name,
    # "missing" or "changed"
    # costs on the rules' travel or person-document lines without the details the funder asks: ref, partner, line,
    # period, "travel" or "person"
    missing_details: tuple[tuple[RecordRef, str, str, int, str], ...] = ()


def run_all(data: CheckData, period: int | None = None) -> list[Finding]:
    """Every check; with `period`, shares are judged for that period and sums through it."""
    findings: list[Finding] = []
    for check in (check_shares, check_caps, check_budget_lines, check_transfers, check_flat_rates,
                  check_unit_costs, check_indirect_cap, check_eligibility, check_payers, check_double_funding,
                  check_currency, check_period_lock, check_line_caps, check_plan, check_integrity,
                  check_attachments, check_variances, check_details):
        findings += check(data, period)
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.rule, f.partner or "", f.period or 0))


def _finding(data: CheckData, rule: str, severity: str, message: Message, refs: Iterable[RecordRef] = (),
             **fields: object) -> Finding:
    refs = tuple(sorted(refs, key=lambda r: r.number))
    return Finding(rule, severity, message.id, data.definition.project.code, records=tuple(r.id for r in refs),
                   record_numbers=tuple(r.number for r in refs), args=message.args, **fields)  # type: ignore[arg-type]


def _say(message_id: str, **params: Param) -> Message:
    assert message_id in MESSAGES, message_id
    return Message(message_id, tuple(params.items()))


def with_records(finding: Finding, refs: Iterable[RecordRef]) -> Finding:
    refs = tuple(refs)
    return replace(finding, records=tuple(r.id for r in refs), record_numbers=tuple(r.number for r in refs))


# 1. Shares of eligible costs and the financing plan


def check_shares(data: CheckData, period: int | None = None) -> list[Finding]:
    """Each source's cumulative amount (through `period`) against its share of what it covers.

    The engine rounds cumulatively, so an amount is off its exact share by at
    most a rounded cent (a residual: one for each rounded source beside it); what
    a cap held back is not a breach, and the residual that took it over is judged
    without it.
    """
    findings = []
    for partner, financing in data.financing.items():
        agreements = financing.agreements
        top = [a for a in agreements if a.part_of is None]
        if top and not any(a.fixed for a in top):
            planned = sum((a.share for a in top), Decimal(0))
            if planned != 100:
                findings.append(_finding(
                    data, "share", ERROR, _say("share.plan", partner=partner, planned=Number(planned)),
                    partner=partner, expected="100", actual=str(planned)))
        for parent in top:
            parts = [a for a in agreements if a.part_of == parent.funder]
            within = sum((a.share for a in parts), Decimal(0))
            if parts and not parent.fixed and within != parent.share:
                findings.append(_finding(
                    data, "share", WARNING,
                    _say("share.sources", funder=parent.funder, partner=partner, parts=Number(within),
                         share=Number(parent.share)),
                    partner=partner, funder=parent.funder))
        periods = [n for n in financing.periods if period is None or n <= period]
        if not periods:
            continue
        for agreement in agreements:
            siblings = [a for a in agreements if a.part_of == agreement.part_of and a is not agreement]
            fixed_beside = [a for a in siblings if a.fixed]
            if agreement.fixed or (agreement.residual and fixed_beside and agreement.rule != "min"):
                continue  # a fixed sum has no share; a residual beside one only has a minimum to keep
            base = financing.base(agreement.funder, period)
            actual = financing.cumulative(agreement.funder, period)
            if agreement.residual:  # what the caps of share-based sources held back fell to it
                actual -= sum((financing.cut(a.funder, period) for a in siblings if not a.fixed), ZERO)
            else:
                actual += financing.cut(agreement.funder, period)
            tolerance = CENT * sum(_rounded_cents(a, len(periods)) for a in (siblings if agreement.residual
                                                                                    else [agreement]))
            expected = base * agreement.share / 100
            broken = {
                "exact": abs(actual - expected) > tolerance,
                "max": actual > expected + tolerance,
                "min": actual < expected - tolerance,
            }[agreement.rule]
            if broken and base:
                kind = "own-contribution" if agreement.rule == "min" and _is_own(data, agreement) else "share"
                unused = any(financing.cumulative(a.funder, period) < a.amount for a in fixed_beside)  # type: ignore[operator]
                said = dict(funder=agreement.funder, actual=Number((actual / base * 100).quantize(CENT)),
                            partner=partner, share=Number(agreement.share))
                findings.append(_finding(
                    data, kind, WARNING if unused else ERROR,
                    _say(f"share.{agreement.rule}.all-periods", **said) if period is None else
                    _say(f"share.{agreement.rule}.period", **said, period=period),
                    scope=RecordScope(partner, (), period), partner=partner, funder=agreement.funder, period=period,
                    expected=expected.quantize(CENT), actual=actual))
        unallocated = financing.unallocated(period)
        if unallocated:
            findings.append(_finding(
                data, "share", WARNING, _say("share.unallocated", amount=Amount(unallocated), partner=partner),
                partner=partner, period=period, expected=ZERO, actual=unallocated))
    return findings


def _rounded_cents(agreement: FundingAgreement, periods: int) -> int:
    """How many cents a source's cumulative amount may be off its exact share by rounding."""
    if agreement.fixed or agreement.residual:
        return 0
    return periods if agreement.rounding_basis == "period" else 1


def _is_own(data: CheckData, agreement: FundingAgreement) -> bool:
    return any(f.code == agreement.funder and f.kind == "own" for f in data.definition.funders)


# 2. Caps and fixed sums


def check_caps(data: CheckData, period: int | None = None) -> list[Finding]:
    """A source above its cap (only a residual or named payers can get there: the engine keeps the
    others within it), and where a cap or a fixed sum held back part of a source's share."""
    findings = []
    capped: dict[tuple[str | None, str], tuple[FundingAgreement, Decimal, int]] = {}
    for partner, financing in data.financing.items():
        periods = len([n for n in financing.periods if period is None or n <= period])
        for agreement in financing.agreements:
            limit = agreement.amount if agreement.fixed else agreement.cap
            if limit is None:
                continue
            key = (agreement.partner, agreement.funder)  # a project-wide cap covers every partner together
            _, so_far, _ = capped.get(key, (agreement, ZERO, 0))
            capped[key] = (agreement, so_far + financing.cumulative(agreement.funder, period), periods)
            held = financing.cut(agreement.funder, period)
            if held:
                residual = next((a.funder for a in financing.agreements
                                 if a.residual and a.part_of == agreement.part_of), None)
                name = ("fixed.used" if agreement.fixed else "cap.reached") + ("" if residual else "-unpaid")
                findings.append(_finding(
                    data, "cap", ERROR if not residual else INFO if agreement.fixed else WARNING,
                    _say(name, funder=agreement.funder, cap=Amount(limit), partner=partner, amount=Amount(held),
                         **({"residual": residual} if residual else {})),
                    scope=RecordScope(partner, (), period), partner=partner, funder=agreement.funder, period=period,
                    expected=limit, actual=held))
    for (partner, funder), (agreement, amount, periods) in capped.items():
        limit = agreement.amount if agreement.fixed else agreement.cap
        siblings = [a for a in data.definition.agreements_for(partner or "") if a.part_of == agreement.part_of
                    and a is not agreement] if agreement.residual else []
        tolerance = CENT * sum(_rounded_cents(a, periods) for a in siblings)
        if amount > limit + tolerance:  # type: ignore[operator]
            said = dict(funder=funder, amount=Amount(amount), cap=Amount(limit))
            findings.append(_finding(
                data, "cap", ERROR,
                _say("cap.partner", **said, partner=partner) if partner else _say("cap.project", **said),
                scope=RecordScope(partner, (), period), partner=partner, funder=funder, period=period,
                expected=limit, actual=amount))
    return findings


# 3. Budget lines: flexibility and transfers


def _approved(data: CheckData, partner: str) -> dict[str, Decimal]:
    approved: dict[str, Decimal] = {}
    for b in data.definition.approved:
        if b.partner == partner:
            approved[b.line] = approved.get(b.line, ZERO) + b.amount
    return approved


def _scopes(data: CheckData, period: int | None,
            level: str = "partner") -> list[tuple[str | None, dict[str, Decimal], dict[str, Decimal]]]:
    """(partner, approved by line, actual by line): each partner's, or the consortium's together (partner None)."""
    scopes = [(partner, _approved(data, partner), financing.line_totals(period))
              for partner, financing in data.financing.items()]
    if level == "partner":
        return scopes  # type: ignore[return-value]
    approved: dict[str, Decimal] = {}
    actual: dict[str, Decimal] = {}
    for _, a, b in scopes:
        for line, amount in a.items():
            approved[line] = approved.get(line, ZERO) + amount
        for line, amount in b.items():
            actual[line] = actual.get(line, ZERO) + amount
    return [(None, approved, actual)]


def _who(partner: str | None) -> Param:
    return partner if partner else _say("consortium")


def check_budget_lines(data: CheckData, period: int | None = None) -> list[Finding]:
    rules = data.definition.rules
    findings = []
    for partner, approved, actual in _scopes(data, period):
        for line in sorted(set(approved) | set(actual)):
            budget, spent = approved.get(line, ZERO), actual.get(line, ZERO)
            if spent <= budget:
                continue
            allowance = max(budget * (rules.line_flexibility_percent or 0) / 100,
                            rules.line_flexibility_amount or ZERO).quantize(CENT)
            if rules.transfer_in_percent is not None and not rules.line_flexibility_percent:
                continue  # categories move by transfers, judged by check_transfers
            over = spent - budget
            if over > allowance:
                findings.append(_finding(
                    data, "budget-line", ERROR,
                    _say("budget-line.over", partner=partner, line=line, spent=Amount(spent), budget=Amount(budget),
                         over=Amount(over), allowance=Amount(allowance)),
                    scope=RecordScope(partner, (line,), period), partner=partner, budget_line=line, period=period,
                    expected=budget + allowance, actual=spent))
            else:
                findings.append(_finding(
                    data, "budget-line", INFO,
                    _say("budget-line.within", partner=partner, line=line, over=Amount(over), budget=Amount(budget),
                         allowance=Amount(allowance)),
                    partner=partner, budget_line=line, period=period, expected=budget, actual=spent))
    for partner, approved, actual in _scopes(data, period, rules.transfer_level):
        total_budget, total_spent = sum(approved.values(), ZERO), sum(actual.values(), ZERO)
        if total_spent > total_budget:
            findings.append(_finding(
                data, "budget-total", ERROR,
                _say("budget-total.over", partner=_who(partner), spent=Amount(total_spent),
                     budget=Amount(total_budget)),
                scope=RecordScope(partner, (), period), partner=partner, period=period,
                expected=total_budget, actual=total_spent))
    return findings


@dataclass(frozen=True, slots=True)
class TransferPosition:
    """One budget category after the money moved: what came in or went out, against its limit."""

    line: str
    approved: Decimal
    actual: Decimal
    moved_in: Decimal
    moved_out: Decimal
    limit: Decimal | None  # for the direction the money moved; None: no limit
    closed: bool

    @property
    def within(self) -> bool:
        moved = self.moved_in or self.moved_out
        return self.limit is None or moved <= self.limit


def transfer_positions(approved: Mapping[str, Decimal], actual: Mapping[str, Decimal],
                       rules: ContractRules) -> list[TransferPosition]:
    """Money moved between categories, inferred from overspending and underspending.

    An overspent category received the difference; the underspent ones gave it,
    each in proportion to what it left unspent. Lines exempt from the limits take no part.
    """
    lines = sorted((set(approved) | set(actual)) - set(rules.exempt_lines))
    over = {line: actual.get(line, ZERO) - approved.get(line, ZERO) for line in lines
            if actual.get(line, ZERO) > approved.get(line, ZERO)}
    under = {line: approved.get(line, ZERO) - actual.get(line, ZERO) for line in lines
             if actual.get(line, ZERO) < approved.get(line, ZERO)}
    moved, available = sum(over.values(), ZERO), sum(under.values(), ZERO)
    positions = []
    for line in lines:
        budget, closed = approved.get(line, ZERO), line in rules.closed_lines
        moved_in = over.get(line, ZERO)
        moved_out = ZERO
        if line in under and moved:
            moved_out = (moved * under[line] / available).quantize(CENT) if moved < available else under[line]
        if moved_in:
            limit = ZERO if closed else (None if rules.transfer_in_percent is None
                                         else (budget * rules.transfer_in_percent / 100).quantize(CENT))
        else:
            limit = None if rules.transfer_out_percent is None else (
                budget * rules.transfer_out_percent / 100).quantize(CENT)
        positions.append(TransferPosition(line, budget, actual.get(line, ZERO), moved_in, moved_out, limit, closed))
    return positions


def check_transfers(data: CheckData, period: int | None = None) -> list[Finding]:
    rules = data.definition.rules
    if rules.transfer_in_percent is None and rules.transfer_out_percent is None and not rules.closed_lines:
        return []
    findings = []
    for partner, approved, actual in _scopes(data, period, rules.transfer_level):
        positions = transfer_positions(approved, actual, rules)
        for p in positions:
            if p.moved_in and not p.within:
                said = dict(partner=_who(partner), line=p.line, amount=Amount(p.moved_in))
                findings.append(_finding(
                    data, "transfer", ERROR, _say("transfer.into-closed", **said) if p.closed else
                    _say("transfer.in", **said, percent=Number(rules.transfer_in_percent),
                         limit=Amount(p.limit)),
                    scope=RecordScope(partner, (p.line,), period), partner=partner, budget_line=p.line,
                    period=period, expected=p.limit, actual=p.moved_in))
        for p in positions:
            if p.moved_out and not p.within:
                findings.append(_finding(
                    data, "transfer", ERROR,
                    _say("transfer.out", partner=_who(partner), line=p.line, amount=Amount(p.moved_out),
                         percent=Number(rules.transfer_out_percent), limit=Amount(p.limit)),
                    partner=partner, budget_line=p.line, period=period, expected=p.limit, actual=p.moved_out))
    return findings


def check_variances(data: CheckData, period: int | None = None) -> list[Finding]:
    """Where the rules ask it (a foundation's budget vs actual), a line whose spending so far differs from its
    budget by more than the threshold needs the coordinator's explanation in that period's report.

    The budget is the whole project's: before the last period a line is judged only when it is already above
    it (no later period brings that back); what is not yet spent is judged in the last period's report.
    """
    threshold = data.definition.rules.explain_variance_percent
    numbers = [p.number for p in data.definition.periods]
    if threshold is None or not numbers:
        return []
    through = period or max(numbers)
    if _planned(data.definition):
        return _plan_variances(data, through, threshold, last=through == max(numbers))
    findings = []
    for partner, approved, actual in _scopes(data, through):
        for line, budget in sorted(approved.items()):
            spent = actual.get(line, ZERO)
            if not budget or (through, partner, line, None) in data.explained:
                continue
            percent = ((spent - budget) / budget * 100).quantize(Decimal("0.1"))
            if percent > threshold or (percent < -threshold and through == max(numbers)):
                findings.append(_finding(
                    data, "variance", WARNING,
                    _say("variance.unexplained", partner=partner, line=line, spent=Amount(spent),
                         budget=Amount(budget), percent=Number(percent), threshold=Number(threshold), period=through),
                    partner=partner, budget_line=line, period=through, expected=budget, actual=spent))
    return findings


def _plan_variances(data: CheckData, through: int, threshold: Decimal, last: bool) -> list[Finding]:
    """A project kept as an activity plan is judged by activity and year, as its report shows it: in the report of
    a period, each year the period covers. A year over its plan is judged at once, one under it once the period
    has closed that year (or in the last period's report)."""
    definition = data.definition
    reported = definition.period(through)
    if reported is None:
        return []
    partner = definition.partners[0].code if len(definition.partners) == 1 else None  # whose report explains it
    spent = {(activity, year): amount for activity, year, amount in data.activity_years if activity is not None}
    findings = []
    for (activity, year), plan in sorted(_planned(definition).items()):
        if year not in reported.years or not plan or (through, partner, None, activity) in data.explained:
            continue
        actual = spent.get((activity, year), ZERO)
        percent = ((actual - plan) / plan * 100).quantize(Decimal("0.1"))
        closed = last or reported.end >= date(year, 12, 31)
        if percent > threshold or (percent < -threshold and closed):
            findings.append(_finding(
                data, "variance", WARNING,
                _say("variance.plan-unexplained", activity=activity, year=year, spent=Amount(actual),
                     planned=Amount(plan), percent=Number(percent), threshold=Number(threshold), period=through),
                partner=partner, period=through, expected=plan, actual=actual))
    return findings


def _planned(definition: ProjectDefinition) -> dict[tuple[str, int], Decimal]:
    """An activity plan's amounts by activity and year (every source and line together)."""
    planned: dict[tuple[str, int], Decimal] = {}
    for activity in definition.activities:
        for p in activity.plan:
            planned[(activity.code, p.year)] = planned.get((activity.code, p.year), ZERO) + p.amount
    return planned


def check_line_caps(data: CheckData, period: int | None = None) -> list[Finding]:
    """A line the rules cap for the whole project (multiplier events, exceptional costs)."""
    findings = []
    for cap in data.definition.rules.line_caps:
        spent = sum((f.line_totals(period).get(cap.line, ZERO) for f in data.financing.partners.values()), ZERO)
        if spent > cap.amount:
            findings.append(_finding(
                data, "line-cap", ERROR, _say("line-cap.over", line=cap.line, spent=Amount(spent),
                                              cap=Amount(cap.amount)),
                scope=RecordScope(None, (cap.line,), period), budget_line=cap.line, period=period,
                expected=cap.amount, actual=spent))
    return findings


def check_plan(data: CheckData, period: int | None = None) -> list[Finding]:
    """The activity plan: it agrees with the budget where both are kept, each activity's spending of a year
    stays within its plan (and the lines' flexibility), and every cost has an activity where the template
    wants one."""
    definition, rules = data.definition, data.definition.rules
    findings = []
    planned = _planned(definition)
    budgeted: dict[tuple[str, int], Decimal] = {}
    for b in definition.budget:  # the budget entered as such, not the one the plan gives by line
        if b.activity is not None and b.year is not None:
            budgeted[(b.activity, b.year)] = budgeted.get((b.activity, b.year), ZERO) + b.amount
    for key in sorted(set(planned) & set(budgeted) if budgeted else ()):
        if planned[key] != budgeted[key]:
            findings.append(_finding(
                data, "plan", WARNING, _say("plan.budget-differs", activity=key[0], year=key[1],
                                            planned=Amount(planned[key]), budget=Amount(budgeted[key])),
                expected=planned[key], actual=budgeted[key]))
    if planned:
        for activity, year, spent in data.activity_years:
            if activity is None:
                continue
            plan = planned.get((activity, year))
            if plan is None:
                findings.append(_finding(
                    data, "plan", ERROR, _say("plan.no-plan", activity=activity, year=year, spent=Amount(spent)),
                    period=period, expected=ZERO, actual=spent))
                continue
            if spent <= plan:
                continue
            allowance = max(plan * (rules.line_flexibility_percent or 0) / 100,
                            rules.line_flexibility_amount or ZERO).quantize(CENT)
            said = dict(activity=activity, year=year, planned=Amount(plan), over=Amount(spent - plan),
                        allowance=Amount(allowance))
            findings.append(_finding(
                data, "plan", ERROR if spent - plan > allowance else INFO,
                _say("plan.activity-over", **said, spent=Amount(spent)) if spent - plan > allowance else
                _say("plan.activity-within", **said), period=period, expected=plan, actual=spent))
    if rules.activity_required:
        by_partner: dict[str, list[RecordRef]] = {}
        for ref, partner, number in data.without_activity:
            if period is None or number == period:
                by_partner.setdefault(partner, []).append(ref)
        for partner, refs in sorted(by_partner.items()):
            findings.append(_finding(data, "activity", ERROR, _say("activity.missing", count=len(refs),
                                                                   partner=partner), refs, partner=partner))
    return findings


# 4. Flat rates


def check_flat_rates(data: CheckData, period: int | None = None) -> list[Finding]:
    rules = data.definition.rules
    findings = []
    for (partner, line), refs in sorted(data.hand_entered_flat_rates.items()):
        flat = rules.flat_rate(line)
        findings.append(_finding(
            data, "flat-rate", ERROR,
            _say("flat-rate.by-hand", partner=partner, line=line, percent=Number(flat.percent) if flat else "?",
                 lines=", ".join(flat.of_lines) if flat else "?", count=len(refs)),
            refs, partner=partner, budget_line=line))
    for partner in data.financing:
        used = {b.line for b in data.definition.approved if b.partner == partner}
        for first, second in flat_rate_conflicts(rules, used):
            findings.append(_finding(
                data, "flat-rate", ERROR,
                _say("flat-rate.exclusive", partner=partner, first=first.line, second=second.line), partner=partner))
    return findings


# 5. Unit costs


def check_unit_costs(data: CheckData, period: int | None = None) -> list[Finding]:
    """Each declaration is units × the rate its partner (and its band or category) takes from the table."""
    definition = data.definition
    rules = definition.rules
    findings = []
    for ref, partner_code, line, units, _, rate_name, eligible in data.unit_cost_rows:
        unit_cost, partner = rules.unit_cost(line), definition.partner(partner_code)
        if unit_cost is None or partner is None:
            continue
        choice = unit_cost.choose(partner.code, partner.role, rules.country_group(partner.country), rate_name)
        if units is None or choice.rate is None:
            findings.append(_finding(
                data, "unit-cost", ERROR,
                _say("unit-cost.no-units", number=ref.number, line=line, unit=unit_cost.unit) if units is None else
                _say("unit-cost.no-rate", number=ref.number, line=line, partner=partner.code,
                     name=rate_name or "–"),
                [ref], partner=partner.code, budget_line=line))
        elif eligible != unit_cost.amount(units, choice.rate):
            amount = unit_cost.amount(units, choice.rate)
            findings.append(_finding(
                data, "unit-cost", ERROR,
                _say("unit-cost.amount", number=ref.number, line=line, units=Number(units),
                     rate=Number(choice.rate.rate), amount=Amount(amount), declared=Amount(eligible)),
                [ref], partner=partner.code, budget_line=line, expected=amount, actual=eligible))
    return findings


# 6. Indirect cost cap


def check_indirect_cap(data: CheckData, period: int | None = None) -> list[Finding]:
    """Indirect costs above their cap: the engine claims only up to it, and says what it held back."""
    rules = data.definition.rules
    if rules.indirect_cap_percent is None or not rules.indirect_lines:
        return []
    findings = []
    for partner, financing in data.financing.items():
        excess = financing.not_claimed(period).get(INDIRECT_OVER_CAP, ZERO)
        if not excess:
            continue
        lines = financing.line_totals(period)
        indirect = sum((a for line, a in lines.items() if line in rules.indirect_lines), ZERO)
        base = sum((a for line, a in lines.items()
                    if line not in rules.indirect_lines and line not in rules.indirect_base_excludes), ZERO)
        findings.append(_finding(
            data, "indirect-cap", WARNING,
            _say("indirect-cap.over", partner=partner, indirect=Amount(indirect),
                 percent=Number(rules.indirect_cap_percent), base=Amount(base), cap=Amount(indirect - excess),
                 excess=Amount(excess)),
            scope=RecordScope(partner, rules.indirect_lines, period),
            partner=partner, period=period, expected=indirect - excess, actual=indirect))
    return findings


# 7. Eligibility of dates


def check_eligibility(data: CheckData, period: int | None = None) -> list[Finding]:
    definition = data.definition
    grouped: dict[tuple[str, str], list[tuple[Cost, tuple[str, date, date]]]] = {}
    unpaid: dict[str, list[Cost]] = {}
    terms = {p.code: partner_terms(definition, p.code) for p in definition.partners}
    for e in data.singles:
        if period is not None and e.period != period:
            continue
        if e.payment_date is None and not definition.rules.unit_cost(e.line):
            unpaid.setdefault(e.partner, []).append(e)  # unit costs are declared, not paid against an invoice
        if e.payers:
            continue  # named payers are judged by check_payers
        reasons: dict[tuple[str, date, date], list[str]] = {}
        for t in terms[e.partner]:
            if t.lines is None or e.line in t.lines:
                if reason := t.window.excludes(e):
                    reasons.setdefault(reason, []).append(t.funder)
        for reason, funders in reasons.items():
            grouped.setdefault((e.partner, ", ".join(funders)), []).append((e, reason))
    findings = []
    for (partner, funders), items in sorted(grouped.items()):
        details = tuple(_say(f"eligibility.{why}", number=e.number, date=day, limit=limit)
                        for e, (why, day, limit) in items[:5])
        said = dict(count=len(items), partner=partner, funders=funders, details=details)
        findings.append(_finding(
            data, "eligibility", ERROR,
            _say("eligibility.outside-more", **said, more=len(items) - 5) if len(items) > 5 else
            _say("eligibility.outside", **said),
            [RecordRef(e.id, e.number) for e, _ in items], partner=partner, funder=funders, period=period))
    for partner, costs in sorted(unpaid.items()):
        findings.append(_finding(
            data, "eligibility", WARNING, _say("eligibility.unpaid", count=len(costs), partner=partner),
            [RecordRef(e.id, e.number) for e in costs], partner=partner, period=period))
    for e in data.outside_reporting_period:
        if period is not None and e.period != period:
            continue
        bounds = definition.period(e.period)
        said = dict(number=e.number, partner=e.partner, date=e.document_date, period=e.period)
        findings.append(_finding(
            data, "reporting-period", WARNING,
            _say("reporting-period.outside-dates", **said, start=bounds.start, end=bounds.end) if bounds else
            _say("reporting-period.outside", **said),
            [RecordRef(e.id, e.number)], partner=e.partner, period=e.period))
    return findings


def check_payers(data: CheckData, period: int | None = None) -> list[Finding]:
    """A named payer that may not pay the cost it is named for."""
    findings = []
    for found in data.financing.payer_problems:
        cost = found.cost
        if period is not None and cost.period != period:
            continue
        said = dict(number=cost.number, funder=found.funder)
        if found.reason in WINDOW_REASONS:
            window = next(t.window for t in partner_terms(data.definition, cost.partner) if t.funder == found.funder)
            _, day, limit = window.excludes(cost)  # type: ignore[misc]
            message = _say("payer.dates", **said, detail=_say(f"eligibility.{found.reason}", number=cost.number,
                                                                date=day, limit=limit))
        elif found.reason == LINE_NOT_PAID:
            message = _say("payer.line", **said, line=cost.line)
        elif found.reason == ACTIVITY_NOT_PAID:
            message = _say("payer.activity", **said)
        elif found.reason == VAT_NOT_PAID:
            message = _say("payer.vat", **said)
        else:
            message = _say("payer.no-agreement", **said, partner=cost.partner)
        findings.append(_finding(data, "payer", ERROR, message, [RecordRef(cost.id, cost.number)],
                                 partner=cost.partner, funder=found.funder, period=cost.period))
    return findings


# 8. Double funding


def check_double_funding(data: CheckData, period: int | None = None) -> list[Finding]:
    return [
        _finding(data, "double-funding", ERROR,
                 _say("double-funding.claimed", document=document, count=len(refs), claimed=Amount(claimed),
                      gross=Amount(gross)), refs, expected=gross, actual=claimed)
        for document, claimed, gross, refs in data.double_claims
    ]


# 9. Currency


def check_currency(data: CheckData, period: int | None = None) -> list[Finding]:
    findings = [
        _finding(data, "currency", ERROR, _say("currency.no-rate", number=ref.number, currency=currency),
                 [ref], partner=partner)
        for ref, partner, currency in data.missing_rates
    ]
    findings += [
        _finding(data, "currency", WARNING,
                 _say("currency.rate-changed", number=ref.number, used=Number(used), stored=Number(stored)),
                 [ref], partner=partner, expected=str(stored), actual=str(used))
        for ref, partner, used, stored in data.changed_rates
    ]
    return findings


# 10. Period lock


def check_period_lock(data: CheckData, period: int | None = None) -> list[Finding]:
    return [
        _finding(data, "period-lock", ERROR,
                 _say("period-lock.changed", number=ref.number, partner=partner, period=number),
                 [ref], partner=partner, period=number)
        for ref, partner, number in data.changed_after_submission
        if period is None or number == period
    ]


# 11. Integrity: edits made outside the program (tamper evidence)


def check_integrity(data: CheckData, period: int | None = None) -> list[Finding]:
    """Breaks of the audit log's hash chain and of the seals of submitted periods, whatever period is judged."""
    findings = []
    for b in data.audit_breaks:
        findings.append(_finding(data, "integrity", ERROR, _say(
            "integrity.audit-deleted", first=b.missing[0], last=b.missing[1]) if b.missing else _say(
            "integrity.audit-changed", entry=b.entry, action=b.action, table=b.table, changed_at=b.changed_at),
            expected="", actual=str(b.entry)))
    for s in data.seal_breaks:
        said: list[tuple[Message, tuple[RecordRef, ...]]] = []
        for kind, rows in (("changed", s.changed), ("added", s.added)):
            if rows:
                refs = tuple(RecordRef(i, n) for i, n in rows)
                said.append((_say(f"integrity.{kind}", period=s.period, count=len(rows),
                                  numbers=_numbers(n for _, n in rows)), refs))
        if s.deleted:
            said.append((_say("integrity.deleted", period=s.period, count=len(s.deleted),
                              numbers=_numbers(s.deleted)), ()))
        if s.reports:
            said.append((_say("integrity.reports", period=s.period, reports=", ".join(s.reports)), ()))
        for flag, message_id in ((s.seal_changed, "integrity.seal-changed"), (s.seal_missing, "integrity.seal-missing"),
                                 (s.reopened_outside, "integrity.reopened-outside")):
            if flag:
                said.append((_say(message_id, period=s.period), ()))
        if s.audit_entry is not None:
            said.append((_say("integrity.audit-cut", period=s.period, entry=s.audit_entry), ()))
        findings += [_finding(data, "integrity", ERROR, message, refs, period=s.period) for message, refs in said]
    return findings


def _numbers(numbers: Iterable[int]) -> str:
    shown = [f"#{n}" for n in sorted(numbers)]
    return ", ".join(shown[:12]) + (" …" if len(shown) > 12 else "")


# 12. Attachments


def check_attachments(data: CheckData, period: int | None = None) -> list[Finding]:
    """A kept attachment must still be there, with the content it had when it was attached."""
    return [
        _finding(data, "attachment", ERROR if state == "changed" else WARNING,
                 _say(f"attachment.{state}", number=ref.number, partner=partner, name=name), [ref], partner=partner)
        for ref, partner, name, state in data.attachments
    ]


# 13. What a funder asks of a trip and of a payment to a person


def check_details(data: CheckData, period: int | None = None) -> list[Finding]:
    """A cost on a line of the rules' `travel_lines` gives its trip's route, first day and persons; a payment on one
    of their `person_document_lines` names the person's certificate, licence or author's contract. A correction (a
    negative amount) refers to its cost and needs neither; a contribution in kind pays no one."""
    grouped: dict[tuple[str, str, str], list[RecordRef]] = {}
    for ref, partner, line, number, kind in data.missing_details:
        if period is None or number == period:
            grouped.setdefault((kind, partner, line), []).append(ref)
    return [
        _finding(data, "details", WARNING, _say(f"details.{kind}", count=len(refs), partner=partner, line=line,
                                                numbers=_numbers(r.number for r in refs)),
                 refs, partner=partner, budget_line=line, period=period)
        for (kind, partner, line), refs in sorted(grouped.items())
    ]


def latest_open_or_last(definition: ProjectDefinition, today: date) -> int | None:
    """The period a coordinator is working on: the one containing today, else the last open one."""
    current = definition.period_of(today)
    if current is not None:
        return current.number
    open_periods = [p.number for p in definition.periods if not p.submitted]
    return max(open_periods) if open_periods else (max((p.number for p in definition.periods), default=None))
