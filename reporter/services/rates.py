"""Monthly exchange rates as the window keeps them: the list, one rate added, a month's rates imported
from a CSV file (currency, month, rate), and the rate of a document's month.

A thin layer over `reporter.services.currency`, which stores and checks each rate.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reporter.domain.currency import EURO, FIXED_EURO_RATES, currency_code, month_key, parse_rate
from reporter.domain.errors import Problem, UserError, ValidationError, problem
from reporter.domain.model import ExchangeRate
from reporter.services.currency import list_rates, set_rate
from reporter.store import Store

__all__ = ["RateImport", "add_rate", "import_rates_csv", "list_rates", "month_rate", "read_rates_csv"]


@dataclass(frozen=True)
class RateImport:
    rates: list[ExchangeRate]  # every rate of the file, in its order
    changed: int  # how many were new or different from the stored ones


def add_rate(store: Store, currency: str, month: str, rate: str, source: str = "") -> ExchangeRate:
    """Store (or replace) one month's rate per euro."""
    return set_rate(store, currency, month, rate, source)


def month_rate(store: Store, currency: str, day: date) -> Decimal | None:
    """The rate per euro a document of `day` converts at unless one is given: fixed (LTL, LVL), the stored rate
    of its month, or None when none is stored (the euro: 1)."""
    if currency == EURO:
        return Decimal(1)
    if currency in FIXED_EURO_RATES:
        return FIXED_EURO_RATES[currency]
    return store.rates.get(currency, day.isoformat()[:7])


def read_rates_csv(text: str) -> list[tuple[int, str, str, str, str]]:
    """The rows of a rates file as (line, currency, month, rate, source): ',' or ';' between columns, a header
    row (currency, month, rate[, source]) optional, empty lines skipped."""
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].casefold() in ("currency", "valiuta", "valūta"):
            continue
        cells += [""] * (4 - len(cells))
        rows.append((number, cells[0], cells[1], cells[2], cells[3]))
    return rows


def import_rates_csv(store: Store, path: Path, source: str | None = None) -> RateImport:
    """Store every rate of a CSV file (currency, month, rate[, source]) in one transaction; with any bad row
    nothing is stored and each bad row is named."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(problem(str(path), "file.missing")) from None
    except UnicodeDecodeError:
        raise UserError(problem(str(path), "file.not_utf8")) from None
    rows = read_rates_csv(text)
    problems: list[Problem] = []
    parsed: list[tuple[str, str, str, str]] = []
    for number, currency, month, rate, row_source in rows:
        where = f"{path.name}:{number}"
        try:
            code = currency_code(currency)
            if code == EURO or code in FIXED_EURO_RATES:
                raise UserError(problem("currency", "currency.fixed", currency=code))
            parsed.append((code, month_key(month), str(parse_rate(rate)), row_source or source or path.name))
        except UserError as error:
            problems.append(error.placed(where))
    if problems:
        raise ValidationError(problems, problem(str(path), "rates.problems", count=len(problems)))
    imported: list[ExchangeRate] = []
    changed = 0
    with store.transaction():
        for code, month, rate, row_source in parsed:
            rate_record = ExchangeRate(code, month, Decimal(rate), row_source)
            changed += store.rates.put(rate_record)
            imported.append(rate_record)
    return RateImport(imported, changed)
