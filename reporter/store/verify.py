"""Is a file a sound Grant Reporter database that this version can open? Asked without writing to it.

`restore` asks before it replaces anything, `backup` asks of every backup it
writes and `backup --list` of every backup it shows; opening a database asks
the quick questions. The answer is a `Problem` (why not) or None.
"""

from __future__ import annotations

import os
import sqlite3
from functools import lru_cache
from pathlib import Path

from sqlite_utils import Database, Migrations

from reporter.domain.errors import Problem, problem
from reporter.store import failures
from reporter.store.schema import migrations as schema_migrations

SQLITE_HEADER = b"SQLite format 3\x00"


def read_only_uri(path: Path) -> str:
    """A URI that reads `path` without writing anything beside it.

    On a read-only folder (a CD, a read-only share) SQLite cannot make the
    shared-memory file of a WAL database; a database with no pending WAL is
    then read as immutable, which is exact since nobody can write it either.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    wal = path.with_name(path.name + "-wal")
    writable = os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)
    if not writable and not (wal.exists() and wal.stat().st_size > 0):
        uri += "&immutable=1"
    return uri


def verify_database(path: Path, migration_set: Migrations = schema_migrations, thorough: bool = True) -> Problem | None:
    """Why `path` cannot be used as a Grant Reporter database, or None.

    Quick: a regular, non-empty SQLite file, with Grant Reporter's migrations
    and none newer, no foreign `user_version`. Thorough, in addition: `PRAGMA
    integrity_check`, every migration up to its last one applied, and every
    table and column those migrations make.
    """
    file = str(path)
    if not path.is_file():
        return problem("database", "file.does_not_exist", file=file) if not path.exists() else \
            problem("database", "database.not_a_file", file=file)
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        return failures.file_problem(error, path) or problem("database", "database.unreadable", file=file,
                                                               detail=str(error))
    if not header:
        return problem("database", "database.empty_file", file=file)
    if header != SQLITE_HEADER:
        return problem("database", "database.not_sqlite", file=file)
    try:
        conn = sqlite3.connect(read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        return _failure(error, path)
    try:
        return _verify(conn, file, migration_set, thorough)
    except sqlite3.Error as error:
        return _failure(error, path)
    finally:
        conn.close()


def _verify(conn: sqlite3.Connection, file: str, migration_set: Migrations, thorough: bool) -> Problem | None:
    if thorough:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if found != ["ok"]:
            detail = "; ".join(line.strip() for text in found for line in text.splitlines() if "***" not in line)
            return problem("database", "database.damaged", file=file, detail=detail[:200])
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version != 0:  # Grant Reporter never sets it: another program's file
        return problem("database", "database.foreign_version", file=file, version=version)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:  # a new database (its first start cut short, say) opens and is set up; it is no backup
        return problem("database", "database.no_tables", file=file) if thorough else None
    applied: list[str] = []
    if Migrations.migrations_table in tables:
        applied = [row[0] for row in conn.execute(
            f"SELECT name FROM {Migrations.migrations_table} WHERE migration_set = ? ORDER BY id",
            [migration_set.name])]
    if not applied:
        return problem("database", "database.not_ours", file=file)
    known = [m.name for m in migration_set._migrations]  # sqlite-utils has no public list of a set's names
    newer = sorted(set(applied) - set(known))
    if newer:
        return problem("database", "database.newer", file=file, schema=newer[-1])
    if not thorough:
        return None
    last = max(known.index(name) for name in applied)
    missing = [name for name in known[:last + 1] if name not in applied]
    if missing:
        return problem("database", "database.incomplete", file=file, schema=missing[0])
    for table, columns in _expected_schema(migration_set, last + 1).items():
        if table not in tables:
            return problem("database", "database.missing_table", file=file, table=table)
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column not in present:
                return problem("database", "database.missing_column", file=file, table=table, column=column)
    return None


@lru_cache(maxsize=8)
def _expected_schema(migration_set: Migrations, count: int) -> dict[str, tuple[str, ...]]:
    """The tables and columns the first `count` migrations make: built in memory, never listed by hand."""
    db = Database(memory=True)
    names = [m.name for m in migration_set._migrations]
    migration_set.apply(db, stop_before=names[count]) if count < len(names) else migration_set.apply(db)
    schema = {table: tuple(db[table].columns_dict) for table in db.table_names()
              if not table.startswith(("sqlite_", "_sqlite"))}
    db.close()
    return schema


def _failure(error: sqlite3.Error, path: Path) -> Problem:
    return failures.database_problem(error, path) or problem("database", "database.unreadable", file=str(path),
                                                               detail=str(error))
