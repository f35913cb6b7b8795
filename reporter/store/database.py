"""Opening the database: version check, automatic backup, migrations, and the audit log.

This package is the only place that touches SQL.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator, TypeVar

from sqlite_utils import Database, Migrations

from reporter.crash_points import crash_point
from reporter.domain.errors import UserError, problem
from reporter.store import backup, failures, integrity
from reporter.store.schema import migrations as schema_migrations
from reporter.store.verify import read_only_uri, verify_database


T = TypeVar("T")


class DatabaseError(UserError):
    """The file cannot be used as a Grant Reporter database."""


# How long a write waits for another window or command to finish its own, before it gives up with a message.
BUSY_TIMEOUT_MS = 15_000


def new_id() -> str:
    """A stable record id that does not collide when databases are merged."""
    return str(uuid.uuid4())


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def current_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class Store:
    """An open database. Repositories hang off it; every write goes through `transaction()`."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self.user_name = current_user()
        self._chain_head: tuple[int, str] | None = None  # the audit log's last entry, within a write transaction
        self._remembered: tuple[tuple[int, int], dict[Hashable, Any]] = ((-1, -1), {})  # by data stamp
        from reporter.store.analysis import ContractQueries
        from reporter.store.controls import ControlStore
        from reporter.store.expenditures import ExpenditureStore
        from reporter.store.explanations import ExplanationStore
        from reporter.store.payments import PaymentStore
        from reporter.store.projects import ProjectStore
        from reporter.store.rates import RateStore
        from reporter.store.reports import ReportStore
        from reporter.store.subgrants import SubGrantStore

        self.projects = ProjectStore(self)
        self.expenditures = ExpenditureStore(self)
        self.rates = RateStore(self)
        self.analysis = ContractQueries(self)
        self.reports = ReportStore(self)
        self.payments = PaymentStore(self)
        self.sub_grants = SubGrantStore(self)
        self.explanations = ExplanationStore(self)
        self.controls = ControlStore(self)
        self.integrity = integrity.IntegrityQueries(self)

    @classmethod
    def open(cls, path: Path | str, migration_set: Migrations = schema_migrations,
             backup_first: bool = True) -> "Store":
        """Open (creating if needed) and bring the schema up to date.

        A database written by a newer version is refused before anything is
        changed; an existing database is backed up before any migration
        (unless it is a copy being prepared, `backup_first=False`).
        """
        path = Path(path)
        if path.exists() and not path.is_file():  # --db /dev/null, a folder
            raise DatabaseError(problem("database", "database.not_a_file", file=str(path)))
        existed = path.exists() and path.stat().st_size > 0
        if existed:
            check_compatible(path, migration_set)
        read_only = existed and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
        try:
            if not existed:
                path.parent.mkdir(parents=True, exist_ok=True)
            # On a read-only folder or file (an archive on a CD, a read-only share) every reading command
            # works; a write says the file is read-only.
            db = Database(sqlite3.connect(read_only_uri(path), uri=True) if read_only else path)
        except (OSError, sqlite3.Error) as error:
            raise failures.user_error(error, path) or error from None
        try:
            db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA foreign_keys = ON")
            pending = migration_set.pending(db)
            if read_only and pending:  # an older database that would need an upgrade first
                db.close()
                raise DatabaseError(problem("database", "storage.read_only", file=str(path)))
            if read_only:
                return cls(db, path)
            if existed and pending and backup_first and db.table_names():  # nothing to keep of an empty one
                backup.backup_database(db.conn, path, reason="before-migration")
            if db.journal_mode != "wal":
                db.enable_wal()
            if pending:  # under the write lock: a second window starting at the same moment waits, then finds none
                with write_lock(db, path):
                    migration_set.apply(db)
                    crash_point("migrate.before-commit")
        except (OSError, sqlite3.Error) as error:
            db.close()
            raise failures.user_error(error, path) or error from None
        return cls(db, path)

    @classmethod
    def in_memory(cls, migration_set: Migrations = schema_migrations) -> "Store":
        db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        migration_set.apply(db)
        return cls(db, None)

    def close(self) -> None:
        self.db.close()

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, worked out once while the data stay as they are: nothing written since, neither by this
        connection (SQLite counts every row it changes, even in a transaction rolled back later) nor by another
        (`data_version`). For answers that follow from the data alone, asked again and again (the window's
        checks, budget and list after each other)."""
        stamp = (self.db.conn.total_changes, self.db.execute("PRAGMA data_version").fetchone()[0])
        if self._remembered[0] != stamp:
            self._remembered = (stamp, {})
        found = self._remembered[1]
        if key not in found:
            found[key] = compute()
        return found[key]

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action: everything inside is written, or nothing is.

        The write lock is taken at the start (`BEGIN IMMEDIATE`), so what is read
        inside is what the write is based on: another window or command writing
        at the same moment waits (up to `BUSY_TIMEOUT_MS`) instead of failing
        halfway. A database still busy after that, a full disk or a read-only
        file is a `StorageError` with a message, and nothing is written.
        """
        if self.db.conn.in_transaction:  # a transaction within one: a savepoint of it
            try:
                with self.db.atomic() as db:
                    yield db
            except BaseException:
                self._chain_head = None  # the savepoint's audit entries are gone
                raise
            return
        self._chain_head = None
        try:
            with write_lock(self.db, self.path):
                yield self.db
        finally:
            self._chain_head = None

    def audit(self, action: str, table: str, record_id: str,
              old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> None:
        """Record one insert, update or delete (or a restore); call inside the transaction that makes it.

        The entry is chained to the one before it (`integrity.chain_hash`); the
        transaction holds the write lock, so no other writer can come between.
        """
        last_id, last_hash = self._chain_head or integrity.last_entry(self.db)
        entry = [last_id + 1, now(), self.user_name, action, table, record_id,
                 None if old is None else json.dumps(old, ensure_ascii=False, sort_keys=True),
                 None if new is None else json.dumps(new, ensure_ascii=False, sort_keys=True)]
        chained = integrity.chain_hash(last_hash, entry)
        self.db.execute(
            "INSERT INTO audit_log (id, changed_at, user_name, action, table_name, record_id, old_values, new_values,"
            " chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [*entry, chained])
        # Within one write transaction nobody else writes: the next entry follows this one without a query.
        self._chain_head = (entry[0], chained) if self.db.conn.in_transaction else None

    def audit_many(self, action: str, table: str, entries: list[tuple[str, dict[str, Any] | None,
                                                                     dict[str, Any] | None]]) -> None:
        """Record many changes of one kind at once (a bulk import): each entry (record id, old, new) becomes the
        same chained audit row `audit` writes; call inside the transaction that makes them."""
        last_id, last_hash = self._chain_head or integrity.last_entry(self.db)
        stamp, rows = now(), []
        for record_id, old, new in entries:
            last_id += 1
            entry = [last_id, stamp, self.user_name, action, table, record_id,
                     None if old is None else json.dumps(old, ensure_ascii=False, sort_keys=True),
                     None if new is None else json.dumps(new, ensure_ascii=False, sort_keys=True)]
            last_hash = integrity.chain_hash(last_hash, entry)
            rows.append((*entry, last_hash))
        self.db.conn.executemany(
            "INSERT INTO audit_log (id, changed_at, user_name, action, table_name, record_id, old_values, new_values,"
            " chain_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._chain_head = (last_id, last_hash) if self.db.conn.in_transaction else None

    def audit_entries(self, table: str | None = None, record_id: str | None = None) -> list[dict[str, Any]]:
        where, args = [], []
        if table:
            where.append("table_name = ?")
            args.append(table)
        if record_id:
            where.append("record_id = ?")
            args.append(record_id)
        sql = "SELECT * FROM audit_log" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        rows = []
        for row in self.db.query(sql, args):
            row["old_values"] = json.loads(row["old_values"]) if row["old_values"] else None
            row["new_values"] = json.loads(row["new_values"]) if row["new_values"] else None
            rows.append(row)
        return rows

    # Generic audited writes, used by the repositories.

    def insert(self, table: str, row: dict[str, Any]) -> None:
        columns = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values()))
        self.audit("insert", table, _record_key(row), new=row)

    def update(self, table: str, old: dict[str, Any], changes: dict[str, Any]) -> None:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        self.db.execute(f"UPDATE {table} SET {assignments} WHERE id = ?", [*changes.values(), old["id"]])
        self.audit("update", table, old["id"], old={k: old[k] for k in changes}, new=changes)

    def delete(self, table: str, old: dict[str, Any]) -> None:
        self.db.execute(f"DELETE FROM {table} WHERE id = ?", [old["id"]])
        self.audit("delete", table, old["id"], old=old)


@contextmanager
def write_lock(db: Database, path: Path | None) -> Iterator[None]:
    """`BEGIN IMMEDIATE` … `COMMIT`, or `ROLLBACK` on any failure; the machine's failures become `StorageError`s."""
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise failures.user_error(error, path) or error from None
    try:
        yield
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        mapped = failures.user_error(error, path) if isinstance(error, sqlite3.Error) else None
        if mapped is not None:
            raise mapped from error
        raise


def _record_key(row: dict[str, Any]) -> str:
    return str(row.get("id") or "/".join(str(v) for v in row.values())[:200])


def check_compatible(path: Path, migration_set: Migrations = schema_migrations) -> None:
    """Refuse a file that is not ours or comes from a newer version, without writing to it."""
    found = verify_database(path, migration_set, thorough=False)
    if found is not None:
        raise DatabaseError(found)
