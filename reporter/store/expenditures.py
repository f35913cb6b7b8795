"""Expenditure rows: insert, update, delete, and filtered, sorted pages straight from SQL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Collection, Sequence

from reporter.domain.errors import Conflict, NotFound, UserError, not_one_of, problem
from reporter.domain.financing import Terms
from reporter.domain.model import Expenditure, Payer
from reporter.domain.money import from_cents, to_cents
from reporter.domain.text import document_key, fold, search_text, compact_key

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
       rp.status AS period_status,
       (SELECT json_group_array(json_array(code, amount_cents)) FROM (
            SELECT f.code, ep.amount_cents FROM expenditure_payers ep JOIN funders f ON f.id = ep.funder_id
            WHERE ep.expenditure_id = e.id ORDER BY ep.position)) AS payers
FROM expenditures e
JOIN partners p ON p.id = e.partner_id
JOIN budget_lines bl ON bl.id = e.budget_line_id
JOIN reporting_periods rp ON rp.id = e.period_id
LEFT JOIN activities a ON a.id = e.activity_id
"""


_CHUNK = 5000  # rows written between two looks at progress and cancel
_SORTED_MATCHES = 2000  # a text search matching no more rows than this fetches them all and sorts them


class Cancelled(UserError):
    """The user stopped a long write; the transaction it ran in rolls back."""


@dataclass(frozen=True)
class ExpenditureQuery:
    """A filter, a sort and a page of a project's expenditure list."""

    partner: str | None = None
    budget_line: str | None = None
    period: int | None = None
    activity: str | None = None
    funder: str | None = None  # the costs a funder pays something of (see `covered_by`)
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
    total: int | None  # rows matching the filter, on all pages (None: not counted, see `ExpenditureStore.page`)
    total_eligible: Decimal | None  # their eligible amount in the project's currency
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
        number = self.next_number(ids.project)
        saved = replace(expenditure, id=new_id(), number=number)
        stamp = now()
        self.store.insert("expenditures", {
            "id": saved.id, "project_id": ids.project, "number": number, **_columns(ids, saved),
            "created_at": stamp, "updated_at": stamp})
        if saved.payers:  # a new expenditure has none stored yet
            self._set_payers(saved.id, [ids.funders[p.funder] for p in saved.payers], saved.payers)
        return saved

    def insert_many(self, ids: "ProjectIds", expenditures: Sequence[Expenditure],
                    progress: Callable[[int], None] | None = None, cancelled: Callable[[], bool] | None = None,
                    keep_ids: bool = False) -> list[tuple[str, int]]:
        """Insert many at once (an import), with the next internal numbers and one audit entry each, exactly as
        `insert` would one by one; call inside a transaction. `progress(n)` is told every chunk written, and a
        `cancelled()` that turns true raises `Cancelled`, which rolls the caller's transaction back.

        `keep_ids`: the expenditures carry their ids already (a partner's package). Returns each one's id and number."""
        from reporter.store.database import new_id, now

        self._require_open(*{ids.periods[e.period] for e in expenditures})
        first = self.next_number(ids.project)
        stamp = now()
        saved: list[tuple[str, int]] = []
        payers: list[dict[str, Any]] = []
        for start in range(0, len(expenditures), _CHUNK):  # a chunk's rows at a time: 100 000 are never all held
            if cancelled is not None and cancelled():
                raise Cancelled(problem("", "import.cancelled"))
            chunk = expenditures[start:start + _CHUNK]
            rows = [{"id": e.id if keep_ids else new_id(), "project_id": ids.project, "number": first + start + i,
                     **_columns(ids, e), "created_at": stamp, "updated_at": stamp} for i, e in enumerate(chunk)]
            payers += [{"expenditure_id": row["id"], "funder_id": ids.funders[p.funder],
                        "amount_cents": None if p.amount is None else to_cents(p.amount), "position": i}
                       for e, row in zip(chunk, rows) for i, p in enumerate(e.payers)]
            self.db.conn.executemany(f"INSERT INTO expenditures ({', '.join(rows[0])}) "
                                     f"VALUES ({', '.join('?' for _ in rows[0])})", [tuple(r.values()) for r in rows])
            self.store.audit_many("insert", "expenditures", [(r["id"], None, r) for r in rows])
            saved += [(row["id"], row["number"]) for row in rows]
            if progress is not None:
                progress(start + len(rows))
        if payers:
            self.db.conn.executemany("INSERT INTO expenditure_payers (expenditure_id, funder_id, amount_cents, position)"
                                     " VALUES (?, ?, ?, ?)", [tuple(r.values()) for r in payers])
            self.store.audit_many("insert", "expenditure_payers", [(r["expenditure_id"], None, r) for r in payers])
        return saved

    def by_ids(self, expenditure_ids: Sequence[str]) -> dict[str, tuple[str, Expenditure]]:
        """The stored expenditures with these ids, in any project: id → (project id, expenditure)."""
        rows = self.db.query(f"{_SELECT} WHERE e.id IN (SELECT value FROM json_each(?))",
                             [json.dumps(list(expenditure_ids))])
        return {r["id"]: (r["project_id"], _expenditure(r)) for r in rows}

    def known_documents(self, project_id: str) -> tuple[dict[str, int], dict[tuple[str, int, str, str], int]]:
        """What tells a stored expenditure again, with its number: its document key (supplier and number however
        typed), and its date, gross amount, currency and supplier (folded)."""
        documents: dict[str, int] = {}
        entries: dict[tuple[str, int, str, str], int] = {}
        for number, key, day, gross, currency, supplier in self.db.execute(
                "SELECT number, document_key, document_date, gross_cents, currency, supplier FROM expenditures "
                "WHERE project_id = ? ORDER BY number", [project_id]):
            documents.setdefault(key, number)
            entries.setdefault((day, gross, currency, compact_key(supplier)), number)
        return documents, entries

    def next_number(self, project_id: str) -> int:
        return self.db.execute("SELECT coalesce(max(number), 0) + 1 FROM expenditures WHERE project_id = ?",
                               [project_id]).fetchone()[0]

    def update(self, ids: "ProjectIds", expenditure: Expenditure) -> None:
        from reporter.store.database import now

        old = self._row(expenditure.id)
        self._require_open(old["period_id"], ids.periods[expenditure.period])
        changes = {k: v for k, v in _columns(ids, expenditure).items() if old[k] != v}
        if self._set_payers(expenditure.id, [ids.funders[p.funder] for p in expenditure.payers], expenditure.payers):
            changes.setdefault("updated_at", now())
        if changes:
            self.store.update("expenditures", old, {**changes, "updated_at": now()})

    def delete(self, expenditure_id: str) -> None:
        old = self._row(expenditure_id)
        self._require_open(old["period_id"])
        self._set_payers(expenditure_id, [], ())
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

    def _set_payers(self, expenditure_id: str, funder_ids: list[str], payers: Sequence[Payer]) -> bool:
        """Make the stored named payers of an expenditure these; True when they changed."""
        wanted = [{"expenditure_id": expenditure_id, "funder_id": funder_id,
                   "amount_cents": None if p.amount is None else to_cents(p.amount), "position": i}
                  for i, (funder_id, p) in enumerate(zip(funder_ids, payers))]
        current = list(self.db.query("SELECT * FROM expenditure_payers WHERE expenditure_id = ? ORDER BY position",
                                     [expenditure_id]))
        if current == wanted:
            return False
        for row in current:
            self.db.execute("DELETE FROM expenditure_payers WHERE expenditure_id = ? AND funder_id = ?",
                            [row["expenditure_id"], row["funder_id"]])
            self.store.audit("delete", "expenditure_payers", expenditure_id, old=row)
        for row in wanted:
            self.db.execute("INSERT INTO expenditure_payers (expenditure_id, funder_id, amount_cents, position) "
                            "VALUES (?, ?, ?, ?)", list(row.values()))
            self.store.audit("insert", "expenditure_payers", expenditure_id, new=row)
        return True

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

    def page(self, ids: "ProjectIds", query: ExpenditureQuery, terms: Sequence[tuple[str, Terms]] = (),
             unpaid_lines: Collection[tuple[str, int, str]] = (), unpaid: Collection[str] = (),
             count: bool = True) -> Page:
        """A page of the list; a funder filter keeps what the engine's `terms` (by partner) say it pays of,
        less what a cap or a fixed sum kept it from paying: whole lines of a partner's period, and single costs.
        `count=False` leaves the rows matching on all pages uncounted (`totals` counts them)."""
        found = _Filter(ids, query, terms, unpaid_lines, unpaid)
        if query.sort not in SORT_COLUMNS:
            raise UserError(not_one_of("sort", query.sort, SORT_COLUMNS))
        if not 1 <= query.limit <= 10_000 or not 0 <= query.offset <= 1_000_000_000:
            raise UserError(problem("page", "page.out_of_range"))
        total, total_cents = self._totals(found) if count else (None, None)
        # Few matches of a search are fetched and sorted; many are met soon enough walking the rows in the order
        # asked. The search index tells how many it holds without reading a row.
        in_order = found.phrase is None or (total if total is not None else self.db.execute(
            "SELECT count(*) FROM expenditure_search WHERE expenditure_search MATCH ?",
            [found.phrase]).fetchone()[0]) > _SORTED_MATCHES
        direction = "DESC" if query.descending else "ASC"
        rows = self.db.query(
            f"{_SELECT} WHERE {found.condition(in_order)} "
            f"ORDER BY {SORT_COLUMNS[query.sort]} {direction}, e.number {direction} LIMIT ? OFFSET ?",
            [*found.args, query.limit, query.offset])
        return Page([_expenditure(r) for r in rows], total, None if total_cents is None else from_cents(total_cents),
                    query.offset, query.limit)

    def totals(self, ids: "ProjectIds", query: ExpenditureQuery, terms: Sequence[tuple[str, Terms]] = (),
               unpaid_lines: Collection[tuple[str, int, str]] = (),
               unpaid: Collection[str] = ()) -> tuple[int, Decimal]:
        """How many rows match a filter on all its pages, and their eligible amount in the project's currency."""
        total, cents = self._totals(_Filter(ids, query, terms, unpaid_lines, unpaid))
        return total, from_cents(cents)

    def _totals(self, found: "_Filter") -> tuple[int, int]:
        """Counted once per filter while the data stay as they are: turning pages does not count again."""
        condition = found.condition(found.phrase is None)
        return self.store.remembered(("list totals", condition, tuple(found.args)), lambda: self.db.execute(
            f"SELECT count(*), coalesce(sum(e.eligible_project_currency_cents), 0) FROM expenditures e WHERE {condition}",
            found.args).fetchone())

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


class _Filter:
    """The SQL condition of a query's filter (not its sort or page) and its arguments."""

    def __init__(self, ids: "ProjectIds", query: ExpenditureQuery, terms: Sequence[tuple[str, Terms]],
                 unpaid_lines: Collection[tuple[str, int, str]], unpaid: Collection[str]) -> None:
        where: list[str] = []
        args: list[Any] = [ids.project]
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
            condition, values = _covered_by(ids, query.funder, terms)
            where.append(condition)
            args += values
            if unpaid_lines:
                where.append("(e.partner_id, e.period_id, e.budget_line_id) NOT IN (SELECT json_extract(value, '$[0]'), "
                             "json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(?))")
                args.append(json.dumps(sorted([ids.partners[p], ids.periods[n], ids.budget_lines[line]]
                                              for p, n, line in unpaid_lines)))
            if unpaid:
                where.append("e.id NOT IN (SELECT value FROM json_each(?))")
                args.append(json.dumps(sorted(unpaid)))
        self.phrase: str | None = None  # a text the search index finds (three characters or more: it holds trigrams)
        if query.text:
            folded = fold(query.text.strip())
            if len(folded) >= 3:
                self.phrase = '"' + folded.replace('"', '""') + '"'  # one phrase: the text as typed, any characters
                where.append("e.id IN (SELECT r.expenditure_id FROM expenditure_search s "
                             "JOIN expenditure_search_rows r ON r.id = s.rowid WHERE expenditure_search MATCH ?)")
                args.append(self.phrase)
            else:
                where.append("e.search_text LIKE ? ESCAPE '\\'")
                args.append("%" + _escape_like(folded) + "%")
        if query.date_from:
            where.append("e.document_date >= ?")
            args.append(query.date_from.isoformat())
        if query.date_to:
            where.append("e.document_date <= ?")
            args.append(query.date_to.isoformat())
        self.where, self.args = where, args

    def condition(self, in_order: bool) -> str:
        """`in_order=False` keeps SQLite from walking the project's rows in an index's order (`+` hides the column
        from the indexes), so that it starts from the rows the search index names."""
        return " AND ".join(["e.project_id = ?" if in_order else "+e.project_id = ?", *self.where])


def _covered_by(ids: "ProjectIds", funder: str, terms: Sequence[tuple[str, Terms]]) -> tuple[str, list[Any]]:
    """The engine's `covering_funders` for one funder, as SQL.

    A cost that names its payers is the funder's when the funder is among them; a contribution in kind when
    the funder is the first whose agreement takes contributions in kind and covers it; any other cost when
    one of the funder's agreements covers its partner, line, activity and dates, has a share or is the
    residual, and leaves something of it once VAT it does not pay is out.
    """
    alternatives = ["e.id IN (SELECT expenditure_id FROM expenditure_payers WHERE funder_id = ? "
                    "AND coalesce(amount_cents, 1) <> 0)"]
    args: list[Any] = [ids.funders[funder]]
    takers: dict[str, Terms] = {}
    for partner, t in terms:
        if t.agreement.in_kind:
            takers.setdefault(partner, t)
    for partner, t in terms:
        if t.funder != funder:
            continue
        condition, values = _covers(ids, partner, t)
        if takers.get(partner) is t:
            alternatives.append(f"(e.in_kind <> '' AND {condition})")
            args += values
        if t.agreement.share != 0 or t.agreement.residual:  # the engine's `_may_pay`
            vat = "" if t.agreement.vat_eligible else \
                " AND e.eligible_project_currency_cents <> e.eligible_vat_project_currency_cents"
            alternatives.append(f"(e.id NOT IN (SELECT expenditure_id FROM expenditure_payers) AND e.in_kind = '' "
                                f"AND {condition}{vat})")
            args += values
    return "(" + " OR ".join(alternatives) + ")", args


def _covers(ids: "ProjectIds", partner: str, t: Terms) -> tuple[str, list[Any]]:
    """`Terms.excludes(cost) is None` (and a nonzero cost) for one partner's agreement, as SQL."""
    parts = ["e.partner_id = ?", "e.eligible_project_currency_cents <> 0", "e.document_date >= ?",
             "e.document_date <= ?", "(e.payment_date IS NULL OR (e.payment_date >= ? AND e.payment_date <= ?))"]
    values: list[Any] = [ids.partners[partner], t.window.start.isoformat(), t.window.end.isoformat(),
                         t.window.start.isoformat(), t.window.paid_by.isoformat()]
    if t.lines is not None:
        parts.append(f"e.budget_line_id IN ({', '.join('?' for _ in t.lines)})")
        values += [ids.budget_lines[line] for line in sorted(t.lines)]
    if t.activities is not None:
        parts.append(f"e.activity_id IN ({', '.join('?' for _ in t.activities)})")
        values += [ids.activities[code] for code in sorted(t.activities)]
    return "(" + " AND ".join(parts) + ")", values


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
        "rate_name": e.rate_name,
        "project_rate": None if e.project_rate is None else str(e.project_rate),
        "in_kind": e.in_kind,
        "document_key": document_key(e.supplier, e.document_no),
        "search_text": search_text(e.supplier, e.document_no, e.description),
        "payment_date": e.payment_date.isoformat() if e.payment_date else None,
        "attachments": json.dumps(list(e.attachments), ensure_ascii=False),
        "notes": e.notes,
        "accounting_ref": e.accounting_ref,
        "supplier_code": e.supplier_code,
        "person_document": e.person_document,
        "travel_route": e.travel_route,
        "travel_from": e.travel_from.isoformat() if e.travel_from else None,
        "travel_to": e.travel_to.isoformat() if e.travel_to else None,
        "travellers": e.travellers,
        "procurement_ref": e.procurement_ref,
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
        rate_name=row["rate_name"],
        project_rate=None if row["project_rate"] is None else Decimal(row["project_rate"]),
        in_kind=row["in_kind"],
        payment_date=date.fromisoformat(row["payment_date"]) if row["payment_date"] else None,
        attachments=tuple(json.loads(row["attachments"])),
        notes=row["notes"],
        payers=tuple(Payer(code, None if cents is None else from_cents(cents))
                     for code, cents in json.loads(row["payers"] or "[]")),
        accounting_ref=row["accounting_ref"],
        supplier_code=row["supplier_code"],
        person_document=row["person_document"],
        travel_route=row["travel_route"],
        travel_from=date.fromisoformat(row["travel_from"]) if row["travel_from"] else None,
        travel_to=date.fromisoformat(row["travel_to"]) if row["travel_to"] else None,
        travellers=row["travellers"],
        procurement_ref=row["procurement_ref"],
    )
