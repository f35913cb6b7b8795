from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporter.domain.money import (
    D,
    AmountError,
    format_amount,
    from_cents,
    parse_amount,
    parse_percent,
    plain,
    round_down,
    round_half_up,
    to_cents,
)

amounts = st.integers(min_value=-99_999_999_999, max_value=99_999_999_999).map(from_cents)  # ±999 999 999.99


@pytest.mark.parametrize("text", ["1234.56", "1 234,56", "1.234,56", "1,234.56", "1\u00a0234,56", "1\u202f234.56",
                                  " 1234,56 ", "001234.56"])
def test_parse_amount__accepts_every_unambiguous_way_of_writing_it(text):
    assert parse_amount(text) == Decimal("1234.56")


@pytest.mark.parametrize("text, expected", [
    ("12", "12.00"), ("12,5", "12.50"), ("0.05", "0.05"), ("-7,10", "-7.10"), ("\u22127.10", "-7.10"),
    ("1,234,567", "1234567.00"), ("1.234.567,89", "1234567.89"), ("1 234 567", "1234567.00"),
])
def test_parse_amount__reads_signs_groups_and_short_decimals(text, expected):
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text, reason", [
    ("1,234", "ambiguous"), ("1.234", "ambiguous"), ("12.345", "ambiguous"),
    ("1,234.567", "one or two digits"), ("12.", "one or two digits"), ("1 234,567", "one or two digits"),
    ("1,23,456.00", "three digits"), ("1 23,45", "three digits"), ("1.2.3", "three digits"),
    ("1,234.56.7", "more than one decimal separator"), ("12 EUR", "not an amount"), ("abc", "not an amount"),
    ("", "required"), (".5", "not an amount"), ("1e3", "not an amount"),
])
def test_parse_amount__refuses_what_it_would_have_to_guess(text, reason):
    with pytest.raises(AmountError, match=reason):
        parse_amount(text, "gross")


def test_parse_amount__names_the_field_in_its_message():
    with pytest.raises(AmountError, match=r"^vat: '1,234' is ambiguous"):
        parse_amount("1,234", "vat")


def test_parse_amount__refuses_a_decimal_with_fractions_of_a_cent():
    with pytest.raises(AmountError):
        parse_amount(Decimal("1.005"))


@pytest.mark.parametrize("lang, text", [("en", "263,449.92"), ("lt", "263\u00a0449,92"), ("lv", "263\u00a0449,92")])
def test_format_amount__uses_the_language_number_format(lang, text):
    assert format_amount(D("263449.92"), lang) == text


@given(st.one_of(amounts, st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=-10 ** 12,
                                      max_value=10 ** 12)),  # beyond any amount the program accepts (limits)
       st.sampled_from(["en", "lt", "lv"]))
def test_format_amount__writes_what_babel_writes_for_any_decimal(amount, lang):
    from babel.numbers import format_decimal

    assert format_amount(amount, lang) == format_decimal(amount, format="#,##0.00", locale=lang)


@given(amounts, st.sampled_from(["en", "lt", "lv"]))
def test_parse_amount__reads_back_what_format_amount_wrote(amount, lang):
    assert parse_amount(format_amount(amount, lang)) == amount


@given(amounts)
def test_parse_amount__reads_back_plain_text(amount):
    assert parse_amount(plain(amount)) == amount


@given(st.lists(st.integers(min_value=-10**11, max_value=10**11), max_size=200))
def test_sums__in_decimal_equal_the_sum_of_integer_cents(cents):
    assert sum((from_cents(c) for c in cents), Decimal("0.00")) == from_cents(sum(cents))
    assert to_cents(sum((from_cents(c) for c in cents), Decimal(0))) == sum(cents)


@given(amounts)
def test_cents__round_trip_exactly(amount):
    assert from_cents(to_cents(amount)) == amount


def test_to_cents__refuses_fractions_of_a_cent():
    with pytest.raises(AmountError):
        to_cents(Decimal("0.001"))


@pytest.mark.parametrize("value, half_up, down", [
    ("0.005", "0.01", "0.00"), ("0.0149", "0.01", "0.01"), ("-0.005", "-0.01", "-0.00"), ("1851.8505", "1851.85", "1851.85"),
    ("2.675", "2.68", "2.67"),
])
def test_rounding__half_up_and_down_to_the_cent(value, half_up, down):
    assert round_half_up(Decimal(value)) == Decimal(half_up)
    assert round_down(Decimal(value)) == Decimal(down)


def test_D__refuses_sub_cent_amounts_so_tests_cannot_hide_them():
    assert D("12") == Decimal("12.00")
    with pytest.raises(AmountError):
        D("0.001")


@pytest.mark.parametrize("text, expected", [("85", "85"), ("12,5 %", "12.5"), ("7.5%", "7.5"), (Decimal("33.3333"), "33.3333")])
def test_parse_percent__reads_shares(text, expected):
    assert parse_percent(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["101", "-1", "abc", "12.34567"])
def test_parse_percent__refuses_impossible_shares(text):
    with pytest.raises(AmountError):
        parse_percent(text)
