"""The financing engine: what each source pays of every cost, exact over the whole project."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reporter.domain.financing import (INDIRECT_OVER_CAP, NO_SOURCE, Cost, compute_financing, covering_funders,
                                       split_amount)
from reporter.domain.model import (
    BudgetAmount,
    BudgetLine,
    Funder,
    FundingAgreement,
    Partner,
    Payer,
    Project,
    ProjectDefinition,
    ReportingPeriod,
)
from reporter.domain.money import D, from_cents
from reporter.domain.rules import ContractRules, FlatRate

PERIODS = 4


def project(*funding: FundingAgreement, partners: tuple[str, ...] = ("LP",), lines: tuple[str, ...] = ("STAFF", "TRAVEL"),
            rules: ContractRules = ContractRules(), budget: tuple[BudgetAmount, ...] = ()) -> ProjectDefinition:
    """A one-year project with four quarterly periods."""
    funders = []
    for a in funding:
        if a.funder not in funders:
            funders.append(a.funder)
    return ProjectDefinition(
        project=Project("P-1", "Test", date(2024, 1, 1), date(2024, 12, 31)),
        partners=tuple(Partner(code, code, role="lead" if i == 0 else "partner") for i, code in enumerate(partners)),
        funders=tuple(Funder(code, code) for code in funders),
        funding=funding,
        budget_lines=tuple(BudgetLine(code, code) for code in lines),
        budget=budget,
        periods=tuple(ReportingPeriod(q + 1, date(2024, 3 * q + 1, 1), date(2024, 3 * q + 3, 28)) for q in range(PERIODS)),
        rules=rules)


def share(funder: str, percent: str | int, **terms) -> FundingAgreement:
    return FundingAgreement(funder=funder, share_percent=Decimal(percent), **terms)


def cost(amount: str, period: int = 1, line: str = "STAFF", partner: str = "LP", number: int = 1, **fields) -> Cost:
    return Cost(partner, period, line, D(amount), id=f"e{number}", number=number,
                document_date=date(2024, 3 * period - 1, 10), **fields)


def financing(definition: ProjectDefinition, *costs: Cost):
    return compute_financing(definition, costs, costs)


def parts(f, partner: str = "LP", period: int = 1) -> dict[str, Decimal]:
    return {p.funder: p.amount for p in f[partner].periods[period].split.parts}


INTERREG = (share("ERDF", 85, rounding="down"), share("PARTNER", 15, residual=True),
            share("AUTOMATIC-PUBLIC", 5, part_of="PARTNER"), share("PUBLIC", 10, part_of="PARTNER"))


def test_split__interreg_example_as_the_monitoring_system_computes_it():
    result = split_amount(project(*INTERREG), "LP", D("10000.01"))
    assert [(p.funder, p.amount) for p in result.parts] == [
        ("ERDF", D("8500.00")), ("PARTNER", D("1500.01")), ("AUTOMATIC-PUBLIC", D("500.00")), ("PUBLIC", D("1000.00"))]
    assert result.unallocated == D("0.00")


def test_split__remainder_cent_goes_to_the_residual_funder():
    definition = project(share("EU", 50), share("STATE", 25), share("OWN", 25, residual=True))
    assert [p.amount for p in split_amount(definition, "LP", D("100.01")).parts] == [D("50.01"), D("25.00"), D("25.00")]


def test_split__down_truncates_and_half_up_rounds():
    definition = project(share("A", 50, rounding="down"), share("B", 50))
    assert [p.amount for p in split_amount(definition, "LP", D("0.99")).parts] == [D("0.49"), D("0.50")]


def test_split__without_a_residual_reports_what_no_share_covers():
    assert split_amount(project(share("A", 80, rounding="down")), "LP", D("1000.00")).unallocated == D("200.00")


def test_cumulative_rounding__the_second_period_gets_the_cent_the_first_truncated():
    f = financing(project(share("ERDF", 85, rounding="down"), share("OWN", 15, residual=True)),
                  cost("10.01", 1), cost("10.01", 2, number=2))
    assert parts(f, period=1) == {"ERDF": D("8.50"), "OWN": D("1.51")}
    assert parts(f, period=2) == {"ERDF": D("8.51"), "OWN": D("1.50")}
    assert f["LP"].cumulative("ERDF") == D("17.01")  # 85 % of 20.02, truncated: the contract's split


def test_period_rounding__rounds_each_period_on_its_own_where_the_contract_says_so():
    f = financing(project(share("ERDF", 85, rounding="down", rounding_basis="period"), share("OWN", 15, residual=True)),
                  cost("10.01", 1), cost("10.01", 2, number=2))
    assert [parts(f, period=n)["ERDF"] for n in (1, 2)] == [D("8.50"), D("8.50")]
    assert f["LP"].cumulative("OWN") == D("3.02")


def test_a_funder_pays_its_share_of_the_lines_it_pays_only():
    f = financing(project(share("EU", 85, rounding="down", budget_lines=("STAFF",)), share("MUN", 15, residual=True)),
                  cost("600.00"), cost("400.00", line="TRAVEL", number=2))
    assert parts(f) == {"EU": D("510.00"), "MUN": D("490.00")}
    assert f["LP"].exclusion("EU").lines_not_paid == D("400.00")


def test_vat_a_funder_does_not_pay_is_no_base_for_it():
    f = financing(project(share("ERDF", 85, rounding="down", vat_eligible=False), share("OWN", 15, residual=True)),
                  cost("1210.00", vat=D("210.00")))
    assert parts(f) == {"ERDF": D("850.00"), "OWN": D("360.00")}
    assert f["LP"].exclusion("ERDF").ineligible_vat == D("210.00")


def test_a_cost_outside_every_funders_dates_leaves_the_eligible_total():
    definition = project(share("ERDF", 85, rounding="down"), share("OWN", 15, residual=True))
    late = Cost("LP", 4, "STAFF", D("548.52"), document_date=date(2024, 12, 1), payment_date=date(2025, 3, 16),
                id="late", number=2)
    f = financing(definition, cost("1000.00", 4), late)
    period = f["LP"].periods[4]
    assert period.total == D("1000.00")
    assert period.not_claimed == {NO_SOURCE: D("548.52")}
    assert period.lines == {"STAFF": D("1548.52")}


def test_cap__what_exceeds_it_falls_to_the_residual_source():
    f = financing(project(share("ERDF", 85, rounding="down", cap=D("1000.00")), share("OWN", 15, residual=True)),
                  cost("1000.00", 1), cost("1000.00", 2, number=2))
    assert parts(f, period=1) == {"ERDF": D("850.00"), "OWN": D("150.00")}
    assert parts(f, period=2) == {"ERDF": D("150.00"), "OWN": D("850.00")}
    assert f["LP"].cut("ERDF") == D("700.00")


def test_cap__without_a_residual_the_excess_is_paid_by_no_source():
    f = financing(project(share("EU", 100, cap=D("500.00"))), cost("800.00"))
    assert parts(f) == {"EU": D("500.00")}
    assert f["LP"].unallocated() == D("300.00")


def test_project_wide_cap__partners_draw_on_it_in_turn_until_it_is_used():
    definition = project(share("EU", 100, cap=D("1500.00")), partners=("P1", "P2"))
    f = financing(definition, cost("1000.00", 1, partner="P1"), cost("1000.00", 1, partner="P2", number=2),
                  cost("100.00", 2, partner="P1", number=3))
    assert f["P1"].cumulative("EU", 1) == D("1000.00")
    assert f["P2"].cumulative("EU", 1) == D("500.00")
    assert f["P1"].cumulative("EU") == D("1000.00")  # nothing left for period 2
    assert f["P1"].unallocated() + f["P2"].unallocated() == D("600.00")


def test_fixed_sum__pays_the_costs_it_covers_until_used_then_the_residual_pays():
    definition = project(FundingAgreement(funder="LKT", amount=D("8000.00")), share("OWN", 20, rule="min",
                                                                                   residual=True))
    f = financing(definition, cost("6000.00", 1), cost("4000.00", 2, number=2))
    assert parts(f, period=1) == {"LKT": D("6000.00"), "OWN": D("0.00")}
    assert parts(f, period=2) == {"LKT": D("2000.00"), "OWN": D("2000.00")}


def test_fixed_sum__limited_to_its_budget_lines():
    definition = project(FundingAgreement(funder="KM", amount=D("500.00"), budget_lines=("TRAVEL",)),
                         share("OWN", 0, residual=True))
    f = financing(definition, cost("300.00"), cost("200.00", line="TRAVEL", number=2))
    assert parts(f) == {"KM": D("200.00"), "OWN": D("300.00")}


def test_covering_funders__names_a_residual_at_0_percent_but_not_another_source_at_0_percent():
    definition = project(FundingAgreement(funder="KM", amount=D("500.00")), share("VMS", 0),
                         share("OWN", 0, residual=True))
    assert covering_funders(definition, cost("300.00")) == {"KM", "OWN"}


def test_named_payers__replace_the_agreements_mix_for_that_cost():
    definition = project(share("KM", 50), share("VMS", 20), share("OWN", 30, residual=True))
    named = cost("1000.00", number=2, payers=(Payer("KM", D("600.00")), Payer("OWN", D("400.00"))))
    f = financing(definition, cost("100.00"), named)
    assert parts(f) == {"KM": D("650.00"), "VMS": D("20.00"), "OWN": D("430.00")}
    assert f.payer_problems == []
    allocation = {a.cost.id: a.parts for a in f.allocate([cost("100.00"), named])}
    assert allocation["e2"] == {"KM": D("600.00"), "VMS": D("0.00"), "OWN": D("400.00")}


def test_named_payer__outside_its_agreement_is_a_problem_still_counted_as_paid():
    definition = project(share("KM", 50, budget_lines=("STAFF",)), share("OWN", 50, residual=True))
    named = cost("100.00", line="TRAVEL", payers=(Payer("KM", D("100.00")),))
    f = financing(definition, named)
    assert [(p.funder, p.reason) for p in f.payer_problems] == [("KM", "line")]
    assert parts(f)["KM"] == D("100.00")


def test_flat_rate__computed_on_cumulative_staff_costs():
    rules = ContractRules(flat_rates=(FlatRate("OFFICE", D(15), ("STAFF",)),))
    definition = project(share("ERDF", 85, rounding="down"), share("OWN", 15, residual=True),
                         lines=("STAFF", "OFFICE"), rules=rules,
                         budget=(BudgetAmount("LP", "STAFF", D("1000")), BudgetAmount("LP", "OFFICE", D("150"))))
    f = financing(definition, cost("10.01", 1), cost("10.01", 2, number=2))
    assert [f["LP"].periods[n].flat_rates["OFFICE"] for n in (1, 2)] == [D("1.50"), D("1.50")]
    assert f["LP"].line_totals()["OFFICE"] == D("3.00")  # 15 % of 20.02, truncated


def test_indirect_costs_above_the_cap_are_not_claimed():
    rules = ContractRules(indirect_cap_percent=D(10), indirect_lines=("INDIRECT",))
    definition = project(share("FUND", 100), lines=("STAFF", "INDIRECT"), rules=rules)
    f = financing(definition, cost("1000.00"), cost("150.00", line="INDIRECT", number=2))
    period = f["LP"].periods[1]
    assert period.not_claimed == {INDIRECT_OVER_CAP: D("50.00")}
    assert parts(f) == {"FUND": D("1100.00")}
    assert period.line_parts["INDIRECT"] == {"FUND": D("100.00")}


def test_allocations__each_cost_gets_its_part_in_the_sequence_and_they_add_up_to_the_period():
    definition = project(share("ERDF", 85, rounding="down"), share("OWN", 15, residual=True))
    costs = [cost("0.07", 1, number=n) for n in range(1, 8)]
    f = financing(definition, *costs)
    allocations = f.allocate(costs)
    assert [a.parts["ERDF"] for a in allocations] == [D("0.05")] + [D("0.06")] * 6  # 85 % of 0.07, 0.14… truncated
    assert sum(a.parts["ERDF"] for a in allocations) == parts(f)["ERDF"] == D("0.41")


# Properties


amounts = st.integers(min_value=-10**9, max_value=10**9).map(from_cents)
positive = st.integers(min_value=0, max_value=10**9).map(from_cents)


@st.composite
def share_sets(draw):
    """Two to four sources with shares of up to four decimals, roundings and bases, the last one the residual."""
    count = draw(st.integers(min_value=2, max_value=4))
    agreements = []
    for i in range(count - 1):
        agreements.append(share(f"F{i}", draw(st.decimals(min_value=0, max_value=40, places=4)),
                                rounding=draw(st.sampled_from(["down", "half-up"]))))
    agreements.append(share(f"F{count - 1}", 0, residual=True))
    return project(*agreements)


def spread(costs_by_period: list[list[Decimal]]) -> list[Cost]:
    found, number = [], 0
    for period, items in enumerate(costs_by_period, 1):
        for amount in items:
            number += 1
            found.append(cost(str(amount), period, number=number))
    return found


per_period = st.lists(st.lists(amounts, max_size=4), min_size=PERIODS, max_size=PERIODS)


@settings(max_examples=150)
@given(share_sets(), per_period)
def test_property__cumulative_parts_equal_the_split_of_the_sum(definition, costs_by_period):
    costs = spread(costs_by_period)
    f = financing(definition, *costs)
    total = sum((c.eligible for c in costs), D("0"))
    contract = {p.funder: p.amount for p in split_amount(definition, "LP", total).parts}
    if costs:
        assert {a.funder: f["LP"].cumulative(a.funder) for a in definition.funding} == contract


@settings(max_examples=150)
@given(share_sets(), per_period)
def test_property__each_periods_parts_add_up_to_its_eligible_amount(definition, costs_by_period):
    f = financing(definition, *spread(costs_by_period))
    for period in f["LP"].periods.values():
        assert sum(p.amount for p in period.split.parts) == period.total


@settings(max_examples=150)
@given(share_sets(), st.lists(st.lists(positive, max_size=4), min_size=PERIODS, max_size=PERIODS))
def test_property__no_down_share_exceeds_its_rate(definition, costs_by_period):
    f = financing(definition, *spread(costs_by_period))
    for period in f["LP"].periods:
        for agreement in definition.funding:
            if agreement.rounding == "down" and not agreement.residual:
                assert f["LP"].cumulative(agreement.funder, period) <= (
                    f["LP"].total(period) * agreement.share / 100)


@settings(max_examples=150)
@given(positive, st.lists(st.lists(positive, max_size=4), min_size=PERIODS, max_size=PERIODS))
def test_property__a_fixed_sum_is_never_exceeded(granted, costs_by_period):
    definition = project(FundingAgreement(funder="LKT", amount=granted), share("OWN", 20, rule="min", residual=True))
    f = financing(definition, *spread(costs_by_period))
    for period in f["LP"].periods:
        assert D("0") <= f["LP"].cumulative("LKT", period) <= granted


@settings(max_examples=100)
@given(share_sets(), per_period)
def test_property__allocations_of_every_cost_add_up_to_the_periods_parts(definition, costs_by_period):
    costs = spread(costs_by_period)
    assume(costs)
    f = financing(definition, *costs)
    sums: dict[tuple[int, str], Decimal] = {}
    for allocation in f.allocate(costs):
        for funder, amount in allocation.parts.items():
            sums[(allocation.cost.period, funder)] = sums.get((allocation.cost.period, funder), D("0")) + amount
    for number, period in f["LP"].periods.items():
        for part in period.split.parts:
            assert sums.get((number, part.funder), D("0")) == part.amount
