"""Tamper evidence: edits made with another tool to a submitted period, the audit log or a stored report.

The user's view: `grant-reporter check` reports each as an error naming the rows;
a regenerated "submitted" report that is no longer the file submitted says so;
accidental edits of locked rows and of the audit log fail outright.
"""

import shutil
import sqlite3
from datetime import date

import pytest

from conftest import SMALL_PROJECT
from reporter import cli
from reporter.services.checks import check_project
from reporter.services.expenditures import add_expenditure
from reporter.services.periods import reopen_period
from reporter.services.projects import load_project_file
from reporter.services.reports import submit_period, write_report
from reporter.store import Store

DAY = date(2026, 11, 21)
ROWS = [("LP", "STAFF", "2024-01-31", "DU 2024-01", "Rūta Jankauskienė", "1170.36"),
        ("LP", "STAFF", "2024-02-29", "DU 2024-02", "Rūta Jankauskienė", "1170.36"),
        ("PP2", "TRAVEL", "2024-04-10", "Rēķins 2024/0042", "SIA „Rīgas viesnīca“", "263.92"),
        ("PP2", "TRAVEL", "2024-08-10", "Rēķins 2024/0099", "SIA Autobuss", "50.00")]


@pytest.fixture(scope="module")
def submitted_once(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submitted")
    database = folder / "tamper.sqlite3"
    project = folder / "project.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(database)
    load_project_file(store, project)
    for partner, line, day, document, supplier, gross in ROWS:
        add_expenditure(store, "LLI-501", {"partner": partner, "line": line, "date": day, "document": document,
                                           "supplier": supplier, "gross": gross, "paid": day})
    submit_period(store, "LLI-501", 1, today=DAY)
    store.close()
    return database


@pytest.fixture
def submitted(submitted_once, tmp_path):
    """A database file with period 1 of the small project submitted (three expenditures), period 2 open."""
    database = tmp_path / "tamper.sqlite3"
    shutil.copyfile(submitted_once, database)
    return database


def _tamper(database, *statements):
    """What a user with the sqlite3 shell does: drop the guards the program set, then edit."""
    conn = sqlite3.connect(database)
    for trigger, in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {trigger}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _check(database, capsys):
    code = cli.main(["--db", str(database), "check", "--project", "LLI-501"])
    return code, capsys.readouterr().out


def _integrity(out):
    return [line for line in out.splitlines() if " integrity: " in line]


def test_check__finds_nothing_wrong_after_submit_reopen_and_resubmit(submitted, capsys):
    store = Store.open(submitted)
    reopen_period(store, "LLI-501", 1, "the auditor asked for #2 to be corrected")
    add_expenditure(store, "LLI-501", {"partner": "LP", "line": "STAFF", "date": "2024-03-31", "document": "DU 3",
                                       "supplier": "Rūta Jankauskienė", "gross": "10.00", "paid": "2024-03-31"})
    submit_period(store, "LLI-501", 1, today=DAY)
    store.close()
    assert _integrity(_check(submitted, capsys)[1]) == []


def test_check__a_changed_locked_row_is_an_error_naming_it(submitted, capsys):
    _tamper(submitted, "UPDATE expenditures SET gross_cents = 999, eligible_cents = 999, "
                       "eligible_project_currency_cents = 999 WHERE number = 2")
    code, out = _check(submitted, capsys)
    assert code == 1
    assert _integrity(out) == ["ERROR   integrity: Submitted period 1: 1 expenditure(s) were changed outside the "
                               "program after the submission: #2 [records #2]"]


def test_check__rows_deleted_from_or_added_to_a_submitted_period_are_errors(submitted, capsys):
    _tamper(submitted,
            "DELETE FROM expenditures WHERE number = 1",
            "UPDATE expenditures SET period_id = (SELECT period_id FROM expenditures WHERE number = 2) "
            "WHERE number = 4")
    code, out = _check(submitted, capsys)
    assert code == 1
    assert sorted(_integrity(out)) == [
        "ERROR   integrity: Submitted period 1: 1 expenditure(s) were added outside the program after the "
        "submission: #4 [records #4]",
        "ERROR   integrity: Submitted period 1: 1 expenditure(s) were deleted outside the program after the "
        "submission: #1"]


def test_check__a_changed_or_deleted_audit_entry_is_an_error_naming_it(submitted, capsys):
    conn = sqlite3.connect(submitted)
    [(first, last)] = conn.execute("SELECT min(id), max(id) FROM audit_log").fetchall()
    conn.close()
    _tamper(submitted, f"UPDATE audit_log SET user_name = 'someone else' WHERE id = {first + 3}",
            f"DELETE FROM audit_log WHERE id IN ({first + 10}, {first + 11})")
    code, out = _check(submitted, capsys)
    found = _integrity(out)
    assert code == 1 and len(found) == 2
    assert found[0].startswith(f"ERROR   integrity: Audit log entry {first + 3} (insert in ")
    assert found[0].endswith("does not follow from the entry before it: one of them was changed or inserted outside "
                             "the program")
    assert found[1] == (f"ERROR   integrity: Audit log entries {first + 10}–{first + 11} are missing: deleted "
                        "outside the program")


def test_check__the_audit_log_cut_short_after_a_submission_is_an_error(submitted, capsys):
    _tamper(submitted, "DELETE FROM audit_log WHERE id >= (SELECT audit_entry FROM period_seals)")
    found = _integrity(_check(submitted, capsys)[1])
    assert any("audit log entry" in line and "the last one when it was submitted, is missing or changed" in line
               for line in found)


def test_check__an_edited_report_snapshot_is_an_error_and_the_regenerated_report_says_it_is_not_the_submitted_one(
        submitted, capsys, tmp_path):
    store = Store.open(submitted)
    before = write_report(store, "LLI-501", 1, tmp_path / "before", partner="LP", lang="en")
    store.close()
    assert all(f.from_snapshot and not f.differs_from_submission for f in before)
    _tamper(submitted, "UPDATE report_snapshots SET data = replace(data, '1170.36', '2170.36') "
                       "WHERE partner_id = (SELECT id FROM partners WHERE code = 'LP') AND lang = 'en'")
    assert _integrity(_check(submitted, capsys)[1]) == [
        "ERROR   integrity: Submitted period 1: the stored data of the report(s) LP interreg-lv-lt-2014-2020 en were "
        "changed or deleted after the submission"]
    code = cli.main(["--db", str(submitted), "report", "--project", "LLI-501", "--period", "1", "--partner", "LP",
                     "--lang", "en", "--out", str(tmp_path / "after")])
    out = capsys.readouterr().out
    assert code == 0 and "from the submitted snapshot" not in out
    assert out.count("(NOT the file submitted, whose sha256 is") == 2
    assert f"whose sha256 is {before[0].sha256}" in out


def test_check__a_period_reopened_or_locked_outside_the_program_is_an_error(submitted, capsys):
    _tamper(submitted, "UPDATE reporting_periods SET status = 'open' WHERE number = 1",
            "UPDATE reporting_periods SET status = 'submitted' WHERE number = 2")
    assert sorted(_integrity(_check(submitted, capsys)[1])) == [
        "ERROR   integrity: Period 1 was submitted and sealed, but is marked open: it was reopened outside the "
        "program, with no reason logged",
        "ERROR   integrity: Period 2 is marked submitted, but has no seal: it was locked outside the program"]


@pytest.mark.parametrize("statement", [
    "UPDATE expenditures SET gross_cents = 1 WHERE number = 1",
    "UPDATE expenditures SET travel_route = 'Vilnius–Rīga' WHERE number = 3",
    "UPDATE expenditures SET procurement_ref = 'Sutartis Nr. 2024-15' WHERE number = 3",
    "DELETE FROM expenditures WHERE number = 1",
    "INSERT INTO expenditures (id, project_id, number, partner_id, budget_line_id, period_id, document_date, "
    "document_no, supplier, currency, gross_cents, eligible_cents, eligible_project_currency_cents, created_at, "
    "updated_at) SELECT 'x', project_id, 99, partner_id, budget_line_id, period_id, document_date, 'X', 'Y', 'EUR', "
    "1, 1, 1, 'x', 'x' FROM expenditures WHERE number = 1",
    "UPDATE report_snapshots SET data = '{}'",
    "DELETE FROM report_files",
    "UPDATE audit_log SET user_name = 'x'",
    "DELETE FROM audit_log",
    "DELETE FROM period_seals",
])
def test_triggers__accidental_edits_of_locked_rows_and_of_the_audit_log_fail_outright(submitted, statement):
    conn = sqlite3.connect(submitted)
    with pytest.raises(sqlite3.IntegrityError, match="grant-reporter: "):
        conn.execute(statement)
    conn.close()


def test_check__a_trips_route_dates_or_persons_changed_outside_the_program_after_the_submission_is_an_error(
        submitted, capsys):
    _tamper(submitted, "UPDATE expenditures SET travellers = 'Jonas Jonaitis' WHERE number = 3",
            "UPDATE expenditures SET travel_from = '2024-04-08' WHERE number = 2")
    code, out = _check(submitted, capsys)
    assert code == 1
    assert _integrity(out) == ["ERROR   integrity: Submitted period 1: 2 expenditure(s) were changed outside the "
                               "program after the submission: #2, #3 [records #2, #3]"]


def test_check__a_procurement_reference_changed_outside_the_program_after_the_submission_is_an_error(
        submitted, capsys):
    _tamper(submitted, "UPDATE expenditures SET procurement_ref = 'VP-2024/07' WHERE number = 1")
    code, out = _check(submitted, capsys)
    assert code == 1
    assert _integrity(out) == ["ERROR   integrity: Submitted period 1: 1 expenditure(s) were changed outside the "
                               "program after the submission: #1 [records #1]"]


def test_seal__a_period_sealed_before_the_travel_details_existed_keeps_its_seal_and_its_rows_their_lock(
        tmp_path, monkeypatch, capsys):
    from conftest import before_person_and_travel_details
    from reporter.store import integrity

    database, project = tmp_path / "sealed-v1.sqlite3", tmp_path / "project.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(database)
    load_project_file(store, project)
    for partner, line, day, document, supplier, gross in ROWS:
        add_expenditure(store, "LLI-501", {"partner": partner, "line": line, "date": day, "document": document,
                                           "supplier": supplier, "gross": gross, "paid": day})
    with monkeypatch.context() as patch:  # submitted by the program of the time: a seal of version v1
        patch.setattr(integrity, "SEAL_VERSION", "v1")
        submit_period(store, "LLI-501", 1, today=DAY)
    store.close()
    conn = sqlite3.connect(database)  # and the database as that program left it: no travel columns (0016)
    conn.executescript(before_person_and_travel_details())
    conn.close()

    assert _integrity(_check(database, capsys)[1]) == []  # opened by this version: migrated, the v1 seal holds
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version FROM period_seals").fetchall() == [("v1",)]
    with pytest.raises(sqlite3.IntegrityError, match="grant-reporter: locked"):
        conn.execute("UPDATE expenditures SET travel_route = 'Vilnius–Rīga' WHERE number = 3")
    conn.close()
    store = Store.open(database)
    reopen_period(store, "LLI-501", 1, "the trip's route was asked for")
    submit_period(store, "LLI-501", 1, today=DAY)
    store.close()
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version FROM period_seals").fetchall() == [("v3",)]
    conn.close()
    assert _integrity(_check(database, capsys)[1]) == []


def test_seal__a_period_sealed_before_the_procurement_reference_existed_keeps_its_seal_and_its_rows_their_lock(
        tmp_path, monkeypatch, capsys):
    from conftest import before_procurement_reference
    from reporter.store import integrity

    database, project = tmp_path / "sealed-v2.sqlite3", tmp_path / "project.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(database)
    load_project_file(store, project)
    for partner, line, day, document, supplier, gross in ROWS:
        add_expenditure(store, "LLI-501", {"partner": partner, "line": line, "date": day, "document": document,
                                           "supplier": supplier, "gross": gross, "paid": day,
                                           "travel_route": "Jelgava–Šiauliai" if line == "TRAVEL" else ""})
    with monkeypatch.context() as patch:  # submitted by the program of the time: a seal of version v2
        patch.setattr(integrity, "SEAL_VERSION", "v2")
        submit_period(store, "LLI-501", 1, today=DAY)
    store.close()
    conn = sqlite3.connect(database)  # and the database as that program left it: no procurement column (0017)
    conn.executescript(before_procurement_reference())
    conn.close()

    assert _integrity(_check(database, capsys)[1]) == []  # opened by this version: migrated, the v2 seal holds
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version FROM period_seals").fetchall() == [("v2",)]
    for column, value in (("procurement_ref", "Sutartis Nr. 2024-15"), ("travel_route", "Vilnius–Rīga")):
        with pytest.raises(sqlite3.IntegrityError, match="grant-reporter: locked"):
            conn.execute(f"UPDATE expenditures SET {column} = ? WHERE number = 3", [value])
    conn.close()
    store = Store.open(database)
    reopen_period(store, "LLI-501", 1, "the contract of the trip's hotel was asked for")
    submit_period(store, "LLI-501", 1, today=DAY)
    store.close()
    conn = sqlite3.connect(database)
    assert conn.execute("SELECT version FROM period_seals").fetchall() == [("v3",)]
    conn.close()
    assert _integrity(_check(database, capsys)[1]) == []


def test_triggers__a_derived_column_may_still_be_filled_by_a_later_migration(submitted):
    conn = sqlite3.connect(submitted)
    conn.execute("UPDATE expenditures SET search_text = 'refilled'")
    conn.commit()
    conn.close()
    store = Store.open(submitted)
    assert [f for f in check_project(store, "LLI-501").findings if f.rule == "integrity"] == []
    store.close()


def test_audit_log__each_entry_hashes_the_one_before_it(submitted):
    from reporter.store.integrity import chain_hash

    conn = sqlite3.connect(submitted)
    rows = conn.execute("SELECT id, changed_at, user_name, action, table_name, record_id, old_values, new_values, "
                        "chain_hash FROM audit_log ORDER BY id").fetchall()
    conn.close()
    previous = ""
    for row in rows:
        assert row[-1] == chain_hash(previous, row[:-1])
        previous = row[-1]
    assert len(rows) > 20


def test_audit_log__the_chain_holds_across_a_savepoint_rolled_back_inside_a_transaction(store, project):
    from conftest import expense
    from reporter.store.integrity import audit_breaks

    ids = store.projects.ids(project)
    draft = add_expenditure(store, project, expense(document="FIRST"))
    with store.transaction():
        store.expenditures.insert(ids, draft)
        with pytest.raises(RuntimeError):
            with store.transaction():
                store.expenditures.insert(ids, draft)
                raise RuntimeError("a part of the action fails and is undone")
        store.expenditures.insert(ids, draft)
    assert audit_breaks(store.db)[0] == []
    assert store.db["expenditures"].count == 3
