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

from reporter.domain.currency import EURO, FIXED_EURO_RATES, convert, currency_code, parse_rate
from reporter.domain.errors import Problem, UserError, not_one_of, problem
from reporter.domain.limits import (
    FIRST_DAY,
    LAST_DAY,
    MAX_GRACE_DAYS,
    MAX_PERIOD,
    amount_problem,
    check_units,
    parse_date,
    template_id_problem,
    text_problem,
)
from reporter.domain.messages import Amount, Message, Number
from reporter.domain.model import (
    FUNDER_KINDS,
    ROLES,
    ROUNDINGS,
    SHARE_RULES,
    Expenditure,
    ExpenditureDraft,
    ProjectDefinition,
)
from reporter.domain.money import ZERO, parse_amount, parse_decimal
from reporter.domain.rules import flat_rate_conflicts, rule_problems

# The expenditure fields a form, a command line or an import row may give, as text.
EXPENDITURE_FIELDS = (
    "partner", "line", "date", "document", "supplier", "gross", "vat", "eligible",
    "currency", "rate", "period", "units", "activity", "description", "paid", "attachments", "notes",
)
REQUIRED_EXPENDITURE_FIELDS = ("partner", "line", "date", "document", "supplier", "gross")


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
        if partner.role not in ROLES:
            problems.append(not_one_of(f"{where}.role", partner.role, ROLES))
        if not partner.name.strip():
            problems.append(problem(f"{where}.name", "partner.name_required"))
    leads = [p.code for p in definition.partners if p.role == "lead"]
    if len(leads) > 1:
        problems.append(problem("partners", "partner.one_lead", leads=", ".join(leads)))

    for i, funder in enumerate(definition.funders, 1):
        if funder.kind not in FUNDER_KINDS:
            problems.append(not_one_of(f"funders[{i}].kind", funder.kind, FUNDER_KINDS))

    residuals: Counter[tuple[str | None, str | None]] = Counter()
    for i, agreement in enumerate(definition.funding, 1):
        where = f"funding[{i}]"
        if agreement.funder not in funders:
            problems.append(problem(f"{where}.funder", "reference.unknown_funder", code=repr(agreement.funder)))
        if agreement.partner is not None and agreement.partner not in partners:
            problems.append(problem(f"{where}.partner", "reference.unknown_partner", code=repr(agreement.partner)))
        if agreement.rule not in SHARE_RULES:
            problems.append(not_one_of(f"{where}.rule", agreement.rule, SHARE_RULES))
        if agreement.rounding not in ROUNDINGS:
            problems.append(not_one_of(f"{where}.rounding", agreement.rounding, ROUNDINGS))
        if not Decimal(0) <= agreement.share_percent <= Decimal(100):
            problems.append(problem(f"{where}.share", "percent.range", value=Number(agreement.share_percent)))
        if agreement.cap is not None and agreement.cap < 0:
            problems.append(problem(f"{where}.cap", "funding.negative_cap"))
        for line in agreement.budget_lines:
            if line not in lines:
                problems.append(problem(f"{where}.budget_lines", "reference.unknown_budget_line", code=repr(line)))
        if agreement.part_of is not None:
            parent = next((a for a in definition.funding
                           if a.funder == agreement.part_of and a.partner in (agreement.partner, None)), None)
            if parent is None or parent.part_of is not None or agreement.part_of == agreement.funder:
                problems.append(problem(f"{where}.part_of", "funding.part_of", funder=repr(agreement.part_of)))
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
    budgeted = {b.line for b in definition.budget}
    for first, second in flat_rate_conflicts(definition.rules, budgeted):
        problems.append(problem("flat_rates", "flat_rate.exclusive", first=first.line, second=second.line))

    for i, activity in enumerate(definition.activities, 1):
        for j, planned in enumerate(activity.plan, 1):
            where = f"activities[{i}].plan[{j}]"
            if planned.funder is not None and planned.funder not in funders:
                problems.append(problem(f"{where}.funder", "reference.unknown_funder", code=repr(planned.funder)))
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
        if (found := text_problem(value, kind, where)) is not None:
            problems.append(found)

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
        amount(unit.rate, f"unit_costs[{i}].rate")
        text(unit.unit, "unit", f"unit_costs[{i}].unit")
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
    period = read("period", _parse_period_number)
    units = read("units", _parse_units)
    if problems:
        return None, problems
    assert isinstance(document_date, date) and isinstance(gross, Decimal)
    vat_amount = vat if isinstance(vat, Decimal) else ZERO
    _check_amounts(gross, vat_amount, eligible, problems)  # type: ignore[arg-type]
    if problems:
        return None, problems
    draft = ExpenditureDraft(
        partner=text["partner"],
        budget_line=text["line"],
        document_date=document_date,
        document_no=text["document"],
        supplier=text["supplier"],
        gross=gross,
        vat=vat_amount,
        eligible=eligible,  # type: ignore[arg-type]
        currency=currency,  # type: ignore[arg-type]
        rate=rate,  # type: ignore[arg-type]
        period=period,  # type: ignore[arg-type]
        units=units,  # type: ignore[arg-type]
        activity=text["activity"] or None,
        description=text["description"],
        payment_date=payment_date,  # type: ignore[arg-type]
        attachments=tuple(a.strip() for a in text["attachments"].split(";") if a.strip()),
        notes=text["notes"],
    )
    return draft, []


# The kind of text (and so the longest allowed, `limits.TEXT_LIMITS`) of each free-text expenditure field.
_TEXT_KINDS = {"partner": "code", "line": "code", "activity": "code", "document": "document", "supplier": "supplier",
               "description": "description", "notes": "notes", "attachments": "attachments"}


def _parse_period_number(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,3}", text) or int(text) < 1:
        raise UserError(problem("", "period.not_number", value=repr(text)))
    return int(text)


def _parse_units(text: str) -> Decimal:
    units = parse_decimal(text, "units", max_places=4)
    if units < 0:
        raise UserError(problem("", "units.negative", value=repr(text)))
    return check_units(units)


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
    rate, rate_problem = _conversion_rate(draft, currency, project.currency, rate_for_month)
    if rate_problem:
        problems.append(rate_problem)
    flat = definition.rules.flat_rate(draft.budget_line)
    if flat is not None:
        problems.append(problem("line", "expenditure.flat_rate_line", line=flat.line, percent=Number(flat.percent),
                                lines=", ".join(flat.of_lines)))
    unit_cost = definition.rules.unit_cost(draft.budget_line)
    if unit_cost is not None and draft.units is None:
        problems.append(problem("units", "units.required", line=unit_cost.line, unit=unit_cost.unit,
                                rate=Number(unit_cost.rate)))
    elif unit_cost is None and draft.units is not None:
        problems.append(problem("units", "units.not_used", line=draft.budget_line))
    if problems:
        return None, problems

    eligible = draft.eligible
    if eligible is None and unit_cost is not None:
        eligible = unit_cost.amount(draft.units)  # type: ignore[arg-type]
        _check_amounts(draft.gross, draft.vat, eligible, problems)  # the gross is the document's: at least units × rate
        if problems:
            return None, problems
    elif eligible is None:
        eligible = default_eligible(draft.gross, draft.vat, bool(partner and partner.vat_recoverable))

    def in_project_currency(amount: Decimal) -> Decimal:
        return convert(amount, currency, project.currency, lambda _code: rate)  # type: ignore[arg-type,return-value]

    converted = in_project_currency(eligible)
    beyond = [found for amount in (eligible, converted)  # units × rate, or a small rate, can make a large amount
              if (found := amount_problem(amount, "eligible")) is not None]
    if beyond:
        return None, beyond[:1]
    vat_in_eligible = in_project_currency(vat_within_eligible(draft.gross, draft.vat, eligible))
    return (
        Expenditure(
            partner=draft.partner,
            budget_line=draft.budget_line,
            period=period.number,  # type: ignore[union-attr]
            document_date=draft.document_date,
            document_no=draft.document_no,
            supplier=draft.supplier,
            currency=currency,
            gross=draft.gross,
            vat=draft.vat,
            eligible=eligible,
            rate=rate,
            eligible_project_currency=converted,
            eligible_vat_project_currency=vat_in_eligible,
            units=draft.units,
            activity=draft.activity,
            description=draft.description,
            payment_date=draft.payment_date,
            attachments=draft.attachments,
            notes=draft.notes,
        ),
        [],
    )


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


def _conversion_rate(
    draft: ExpenditureDraft,
    currency: str,
    project_currency: str,
    rate_for_month: Callable[[str, str], Decimal | None],
) -> tuple[Decimal | None, Problem | None]:
    """The one rate per euro that converts this document into the project's currency.

    A euro document in a non-euro project uses the project currency's rate; a
    document in a third currency would need two rates and is refused.
    """
    if currency == project_currency:
        if draft.rate is not None:
            return None, problem("rate", "rate.not_needed", currency=currency)
        return None, None
    if EURO not in (currency, project_currency):
        return None, problem("currency", "currency.two_conversions", currency=currency,
                             project_currency=project_currency)
    foreign = currency if currency != EURO else project_currency
    fixed = FIXED_EURO_RATES.get(foreign)
    if fixed is not None:
        if draft.rate is not None and draft.rate != fixed:
            return None, problem("rate", "rate.fixed", currency=foreign, fixed=Number(fixed), rate=Number(draft.rate))
        return fixed, None
    if draft.rate is not None:
        return draft.rate, None
    month = draft.document_date.isoformat()[:7]
    stored = rate_for_month(foreign, month)
    if stored is None:
        return None, problem("rate", "rate.missing", currency=foreign, month=month)
    return stored, None
