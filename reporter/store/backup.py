"""Backups through SQLite's online backup API: consistent even while the database is open.

A backup is written under a temporary name, checked (`PRAGMA integrity_check`
and the schema a Grant Reporter database has), and only then given its final
name, so a backup cut short by a crash or a full disk never passes for one.
Backups are files `<database>-<reason>-<YYYYMMDD-HHMMSS>.sqlite3` in a `backups`
folder beside the database; the oldest of each reason are removed so that at
most `keep` remain, at least one, and only this database's own.
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from reporter.crash_points import crash_point
from reporter.domain.errors import Problem, UserError, problem
from reporter.domain.messages import Message
from reporter.store import failures
from reporter.store.verify import verify_database

DEFAULT_KEEP = 10
# Why a backup was taken; part of its name, so each reason keeps its own newest ones.
REASONS = ("manual", "before-migration", "before-restore", "before-load", "before-submit", "before-reopen",
           "before-import", "before-merge")
PARTIAL = ".partial"  # the suffix of a backup being written
STEP_PAGES = 1024  # pages copied per step (4 MB of 4 KB pages): progress, and a kill point, between steps

Progress = Callable[[int, int], None]
"""Called with (pages copied, pages in all) while a backup is written."""


@dataclass(frozen=True)
class BackupFile:
    """One backup of a database, as `backup --list` shows it."""

    path: Path
    reason: str
    taken: datetime
    size: int
    problem: Problem | None  # why it cannot be restored; None: it verified

    @property
    def verified(self) -> bool:
        return self.problem is None


def backup_folder(database: Path) -> Path:
    return database.parent / "backups"


def backup_database(source: sqlite3.Connection, database: Path, reason: str = "manual",
                    folder: Path | None = None, keep: int = DEFAULT_KEEP, progress: Progress | None = None) -> Path:
    """Copy the open database to a new, verified, timestamped file; prune old backups of the same reason.

    Nothing is left under a backup's name unless it is complete and sound; the
    new backup is never pruned, and at least one backup of each reason stays.
    """
    if keep < 1:
        raise UserError(problem("keep", "backup.keep_at_least_one", keep=keep))
    assert reason in REASONS, reason
    folder = folder or backup_folder(database)
    target = folder / f"{database.stem}-{reason}.sqlite3"  # named for a message until it has its name
    partial = target.with_name(target.name + PARTIAL)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_stale_partials(folder, database)
        target = _new_name(folder, database, reason)
        partial = target.with_name(target.name + PARTIAL)
        destination = sqlite3.connect(partial)
        try:
            def step(status: int, remaining: int, total: int) -> None:
                crash_point("backup.step")
                if progress:
                    progress(total - remaining, total)

            source.backup(destination, pages=STEP_PAGES, progress=step)
            destination.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            destination.close()
        found = verify_database(partial)
        if found is not None:
            raise UserError(problem("backup", "backup.not_verified", file=str(target),
                                    reason=Message(found.message_id, found.args)))
        _sync(partial)
        os.replace(partial, target)
        _sync(folder)
    except BaseException as error:
        partial.unlink(missing_ok=True)
        mapped = failures.user_error(error, target) if isinstance(error, (OSError, sqlite3.Error)) else None
        if mapped is not None:
            raise mapped from error
        raise
    _prune(folder, database, reason, keep, target)
    return target


def _new_name(folder: Path, database: Path, reason: str) -> Path:
    """A name no backup has, its temporary file created at once (two processes backing up in the same second)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    counter = 1
    while True:
        suffix = "" if counter == 1 else f"-{counter}"
        target = folder / f"{database.stem}-{reason}-{stamp}{suffix}.sqlite3"
        if not target.exists():
            try:
                os.close(os.open(target.with_name(target.name + PARTIAL), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                return target
            except FileExistsError:
                pass
        counter += 1


def _sync(path: Path) -> None:
    """Make the bytes (or a rename within a folder) durable before going on; not possible for folders on Windows."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove_stale_partials(folder: Path, database: Path) -> None:
    """Backups a crash cut short (not being written now: untouched for ten minutes)."""
    for partial in folder.glob(f"{glob_escape(database.stem)}-*.sqlite3{PARTIAL}"):
        try:
            if time.time() - partial.stat().st_mtime > 600:
                partial.unlink()
        except OSError:
            pass


def glob_escape(text: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", text)


def _own_backups(database: Path, folder: Path | None = None) -> list[tuple[Path, str, datetime]]:
    """This database's backups, newest first: named by its stem, a known reason and a time, nothing else.

    `d-manual-…` of the database `d-manual` is no backup of `d`: its reason would be `manual-manual`.
    """
    folder = folder or backup_folder(database)
    pattern = re.compile(rf"{re.escape(database.stem)}-(?P<reason>{'|'.join(REASONS)})-"
                         r"(?P<stamp>[0-9]{8}-[0-9]{6})(?:-(?P<counter>[0-9]+))?(?:-raw)?\.sqlite3")
    found = []
    for path in folder.glob(f"{glob_escape(database.stem)}-*.sqlite3") if folder.is_dir() else ():
        match = pattern.fullmatch(path.name)
        if match and path.is_file():
            taken = datetime.strptime(match["stamp"], "%Y%m%d-%H%M%S")
            found.append((path, match["reason"], taken, int(match["counter"] or 1)))
    found.sort(key=lambda item: (item[2], item[3]), reverse=True)
    return [(path, reason, taken) for path, reason, taken, _ in found]


def _prune(folder: Path, database: Path, reason: str, keep: int, new: Path) -> None:
    same = [path for path, kind, _ in _own_backups(database, folder) if kind == reason and path != new]
    for old in same[max(keep - 1, 0):]:
        old.unlink(missing_ok=True)


def list_backups(database: Path, folder: Path | None = None) -> list[Path]:
    """This database's backups, newest first."""
    return [path for path, _, _ in _own_backups(database, folder)]


def describe_backups(database: Path, folder: Path | None = None) -> list[BackupFile]:
    """This database's backups, newest first, each with its size and whether it verifies (read, never written)."""
    return [BackupFile(path, reason, taken, path.stat().st_size, verify_database(path))
            for path, reason, taken in _own_backups(database, folder)]


def copy_into(backup_file: Path, database: Path, progress: Progress | None = None,
              crash_name: str = "restore.copy") -> None:
    """Replace the content of `database` with that of `backup_file`, in one transaction of the database.

    SQLite's backup API holds the write lock of the destination from the first
    page to the last and commits once: a crash midway leaves the database as it was.
    """
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(database)
    try:
        def step(status: int, remaining: int, total: int) -> None:
            crash_point(crash_name)
            if progress:
                progress(total - remaining, total)

        source.backup(target, pages=STEP_PAGES, progress=step)
    except sqlite3.Error as error:
        raise failures.user_error(error, database) or error from None
    finally:
        source.close()
        target.close()
