"""Snapshots of submitted reports: their data sets and the hashes of their files."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reporter.store.database import Store
    from reporter.store.projects import ProjectIds


class ReportStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def snapshot(self, project_id: str, period: int, partner: str | None, template: str, lang: str) -> str | None:
        row = self.db.execute("""
            SELECT s.data FROM report_snapshots s JOIN reporting_periods rp ON rp.id = s.period_id
            LEFT JOIN partners p ON p.id = s.partner_id
            WHERE s.project_id = ? AND rp.number = ? AND coalesce(p.code, '') = ? AND s.template = ? AND s.lang = ?""",
                              [project_id, period, partner or "", template, lang]).fetchone()
        return row[0] if row else None

    def save_snapshot(self, ids: "ProjectIds", period: int, partner: str | None, template: str, lang: str,
                      data: str, hashes: dict[str, str]) -> None:
        """Keep (or replace, after a reopen) one report's data set and file hashes; call inside a transaction."""
        from reporter.store.database import new_id, now

        period_id, partner_id = ids.periods[period], ids.partners[partner] if partner else None
        old = next(self.db.query(
            "SELECT * FROM report_snapshots WHERE period_id = ? AND coalesce(partner_id, '') = ? AND template = ? "
            "AND lang = ?", [period_id, partner_id or "", template, lang]), None)
        if old is not None:
            self.db.execute("DELETE FROM report_files WHERE snapshot_id = ?", [old["id"]])
            self.store.delete("report_snapshots", old)
        snapshot_id = new_id()
        self.store.insert("report_snapshots", {
            "id": snapshot_id, "project_id": ids.project, "period_id": period_id, "partner_id": partner_id,
            "template": template, "lang": lang, "data": data, "created_at": now()})
        for fmt, digest in hashes.items():
            self.db.execute("INSERT INTO report_files (snapshot_id, format, sha256) VALUES (?, ?, ?)",
                            [snapshot_id, fmt, digest])

    def hashes(self, project_id: str, period: int) -> list[tuple[str, str, str, str]]:
        return [tuple(r) for r in self.db.execute("""
            SELECT coalesce(p.code, ''), s.lang, f.format, f.sha256 FROM report_files f
            JOIN report_snapshots s ON s.id = f.snapshot_id JOIN reporting_periods rp ON rp.id = s.period_id
            LEFT JOIN partners p ON p.id = s.partner_id
            WHERE s.project_id = ? AND rp.number = ? ORDER BY 1, 2, 3""", [project_id, period])]
