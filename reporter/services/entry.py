"""What the expenditure form asks besides saving: the values it derives, and what a line or a currency needs.

A derived value (the eligible amount, the currency, the rates, the period) follows
its inputs until the user types one on purpose. The form shows each as the
engine works it out; these functions say what that is, and which values of a
saved expenditure were derived (so that editing its gross moves its eligible
amount along, and a value typed on purpose stays).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from reporter.domain.currency import EURO, CurrencyError, currency_code
from reporter.domain.errors import Problem, UserError, ValidationError
from reporter.domain.limits import parse_date
from reporter.domain.model import Expenditure, ProjectDefinition
from reporter.services.expenditures import complete_fields, fields_of, preview_split
from reporter.services.rates import month_rate
from reporter.store import Store

DERIVED = ("eligible", "currency", "rate", "project_rate", "period")
"""The fields the program works out when they are left empty."""


@dataclass(frozen=True)
class EntryState:
    """The form as typed so far, as the engine sees it."""

    derived: dict[str, str] = field(default_factory=dict)  # the derived values known so far, as the form shows them
    expenditure: Expenditure | None = None  # what saving would store, once the fields are valid
    parts: list[tuple[str, Decimal]] = field(default_factory=list)  # each source's part (the split preview)
    problems: list[Problem] = field(default_factory=list)  # why it is not valid yet
    unit_cost: bool = False  # the line is paid as units × a rate of its table
    rate_names: tuple[str, ...] = ()  # the bands or categories the line's table has for the partner
    needs_rate: bool = False  # the document's currency is not the project's
    needs_project_rate: bool = False  # a third currency: the project currency's rate as well


def rate_names(definition: ProjectDefinition, partner_code: str, line: str) -> tuple[str, ...]:
    """The named bands or categories of a unit-cost line's rate table that apply to the partner (all of them
    while no partner is chosen)."""
    unit_cost = definition.rules.unit_cost(line)
    if unit_cost is None:
        return ()
    partner = definition.partner(partner_code)
    if partner is None:
        return tuple(dict.fromkeys(r.name for r in unit_cost.rates if r.name))
    return unit_cost.choose(partner.code, partner.role, definition.rules.country_group(partner.country), "").names


def entry_state(store: Store, code: str, fields: Mapping[str, str], editing: str | None = None) -> EntryState:
    """The derived values, the split and what the line and currency need, for the fields as typed."""
    definition = store.projects.definition(code)
    project_currency = definition.project.currency
    line, partner = fields.get("line", ""), fields.get("partner", "")
    try:
        currency = currency_code(fields.get("currency") or project_currency)
    except CurrencyError:
        currency = project_currency
    needs_rate = currency != project_currency
    derived = {"currency": project_currency}
    try:
        day = parse_date(fields.get("date", ""))
    except UserError:
        day = None
    if day is not None:
        period = definition.period_of(day)
        if period is not None:
            derived["period"] = str(period.number)
        if needs_rate:  # `rate` is the document currency's, or for a euro document the project currency's
            rate = month_rate(store, project_currency if currency == EURO else currency, day)
            if rate is not None:
                derived["rate"] = str(rate)
            if currency != EURO and project_currency != EURO:
                project_rate = month_rate(store, project_currency, day)
                if project_rate is not None:
                    derived["project_rate"] = str(project_rate)
    state = dict(unit_cost=definition.rules.unit_cost(line) is not None,
                 rate_names=rate_names(definition, partner, line), needs_rate=needs_rate,
                 needs_project_rate=needs_rate and EURO not in (currency, project_currency))
    try:
        expenditure = complete_fields(store, code, fields)
        parts = preview_split(store, code, fields, editing)
    except ValidationError as error:
        return EntryState(derived, problems=error.problems, **state)
    derived.update({name: fields_of(expenditure)[name] for name in DERIVED})
    derived["currency"] = expenditure.currency
    return EntryState(derived, expenditure, parts, **state)


def auto_fields(store: Store, code: str, expenditure: Expenditure) -> frozenset[str]:
    """The derived fields of a saved expenditure that hold what the program works out when they are empty:
    in the form they follow their inputs; the others were typed on purpose and stay."""
    fields = fields_of(expenditure)
    auto = set()
    for name in DERIVED:
        try:
            again = complete_fields(store, code, {**fields, name: ""})
        except ValidationError:
            continue
        if fields_of(again)[name] == fields[name]:
            auto.add(name)
    return frozenset(auto)
