"""Opening the database: version check, automatic backup, migrations, and the audit log.

This package is the only place that touches SQL.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from sqlite_utils import Database, Migrations

from reporter.domain.errors import UserError
from reporter.store import backup
from reporter.store.schema import migrations as schema_migrations


class DatabaseError(UserError):
    """The file cannot be used as a Grant Reporter database."""


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
        from reporter.store.analysis import ContractQueries
        from reporter.store.expenditures import ExpenditureStore
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

    @classmethod
    def open(cls, path: Path | str, migration_set: Migrations = schema_migrations) -> "Store":
        """Open (creating if needed) and bring the schema up to date.

        A database written by a newer version is refused before anything is
        changed; an existing database is backed up before any migration.
        """
        path = Path(path)
        existed = path.exists() and path.stat().st_size > 0
        if existed:
            check_compatible(path, migration_set)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        db.execute("PRAGMA foreign_keys = ON")
        pending = migration_set.pending(db)
        if existed and pending:
            backup.backup_database(db.conn, path, reason="before-migration")
        if db.journal_mode != "wal":
            db.enable_wal()
        migration_set.apply(db)
        return cls(db, path)

    @classmethod
    def in_memory(cls, migration_set: Migrations = schema_migrations) -> "Store":
        db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        migration_set.apply(db)
        return cls(db, None)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action: everything inside is written, or nothing is."""
        with self.db.atomic() as db:
            yield db

    def audit(self, action: str, table: str, record_id: str,
              old: dict[str, Any] | None = None, new: dict[str, Any] | None = None) -> None:
        """Record one insert, update or delete; call inside the transaction that makes it."""
        self.db.execute(
            "INSERT INTO audit_log (changed_at, user_name, action, table_name, record_id, old_values, new_values)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [now(), self.user_name, action, table, record_id,
             None if old is None else json.dumps(old, ensure_ascii=False, sort_keys=True),
             None if new is None else json.dumps(new, ensure_ascii=False, sort_keys=True)],
        )

    def audit_many(self, action: str, table: str, entries: list[tuple[str, dict[str, Any] | None,
                                                                     dict[str, Any] | None]]) -> None:
        """Record many changes of one kind at once (a bulk import): each entry (record id, old, new) becomes the
        same audit row `audit` writes; call inside the transaction that makes them."""
        stamp = now()
        self.db.conn.executemany(
            "INSERT INTO audit_log (changed_at, user_name, action, table_name, record_id, old_values, new_values)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(stamp, self.user_name, action, table, record_id,
              None if old is None else json.dumps(old, ensure_ascii=False, sort_keys=True),
              None if new is None else json.dumps(new, ensure_ascii=False, sort_keys=True))
             for record_id, old, new in entries])

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


def _record_key(row: dict[str, Any]) -> str:
    return str(row.get("id") or "/".join(str(v) for v in row.values())[:200])


def check_compatible(path: Path, migration_set: Migrations = schema_migrations) -> None:
    """Refuse a file that is not ours or comes from a newer version, without writing to it."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied: set[str] = set()
            if Migrations.migrations_table in tables:
                applied = {
                    row[0] for row in conn.execute(
                        f"SELECT name FROM {Migrations.migrations_table} WHERE migration_set = ?",
                        [migration_set.name],
                    )
                }
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path}: not a Grant Reporter database ({error})") from None
    if tables and not applied:
        raise DatabaseError(f"{path}: an SQLite database, but not a Grant Reporter one")
    known = {m.name for m in migration_set._migrations}  # sqlite-utils has no public list of a set's names
    newer = sorted(applied - known)
    if newer:
        raise DatabaseError(
            f"{path} was written by a newer version of Grant Reporter (schema {newer[-1]}); "
            "install that version or newer to open it. Nothing was changed."
        )
