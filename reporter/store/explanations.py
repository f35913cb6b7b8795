"""The coordinator's explanations: of a budget line's variance, or of an activity's deviation from its plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reporter.domain.model import Explanation

if TYPE_CHECKING:
    from reporter.store.database import Store
    from reporter.store.projects import ProjectIds

_SELECT = """
SELECT x.*, rp.number AS period, p.code AS partner, bl.code AS line, a.code AS activity FROM explanations x
JOIN reporting_periods rp ON rp.id = x.period_id LEFT JOIN budget_lines bl ON bl.id = x.budget_line_id
LEFT JOIN activities a ON a.id = x.activity_id LEFT JOIN partners p ON p.id = x.partner_id
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
        line_id = ids.budget_lines[explanation.line] if explanation.line else None
        activity_id = ids.activities[explanation.activity] if explanation.activity else None
        row = next(self.db.query(
            "SELECT * FROM explanations WHERE period_id = ? AND coalesce(partner_id, '') = ? "
            "AND coalesce(budget_line_id, '') = ? AND coalesce(activity_id, '') = ?",
            [period_id, partner_id or "", line_id or "", activity_id or ""]), None)
        if row is not None and not explanation.text:
            self.store.delete("explanations", row)
        elif row is not None:
            self.store.update("explanations", row, {"text": explanation.text, "updated_at": now()})
        elif explanation.text:
            self.store.insert("explanations", {
                "id": new_id(), "project_id": ids.project, "period_id": period_id, "partner_id": partner_id,
                "budget_line_id": line_id, "activity_id": activity_id, "text": explanation.text,
                "updated_at": now()})

    def list(self, project_id: str, period: int | None = None) -> list[Explanation]:
        where, args = "x.project_id = ?", [project_id]
        if period is not None:
            where, args = where + " AND rp.number = ?", [*args, period]
        return [Explanation(r["period"], r["partner"], r["line"], r["text"], r["activity"]) for r in self.db.query(
            f"{_SELECT} WHERE {where} ORDER BY rp.number, coalesce(p.position, -1), bl.position IS NULL, "
            "bl.position, a.position", args)]
