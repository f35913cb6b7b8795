"""Contract rules that are parameters of a funder template (and may be overridden per project).

Nothing here is written for one funder: flexibility, transfer limits, flat
rates, unit costs and their rate tables, caps of a line, eligible shares of a
real cost, the indirect cost cap and the payment grace period are all values a
template declares.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Mapping

from reporter.domain.errors import Problem, not_one_of, problem
from reporter.domain.money import CENT, ZERO, round_down, round_half_up, tidy_percent

ROUNDINGS = ("down", "half-up")
TRANSFER_LEVELS = ("partner", "project")


def _rounded(value: Decimal, rounding: str) -> Decimal:
    return round_down(value) if rounding == "down" else round_half_up(value)


@dataclass(frozen=True, slots=True)
class FlatRate:
    """A line computed as a percentage of other lines, never entered by hand."""

    line: str
    percent: Decimal
    of_lines: tuple[str, ...]
    rounding: str = "down"
    excludes: tuple[str, ...] = ()  # flat-rate lines that cannot be used together with this one

    def amount(self, base: Decimal) -> Decimal:
        return _rounded(base * self.percent / 100, self.rounding)


@dataclass(frozen=True, slots=True)
class UnitRate:
    """One rate of a unit-cost line and whom it applies to; an empty condition applies to everyone."""

    rate: Decimal
    name: str = ""  # a band or category an expenditure names: "100-1999 km", "Manager"
    partner: str = ""  # this partner only
    role: str = ""  # "lead" (the coordinator) or "partner"
    country_group: str = ""  # partners in a country of this group (the rules' `country_groups`)
    unit: str = ""  # when it differs from the line's (a day of individual support on a travel line)

    def applies(self, partner: str, role: str, group: str) -> bool:
        return ((not self.partner or self.partner == partner) and (not self.role or self.role == role)
                and (not self.country_group or self.country_group == group))


@dataclass(frozen=True, slots=True)
class RateChoice:
    """The rate a unit-cost declaration uses, or why none can be chosen (a problem id and its values)."""

    rate: UnitRate | None
    problem: str = ""
    names: tuple[str, ...] = ()  # the bands or categories that would apply


@dataclass(frozen=True, slots=True)
class UnitCost:
    """A line paid as units × rate (per participant, per day…), from a table of rates."""

    line: str
    rates: tuple[UnitRate, ...]
    unit: str = "unit"
    rounding: str = "down"

    def amount(self, units: Decimal, rate: UnitRate) -> Decimal:
        return _rounded(units * rate.rate, self.rounding)

    @property
    def named(self) -> bool:
        return any(r.name for r in self.rates)

    def choose(self, partner: str, role: str, group: str, name: str) -> RateChoice:
        """The one rate for a partner and, where the line has named bands or categories, the one named."""
        fitting = [r for r in self.rates if r.applies(partner, role, group)]
        names = tuple(dict.fromkeys(r.name for r in fitting if r.name))
        if not fitting:
            return RateChoice(None, "units.no_rate")
        if names and not name:
            return RateChoice(None, "units.rate_name_required", names)
        if name and not names:
            return RateChoice(None, "units.rate_name_not_used")
        if name:
            fitting = [r for r in fitting if _same(r.name, name)]
            if not fitting:
                return RateChoice(None, "units.rate_name_unknown", names)
        if len(fitting) > 1:
            return RateChoice(None, "units.rate_ambiguous", names)
        return RateChoice(fitting[0])


def _same(a: str, b: str) -> bool:
    return a.casefold().replace(" ", "") == b.casefold().replace(" ", "")


@dataclass(frozen=True, slots=True)
class LineCap:
    """At most this much of a line for the whole project (e.g. multiplier events, exceptional costs)."""

    line: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class CostShare:
    """A real-cost line of which only a share is eligible (exceptional costs: 75 % of the real cost)."""

    line: str
    percent: Decimal
    rounding: str = "down"

    def eligible(self, real_cost: Decimal) -> Decimal:
        return _rounded(real_cost * self.percent / 100, self.rounding)


INSTALMENT_TRIGGERS = ("signature", "report", "final")


@dataclass(frozen=True, slots=True)
class Instalment:
    """One payment of a grant's schedule: a share of the grant, paid when its trigger is met."""

    percent: Decimal
    trigger: str  # "signature", "report" (of `period`, when `threshold` % of the earlier ones is used), "final"
    period: int | None = None
    threshold: Decimal | None = None  # % of the earlier instalments the costs must have used
    funder: str = ""  # empty: every grant of the project (a template's schedule)


@dataclass(frozen=True, slots=True)
class ContractRules:
    line_flexibility_percent: Decimal | None = None  # a line may exceed its budget by this much…
    line_flexibility_amount: Decimal | None = None  # …or by this amount (the larger allowance applies)
    transfer_out_percent: Decimal | None = None  # at most this share of a category's budget may move out
    transfer_in_percent: Decimal | None = None  # a category may grow by at most this share of its budget
    transfer_level: str = "partner"  # "project": transfers are judged for the consortium's categories
    closed_lines: tuple[str, ...] = ()  # nothing may be transferred into these
    exempt_lines: tuple[str, ...] = ()  # outside the transfer limits (special needs support)
    flat_rates: tuple[FlatRate, ...] = ()
    unit_costs: tuple[UnitCost, ...] = ()
    country_groups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # group name → ISO country codes
    line_caps: tuple[LineCap, ...] = ()
    cost_shares: tuple[CostShare, ...] = ()
    indirect_cap_percent: Decimal | None = None
    indirect_lines: tuple[str, ...] = ()
    indirect_base_excludes: tuple[str, ...] = ()  # direct lines that are no base for indirect costs
    activity_required: bool = False  # every cost belongs to an activity of the plan
    explain_variance_percent: Decimal | None = None  # a line whose spending differs more needs an explanation
    payment_grace_days: int = 0  # payments may follow the eligible end by this many days
    instalments: tuple[Instalment, ...] = ()  # how grants are paid; none: as the payments come
    travel_lines: tuple[str, ...] = ()  # a cost on these gives its trip's route, dates and persons
    person_document_lines: tuple[str, ...] = ()  # a payment on these names the person's certificate, licence or
    # author's contract (they pay natural persons: authors, performers)

    def flat_rate(self, line: str) -> FlatRate | None:
        return next((f for f in self.flat_rates if f.line == line), None)

    def unit_cost(self, line: str) -> UnitCost | None:
        return next((u for u in self.unit_costs if u.line == line), None)

    def cost_share(self, line: str) -> CostShare | None:
        return next((c for c in self.cost_shares if c.line == line), None)

    def country_group(self, country: str) -> str:
        return next((group for group, countries in self.country_groups if country.upper() in countries), "")


RULE_KEYS = {
    "line_flexibility_percent", "line_flexibility_amount", "transfer_out_percent", "transfer_in_percent",
    "transfer_level", "closed_lines", "exempt_lines", "indirect_cap_percent", "indirect_lines",
    "indirect_base_excludes", "activity_required", "payment_grace_days", "explain_variance_percent", "travel_lines",
    "person_document_lines",
}
_LINE_LISTS = ("closed_lines", "exempt_lines", "indirect_lines", "indirect_base_excludes", "travel_lines",
               "person_document_lines")
_RATE_KEYS = {"rate", "name", "partner", "role", "country_group", "unit"}


def rules_from_mapping(data: Mapping[str, Any], where: str, problems: list[Problem],
                       base: ContractRules | None = None) -> ContractRules:
    """Read the `[rules]`, `[[flat_rates]]`, `[[unit_costs]]`, `[country_groups]`, `[[line_caps]]` and
    `[[cost_shares]]` of a template or project file.

    Keys missing here keep the value of `base` (the template's defaults); a list given here replaces the base's.
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
        if key in _LINE_LISTS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(problem(f"{where}rules.{key}", "rules.not_lines"))
                continue
            values[key] = tuple(value)
        elif key == "payment_grace_days":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(problem(f"{where}rules.{key}", "rules.not_days"))
                continue
            values[key] = value
        elif key == "transfer_level":
            if value not in TRANSFER_LEVELS:
                problems.append(not_one_of(f"{where}rules.{key}", value, TRANSFER_LEVELS))
                continue
            values[key] = value
        elif key == "activity_required":
            if not isinstance(value, bool):
                problems.append(problem(f"{where}rules.{key}", "file.not_flag", value=repr(value)))
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
            problems += _unknown_keys(item, _FLAT_RATE_KEYS, f"{where}flat_rates[{i}]")
            percent = _number(item.get("percent"))
            if not isinstance(item.get("line"), str) or percent is None or not _codes(item.get("of")) \
                    or not _codes(item.get("excludes", [])) or not isinstance(item.get("rounding", ""), str):
                problems.append(problem(f"{where}flat_rates[{i}]", "flat_rate.incomplete"))
                continue
            flat.append(FlatRate(item["line"], percent, tuple(item["of"]), item.get("rounding", "down"),
                                 tuple(item.get("excludes", ()))))
        values["flat_rates"] = tuple(flat)
    if "unit_costs" in data:
        values["unit_costs"] = tuple(_unit_costs(data["unit_costs"], where, problems))
    if "country_groups" in data:
        groups = data["country_groups"]
        if not isinstance(groups, dict) or not all(
                isinstance(v, list) and all(isinstance(c, str) for c in v) for v in groups.values()):
            problems.append(problem(f"{where}country_groups", "rules.country_groups"))
        else:
            values["country_groups"] = tuple((str(k), tuple(c.upper() for c in v)) for k, v in groups.items())
    if "line_caps" in data:
        caps = []
        for i, item in enumerate(_tables(data["line_caps"], f"{where}line_caps", problems), 1):
            problems += _unknown_keys(item, {"line", "amount"}, f"{where}line_caps[{i}]")
            amount = _number(item.get("amount"))
            if not isinstance(item.get("line"), str) or amount is None or amount < 0:
                problems.append(problem(f"{where}line_caps[{i}]", "line_cap.incomplete"))
                continue
            caps.append(LineCap(item["line"], amount))
        values["line_caps"] = tuple(caps)
    if "instalments" in data:
        schedule = []
        for i, item in enumerate(_tables(data["instalments"], f"{where}instalments", problems), 1):
            problems += _unknown_keys(item, {"funder", "percent", "trigger", "period", "threshold"},
                                      f"{where}instalments[{i}]")
            percent, threshold = _number(item.get("percent")), _number(item.get("threshold"))
            period = item.get("period")
            if (percent is None or not 0 < percent <= 100 or item.get("trigger") not in INSTALMENT_TRIGGERS
                    or (item.get("trigger") == "report") != isinstance(period, int) or isinstance(period, bool)
                    or ("threshold" in item and (threshold is None or not 0 <= threshold <= 100
                                                 or item.get("trigger") != "report"))
                    or not isinstance(item.get("funder", ""), str)):
                problems.append(problem(f"{where}instalments[{i}]", "instalment.incomplete",
                                        triggers=", ".join(INSTALMENT_TRIGGERS)))
                continue
            schedule.append(Instalment(percent, item["trigger"], period if item["trigger"] == "report" else None,
                                       threshold, item.get("funder", "").strip()))
        values["instalments"] = tuple(schedule)
    if "cost_shares" in data:
        shares = []
        for i, item in enumerate(_tables(data["cost_shares"], f"{where}cost_shares", problems), 1):
            problems += _unknown_keys(item, {"line", "percent", "rounding"}, f"{where}cost_shares[{i}]")
            percent = _number(item.get("percent"))
            if not isinstance(item.get("line"), str) or percent is None or not 0 <= percent <= 100:
                problems.append(problem(f"{where}cost_shares[{i}]", "cost_share.incomplete"))
                continue
            shares.append(CostShare(item["line"], percent, item.get("rounding", "down")))
        values["cost_shares"] = tuple(shares)
    return replace(rules, **values)


_FLAT_RATE_KEYS = {"line", "percent", "of", "rounding", "excludes"}


def _unknown_keys(item: Mapping[str, Any], known: set[str], place: str) -> list[Problem]:
    return [problem(f"{place}.{key}", "file.unknown_key", keys=", ".join(sorted(known))) for key in item
            if key not in known]


def _tables(value: Any, where: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """A list of tables; anything else (or any item that is no table) is a problem, not a crash."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        problems.append(problem(where, "file.not_tables"))
        return []
    return value


def _codes(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _unit_costs(items: Any, where: str, problems: list[Problem]) -> list[UnitCost]:
    """Unit-cost lines: one `rate`, or a table of `rates` each with the conditions it applies under."""
    units = []
    for i, item in enumerate(_tables(items, f"{where}unit_costs", problems), 1):
        place = f"{where}unit_costs[{i}]"
        problems += _unknown_keys(item, {"line", "rate", "rates", "unit", "rounding"}, place)
        if "rate" in item and "rates" in item:
            problems.append(problem(f"{place}.rate", "unit_cost.rate_and_rates"))
        if "rates" in item:
            rates = []
            for j, entry in enumerate(_tables(item["rates"], f"{place}.rates", problems), 1):
                rate = _number(entry.get("rate"))
                unknown = sorted(set(entry) - _RATE_KEYS)
                if rate is None or rate < 0 or unknown or not all(isinstance(entry.get(k, ""), str)
                                                                  for k in _RATE_KEYS - {"rate"}):
                    problems.append(problem(f"{place}.rates[{j}]", "unit_cost.rate_incomplete",
                                            keys=", ".join(sorted(_RATE_KEYS))))
                    continue
                rates.append(UnitRate(rate, *(entry.get(k, "").strip() for k in
                                              ("name", "partner", "role", "country_group", "unit"))))
        else:
            rate = _number(item.get("rate"))
            rates = [UnitRate(rate)] if rate is not None and rate >= 0 else []
        if not isinstance(item.get("line"), str) or not rates or not isinstance(item.get("unit", ""), str) \
                or not isinstance(item.get("rounding", ""), str):
            problems.append(problem(place, "unit_cost.incomplete"))
            continue
        units.append(UnitCost(item["line"], tuple(rates), str(item.get("unit", "unit")), item.get("rounding", "down")))
    return units


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


def rules_to_mapping(rules: ContractRules, base: ContractRules | None = None) -> dict[str, Any]:
    """The rules in the shape `rules_from_mapping` reads (for project files and the database).

    Only what differs from `base` is written: for a project file, its template's rules (so a term set
    back to the general default, `transfer_level = "partner"` or `line_caps = []`, survives a reload);
    for the database, the general defaults. Numbers are written the same way every time (85, 7.5,
    575.00), so a file that is exported and loaded again compares equal.
    """
    base = base or ContractRules()
    plain_rules: dict[str, Any] = {}
    for key in sorted(RULE_KEYS):
        value = getattr(rules, key)
        if value is None or value == getattr(base, key):
            continue
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Decimal):
            value = _amount(value) if key.endswith("_amount") else tidy_percent(value)
        plain_rules[key] = value
    data: dict[str, Any] = {"rules": plain_rules}
    tables = {
        "flat_rates": lambda f: {"line": f.line, "percent": tidy_percent(f.percent), "of": list(f.of_lines),
                                 "rounding": f.rounding, **({"excludes": list(f.excludes)} if f.excludes else {})},
        "unit_costs": _unit_cost_table,
        "line_caps": lambda c: {"line": c.line, "amount": _amount(c.amount)},
        "cost_shares": lambda c: {"line": c.line, "percent": tidy_percent(c.percent), "rounding": c.rounding},
        "instalments": lambda i: {**({"funder": i.funder} if i.funder else {}), "percent": tidy_percent(i.percent),
                                  "trigger": i.trigger, **({"period": i.period} if i.period is not None else {}),
                                  **({"threshold": tidy_percent(i.threshold)} if i.threshold is not None else {})},
    }
    for key, table in tables.items():
        if getattr(rules, key) != getattr(base, key):
            data[key] = [table(item) for item in getattr(rules, key)]
    if rules.country_groups != base.country_groups:
        data["country_groups"] = {group: list(countries) for group, countries in rules.country_groups}
    return data


def _unit_cost_table(unit: UnitCost) -> dict[str, Any]:
    table: dict[str, Any] = {"line": unit.line}
    if len(unit.rates) == 1 and unit.rates[0] == UnitRate(unit.rates[0].rate):
        table["rate"] = _amount(unit.rates[0].rate)
    else:
        table["rates"] = [{"rate": _amount(r.rate), **{k: getattr(r, k) for k in
                                                        ("name", "partner", "role", "country_group", "unit")
                                                        if getattr(r, k)}} for r in unit.rates]
    table.update(unit=unit.unit, rounding=unit.rounding)
    return table


def _amount(value: Decimal) -> Decimal:
    return value.quantize(CENT) if value == value.quantize(CENT) else value.normalize()


def rule_problems(rules: ContractRules, line_codes: set[str]) -> list[Problem]:
    """Rules that name budget lines (or country groups) the project does not have."""
    problems = []
    for key in _LINE_LISTS:
        for line in getattr(rules, key):
            if line not in line_codes:
                problems.append(problem(f"rules.{key}", "reference.unknown_budget_line", code=repr(line)))
    for i, flat in enumerate(rules.flat_rates, 1):
        for line in (flat.line, *flat.of_lines, *flat.excludes):
            if line not in line_codes:
                problems.append(problem(f"flat_rates[{i}]", "reference.unknown_budget_line", code=repr(line)))
        if flat.rounding not in ROUNDINGS:
            problems.append(not_one_of(f"flat_rates[{i}].rounding", flat.rounding, ROUNDINGS))
    groups = {group for group, _ in rules.country_groups}
    for i, unit in enumerate(rules.unit_costs, 1):
        if unit.line not in line_codes:
            problems.append(problem(f"unit_costs[{i}].line", "reference.unknown_budget_line", code=repr(unit.line)))
        if unit.rounding not in ROUNDINGS:
            problems.append(not_one_of(f"unit_costs[{i}].rounding", unit.rounding, ROUNDINGS))
        for j, rate in enumerate(unit.rates, 1):
            if rate.country_group and rate.country_group not in groups:
                problems.append(problem(f"unit_costs[{i}].rates[{j}].country_group", "rules.unknown_group",
                                        group=repr(rate.country_group), known=", ".join(sorted(groups))))
            if rate.role and rate.role not in ("lead", "partner"):
                problems.append(not_one_of(f"unit_costs[{i}].rates[{j}].role", rate.role, ("lead", "partner")))
    for key in ("line_caps", "cost_shares"):
        for i, item in enumerate(getattr(rules, key), 1):
            if item.line not in line_codes:
                problems.append(problem(f"{key}[{i}].line", "reference.unknown_budget_line", code=repr(item.line)))
    for i, share in enumerate(rules.cost_shares, 1):
        if share.rounding not in ROUNDINGS:
            problems.append(not_one_of(f"cost_shares[{i}].rounding", share.rounding, ROUNDINGS))
    return problems
