"""The coordinator's explanations of budget variances."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reporter.domain.model import Explanation

if TYPE_CHECKING:
    from reporter.store.database import Store
    from reporter.store.projects import ProjectIds

_SELECT = """
SELECT x.*, rp.number AS period, p.code AS partner, bl.code AS line FROM explanations x
JOIN reporting_periods rp ON rp.id = x.period_id JOIN budget_lines bl ON bl.id = x.budget_line_id
LEFT JOIN partners p ON p.id = x.partner_id
"""


class ExplanationStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def set(self, ids: "ProjectIds", explanation: Explanation) -> None:
        """Keep, change or (empty text) remove one explanation; call inside a transaction."""
        from reporter.store.database import new_id, now

        period_id = ids.periods[explanation.period]
        partner_id = ids.partners[explanation.partner] if explanation.partner else None
        line_id = ids.budget_lines[explanation.line]
        row = next(self.db.query(
            "SELECT * FROM explanations WHERE period_id = ? AND coalesce(partner_id, '') = ? AND budget_line_id = ?",
            [period_id, partner_id or "", line_id]), None)
        if row is not None and not explanation.text:
            self.store.delete("explanations", row)
        elif row is not None:
            self.store.update("explanations", row, {"text": explanation.text, "updated_at": now()})
        elif explanation.text:
            self.store.insert("explanations", {
                "id": new_id(), "project_id": ids.project, "period_id": period_id, "partner_id": partner_id,
                "budget_line_id": line_id, "text": explanation.text, "updated_at": now()})

    def list(self, project_id: str, period: int | None = None) -> list[Explanation]:
        where, args = "x.project_id = ?", [project_id]
        if period is not None:
            where, args = where + " AND rp.number = ?", [*args, period]
        return [Explanation(r["period"], r["partner"], r["line"], r["text"]) for r in self.db.query(
            f"{_SELECT} WHERE {where} ORDER BY rp.number, coalesce(p.position, -1), bl.position", args)]
