"""Exchange rates and conversion to euro."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporter.domain.currency import (
    EURO,
    FIXED_EURO_RATES,
    CurrencyError,
    currency_code,
    month_key,
    parse_rate,
    to_euro,
)
from reporter.domain.errors import problem
from reporter.domain.model import ExchangeRate
from reporter.domain.money import parse_amount
from reporter.store import Store


@dataclass(frozen=True)
class Conversion:
    amount: Decimal
    currency: str
    rate: Decimal
    rate_source: str  # "fixed", "stored" or "given"
    month: str | None
    euro: Decimal


def convert_to_euro(store: Store, amount_text: str, code: str, month: str | None = None,
                    rate_text: str | None = None) -> Conversion:
    """Convert an amount to euro with the fixed rate, a given rate, or the stored rate of the month."""
    amount = parse_amount(amount_text, "amount")
    currency = currency_code(code)
    if month is not None:
        month = month_key(month)
    if currency == EURO:
        return Conversion(amount, currency, Decimal(1), "fixed", month, amount)
    if currency in FIXED_EURO_RATES:
        rate, source = FIXED_EURO_RATES[currency], "fixed"
    elif rate_text:
        rate, source = parse_rate(rate_text), "given"
    else:
        month = month or date.today().isoformat()[:7]
        stored = store.rates.get(currency, month)
        if stored is None:
            raise CurrencyError(problem("rate", "rate.not_stored", currency=currency, month=month))
        rate, source = stored, "stored"
    return Conversion(amount, currency, rate, source, month, to_euro(amount, rate))


def set_rate(store: Store, code: str, month: str, rate_text: str, source: str = "") -> ExchangeRate:
    currency = currency_code(code)
    if currency == EURO or currency in FIXED_EURO_RATES:
        raise CurrencyError(problem("currency", "currency.fixed", currency=currency))
    rate = ExchangeRate(currency, month_key(month), parse_rate(rate_text), source.strip())
    with store.transaction():
        store.rates.put(rate)
    return rate


def list_rates(store: Store, code: str | None = None) -> list[ExchangeRate]:
    return store.rates.list(currency_code(code) if code else None)
