"""Tamper evidence: the audit log's hash chain and the seals of submitted periods.

Each audit entry stores the SHA-256 of the entry before it and its own content,
so an entry changed, inserted or deleted with another tool breaks the chain
from there on. Submitting a period seals it: the digest of each of its
expenditure rows and report snapshots, and of all of them together, is stored,
with the audit entry that was last at that moment. `check` recomputes both and
names what no longer matches (`reporter.domain.integrity`). Triggers make
accidental edits of the audit log and of locked rows fail outright.

The hashes carry no secret: they show edits made outside the program, not
edits by someone who recomputes them. What the funder holds (the submitted
files, whose SHA-256 the submission prints) is the evidence beyond that.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from reporter.domain.integrity import AuditBreak, SealBreak

if TYPE_CHECKING:
    from reporter.store.database import Store

# The expenditure columns a seal covers, by the seal's version: everything the reports and the money depend on.
# Columns that the program derives again (document_key, search_text) are never sealed. A column added later is
# not in the seals made before it (a seal is verified over the columns of its own version, so a later migration
# may fill it without breaking one); the version that follows covers it from the next submission on.
SEALED_COLUMNS_BY_VERSION = {
    "v1": (
        "id", "project_id", "number", "partner_id", "budget_line_id", "activity_id", "period_id", "document_date",
        "document_no", "supplier", "description", "currency", "gross_cents", "vat_cents", "eligible_cents",
        "exchange_rate", "eligible_project_currency_cents", "eligible_vat_project_currency_cents", "units",
        "payment_date", "attachments", "notes", "created_at", "updated_at", "rate_name", "project_rate", "in_kind",
        "accounting_ref", "supplier_code",
    ),
}
# v2 (migration 0016): what the Culture Council's report gives of payments to persons and of trips.
SEALED_COLUMNS_BY_VERSION["v2"] = (*SEALED_COLUMNS_BY_VERSION["v1"], "person_document", "travel_route",
                                   "travel_from", "travel_to", "travellers")
# v3 (migration 0017): the procurement procedure or contract each cost was incurred under, as Interreg lists it.
SEALED_COLUMNS_BY_VERSION["v3"] = (*SEALED_COLUMNS_BY_VERSION["v2"], "procurement_ref")
SEAL_VERSION = "v3"  # what a submission seals now
SEALED_COLUMNS = SEALED_COLUMNS_BY_VERSION[SEAL_VERSION]
AUDIT_COLUMNS = ("id", "changed_at", "user_name", "action", "table_name", "record_id", "old_values", "new_values")


def _text(values: Iterable[Any]) -> str:
    """Values as one unambiguous text: unit separators between them, a NUL for NULL (no value holds either)."""
    return "\x1f".join("\x00" if value is None else str(value) for value in values)


def digest(values: Iterable[Any]) -> str:
    """SHA-256 of a row's values: the same values always give the same digest."""
    return hashlib.sha256(_text(values).encode("utf-8")).hexdigest()


def chain_hash(previous: str, entry: Iterable[Any]) -> str:
    """An audit entry's hash: of the entry before it (its hash) and of its own columns (`AUDIT_COLUMNS`)."""
    return hashlib.sha256(f"{previous}\x1e{_text(entry)}".encode("utf-8")).hexdigest()


def last_entry(db: Any) -> tuple[int, str]:
    """The id and hash of the audit log's last entry ((0, "") when it is empty)."""
    row = db.execute("SELECT id, chain_hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, "")


# Sealing


def _sealed_text(version: str) -> str:
    """A version's sealed columns as `_text` writes them, joined by SQLite itself (twice as fast as in Python)."""
    return " || char(31) || ".join(f"coalesce(CAST({column} AS TEXT), char(0))"
                                   for column in SEALED_COLUMNS_BY_VERSION[version])


def _expenditure_rows(db: Any, period_id: str, version: str) -> Iterator[tuple[str, int, str]]:
    """(id, number, digest) of each expenditure row of a period: the digest of its sealed columns (of `version`)."""
    for row_id, number, text in db.execute(
            f"SELECT id, number, {_sealed_text(version)} FROM expenditures WHERE period_id = ?", [period_id]):
        yield row_id, number, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _snapshot_rows(db: Any, period_id: str) -> Iterator[tuple[str, str, str]]:
    """(id, label, digest) of each report snapshot of a period, with the hashes of its files."""
    for snapshot_id, partner, template, lang, data, files in db.execute("""
            SELECT s.id, coalesce(p.code, ''), s.template, s.lang, s.data,
                   (SELECT group_concat(format || ':' || sha256, ',') FROM
                       (SELECT format, sha256 FROM report_files WHERE snapshot_id = s.id ORDER BY format))
            FROM report_snapshots s LEFT JOIN partners p ON p.id = s.partner_id
            WHERE s.period_id = ?""", [period_id]):
        label = f"{partner or 'project'} {template} {lang}"
        yield snapshot_id, label, digest([snapshot_id, template, lang, hashlib.sha256(data.encode()).hexdigest(),
                                          files or ""])


def _total(items: Iterable[tuple[str, str]]) -> str:
    """One digest of a set of (id, digest) items, whatever their order."""
    return digest(sorted(items))


def seal_period(store: "Store", period_id: str, sealed_at: str, version: str | None = None) -> None:
    """Seal a period that is being submitted (with the columns of `version`, by default the present one); call
    inside the transaction that locks it."""
    from reporter.store.database import new_id

    db = store.db
    version = version or SEAL_VERSION
    expenditures = list(_expenditure_rows(db, period_id, version))
    snapshots = list(_snapshot_rows(db, period_id))
    audit_entry, audit_hash = last_entry(db)
    store.insert("period_seals", {
        "id": new_id(), "period_id": period_id, "sealed_at": sealed_at, "version": version,
        "expenditures": len(expenditures),
        "expenditures_digest": _total((i, d) for i, _, d in expenditures),
        "snapshots_digest": _total((i, d) for i, _, d in snapshots),
        "audit_entry": audit_entry, "audit_hash": audit_hash})
    db.conn.executemany(
        "INSERT INTO seal_items (period_id, kind, item_id, label, digest) VALUES (?, ?, ?, ?, ?)",
        [(period_id, "expenditure", i, str(number), d) for i, number, d in expenditures]
        + [(period_id, "snapshot", i, label, d) for i, label, d in snapshots])


def unseal_period(store: "Store", period_id: str) -> None:
    """Remove a period's seal when it is reopened (the audit log keeps what it was); call after it is unlocked."""
    row = next(store.db.query("SELECT * FROM period_seals WHERE period_id = ?", [period_id]), None)
    if row is not None:
        store.db.execute("DELETE FROM seal_items WHERE period_id = ?", [period_id])
        store.delete("period_seals", row)


# Verifying


def audit_breaks(db: Any, after_id: int = 0, after_hash: str = "",
                 limit: int = 20) -> tuple[list[AuditBreak], int, str]:
    """Where the audit log's chain is broken after entry `after_id` (whose hash is `after_hash`): entries changed,
    inserted or deleted outside the program. Also returns the last entry's id and hash."""
    breaks: list[AuditBreak] = []
    previous_id, previous_hash = after_id, after_hash
    columns = ", ".join(AUDIT_COLUMNS)
    for row in db.execute(f"SELECT {columns}, chain_hash FROM audit_log WHERE id > ? ORDER BY id", [after_id]):
        entry, stored = row[:-1], row[-1]
        missing = (previous_id + 1, entry[0] - 1) if entry[0] != previous_id + 1 else None
        if (missing or stored != chain_hash(previous_hash, entry)) and len(breaks) < limit:
            breaks.append(AuditBreak(entry=entry[0], table=entry[4], action=entry[3], changed_at=entry[1],
                                     missing=missing))
        previous_id, previous_hash = entry[0], stored or ""
    return breaks, previous_id, previous_hash


def _periods_to_verify(db: Any, project_id: str) -> list[tuple[Any, ...]]:
    """The periods of a project that are submitted or sealed, with their seal's columns."""
    return db.execute("""
        SELECT rp.id, rp.number, rp.status, s.id, s.expenditures_digest, s.snapshots_digest, s.audit_entry,
               s.audit_hash, s.version
        FROM reporting_periods rp LEFT JOIN period_seals s ON s.period_id = rp.id
        WHERE rp.project_id = ? AND (rp.status = 'submitted' OR s.id IS NOT NULL)
        ORDER BY rp.number""", [project_id]).fetchall()


def _seal_break(db: Any, period: tuple[Any, ...]) -> SealBreak | None:
    """What no longer matches the seal of one period (a row of `_periods_to_verify`), or None."""
    period_id, number, status, seal_id, total, snapshots_total, audit_entry, audit_hash, version = period
    if seal_id is None:
        return SealBreak(number, seal_missing=True)
    items: dict[str, dict[str, tuple[str, str]]] = {"expenditure": {}, "snapshot": {}}
    for kind, item_id, label, item_digest in db.execute(
            "SELECT kind, item_id, label, digest FROM seal_items WHERE period_id = ?", [period_id]):
        items.setdefault(kind, {})[item_id] = (label, item_digest)
    rows = {i: (row_number, d) for i, row_number, d in _expenditure_rows(db, period_id, version)}
    sealed_rows = items["expenditure"]
    changed = tuple(sorted(((i, n) for i, (n, d) in rows.items() if i in sealed_rows and sealed_rows[i][1] != d),
                           key=lambda ref: ref[1]))
    added = tuple(sorted(((i, n) for i, (n, _) in rows.items() if i not in sealed_rows), key=lambda ref: ref[1]))
    deleted = tuple(sorted(int(label) for i, (label, _) in sealed_rows.items() if i not in rows))
    snapshots = {i: (label, d) for i, label, d in _snapshot_rows(db, period_id)}
    sealed_snapshots = items["snapshot"]
    reports = tuple(sorted({label for i, (label, d) in snapshots.items()
                            if sealed_snapshots.get(i, ("", ""))[1] != d}
                           | {label for i, (label, _) in sealed_snapshots.items() if i not in snapshots}))
    seal_changed = (_total((i, d) for i, (_, d) in sealed_rows.items()) != total
                    or _total((i, d) for i, (_, d) in sealed_snapshots.items()) != snapshots_total)
    head = db.execute("SELECT chain_hash FROM audit_log WHERE id = ?", [audit_entry]).fetchone()
    audit_cut = bool(audit_entry) and (head is None or head[0] != audit_hash)
    reopened = status != "submitted"
    if not (changed or added or deleted or reports or seal_changed or audit_cut or reopened):
        return None
    return SealBreak(number, changed=changed, added=added, deleted=deleted, reports=reports,
                     seal_changed=seal_changed, audit_entry=audit_entry if audit_cut else None,
                     reopened_outside=reopened)


class IntegrityQueries:
    """`store.integrity`: what the `integrity` check is given.

    Verifying every hash of a large database takes a moment, and the window
    checks after every save. What this connection verified is remembered as
    long as SQLite's `data_version` says no other connection has written since:
    then only the audit entries added since are verified again, and a seal only
    when it changed (this program never writes to a sealed period). Any write
    by another connection or tool, the sqlite3 shell included, starts over.
    """

    def __init__(self, store: "Store") -> None:
        self.db = store.db
        self._audit: tuple[int, int, str, tuple[AuditBreak, ...]] | None = None  # version, last id, hash, breaks
        self._seals: dict[str, tuple[int, tuple[Any, ...], SealBreak | None]] = {}  # period id → version, seal, break

    def _version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def audit_breaks(self) -> list[AuditBreak]:
        version = self._version()
        if self._audit is not None and self._audit[0] == version:
            _, last_id, last_hash, known = self._audit
            found, last_id, last_hash = audit_breaks(self.db, last_id, last_hash)
            breaks = (*known, *found)
        else:
            found, last_id, last_hash = audit_breaks(self.db)
            breaks = tuple(found)
        self._audit = (version, last_id, last_hash, breaks)
        return list(breaks)

    def seal_breaks(self, project_id: str) -> list[SealBreak]:
        version = self._version()
        found = []
        for period in _periods_to_verify(self.db, project_id):
            period_id, seal = period[0], period[1:]
            cached = self._seals.get(period_id)
            if cached is not None and cached[0] == version and cached[1] == seal:
                result = cached[2]
            else:
                result = _seal_break(self.db, period)
                self._seals[period_id] = (version, seal, result)
            if result is not None:
                found.append(result)
        return found


# The schema (migration 0009_tamper_evidence; 0016 covers the columns of seal v2, 0017 those of v3)


def locked_update_trigger(version: str) -> str:
    """The trigger that makes an edit of a locked row's sealed columns (of a seal version) fail outright."""
    locked = "(SELECT status FROM reporting_periods WHERE id = {}) = 'submitted'"
    sealed_columns = ", ".join(c for c in SEALED_COLUMNS_BY_VERSION[version] if c != "id")
    return f"""CREATE TRIGGER locked_expenditure_update BEFORE UPDATE OF {sealed_columns} ON expenditures
WHEN {locked.format('OLD.period_id')} OR {locked.format('NEW.period_id')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END"""


def protection_triggers(version: str) -> str:
    """Triggers that make accidental edits of the audit log, of locked rows and of seals fail outright."""
    locked = "(SELECT status FROM reporting_periods WHERE id = {}) = 'submitted'"
    return f"""
CREATE TRIGGER audit_log_is_never_changed BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'grant-reporter: the audit log is never changed'); END;
CREATE TRIGGER audit_log_is_never_deleted BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'grant-reporter: the audit log is never deleted'); END;
CREATE TRIGGER locked_expenditure_insert BEFORE INSERT ON expenditures WHEN {locked.format('NEW.period_id')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END;
{locked_update_trigger(version)};
CREATE TRIGGER locked_expenditure_delete BEFORE DELETE ON expenditures WHEN {locked.format('OLD.period_id')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END;
CREATE TRIGGER locked_snapshot_update BEFORE UPDATE ON report_snapshots WHEN {locked.format('OLD.period_id')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END;
CREATE TRIGGER locked_snapshot_delete BEFORE DELETE ON report_snapshots WHEN {locked.format('OLD.period_id')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END;
CREATE TRIGGER locked_report_file_update BEFORE UPDATE ON report_files
WHEN {locked.format('(SELECT period_id FROM report_snapshots WHERE id = OLD.snapshot_id)')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END;
CREATE TRIGGER locked_report_file_delete BEFORE DELETE ON report_files
WHEN {locked.format('(SELECT period_id FROM report_snapshots WHERE id = OLD.snapshot_id)')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END;
CREATE TRIGGER seal_is_never_changed BEFORE UPDATE ON period_seals
BEGIN SELECT RAISE(ABORT, 'grant-reporter: a seal is never changed'); END;
CREATE TRIGGER seal_items_are_never_changed BEFORE UPDATE ON seal_items
BEGIN SELECT RAISE(ABORT, 'grant-reporter: a seal is never changed'); END;
CREATE TRIGGER seal_kept_while_submitted BEFORE DELETE ON period_seals WHEN {locked.format('OLD.period_id')}
BEGIN SELECT RAISE(ABORT, 'grant-reporter: locked: the period is submitted'); END"""


def chain_existing_entries(db: Any) -> None:
    """Give every audit entry written before the chain existed its hash, in order (part of the migration)."""
    columns = ", ".join(AUDIT_COLUMNS)
    previous = ""
    rows = db.execute(f"SELECT {columns} FROM audit_log_unchained ORDER BY id").fetchall()
    chained = []
    for row in rows:
        previous = chain_hash(previous, row)
        chained.append((*row, previous))
    db.conn.executemany(f"INSERT INTO audit_log ({columns}, chain_hash) VALUES ({', '.join('?' * 9)})", chained)


def seal_submitted_periods(store: "Store", version: str) -> None:
    """Seal the periods submitted before seals existed, as they are now (part of the migration)."""
    for period_id, submitted_at in store.db.execute(
            "SELECT id, coalesce(submitted_at, '') FROM reporting_periods WHERE status = 'submitted'").fetchall():
        seal_period(store, period_id, submitted_at, version)
