"""Backups and restore as a user meets them: nothing a backup or a restore does can lose data.

A restore verifies before it replaces (an empty, foreign, damaged or newer file is
refused and the database stays exactly as it was) and is itself logged; a backup is
verified before it gets its name, rotation keeps at least one and touches only the
database's own backups; automatic backups come before load, submit and reopen.
"""

import json
import sqlite3
import time
from pathlib import Path

import pytest

from conftest import SMALL_PROJECT, database_dump
from reporter import cli
from reporter.store import Store
from reporter.store import backup as backups


@pytest.fixture
def run(small_cli):
    """The small project with one expenditure, on a database file, and the command line to use it."""
    assert small_cli("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF", "--date",
                     "2024-03-05", "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "100")[0] == 0
    return small_cli


_dump = database_dump


def _a_good_backup(run) -> Path:
    code, out, _ = run("backup", "--json")
    assert code == 0
    return Path(json.loads(out)["backup"])


def _copy_with(source: Path, target: Path, *statements: str) -> Path:
    target.write_bytes(source.read_bytes())
    conn = sqlite3.connect(target)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return target


def _corrupt_page(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    page = 4096
    data[page * 3 + 8: page * 3 + 600] = b"\xab" * 592  # the cells of a table page
    target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("make, said", [
    (lambda good, folder: (folder / "zero.sqlite3").write_bytes(b"") and None or folder / "zero.sqlite3",
     "is empty (0 bytes): not a Grant Reporter database"),
    (lambda good, folder: _copy_with(Path("/dev/null"), folder / "blank.sqlite3", "PRAGMA user_version = 0"),
     "an empty SQLite database, not a Grant Reporter one"),
    (lambda good, folder: _copy_with(good, folder / "missing.sqlite3", "DROP TABLE exchange_rates"),
     "the table exchange_rates that Grant Reporter needs is missing"),
    (lambda good, folder: _corrupt_page(good, folder / "corrupt.sqlite3"), "is damaged ("),
    (lambda good, folder: _copy_with(good, folder / "foreign.sqlite3", "PRAGMA user_version = 99"),
     "not a Grant Reporter database (its user_version is 99, Grant Reporter's is 0)"),
    (lambda good, folder: _copy_with(good, folder / "newer.sqlite3", "INSERT INTO _sqlite_migrations (migration_set, "
                                     "name, applied_at) VALUES ('grant_reporter', '0099_future', 'x')"),
     "was written by a newer version of Grant Reporter (schema 0099_future)"),
    (lambda good, folder: (folder / "notes.sqlite3").write_text("Name;Amount\n" * 50) and folder / "notes.sqlite3",
     "not a Grant Reporter database (not an SQLite file at all)"),
])
def test_restore__refuses_a_file_that_is_no_sound_backup_and_leaves_the_database_untouched(run, tmp_path, make, said):
    good = _a_good_backup(run)
    bad = make(good, tmp_path)
    before = _dump(run.database)
    files_before = sorted(p.name for p in backups.backup_folder(run.database).iterdir())
    code, out, err = run("restore", str(bad))
    assert code == cli.EXIT_USER_ERROR and out == ""
    assert err.startswith(f"error: restore: {bad} cannot be restored, and the database was not changed: ")
    assert said in err and len(err.strip().splitlines()) == 1
    assert _dump(run.database) == before
    assert sorted(p.name for p in backups.backup_folder(run.database).iterdir()) == files_before
    assert run("projects")[0] == 0 and "1 " in run("expense", "list", "--project", "LLI-501")[1]


def test_restore__brings_back_the_backup_keeps_the_replaced_state_and_logs_the_restore(run):
    good = _a_good_backup(run)
    run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF", "--date", "2024-03-06",
        "--document", "SF-2", "--supplier", "UAB Knyga", "--gross", "200")
    code, out, _ = run("restore", str(good))
    assert code == 0 and out.startswith(f"Restored {run.database} from {good} (verified; recorded in the audit log)")
    listed = json.loads(run("expense", "list", "--project", "LLI-501", "--json")[1])
    assert [row["document_no"] for row in listed["rows"]] == ["SF-1"]
    store = Store.open(run.database)
    [entry] = store.audit_entries("database")
    assert entry["action"] == "restore" and entry["new_values"]["from"] == str(good.resolve())
    replaced = Path(entry["new_values"]["replaced_state_kept_in"])
    store.close()
    kept = sqlite3.connect(replaced)
    assert kept.execute("SELECT count(*) FROM expenditures").fetchone()[0] == 2
    kept.close()
    assert run("check", "--project", "LLI-501")[0] == 0  # no error: the hash chain goes on through the restore


def test_restore__an_older_backup_is_migrated_and_the_current_database_is_not_needed(tmp_path, capsys):
    from sqlite_utils import Migrations

    from reporter.store import schema

    old_set = Migrations(schema.MIGRATION_SET)
    for migration in schema.migrations._migrations[:3]:
        old_set(name=migration.name)(migration.fn)
    old = tmp_path / "old.sqlite3"
    Store.open(old, migration_set=old_set).close()
    fresh = tmp_path / "new.sqlite3"
    assert cli.main(["--db", str(fresh), "restore", str(old)]) == 0
    store = Store.open(fresh)
    assert [m.name for m in schema.migrations.applied(store.db)][-1] == schema.migrations._migrations[-1].name
    assert [e["action"] for e in store.audit_entries()] == ["restore"]
    store.close()


@pytest.mark.parametrize("keep", ["0", "-1"])
def test_backup__keep_below_one_is_refused_and_no_backup_is_deleted(run, keep):
    first = _a_good_backup(run)
    code, _, err = run("backup", "--keep", keep)
    assert code == cli.EXIT_USER_ERROR
    assert err.strip() == f"error: keep: {keep}: at least 1 backup is kept (the new one); give --keep 1 or more"
    assert backups.list_backups(run.database) == [first]


def test_backup__rotation_keeps_the_new_one_and_touches_only_this_databases_backups(run, tmp_path):
    other = tmp_path / "live-manual.sqlite3"  # its backups begin with "live-manual-", like the manual ones of "live"
    assert run("load", str(run.project), db=other)[0] == 0
    others = [Path(json.loads(run("backup", "--json", db=other)[1])["backup"]) for _ in range(2)]
    ours = [_a_good_backup(run) for _ in range(3)]
    assert run("backup", "--keep", "1")[0] == 0
    kept = backups.list_backups(run.database)
    assert len(kept) == 1 and kept[0] not in ours and kept[0].exists()
    assert all(path.exists() for path in others)
    assert backups.list_backups(other) == others[::-1]


def test_backup__is_verified_and_a_partial_one_is_never_listed_or_kept(run):
    path = _a_good_backup(run)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    conn.close()
    partial = path.with_name(path.name.replace(".sqlite3", "-2.sqlite3") + backups.PARTIAL)
    partial.write_bytes(path.read_bytes()[:5000])  # what a crash mid-backup leaves
    assert backups.list_backups(run.database) == [path]
    old = time.time() - 3600
    import os

    os.utime(partial, (old, old))
    _a_good_backup(run)
    assert not partial.exists()  # cleared at the next backup


def test_backup_list__shows_each_backups_size_and_whether_it_verifies(run):
    good = _a_good_backup(run)
    broken = good.with_name(good.name.replace("manual", "before-load"))
    broken.write_bytes(good.read_bytes()[:8192])  # an old backup cut short (before backups were verified)
    empty = good.with_name(good.name.replace("manual", "before-submit"))
    empty.write_bytes(b"")
    code, out, _ = run("backup", "--list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["backup", "taken", "size", "verified"]
    row = {line.split()[0]: line for line in lines[2:]}
    assert row[str(good)].endswith("yes") and " KB " in row[str(good)]
    assert "NO: " in row[str(broken)] and "8 KB" in row[str(broken)]
    assert "NO: " in row[str(empty)] and "is empty (0 bytes)" in row[str(empty)]
    listed = json.loads(run("backup", "--list", "--json")[1])
    assert {(Path(b["path"]).name, b["verified"], b["bytes"]) for b in listed} == {
        (good.name, True, good.stat().st_size), (broken.name, False, 8192), (empty.name, False, 0)}


def test_automatic_backups__before_load_of_a_changed_project_before_submit_and_before_reopen(run, tmp_path):
    reasons = lambda: sorted(path.name.split("-")[1] + "-" + path.name.split("-")[2]  # noqa: E731
                             for path in backups.list_backups(run.database))
    assert reasons() == []
    assert run("load", str(run.project))[0] == 0  # unchanged: nothing to back up
    assert reasons() == []
    changed = tmp_path / "changed.toml"
    changed.write_text(SMALL_PROJECT.replace("cap = 170000.00", "cap = 160000.00"), encoding="utf-8")
    assert run("load", str(changed))[0] == 0
    assert reasons() == ["before-load"]
    assert run("submit", "--project", "LLI-501", "--period", "1")[0] == 0
    assert run("reopen", "--project", "LLI-501", "--period", "1", "--reason", "a correction")[0] == 0
    assert reasons() == ["before-load", "before-reopen", "before-submit"]
    before_submit = next(p for p in backups.list_backups(run.database) if "before-submit" in p.name)
    conn = sqlite3.connect(before_submit)
    assert conn.execute("SELECT status FROM reporting_periods WHERE number = 1").fetchone() == ("open",)
    conn.close()
