"""Files the program writes (reports, exports, project files): whole or not at all.

A file is written under a temporary name beside its final one and renamed when
complete, so a crash or a full disk never leaves a truncated report under the
name a user would send. A failure of the machine (a full disk, a read-only
folder) is a `StorageError` naming the file.
"""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from reporter.domain.errors import Problem, UserError, problem


class StorageError(UserError):
    """The database or a file cannot be written or read as the machine stands; nothing was saved."""


def file_problem(error: OSError, path: Path | str | None = None) -> Problem | None:
    """What a failure to write or read a file means for the user, or None when it is a bug of the program."""
    file = str(path or error.filename or "")
    if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return problem("file", "storage.disk_full", file=file)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return problem("file", "storage.read_only", file=file)
    if error.errno == errno.ENAMETOOLONG:
        return problem("file", "storage.name_too_long", file=file[:80] + "…")
    if error.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR):
        return problem("file", "storage.no_such_folder", file=file)
    if error.errno == errno.EIO:
        return problem("file", "storage.io_error", file=file)
    return None


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; it becomes `path` only when the block completes."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=f".{path.name[:100]}.", suffix=".part", dir=path.parent)
        os.close(descriptor)
        temporary = Path(name)
        yield temporary
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        found = file_problem(error, path)
        if found is None:
            raise
        raise StorageError(found) from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """Write a text file (UTF-8) whole or not at all."""
    with atomic_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
