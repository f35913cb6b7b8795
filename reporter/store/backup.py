"""Backups through SQLite's online backup API: consistent even while the database is open.

Backups are timestamped files in a `backups` folder beside the database; the
oldest are removed so that at most `keep` of each kind remain.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from reporter.domain.errors import UserError, problem

DEFAULT_KEEP = 10


def backup_folder(database: Path) -> Path:
    return database.parent / "backups"


def backup_database(source: sqlite3.Connection, database: Path, reason: str = "manual",
                    folder: Path | None = None, keep: int = DEFAULT_KEEP) -> Path:
    """Copy the open database to a new timestamped file and prune old backups of the same reason."""
    folder = folder or backup_folder(database)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.stem}-{reason}-{stamp}.sqlite3"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{database.stem}-{reason}-{stamp}-{counter}.sqlite3"
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
    _prune(folder, f"{database.stem}-{reason}-", keep)
    return target


def _prune(folder: Path, prefix: str, keep: int) -> None:
    backups = sorted(folder.glob(f"{prefix}*.sqlite3"), key=lambda p: p.stat().st_mtime_ns)
    for old in backups[:-keep] if keep > 0 else backups:
        old.unlink()


def list_backups(database: Path, folder: Path | None = None) -> list[Path]:
    folder = folder or backup_folder(database)
    return sorted(folder.glob(f"{database.stem}-*.sqlite3"), key=lambda p: p.stat().st_mtime_ns, reverse=True)


def copy_into(backup_file: Path, database: Path) -> None:
    """Replace the content of `database` with that of `backup_file`, in one step."""
    if not backup_file.is_file():
        raise UserError(problem("restore", "file.does_not_exist", file=str(backup_file)))
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(database)
    try:
        source.backup(target)
    except sqlite3.DatabaseError as error:
        raise UserError(f"restore: {backup_file} is not an SQLite database ({error})") from None
    finally:
        source.close()
        target.close()
