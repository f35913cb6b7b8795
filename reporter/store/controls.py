"""The first-level control of the partners' reports: one row per period and partner that is no longer a draft."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from reporter.domain.model import PartnerReportControl

if TYPE_CHECKING:
    from reporter.store.database import Store
    from reporter.store.projects import ProjectIds

_SELECT = """
SELECT c.*, rp.number AS period, p.code AS partner FROM partner_report_controls c
JOIN reporting_periods rp ON rp.id = c.period_id JOIN partners p ON p.id = c.partner_id
"""


class ControlStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def set(self, ids: "ProjectIds", control: PartnerReportControl) -> None:
        """Keep where a partner's report stands; a draft with nothing else removes the row. Call inside a
        transaction."""
        from reporter.store.database import new_id, now

        period_id, partner_id = ids.periods[control.period], ids.partners[control.partner]
        row = next(self.db.query("SELECT * FROM partner_report_controls WHERE period_id = ? AND partner_id = ?",
                                 [period_id, partner_id]), None)
        values = {"status": control.status, "certified_date": control.certified.isoformat() if control.certified
                  else None, "certificate": control.certificate, "controller": control.controller}
        if row is not None and not control.recorded:
            self.store.delete("partner_report_controls", row)
        elif row is not None:
            if any(row[k] != v for k, v in values.items()):
                self.store.update("partner_report_controls", row, {**values, "updated_at": now()})
        elif control.recorded:
            self.store.insert("partner_report_controls", {
                "id": new_id(), "project_id": ids.project, "period_id": period_id, "partner_id": partner_id,
                **values, "updated_at": now()})

    def list(self, project_id: str, period: int | None = None) -> list[PartnerReportControl]:
        """The recorded ones, by period and the partners' order."""
        where, args = "c.project_id = ?", [project_id]
        if period is not None:
            where, args = where + " AND rp.number = ?", [*args, period]
        return [PartnerReportControl(r["period"], r["partner"], r["status"],
                                     date.fromisoformat(r["certified_date"]) if r["certified_date"] else None,
                                     r["certificate"], r["controller"])
                for r in self.db.query(f"{_SELECT} WHERE {where} ORDER BY rp.number, p.position", args)]
