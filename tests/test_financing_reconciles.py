"""Every surface that shows an amount shows the engine's: reports, financing, allocations, preview and filter.

Walked over the whole demo: every project × period × partner, and each consolidated report.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

import pytest

from reporter.domain.financing import cost_of
from reporter.domain.money import CENT, ZERO
from reporter.reports.model import DATA, Table
from reporter.services.checks import financing_view, gather_financing
from reporter.services.demo import create_demo
from reporter.services.expenditures import booked_split, fields_of, list_expenditures, preview_split
from reporter.services.payments import payment_position
from reporter.services.projects import list_projects, project_definition
from reporter.services.reports import report_data
from reporter.store import Store
from reporter.store.expenditures import ExpenditureQuery

DAY = date(2026, 12, 1)
ALL = ExpenditureQuery(limit=10_000)


@pytest.fixture(scope="module")
def demo() -> Store:
    store = Store.in_memory()
    create_demo(store)
    return store


def reports(store: Store):
    """(project, period, partner or None) of every report a coordinator can write for the demo."""
    for summary in list_projects(store):
        definition = project_definition(store, summary.code)
        partners = [p.code for p in definition.partners]
        for period in definition.periods:
            for partner in partners + ([None] if len(partners) > 1 else []):
                yield summary.code, period.number, partner


def column(table: Table, key: str) -> Decimal:
    index = [c.key for c in table.columns].index(key)
    return sum((row.cells[index] or ZERO for row in table.rows if row.kind == DATA), ZERO)


def test_every_report_total_equals_financing_and_the_sum_of_the_allocations(demo):
    engine_of = functools.cache(lambda code: gather_financing(demo, code))  # the demo does not change
    checked = 0
    for code, period, partner in reports(demo):
        data, _ = report_data(demo, code, period, partner, lang="en", today=DAY)
        view = financing_view(demo, code, partner, period)
        definition, financing, _ = engine_of(code)
        partners = [p.partner for p in view.partners]
        costs = [cost_of(e) for e in list_expenditures(demo, code, ExpenditureQuery(period=period, limit=10_000)).rows
                 if e.partner in partners]
        allocated: dict[str, Decimal] = {}
        for allocation in financing.allocate(costs):
            for funder, amount in allocation.parts.items():
                allocated[funder] = allocated.get(funder, ZERO) + amount
        engine: dict[str, Decimal] = {}  # this period, of the partners in the report, by source
        for p in view.partners:
            for f in p.funders:
                engine[f.funder] = engine.get(f.funder, ZERO) + f.this_period
                assert f.this_period == financing[p.partner].periods.get(period).split.amount_of(f.funder) \
                    if period in financing[p.partner].periods else f.this_period == ZERO
        assert {f: a for f, a in allocated.items() if a} == {f: a for f, a in engine.items() if a}, (code, period)
        declared = sum((sum(financing[p].periods[period].lines.values(), ZERO) for p in partners
                        if period in financing[p].periods), ZERO)
        tables = {t.key: t for t in data.tables}
        funder = data.header[2][1]
        by_name = {f.name.in_language(data.lang): f.code for f in definition.funders}  # as the report names them
        if "expenditure" in tables:
            listing = tables["expenditure"]
            over = sum((financing[p].periods[period].not_claimed.get("indirect-over-cap", ZERO) for p in partners
                        if period in financing[p].periods), ZERO)
            assert column(listing, "converted") == declared - over, (code, period, partner)
            addressed = next(c.key for c in listing.columns if c.key == "funder_part")
            code_of = by_name[funder]
            assert column(listing, addressed) == engine.get(code_of, ZERO), (code, period, partner)
        if "lines" in tables:
            assert column(tables["lines"], "this_period") == declared
        if "cofinancing" in tables:
            rows = [r for r in tables["cofinancing"].rows if r.kind == DATA]
            for row in rows:
                source = by_name[row.cells[0].strip()]
                this_period, so_far = row.cells[4], row.cells[5]
                if partner is not None or len(partners) == 1:
                    line = next(f for f in view.partners[0].funders if f.funder == source)
                    assert (this_period, so_far) == (line.this_period, line.cumulative), (code, period, source)
            if "cofinancing_funds" in tables:
                for row in tables["cofinancing_funds"].rows:
                    source = by_name[row.cells[0].strip()]
                    assert row.cells[3] == engine.get(source, ZERO), (code, period, source)
        if "estimate" in tables:
            source = by_name[funder]
            assert column(tables["estimate"], "funder") == sum(
                (financing[p].cumulative(source, period) for p in partners), ZERO)
        if "funds" in tables:  # the grant's money used: what the engine says the funder pays, this period and so far
            source = by_name[funder]
            used = {r.cells[0]: r.cells[1:] for r in tables["funds"].rows}["Grant funds used (the funder's share of "
                                                                          "the eligible costs)"]
            so_far = sum((financing[p].cumulative(source, period) for p in partners), ZERO)
            before = sum((financing[p].cumulative(source, period - 1) for p in partners), ZERO)
            assert used == (so_far - before, so_far), (code, period, partner)
            for row in tables.get("other_funders", Table("", "", (), ())).rows:
                other = by_name[row.cells[0].strip()]
                assert row.cells[1:] == (engine.get(other, ZERO), sum(
                    (financing[p].cumulative(other, period) for p in partners), ZERO)), (code, period, other)
        if "payment" in tables:
            source = by_name[funder]
            rows = {r.cells[0]: r.cells[2] for r in tables["payment"].rows}
            if "Grant for the costs reported" in rows:
                [position] = [p for p in payment_position(demo, code, period, DAY) if p.funder == source]
                assert rows["Grant for the costs reported"] == position.claimed
            else:
                assert rows["Claimed for this partner's costs so far"] == financing[partner].cumulative(source, period)
        checked += 1
    # 16 Interreg, 12 Erasmus+, 1 culture council, 2 foundation, 3 plan; the national programme: 4 consolidated
    # and 4 for each of its 46 partners; 1 Ministry of Culture, 1 culture council in litas
    assert checked == 224


def test_activity_plan__actual_by_source_adds_up_to_what_each_source_pays(demo):
    data, _ = report_data(demo, "LBD-2024-2026", 3, None, lang="en", today=DAY)
    definition, financing, _ = gather_financing(demo, "LBD-2024-2026")
    names = {f.name: f.code for f in definition.funders}
    paid: dict[str, Decimal] = {}
    for table in data.tables:
        if table.key.startswith("plan_"):
            for row in table.rows:
                if row.kind == DATA and row.cells[0] in names:
                    paid[names[row.cells[0]]] = paid.get(names[row.cells[0]], ZERO) + row.cells[2]
    assert paid == {f: financing["LBD"].cumulative(f, 3) for f in paid}
    assert set(paid) == {"KM", "VMS", "ERASMUS", "REMEJAS", "NUOSAVOS"}


def test_preview_of_every_demo_expenditure_equals_its_booked_split(demo):
    for summary in list_projects(demo):
        for expenditure in list_expenditures(demo, summary.code, ALL).rows:
            preview = dict(preview_split(demo, summary.code, fields_of(expenditure), editing=expenditure.id))
            assert preview == booked_split(demo, summary.code, expenditure.id), (summary.code, expenditure.number)


def test_the_funder_filter_lists_exactly_the_costs_the_funder_pays_something_of(demo):
    for summary in list_projects(demo):
        definition, financing, _ = gather_financing(demo, summary.code)
        expenditures = list_expenditures(demo, summary.code, ALL).rows
        allocations = {a.cost.id: a.parts for a in financing.allocate(cost_of(e) for e in expenditures)}
        for funder in definition.funders:
            listed = {e.id for e in list_expenditures(
                demo, summary.code, ExpenditureQuery(funder=funder.code, limit=10_000)).rows}
            # A residual without a share of its own (the national programme's own funds beside 75 % and 25 %)
            # takes only the cent that the others' rounding leaves of a cost, or gives one back (-0.01), while no
            # cap holds back: it pays none of the costs, and the filter lists none.
            evens_out = all(a.residual and a.share == 0 for a in definition.funding if a.funder == funder.code)
            paying = {e.id for e in expenditures if allocations[e.id].get(funder.code)
                      and not (evens_out and abs(allocations[e.id][funder.code]) == CENT)}
            assert listed == paying, (summary.code, funder.code)


def test_the_demo_has_a_fixed_sum_named_payers_and_payments_and_no_negative_amount_due(demo):
    lkt = financing_view(demo, "LKT-2024-0815", period=1).partners[0].funders[0]
    assert (lkt.funder, lkt.fixed, lkt.cap, lkt.cumulative, lkt.remaining) == (
        "LKT", True, Decimal("8000.00"), Decimal("8000.00"), Decimal("0.00"))
    lbd = {f.funder: f for f in financing_view(demo, "LBD-2024-2026", period=3).partners[0].funders}
    assert all(lbd[code].named for code in ("KM", "VMS", "ERASMUS", "REMEJAS", "NUOSAVOS"))
    [eu] = payment_position(demo, "KA204-077512", 2, DAY)
    assert (eu.paid, eu.claimed, eu.due) == (Decimal("240682.40"), Decimal("298239.98"), Decimal("57557.58"))
    for code, period, partner in reports(demo):
        data, _ = report_data(demo, code, period, partner, lang="en", today=DAY)
        for table in data.tables:
            if table.key == "payment":
                assert all(not isinstance(v, Decimal) or v >= 0 for row in table.rows for v in row.cells[1:]), \
                    (code, period, partner)
