"""A partner package: one partner's expenditure of one period, in one file the lead partner merges.

The file is a ZIP archive: `package.json` (the project, the partner, the period
and the codes the records refer to), `expenditures.json` (the records, with
their stable ids and named payers), the attachment files under `attachments/`,
and `manifest.json` with the SHA-256 of every other member. The archive's
comment seals the whole file: the SHA-256 of every byte before it, so a changed
byte anywhere (a member, the manifest, a ZIP header) is refused, not only one
inside a listed member.

The hashes carry no secret: they show that a file was changed on the way or by
hand, not who made it.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Mapping

from reporter.domain.errors import UserError, problem

FORMAT = "grant-reporter-package/1"
MANIFEST, PACKAGE, EXPENDITURES, ATTACHMENTS = "manifest.json", "package.json", "expenditures.json", "attachments/"
_SEAL = b"grant-reporter-package sha256="
_SEAL_LENGTH = len(_SEAL) + 64


@dataclass(frozen=True)
class PackageContent:
    """What a package holds, as plain data (dates ISO, amounts as text with two decimals)."""

    header: dict[str, Any]  # format, project, partner, period, references, exported_at, exported_by
    expenditures: list[dict[str, Any]]
    attachments: dict[str, bytes] = field(default_factory=dict)  # reference (a relative path) → content


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def write_package(content: PackageContent) -> bytes:
    """The package file's bytes: members, their manifest, and the seal over the whole archive."""
    members = {PACKAGE: _json(content.header), EXPENDITURES: _json(content.expenditures)}
    for reference, data in sorted(content.attachments.items()):
        members[ATTACHMENTS + safe_name(reference)] = data
    manifest = {"format": FORMAT, "files": {name: sha256(data) for name, data in members.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, _json(manifest)), *members.items()]:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # the same data, the same bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
        archive.comment = _SEAL + b"0" * 64
    data = buffer.getvalue()
    body = data[:-_SEAL_LENGTH]
    return body + _SEAL + sha256(body).encode("ascii")


def read_package(data: bytes, name: str) -> PackageContent:
    """A package's content, after every hash is checked; a `UserError` names what is wrong."""
    if len(data) < _SEAL_LENGTH or data[-_SEAL_LENGTH:-64] != _SEAL:
        raise UserError(problem(name, "package.unreadable", detail="no package seal at its end"))
    if sha256(data[:-_SEAL_LENGTH]).encode("ascii") != data[-64:]:
        raise UserError(problem(name, "package.tampered", member=name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UserError(problem(name, "package.unreadable", detail=str(error)[:200])) from None
    manifest = _load(members, MANIFEST, name)
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        version = manifest.get("format") if isinstance(manifest, dict) else None
        raise UserError(problem(name, "package.version", version=repr(version)))
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise UserError(problem(name, "package.unreadable", detail="the manifest lists no files"))
    for member in sorted(members):
        if member != MANIFEST and member not in files:
            raise UserError(problem(name, "package.unlisted", member=repr(member)))
        if member != safe_name(member, name):
            raise UserError(problem(name, "package.unsafe_name", member=repr(member)))
    for member, digest in sorted(files.items()):
        if member not in members:
            raise UserError(problem(name, "package.member_missing", member=repr(member)))
        if sha256(members[member]) != digest:
            raise UserError(problem(name, "package.tampered", member=repr(member)))
    header, expenditures = _load(members, PACKAGE, name), _load(members, EXPENDITURES, name)
    if not isinstance(header, dict) or not isinstance(expenditures, list) or not all(
            isinstance(e, dict) for e in expenditures):
        raise UserError(problem(name, "package.unreadable", detail="unexpected content"))
    attachments = {member[len(ATTACHMENTS):]: content for member, content in members.items()
                   if member.startswith(ATTACHMENTS)}
    return PackageContent(header, expenditures, attachments)


def _load(members: Mapping[str, bytes], member: str, name: str) -> Any:
    if member not in members:
        raise UserError(problem(name, "package.member_missing", member=repr(member)))
    try:
        return json.loads(members[member].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UserError(problem(name, "package.unreadable", detail=f"{member}: {error}"[:200])) from None


def safe_name(reference: str, name: str = "package") -> str:
    """A relative path with '/' that cannot leave the folder it is unpacked into."""
    path = PurePosixPath(reference.replace("\\", "/"))
    if path.is_absolute() or not path.parts or any(part in ("..", "") or ":" in part for part in path.parts):
        raise UserError(problem(name, "package.unsafe_name", member=repr(reference)))
    return path.as_posix()
