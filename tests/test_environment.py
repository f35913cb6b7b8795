"""The machine says no: a full disk, a read-only database, a device given as the database.

Each is one clear line and exit 2 (never an internal error), nothing is half-written, and a
report or an exported file is never left truncated under its final name.
"""

import errno
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from reporter import cli
from reporter.files import atomic_file
from reporter.store import Store
from reporter.store import database as database_module
from reporter.store.failures import database_problem, user_error


def test_db__a_device_or_a_folder_is_refused_with_a_message(small_cli, tmp_path):
    for path in ("/dev/null", str(tmp_path)):
        code, out, err = small_cli("projects", db=Path(path))
        assert code == cli.EXIT_USER_ERROR and out == ""
        assert err.strip() == f"error: database: {path} is not a database file (a device or a folder?); give the " \
                              "path of a .sqlite3 file"


def test_read_only_database__reading_commands_work_and_a_change_says_the_file_is_read_only(small_cli, monkeypatch,
                                                                                            tmp_path):
    monkeypatch.setattr(database_module.os, "access", lambda path, mode: mode != os.W_OK)  # as on a read-only share
    code, out, _ = small_cli("projects")
    assert code == 0 and "LLI-501" in out
    assert small_cli("check", "--project", "LLI-501")[0] in (0, 1)
    assert small_cli("report", "--project", "LLI-501", "--period", "1", "--out", str(tmp_path / "r"))[0] == 0
    code, _, err = small_cli("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF", "--date",
                             "2024-03-05", "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "10")
    assert code == cli.EXIT_USER_ERROR
    assert err.strip() == (f"error: database: {small_cli.database} cannot be written (the file, its folder or the "
                           "disk is read-only): nothing was saved; copy it to a folder you can write to")


def test_report__a_disk_that_fills_up_while_it_is_written_leaves_no_file_under_its_name(small_cli, monkeypatch,
                                                                                       tmp_path):
    from reporter.services import reports

    real = reports.render

    def render_until_the_disk_is_full(data, fmt, path):
        real(data, fmt, path)
        with open(path, "r+b") as written:
            written.truncate(100)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(reports, "render", render_until_the_disk_is_full)
    out = tmp_path / "reports"
    code, _, err = small_cli("report", "--project", "LLI-501", "--period", "1", "--format", "pdf", "--out", str(out))
    assert code == cli.EXIT_USER_ERROR and err.startswith("error: file: the disk of ")
    assert err.strip().endswith(".pdf is full: nothing was saved; free some space and try again")
    assert list(out.iterdir()) == []


def test_atomic_file__an_error_while_writing_keeps_the_previous_file(tmp_path):
    path = tmp_path / "project.toml"
    path.write_text("the previous version", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_file(path) as temporary:
            temporary.write_text("half of the new", encoding="utf-8")
            raise RuntimeError("killed")
    assert path.read_text(encoding="utf-8") == "the previous version"
    assert [p.name for p in tmp_path.iterdir()] == ["project.toml"]


@pytest.mark.parametrize("message, said", [
    ("database or disk is full", "the disk of d.sqlite3 is full: nothing was saved"),
    ("attempt to write a readonly database", "d.sqlite3 cannot be written (the file, its folder or the disk is "
                                             "read-only)"),
    ("database is locked", "the database is in use by another Grant Reporter window or command; try again"),
    ("disk I/O error", "reading or writing d.sqlite3 failed (a disk or network error)"),
    ("database disk image is malformed", "d.sqlite3 is damaged; restore it from a backup"),
])
def test_sqlite_errors_of_the_machine__are_problems_a_user_can_act_on(message, said):
    assert said in str(user_error(sqlite3.OperationalError(message), Path("d.sqlite3")))


def test_sqlite_errors_of_the_program__stay_internal_errors():
    assert database_problem(sqlite3.OperationalError("no such column: x"), None) is None
    assert user_error(sqlite3.IntegrityError("UNIQUE constraint failed: projects.code")) is None
    assert user_error(ValueError("a bug")) is None


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB file system (tmpfs): only where the tests run as root and may mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount") or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True).returncode != 0:
        pytest.skip("needs root and mount to make a small disk")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_full_disk__writes_are_refused_whole_and_the_database_stays_sound(small_disk, project_file, capsys):
    database = small_disk / "db.sqlite3"
    assert cli.main(["--db", str(database), "load", str(project_file)]) == 0
    filler = small_disk / "filler"
    with open(filler, "wb") as handle:  # leave some 60 KB
        free = shutil.disk_usage(small_disk).free
        handle.write(b"\0" * max(free - 60_000, 0))
    capsys.readouterr()
    codes = []
    for n in range(12):
        codes.append(cli.main(["--db", str(database), "expense", "add", "--project", "LLI-501", "--partner", "LP",
                               "--line", "STAFF", "--date", "2024-03-05", "--document", f"SF-{n}", "--supplier",
                               "UAB Knyga", "--gross", "10", "--notes", "n" * 1900, "--description", "d" * 900]))
    err = capsys.readouterr().err
    assert cli.EXIT_USER_ERROR in codes and cli.EXIT_INTERNAL_ERROR not in codes
    assert "is full: nothing was saved; free some space and try again" in err
    assert cli.main(["--db", str(database), "report", "--project", "LLI-501", "--period", "1", "--out",
                     str(small_disk / "reports")]) == cli.EXIT_USER_ERROR
    assert not [p for p in (small_disk / "reports").glob("*") if not p.name.startswith(".")]
    filler.unlink()
    store = Store.open(database)
    assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert store.db["expenditures"].count == codes.count(0)
    store.close()
