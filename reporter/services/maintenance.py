"""Backup and restore of the whole database."""

from __future__ import annotations

import hashlib
import shutil
from datetime import datetime
from pathlib import Path

from reporter.crash_points import crash_point
from reporter.domain.errors import UserError, problem
from reporter.domain.messages import Message
from reporter.store import Store
from reporter.store import backup as backups
from reporter.store.backup import BackupFile, Progress
from reporter.store.verify import verify_database


def backup_now(store: Store, keep: int = backups.DEFAULT_KEEP, progress: Progress | None = None) -> Path:
    """A verified copy of the database now; the oldest manual backups beyond `keep` (at least 1) are removed."""
    if store.path is None:
        raise UserError(problem("backup", "backup.in_memory"))
    return backups.backup_database(store.db.conn, store.path, reason="manual", keep=keep, progress=progress)


def automatic_backup(store: Store, reason: str) -> Path | None:
    """A backup before a change that is hard to undo by hand (load, submit, reopen, import, merge); rotating."""
    if store.path is None:
        return None
    return backups.backup_database(store.db.conn, store.path, reason=reason)


def list_backups(database: Path) -> list[Path]:
    return backups.list_backups(database)


def describe_backups(database: Path) -> list[BackupFile]:
    """The database's own backups, newest first, with their size and whether each verifies."""
    return backups.describe_backups(database)


def restore(database: Path, backup_file: Path, progress: Progress | None = None) -> Path | None:
    """Replace the database with a backup, after backing up the current state; returns that backup.

    The backup is verified first (`PRAGMA integrity_check`, Grant Reporter's
    schema and migrations, every table the program needs): an empty, damaged
    or foreign file is refused and the database is not touched. The backup is
    then prepared beside the database (an older one migrated, the restore
    written into its audit log) and copied into the database in one
    transaction: a crash at any point leaves the database as it was or restored.
    """
    found = verify_database(backup_file)
    if found is not None:
        raise UserError(problem("restore", "restore.refused", file=str(backup_file),
                                reason=Message(found.message_id, found.args)))
    digest = hashlib.sha256(backup_file.read_bytes()).hexdigest()
    safety = _keep_current_state(database)
    crash_point("restore.after-safety-backup")
    stage = database.with_name(f".{database.name}.restoring")
    stage.unlink(missing_ok=True)
    try:
        backups.copy_into(backup_file, stage, crash_name="restore.stage")
        prepared = Store.open(stage, backup_first=False)
        try:
            with prepared.transaction():
                prepared.audit("restore", "database", database.name, new={
                    "from": str(backup_file.resolve()), "sha256": digest,
                    "at": datetime.now().isoformat(timespec="seconds"),
                    "replaced_state_kept_in": str(safety) if safety else None})
        finally:
            prepared.close()
        crash_point("restore.before-copy")
        backups.copy_into(stage, database, progress)
    finally:
        for leftover in (stage, stage.with_name(stage.name + "-wal"), stage.with_name(stage.name + "-shm")):
            leftover.unlink(missing_ok=True)
    Store.open(database).close()
    return safety


def _keep_current_state(database: Path) -> Path | None:
    """A backup of what a restore replaces; a damaged database is kept as its raw file (it may be all there is)."""
    if not database.exists() or database.stat().st_size == 0:
        return None
    if verify_database(database, thorough=False) is None:
        try:
            current = Store.open(database)
        except UserError:
            current = None
        if current is not None:
            try:
                return backups.backup_database(current.db.conn, database, reason="before-restore")
            except UserError:
                pass  # it did not verify: damaged, kept raw below
            finally:
                current.close()
    folder = backups.backup_folder(database)
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f"{database.stem}-before-restore-{datetime.now():%Y%m%d-%H%M%S}-raw.sqlite3"
    shutil.copy2(database, raw)
    wal = database.with_name(database.name + "-wal")
    if wal.exists():
        shutil.copy2(wal, raw.with_name(raw.name + "-wal"))
    return raw
