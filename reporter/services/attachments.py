"""Attachments: a chosen file (a scan, a PDF) copied into the `attachments` folder beside the database under
its SHA-256, opened from the list, and checked: a kept file that is missing or whose content changed is a finding.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from reporter.domain.attachments import KeptFile, kept_file, reference_name
from reporter.domain.checks import RecordRef
from reporter.domain.errors import UserError, problem
from reporter.store import Store

MISSING, CHANGED = "missing", "changed"
_hashes: dict[tuple[str, int, int], str] = {}  # (path, size, modified) → SHA-256: a file is hashed once per change


def attachments_folder(store: Store) -> Path:
    """The `attachments` folder beside the database file."""
    if store.path is None:
        raise UserError(problem("attachments", "attachment.no_folder"))
    return store.path.parent / "attachments"


def sha256_of(path: Path) -> str:
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        digest = hashlib.sha256()
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
        _hashes[key] = digest.hexdigest()
    return _hashes[key]


def keep_file(store: Store, path: Path) -> str:
    """Copy a file into the attachments folder (once: the same content is kept once) and give its reference."""
    try:
        digest = sha256_of(path)
    except FileNotFoundError:
        raise UserError(problem(str(path), "file.missing")) from None
    kept = KeptFile(reference_name(path.name), digest)
    folder = attachments_folder(store)
    target = folder / kept.stored_name
    if not target.exists() or sha256_of(target) != digest:
        folder.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=folder, prefix=".copy-")
        os.close(handle)
        try:
            shutil.copyfile(path, partial)
            os.replace(partial, target)  # whole or not at all
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return kept.reference


def kept_path(store: Store, reference: str) -> Path:
    """The kept file of a reference, to open it; refused when it is free text or the file is missing."""
    kept = kept_file(reference)
    if kept is None:
        raise UserError(problem("attachments", "attachment.not_kept", reference=repr(reference)))
    path = attachments_folder(store) / kept.stored_name
    if not path.exists():
        raise UserError(problem("attachments", "attachment.missing", name=kept.name, path=str(path)))
    return path


def state_of(store: Store, reference: str) -> str | None:
    """MISSING or CHANGED for a kept file that is not as it was attached; None when it is (or is free text)."""
    kept = kept_file(reference)
    if kept is None or store.path is None:
        return None
    path = attachments_folder(store) / kept.stored_name
    if not path.exists():
        return MISSING
    return None if sha256_of(path) == kept.sha256 else CHANGED


def attachment_problems(store: Store, project_id: str) -> tuple[tuple[RecordRef, str, str, str], ...]:
    """Kept files of a project's expenditures that are missing or changed: (ref, partner, name, state)."""
    found = []
    for ref, partner, references in store.analysis.attachments(project_id):
        for reference in references:
            state = state_of(store, reference)
            if state is not None:
                found.append((ref, partner, kept_file(reference).name, state))  # type: ignore[union-attr]
    return tuple(sorted(found, key=lambda row: row[0].number))
