"""Validators: plain functions that return every problem they find.

Nothing here raises on bad data; callers collect the problems and refuse the
whole input at once, so a user sees every mistake in one go.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable, Mapping

from reporter.domain.contribution import PROGRAMME_KINDS
from reporter.domain.currency import EURO, FIXED_EURO_RATES, currency_code, from_euro, month_key, parse_rate, to_euro
from reporter.domain.errors import Problem, UserError, not_one_of, problem
from reporter.domain.limits import (
    FIRST_DAY,
    LAST_DAY,
    MAX_GRACE_DAYS,
    MAX_PERIOD,
    MAX_TRAVELLERS,
    amount_problem,
    check_units,
    parse_date,
    template_id_problem,
    text_problem,
)
from reporter.domain.messages import Amount, Message, Number
from reporter.domain.model import (
    CONTROL_STATUSES,
    Expenditure,
    ExpenditureDraft,
    FundingAgreement,
    Partner,
    PartnerReportControl,
    Payer,
    ProjectDefinition,
)
from reporter.domain.records import CHOICE, record_fields
from reporter.domain.money import ZERO, parse_amount, parse_decimal, plain
from reporter.domain.rules import UnitCost, flat_rate_conflicts, rule_problems

# The expenditure fields a form, a command line or an import row may give, as text.
EXPENDITURE_FIELDS = (
    "partner", "line", "date", "document", "supplier", "gross", "vat", "eligible", "currency", "rate",
    "project_rate", "period", "units", "rate_name", "activity", "description", "paid", "paid_by", "in_kind",
    "attachments", "notes", "accounting_ref", "supplier_code", "person_document", "travel_route", "travel_from",
    "travel_to", "travellers", "procurement_ref",
)
REQUIRED_EXPENDITURE_FIELDS = ("partner", "line", "date")
INVOICE_FIELDS = ("document", "supplier", "gross")  # required but for a unit-cost declaration


def validate_definition(definition: ProjectDefinition) -> list[Problem]:
    """Every inconsistency of a project definition, each named by its place in the file."""
    problems: list[Problem] = []
    project = definition.project
    if not project.code.strip():
        problems.append(problem("project.code", "project.code_required"))
    if not project.title.strip():
        problems.append(problem("project.title", "project.title_required"))
    if project.end < project.start:
        problems.append(problem("project.end", "project.ends_before_start", end=project.end, start=project.start))
    problems += _duplicates("partners", [p.code for p in definition.partners])
    problems += _duplicates("funders", [f.code for f in definition.funders])
    problems += _duplicates("budget_lines", [b.code for b in definition.budget_lines])
    problems += _duplicates("activities", [a.code for a in definition.activities])
    problems += _duplicates("periods", [p.number for p in definition.periods], "duplicate.number")

    partners = {p.code for p in definition.partners}
    funders = {f.code for f in definition.funders}
    lines = {b.code for b in definition.budget_lines}
    activities = {a.code for a in definition.activities}

    for i, partner in enumerate(definition.partners, 1):
        where = f"partners[{i}]"
        problems += _choice_problems(where, partner)
        if not partner.name.strip():
            problems.append(problem(f"{where}.name", "partner.name_required"))
    leads = [p.code for p in definition.partners if p.role == "lead"]
    if len(leads) > 1:
        problems.append(problem("partners", "partner.one_lead", leads=", ".join(leads)))

    for i, funder in enumerate(definition.funders, 1):
        problems += _choice_problems(f"funders[{i}]", funder)

    residuals: Counter[tuple[str | None, str | None]] = Counter()
    programme_funds = {f.code for f in definition.funders if f.kind in PROGRAMME_KINDS}
    for i, agreement in enumerate(definition.funding, 1):
        where = f"funding[{i}]"
        if agreement.funder not in funders:
            problems.append(problem(f"{where}.funder", "reference.unknown_funder", code=repr(agreement.funder)))
        if agreement.partner is not None and agreement.partner not in partners:
            problems.append(problem(f"{where}.partner", "reference.unknown_partner", code=repr(agreement.partner)))
        problems += _choice_problems(where, agreement)
        problems += _agreement_terms_problems(where, agreement)
        if agreement.rate_month:
            try:
                month_key(agreement.rate_month)
            except UserError as error:
                problems.append(error.placed(f"{where}.rate_month"))
        elif agreement.currency not in (None, project.currency) and any(
                code not in (EURO, *FIXED_EURO_RATES) for code in (agreement.currency, project.currency)):
            problems.append(problem(f"{where}.rate_month", "funding.rate_month",
                                    currency=next(c for c in (agreement.currency, project.currency)
                                                  if c not in (EURO, *FIXED_EURO_RATES))))
        for line in agreement.budget_lines:
            if line not in lines:
                problems.append(problem(f"{where}.budget_lines", "reference.unknown_budget_line", code=repr(line)))
        for code in agreement.activities:
            if code not in activities:
                problems.append(problem(f"{where}.activities", "reference.unknown_activity", code=repr(code)))
        if agreement.part_of is not None:
            parent = next((a for a in definition.funding
                           if a.funder == agreement.part_of and a.partner in (agreement.partner, None)), None)
            if (parent is None or parent.part_of is not None or parent.fixed or agreement.part_of == agreement.funder
                    or agreement.fixed):
                problems.append(problem(f"{where}.part_of", "funding.part_of", funder=repr(agreement.part_of)))
        if agreement.legal_status is not None and agreement.funder in programme_funds:
            problems.append(problem(f"{where}.legal_status", "funding.legal_status_programme",
                                    funder=agreement.funder))
        if agreement.eligible_from and agreement.eligible_to and agreement.eligible_to < agreement.eligible_from:
            problems.append(problem(f"{where}.eligible_to", "funding.eligible_ends_before_start"))
        if agreement.residual:
            residuals[(agreement.partner, agreement.part_of)] += 1
    for (partner_code, parent), count in residuals.items():
        if count > 1:
            scope = {"partner": partner_code} if partner_code else {}
            within = {"funder": parent} if parent else {}
            message_id = f"funding.residuals.{'partner' if scope else 'project'}{'_within' if within else ''}"
            problems.append(problem("funding", message_id, **scope, count=count, **within))
    # A partner takes the project-wide agreements of funders it has none with: its own residual source and a
    # project-wide one would both take the remainder of its split.
    for partner in definition.partners:
        taken = Counter(a.part_of for a in definition.agreements_for(partner.code) if a.residual)
        for parent, count in taken.items():
            if count > 1 and residuals[(partner.code, parent)] <= 1 and residuals[(None, parent)] <= 1:
                within = {"funder": parent} if parent else {}
                problems.append(problem("funding", f"funding.residuals.partner{'_within' if within else ''}",
                                        partner=partner.code, count=count, **within))
    problems += _part_of_share_problems(definition)
    problems += _duplicates(
        "funding", [f"{a.partner or '*'}/{a.funder}" for a in definition.funding], "duplicate.agreement"
    )

    for i, amount in enumerate(definition.budget, 1):
        where = f"budget[{i}]"
        if amount.partner not in partners:
            problems.append(problem(f"{where}.partner", "reference.unknown_partner", code=repr(amount.partner)))
        if amount.line not in lines:
            problems.append(problem(f"{where}.line", "reference.unknown_budget_line", code=repr(amount.line)))
        if amount.activity is not None and amount.activity not in activities:
            problems.append(problem(f"{where}.activity", "reference.unknown_activity", code=repr(amount.activity)))
        if amount.year is not None and not project.start.year <= amount.year <= project.end.year:
            problems.append(problem(f"{where}.year", "year.outside_project", year=amount.year))
    problems += _duplicates(
        "budget",
        [f"{b.partner}/{b.line}/{b.year or '-'}/{b.activity or '-'}" for b in definition.budget],
        "duplicate.budget",
    )

    for i, grant in enumerate(definition.sub_grants, 1):
        where = f"sub_grants[{i}]"
        if grant.partner not in partners:
            problems.append(problem(f"{where}.partner", "reference.unknown_partner", code=repr(grant.partner)))
        elif grant.partner in leads:
            problems.append(problem(f"{where}.partner", "sub_grant.lead", partner=grant.partner))
        if grant.amount <= 0:
            problems.append(problem(f"{where}.amount", "sub_grant.amount"))
        if grant.signed is not None and not project.start <= grant.signed <= project.end:
            problems.append(problem(f"{where}.signed", "sub_grant.signed", start=project.start, end=project.end))
    problems += _duplicates("sub_grants", [g.partner for g in definition.sub_grants], "duplicate.sub_grant")

    ordered = sorted(definition.periods, key=lambda p: p.start)
    for i, period in enumerate(definition.periods, 1):
        where = f"periods[{i}]"
        if period.number < 1:
            problems.append(problem(f"{where}.number", "period.number_from_one"))
        if period.end < period.start:
            problems.append(problem(f"{where}.end", "period.ends_before_start", end=period.end, start=period.start))
        if period.start < project.start or period.end > project.end:
            problems.append(problem(where, "period.outside_project", number=period.number, start=period.start,
                                    end=period.end, project_start=project.start, project_end=project.end))
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start <= earlier.end:
            problems.append(problem("periods", "period.overlap", first=earlier.number, second=later.number))

    problems += rule_problems(definition.rules, lines)
    budgeted = {b.line for b in definition.approved}
    for first, second in flat_rate_conflicts(definition.rules, budgeted):
        problems.append(problem("flat_rates", "flat_rate.exclusive", first=first.line, second=second.line))

    for i, instalment in enumerate(definition.rules.instalments, 1):
        if instalment.funder and instalment.funder not in funders:
            problems.append(problem(f"instalments[{i}].funder", "reference.unknown_funder",
                                    code=repr(instalment.funder)))
    budgeted_apart = {(b.activity, b.year) for b in definition.budget if b.activity is not None}
    for i, activity in enumerate(definition.activities, 1):
        twice = sorted({p.year for p in activity.plan if p.line is not None and (activity.code, p.year) in
                        budgeted_apart})
        for year in twice:  # the plan by line is the budget: a [[budget]] entry as well would count it twice
            problems.append(problem(f"activities[{i}].planned", "plan.budget_twice", activity=activity.code,
                                    year=year))
        for j, planned in enumerate(activity.plan, 1):
            where = f"activities[{i}].planned[{j}]"
            if planned.funder is not None and planned.funder not in funders:
                problems.append(problem(f"{where}.funder", "reference.unknown_funder", code=repr(planned.funder)))
            if planned.line is not None and planned.line not in lines:
                problems.append(problem(f"{where}.line", "reference.unknown_budget_line", code=repr(planned.line)))
            if planned.partner is not None and planned.partner not in partners:
                problems.append(problem(f"{where}.partner", "reference.unknown_partner", code=repr(planned.partner)))
            if not project.start.year <= planned.year <= project.end.year:
                problems.append(problem(f"{where}.year", "year.outside_project", year=planned.year))
    return problems + bound_problems(definition)


def bound_problems(definition: ProjectDefinition) -> list[Problem]:
    """Values beyond what the program accepts (`limits`): texts, amounts, dates, numbers and the template's name.

    The project file's reader bounds most values as it reads them; this covers a
    definition from anywhere, so that nothing saved can break a later command.
    """
    problems: list[Problem] = []

    def text(value: str, kind: str, where: str) -> None:
        for words in (value, *(w for _, w in getattr(value, "translations", ()))):  # a label: every language's
            if (found := text_problem(words, kind, where)) is not None:
                problems.append(found)
                return

    def amount(value: Decimal | None, where: str, negative: bool = False) -> None:
        if value is None:
            return
        if (found := amount_problem(value, where)) is not None:
            problems.append(found)
        elif value < 0 and not negative:
            problems.append(problem(where, "amount.negative", value=Amount(value)))

    def day(value: date | None, where: str) -> None:
        if value is not None and not FIRST_DAY <= value <= LAST_DAY:
            problems.append(problem(where, "date.out_of_range", value=value.isoformat(), first=FIRST_DAY.isoformat(),
                                    last=LAST_DAY.isoformat()))

    def percent(value: Decimal | None, where: str) -> None:
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            problems.append(problem(where, "percent.range", value=Number(value)))

    project = definition.project
    text(project.code, "code", "project.code")
    text(project.title, "title", "project.title")
    text(project.contract_number, "contract_number", "project.contract_number")
    if (found := template_id_problem(project.template, "project.template")) is not None:
        problems.append(found)
    day(project.start, "project.start")
    day(project.end, "project.end")
    for i, partner in enumerate(definition.partners, 1):
        text(partner.code, "code", f"partners[{i}].code")
        text(partner.name, "name", f"partners[{i}].name")
        text(partner.country, "country", f"partners[{i}].country")
    for i, funder in enumerate(definition.funders, 1):
        text(funder.code, "code", f"funders[{i}].code")
        text(funder.name, "name", f"funders[{i}].name")
    for i, agreement in enumerate(definition.funding, 1):
        where = f"funding[{i}]"
        text(agreement.contract_number, "contract_number", f"{where}.contract_number")
        amount(agreement.cap, f"{where}.cap", negative=True)  # a negative cap has its own message
        amount(agreement.prefinancing, f"{where}.prefinancing")
        amount(agreement.amount, f"{where}.amount", negative=True)  # a negative fixed sum has its own message
        day(agreement.eligible_from, f"{where}.eligible_from")
        day(agreement.eligible_to, f"{where}.eligible_to")
    for i, line in enumerate(definition.budget_lines, 1):
        text(line.code, "code", f"budget_lines[{i}].code")
        text(line.name, "name", f"budget_lines[{i}].name")
    for i, budgeted in enumerate(definition.budget, 1):
        amount(budgeted.amount, f"budget[{i}].amount")
    for i, period in enumerate(definition.periods, 1):
        if period.number > MAX_PERIOD:
            problems.append(problem(f"periods[{i}].number", "number.out_of_range", value=str(period.number), low=1,
                                    high=MAX_PERIOD))
    for i, activity in enumerate(definition.activities, 1):
        text(activity.code, "code", f"activities[{i}].code")
        text(activity.title, "title", f"activities[{i}].title")
        for j, planned in enumerate(activity.plan, 1):
            amount(planned.amount, f"activities[{i}].planned[{j}].amount")
    rules = definition.rules
    for key in ("line_flexibility_percent", "transfer_out_percent", "transfer_in_percent", "indirect_cap_percent"):
        percent(getattr(rules, key), f"rules.{key}")
    amount(rules.line_flexibility_amount, "rules.line_flexibility_amount")
    if not 0 <= rules.payment_grace_days <= MAX_GRACE_DAYS:
        problems.append(problem("rules.payment_grace_days", "number.out_of_range", value=str(rules.payment_grace_days),
                                low=0, high=MAX_GRACE_DAYS))
    for i, flat in enumerate(rules.flat_rates, 1):
        percent(flat.percent, f"flat_rates[{i}].percent")
    for i, unit in enumerate(rules.unit_costs, 1):
        for j, rate in enumerate(unit.rates, 1):
            amount(rate.rate, f"unit_costs[{i}].rates[{j}].rate")
            text(rate.name, "name", f"unit_costs[{i}].rates[{j}].name")
            text(rate.unit, "unit", f"unit_costs[{i}].rates[{j}].unit")
        text(unit.unit, "unit", f"unit_costs[{i}].unit")
    for i, cap in enumerate(rules.line_caps, 1):
        amount(cap.amount, f"line_caps[{i}].amount")
    for i, grant in enumerate(definition.sub_grants, 1):
        amount(grant.amount, f"sub_grants[{i}].amount")
        text(grant.number, "contract_number", f"sub_grants[{i}].number")
        day(grant.signed, f"sub_grants[{i}].signed")
    return problems


def _part_of_share_problems(definition: ProjectDefinition) -> list[Problem]:
    """The sources within another's part (`part_of`) share what it pays: together they take no more of the costs
    than it does, or the rest of its part (its residual source's, its legal status's) would be below zero."""
    problems: list[Problem] = []
    for partner in definition.partners:
        agreements = definition.agreements_for(partner.code)
        for parent in (a for a in agreements if a.part_of is None and not a.fixed and a.share_percent is not None
                       and a.rule != "min"):  # a part of at least its share may well hold more
            inner = [a for a in agreements if a.part_of == parent.funder and not a.fixed and not a.residual]
            taken = sum((a.share for a in inner), Decimal(0))
            if inner and taken > parent.share:
                where = f"funding[{definition.funding.index(inner[-1]) + 1}].share"
                found = problem(where, "funding.part_of_share", funder=parent.funder, taken=Number(taken),
                                share=Number(parent.share))
                if found not in problems:
                    problems.append(found)
    return problems


def _choice_problems(where: str, record: object) -> list[Problem]:
    """Values of a record's CHOICE fields that are none of the choices."""
    return [not_one_of(f"{where}.{f.key}", getattr(record, f.name), f.options)
            for f in record_fields(type(record)) if f.kind == CHOICE and getattr(record, f.name) not in f.options
            and not (getattr(record, f.name) is None and f.default is None)]  # an optional choice left out


def control_problems(definition: ProjectDefinition, control: PartnerReportControl) -> list[Problem]:
    """Where a partner's report stands with its controller, as it may be kept: a known period and partner, a
    status, the certificate's date (not before the period) and number for a certified report and for no other,
    a controller for a report in control or certified."""
    code = definition.project.code
    problems: list[Problem] = []
    period = definition.period(control.period)
    if period is None:
        problems.append(problem("period", "period.unknown", project=code, number=control.period))
    if not control.partner:
        problems.append(problem("partner", "value.required"))
    elif definition.partner(control.partner) is None:
        problems.append(problem("partner", "partner.unknown", project=code, partner=repr(control.partner)))
    status = control.status
    if status not in CONTROL_STATUSES:
        problems.append(not_one_of("status", status, CONTROL_STATUSES))
    elif status == "certified":
        problems += [problem(where, "control.certificate_needed")
                     for where, given in (("date", control.certified), ("certificate", control.certificate))
                     if not given]
    else:
        problems += [problem(where, "control.not_certified", status=status)
                     for where, given in (("date", control.certified), ("certificate", control.certificate)) if given]
    if control.controller and status in ("draft", "submitted"):
        problems.append(problem("controller", "control.no_controller", status=status))
    if control.certified is not None and period is not None and control.certified < period.start:
        problems.append(problem("date", "control.before_period", date=control.certified, start=period.start))
    for where, text, kind in (("certificate", control.certificate, "contract_number"),
                              ("controller", control.controller, "name")):
        if (found := text_problem(text, kind, where)) is not None:
            problems.append(found)
    return problems


def _agreement_terms_problems(where: str, agreement: FundingAgreement) -> list[Problem]:
    """A share or a fixed sum, each within its bounds."""
    if (agreement.share_percent is None) == (agreement.amount is None):
        return [problem(f"{where}.share", "funding.share_or_amount")]
    problems = []
    if agreement.share_percent is not None and not Decimal(0) <= agreement.share_percent <= Decimal(100):
        problems.append(problem(f"{where}.share", "percent.range", value=Number(agreement.share_percent)))
    if agreement.fixed:
        if agreement.amount < 0:  # type: ignore[operator]
            problems.append(problem(f"{where}.amount", "funding.negative_amount"))
        if agreement.cap is not None:
            problems.append(problem(f"{where}.cap", "funding.amount_and_cap"))
        if agreement.residual:
            problems.append(problem(f"{where}.residual", "funding.fixed_residual"))
    if agreement.cap is not None and agreement.cap < 0:
        problems.append(problem(f"{where}.cap", "funding.negative_cap"))
    return problems


def _duplicates(section: str, keys: Iterable[object], message_id: str = "duplicate.code") -> list[Problem]:
    return [
        problem(section, message_id, value=repr(value), count=count)
        for value, count in Counter(keys).items()
        if count > 1
    ]


def parse_expenditure_fields(fields: Mapping[str, str]) -> tuple[ExpenditureDraft | None, list[Problem]]:
    """Read the text of an expenditure form, row or command line into a draft.

    Every field is read even after one fails, so all problems come back together.
    """
    problems: list[Problem] = []
    unknown = sorted(set(fields) - set(EXPENDITURE_FIELDS))
    for name in unknown:
        problems.append(problem(name, "expenditure.unknown_field"))
    text = {name: (fields.get(name) or "").strip() for name in EXPENDITURE_FIELDS}
    for name in REQUIRED_EXPENDITURE_FIELDS:
        if not text[name]:
            problems.append(problem(name, "value.required"))

    def read(name: str, parser: Callable[[str], object]) -> object:
        if not text[name]:
            return None
        try:
            return parser(text[name])
        except UserError as error:
            problems.append(error.placed(name))
            return None

    for name, kind in _TEXT_KINDS.items():
        if (found := text_problem(text[name], kind, name)) is not None:
            problems.append(found)
    document_date = read("date", parse_date)
    payment_date = read("paid", parse_date)
    gross = read("gross", lambda t: parse_amount(t, "gross"))
    vat = read("vat", lambda t: parse_amount(t, "vat"))
    eligible = read("eligible", lambda t: parse_amount(t, "eligible"))
    currency = read("currency", currency_code)
    rate = read("rate", parse_rate)
    project_rate = read("project_rate", parse_rate)
    period = read("period", _parse_period_number)
    units = read("units", _parse_units)
    payers = read("paid_by", parse_payers)
    travel_from = read("travel_from", parse_date)
    travel_to = read("travel_to", parse_date)
    travellers = read("travellers", _parse_travellers)
    if not any(p.where in ("travel_from", "travel_to") for p in problems):
        _check_trip(travel_from, travel_to, problems)  # type: ignore[arg-type]
    if problems:
        return None, problems
    assert isinstance(document_date, date)
    vat_amount = vat if isinstance(vat, Decimal) else ZERO
    if isinstance(gross, Decimal):
        _check_amounts(gross, vat_amount, eligible, problems)  # type: ignore[arg-type]
    if problems:
        return None, problems
    draft = ExpenditureDraft(
        partner=text["partner"],
        budget_line=text["line"],
        document_date=document_date,
        document_no=text["document"],
        supplier=text["supplier"],
        gross=gross,  # type: ignore[arg-type]
        vat=vat_amount,
        eligible=eligible,  # type: ignore[arg-type]
        currency=currency,  # type: ignore[arg-type]
        rate=rate,  # type: ignore[arg-type]
        project_rate=project_rate,  # type: ignore[arg-type]
        period=period,  # type: ignore[arg-type]
        units=units,  # type: ignore[arg-type]
        rate_name=text["rate_name"],
        in_kind=text["in_kind"],
        activity=text["activity"] or None,
        description=text["description"],
        payment_date=payment_date,  # type: ignore[arg-type]
        attachments=tuple(a.strip() for a in text["attachments"].split(";") if a.strip()),
        notes=text["notes"],
        payers=payers or (),  # type: ignore[arg-type]
        accounting_ref=text["accounting_ref"],
        supplier_code=text["supplier_code"],
        person_document=text["person_document"],
        travel_route=text["travel_route"],
        travel_from=travel_from,  # type: ignore[arg-type]
        travel_to=travel_to or travel_from,  # type: ignore[arg-type]  # a one-day trip ends the day it starts
        travellers=travellers or "",  # type: ignore[arg-type]
        procurement_ref=text["procurement_ref"],
    )
    return draft, []


def parse_payers(text: str) -> tuple[Payer, ...]:
    """Named payers as typed: `KM`, or `KM=600, OWN=400`, or `KM=600,50; OWN` (one may be left without
    an amount: it pays what the others leave). Amounts are in the project's currency.

    Payers are separated by ';', or by ',' when a code follows (a ',' before digits is a decimal comma).
    """
    payers = []
    for item in (i.strip() for chunk in text.split(";") for i in re.split(r",(?=\s*[^\d\s])", chunk)):
        if not item:
            continue
        code, sep, amount = item.partition("=")
        if not code.strip() or (sep and not amount.strip()):
            raise UserError(problem("", "payer.not_payer", value=repr(item)))
        payers.append(Payer(code.strip(), parse_amount(amount, "paid_by") if sep else None))
    return tuple(payers)


def format_payers(payers: Iterable[Payer]) -> str:
    """Named payers written the way `parse_payers` reads them."""
    return ", ".join(p.funder if p.amount is None else f"{p.funder}={plain(p.amount)}" for p in payers)


def payer_problems(payers: tuple[Payer, ...], eligible: Decimal, definition: ProjectDefinition) -> list[Problem]:
    """Named payers must be funders of the project, each named once, and pay the eligible amount exactly."""
    problems = []
    known = [f.code for f in definition.funders]
    for payer in payers:
        if payer.funder not in known:
            problems.append(problem("paid_by", "payer.unknown_funder", code=repr(payer.funder),
                                    known=", ".join(known) or Message("none")))
        if payer.amount is not None and payer.amount and (payer.amount > 0) != (eligible > 0):
            problems.append(problem("paid_by", "payer.sign", funder=payer.funder, amount=Amount(payer.amount),
                                    eligible=Amount(eligible)))
    codes = [p.funder for p in payers]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(problem("paid_by", "payer.twice", funder=code))
    rest = [p for p in payers if p.amount is None]
    given = sum((p.amount for p in payers if p.amount is not None), ZERO)
    if len(rest) > 1:
        problems.append(problem("paid_by", "payer.two_without_amount"))
    elif payers and not rest and given != eligible:
        problems.append(problem("paid_by", "payer.sum", given=Amount(given), eligible=Amount(eligible)))
    elif rest and abs(given) > abs(eligible):
        problems.append(problem("paid_by", "payer.sum_over", given=Amount(given), eligible=Amount(eligible)))
    return problems


# The kind of text (and so the longest allowed, `limits.TEXT_LIMITS`) of each free-text expenditure field.
_TEXT_KINDS = {"partner": "code", "line": "code", "activity": "code", "document": "document", "supplier": "supplier",
               "description": "description", "notes": "notes", "attachments": "attachments",
               "accounting_ref": "document", "supplier_code": "document", "rate_name": "name", "in_kind": "description",
               "person_document": "document", "travel_route": "route", "travellers": "travellers",
               "procurement_ref": "document"}


def _parse_period_number(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,3}", text) or int(text) < 1:
        raise UserError(problem("", "period.not_number", value=repr(text)))
    return int(text)


def _parse_units(text: str) -> Decimal:
    units = parse_decimal(text, "units", max_places=4)
    if units < 0:
        raise UserError(problem("", "units.negative", value=repr(text)))
    return check_units(units)


def _parse_travellers(text: str) -> str:
    """The persons on a trip: their names as written, or how many they were (a whole number from 1)."""
    if any(c.isalpha() for c in text):
        return text
    if not re.fullmatch(r"[0-9]{1,7}", text) or not 1 <= int(text) <= MAX_TRAVELLERS:
        raise UserError(problem("", "travellers.not_count", value=repr(text), limit=MAX_TRAVELLERS))
    return str(int(text))


def _check_trip(start: date | None, end: date | None, problems: list[Problem]) -> None:
    """A trip's last day never before its first; a last day alone says no trip (its first day is wanted too)."""
    if end is not None and start is None:
        problems.append(problem("travel_from", "travel.start_required", end=end))
    elif start is not None and end is not None and end < start:
        problems.append(problem("travel_to", "travel.ends_before_start", end=end, start=start))


def _check_amounts(gross: Decimal, vat: Decimal, eligible: Decimal | None, problems: list[Problem]) -> None:
    """Gross, VAT and eligible amount must agree in sign, and neither part may exceed the gross."""
    for name, part in (("vat", vat), ("eligible", eligible)):
        if part is None or part == 0:
            continue
        if (part > 0) != (gross > 0) or abs(part) > abs(gross):
            problems.append(problem(name, "amount.exceeds_gross", part=Amount(part), gross=Amount(gross)))


def complete_expenditure(
    draft: ExpenditureDraft,
    definition: ProjectDefinition,
    rate_for_month: Callable[[str, str], Decimal | None],
) -> tuple[Expenditure | None, list[Problem]]:
    """Check a draft against its project and work out what the project counts.

    `rate_for_month(currency, 'YYYY-MM')` gives a stored rate per euro or None.
    """
    project = definition.project
    partner = definition.partner(draft.partner)
    problems = reference_problems(
        {"partner": draft.partner, "line": draft.budget_line, "activity": draft.activity or ""}, definition)
    if not project.start <= draft.document_date <= project.end:
        problems.append(problem("date", "date.outside_project", date=draft.document_date, start=project.start,
                                end=project.end))

    period = definition.period(draft.period) if draft.period else definition.period_of(draft.document_date)
    if draft.period and period is None:
        problems.append(problem("period", "period.unknown", project=project.code, number=draft.period))
    elif period is None and not problems:
        problems.append(problem("period", "period.none_contains", date=draft.document_date))
    elif period is not None and period.submitted:
        problems.append(problem("period", "period.locked", number=period.number))

    currency = draft.currency or project.currency
    rates, rate_problems = _conversion_rates(draft, currency, project.currency, rate_for_month)
    problems += rate_problems
    flat = definition.rules.flat_rate(draft.budget_line)
    if flat is not None:
        problems.append(problem("line", "expenditure.flat_rate_line", line=flat.line, percent=Number(flat.percent),
                                lines=", ".join(flat.of_lines)))
    unit_cost = definition.rules.unit_cost(draft.budget_line)
    unit_amount, rate_name = None, draft.rate_name
    if unit_cost is not None and partner is not None:
        unit_amount, rate_name = _unit_amount(draft, unit_cost, partner, definition, problems)
    elif unit_cost is None and draft.budget_line and (draft.units is not None or draft.rate_name):
        problems.append(problem("units" if draft.units is not None else "rate_name", "units.not_used",
                                line=draft.budget_line))
    if unit_cost is None:  # a contribution in kind is valued on its basis and needs no document
        problems += [problem(name, "value.required") for name, value in (
            ("document", draft.document_no or draft.in_kind), ("supplier", draft.supplier), ("gross", draft.gross))
            if not value and value != ZERO]
    if draft.in_kind and partner is not None and not any(a.in_kind for a in definition.agreements_for(partner.code)):
        problems.append(problem("in_kind", "in_kind.no_taker", partner=partner.code))
    if problems:
        return None, problems

    gross = draft.gross if draft.gross is not None else draft.eligible if draft.eligible is not None else unit_amount
    eligible = draft.eligible
    if eligible is None and unit_amount is not None:
        eligible = unit_amount
    else:
        full = default_eligible(gross, draft.vat, bool(partner and partner.vat_recoverable))  # type: ignore[arg-type]
        share = definition.rules.cost_share(draft.budget_line)
        most = share.eligible(full) if share is not None else None
        if eligible is None:
            eligible = full if most is None else most
        elif most is not None and share is not None and abs(eligible) > abs(most):  # a credit note is negative
            problems.append(problem("eligible", "cost_share.above", line=share.line, percent=Number(share.percent),
                                    most=Amount(most)))

    def in_project_currency(amount: Decimal) -> Decimal:
        in_euro = amount if rates[0] is None else to_euro(amount, rates[0])
        return in_euro if rates[1] is None else from_euro(in_euro, rates[1])

    converted = in_project_currency(eligible)
    beyond = [found for amount in (eligible, converted)  # units × rate, or a small rate, can make a large amount
              if (found := amount_problem(amount, "eligible")) is not None]
    if beyond:
        return None, beyond[:1]
    problems += payer_problems(draft.payers, converted, definition)
    if draft.payers and draft.in_kind:
        problems.append(problem("paid_by", "in_kind.payers"))
    if problems:
        return None, problems
    vat_in_eligible = in_project_currency(vat_within_eligible(gross, draft.vat, eligible))  # type: ignore[arg-type]
    rate, project_rate = _stored_rates(rates, currency, project.currency)
    return (
        Expenditure(
            partner=draft.partner,
            budget_line=draft.budget_line,
            period=period.number,  # type: ignore[union-attr]
            document_date=draft.document_date,
            document_no=draft.document_no,
            supplier=draft.supplier,
            currency=currency,
            gross=gross,  # type: ignore[arg-type]
            vat=draft.vat,
            eligible=eligible,
            rate=rate,
            project_rate=project_rate,
            eligible_project_currency=converted,
            eligible_vat_project_currency=vat_in_eligible,
            units=draft.units,
            rate_name=rate_name,
            activity=draft.activity,
            description=draft.description,
            payment_date=draft.payment_date,
            attachments=draft.attachments,
            notes=draft.notes,
            payers=draft.payers,
            in_kind=draft.in_kind,
            accounting_ref=draft.accounting_ref,
            supplier_code=draft.supplier_code,
            person_document=draft.person_document,
            travel_route=draft.travel_route,
            travel_from=draft.travel_from,
            travel_to=draft.travel_to,
            travellers=draft.travellers,
            procurement_ref=draft.procurement_ref,
        ),
        [],
    )


def _unit_amount(draft: ExpenditureDraft, unit_cost: UnitCost, partner: Partner, definition: ProjectDefinition,
                 problems: list[Problem]) -> tuple[Decimal | None, str]:
    """Units × the rate of the table that applies to the partner (and names the declared band or category),
    and the band's name as the table spells it (so "manager" is kept as "Manager")."""
    group = definition.rules.country_group(partner.country)
    choice = unit_cost.choose(partner.code, partner.role, group, draft.rate_name)
    said = dict(line=unit_cost.line, partner=partner.code)
    if choice.rate is None:
        where = "units" if choice.problem == "units.no_rate" else "rate_name"
        extra = {"role": partner.role, "group": group or "–"} if choice.problem == "units.no_rate" else \
            {"names": ", ".join(choice.names)} if choice.problem == "units.rate_name_required" else \
            {"name": repr(draft.rate_name), "names": ", ".join(choice.names)} if choice.problem != \
            "units.rate_name_not_used" else {}
        if choice.problem == "units.rate_name_required":
            said.pop("partner")
        problems.append(problem(where, choice.problem, **said, **extra))
    if draft.units is None:
        problems.append(problem("units", "units.required", line=unit_cost.line,
                                unit=(choice.rate.unit if choice.rate else "") or unit_cost.unit))
    if not draft.description:
        problems.append(problem("description", "unit_cost.description"))
    if choice.rate is None or draft.units is None:
        return None, draft.rate_name
    amount = unit_cost.amount(draft.units, choice.rate)
    if draft.gross is not None and draft.gross != amount:
        problems.append(problem("gross", "unit_cost.gross", units=Number(draft.units), rate=Number(choice.rate.rate),
                                amount=Amount(amount)))
    return amount, choice.rate.name


def reference_problems(fields: Mapping[str, str], definition: ProjectDefinition) -> list[Problem]:
    """Codes in the fields that the project does not know (checked even when other fields fail to parse)."""
    problems = []
    code = definition.project.code
    for name, what, known in (
        ("partner", "partner", [p.code for p in definition.partners]),
        ("line", "budget_line", [b.code for b in definition.budget_lines]),
        ("activity", "activity", [a.code for a in definition.activities]),
    ):
        value = (fields.get(name) or "").strip()
        if value and value not in known:
            problems.append(problem(name, f"expenditure.unknown_{what}", code=repr(value), project=code,
                                    known=", ".join(known) or Message("none")))
    return problems


def vat_within_eligible(gross: Decimal, vat: Decimal, eligible: Decimal) -> Decimal:
    """The VAT an eligible amount contains: whatever it has above the net (gross − VAT) amount."""
    net = gross - vat
    if gross >= 0:
        return max(ZERO, min(vat, eligible - net))
    return min(ZERO, max(vat, eligible - net))


def default_eligible(gross: Decimal, vat: Decimal, vat_recoverable: bool) -> Decimal:
    """VAT a partner can recover is not a cost of the project; otherwise the gross counts."""
    return gross - vat if vat_recoverable else gross


def _conversion_rates(
    draft: ExpenditureDraft,
    currency: str,
    project_currency: str,
    rate_for_month: Callable[[str, str], Decimal | None],
) -> tuple[tuple[Decimal | None, Decimal | None], list[Problem]]:
    """The rates that take the document into the project's currency, through the euro: (the document
    currency's per euro, or None for a euro document; the project currency's per euro, or None in a euro
    project). A litas document in a dollar project takes both: litas to euro at the fixed rate, euro to
    dollars at the month's rate.
    """
    if currency == project_currency:
        problems = [problem(name, "rate.not_needed", currency=currency)
                    for name, given in (("rate", draft.rate), ("project_rate", draft.project_rate)) if given]
        return (None, None), problems
    month = draft.document_date.isoformat()[:7]
    problems: list[Problem] = []

    def rate_of(code: str, given: Decimal | None, field: str) -> Decimal | None:
        fixed = FIXED_EURO_RATES.get(code)
        if fixed is not None:
            if given is not None and given != fixed:
                problems.append(problem(field, "rate.fixed", currency=code, fixed=Number(fixed), rate=Number(given)))
            return fixed
        if given is not None:
            return given
        stored = rate_for_month(code, month)
        if stored is None:
            problems.append(problem(field, "rate.missing", currency=code, month=month))
        return stored

    # A one-step conversion takes its rate from `rate` (the rate of the currency that is not the euro).
    if currency == EURO:
        if draft.project_rate is not None:
            problems.append(problem("project_rate", "rate.one_step", currency=project_currency))
        return (None, rate_of(project_currency, draft.rate, "rate")), problems
    document_rate = rate_of(currency, draft.rate, "rate")
    if project_currency == EURO:
        if draft.project_rate is not None:
            problems.append(problem("project_rate", "rate.one_step", currency=currency))
        return (document_rate, None), problems
    return (document_rate, rate_of(project_currency, draft.project_rate, "project_rate")), problems


def _stored_rates(rates: tuple[Decimal | None, Decimal | None], currency: str,
                  project_currency: str) -> tuple[Decimal | None, Decimal | None]:
    """The rates as an expenditure keeps them: `rate` for a one-step conversion (whichever side is not the
    euro), and `project_rate` as well for a document in a third currency."""
    document_rate, project_rate = rates
    if currency == EURO:
        return project_rate, None
    return document_rate, project_rate if project_currency != EURO else None
