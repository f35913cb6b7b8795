"""The database file: migrations, version checks, transactions, the audit log, backup and restore."""

import hashlib
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from sqlite_utils import Migrations

from conftest import expense, row_counts
from reporter.domain.errors import UserError
from reporter.domain.money import D
from reporter.services.expenditures import add_expenditure, delete_expenditure, edit_expenditure
from reporter.services.maintenance import backup_now, list_backups, restore
from reporter.services.projects import load_project_file
from reporter.store import DatabaseError, Store
from reporter.store import schema
from reporter.store.backup import backup_database


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


ALL_MIGRATIONS = [m.name for m in schema.migrations._migrations]  # sqlite-utils has no public list


def test_open__creates_a_fresh_database_with_the_whole_schema(tmp_path):
    store = Store.open(tmp_path / "new" / "db.sqlite3")
    names = set(store.db.table_names())
    assert {"projects", "partners", "funders", "funding_agreements", "funding_agreement_lines", "budget_lines",
            "budgets", "reporting_periods", "activities", "activity_plan", "exchange_rates", "expenditures",
            "audit_log"} <= names
    assert store.db.journal_mode == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert [m.name for m in schema.migrations.applied(store.db)] == ALL_MIGRATIONS
    store.close()


def test_open__upgrades_an_older_database_keeping_its_data_and_backing_it_up_first(tmp_path):
    path = tmp_path / "db.sqlite3"
    first_version = Migrations(schema.MIGRATION_SET)
    first_version(name="0001_core_schema")(schema.core_schema)
    old = Store.open(path, migration_set=first_version)
    old.db.execute("INSERT INTO projects VALUES ('p', 'OLD-1', 'Senas projektas', '2014-01-01', '2014-12-31', "
                   "'EUR', 'generic', '', 'x', 'x')")
    old.db.execute("INSERT INTO partners VALUES ('lp', 'p', 'LP', 'Biblioteka', 'LT', 'lead', 0, 0)")
    old.db.execute("INSERT INTO budget_lines VALUES ('bl', 'p', 'OTHER', 'Kitos', 0)")
    old.db.execute("INSERT INTO reporting_periods VALUES ('rp', 'p', 1, '2014-01-01', '2014-12-31', 'open', NULL)")
    old.db.execute("INSERT INTO expenditures (id, project_id, number, partner_id, budget_line_id, period_id, "
                   "document_date, document_no, supplier, currency, gross_cents, vat_cents, eligible_cents, "
                   "exchange_rate, eligible_project_currency_cents, created_at, updated_at) VALUES "
                   "('e', 'p', 1, 'lp', 'bl', 'rp', '2014-05-05', 'SF-0117', 'UAB „Knyga“', 'LTL', 12100, 2100, "
                   "12100, '3.45280', 3504, 'x', 'x')")
    old.close()

    store = Store.open(path)

    assert [m.name for m in schema.migrations.applied(store.db)] == ALL_MIGRATIONS
    row = next(store.db.query("SELECT document_key, eligible_vat_project_currency_cents FROM expenditures"))
    assert row == {"document_key": "uabknyga|sf0117", "eligible_vat_project_currency_cents": 608}
    assert store.projects.definition("OLD-1").rules.flat_rates == ()
    store.close()
    backups = list((tmp_path / "backups").glob("db-before-migration-*.sqlite3"))
    assert len(backups) == 1
    before = sqlite3.connect(backups[0])
    assert "document_key" not in [row[1] for row in before.execute("PRAGMA table_info(expenditures)")]
    assert before.execute("SELECT count(*) FROM expenditures").fetchone()[0] == 1
    before.close()


def test_open__carries_funding_agreements_and_their_lines_into_the_financing_engine_schema(tmp_path):
    path = tmp_path / "db.sqlite3"
    before_engine = Migrations(schema.MIGRATION_SET)
    for migration in schema.migrations._migrations[:3]:
        before_engine(name=migration.name)(migration.fn)
    old = Store.open(path, migration_set=before_engine)
    for statement in (
        "INSERT INTO projects VALUES ('p', 'OLD-2', 'Senas', '2020-01-01', '2020-12-31', 'EUR', 'generic', '', 'x', "
        "'x', '{}')",
        "INSERT INTO partners VALUES ('lp', 'p', 'LP', 'Biblioteka', 'LT', 'lead', 0, 0)",
        "INSERT INTO funders VALUES ('eu', 'p', 'EU', 'ERDF', 'eu', 0)",
        "INSERT INTO budget_lines VALUES ('st', 'p', 'STAFF', 'Staff', 0)",
        "INSERT INTO funding_agreements (id, project_id, partner_id, funder_id, share_percent, rule, rounding, "
        "is_residual, cap_cents, contract_number, position, vat_eligible, prefinancing_cents) VALUES "
        "('a', 'p', 'lp', 'eu', '85', 'exact', 'down', 0, 5650800, 'S-1', 0, 0, 100000)",
        "INSERT INTO funding_agreement_lines VALUES ('a', 'st')",
    ):
        old.db.execute(statement)
    old.db.conn.commit()
    old.close()

    store = Store.open(path)

    [agreement] = store.projects.definition("OLD-2").funding
    assert (agreement.funder, agreement.partner, agreement.share_percent, agreement.amount, agreement.rounding,
            agreement.rounding_basis, agreement.cap, agreement.budget_lines, agreement.vat_eligible,
            agreement.prefinancing) == ("EU", "LP", Decimal("85"), None, "down", "cumulative", D("56508.00"),
                                        ("STAFF",), False, D("1000.00"))
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    store.close()


def test_open__refuses_a_database_from_a_newer_version_and_changes_nothing(tmp_path):
    path = tmp_path / "db.sqlite3"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
                 [schema.MIGRATION_SET, "0099_from_the_future", "2030-01-01"])
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(DatabaseError, match="newer version of Grant Reporter.*Nothing was changed"):
        Store.open(path)
    assert _digest(path) == before
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("content, reason", [
    (b"Name;Amount\nUAB Knyga;12,00\n" * 10, "not a Grant Reporter database"),
    (None, "not a Grant Reporter one"),
])
def test_open__refuses_a_file_that_is_not_a_grant_reporter_database(tmp_path, content, reason):
    path = tmp_path / "other.sqlite3"
    if content is None:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE invoices (id INTEGER)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(content)
    before = _digest(path)
    with pytest.raises(DatabaseError, match=reason):
        Store.open(path)
    assert _digest(path) == before


def test_transaction__a_failure_inside_leaves_the_database_as_it_was(store, project):
    before = row_counts(store)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.expenditures.insert(store.projects.ids(project), _an_expenditure(store, project))
            raise RuntimeError("crash in the middle of a user action")
    assert row_counts(store) == before


def _an_expenditure(store, project):
    from reporter.domain.validation import complete_expenditure, parse_expenditure_fields

    draft, _ = parse_expenditure_fields(expense())
    expenditure, _ = complete_expenditure(draft, store.projects.definition(project), store.rates.get)
    return expenditure


def test_money__is_stored_as_integer_cents(store, project):
    add_expenditure(store, project, expense(gross="1 210,99", vat="210,17"))
    row = next(store.db.query("SELECT gross_cents, vat_cents, eligible_cents, typeof(gross_cents) AS kind "
                              "FROM expenditures"))
    assert row == {"gross_cents": 121099, "vat_cents": 21017, "eligible_cents": 121099, "kind": "integer"}


def test_audit_log__records_who_changed_what_from_which_value_to_which(store, project):
    saved = add_expenditure(store, project, expense(gross="100.00", vat="0"))
    edit_expenditure(store, project, str(saved.number), {"gross": "120.00"})
    delete_expenditure(store, project, str(saved.number))
    entries = store.audit_entries("expenditures", saved.id)
    assert [e["action"] for e in entries] == ["insert", "update", "delete"]
    assert all(e["user_name"] for e in entries)
    assert entries[0]["new_values"]["gross_cents"] == 10000
    assert entries[1]["old_values"]["gross_cents"] == 10000
    assert entries[1]["new_values"]["gross_cents"] == 12000
    assert entries[1]["new_values"]["eligible_cents"] == 12000
    assert entries[2]["old_values"]["supplier"] == "UAB „Žalia knyga“"


def test_audit_log__covers_the_money_of_a_project_definition(store, project_file):
    load_project_file(store, project_file)
    tables = {e["table_name"] for e in store.audit_entries()}
    assert {"projects", "funding_agreements", "budgets", "reporting_periods"} <= tables


def test_backup__writes_a_timestamped_copy_and_keeps_only_the_newest(tmp_path, project_file):
    path = tmp_path / "db.sqlite3"
    store = Store.open(path)
    load_project_file(store, project_file)
    written = [backup_now(store, keep=3) for _ in range(5)]
    store.close()
    kept = list_backups(path)
    assert len(kept) == 3
    assert set(kept) == set(written[-3:])
    copy = Store.open(kept[0])
    assert [p.code for p in copy.projects.list()] == ["LLI-501"]
    copy.close()


def test_restore__brings_back_the_backup_and_keeps_the_replaced_state(tmp_path, project_file):
    path = tmp_path / "db.sqlite3"
    store = Store.open(path)
    load_project_file(store, project_file)
    add_expenditure(store, "LLI-501", expense(document="A-1"))
    saved = backup_now(store)
    add_expenditure(store, "LLI-501", expense(document="A-2"))
    store.close()

    safety = restore(path, saved)

    store = Store.open(path)
    assert [r["document_no"] for r in store.db.query("SELECT document_no FROM expenditures")] == ["A-1"]
    store.close()
    replaced = sqlite3.connect(safety)
    assert replaced.execute("SELECT count(*) FROM expenditures").fetchone()[0] == 2
    replaced.close()


def test_restore__refuses_a_file_that_is_not_a_backup_and_keeps_the_database(tmp_path, project_file):
    path = tmp_path / "db.sqlite3"
    store = Store.open(path)
    load_project_file(store, project_file)
    store.close()
    not_a_backup = tmp_path / "budget.xlsx"
    not_a_backup.write_bytes(b"PK\x03\x04 not a database at all" * 20)
    with pytest.raises(UserError, match="not a Grant Reporter database"):
        restore(path, not_a_backup)
    with pytest.raises(UserError, match="does not exist"):
        restore(path, tmp_path / "missing.sqlite3")
    store = Store.open(path)
    assert store.projects.exists("LLI-501")
    store.close()


def test_backup_database__is_consistent_while_the_database_is_open(tmp_path, project_file):
    path = tmp_path / "db.sqlite3"
    store = Store.open(path)
    load_project_file(store, project_file)
    copy = backup_database(store.db.conn, path, reason="manual")
    assert sqlite3.connect(copy).execute("SELECT code FROM projects").fetchall() == [("LLI-501",)]
    store.close()
