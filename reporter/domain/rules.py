"""Contract rules that are parameters of a funder template (and may be overridden per project).

Nothing here is written for one funder: flexibility, transfer limits, flat
rates, unit costs, the indirect cost cap and the payment grace period are all
values a template declares.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Mapping

from reporter.domain.errors import Problem, not_one_of, problem
from reporter.domain.money import CENT, ZERO, round_down, round_half_up, tidy_percent


@dataclass(frozen=True, slots=True)
class FlatRate:
    """A line computed as a percentage of other lines, never entered by hand."""

    line: str
    percent: Decimal
    of_lines: tuple[str, ...]
    rounding: str = "down"
    excludes: tuple[str, ...] = ()  # flat-rate lines that cannot be used together with this one

    def amount(self, base: Decimal) -> Decimal:
        exact = base * self.percent / 100
        return round_down(exact) if self.rounding == "down" else round_half_up(exact)


@dataclass(frozen=True, slots=True)
class UnitCost:
    """A line paid as units × rate (per participant, per day…)."""

    line: str
    rate: Decimal
    unit: str = "unit"
    rounding: str = "down"

    def amount(self, units: Decimal) -> Decimal:
        exact = units * self.rate
        return round_down(exact) if self.rounding == "down" else round_half_up(exact)


@dataclass(frozen=True, slots=True)
class ContractRules:
    line_flexibility_percent: Decimal | None = None  # a line may exceed its budget by this much…
    line_flexibility_amount: Decimal | None = None  # …or by this amount (the larger allowance applies)
    transfer_out_percent: Decimal | None = None  # at most this share of a category's budget may move out
    transfer_in_percent: Decimal | None = None  # a category may grow by at most this share of its budget
    closed_lines: tuple[str, ...] = ()  # nothing may be transferred into these
    flat_rates: tuple[FlatRate, ...] = ()
    unit_costs: tuple[UnitCost, ...] = ()
    indirect_cap_percent: Decimal | None = None
    indirect_lines: tuple[str, ...] = ()
    indirect_base_excludes: tuple[str, ...] = ()  # direct lines that are no base for indirect costs
    payment_grace_days: int = 0  # payments may follow the eligible end by this many days

    def flat_rate(self, line: str) -> FlatRate | None:
        return next((f for f in self.flat_rates if f.line == line), None)

    def unit_cost(self, line: str) -> UnitCost | None:
        return next((u for u in self.unit_costs if u.line == line), None)


RULE_KEYS = {
    "line_flexibility_percent", "line_flexibility_amount", "transfer_out_percent", "transfer_in_percent",
    "closed_lines", "indirect_cap_percent", "indirect_lines", "indirect_base_excludes", "payment_grace_days",
}


def rules_from_mapping(data: Mapping[str, Any], where: str, problems: list[Problem],
                       base: ContractRules | None = None) -> ContractRules:
    """Read the `[rules]`, `[[flat_rates]]` and `[[unit_costs]]` of a template or project file.

    Keys missing here keep the value of `base` (the template's defaults).
    """
    rules = base or ContractRules()
    values: dict[str, Any] = {}
    table = data.get("rules", {})
    if not isinstance(table, dict):
        problems.append(problem(f"{where}rules", "file.not_table"))
        table = {}
    for key, value in table.items():
        if key not in RULE_KEYS:
            problems.append(problem(f"{where}rules.{key}", "rules.unknown", keys=", ".join(sorted(RULE_KEYS))))
            continue
        if key in ("closed_lines", "indirect_lines", "indirect_base_excludes"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(problem(f"{where}rules.{key}", "rules.not_lines"))
                continue
            values[key] = tuple(value)
        elif key == "payment_grace_days":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(problem(f"{where}rules.{key}", "rules.not_days"))
                continue
            values[key] = value
        else:
            number = _number(value)
            if number is None or number < 0:
                shown = str(value) if isinstance(value, Decimal) else value  # nan as NaN, not Decimal('NaN')
                problems.append(problem(f"{where}rules.{key}", "number.negative", value=repr(shown)[:60]))
                continue
            values[key] = number
    if "flat_rates" in data:
        flat = []
        for i, item in enumerate(_tables(data["flat_rates"], f"{where}flat_rates", problems), 1):
            percent = _number(item.get("percent"))
            if not isinstance(item.get("line"), str) or percent is None or not _codes(item.get("of")) \
                    or not _codes(item.get("excludes", [])) or not isinstance(item.get("rounding", ""), str):
                problems.append(problem(f"{where}flat_rates[{i}]", "flat_rate.incomplete"))
                continue
            flat.append(FlatRate(item["line"], percent, tuple(item["of"]), item.get("rounding", "down"),
                                 tuple(item.get("excludes", ()))))
        values["flat_rates"] = tuple(flat)
    if "unit_costs" in data:
        units = []
        for i, item in enumerate(_tables(data["unit_costs"], f"{where}unit_costs", problems), 1):
            rate = _number(item.get("rate"))
            if not isinstance(item.get("line"), str) or rate is None or not isinstance(item.get("unit", ""), str) \
                    or not isinstance(item.get("rounding", ""), str):
                problems.append(problem(f"{where}unit_costs[{i}]", "unit_cost.incomplete"))
                continue
            units.append(UnitCost(item["line"], rate, item.get("unit", "unit"), item.get("rounding", "down")))
        values["unit_costs"] = tuple(units)
    return replace(rules, **values)


def _tables(value: Any, where: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """A list of tables; anything else (or any item that is no table) is a problem, not a crash."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problems.append(problem(where, "file.not_tables"))
        return []
    return value


def _codes(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value: Any) -> Decimal | None:
    """A finite number of reasonable size, or None (not a number, NaN, infinity, 1E+999999)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except ArithmeticError:
            return None
    else:
        return None
    return number if number.is_finite() and -20 <= number.adjusted() <= 20 else None


def flat_rate_conflicts(rules: ContractRules, lines_in_use: set[str]) -> list[tuple[FlatRate, FlatRate]]:
    """Pairs of flat rates that exclude each other but are both used."""
    used = [f for f in rules.flat_rates if f.line in lines_in_use]
    return [(a, b) for i, a in enumerate(used) for b in used[i + 1:]
            if b.line in a.excludes or a.line in b.excludes]


def flat_rate_amounts(rules: ContractRules, line_totals: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """The computed amount of each flat-rate line from the actual amounts of its base lines."""
    return {f.line: f.amount(sum((line_totals.get(line, ZERO) for line in f.of_lines), ZERO))
            for f in rules.flat_rates}


def rules_to_mapping(rules: ContractRules) -> dict[str, Any]:
    """The rules in the shape `rules_from_mapping` reads (for project files and the database).

    Numbers are written the same way every time (85, 7.5, 575.00), so a file
    that is exported and loaded again compares equal.
    """
    plain_rules: dict[str, Any] = {}
    for key in sorted(RULE_KEYS):
        value = getattr(rules, key)
        if value is None or value == () or (key == "payment_grace_days" and value == 0):
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Decimal):
            value = _amount(value) if key.endswith("_amount") else tidy_percent(value)
        plain_rules[key] = value
    data: dict[str, Any] = {"rules": plain_rules}
    if rules.flat_rates:
        data["flat_rates"] = [
            {"line": f.line, "percent": tidy_percent(f.percent), "of": list(f.of_lines), "rounding": f.rounding,
             **({"excludes": list(f.excludes)} if f.excludes else {})}
            for f in rules.flat_rates]
    if rules.unit_costs:
        data["unit_costs"] = [{"line": u.line, "rate": _amount(u.rate), "unit": u.unit, "rounding": u.rounding}
                              for u in rules.unit_costs]
    return data


def _amount(value: Decimal) -> Decimal:
    return value.quantize(CENT) if value == value.quantize(CENT) else value.normalize()


def rule_problems(rules: ContractRules, line_codes: set[str]) -> list[Problem]:
    """Rules that name budget lines the project does not have."""
    problems = []
    for key in ("closed_lines", "indirect_lines", "indirect_base_excludes"):
        for line in getattr(rules, key):
            if line not in line_codes:
                problems.append(problem(f"rules.{key}", "reference.unknown_budget_line", code=repr(line)))
    for i, flat in enumerate(rules.flat_rates, 1):
        for line in (flat.line, *flat.of_lines, *flat.excludes):
            if line not in line_codes:
                problems.append(problem(f"flat_rates[{i}]", "reference.unknown_budget_line", code=repr(line)))
        if flat.rounding not in ("down", "half-up"):
            problems.append(not_one_of(f"flat_rates[{i}].rounding", flat.rounding, ("down", "half-up")))
    for i, unit in enumerate(rules.unit_costs, 1):
        if unit.line not in line_codes:
            problems.append(problem(f"unit_costs[{i}].line", "reference.unknown_budget_line", code=repr(unit.line)))
        if unit.rounding not in ("down", "half-up"):
            problems.append(not_one_of(f"unit_costs[{i}].rounding", unit.rounding, ("down", "half-up")))
    return problems
