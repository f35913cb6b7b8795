"""Expenditure rows: insert, update, delete, and filtered, sorted pages straight from SQL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from reporter.domain.errors import Conflict, NotFound, UserError, not_one_of, problem
from reporter.domain.model import Expenditure
from reporter.domain.money import from_cents, to_cents
from reporter.domain.text import document_key, fold, search_text

if TYPE_CHECKING:
    from reporter.store.database import Store
    from reporter.store.projects import ProjectIds

# Sort keys a caller may ask for, and the SQL behind each; the number breaks ties.
SORT_COLUMNS = {
    "number": "e.number",
    "date": "e.document_date",
    "supplier": "e.supplier COLLATE NOCASE",  # indexed with the number, like amount and date
    "document": "e.document_no COLLATE NOCASE",
    "amount": "e.eligible_project_currency_cents",
    "partner": "p.code",
    "line": "bl.code",
    "period": "rp.number",
}

_SELECT = """
SELECT e.*, p.code AS partner, bl.code AS budget_line, a.code AS activity, rp.number AS period,
       rp.status AS period_status
FROM expenditures e
JOIN partners p ON p.id = e.partner_id
JOIN budget_lines bl ON bl.id = e.budget_line_id
JOIN reporting_periods rp ON rp.id = e.period_id
LEFT JOIN activities a ON a.id = e.activity_id
"""


# An expenditure a funder's agreement covers: the partner's own agreement with the funder (or the project-wide
# one when it has none), paying the expenditure's line (no lines: every line) on its document date.
_COVERED_BY_FUNDER = """EXISTS (
    SELECT 1 FROM funding_agreements fa
    WHERE fa.project_id = e.project_id AND fa.funder_id = ? AND CAST(fa.share_percent AS NUMERIC) > 0
      AND (fa.partner_id = e.partner_id OR (fa.partner_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM funding_agreements own
            WHERE own.project_id = e.project_id AND own.funder_id = fa.funder_id AND own.partner_id = e.partner_id)))
      AND (NOT EXISTS (SELECT 1 FROM funding_agreement_lines fl WHERE fl.funding_agreement_id = fa.id)
           OR EXISTS (SELECT 1 FROM funding_agreement_lines fl
                      WHERE fl.funding_agreement_id = fa.id AND fl.budget_line_id = e.budget_line_id))
      AND (fa.eligible_from IS NULL OR e.document_date >= fa.eligible_from)
      AND (fa.eligible_to IS NULL OR e.document_date <= fa.eligible_to))"""


@dataclass(frozen=True)
class ExpenditureQuery:
    """A filter, a sort and a page of a project's expenditure list."""

    partner: str | None = None
    budget_line: str | None = None
    period: int | None = None
    activity: str | None = None
    funder: str | None = None  # documents its agreement covers: the partner, the line and the eligible dates
    text: str | None = None  # in supplier, document number or description
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "number"
    descending: bool = False
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True)
class Page:
    rows: list[Expenditure]
    total: int  # rows matching the filter, on all pages
    total_eligible: Decimal  # their eligible amount in the project's currency
    offset: int
    limit: int


class ExpenditureStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    def insert(self, ids: "ProjectIds", expenditure: Expenditure) -> Expenditure:
        """Insert with a new id and the next internal number; call inside a transaction."""
        from reporter.store.database import new_id, now

        self._require_open(ids.periods[expenditure.period])
        number = self.db.execute("SELECT coalesce(max(number), 0) + 1 FROM expenditures WHERE project_id = ?",
                                 [ids.project]).fetchone()[0]
        saved = replace(expenditure, id=new_id(), number=number)
        stamp = now()
        self.store.insert("expenditures", {
            "id": saved.id, "project_id": ids.project, "number": number, **_columns(ids, saved),
            "created_at": stamp, "updated_at": stamp})
        return saved

    def update(self, ids: "ProjectIds", expenditure: Expenditure) -> None:
        from reporter.store.database import now

        old = self._row(expenditure.id)
        self._require_open(old["period_id"], ids.periods[expenditure.period])
        changes = {k: v for k, v in _columns(ids, expenditure).items() if old[k] != v}
        if changes:
            self.store.update("expenditures", old, {**changes, "updated_at": now()})

    def delete(self, expenditure_id: str) -> None:
        old = self._row(expenditure_id)
        self._require_open(old["period_id"])
        self.store.delete("expenditures", old)

    def _require_open(self, *period_ids: str) -> None:
        """Refuse a write into a submitted period, read inside the write's own transaction.

        The services check before; this holds when a submission was committed by another
        window or command in between (the triggers of the schema hold against other tools).
        """
        for period_id in period_ids:
            number, status = self.db.execute("SELECT number, status FROM reporting_periods WHERE id = ?",
                                             [period_id]).fetchone()
            if status == "submitted":
                raise Conflict(problem("period", "period.locked", number=number))

    def _row(self, expenditure_id: str) -> dict[str, Any]:
        row = next(self.db.query("SELECT * FROM expenditures WHERE id = ?", [expenditure_id]), None)
        if row is None:
            raise NotFound(problem("", "expenditure.no_id", id=expenditure_id))
        return row

    def get(self, project_id: str, reference: str | int) -> Expenditure:
        """By internal number (`17`) or by id."""
        text = str(reference).strip().lstrip("#")
        number = re.fullmatch(r"[0-9]{1,12}", text) is not None  # ASCII digits, no larger than SQLite's integers
        column = "e.number" if number else "e.id"
        row = next(self.db.query(f"{_SELECT} WHERE e.project_id = ? AND {column} = ?",
                                 [project_id, int(text) if number else text]), None)
        if row is None:
            raise NotFound(problem("expenditure", "expenditure.unknown", reference=str(reference)))
        return _expenditure(row)

    def period_status(self, expenditure_id: str) -> tuple[int, str]:
        row = next(self.db.query("""SELECT rp.number, rp.status FROM expenditures e
                                    JOIN reporting_periods rp ON rp.id = e.period_id WHERE e.id = ?""",
                                 [expenditure_id]))
        return row["number"], row["status"]

    def page(self, ids: "ProjectIds", query: ExpenditureQuery) -> Page:
        where, args = ["e.project_id = ?"], [ids.project]
        for value, column, known, what in (
            (query.partner, "e.partner_id", ids.partners, "partner"),
            (query.budget_line, "e.budget_line_id", ids.budget_lines, "budget_line"),
            (query.activity, "e.activity_id", ids.activities, "activity"),
            (query.period, "e.period_id", ids.periods, "period"),
        ):
            if value is not None:
                if value not in known:
                    raise NotFound(problem("filter", f"filter.unknown_{what}", code=repr(value)))
                where.append(f"{column} = ?")
                args.append(known[value])
        if query.funder is not None:
            if query.funder not in ids.funders:
                raise NotFound(problem("filter", "filter.unknown_funder", code=repr(query.funder)))
            where.append(_COVERED_BY_FUNDER)
            args.append(ids.funders[query.funder])
        if query.text:
            where.append("e.search_text LIKE ? ESCAPE '\\'")
            args.append("%" + _escape_like(fold(query.text.strip())) + "%")
        if query.date_from:
            where.append("e.document_date >= ?")
            args.append(query.date_from.isoformat())
        if query.date_to:
            where.append("e.document_date <= ?")
            args.append(query.date_to.isoformat())
        if query.sort not in SORT_COLUMNS:
            raise UserError(not_one_of("sort", query.sort, SORT_COLUMNS))
        if not 1 <= query.limit <= 10_000 or not 0 <= query.offset <= 1_000_000_000:
            raise UserError(problem("page", "page.out_of_range"))
        condition = " AND ".join(where)
        direction = "DESC" if query.descending else "ASC"
        total, total_cents = self.db.execute(
            f"SELECT count(*), coalesce(sum(e.eligible_project_currency_cents), 0) FROM expenditures e WHERE {condition}",
            args).fetchone()
        rows = self.db.query(
            f"{_SELECT} WHERE {condition} ORDER BY {SORT_COLUMNS[query.sort]} {direction}, e.number {direction}"
            " LIMIT ? OFFSET ?", [*args, query.limit, query.offset])
        return Page([_expenditure(r) for r in rows], total, from_cents(total_cents), query.offset, query.limit)

    def of_period(self, project_id: str, period: int, partner: str | None = None) -> list[Expenditure]:
        """A period's expenditure as a report lists it: by budget line, then date and number."""
        where, args = "e.project_id = ? AND rp.number = ?", [project_id, period]
        if partner is not None:
            where, args = where + " AND p.code = ?", [*args, partner]
        return [_expenditure(r) for r in self.db.query(
            f"{_SELECT} WHERE {where} ORDER BY bl.position, e.document_date, e.number", args)]

    def suppliers(self, project_id: str, prefix: str, limit: int = 10) -> list[str]:
        """Earlier suppliers starting with `prefix` (any case, any diacritics), most used first."""
        wanted = fold(prefix)
        used = self.db.execute("SELECT supplier, count(*) FROM expenditures WHERE project_id = ? GROUP BY supplier",
                               [project_id]).fetchall()
        matching = sorted(((-uses, supplier) for supplier, uses in used if fold(supplier).startswith(wanted)))
        return [supplier for _, supplier in matching[:limit]]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _columns(ids: "ProjectIds", e: Expenditure) -> dict[str, Any]:
    return {
        "partner_id": ids.partners[e.partner],
        "budget_line_id": ids.budget_lines[e.budget_line],
        "activity_id": ids.activities[e.activity] if e.activity else None,
        "period_id": ids.periods[e.period],
        "document_date": e.document_date.isoformat(),
        "document_no": e.document_no,
        "supplier": e.supplier,
        "description": e.description,
        "currency": e.currency,
        "gross_cents": to_cents(e.gross),
        "vat_cents": to_cents(e.vat),
        "eligible_cents": to_cents(e.eligible),
        "exchange_rate": None if e.rate is None else str(e.rate),
        "eligible_project_currency_cents": to_cents(e.eligible_project_currency),
        "eligible_vat_project_currency_cents": to_cents(e.eligible_vat_project_currency),
        "units": None if e.units is None else str(e.units),
        "document_key": document_key(e.supplier, e.document_no),
        "search_text": search_text(e.supplier, e.document_no, e.description),
        "payment_date": e.payment_date.isoformat() if e.payment_date else None,
        "attachments": json.dumps(list(e.attachments), ensure_ascii=False),
        "notes": e.notes,
    }


def _expenditure(row: dict[str, Any]) -> Expenditure:
    return Expenditure(
        id=row["id"],
        number=row["number"],
        partner=row["partner"],
        budget_line=row["budget_line"],
        period=row["period"],
        activity=row["activity"],
        document_date=date.fromisoformat(row["document_date"]),
        document_no=row["document_no"],
        supplier=row["supplier"],
        description=row["description"],
        currency=row["currency"],
        gross=from_cents(row["gross_cents"]),
        vat=from_cents(row["vat_cents"]),
        eligible=from_cents(row["eligible_cents"]),
        rate=None if row["exchange_rate"] is None else Decimal(row["exchange_rate"]),
        eligible_project_currency=from_cents(row["eligible_project_currency_cents"]),
        eligible_vat_project_currency=from_cents(row["eligible_vat_project_currency_cents"]),
        units=None if row["units"] is None else Decimal(row["units"]),
        payment_date=date.fromisoformat(row["payment_date"]) if row["payment_date"] else None,
        attachments=tuple(json.loads(row["attachments"])),
        notes=row["notes"],
    )
