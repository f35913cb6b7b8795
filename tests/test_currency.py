from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporter.domain.currency import (
    FIXED_EURO_RATES,
    CurrencyError,
    convert,
    currency_code,
    from_euro,
    month_key,
    parse_rate,
    to_euro,
)
from reporter.domain.money import D, from_cents
from reporter.services.currency import convert_to_euro, set_rate


def test_to_euro__divides_by_the_rate_and_rounds_half_up():
    assert to_euro(D("1234.56"), Decimal("4.3150")) == D("286.11")


def test_fixed_rates__are_the_legal_changeover_rates():
    assert FIXED_EURO_RATES == {"LTL": Decimal("3.45280"), "LVL": Decimal("0.702804")}
    assert to_euro(D("345.28"), FIXED_EURO_RATES["LTL"]) == D("100.00")
    assert to_euro(D("70.28"), FIXED_EURO_RATES["LVL"]) == D("100.00")


def test_convert__goes_through_the_euro_rounding_at_each_step():
    rates = {"PLN": Decimal("4.3150"), "USD": Decimal("1.0823")}
    assert convert(D("1234.56"), "PLN", "EUR", rates.__getitem__) == D("286.11")
    assert convert(D("100.00"), "EUR", "USD", rates.__getitem__) == D("108.23")
    assert convert(D("1234.56"), "PLN", "USD", rates.__getitem__) == from_euro(D("286.11"), Decimal("1.0823"))
    assert convert(D("5.00"), "EUR", "EUR", rates.__getitem__) == D("5.00")


@given(st.integers(min_value=-10**10, max_value=10**10).map(from_cents),
       st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000"), places=4))
def test_to_euro__always_gives_whole_cents(amount, rate):
    assert to_euro(amount, rate) == to_euro(amount, rate).quantize(Decimal("0.01"))


@pytest.mark.parametrize("code", ["eur", "PLN", " usd ", "LTL", "LVL", "SEK"])
def test_currency_code__accepts_iso_4217_codes(code):
    assert currency_code(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["EURO", "XYZ", "", "€"])
def test_currency_code__refuses_unknown_codes(code):
    with pytest.raises(CurrencyError, match="ISO 4217"):
        currency_code(code)


@pytest.mark.parametrize("text", ["2024-13", "2024-1", "24-01", "2024/01"])
def test_month_key__refuses_what_is_not_yyyy_mm(text):
    with pytest.raises(CurrencyError):
        month_key(text)


@pytest.mark.parametrize("text", ["0", "-1.2", "abc", "1.1234567"])
def test_parse_rate__refuses_unusable_rates(text):
    with pytest.raises(CurrencyError if text in ("0", "-1.2") else Exception):
        parse_rate(text)


def test_convert_to_euro__uses_the_stored_rate_of_the_month(store):
    set_rate(store, "PLN", "2024-03", "4,3150", "EC accounting rate")
    result = convert_to_euro(store, "1 234,56", "pln", month="2024-03")
    assert (result.euro, result.rate, result.rate_source) == (D("286.11"), Decimal("4.3150"), "stored")


def test_convert_to_euro__names_the_missing_rate(store):
    with pytest.raises(CurrencyError, match="no PLN rate stored for 2024-04"):
        convert_to_euro(store, "10", "PLN", month="2024-04")


def test_set_rate__refuses_a_monthly_rate_for_a_fixed_currency(store):
    with pytest.raises(CurrencyError, match="fixed"):
        set_rate(store, "LTL", "2024-03", "3.5")
