"""The co-financing split: exact to the cent, rounding as the contract says."""

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from reporter.domain.allocation import ShareTerms, split
from reporter.domain.money import D, from_cents


def test_split__interreg_example_as_the_monitoring_system_computes_it():
    result = split(D("10000.01"), [
        ShareTerms("ERDF", Decimal(85), "down"),
        ShareTerms("PARTNER", Decimal(15), residual=True),
        ShareTerms("AUTOMATIC-PUBLIC", Decimal(5), "half-up", part_of="PARTNER"),
        ShareTerms("PUBLIC", Decimal(10), "half-up", part_of="PARTNER"),
    ])
    assert [(p.funder, p.amount) for p in result.parts] == [
        ("ERDF", D("8500.00")), ("PARTNER", D("1500.01")), ("AUTOMATIC-PUBLIC", D("500.00")), ("PUBLIC", D("1000.00"))]
    assert result.unallocated == D("0.00")


def test_split__remainder_cent_goes_to_the_residual_funder():
    result = split(D("100.01"), [ShareTerms("EU", Decimal(50), "half-up"), ShareTerms("STATE", Decimal(25), "half-up"),
                                 ShareTerms("OWN", Decimal(25), residual=True)])
    assert [p.amount for p in result.parts] == [D("50.01"), D("25.00"), D("25.00")]


def test_split__down_truncates_and_half_up_rounds():
    result = split(D("0.99"), [ShareTerms("A", Decimal(50), "down"), ShareTerms("B", Decimal(50), "half-up")])
    assert [p.amount for p in result.parts] == [D("0.49"), D("0.50")]


def test_split__without_a_residual_reports_what_no_share_covers():
    result = split(D("1000.00"), [ShareTerms("A", Decimal(80), "down")])
    assert result.unallocated == D("200.00")


def test_split__a_funder_pays_its_share_of_its_own_base_only():
    result = split(D("1000.00"), [ShareTerms("EU", Decimal(85), "down", base=D("600.00")),
                                  ShareTerms("MUN", Decimal(15), residual=True)])
    assert [p.amount for p in result.parts] == [D("510.00"), D("490.00")]


def test_split__refuses_two_residuals_on_one_level():
    with pytest.raises(ValueError):
        split(D("1"), [ShareTerms("A", Decimal(50), residual=True), ShareTerms("B", Decimal(50), residual=True)])


cents = st.integers(min_value=-10**12, max_value=10**12).map(from_cents)


@st.composite
def share_sets(draw):
    """Two to five funders with shares of up to four decimals, and maybe a residual."""
    count = draw(st.integers(min_value=2, max_value=5))
    shares = [draw(st.decimals(min_value=0, max_value=100, places=4)) for _ in range(count)]
    roundings = [draw(st.sampled_from(["down", "half-up"])) for _ in range(count)]
    residual = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=count - 1)))
    return [ShareTerms(f"F{i}", shares[i], roundings[i], residual == i) for i in range(count)]


@given(cents, share_sets())
def test_split__with_a_residual_the_parts_add_up_to_the_total_exactly(total, terms):
    assume(any(t.residual for t in terms))
    result = split(total, terms)
    assert sum(p.amount for p in result.parts) == total
    assert result.unallocated == 0


@given(cents, share_sets())
def test_split__every_part_is_whole_cents(total, terms):
    for part in split(total, terms).parts:
        assert part.amount == part.amount.quantize(Decimal("0.01"))


@given(st.integers(min_value=0, max_value=10**12).map(from_cents), share_sets())
def test_split__no_down_share_exceeds_its_rate(total, terms):
    for term, part in zip(terms, split(total, terms).parts):
        if term.rounding == "down" and not term.residual:
            assert part.amount <= total * term.share_percent / 100


@given(cents, share_sets())
def test_split__only_the_residual_absorbs_cents(total, terms):
    for term, part in zip(terms, split(total, terms).parts):
        if not term.residual:
            assert abs(part.amount - total * term.share_percent / 100) < Decimal("0.01")
