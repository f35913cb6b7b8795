"""Shared fixtures: a small Interreg-like project, loaded into an in-memory or file database."""

from __future__ import annotations

from pathlib import Path

import pytest

from reporter.services.projects import load_project_file
from reporter.store import Store

SMALL_PROJECT = """\
[project]
code = "LLI-501"
title = "Bibliotekos be sienų / Bibliotēkas bez sienām"
start = 2024-01-01
end = 2025-12-31
currency = "EUR"
template = "interreg-lv-lt-2014-2020"
contract_number = "LLI-501/2023"

[[partners]]
code = "LP"
name = "Šiaulių apskrities Povilo Višinskio viešoji biblioteka"
country = "LT"
role = "lead"

[[partners]]
code = "PP2"
name = "Jelgavas pilsētas bibliotēka"
country = "LV"
vat_recoverable = true

[[funders]]
code = "ERDF"
name = "European Regional Development Fund"
kind = "eu"

[[funders]]
code = "MUN"
name = "Šiaulių miesto savivaldybė"
kind = "municipality"

[[funding]]
funder = "ERDF"
share = 85
rounding = "down"
cap = 170000.00

[[funding]]
funder = "MUN"
share = 15
residual = true

[[budget]]
partner = "LP"
line = "STAFF"
amount = 40000.00

[[budget]]
partner = "PP2"
line = "TRAVEL"
amount = "5 000,00"

[[periods]]
number = 1
start = 2024-01-01
end = 2024-06-30

[[periods]]
number = 2
start = 2024-07-01
end = 2025-12-31
"""


@pytest.fixture
def store():
    store = Store.in_memory()
    yield store
    store.close()


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "project.toml"
    path.write_text(SMALL_PROJECT, encoding="utf-8")
    return path


@pytest.fixture
def project(store: Store, project_file: Path) -> str:
    """The small project loaded into the in-memory store; returns its code."""
    return load_project_file(store, project_file).code


def expense(**overrides: str) -> dict[str, str]:
    """The text fields of a valid expenditure of the small project, with overrides."""
    fields = {"partner": "LP", "line": "STAFF", "date": "2024-03-05", "document": "SF-2024/0117",
              "supplier": "UAB „Žalia knyga“", "gross": "1210.00", "vat": "210.00"}
    fields.update(overrides)
    return fields


def row_counts(store: Store) -> dict[str, int]:
    """Rows in every table: what 'nothing was written' is checked against."""
    return {name: store.db[name].count for name in store.db.table_names()}


@pytest.fixture(autouse=True)
def user_folders(tmp_path_factory, monkeypatch):
    """Keep the default database, backups and the log of every test out of the real home folder."""
    home = tmp_path_factory.mktemp("home")
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(variable, str(home / variable.lower()))
    return home


@pytest.fixture
def small_cli(tmp_path, project_file, capsys):
    """The command line on a database file holding the small project: `small_cli("projects")` → (code, out, err).

    `db=` runs it on another database; `.database` and `.project` are the file paths.
    """
    from reporter import cli

    database = tmp_path / "small.sqlite3"

    def run(*args: str, db: Path = database) -> tuple[int, str, str]:
        code = cli.main(["--db", str(db), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("load", str(project_file))[0] == 0
    run.database = database  # type: ignore[attr-defined]
    run.project = project_file  # type: ignore[attr-defined]
    return run


def database_dump(database: Path) -> list[str]:
    """Everything a database holds, schema included, as SQL: what 'the database is unchanged' compares."""
    import sqlite3

    conn = sqlite3.connect(database)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def before_procurement_reference() -> str:
    """SQL that takes a database of today's schema back to before migration 0017 (an expenditure's procurement or
    contract reference): the lock of submitted rows over the columns of seal v2, the column dropped, the step
    forgotten."""
    from reporter.store.integrity import locked_update_trigger

    return f"""DROP TRIGGER locked_expenditure_update;
        {locked_update_trigger("v2")};
        ALTER TABLE expenditures DROP COLUMN procurement_ref;
        DELETE FROM _sqlite_migrations WHERE name = '0017_procurement_reference';
        """


def before_person_and_travel_details() -> str:
    """SQL that takes a database of today's schema back to before migration 0016 (an expenditure's trip and person
    details), and so before every later one: the lock of submitted rows over the columns of seal v1, the columns
    dropped, the steps forgotten."""
    from reporter.store.integrity import locked_update_trigger

    return before_procurement_reference() + f"""DROP TRIGGER locked_expenditure_update;
        {locked_update_trigger("v1")};
        ALTER TABLE expenditures DROP COLUMN travel_to; ALTER TABLE expenditures DROP COLUMN travel_from;
        ALTER TABLE expenditures DROP COLUMN travel_route; ALTER TABLE expenditures DROP COLUMN travellers;
        ALTER TABLE expenditures DROP COLUMN person_document;
        DELETE FROM _sqlite_migrations WHERE name = '0016_person_and_travel_details';"""
