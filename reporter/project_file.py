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
from dataclasses import replace
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
    SubGrant,
)
from reporter.domain.money import parse_amount, parse_percent, plain, tidy_percent
from reporter.domain.records import (
    AMOUNT,
    CHOICE,
    CODE,
    CODES,
    CURRENCY,
    DAY,
    FLAG,
    INTEGER,
    LABEL,
    PERCENT,
    TEXT,
    FieldSpec,
    Label,
    record_fields,
)
from reporter.domain.rules import ContractRules, rules_from_mapping, rules_to_mapping
from reporter.toml_input import non_decimal_numbers, shown as _shown
from reporter.domain.validation import validate_definition

LANGUAGES = ("en", "lt", "lv")

TemplateDefaults = Callable[[str], tuple[tuple[BudgetLine, ...], ContractRules]]
"""Gives a template's budget lines and rules by its id."""

# The bounds of each whole-number key a project file has.
_INTEGER_BOUNDS = {"number": (1, MAX_PERIOD), "year": (FIRST_DAY.year, LAST_DAY.year)}

_SECTIONS = {"project", "partners", "funders", "funding", "budget_lines", "budget", "periods", "activities",
             "rules", "flat_rates", "unit_costs", "country_groups", "line_caps", "cost_shares", "instalments",
             "sub_grants"}


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

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            self._fail(key, "value.required")
            return ""
        if not isinstance(value, str):
            self._fail(key, "file.not_text", value=_shown(value))
            return ""
        return value.strip()

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

    def amount(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
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

    def integer(self, key: str) -> int | None:
        """A whole number within its key's bounds (a period number, a year), or the same in quotes."""
        low, high = _INTEGER_BOUNDS[key]
        value = self.data.get(key)
        if value is None:
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

    def label(self, key: str) -> Label:
        """Text, or the words per language: `name = { en = "Staff costs", lt = "Personalo išlaidos" }`."""
        value = self.data.get(key)
        if isinstance(value, dict):
            if not value or not all(lang in LANGUAGES and isinstance(text, str) and text.strip()
                                    for lang, text in value.items()):
                self._fail(key, "file.not_label", languages=", ".join(LANGUAGES))
                return Label("")
            return Label.of({lang: text.strip() for lang, text in value.items()})
        return Label(self.text(key))

    def codes(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._fail(key, "file.not_codes")
            return ()
        return tuple(v.strip() for v in value)

    def value(self, f: FieldSpec) -> Any:
        """The value of a declared field: None when an optional one is left out (or a required one is bad)."""
        if not f.required and f.key not in self.data:
            return f.default
        if f.kind in (TEXT, CHOICE, CODE):
            text = self.text(f.key)
            return text or None if f.kind == CODE and not f.required else text
        if f.kind == LABEL:
            return self.label(f.key)
        if f.kind == CURRENCY:
            try:
                return currency_code(self.text(f.key), f.key) if self.data.get(f.key) else f.default
            except UserError as error:
                self.refused(f.key, error)
                return None
        if f.kind == CODES:
            return self.codes(f.key)
        if f.kind == PERCENT:
            return self.percent(f.key)
        if f.kind == AMOUNT:
            return self.amount(f.key)
        if f.kind == DAY:
            return self.day(f.key)
        if f.kind == FLAG:
            return self.flag(f.key, f.default)
        return self.integer(f.key)

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
    project = _record(_Section(data.get("project"), "project", problems, _keys(Project)), Project)
    try:
        template_lines, template_rules = template_defaults(project.template)
    except UserError as error:
        problems.append(error.placed("project.template"))
        template_lines, template_rules = (), ContractRules()

    def records(section: str, record_type: type, extra: set[str] = set()) -> list[tuple[_Section, Any]]:
        found = []
        for i, item in enumerate(root.tables(section), 1):
            s = _Section(item, f"{section}[{i}]", problems, _keys(record_type) | extra)
            found.append((s, _record(s, record_type)))
        return found

    activities = []
    for s, activity in records("activities", Activity, {"planned"}):
        plan = tuple(_record(_Section(planned, f"{s.where}.planned[{j}]", problems, _keys(PlannedAmount)),
                             PlannedAmount) for j, planned in enumerate(s.tables("planned"), 1))
        activities.append(replace(activity, plan=plan))
    definition = ProjectDefinition(
        project=project,
        partners=tuple(r for _, r in records("partners", Partner)),
        funders=tuple(r for _, r in records("funders", Funder)),
        funding=tuple(r for _, r in records("funding", FundingAgreement)),
        budget_lines=tuple(r for _, r in records("budget_lines", BudgetLine)) if "budget_lines" in data
        else template_lines,
        budget=tuple(r for _, r in records("budget", BudgetAmount)),
        periods=tuple(r for _, r in records("periods", ReportingPeriod)),
        activities=tuple(activities),
        rules=rules_from_mapping(data, "", problems, base=template_rules),
        sub_grants=tuple(r for _, r in records("sub_grants", SubGrant)),
    )
    problems += _beyond(problems, validate_definition(definition))
    if problems:
        raise ValidationError(problems, problem("", "file.problems", count=len(problems)))
    return definition


def _keys(record_type: type) -> set[str]:
    return {f.key for f in record_fields(record_type)}


# Values that stand in for a required value that could not be read: the file is refused anyway,
# and validation must not trip over a missing value before every problem has been listed.
_PLACEHOLDERS = {TEXT: "", LABEL: Label(""), CHOICE: "", CODE: "", CURRENCY: "EUR", PERCENT: Decimal(0), AMOUNT: Decimal(0),
                 DAY: date.min, INTEGER: 0, FLAG: False, CODES: ()}


def _record(section: _Section, record_type: type) -> Any:
    """A record read from one table of the file, field by field as the record declares them."""
    values = {}
    for f in record_fields(record_type):
        value = section.value(f)
        values[f.name] = _PLACEHOLDERS[f.kind] if value is None and f.required else value
    return record_type(**values)


def _beyond(parse_problems: list[Problem], found: list[Problem]) -> list[Problem]:
    """Validation problems not caused by a value that failed to parse (its placeholder would mislead)."""
    failed = [p.where for p in parse_problems]

    def related(where: str) -> bool:
        return any(where.startswith(f) or f.startswith(where) for f in failed)

    return [p for p in found if not related(p.where)]


RULE_TABLES = ("flat_rates", "unit_costs", "line_caps", "cost_shares", "instalments")


def definition_to_data(definition: ProjectDefinition, template_rules: ContractRules | None = None) -> dict[str, Any]:
    """A definition as the tables of its project file, in the order the file is written.

    The contract terms are those that differ from the template's (`template_rules`): what is left out
    is the template's when the file is read again.
    """
    rules = rules_to_mapping(definition.rules, template_rules)
    return {
        "project": _table(definition.project),
        "partners": [_table(x) for x in definition.partners],
        "funders": [_table(x) for x in definition.funders],
        "funding": [_table(x) for x in definition.funding],
        "budget_lines": [_table(x) for x in definition.budget_lines],
        "budget": [_table(x) for x in definition.budget],
        "periods": [_table(x) for x in definition.periods],
        **{key: value for key, value in rules.items()},
        "activities": [{**_table(a), "planned": [_table(x) for x in a.plan]} for a in definition.activities],
        "sub_grants": [_table(x) for x in definition.sub_grants],
    }


def _toml_line(key: str, value: Any) -> str:
    """One `key = value` line; a table (a label's words per language) inline, as people write it."""
    if isinstance(value, dict):
        return f"{key} = {{ " + ", ".join(tomli_w.dumps({k: v}).strip() for k, v in value.items()) + " }"
    return tomli_w.dumps({key: value}).rstrip("\n")


def _table(record: Any) -> dict[str, Any]:
    """A record as a table of its file: required keys always, the others when they differ from the default."""
    table: dict[str, Any] = {}
    for f in record_fields(type(record)):
        value = getattr(record, f.name)
        if f.required or value != f.default:
            table[f.key] = _file_value(f.kind, value)
    return table


def _file_value(kind: str, value: Any) -> Any:
    if kind == LABEL and getattr(value, "translations", ()):
        return dict(value.translations)
    if kind == PERCENT:
        return tidy_percent(value)
    if kind == AMOUNT:
        return Decimal(plain(value))  # exact TOML numbers with two decimals, read back as Decimal
    if kind == CODES:
        return list(value)
    return value


def render_project_file(definition: ProjectDefinition, template_rules: ContractRules | None = None) -> str:
    """The project file for a definition; reading it back gives the same definition.

    Written section by section (`[project]`, then `[[partners]]`…) in the order
    the README documents; tomli_w formats each value so quoting is always right.
    """
    data = definition_to_data(definition, template_rules)
    sections: list[tuple[str, dict[str, Any]]] = [("[project]", data["project"])]
    for name in ("partners", "funders", "funding", "budget_lines", "budget", "periods"):
        sections += [(f"[[{name}]]", table) for table in data[name]]
    if data["rules"]:
        sections.append(("[rules]", data["rules"]))
    if "country_groups" in data:
        sections.append(("[country_groups]", data["country_groups"]))
    sections += [("[[flat_rates]]", flat) for flat in data.get("flat_rates", [])]
    for unit in data.get("unit_costs", []):
        sections.append(("[[unit_costs]]", {k: v for k, v in unit.items() if k != "rates"}))
        sections += [("[[unit_costs.rates]]", rate) for rate in unit.get("rates", [])]
    sections += [("[[line_caps]]", cap) for cap in data.get("line_caps", [])]
    sections += [("[[cost_shares]]", share) for share in data.get("cost_shares", [])]
    sections += [("[[instalments]]", instalment) for instalment in data.get("instalments", [])]
    # A list the template has and the project empties is a key of the file's top, before any table.
    emptied = [_toml_line(key, []) for key in RULE_TABLES if data.get(key) == []]
    for activity in data["activities"]:
        sections.append(("[[activities]]", {k: v for k, v in activity.items() if k != "planned"}))
        sections += [("[[activities.planned]]", planned) for planned in activity["planned"]]
    sections += [("[[sub_grants]]", grant) for grant in data["sub_grants"]]
    p = definition.project
    lines = [f"# Grant Reporter project file: {p.code}", f"# Amounts are in {p.currency}; dates are YYYY-MM-DD."]
    lines += ["", *emptied] if emptied else []
    for header, table in sections:
        lines += ["", header, *(_toml_line(key, value) for key, value in table.items())]
    return "\n".join(lines) + "\n"
