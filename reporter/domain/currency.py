"""Currencies and conversion.

Rates are quoted as units of a currency per one euro (as the ECB and the
Commission publish them): 1 EUR = 4.3150 PLN. A national amount converts to
euro by dividing by that rate, and euro to another currency by multiplying;
no inverse rate is ever stored. Each conversion rounds half-up to the cent.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Callable

from babel.numbers import list_currencies

from reporter.domain.errors import UserError, problem
from reporter.domain.limits import check_rate, check_year
from reporter.domain.messages import Number
from reporter.domain.money import parse_decimal, round_half_up

EURO = "EUR"

# The irrevocably fixed conversion rates of the euro changeover.
FIXED_EURO_RATES: dict[str, Decimal] = {
    "LTL": Decimal("3.45280"),  # Lithuania, 2015-01-01
    "LVL": Decimal("0.702804"),  # Latvia, 2014-01-01
}

RATE_PLACES = 6
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
# Codes of ISO 4217 that are no currency: precious metals, IMF and bond-market units, the test and "no currency" codes.
_NOT_CURRENCIES = frozenset({"XAG", "XAU", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD", "XSU", "XUA", "XTS",
                             "XXX", "XFO", "XFU", "XRE"})
_KNOWN_CODES = frozenset(list_currencies()) - _NOT_CURRENCIES


class CurrencyError(UserError):
    """A currency code, month or rate is not usable."""


def currency_code(text: str, field: str = "currency") -> str:
    """An ISO 4217 code in capitals, or a clear refusal."""
    code = text.strip().upper() if isinstance(text, str) else ""
    if code not in _KNOWN_CODES:
        raise CurrencyError(problem(field, "currency.unknown", value=repr(text)))
    return code


def month_key(text: str, field: str = "month") -> str:
    """A month written YYYY-MM (ASCII digits), from 1990 to 2100."""
    found = _MONTH.fullmatch(text.strip())
    if not found:
        raise CurrencyError(problem(field, "month.not_iso", value=repr(text)))
    check_year(int(found.group(1)), field)
    return text.strip()


def parse_rate(text: str | Decimal, field: str = "rate") -> Decimal:
    """A rate of units per euro: positive, at most six decimals, within what a currency could be worth."""
    rate = parse_decimal(text, field, max_places=RATE_PLACES)
    if rate <= 0:
        raise CurrencyError(problem(field, "rate.not_positive", rate=Number(rate)))
    return check_rate(rate, field)


def to_euro(amount: Decimal, rate: Decimal) -> Decimal:
    """National amount → euro: divide by the rate, round half-up to the cent."""
    return round_half_up(amount / rate)


def from_euro(amount: Decimal, rate: Decimal) -> Decimal:
    """Euro → another currency: multiply by the rate, round half-up to the cent."""
    return round_half_up(amount * rate)


RateLookup = Callable[[str], Decimal]
"""Gives the rate per euro of a currency (for the month in question)."""


def convert(amount: Decimal, source: str, target: str, rate_of: RateLookup) -> Decimal:
    """Convert between any two currencies through the euro, rounding at each step."""
    if source == target:
        return amount
    in_euro = amount if source == EURO else to_euro(amount, rate_of(source))
    return in_euro if target == EURO else from_euro(in_euro, rate_of(target))
