"""Payments funders really made (and money returned to them)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from reporter.domain.errors import NotFound, problem
from reporter.domain.model import Payment
from reporter.domain.money import from_cents, to_cents

if TYPE_CHECKING:
    from reporter.store.database import Store
    from reporter.store.projects import ProjectIds

_SELECT = """
SELECT pay.*, f.code AS funder, p.code AS partner FROM payments pay
JOIN funders f ON f.id = pay.funder_id LEFT JOIN partners p ON p.id = pay.partner_id
"""


class PaymentStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def insert(self, ids: "ProjectIds", payment: Payment) -> Payment:
        """Call inside a transaction."""
        from reporter.store.database import new_id, now

        saved = Payment(payment.funder, payment.partner, payment.date, payment.amount, payment.kind, payment.note,
                        new_id())
        self.store.insert("payments", {
            "id": saved.id, "project_id": ids.project, "funder_id": ids.funders[saved.funder],
            "partner_id": ids.partners[saved.partner] if saved.partner else None,
            "payment_date": saved.date.isoformat(), "amount_cents": to_cents(saved.amount), "kind": saved.kind,
            "note": saved.note, "created_at": now()})
        return saved

    def list(self, project_id: str) -> list[Payment]:
        return [_payment(r) for r in self.db.query(
            f"{_SELECT} WHERE pay.project_id = ? ORDER BY pay.payment_date, pay.created_at, pay.id", [project_id])]

    def delete(self, project_id: str, payment_id: str) -> Payment:
        """Call inside a transaction."""
        row = next(self.db.query("SELECT * FROM payments WHERE project_id = ? AND id = ?", [project_id, payment_id]),
                   None)
        if row is None:
            raise NotFound(problem("payment", "payment.unknown", id=payment_id))
        found = _payment(next(self.db.query(f"{_SELECT} WHERE pay.id = ?", [payment_id])))
        self.store.delete("payments", row)
        return found


def _payment(row: dict[str, Any]) -> Payment:
    return Payment(row["funder"], row["partner"], date.fromisoformat(row["payment_date"]),
                   from_cents(row["amount_cents"]), row["kind"], row["note"], row["id"])
