"""Validators: plain functions that return every problem they find.

Nothing here raises on bad data; callers collect the problems and refuse the
whole input at once, so a user sees every mistake in one go.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import Callable, Iterable, Mapping

from reporter.domain.currency import EURO, FIXED_EURO_RATES, convert, currency_code, parse_rate
from reporter.domain.errors import Problem, UserError
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
        problems.append(Problem("project.code", "a project code is required"))
    if not project.title.strip():
        problems.append(Problem("project.title", "a title is required"))
    if project.end < project.start:
        problems.append(
            Problem("project.end", f"the project ends ({project.end}) before it starts ({project.start})")
        )
    problems += _duplicates("partners", [p.code for p in definition.partners])
    problems += _duplicates("funders", [f.code for f in definition.funders])
    problems += _duplicates("budget_lines", [b.code for b in definition.budget_lines])
    problems += _duplicates("activities", [a.code for a in definition.activities])
    problems += _duplicates("periods", [p.number for p in definition.periods], key="number")

    partners = {p.code for p in definition.partners}
    funders = {f.code for f in definition.funders}
    lines = {b.code for b in definition.budget_lines}
    activities = {a.code for a in definition.activities}

    for i, partner in enumerate(definition.partners, 1):
        where = f"partners[{i}]"
        if partner.role not in ROLES:
            problems.append(Problem(f"{where}.role", f"{partner.role!r} is not one of {', '.join(ROLES)}"))
        if not partner.name.strip():
            problems.append(Problem(f"{where}.name", "a name is required"))
    leads = [p.code for p in definition.partners if p.role == "lead"]
    if len(leads) > 1:
        problems.append(Problem("partners", f"only one lead partner is possible, found {', '.join(leads)}"))

    for i, funder in enumerate(definition.funders, 1):
        if funder.kind not in FUNDER_KINDS:
            problems.append(
                Problem(f"funders[{i}].kind", f"{funder.kind!r} is not one of {', '.join(FUNDER_KINDS)}")
            )

    residuals: Counter[tuple[str | None, str | None]] = Counter()
    for i, agreement in enumerate(definition.funding, 1):
        where = f"funding[{i}]"
        if agreement.funder not in funders:
            problems.append(Problem(f"{where}.funder", f"unknown funder {agreement.funder!r}"))
        if agreement.partner is not None and agreement.partner not in partners:
            problems.append(Problem(f"{where}.partner", f"unknown partner {agreement.partner!r}"))
        if agreement.rule not in SHARE_RULES:
            problems.append(Problem(f"{where}.rule", f"{agreement.rule!r} is not one of {', '.join(SHARE_RULES)}"))
        if agreement.rounding not in ROUNDINGS:
            problems.append(
                Problem(f"{where}.rounding", f"{agreement.rounding!r} is not one of {', '.join(ROUNDINGS)}")
            )
        if not Decimal(0) <= agreement.share_percent <= Decimal(100):
            problems.append(Problem(f"{where}.share", f"{agreement.share_percent} % is not between 0 and 100"))
        if agreement.cap is not None and agreement.cap < 0:
            problems.append(Problem(f"{where}.cap", "a cap cannot be negative"))
        for line in agreement.budget_lines:
            if line not in lines:
                problems.append(Problem(f"{where}.budget_lines", f"unknown budget line {line!r}"))
        if agreement.part_of is not None:
            parent = next((a for a in definition.funding
                           if a.funder == agreement.part_of and a.partner in (agreement.partner, None)), None)
            if parent is None or parent.part_of is not None or agreement.part_of == agreement.funder:
                problems.append(Problem(f"{where}.part_of", f"{agreement.part_of!r} is not a top-level funder of "
                                                            "the same agreement scope"))
        if agreement.eligible_from and agreement.eligible_to and agreement.eligible_to < agreement.eligible_from:
            problems.append(Problem(f"{where}.eligible_to", "the eligible period ends before it starts"))
        if agreement.residual:
            residuals[(agreement.partner, agreement.part_of)] += 1
    for (partner_code, parent), count in residuals.items():
        if count > 1:
            scope = f"partner {partner_code}" if partner_code else "the project"
            within = f" within {parent}" if parent else ""
            problems.append(Problem("funding", f"{scope} has {count} residual sources{within}; "
                                               "at most one takes the remainder"))
    problems += _duplicates(
        "funding", [f"{a.partner or '*'}/{a.funder}" for a in definition.funding], key="partner/funder"
    )

    for i, amount in enumerate(definition.budget, 1):
        where = f"budget[{i}]"
        if amount.partner not in partners:
            problems.append(Problem(f"{where}.partner", f"unknown partner {amount.partner!r}"))
        if amount.line not in lines:
            problems.append(Problem(f"{where}.line", f"unknown budget line {amount.line!r}"))
        if amount.activity is not None and amount.activity not in activities:
            problems.append(Problem(f"{where}.activity", f"unknown activity {amount.activity!r}"))
        if amount.year is not None and not project.start.year <= amount.year <= project.end.year:
            problems.append(Problem(f"{where}.year", f"{amount.year} is outside the project's years"))
    problems += _duplicates(
        "budget",
        [f"{b.partner}/{b.line}/{b.year or '-'}/{b.activity or '-'}" for b in definition.budget],
        key="partner/line/year/activity",
    )

    ordered = sorted(definition.periods, key=lambda p: p.start)
    for i, period in enumerate(definition.periods, 1):
        where = f"periods[{i}]"
        if period.number < 1:
            problems.append(Problem(f"{where}.number", "period numbers start at 1"))
        if period.end < period.start:
            problems.append(Problem(f"{where}.end", f"the period ends ({period.end}) before it starts ({period.start})"))
        if period.start < project.start or period.end > project.end:
            problems.append(
                Problem(where, f"period {period.number} ({period.start} – {period.end}) is outside the project "
                               f"({project.start} – {project.end})")
            )
    for earlier, later in zip(ordered, ordered[1:]):
        if later.start <= earlier.end:
            problems.append(Problem("periods", f"periods {earlier.number} and {later.number} overlap"))

    problems += rule_problems(definition.rules, lines)
    budgeted = {b.line for b in definition.budget}
    for first, second in flat_rate_conflicts(definition.rules, budgeted):
        problems.append(Problem("flat_rates", f"the flat rates {first.line} and {second.line} exclude each other; "
                                              "budget only one of them"))

    for i, activity in enumerate(definition.activities, 1):
        for j, planned in enumerate(activity.plan, 1):
            where = f"activities[{i}].plan[{j}]"
            if planned.funder is not None and planned.funder not in funders:
                problems.append(Problem(f"{where}.funder", f"unknown funder {planned.funder!r}"))
            if not project.start.year <= planned.year <= project.end.year:
                problems.append(Problem(f"{where}.year", f"{planned.year} is outside the project's years"))
    return problems


def _duplicates(section: str, keys: Iterable[object], key: str = "code") -> list[Problem]:
    return [
        Problem(section, f"{key} {value!r} appears {count} times")
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
        problems.append(Problem(name, "is not an expenditure field"))
    text = {name: (fields.get(name) or "").strip() for name in EXPENDITURE_FIELDS}
    for name in REQUIRED_EXPENDITURE_FIELDS:
        if not text[name]:
            problems.append(Problem(name, "is required"))

    def read(name: str, parser: Callable[[str], object]) -> object:
        if not text[name]:
            return None
        try:
            return parser(text[name])
        except (UserError, ValueError) as error:
            message = str(error)
            prefix = f"{name}: "
            problems.append(Problem(name, message.removeprefix(prefix)))
            return None

    document_date = read("date", _parse_date)
    payment_date = read("paid", _parse_date)
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


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _parse_period_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{text!r} is not a period number (1, 2, 3…)")
    return int(text)


def _parse_units(text: str) -> Decimal:
    units = parse_decimal(text, "units", max_places=4)
    if units < 0:
        raise ValueError(f"{text!r}: units cannot be negative")
    return units


def _check_amounts(gross: Decimal, vat: Decimal, eligible: Decimal | None, problems: list[Problem]) -> None:
    """Gross, VAT and eligible amount must agree in sign, and neither part may exceed the gross."""
    for name, part in (("vat", vat), ("eligible", eligible)):
        if part is None or part == 0:
            continue
        if (part > 0) != (gross > 0) or abs(part) > abs(gross):
            problems.append(Problem(name, f"{part} must have the sign of the gross amount {gross} and not exceed it"))


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
        problems.append(
            Problem("date", f"{draft.document_date} is outside the project ({project.start} – {project.end})")
        )

    period = definition.period(draft.period) if draft.period else definition.period_of(draft.document_date)
    if draft.period and period is None:
        problems.append(Problem("period", f"{project.code} has no reporting period {draft.period}"))
    elif period is None and not problems:
        problems.append(Problem("period", f"no reporting period contains {draft.document_date}; give the period"))
    elif period is not None and period.submitted:
        problems.append(
            Problem("period", f"period {period.number} is submitted and locked; enter a correction in an open period")
        )

    currency = draft.currency or project.currency
    rate, rate_problem = _conversion_rate(draft, currency, project.currency, rate_for_month)
    if rate_problem:
        problems.append(rate_problem)
    flat = definition.rules.flat_rate(draft.budget_line)
    if flat is not None:
        problems.append(Problem("line", f"{flat.line} is a flat rate ({flat.percent} % of {', '.join(flat.of_lines)}) "
                                        "that the program computes; it is never entered by hand"))
    unit_cost = definition.rules.unit_cost(draft.budget_line)
    if unit_cost is not None and draft.units is None:
        problems.append(Problem("units", f"{unit_cost.line} is paid per {unit_cost.unit} ({unit_cost.rate} each): "
                                         "give the number of units"))
    elif unit_cost is None and draft.units is not None:
        problems.append(Problem("units", f"{draft.budget_line} is not a unit-cost line; units are not used"))
    if problems:
        return None, problems

    eligible = draft.eligible
    if eligible is None and unit_cost is not None:
        eligible = unit_cost.amount(draft.units)  # type: ignore[arg-type]
    elif eligible is None:
        eligible = default_eligible(draft.gross, draft.vat, bool(partner and partner.vat_recoverable))

    def in_project_currency(amount: Decimal) -> Decimal:
        return convert(amount, currency, project.currency, lambda _code: rate)  # type: ignore[arg-type,return-value]

    converted = in_project_currency(eligible)
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
        ("line", "budget line", [b.code for b in definition.budget_lines]),
        ("activity", "activity", [a.code for a in definition.activities]),
    ):
        value = (fields.get(name) or "").strip()
        if value and value not in known:
            problems.append(Problem(name, f"unknown {what} {value!r} in {code} (known: {', '.join(known) or 'none'})"))
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
            return None, Problem("rate", f"the document is in {currency}, the project's own currency: no rate is needed")
        return None, None
    if EURO not in (currency, project_currency):
        return None, Problem(
            "currency",
            f"a {currency} document in a {project_currency} project needs two conversions; "
            f"enter it in EUR or {project_currency}",
        )
    foreign = currency if currency != EURO else project_currency
    fixed = FIXED_EURO_RATES.get(foreign)
    if fixed is not None:
        if draft.rate is not None and draft.rate != fixed:
            return None, Problem("rate", f"{foreign} converts at the fixed euro rate {fixed}, not {draft.rate}")
        return fixed, None
    if draft.rate is not None:
        return draft.rate, None
    month = draft.document_date.isoformat()[:7]
    stored = rate_for_month(foreign, month)
    if stored is None:
        return None, Problem("rate", f"no {foreign} rate for {month}: give the rate or store the month's rate")
    return stored, None
