"""What the project pays its sub-grantees (and money they pay back)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from reporter.domain.errors import NotFound, problem
from reporter.domain.model import SubGrantPayment
from reporter.domain.money import from_cents, to_cents

if TYPE_CHECKING:
    from reporter.store.database import Store

_SELECT = """
SELECT pay.*, p.code AS partner FROM sub_grant_payments pay
JOIN sub_grants g ON g.id = pay.sub_grant_id JOIN partners p ON p.id = g.partner_id
"""


class SubGrantStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def insert(self, project_id: str, payment: SubGrantPayment) -> SubGrantPayment:
        """Call inside a transaction; the sub-grantee must have a sub-grant in the project."""
        from reporter.store.database import new_id, now

        grant = self.db.execute("""SELECT g.id FROM sub_grants g JOIN partners p ON p.id = g.partner_id
                                   WHERE g.project_id = ? AND p.code = ?""", [project_id, payment.partner]).fetchone()
        if grant is None:
            raise NotFound(problem("partner", "sub_grant.unknown", partner=payment.partner, known="–"))
        saved = SubGrantPayment(payment.partner, payment.date, payment.amount, payment.kind, payment.note, new_id())
        self.store.insert("sub_grant_payments", {
            "id": saved.id, "project_id": project_id, "sub_grant_id": grant[0],
            "payment_date": saved.date.isoformat(), "amount_cents": to_cents(saved.amount), "kind": saved.kind,
            "note": saved.note, "created_at": now()})
        return saved

    def list(self, project_id: str) -> list[SubGrantPayment]:
        return [_payment(r) for r in self.db.query(
            f"{_SELECT} WHERE pay.project_id = ? ORDER BY pay.payment_date, pay.created_at, pay.id", [project_id])]

    def delete(self, project_id: str, payment_id: str) -> SubGrantPayment:
        """Call inside a transaction."""
        row = next(self.db.query("SELECT * FROM sub_grant_payments WHERE project_id = ? AND id = ?",
                                 [project_id, payment_id]), None)
        if row is None:
            raise NotFound(problem("payment", "sub_grant.payment_unknown", id=payment_id))
        found = _payment(next(self.db.query(f"{_SELECT} WHERE pay.id = ?", [payment_id])))
        self.store.delete("sub_grant_payments", row)
        return found


def _payment(row: dict[str, Any]) -> SubGrantPayment:
    return SubGrantPayment(row["partner"], date.fromisoformat(row["payment_date"]), from_cents(row["amount_cents"]),
                           row["kind"], row["note"], row["id"])
