"""Attachment references: a scanned invoice or a PDF kept beside the database under its SHA-256.

An expenditure's `attachments` are text references. A file the program keeps is
referred to as `name (sha256 <64 hex digits>)`: the name the user knows it by and
the hash of its content, which is also its file name in the attachments folder
(with the name's extension). Any other reference is free text (a paper archive's
shelf mark, a path elsewhere) that the program only shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEPT = re.compile(r"^(?P<name>.*) \(sha256 (?P<sha256>[0-9a-f]{64})\)$")


@dataclass(frozen=True, slots=True)
class KeptFile:
    name: str  # as the user chose it: "SF-0117.pdf"
    sha256: str

    @property
    def stored_name(self) -> str:
        """Its file name in the attachments folder: the hash, with the name's extension."""
        dot = self.name.rfind(".")
        extension = self.name[dot:].lower() if dot > 0 and len(self.name) - dot <= 8 else ""
        return f"{self.sha256}{extension}"

    @property
    def reference(self) -> str:
        return f"{self.name} (sha256 {self.sha256})"


def kept_file(reference: str) -> KeptFile | None:
    """The kept file a reference names, or None for a free-text reference."""
    found = _KEPT.match(reference.strip())
    return KeptFile(found["name"], found["sha256"]) if found else None


def reference_name(name: str) -> str:
    """A file's name as a reference can hold it: no ';' (it separates references), no line breaks."""
    return " ".join(name.replace(";", ",").split())
