"""Backup and restore of the whole database."""

from __future__ import annotations

from pathlib import Path

from reporter.domain.errors import UserError, problem
from reporter.store import Store
from reporter.store import backup as backups
from reporter.store.database import check_compatible


def backup_now(store: Store, keep: int = backups.DEFAULT_KEEP) -> Path:
    if store.path is None:
        raise UserError(problem("backup", "backup.in_memory"))
    return backups.backup_database(store.db.conn, store.path, reason="manual", keep=keep)


def list_backups(database: Path) -> list[Path]:
    return backups.list_backups(database)


def restore(database: Path, backup_file: Path) -> Path:
    """Replace the database with a backup, after backing up the current state.

    The backup is checked first (an SQLite file of ours, not from a newer
    version); the database is then opened, so an older backup is migrated.
    Returns the safety backup of what was replaced.
    """
    if not backup_file.is_file():
        raise UserError(problem("restore", "file.does_not_exist", file=str(backup_file)))
    check_compatible(backup_file)
    current = Store.open(database)
    try:
        safety = backups.backup_database(current.db.conn, database, reason="before-restore")
    finally:
        current.close()
    backups.copy_into(backup_file, database)
    Store.open(database).close()
    return safety
