"""A foundation's grant money in its report: received, interest earned on it, used, the balance on hand, and the
project's other funders; interest kept as a payment of its own kind."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from conftest import SMALL_PROJECT, row_counts
from libreoffice import recalculate_with_libreoffice
from reporter import cli
from reporter.domain.errors import ValidationError
from reporter.services.checks import gather_financing
from reporter.services.expenditures import add_expenditure
from reporter.services.explanations import list_explanations
from reporter.services.payments import add_payment, list_payments, payment_position
from reporter.services.projects import load_project_file
from reporter.services.reports import report_data, write_report
from reporter.store import Store
from test_reports import pdf_text

D = Decimal
DAY = date(2025, 1, 20)

GRANT = """\
[project]
code = "FND-2"
title = "Skaitmeninis raštingumas senjorams"
start = 2024-01-01
end = 2024-12-31
currency = "EUR"
template = "foundation-budget-vs-actual"

[[partners]]
code = "LIB"
name = "Utenos A. ir M. Miškinių viešoji biblioteka"
role = "lead"

[[funders]]
code = "FOUND"
name = "Skaitymo fondas"
kind = "foundation"

[[funders]]
code = "MUN"
name = "Utenos rajono savivaldybė"
kind = "municipality"

[[funding]]
funder = "FOUND"
share = 80
rounding = "down"

[[funding]]
funder = "MUN"
share = 20
residual = true

[[budget]]
partner = "LIB"
line = "PROGRAMME"
amount = 5000.00

[[periods]]
number = 1
start = 2024-01-01
end = 2024-06-30

[[periods]]
number = 2
start = 2024-07-01
end = 2024-12-31
"""


@pytest.fixture
def grant(store, tmp_path):
    path = tmp_path / "grant.toml"
    path.write_text(GRANT, encoding="utf-8")
    load_project_file(store, path)
    for day, gross in (("2024-03-06", "1000.01"), ("2024-09-10", "2500.00")):
        add_expenditure(store, "FND-2", {"partner": "LIB", "line": "PROGRAMME", "date": day, "document": f"SF-{day}",
                                         "supplier": "UAB Mokymai", "gross": gross, "paid": day})
    for day, amount, kind in (("2024-01-15", "2000.00", "prefinancing"), ("2024-06-30", "4.12", "interest"),
                              ("2024-12-31", "3.05", "interest"), ("2025-02-10", "800.00", "balance")):
        add_payment(store, "FND-2", {"funder": "FOUND", "date": day, "amount": amount, "kind": kind})
    return "FND-2"


def table(data, key):
    return next(t for t in data.tables if t.key == key)


def test_funds__received_interest_used_and_the_balance_this_period_and_to_date(store, grant):
    data, _ = report_data(store, grant, 2, lang="en", today=DAY)
    funds = table(data, "funds")
    assert [c.key for c in funds.columns] == ["item", "this_period", "so_far"]
    assert [r.cells for r in funds.rows] == [
        ("Balance on hand at the start of the period", D("1204.12"), None),  # 2000.00 + 4.12 − 800.00
        ("Grant funds received", D("0.00"), D("2000.00")),  # the balance came after the period's end
        ("Interest earned on the grant funds", D("3.05"), D("7.17")),
        ("Grant funds used (the funder's share of the eligible costs)", D("2000.00"), D("2800.00")),
        ("Balance on hand at the end of the period", D("-792.83"), D("-792.83")),  # paid in advance by the grantee
    ]
    assert "As at the end of the period (2024-12-31)" in funds.note and "Skaitymo fondas" in funds.note
    first, _ = report_data(store, grant, 1, lang="en", today=DAY)
    assert table(first, "funds").rows[-1].cells == ("Balance on hand at the end of the period", D("1204.12"),
                                                   D("1204.12"))


def test_funds__used_is_the_engines_share_of_the_funder_and_the_payment_positions_claim(store, grant):
    _, financing, _ = gather_financing(store, grant)
    for period in (1, 2):
        data, _ = report_data(store, grant, period, lang="en", today=DAY)
        used = table(data, "funds").rows[3].cells
        engine = financing["LIB"].cumulative("FOUND", period)
        assert used[2] == engine == payment_position(store, grant, period)[0].claimed
        assert used[1] == engine - financing["LIB"].cumulative("FOUND", period - 1)


def test_funds__interest_is_not_money_the_funder_paid(store, grant):
    [position] = [p for p in payment_position(store, grant, 2) if p.funder == "FOUND"]
    assert position.paid == D("2800.00") and all(p.kind != "interest" for p in position.payments)
    data, _ = report_data(store, grant, 2, lang="en", today=DAY)
    items = [r.cells[0] for r in table(data, "payment").rows]
    assert "Paid in total" in items and not any("nterest" in item for item in items)
    assert [p.kind for p in list_payments(store, grant)] == ["prefinancing", "interest", "interest", "balance"]


def test_funds__the_other_funders_are_the_engines_other_sources(store, grant):
    _, financing, _ = gather_financing(store, grant)
    data, _ = report_data(store, grant, 2, lang="lt", today=DAY)
    others = table(data, "other_funders")
    assert others.title == "Kiti projekto finansuotojai" and others.total_label == "Iš viso"
    municipality = financing["LIB"]
    assert [r.cells for r in others.rows] == [
        ("Utenos rajono savivaldybė", municipality.cumulative("MUN", 2) - municipality.cumulative("MUN", 1),
         municipality.cumulative("MUN", 2))]
    assert [r.cells[1:] for r in others.rows] == [(D("500.00"), D("700.01"))]


def test_funds__a_sole_funder_says_no_other_source_pays(store, tmp_path):
    path = tmp_path / "sole.toml"
    path.write_text(GRANT.replace("share = 80", "share = 100").replace(
        '[[funding]]\nfunder = "MUN"\nshare = 20\nresidual = true\n', ""), encoding="utf-8")
    load_project_file(store, path)
    data, _ = report_data(store, "FND-2", 1, lang="lv", today=DAY)
    assert "other_funders" not in [t.key for t in data.tables]
    assert table(data, "funds").note.endswith("Citu avotu, kas sedz projekta izmaksas, nav.")


def test_funds__the_workbook_derives_the_balance_by_formula_and_the_pdf_shows_the_table(store, grant, tmp_path):
    xlsx, pdf = write_report(store, grant, 2, tmp_path, lang="lt", today=DAY, formats=["xlsx", "pdf"])
    formulas = openpyxl.load_workbook(xlsx.path)
    cached = openpyxl.load_workbook(xlsx.path, data_only=True)
    name = "Dotacijos lėšos ir jų likutis"
    sheet = formulas[name]
    assert [sheet.cell(r, 1).value for r in range(3, 8)] == [
        "Lėšų likutis laikotarpio pradžioje", "Gautos dotacijos lėšos", "Palūkanos, gautos už dotacijos lėšas",
        "Panaudotos dotacijos lėšos (finansuotojo dalis tinkamose finansuoti išlaidose)",
        "Lėšų likutis laikotarpio pabaigoje"]
    assert (sheet["B7"].value, sheet["C7"].value) == ("=B3+B4+B5-B6", "=C4+C5-C6")
    assert sheet["C3"].value is None and sheet["B4"].number_format == "#,##0.00"
    assert (cached[name]["B7"].value, cached[name]["C7"].value) == (-792.83, -792.83)  # the cached values
    assert formulas["Kiti projekto finansuotojai"]["C4"].value == "=SUM(C3:C3)"
    text = pdf_text(pdf.path)
    assert "Dotacijos lėšos ir jų likutis" in text and "Palūkanos, gautos už dotacijos lėšas 3,05 7,17" in text
    assert "Lėšų likutis laikotarpio pabaigoje -792,83 -792,83" in text
    assert "Kiti projekto finansuotojai" in text and "Utenos rajono savivaldybė 500,00 700,01" in text


def test_funds__libreoffice_recalculates_the_balance_to_the_programs_figure(store, grant, tmp_path):
    [xlsx] = write_report(store, grant, 2, tmp_path, lang="en", today=DAY, formats=["xlsx"])
    book = openpyxl.load_workbook(recalculate_with_libreoffice(xlsx.path, tmp_path), data_only=True)
    sheet = book["Grant funds and balance on hand"]
    assert (sheet["B7"].value, sheet["C7"].value) == (-792.83, -792.83)


def test_funds__a_partners_report_of_a_grant_the_project_holds_has_no_funds_table(store, tmp_path):
    path = tmp_path / "project.toml"
    path.write_text(SMALL_PROJECT, encoding="utf-8")
    load_project_file(store, path)
    add_payment(store, "LLI-501", {"funder": "ERDF", "date": "2024-03-01", "amount": "12.00", "kind": "interest"})
    partner, _ = report_data(store, "LLI-501", 1, "LP", "foundation-budget-vs-actual", "en", today=DAY)
    project, _ = report_data(store, "LLI-501", 1, None, "foundation-budget-vs-actual", "en", today=DAY)
    assert "funds" not in [t.key for t in partner.tables]
    assert table(project, "funds").rows[2].cells == ("Interest earned on the grant funds", D("12.00"), D("12.00"))
    assert [r.cells[0] for r in table(project, "other_funders").rows] == ["Šiaulių miesto savivaldybė"]


@pytest.mark.parametrize("fields, message", [
    ({"date": "2024-05-31", "amount": "-4.12"},
     "amount: -4.12 is not interest earned: give the positive amount the bank paid on the grant's money"),
    ({"date": "2024-05-31", "amount": "4,1,2"}, "amount: '4,1,2' has thousands groups that are not three digits"),
    ({"date": "2024-05-31", "amount": "4.123"}, "amount: '4.123' is ambiguous"),
    ({"date": "2025-01-31", "amount": "4.12"},
     "date: interest belongs to the period it was earned in: 2025-01-31 is outside the project (2024-01-01 – "
     "2024-12-31)"),
    ({"date": "31.05.2024", "amount": "4.12"}, "date: '31.05.2024' is not a date written YYYY-MM-DD"),
    ({"date": "", "amount": ""}, "date: "),
])
def test_interest__bad_input_is_named_by_its_field_and_nothing_is_saved(store, grant, fields, message):
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        add_payment(store, grant, {"funder": "FOUND", "kind": "interest", **fields})
    assert message in str(raised.value)
    assert row_counts(store) == before


def test_interest__a_payment_of_another_kind_may_come_after_the_project(store, grant):
    assert [p.date for p in list_payments(store, grant) if p.kind == "balance"] == [date(2025, 2, 10)]


def test_interest_command__records_and_lists_it(tmp_path, capsys):
    path = tmp_path / "grant.toml"
    path.write_text(GRANT, encoding="utf-8")
    database = str(tmp_path / "db.sqlite3")
    assert cli.main(["--db", database, "load", str(path)]) == 0
    assert cli.main(["--db", database, "payment", "add", "--project", "FND-2", "--funder", "FOUND", "--kind",
                     "interest", "--date", "2024-06-30", "--amount", "4,12", "--note", "SEB: palūkanos"]) == 0
    assert "2024-06-30 4.12 on FOUND's grant of the project" in capsys.readouterr().out
    assert cli.main(["--db", database, "payment", "list", "--project", "FND-2"]) == 0
    out = capsys.readouterr().out
    assert ["2024-06-30", "FOUND", "project", "interest", "4.12", "SEB:", "palūkanos"] in [
        line.split()[:7] for line in out.splitlines()]
    assert cli.main(["--db", database, "payment", "add", "--project", "FND-2", "--funder", "FOUND", "--kind",
                     "interest", "--date", "2023-12-31", "--amount", "1.00"]) == cli.EXIT_USER_ERROR
    assert "date: interest belongs to the period it was earned in" in capsys.readouterr().err


def test_migration__a_database_from_before_interest_keeps_its_payments_and_explanations(tmp_path):
    from sqlite_utils import Migrations

    from reporter.store import schema

    old_set = Migrations(schema.MIGRATION_SET)
    for migration in schema.migrations._migrations:
        if migration.name < "0015":
            old_set(name=migration.name)(migration.fn)
    database = tmp_path / "old.sqlite3"
    path = tmp_path / "grant.toml"
    path.write_text(GRANT, encoding="utf-8")
    store = Store.open(database, migration_set=old_set)
    load_project_file(store, path)
    add_payment(store, "FND-2", {"funder": "FOUND", "date": "2024-01-15", "amount": "2000.00", "kind": "prefinancing"})
    store.close()
    with sqlite3.connect(database) as old:  # an explanation as the older program kept it
        ids = [old.execute(query).fetchone()[0] for query in (
            "SELECT id FROM projects", "SELECT id FROM reporting_periods WHERE number = 1", "SELECT id FROM partners",
            "SELECT id FROM budget_lines WHERE code = 'PROGRAMME'")]
        old.execute("INSERT INTO explanations (id, project_id, period_id, partner_id, budget_line_id, text, "
                    "updated_at) VALUES ('x1', ?, ?, ?, ?, 'Kelionė atšaukta.', '2024-07-01')", ids)
    old.close()
    store = Store.open(database, backup_first=False)
    try:
        assert [(p.kind, p.amount) for p in list_payments(store, "FND-2")] == [("prefinancing", D("2000.00"))]
        [kept] = list_explanations(store, "FND-2")
        assert (kept.line, kept.activity, kept.text) == ("PROGRAMME", None, "Kelionė atšaukta.")
        add_payment(store, "FND-2", {"funder": "FOUND", "date": "2024-06-30", "amount": "4.12", "kind": "interest"})
        assert [p.kind for p in list_payments(store, "FND-2")] == ["prefinancing", "interest"]
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()
