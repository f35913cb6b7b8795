"""Sub-grants: a national library re-granting to local libraries sees each one's position and the total."""

from __future__ import annotations

import json

import pytest

from conftest import row_counts
from reporter import cli
from reporter.domain.errors import Conflict, ValidationError
from reporter.domain.money import D
from reporter.services.expenditures import add_expenditure
from reporter.services.packages import export_package, import_package
from reporter.services.projects import export_project, load_project_file
from reporter.services.subgrants import add_sub_grant_payment, delete_sub_grant_payment, sub_grant_overview
from reporter.store import Store

PROGRAMME = """\
[project]
code = "VB-T"
title = "Bibliotekos pažangai: vietos bibliotekų projektai"
start = 2009-01-01
end = 2010-12-31
currency = "EUR"
template = "foundation-budget-vs-actual"

[[partners]]
code = "LNB"
name = "Lietuvos nacionalinė Martyno Mažvydo biblioteka"
country = "LT"
role = "lead"

[[partners]]
code = "SG01"
name = "Anykščių L. ir S. Didžiulių viešoji biblioteka"
country = "LT"

[[partners]]
code = "SG02"
name = "Birštono viešoji biblioteka"
country = "LT"

[[funders]]
code = "FOUND"
name = "Fondas"
kind = "foundation"

[[funding]]
funder = "FOUND"
share = 100

[[periods]]
number = 1
start = 2009-01-01
end = 2009-12-31

[[periods]]
number = 2
start = 2010-01-01
end = 2010-12-31

[[sub_grants]]
partner = "SG01"
amount = 10000.00
number = "BP-SUB-2009/01"
signed = 2009-02-02

[[sub_grants]]
partner = "SG02"
amount = 5000.00
number = "BP-SUB-2009/02"
"""


def load(store, tmp_path, text=PROGRAMME) -> str:
    path = tmp_path / "programme.toml"
    path.write_text(text, encoding="utf-8")
    return load_project_file(store, path).code


def cost(store, partner: str, gross: str, day: str, paid: str | None = None, document: str = ""):
    return add_expenditure(store, "VB-T", {
        "partner": partner, "line": "EQUIPMENT", "date": day, "document": document or f"SF-{partner}-{day}-{gross}",
        "supplier": "UAB Kompiuterija", "gross": gross, "paid": paid or day})


def test_overview__granted_paid_reported_accepted_and_balance_per_sub_grantee_and_in_total(store, tmp_path):
    load(store, tmp_path)
    add_sub_grant_payment(store, "VB-T", {"partner": "SG01", "date": "2009-02-10", "amount": "6000.00"})
    add_sub_grant_payment(store, "VB-T", {"partner": "SG02", "date": "2009-02-10", "amount": "2500.00"})
    cost(store, "SG01", "4000.00", "2009-05-04")
    cost(store, "SG01", "700.00", "2010-12-20", paid="2011-02-01")  # paid after the project: not accepted
    cost(store, "SG02", "5400.00", "2009-06-01")  # above its sub-grant
    sg01, sg02 = sub_grant_overview(store, "VB-T")
    assert (sg01.granted, sg01.paid, sg01.reported, sg01.accepted, sg01.balance, sg01.unused) == (
        D("10000.00"), D("6000.00"), D("4700.00"), D("4000.00"), D("-2000.00"), D("6000.00"))
    assert (sg02.accepted, sg02.counted, sg02.balance, sg02.unused) == (
        D("5400.00"), D("5000.00"), D("2500.00"), D("0.00"))
    assert sg01.sub_grant.number == "BP-SUB-2009/01" and sg01.name.startswith("Anykščių")
    first_year = sub_grant_overview(store, "VB-T", period=1)[0]
    assert (first_year.reported, first_year.accepted) == (D("4000.00"), D("4000.00"))


def test_command__lists_each_sub_grant_and_the_total(tmp_path, capsys):
    path = tmp_path / "programme.toml"
    path.write_text(PROGRAMME, encoding="utf-8")
    database = str(tmp_path / "lead.sqlite3")

    def run(*args: str) -> tuple[int, str]:
        code = cli.main(["--db", database, *args])
        return code, capsys.readouterr().out

    assert run("load", str(path))[0] == 0
    assert run("subgrant", "pay", "--project", "VB-T", "--partner", "SG01", "--date", "2009-02-10", "--amount",
               "6 000,00", "--note", "MP-17")[0] == 0
    code, out = run("subgrant", "list", "--project", "VB-T")
    assert code == 0
    assert "SG01" in out and "BP-SUB-2009/01" in out and "6,000.00" in out and "-6,000.00" in out.replace("−", "-")
    assert "total" in out and "15,000.00" in out
    code, out = run("subgrant", "list", "--project", "VB-T", "--json")
    data = json.loads(out)
    assert data["total"] == {"granted": "15000.00", "paid": "6000.00", "reported": "0.00", "accepted": "0.00",
                             "balance": "-6000.00", "unused": "15000.00"}
    code, out = run("subgrant", "payments", "--project", "VB-T", "--json")
    [payment] = json.loads(out)
    assert (payment["partner"], payment["amount"], payment["note"]) == ("SG01", "6000.00", "MP-17")
    assert run("subgrant", "delete-payment", "--project", "VB-T", payment["id"])[0] == 0
    assert json.loads(run("subgrant", "list", "--project", "VB-T", "--json")[1])["total"]["paid"] == "0.00"


@pytest.mark.parametrize("fields, message", [
    ({"partner": "LNB"}, "partner: 'LNB' has no sub-grant in this project (sub-grants: SG01, SG02)"),
    ({"amount": "-5"}, "amount: a payment is a positive amount, not -5.00"),
    ({"amount": "12,000.00.1"}, "amount: "),
    ({"date": "2008-12-31"}, "date: a payment to a sub-grantee falls between 2009-01-01 and 2011-12-31"),
    ({"date": "31.12.2009"}, "date: "),
    ({"kind": "gift"}, "kind: "),
])
def test_payment__bad_input_is_named_and_nothing_is_saved(store, tmp_path, fields, message):
    load(store, tmp_path)
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        add_sub_grant_payment(store, "VB-T", {"partner": "SG01", "date": "2009-02-10", "amount": "100.00", **fields})
    assert message in str(raised.value)
    assert row_counts(store) == before


@pytest.mark.parametrize("grants, message", [
    ('[[sub_grants]]\npartner = "LNB"\namount = 100.00\n', "sub_grants[1].partner: LNB is the lead partner"),
    ('[[sub_grants]]\npartner = "SG09"\namount = 100.00\n', "sub_grants[1].partner: unknown partner 'SG09'"),
    ('[[sub_grants]]\npartner = "SG01"\namount = 0\n', "sub_grants[1].amount: a sub-grant's amount must be"),
    ('[[sub_grants]]\npartner = "SG01"\namount = 100.00\n[[sub_grants]]\npartner = "SG01"\namount = 5.00\n',
     "sub-grantee 'SG01' has 2 sub-grants"),
    ('[[sub_grants]]\npartner = "SG01"\namount = 100.00\nsigned = 2011-05-01\n', "sub_grants[1].signed"),
    ('[[sub_grants]]\npartner = "SG01"\namount = 100.00\nbudget = 3\n', "sub_grants[1].budget"),
])
def test_project_file__a_wrong_sub_grant_is_named_by_its_place(store, tmp_path, grants, message):
    text = PROGRAMME[:PROGRAMME.index("[[sub_grants]]")] + grants
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        load(store, tmp_path, text)
    assert message in str(raised.value)
    assert row_counts(store) == before


def test_project_file__sub_grants_export_and_load_unchanged_and_one_with_payments_stays(store, tmp_path):
    load(store, tmp_path)
    exported = export_project(store, "VB-T")
    assert '[[sub_grants]]\npartner = "SG01"\namount = 10000.00\nnumber = "BP-SUB-2009/01"\nsigned = 2009-02-02' \
        in exported
    path = tmp_path / "again.toml"
    path.write_text(exported, encoding="utf-8")
    again = load_project_file(store, path).summary
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    payment = add_sub_grant_payment(store, "VB-T", {"partner": "SG02", "date": "2009-03-01", "amount": "100.00"})
    without = PROGRAMME[:PROGRAMME.index("[[sub_grants]]\npartner = \"SG02\"")]
    before = row_counts(store)
    with pytest.raises(Conflict, match="BP-SUB-2009/02 cannot be removed: 1 payment"):
        load(store, tmp_path, without)
    assert row_counts(store) == before
    delete_sub_grant_payment(store, "VB-T", payment.id)
    load(store, tmp_path, without)
    assert [g.partner for g in store.projects.definition("VB-T").sub_grants] == ["SG01"]


def test_packages__a_sub_grantees_own_copy_reports_to_the_lead_through_a_package(tmp_path):
    path = tmp_path / "programme.toml"
    path.write_text(PROGRAMME, encoding="utf-8")
    local, lead = Store.open(tmp_path / "sg01.sqlite3"), Store.open(tmp_path / "lead.sqlite3")
    try:
        load_project_file(local, path)
        load_project_file(lead, path)
        cost(local, "SG01", "4000.00", "2009-05-04")
        cost(local, "SG01", "1250.50", "2009-09-14")
        package = export_package(local, "VB-T", "SG01", 1, tmp_path / "SG01-1.zip")
        assert import_package(lead, package.path).added == 2
        [sg01] = [p for p in sub_grant_overview(lead, "VB-T") if p.sub_grant.partner == "SG01"]
        assert (sg01.reported, sg01.accepted) == (D("5250.50"), D("5250.50"))
    finally:
        local.close()
        lead.close()


def test_report__the_programme_report_has_the_sub_grant_overview_with_its_total(store, tmp_path):
    import pdfplumber

    from reporter.services.reports import write_report

    load(store, tmp_path)
    add_sub_grant_payment(store, "VB-T", {"partner": "SG01", "date": "2009-02-10", "amount": "6000.00"})
    cost(store, "SG01", "4000.00", "2009-05-04")
    [pdf] = write_report(store, "VB-T", 1, tmp_path / "out", lang="lt", formats=["pdf"])
    with pdfplumber.open(pdf.path) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "Subsidijos" in text and "BP-SUB-2009/01" in text
    assert "Anykščių L. ir S. Didžiulių viešoji biblioteka" in text
    assert "15 000,00" in text and "4 000,00" in text  # granted in all; SG01's accepted costs
