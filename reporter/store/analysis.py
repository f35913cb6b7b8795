"""The queries behind the financing view and the contract checks.

The aggregation runs in SQL so that the checks stay fast with 100 000
expenditures: sums per partner × period × line, and only the few rows that
break a rule come back one by one. Row queries carry no ORDER BY: sorting by
number would lead SQLite to walk the whole table in that order instead of
using the narrow index; the checks sort what little comes back.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from reporter.domain.checks import RecordRef
from reporter.domain.financing import Cost, Window, resolve_payers
from reporter.domain.model import Payer
from reporter.domain.money import from_cents

if TYPE_CHECKING:
    from reporter.store.database import Store

_CODES = """
JOIN partners p ON p.id = e.partner_id
JOIN budget_lines bl ON bl.id = e.budget_line_id
JOIN reporting_periods rp ON rp.id = e.period_id
"""
_DATED = f"""
SELECT e.id, e.number, p.code AS partner, rp.number AS period, bl.code AS line, a.code AS activity,
       e.document_date, e.payment_date, e.in_kind,
       e.eligible_project_currency_cents AS eligible, e.eligible_vat_project_currency_cents AS vat,
       (SELECT json_group_array(json_array(code, amount_cents)) FROM (
            SELECT f.code, ep.amount_cents FROM expenditure_payers ep JOIN funders f ON f.id = ep.funder_id
            WHERE ep.expenditure_id = e.id ORDER BY ep.position)) AS payers
FROM expenditures e {_CODES} LEFT JOIN activities a ON a.id = e.activity_id
"""


class ContractQueries:
    def __init__(self, store: "Store") -> None:
        self.db = store.db

    def sums(self, project_id: str, by_activity: bool = False) -> list[Cost]:
        """Sums per partner × period × line (× activity); a covering index answers it without reading rows."""
        partners = self._codes("partners", project_id)
        lines = self._codes("budget_lines", project_id)
        activities = self._codes("activities", project_id)
        periods = {r[0]: r[1] for r in self.db.execute(
            "SELECT id, number FROM reporting_periods WHERE project_id = ?", [project_id])}
        activity = ", activity_id" if by_activity else ", NULL"
        return [
            Cost(partners[partner], periods[period], lines[line], from_cents(eligible), from_cents(vat),
                 activities.get(activity_id) if activity_id else None, count=n)
            for partner, period, line, activity_id, n, eligible, vat in self.db.execute(f"""
                SELECT partner_id, period_id, budget_line_id{activity}, count(*), sum(eligible_project_currency_cents),
                       sum(eligible_vat_project_currency_cents)
                FROM expenditures WHERE project_id = ?
                GROUP BY partner_id, period_id, budget_line_id{activity if by_activity else ''}""", [project_id])
        ]

    def activity_years(self, project_id: str, through_period: int | None) -> list[tuple[str | None, int, Decimal]]:
        """Eligible amounts per activity and document year, through a period."""
        return [(r[0], int(r[1]), from_cents(r[2])) for r in self.db.execute("""
            SELECT a.code, substr(e.document_date, 1, 4), sum(e.eligible_project_currency_cents)
            FROM expenditures e JOIN reporting_periods rp ON rp.id = e.period_id
            LEFT JOIN activities a ON a.id = e.activity_id
            WHERE e.project_id = ? AND rp.number <= ?
            GROUP BY a.code, substr(e.document_date, 1, 4)""", [project_id, through_period or 10**6])]

    def without_activity(self, project_id: str) -> list[tuple[RecordRef, str, int]]:
        return [(RecordRef(r["id"], r["number"]), r["partner"], r["period"]) for r in self.db.query(
            f"""SELECT e.id, e.number, p.code AS partner, rp.number AS period FROM expenditures e {_CODES}
                WHERE e.project_id = ? AND e.activity_id IS NULL""", [project_id])]

    def _codes(self, table: str, project_id: str) -> dict[str, str]:
        return {r[0]: r[1] for r in self.db.execute(f"SELECT id, code FROM {table} WHERE project_id = ?",
                                                     [project_id])}

    def singles(self, project_id: str, window: Window) -> list[Cost]:
        """The costs the engine looks at one by one: outside the narrowest eligible window of any source
        (or not paid yet), and those that name their payers.

        One indexed range query per edge, so that only the rows near an edge are read.
        """
        start, end, paid_by = window.start.isoformat(), window.end.isoformat(), window.paid_by.isoformat()
        return [_cost(r) for r in self.db.query(f"""{_DATED} WHERE e.id IN (
                SELECT id FROM expenditures WHERE project_id = ? AND document_date < ?
                UNION SELECT id FROM expenditures WHERE project_id = ? AND document_date > ?
                UNION SELECT id FROM expenditures WHERE project_id = ? AND payment_date IS NULL
                UNION SELECT id FROM expenditures WHERE project_id = ? AND payment_date < ?
                UNION SELECT id FROM expenditures WHERE project_id = ? AND payment_date > ?
                UNION SELECT ep.expenditure_id FROM expenditure_payers ep JOIN funders f ON f.id = ep.funder_id
                      WHERE f.project_id = ?
                UNION SELECT id FROM expenditures WHERE project_id = ? AND in_kind <> '')""",
            [project_id, start, project_id, end, project_id, project_id, start, project_id, paid_by, project_id,
             project_id])]

    def costs_of_line(self, project_id: str, partner: str, period: int, line: str) -> list[Cost]:
        return [_cost(r) for r in self.db.query(
            f"{_DATED} WHERE e.project_id = ? AND p.code = ? AND rp.number = ? AND bl.code = ?",
            [project_id, partner, period, line])]

    def costs(self, project_id: str, partner: str | None, through_period: int, in_kind_only: bool = False
              ) -> list[Cost]:
        """Every cost of a partner (or of all) through a period, one by one (or only the contributions in kind)."""
        where, args = "e.project_id = ? AND rp.number <= ?", [project_id, through_period]
        if in_kind_only:
            where += " AND e.in_kind <> ''"
        if partner is not None:
            where, args = where + " AND p.code = ?", [*args, partner]
        return [_cost(r) for r in self.db.query(f"{_DATED} WHERE {where}", args)]

    def outside_reporting_period(self, project_id: str) -> list[Cost]:
        found = []
        for period_id, start, end in self.db.execute(
                "SELECT id, start_date, end_date FROM reporting_periods WHERE project_id = ?", [project_id]).fetchall():
            found += [_cost(r) for r in self.db.query(
                f"{_DATED} WHERE e.period_id = ? AND (e.document_date < ? OR e.document_date > ?)",
                [period_id, start, end])]
        return sorted(found, key=lambda e: e.number)

    def records_of(self, project_id: str, partner: str | None, lines: tuple[str, ...],
                   through_period: int | None) -> tuple[RecordRef, ...]:
        where, args = ["e.project_id = ?"], [project_id]
        if partner:
            where.append("p.code = ?")
            args.append(partner)
        if lines:
            where.append(f"bl.code IN ({', '.join('?' for _ in lines)})")
            args += list(lines)
        if through_period is not None:
            where.append("rp.number <= ?")
            args.append(through_period)
        rows = self.db.execute(
            f"SELECT e.id, e.number FROM expenditures e {_CODES} WHERE {' AND '.join(where)} ORDER BY e.number", args)
        return tuple(RecordRef(*row) for row in rows)

    def on_lines(self, project_id: str,
                 lines: list[str]) -> list[tuple[RecordRef, str, str, Decimal | None, Decimal, str, Decimal]]:
        """ref, partner, line, units, eligible (project currency), rate name, eligible (document currency)."""
        if not lines:
            return []
        marks = ", ".join("?" for _ in lines)
        return [
            (RecordRef(r["id"], r["number"]), r["partner"], r["line"],
             None if r["units"] is None else Decimal(r["units"]), from_cents(r["eligible"]), r["rate_name"],
             from_cents(r["eligible_cents"]))
            for r in self.db.query(
                f"""SELECT e.id, e.number, p.code AS partner, bl.code AS line, e.units, e.rate_name,
                           e.eligible_project_currency_cents AS eligible, e.eligible_cents
                    FROM expenditures e {_CODES} WHERE e.project_id = ? AND e.budget_line_id IN
                        (SELECT id FROM budget_lines WHERE project_id = ? AND code IN ({marks}))""",
                [project_id, project_id, *lines])
        ]

    def double_claims(self, project_id: str) -> list[tuple[str, Decimal, Decimal, tuple[RecordRef, ...]]]:
        """Documents (supplier + number) of this project claimed, in any project, above their gross amount."""
        repeated = [r[0] for r in self.db.execute(  # unit-cost declarations cite a document; they pay no invoice
            "SELECT document_key FROM expenditures WHERE document_key <> '' AND units IS NULL "
            "GROUP BY document_key HAVING count(*) > 1")]
        found = []
        for key in repeated:
            rows = self.db.execute(
                "SELECT id, number, project_id, currency, eligible_cents, gross_cents, supplier, document_no "
                "FROM expenditures WHERE document_key = ? AND units IS NULL ORDER BY number", [key]).fetchall()
            if not any(row[2] == project_id for row in rows):
                continue
            for currency in sorted({row[3] for row in rows}):
                same = [row for row in rows if row[3] == currency]
                claimed, gross = sum(row[4] for row in same), max(row[5] for row in same)
                if len(same) > 1 and abs(claimed) > abs(gross):
                    found.append((f"{same[0][6]} {same[0][7]} ({currency})", from_cents(claimed), from_cents(gross),
                                  tuple(RecordRef(row[0], row[1]) for row in same)))
        return found

    def missing_rates(self, project_id: str, project_currency: str) -> list[tuple[RecordRef, str, str]]:
        return [(RecordRef(r["id"], r["number"]), r["partner"], r["currency"]) for r in self.db.query(
            f"""SELECT e.id, e.number, p.code AS partner, e.currency FROM expenditures e {_CODES}
                WHERE e.project_id = ? AND (e.currency < ? OR e.currency > ?) AND e.exchange_rate IS NULL""",
            [project_id, project_currency, project_currency])]

    def changed_rates(self, project_id: str, project_currency: str) -> list[tuple[RecordRef, str, Decimal, Decimal]]:
        """Open-period rows converted at a rate other than the one now stored for their month.

        A row in a submitted period keeps the rate it was reported with: that rate is frozen.
        """
        return [
            (RecordRef(r["id"], r["number"]), r["partner"], Decimal(r["used"]), Decimal(r["stored"]))
            for r in self.db.query(f"""
                SELECT e.id, e.number, p.code AS partner, e.exchange_rate AS used, x.rate AS stored
                FROM expenditures e {_CODES}
                JOIN exchange_rates x ON x.currency = CASE WHEN e.currency = 'EUR' THEN ? ELSE e.currency END
                     AND x.month = substr(e.document_date, 1, 7)
                WHERE e.project_id = ? AND (e.currency < ? OR e.currency > ?) AND rp.status = 'open'
                  AND e.exchange_rate IS NOT NULL""", [project_currency, project_id, project_currency, project_currency])
            if Decimal(r["used"]) != Decimal(r["stored"])
        ]

    def changed_after_submission(self, project_id: str) -> list[tuple[RecordRef, str, int]]:
        """Rows of submitted periods changed (or added) after the submission; `updated_at` covers both."""
        found = []
        for period_id, submitted_at in self.db.execute(
                "SELECT id, submitted_at FROM reporting_periods WHERE project_id = ? AND status = 'submitted' "
                "AND submitted_at IS NOT NULL", [project_id]).fetchall():
            found += [(RecordRef(r["id"], r["number"]), r["partner"], r["period"]) for r in self.db.query(
                f"""SELECT e.id, e.number, p.code AS partner, rp.number AS period FROM expenditures e {_CODES}
                    WHERE e.period_id = ? AND e.updated_at > ?""", [period_id, submitted_at])]
        return found

    def attachments(self, project_id: str) -> list[tuple[RecordRef, str, tuple[str, ...]]]:
        """The expenditures that have attachment references: (ref, partner, references), by a partial index."""
        return [(RecordRef(id_, number), partner, tuple(json.loads(references)))
                for id_, number, partner, references in self.db.execute(
                    "SELECT e.id, e.number, p.code, e.attachments FROM expenditures e JOIN partners p ON p.id = "
                    "e.partner_id WHERE e.project_id = ? AND e.attachments <> '[]'", [project_id])]

    def missing_details(self, project_id: str, travel_lines: tuple[str, ...],
                        person_lines: tuple[str, ...]) -> list[tuple[RecordRef, str, str, int, str]]:
        """Costs (not corrections) on the travel lines without a route, first day or persons, and payments (not
        contributions in kind) on the person-document lines without the person's document: (ref, partner, line,
        period, "travel" or "person")."""
        found = []
        for kind, lines, lacking in (
                ("travel", travel_lines, "(e.travel_route = '' OR e.travel_from IS NULL OR e.travellers = '')"),
                ("person", person_lines, "e.person_document = '' AND e.in_kind = ''")):
            if not lines:
                continue
            marks = ", ".join("?" for _ in lines)
            found += [(RecordRef(r[0], r[1]), r[2], r[3], r[4], kind) for r in self.db.execute(
                f"""SELECT e.id, e.number, p.code, bl.code, rp.number FROM expenditures e {_CODES}
                    WHERE e.project_id = ? AND e.eligible_project_currency_cents > 0 AND {lacking}
                      AND e.budget_line_id IN (SELECT id FROM budget_lines WHERE project_id = ? AND code IN ({marks}))""",
                [project_id, project_id, *lines])]
        return found


def _cost(r: dict) -> Cost:
    eligible = from_cents(r["eligible"])
    payers = tuple(Payer(code, None if cents is None else from_cents(cents)) for code, cents in json.loads(r["payers"]))
    return Cost(r["partner"], r["period"], r["line"], eligible, from_cents(r["vat"]), r["activity"],
                date.fromisoformat(r["document_date"]),
                date.fromisoformat(r["payment_date"]) if r["payment_date"] else None,
                resolve_payers(payers, eligible), bool(r["in_kind"]), r["id"], r["number"])
