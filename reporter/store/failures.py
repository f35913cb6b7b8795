"""The machine's own failures as problems a user can act on: a database in use, a full disk, a read-only folder.

They are no bug of the program, so they are no internal error: the command line
exits 2 with one line and the window shows the message, in the user's language.
`user_error` is asked at the boundaries (the command line, the window's callback
hook) and by the store around every write.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reporter.domain.errors import Problem, UserError, problem
from reporter.files import StorageError, file_problem

# SQLite's primary result codes (https://sqlite.org/rescode.html).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def database_problem(error: sqlite3.Error, path: Path | None) -> Problem | None:
    """What an SQLite error means for the user, or None when it is a bug of the program."""
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error).lower()
    file = str(path) if path else "the database"
    if "grant-reporter: locked" in text:  # a trigger of the schema: the row is in a submitted period
        return problem("database", "record.locked")
    if code in (_BUSY, _LOCKED) or "database is locked" in text:
        return problem("database", "database.busy")
    if code == _FULL or "disk is full" in text:
        return problem("database", "storage.disk_full", file=file)
    if code == _READONLY or "readonly database" in text:
        return problem("database", "storage.read_only", file=file)
    if code == _CANTOPEN or "unable to open database file" in text:
        return problem("database", "storage.cannot_open", file=file)
    if code == _IOERR or "disk i/o error" in text:
        return problem("database", "storage.io_error", file=file)
    if code in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return problem("database", "storage.damaged", file=file)
    return None


def user_error(error: BaseException, path: Path | None = None) -> UserError | None:
    """The failure as a `StorageError` to show, or None: an internal error to log."""
    if isinstance(error, UserError):
        return error
    found = None
    if isinstance(error, sqlite3.Error):
        found = database_problem(error, path)
    elif isinstance(error, OSError):
        found = file_problem(error, path)
    return StorageError(found) if found is not None else None
