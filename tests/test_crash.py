"""The power goes out in the middle of a write: SIGKILL at named points and at random moments.

After every kill the database passes `PRAGMA integrity_check` and is exactly as it was
before the command, or wholly as the command leaves it; a backup cut short never passes
for one. The commands run as a user runs them, in their own process.
"""

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SMALL_PROJECT
from reporter.crash_points import VARIABLE
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import load_project_file
from reporter.store import Store
from reporter.store import backup as backups

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"
pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")


def _cli(database: Path, *args: str, crash_at: str | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != VARIABLE}
    if crash_at:
        env[VARIABLE] = crash_at
    return subprocess.Popen([sys.executable, "-m", "reporter", "--db", str(database), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _killed_at(database: Path, point: str, *args: str) -> None:
    process = _cli(database, *args, crash_at=point)
    out, err = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, (point, process.returncode, out, err)


def _dump(database: Path) -> list[str]:
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        return list(conn.iterdump())
    finally:
        conn.close()


def _query(database: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(database)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _no_integrity_findings(database: Path, code: str) -> bool:
    from reporter.services.checks import check_project

    store = Store.open(database)
    try:
        return not [f for f in check_project(store, code).findings if f.rule == "integrity"]
    finally:
        store.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """The small project with a few expenditures in period 1, closed (no WAL beside it)."""
    folder = tmp_path_factory.mktemp("crash")
    path = folder / "small.sqlite3"
    project = folder / "project.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(path)
    load_project_file(store, project)
    for n in range(1, 6):
        add_expenditure(store, "LLI-501", {"partner": "LP", "line": "STAFF", "date": f"2024-0{n}-05",
                                           "document": f"SF-{n}", "supplier": "UAB Knyga", "gross": "100.00",
                                           "paid": f"2024-0{n}-06"})
    store.close()
    return path


@pytest.fixture(scope="module")
def large(tmp_path_factory, small) -> Path:
    """A database of some 10 MB: a backup or a restore of it takes several steps."""
    path = tmp_path_factory.mktemp("large") / "large.sqlite3"
    shutil.copyfile(small, path)
    store = Store.open(path)
    ids = store.projects.ids("LLI-501")
    expenditure = store.expenditures.get(ids.project, 1)
    from dataclasses import replace

    with store.transaction():
        for n in range(2500):
            store.expenditures.insert(ids, replace(expenditure, document_no=f"BULK-{n}", notes="ž" * 1900))
    store.close()
    assert path.stat().st_size > 8 * 1024 * 1024
    return path


@pytest.fixture
def db(small, tmp_path) -> Path:
    path = tmp_path / "db.sqlite3"
    shutil.copyfile(small, path)
    return path


def test_load__killed_before_its_commit_leaves_the_database_as_it_was(db, tmp_path):
    changed = tmp_path / "changed.toml"
    changed.write_text(SMALL_PROJECT.replace("cap = 170000.00", "cap = 160000.00")
                       + '\n[[activities]]\ncode = "A1"\ntitle = "Naujas"\n', encoding="utf-8")
    before = _dump(db)
    _killed_at(db, "load.before-commit", "load", str(changed))
    assert _dump(db) == before


@pytest.mark.parametrize("point", ["submit.snapshots-saved", "submit.before-commit"])
def test_submit__killed_midway_leaves_the_period_open_and_nothing_kept(db, point):
    before = _dump(db)
    _killed_at(db, point, "submit", "--project", "LLI-501", "--period", "1")
    assert _dump(db) == before
    assert _query(db, "SELECT status FROM reporting_periods WHERE number = 1") == [("open",)]


@pytest.mark.parametrize("point", ["restore.stage", "restore.after-safety-backup", "restore.before-copy"])
def test_restore__killed_before_the_copy_leaves_the_database_as_it_was(db, tmp_path, point):
    good = tmp_path / "good.sqlite3"
    shutil.copyfile(db, good)
    store = Store.open(db)
    add_expenditure(store, "LLI-501", {"partner": "LP", "line": "STAFF", "date": "2024-06-05", "document": "LATER",
                                       "supplier": "UAB Knyga", "gross": "5.00"})
    store.close()
    before = _dump(db)
    _killed_at(db, point, "restore", str(good))
    assert _dump(db) == before
    assert subprocess.run([sys.executable, "-m", "reporter", "--db", str(db), "restore", str(good)],
                          capture_output=True).returncode == 0  # a stage left by the crash is no obstacle
    assert _query(db, "SELECT count(*) FROM expenditures WHERE document_no = 'LATER'") == [(0,)]


def test_restore__of_a_large_backup_killed_in_the_middle_of_the_copy_leaves_the_database_as_it_was(large, db):
    before = _dump(db)
    _killed_at(db, "restore.copy", "restore", str(large))
    assert _dump(db) == before


def test_backup__of_a_large_database_killed_midway_leaves_no_backup_under_its_name(large, tmp_path):
    database = tmp_path / "large.sqlite3"
    shutil.copyfile(large, database)
    before = _dump(database)
    _killed_at(database, "backup.step", "backup")
    assert _dump(database) == before
    assert backups.list_backups(database) == []
    assert [p.name for p in backups.backup_folder(database).iterdir() if p.name.endswith(".sqlite3")] == []
    listed = subprocess.run([sys.executable, "-m", "reporter", "--db", str(database), "backup", "--list"],
                            capture_output=True, text=True)
    assert listed.stdout.strip() == "No backups."


@pytest.mark.parametrize("seed", range(3))
def test_random_kills__submit_and_load_leave_the_database_before_or_wholly_after(db, tmp_path, seed):
    """Kills at random moments, mostly while the command works with the database (it starts in ~0.4 s)."""
    delay = random.Random(seed).uniform(0.3, 1.5)
    changed = tmp_path / "changed.toml"
    changed.write_text(SMALL_PROJECT.replace("cap = 170000.00", "cap = 150000.00"), encoding="utf-8")
    for args, after in (
            (("submit", "--project", "LLI-501", "--period", "1"),
             lambda: _query(db, "SELECT status FROM reporting_periods WHERE number = 1") == [("submitted",)]
             and _query(db, "SELECT count(*) FROM report_snapshots") == [(9,)]),
            (("load", str(changed)),
             lambda: _query(db, "SELECT cap_cents FROM funding_agreements WHERE cap_cents IS NOT NULL")
             == [(15000000,)])):
        before = _dump(db)
        process = _cli(db, *args)
        time.sleep(delay)
        process.kill()
        process.communicate()
        state = _dump(db)
        assert state == before or after(), args
        assert _no_integrity_findings(db, "LLI-501")


def test_migration__killed_before_its_commit_leaves_the_older_database_and_the_next_start_upgrades_it(tmp_path):
    from sqlite_utils import Migrations

    from reporter.store import schema

    old_set = Migrations(schema.MIGRATION_SET)
    for migration in schema.migrations._migrations[:3]:
        old_set(name=migration.name)(migration.fn)
    database = tmp_path / "old.sqlite3"
    store = Store.open(database, migration_set=old_set)
    store.db.execute("INSERT INTO audit_log (changed_at, user_name, action, table_name, record_id) "
                     "VALUES ('2024-01-01', 'x', 'insert', 'projects', 'p')")
    store.close()
    before = _dump(database)
    _killed_at(database, "migrate.before-commit", "init")
    assert _dump(database) == before
    fresh = tmp_path / "new.sqlite3"
    _killed_at(fresh, "migrate.before-commit", "init")  # the very first start
    for path in (database, fresh):
        assert subprocess.run([sys.executable, "-m", "reporter", "--db", str(path), "init"],
                              capture_output=True).returncode == 0
        assert _query(path, "SELECT max(name) FROM _sqlite_migrations") == [(schema.migrations._migrations[-1].name,)]
    assert _query(database, "SELECT count(*) FROM audit_log WHERE chain_hash <> ''") == [(1,)]
