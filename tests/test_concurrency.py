"""Several windows and commands on one database at once: each write waits its turn or says why it cannot.

Writes take the write lock at their start (BEGIN IMMEDIATE): no internal "database is
locked", no lost row, and a submission holds exactly the rows of the period it locks.
"""

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import SMALL_PROJECT
from reporter import cli
from reporter.i18n import error_text
from reporter.reports.model import from_json
from reporter.services.checks import check_project
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import load_project_file
from reporter.store import Store, database

HERE = Path(__file__).resolve().parent


@pytest.fixture
def shared(tmp_path):
    """A database file with the small project, as two windows and the command line would share it."""
    path = tmp_path / "shared.sqlite3"
    project = tmp_path / "project.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(path)
    load_project_file(store, project)
    store.close()
    return path


def _adder(path: Path, prefix: str, count: int, day: str = "2024-03-05", pause: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(HERE / "concurrent_adder.py"), str(path), "LLI-501", prefix,
                             str(count), day, str(pause)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _outcomes(process: subprocess.Popen) -> list[dict]:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, (out, err)
    return [json.loads(line) for line in out.splitlines()]


def test_busy__a_write_still_waiting_after_the_timeout_says_the_database_is_in_use(shared, monkeypatch, capsys):
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(shared)
    other.execute("BEGIN IMMEDIATE")  # another window in the middle of a long write
    started = time.monotonic()
    code = cli.main(["--db", str(shared), "expense", "add", "--project", "LLI-501", "--partner", "LP", "--line",
                     "STAFF", "--date", "2024-03-05", "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "10"])
    waited = time.monotonic() - started
    err = capsys.readouterr().err
    other.rollback()
    other.close()
    assert code == cli.EXIT_USER_ERROR and 0.3 <= waited < 5
    assert err.strip() == "error: database: the database is in use by another Grant Reporter window or command; " \
                          "try again"
    store = Store.open(shared)
    assert store.db["expenditures"].count == 0
    store.close()


def test_busy__the_message_in_lithuanian_and_latvian(shared, monkeypatch):
    from reporter.domain.errors import UserError

    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    store = Store.open(shared)
    other = sqlite3.connect(shared)
    other.execute("BEGIN IMMEDIATE")
    with pytest.raises(UserError) as caught:
        add_expenditure(store, "LLI-501", {"partner": "LP", "line": "STAFF", "date": "2024-03-05", "document": "D",
                                           "supplier": "S", "gross": "1.00"})
    other.rollback()
    other.close()
    store.close()
    assert error_text(caught.value, "lt") == \
        "database: duomenų bazę naudoja kitas Grant Reporter langas ar komanda; bandykite dar kartą"
    assert error_text(caught.value, "lv") == \
        "database: datubāzi izmanto cits Grant Reporter logs vai komanda; mēģiniet vēlreiz"


def test_concurrent_writers__four_processes_adding_at_once_lose_nothing(shared):
    adders = [_adder(shared, f"W{w}", 25) for w in range(4)]
    outcomes = [o for process in adders for o in _outcomes(process)]
    assert {o["result"] for o in outcomes} == {"saved"}
    store = Store.open(shared)
    numbers = [r[0] for r in store.db.execute("SELECT number FROM expenditures ORDER BY number")]
    store.close()
    assert numbers == list(range(1, 101))


def test_submit_while_two_processes_add__the_submitted_report_holds_exactly_the_locked_period(shared, tmp_path):
    adders = [_adder(shared, f"A{w}", 5000, pause=0.02) for w in range(2)]  # they stop once refused as locked
    time.sleep(0.5)  # some are saved before the submission begins, others while it runs, the rest after
    submit = subprocess.run([sys.executable, "-m", "reporter", "--db", str(shared), "submit", "--project",
                             "LLI-501", "--period", "1"], capture_output=True, text=True, timeout=120)
    outcomes = [o for process in adders for o in _outcomes(process)]
    assert submit.returncode == 0, submit.stderr
    assert "internal" not in {o["result"] for o in outcomes}
    saved = {o["document"] for o in outcomes if o["result"] == "saved"}
    refused = [o for o in outcomes if o["result"] == "refused"]
    assert saved and refused, "the submission should have come in the middle of the adding"
    assert all("period 1 is submitted and locked" in o["message"] for o in refused)

    store = Store.open(shared)
    rows = {document: number for document, number in store.db.execute(
        "SELECT e.document_no, e.number FROM expenditures e JOIN reporting_periods rp ON rp.id = e.period_id "
        "WHERE rp.number = 1")}
    assert set(rows) == saved  # no lost row, and nothing saved after the lock
    snapshot = store.db.execute("SELECT s.data FROM report_snapshots s WHERE s.partner_id IS NULL AND s.lang = 'en'"
                                ).fetchone()[0]
    [table] = [t for t in from_json(snapshot).tables if t.key == "expenditure"]
    reported = {cell for row in table.rows for cell in row.cells[1:2] if isinstance(cell, str) and cell.startswith("#")}
    assert reported == {f"#{number}" for number in rows.values()}
    assert [f for f in check_project(store, "LLI-501").findings if f.rule == "integrity"] == []
    store.close()
