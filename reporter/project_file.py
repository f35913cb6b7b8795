"""The project definition file (TOML): read it into a `ProjectDefinition`, write one back.

A coordinator sets a project up once and hands the file to accountants. A file
with mistakes is refused as a whole, with every problem named by its key
(`funding[2].share`) or, for a syntax error, its line and column.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

import tomli_w

from reporter.domain.currency import currency_code
from reporter.domain.errors import Problem, UserError, ValidationError, problem
from reporter.domain.limits import FIRST_DAY, LAST_DAY, MAX_PERIOD, check_date, check_integer, parse_date
from reporter.domain.messages import Param
from reporter.domain.model import (
    Activity,
    BudgetAmount,
    BudgetLine,
    Funder,
    FundingAgreement,
    Partner,
    PlannedAmount,
    Project,
    ProjectDefinition,
    ReportingPeriod,
)
from reporter.domain.money import parse_amount, parse_percent, plain, tidy_percent
from reporter.domain.rules import ContractRules, rules_from_mapping, rules_to_mapping
from reporter.toml_input import non_decimal_numbers, shown as _shown
from reporter.domain.validation import validate_definition

TemplateDefaults = Callable[[str], tuple[tuple[BudgetLine, ...], ContractRules]]
"""Gives a template's budget lines and rules by its id."""

_SECTIONS = {"project", "partners", "funders", "funding", "budget_lines", "budget", "periods", "activities",
             "rules", "flat_rates", "unit_costs"}


class _Section:
    """Reads the keys of one table, recording a problem for each bad or unknown key."""

    def __init__(self, data: Any, where: str, problems: list[Problem], allowed: set[str]) -> None:
        self.where = where
        self.problems = problems
        if not isinstance(data, dict):
            problems.append(problem(where, "file.not_table"))
            data = {}
        self.data = data
        for key in sorted(set(data) - allowed):
            problems.append(problem(f"{where}.{key}", "file.unknown_key", keys=", ".join(sorted(allowed))))

    def _fail(self, key: str, message_id: str, **params: Param) -> None:
        self.problems.append(problem(f"{self.where}.{key}", message_id, **params))

    def refused(self, key: str, error: UserError) -> None:
        """A value a parser refused: its problem, placed at this key."""
        self.problems.append(error.placed(f"{self.where}.{key}"))

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            self._fail(key, "value.required")
            return ""
        if not isinstance(value, str):
            self._fail(key, "file.not_text", value=_shown(value))
            return ""
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) or None if key in self.data else None

    def optional_day(self, key: str) -> date | None:
        return self.day(key) if key in self.data else None

    def day(self, key: str) -> date:
        """A TOML date (2024-03-05) or the same in quotes; never a date with a time, never before 1990 or after 2100."""
        value = self.data.get(key)
        try:
            if isinstance(value, date) and not isinstance(value, datetime):
                return check_date(value)
            if isinstance(value, str):
                return parse_date(value)
        except UserError as error:
            self.refused(key, error)
            return date.min
        if value is None:
            self._fail(key, "file.date_required")
        else:
            self._fail(key, "file.not_date", value=_shown(value))
        return date.min

    def amount(self, key: str, required: bool = True) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self._fail(key, "value.required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self._fail(key, "file.not_amount", value=_shown(value))
            return None
        try:
            return parse_amount(value, key)
        except UserError as error:
            self.refused(key, error)
            return None

    def percent(self, key: str) -> Decimal:
        value = self.data.get(key)
        if value is None:
            self._fail(key, "percent.required")
            return Decimal(0)
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self._fail(key, "file.not_number", value=_shown(value))
            return Decimal(0)
        try:
            return parse_percent(value, key)
        except UserError as error:
            self.refused(key, error)
            return Decimal(0)

    def integer(self, key: str, low: int, high: int, required: bool = True) -> int | None:
        """A whole number from `low` to `high` (a period number, a year), or the same in quotes."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._fail(key, "value.required")
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,9}\s*", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            self._fail(key, "file.not_integer", value=_shown(value))
            return None
        try:
            return check_integer(value, low, high)
        except UserError as error:
            self.refused(key, error)
            return None

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self._fail(key, "file.not_flag", value=_shown(value))
            return False
        return value

    def codes(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._fail(key, "file.not_codes")
            return ()
        return tuple(v.strip() for v in value)

    def tables(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self._fail(key, "file.not_tables")
            return []
        return value


def parse_project_file(text: str, template_defaults: TemplateDefaults) -> ProjectDefinition:
    """Read a project file; raise `ValidationError` listing every problem if it is not valid."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise ValidationError([problem("", "file.not_toml", detail=str(error))], problem("", "file.unreadable")) from None
    except RecursionError:  # arrays or tables nested hundreds deep
        raise ValidationError([problem("", "file.too_deep")], problem("", "file.unreadable")) from None
    numbers = [problem(f"line {line}", "file.not_decimal", value=value) for line, value in non_decimal_numbers(text)]
    if numbers:
        raise ValidationError(numbers, problem("", "file.problems", count=len(numbers)))
    return parse_project_data(data, template_defaults)


def parse_project_data(data: dict[str, Any], template_defaults: TemplateDefaults) -> ProjectDefinition:
    """A definition from a project file's tables, or from the setup forms (which give the same tables as text).

    Without `budget_lines` the project takes the budget lines of its template;
    `rules` keys override the template's rules one by one, and `flat_rates`
    or `unit_costs` replace the template's lists.
    """
    problems: list[Problem] = []
    root = _Section(data, "file", problems, _SECTIONS)
    head = _Section(data.get("project"), "project", problems,
                    {"code", "title", "start", "end", "currency", "template", "contract_number"})
    currency = head.text("currency", "EUR")
    try:
        currency = currency_code(currency, "project.currency") if currency else "EUR"
    except UserError as error:
        head.refused("currency", error)
    project = Project(
        code=head.text("code"),
        title=head.text("title"),
        start=head.day("start"),
        end=head.day("end"),
        currency=currency,
        template=head.text("template", "generic"),
        contract_number=head.text("contract_number", ""),
    )

    partners = []
    for i, item in enumerate(root.tables("partners"), 1):
        s = _Section(item, f"partners[{i}]", problems, {"code", "name", "country", "role", "vat_recoverable"})
        partners.append(Partner(s.text("code"), s.text("name"), s.text("country", ""), s.text("role", "partner"),
                                s.flag("vat_recoverable")))
    funders = []
    for i, item in enumerate(root.tables("funders"), 1):
        s = _Section(item, f"funders[{i}]", problems, {"code", "name", "kind"})
        funders.append(Funder(s.text("code"), s.text("name"), s.text("kind", "other")))
    funding = []
    for i, item in enumerate(root.tables("funding"), 1):
        s = _Section(item, f"funding[{i}]", problems, {"partner", "funder", "share", "rule", "rounding", "residual",
                                                         "cap", "budget_lines", "contract_number", "eligible_from",
                                                         "eligible_to", "vat_eligible", "part_of", "prefinancing"})
        funding.append(FundingAgreement(
            funder=s.text("funder"), share_percent=s.percent("share"), partner=s.optional_text("partner"),
            rule=s.text("rule", "exact"), rounding=s.text("rounding", "half-up"), residual=s.flag("residual"),
            cap=s.amount("cap", required=False), budget_lines=s.codes("budget_lines"),
            contract_number=s.text("contract_number", ""), eligible_from=s.optional_day("eligible_from"),
            eligible_to=s.optional_day("eligible_to"), vat_eligible=s.flag("vat_eligible", True),
            part_of=s.optional_text("part_of"), prefinancing=s.amount("prefinancing", required=False),
        ))
    try:
        template_lines, template_rules = template_defaults(project.template)
    except UserError as error:
        head.refused("template", error)
        template_lines, template_rules = (), ContractRules()
    if "budget_lines" in data:
        lines = []
        for i, item in enumerate(root.tables("budget_lines"), 1):
            s = _Section(item, f"budget_lines[{i}]", problems, {"code", "name"})
            lines.append(BudgetLine(s.text("code"), s.text("name")))
        budget_lines = tuple(lines)
    else:
        budget_lines = template_lines
    rules = rules_from_mapping(data, "", problems, base=template_rules)
    budget = []
    for i, item in enumerate(root.tables("budget"), 1):
        s = _Section(item, f"budget[{i}]", problems, {"partner", "line", "amount", "year", "activity"})
        budget.append(BudgetAmount(s.text("partner"), s.text("line"), s.amount("amount") or Decimal(0),
                                   s.integer("year", FIRST_DAY.year, LAST_DAY.year, required=False),
                                   s.optional_text("activity")))
    periods = []
    for i, item in enumerate(root.tables("periods"), 1):
        s = _Section(item, f"periods[{i}]", problems, {"number", "start", "end"})
        periods.append(ReportingPeriod(s.integer("number", 1, MAX_PERIOD) or 0, s.day("start"), s.day("end")))
    activities = []
    for i, item in enumerate(root.tables("activities"), 1):
        s = _Section(item, f"activities[{i}]", problems, {"code", "title", "planned"})
        plan = []
        for j, planned in enumerate(s.tables("planned"), 1):
            p = _Section(planned, f"activities[{i}].planned[{j}]", problems, {"year", "amount", "funder"})
            plan.append(PlannedAmount(p.integer("year", FIRST_DAY.year, LAST_DAY.year) or 0,
                                      p.amount("amount") or Decimal(0),
                                      p.optional_text("funder")))
        activities.append(Activity(s.text("code"), s.text("title"), tuple(plan)))

    definition = ProjectDefinition(
        project=project, partners=tuple(partners), funders=tuple(funders), funding=tuple(funding),
        budget_lines=budget_lines, budget=tuple(budget), periods=tuple(periods), activities=tuple(activities),
        rules=rules,
    )
    problems += _beyond(problems, validate_definition(definition))
    if problems:
        raise ValidationError(problems, problem("", "file.problems", count=len(problems)))
    return definition


def _beyond(parse_problems: list[Problem], found: list[Problem]) -> list[Problem]:
    """Validation problems not caused by a value that failed to parse (its placeholder would mislead)."""
    failed = [p.where for p in parse_problems]

    def related(where: str) -> bool:
        return any(where.startswith(f) or f.startswith(where) for f in failed)

    return [p for p in found if not related(p.where)]


def definition_to_data(definition: ProjectDefinition) -> dict[str, Any]:
    """A definition as the tables of its project file, in the order the file is written."""
    p = definition.project
    rules = rules_to_mapping(definition.rules)
    return {
        "project": _drop_empty({"code": p.code, "title": p.title, "start": p.start, "end": p.end,
                                "currency": p.currency, "template": p.template, "contract_number": p.contract_number}),
        "partners": [{"code": x.code, "name": x.name, "country": x.country, "role": x.role,
                      "vat_recoverable": x.vat_recoverable} for x in definition.partners],
        "funders": [{"code": f.code, "name": f.name, "kind": f.kind} for f in definition.funders],
        "funding": [_funding_table(a) for a in definition.funding],
        "budget_lines": [{"code": b.code, "name": b.name} for b in definition.budget_lines],
        "budget": [_drop_empty({"partner": b.partner, "line": b.line, "amount": _number(b.amount), "year": b.year,
                                "activity": b.activity}) for b in definition.budget],
        "periods": [{"number": x.number, "start": x.start, "end": x.end} for x in definition.periods],
        "rules": rules["rules"],
        "flat_rates": rules.get("flat_rates", []),
        "unit_costs": rules.get("unit_costs", []),
        "activities": [{"code": a.code, "title": a.title,
                        "planned": [_drop_empty({"year": x.year, "amount": _number(x.amount), "funder": x.funder})
                                    for x in a.plan]} for a in definition.activities],
    }


def render_project_file(definition: ProjectDefinition) -> str:
    """The project file for a definition; reading it back gives the same definition.

    Written section by section (`[project]`, then `[[partners]]`…) in the order
    the README documents; tomli_w formats each value so quoting is always right.
    """
    data = definition_to_data(definition)
    sections: list[tuple[str, dict[str, Any]]] = [("[project]", data["project"])]
    for name in ("partners", "funders", "funding", "budget_lines", "budget", "periods"):
        sections += [(f"[[{name}]]", table) for table in data[name]]
    if data["rules"]:
        sections.append(("[rules]", data["rules"]))
    sections += [("[[flat_rates]]", flat) for flat in data["flat_rates"]]
    sections += [("[[unit_costs]]", unit) for unit in data["unit_costs"]]
    for activity in data["activities"]:
        sections.append(("[[activities]]", {"code": activity["code"], "title": activity["title"]}))
        sections += [("[[activities.planned]]", planned) for planned in activity["planned"]]
    p = definition.project
    lines = [f"# Grant Reporter project file: {p.code}", f"# Amounts are in {p.currency}; dates are YYYY-MM-DD."]
    for header, table in sections:
        lines += ["", header, *(tomli_w.dumps({key: value}).rstrip("\n") for key, value in table.items())]
    return "\n".join(lines) + "\n"


def _funding_table(agreement: FundingAgreement) -> dict[str, Any]:
    table: dict[str, Any] = {}
    if agreement.partner:
        table["partner"] = agreement.partner
    table.update(funder=agreement.funder, share=tidy_percent(agreement.share_percent), rule=agreement.rule,
                 rounding=agreement.rounding, residual=agreement.residual)
    if agreement.cap is not None:
        table["cap"] = _number(agreement.cap)
    if agreement.budget_lines:
        table["budget_lines"] = list(agreement.budget_lines)
    if agreement.contract_number:
        table["contract_number"] = agreement.contract_number
    if agreement.eligible_from:
        table["eligible_from"] = agreement.eligible_from
    if agreement.eligible_to:
        table["eligible_to"] = agreement.eligible_to
    if not agreement.vat_eligible:
        table["vat_eligible"] = False
    if agreement.part_of:
        table["part_of"] = agreement.part_of
    if agreement.prefinancing is not None:
        table["prefinancing"] = _number(agreement.prefinancing)
    return table


def _number(amount: Decimal) -> Decimal:
    """Amounts are written as exact TOML numbers with two decimals (read back as Decimal)."""
    return Decimal(plain(amount))


def _drop_empty(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None and value != ""}
