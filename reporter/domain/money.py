"""Exact money: one parser, one formatter, rounding and integer cents.

Never use floating point in an accounting system. Every amount is a `Decimal`
in Python and an integer number of cents in the database; the only way in from
text is `parse_amount`, the only way out to a person is `format_amount`.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol

from reporter.domain.errors import UserError, problem
from reporter.domain.limits import MAX_AMOUNT, amount_problem
from reporter.domain.messages import Number

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# Spaces people and spreadsheets put between thousands groups.
_GROUP_SPACES = " \u00a0\u202f\u2009"
_MINUS_SIGNS = "-\u2212\u2013"
_SHAPE = re.compile(r"^[0-9][0-9., \u00a0\u202f\u2009]*$")


class AmountError(UserError):
    """An amount could not be read exactly."""


def D(value: str | int | Decimal) -> Decimal:
    """The one constructor for a money amount in code and tests: exact, to the cent."""
    amount = Decimal(value)
    if amount != amount.quantize(CENT):
        raise AmountError(problem("", "amount.decimals", value=str(value)))
    return amount.quantize(CENT)


def parse_amount(text: str | int | Decimal, field: str = "amount") -> Decimal:
    """Read an amount written as 1234.56, 1 234,56, 1.234,56 or 1,234.56.

    The decimal separator is the last '.' or ',' when it is followed by one or
    two digits; the other separator (or a space) groups thousands. A single
    separator followed by exactly three digits ("1,234") could be either, so it
    is refused rather than guessed.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
        raise AmountError(problem(field, "amount.not_amount", value=repr(text)))
    if isinstance(text, (int, Decimal)):
        if isinstance(text, Decimal) and not text.is_finite():
            raise AmountError(problem(field, "amount.not_amount", value=repr(str(text))))
        if abs(text) > MAX_AMOUNT:  # before rounding to the cent could fail on it
            raise AmountError(amount_problem(Decimal(text), field))  # type: ignore[arg-type]
        try:
            amount = D(text)
        except (AmountError, InvalidOperation):
            raise AmountError(problem(field, "amount.not_cents", value=Number(text))) from None
        return _bounded(amount, field)
    raw = text
    text = text.strip()
    if not text:
        raise AmountError(problem(field, "amount.required"))
    negative = text[0] in _MINUS_SIGNS
    if negative:
        text = text[1:].lstrip()
    if not _SHAPE.match(text):
        raise AmountError(problem(field, "amount.not_amount", value=repr(raw)))
    integer_part, fraction = _split_decimal(text, raw, field)
    digits = _ungroup(integer_part, raw, field)
    amount = Decimal(f"{digits}.{fraction.ljust(2, '0')}")
    return _bounded(-amount if negative else amount, field)


def _bounded(amount: Decimal, field: str) -> Decimal:
    """Every amount read is within ±999 999 999.99 (`limits.MAX_AMOUNT`)."""
    found = amount_problem(amount, field)
    if found is not None:
        raise AmountError(found)
    return amount


def _split_decimal(text: str, raw: str, field: str) -> tuple[str, str]:
    """Split off the cents, refusing anything that could be read two ways."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_sep = "." if text.rfind(".") > text.rfind(",") else ","
        if text.count(decimal_sep) > 1:
            raise AmountError(problem(field, "amount.separators", value=repr(raw)))
    elif dots == 1 or commas == 1:
        decimal_sep = "." if dots else ","
    else:
        return text, ""  # no separator, or one repeated: thousands groups only
    integer_part, _, fraction = text.rpartition(decimal_sep)
    if len(fraction) == 3 and fraction.isdigit() and not (dots and commas) and not _has_space(integer_part):
        raise AmountError(problem(field, "amount.ambiguous", value=repr(raw), whole=integer_part + fraction,
                                  decimal=Number(f"{integer_part}.{fraction}")))
    if not fraction.isdigit() or len(fraction) > 2:
        raise AmountError(problem(field, "amount.cents", value=repr(raw)))
    if not integer_part:
        raise AmountError(problem(field, "amount.no_integer_part", value=repr(raw)))
    return integer_part, fraction


def _has_space(text: str) -> bool:
    return any(space in text for space in _GROUP_SPACES)


def _ungroup(integer_part: str, raw: str, field: str) -> str:
    """Remove thousands separators after checking every group has three digits."""
    normalised = integer_part
    for space in _GROUP_SPACES:
        normalised = normalised.replace(space, " ")
    separators = {c for c in normalised if not c.isdigit()}
    if not separators:
        return normalised
    if len(separators) > 1 or not re.fullmatch(
        rf"[0-9]{{1,3}}({re.escape(separators.pop())}[0-9]{{3}})*", normalised
    ):
        raise AmountError(problem(field, "amount.groups", value=repr(raw)))
    return "".join(c for c in normalised if c.isdigit())


def format_amount(amount: Decimal, lang: str = "en") -> str:
    """An amount as a person reads it: `263,449.92` in English, `263 449,92` in lt/lv.

    A non-negative amount in cents (nearly all of a report's 100 000 rows) is grouped by Python and given
    babel's symbols for the language: the same text as babel's pattern, without its per-call parsing.
    """
    if isinstance(amount, Decimal):
        text = format(amount, ",")
        if text[-3:-2] == "." and text[0] != "-" and "E" not in text:
            group, decimal = _symbols(lang)
            return text.replace(",", group).replace(".", decimal)
    return format_decimal(amount, format="#,##0.00", locale=lang)


@lru_cache(maxsize=None)
def _symbols(lang: str) -> tuple[str, str]:
    return get_group_symbol(lang), get_decimal_symbol(lang)


def format_percent(value: Decimal, lang: str = "en") -> str:
    """A percentage as the language writes it, without trailing zeros: `85`, `7.5` (en), `7,5` (lt/lv)."""
    return format_decimal(value, format="0.####", locale=lang)


def plain(amount: Decimal) -> str:
    """An amount for machines (JSON, CSV): always '.' and exactly two decimals."""
    return str(amount.quantize(CENT))


def tidy_percent(value: Decimal) -> int | Decimal:
    """A percentage as people write it: 85 rather than 85.0, 7.5 rather than 7.50."""
    return int(value) if value == value.to_integral_value() else value.normalize()


def round_half_up(value: Decimal) -> Decimal:
    """Round to the cent, halves away from zero (the accounting convention)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_down(value: Decimal) -> Decimal:
    """Truncate to the cent towards zero, as EU programmes do for the fund share."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


def to_cents(amount: Decimal) -> int:
    """Integer cents for the database; refuses an amount that is not whole cents."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise AmountError(problem("", "amount.not_whole_cents", value=Number(amount)))
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def parse_decimal(text: str | int | Decimal, field: str, max_places: int) -> Decimal:
    """Read a plain decimal such as a rate or a percentage ('4.3150', '12,5').

    Unlike amounts these are never grouped, so '.' and ',' both mean the decimal point.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, Decimal)):
        raise AmountError(problem(field, "number.not_number", value=repr(text)))
    if isinstance(text, (int, Decimal)):
        value = Decimal(text)
        if not value.is_finite() or abs(value.adjusted()) > 20:  # NaN, infinity, 1E+999999
            raise AmountError(problem(field, "number.not_number", value=repr(str(text))))
    else:
        cleaned = text.strip().replace(",", ".")
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cleaned):
            raise AmountError(problem(field, "number.not_number", value=repr(text)))
        value = Decimal(cleaned)
    if -value.as_tuple().exponent > max_places:  # type: ignore[operator]
        raise AmountError(problem(field, "number.decimals", value=str(text), places=max_places))
    return value


def parse_percent(text: str | int | Decimal, field: str = "share") -> Decimal:
    """A percentage from 0 to 100, with at most four decimals ('85', '12,5 %'), written one way: 7.50 and 7.5
    are 7.5, 0.0 is 0 (so a project file exported and loaded again changes nothing)."""
    if isinstance(text, str):
        text = text.strip().removesuffix("%").strip()
    value = parse_decimal(text, field, max_places=4)
    if not Decimal(0) <= value <= Decimal(100):
        raise AmountError(problem(field, "percent.range", value=Number(value)))
    return Decimal(tidy_percent(value))
