"""Monthly exchange rates (units per euro), e.g. the Commission's accounting rates."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from reporter.domain.model import ExchangeRate

if TYPE_CHECKING:
    from reporter.store.database import Store


class RateStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def get(self, currency: str, month: str) -> Decimal | None:
        row = self.db.execute("SELECT rate FROM exchange_rates WHERE currency = ? AND month = ?",
                              [currency, month]).fetchone()
        return Decimal(row[0]) if row else None

    def put(self, rate: ExchangeRate) -> bool:
        """Store or replace one month's rate; returns whether anything changed. Call inside a transaction."""
        old = next(self.db.query("SELECT * FROM exchange_rates WHERE currency = ? AND month = ?",
                                 [rate.currency, rate.month]), None)
        new = {"currency": rate.currency, "month": rate.month, "rate": str(rate.rate), "source": rate.source}
        if old == new:
            return False
        self.db.execute("INSERT OR REPLACE INTO exchange_rates (currency, month, rate, source) VALUES (?, ?, ?, ?)",
                        list(new.values()))
        self.store.audit("update" if old else "insert", "exchange_rates", f"{rate.currency}/{rate.month}",
                         old=old, new=new)
        return True

    def list(self, currency: str | None = None) -> list[ExchangeRate]:
        sql, args = "SELECT * FROM exchange_rates", []
        if currency:
            sql, args = sql + " WHERE currency = ?", [currency]
        return [ExchangeRate(r["currency"], r["month"], Decimal(r["rate"]), r["source"])
                for r in self.db.query(sql + " ORDER BY currency, month", args)]
