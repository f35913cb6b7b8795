"""The content of the Interreg forms: the partner contribution by legal status, and the project report's list of
the partner reports with their first-level control, read back from the data set, the PDF and the workbook."""

import re
import sqlite3
import tomllib
from datetime import date
from decimal import Decimal

import openpyxl
import pdfplumber
import pytest

from conftest import SMALL_PROJECT, before_person_and_travel_details, row_counts
from reporter import cli
from reporter.domain.contribution import by_legal_status, legal_status
from reporter.domain.errors import Conflict, UserError, ValidationError
from reporter.domain.money import ZERO
from reporter.services.checks import gather_financing
from reporter.services.controls import list_controls, set_control
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import export_project, load_project_file, project_definition
from reporter.services.reports import report_data, submit_period, write_report
from reporter.store import Store

DAY = date(2025, 3, 14)

# Two partners whose contribution comes from sources of every legal status: LP's state budget co-financing
# (automatic public by its kind), its municipality (public) and its own funds, which this library states are
# private; PP2's contribution is one source (its own funds, public) with a state grant and a sponsor within it.
PROJECT = """\
[project]
code = "LLI-777"
title = "Skaitymo tiltai / Lasīšanas tilti"
start = 2024-01-01
end = 2025-12-31
template = "interreg-lv-lt-2014-2020"

[[partners]]
code = "LP"
name = "Panevėžio apskrities Gabrielės Petkevičaitės-Bitės viešoji biblioteka"
country = "LT"
role = "lead"

[[partners]]
code = "PP2"
name = "Bauskas Centrālā bibliotēka"
country = "LV"

[[funders]]
code = "ERDF"
name = "European Regional Development Fund"
kind = "eu"

[[funders]]
code = "LT-STATE"
name = "Lietuvos Respublikos valstybės biudžetas"
kind = "state"

[[funders]]
code = "LV-STATE"
name = "Latvijas Republikas valsts budžets"
kind = "state"

[[funders]]
code = "MUN"
name = "Panevėžio miesto savivaldybė"
kind = "municipality"

[[funders]]
code = "OWN"
name = "Nuosavos lėšos / Pašu līdzekļi"
kind = "own"

[[funders]]
code = "SPONSOR"
name = "AS „Bauskas alus“"
kind = "sponsor"

[[funding]]
partner = "LP"
funder = "ERDF"
share = 80
rounding = "down"

[[funding]]
partner = "LP"
funder = "LT-STATE"
share = 7.5

[[funding]]
partner = "LP"
funder = "MUN"
share = 10

[[funding]]
partner = "LP"
funder = "OWN"
share = 2.5
residual = true
legal_status = "private"

[[funding]]
partner = "PP2"
funder = "ERDF"
share = 85
rounding = "down"

[[funding]]
partner = "PP2"
funder = "OWN"
share = 15
residual = true

[[funding]]
partner = "PP2"
funder = "LV-STATE"
share = 5
part_of = "OWN"

[[funding]]
partner = "PP2"
funder = "SPONSOR"
share = 3
part_of = "OWN"

[[budget]]
partner = "LP"
line = "STAFF"
amount = 20000.00

[[budget]]
partner = "PP2"
line = "TRAVEL"
amount = 8000.00

[[periods]]
number = 1
start = 2024-01-01
end = 2024-06-30

[[periods]]
number = 2
start = 2024-07-01
end = 2025-12-31
"""

COSTS = [("LP", "STAFF", "2024-01-31", "DU 2024-01", "1234.57"), ("LP", "STAFF", "2024-02-29", "DU 2024-02", "999.99"),
         ("PP2", "TRAVEL", "2024-03-12", "Rēķins 17", "333.33"), ("LP", "STAFF", "2024-08-30", "DU 2024-08", "1000.01"),
         ("PP2", "TRAVEL", "2024-09-02", "Rēķins 42", "777.77")]


@pytest.fixture
def interreg(store, tmp_path):
    path = tmp_path / "lli-777.toml"
    path.write_text(PROJECT, encoding="utf-8")
    load_project_file(store, path)
    for partner, line, day, document, gross in COSTS:
        add_expenditure(store, "LLI-777", {"partner": partner, "line": line, "date": day, "document": document,
                                           "supplier": "Darbuotojai / Darbinieki", "gross": gross, "paid": day})
    return "LLI-777"


def pdf_text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages).replace("\u00a0", " ")


def table(data, key):
    return next(t for t in data.tables if t.key == key)


def column(t, key, row):
    return row.cells[[c.key for c in t.columns].index(key)]


# The partner contribution by legal status


def test_legal_status__an_agreement_states_it_else_the_funders_kind_and_a_programme_fund_has_none(store, interreg):
    definition = project_definition(store, interreg)
    lp = {a.funder: a for a in definition.agreements_for("LP")}
    assert legal_status(definition, "ERDF", lp["ERDF"]) is None
    assert legal_status(definition, "LT-STATE", lp["LT-STATE"]) == "automatic_public"
    assert legal_status(definition, "MUN", lp["MUN"]) == "public"
    assert legal_status(definition, "OWN", lp["OWN"]) == "private"  # the agreement says so
    pp2 = {a.funder: a for a in definition.agreements_for("PP2")}
    assert legal_status(definition, "OWN", pp2["OWN"]) == "public"  # a public library's own funds
    assert legal_status(definition, "SPONSOR", pp2["SPONSOR"]) == "private"


def test_contribution__adds_up_to_what_the_programme_fund_leaves_of_the_engines_eligible_costs(store, interreg):
    definition, financing, _ = gather_financing(store, interreg)
    for partner in ("LP", "PP2"):
        engine = financing[partner]
        for through in (1, 2):
            amounts = {a.funder: engine.cumulative(a.funder, through) for a in engine.agreements}
            split = by_legal_status(definition, partner, amounts)
            programme = engine.cumulative("ERDF", through)
            assert sum(split.values()) == engine.total(through) - engine.unallocated(through) - programme
    lp = financing["LP"]
    split = by_legal_status(definition, "LP", {a.funder: lp.cumulative(a.funder, 1) for a in lp.agreements})
    assert split == {"public": lp.cumulative("MUN", 1), "automatic_public": lp.cumulative("LT-STATE", 1),
                     "private": lp.cumulative("OWN", 1)}
    pp2 = financing["PP2"]  # within its own funds: the state grant and the sponsor apart, the rest public
    split = by_legal_status(definition, "PP2", {a.funder: pp2.cumulative(a.funder, 2) for a in pp2.agreements})
    assert split == {"public": pp2.cumulative("OWN", 2) - pp2.cumulative("LV-STATE", 2) - pp2.cumulative("SPONSOR", 2),
                     "automatic_public": pp2.cumulative("LV-STATE", 2), "private": pp2.cumulative("SPONSOR", 2)}
    assert all(value > ZERO for value in split.values())


def test_partner_report__shows_the_split_this_period_and_so_far_as_the_cofinancing_table_has_the_sources(store,
                                                                                                      interreg):
    _, financing, _ = gather_financing(store, interreg)
    data, _ = report_data(store, interreg, 2, partner="LP", lang="en", today=DAY)
    contribution, cofinancing = table(data, "contribution"), table(data, "cofinancing")
    assert [r.cells[0] for r in contribution.rows] == ["Public", "Automatic public", "Private"]
    assert contribution.total_label == "Total partner contribution"
    by_source = {r.cells[0]: r for r in cofinancing.rows}
    for status, source in (("Public", "Panevėžio miesto savivaldybė"),
                           ("Automatic public", "Lietuvos Respublikos valstybės biudžetas"),
                           ("Private", "Nuosavos lėšos / Pašu līdzekļi")):
        row = next(r for r in contribution.rows if r.cells[0] == status)
        for key in ("approved", "previously", "this_period", "so_far", "remaining"):
            assert column(contribution, key, row) == column(cofinancing, key, by_source[source])
    lp = financing["LP"]
    so_far = sum(column(contribution, "so_far", r) for r in contribution.rows)
    this_period = sum(column(contribution, "this_period", r) for r in contribution.rows)
    assert so_far == lp.total(2) - lp.cumulative("ERDF", 2)
    assert this_period == (lp.total(2) - lp.total(1)) - (lp.cumulative("ERDF", 2) - lp.cumulative("ERDF", 1))


def test_project_report__splits_each_partners_contribution_and_the_projects(store, interreg):
    _, financing, _ = gather_financing(store, interreg)
    data, _ = report_data(store, interreg, 2, lang="en", today=DAY)
    grouped, project = table(data, "contribution"), table(data, "contribution_project")
    assert [r.kind for r in grouped.rows] == ["group", "data", "data", "data", "subtotal"] * 2
    assert [r.cells[0] for r in project.rows] == ["Public", "Automatic public", "Private"]
    for i in range(3):  # public, automatic public, private: each partner's, added up
        partners = [r for r in grouped.rows if r.kind == "data"][i::3]
        assert column(project, "so_far", project.rows[i]) == sum(column(grouped, "so_far", r) for r in partners)
    contribution = sum(financing[p].total(2) - financing[p].cumulative("ERDF", 2) for p in ("LP", "PP2"))
    assert sum(column(project, "so_far", r) for r in project.rows) == contribution
    pp2, own = [r for r in grouped.rows if r.kind == "data"][3:], financing["PP2"]
    assert [column(grouped, "so_far", r) for r in pp2] == [
        own.cumulative("OWN", 2) - own.cumulative("LV-STATE", 2) - own.cumulative("SPONSOR", 2),
        own.cumulative("LV-STATE", 2), own.cumulative("SPONSOR", 2)]


def test_partner_report__pdf_and_workbook_show_the_split_in_lithuanian_and_latvian(store, interreg, tmp_path):
    data, _ = report_data(store, interreg, 2, partner="LP", lang="lt", today=DAY)
    contribution = table(data, "contribution")
    pdf, xlsx = write_report(store, interreg, 2, tmp_path, partner="LP", lang="lt", today=DAY)
    text = pdf_text(pdf.path)
    assert "Partnerio įnašas pagal teisinį statusą" in text and "Iš viso partnerio įnašas" in text
    so_far = sum(column(contribution, "so_far", r) for r in contribution.rows)
    automatic = next(r for r in contribution.rows if r.cells[0] == "Automatinis viešasis")
    assert re.search(r"Automatinis viešasis .*" + f"{column(contribution, 'so_far', automatic)}".replace(".", ","),
                     text)
    assert f"{so_far:,.2f}".replace(",", " ").replace(".", ",") in text
    book = openpyxl.load_workbook(xlsx.path)
    sheet = next(book[n] for n in book.sheetnames if n.startswith("Partnerio įnašas"))
    rows = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    assert {"Viešasis", "Automatinis viešasis", "Privatusis", "Iš viso partnerio įnašas"} <= set(rows)
    row, total = rows["Automatinis viešasis"], rows["Iš viso partnerio įnašas"]
    assert sheet.cell(row, 5).value == f"=C{row}+D{row}"  # so far: previously + this period
    assert re.fullmatch(r"=SUM\(E\d+:E\d+\)", sheet.cell(total, 5).value)  # and summed

    [lv] = write_report(store, interreg, 2, tmp_path / "lv", lang="lv", formats=["pdf"], today=DAY)
    text = pdf_text(lv.path)
    assert "Partnera līdzfinansējums pēc juridiskā statusa" in text and "Automātiski publisks" in text
    assert "Partneru līdzfinansējums pēc juridiskā statusa, visi partneri" in text


def test_project_file__legal_status_is_read_written_and_refused_where_it_has_no_place(store, interreg):
    definition = project_definition(store, interreg)
    assert {(a.partner, a.funder): a.legal_status for a in definition.funding}[("LP", "OWN")] == "private"
    assert {(a.partner, a.funder): a.legal_status for a in definition.funding}[("LP", "MUN")] is None
    exported = tomllib.loads(export_project(store, interreg))
    assert [f.get("legal_status") for f in exported["funding"]] == [None, None, None, "private", None, None, None,
                                                                   None]

    bad = PROJECT.replace('funder = "ERDF"\nshare = 80', 'funder = "ERDF"\nshare = 80\nlegal_status = "public"') \
        .replace('legal_status = "private"', 'legal_status = "semi-public"')
    from reporter.services.projects import check_project_data

    with pytest.raises(ValidationError) as refused:
        check_project_data(tomllib.loads(bad, parse_float=Decimal))
    problems = {p.where: str(p) for p in refused.value.problems}
    assert problems == {
        "funding[1].legal_status": "funding[1].legal_status: ERDF is a programme fund (kind eu): what it pays is no "
                                   "partner contribution and has no legal status; leave legal_status out",
        "funding[4].legal_status": "funding[4].legal_status: 'semi-public' is not one of public, automatic_public, "
                                   "private"}


# The partner reports and their first-level control


def test_project_report__lists_each_partners_report_its_declared_costs_and_its_control(store, interreg, tmp_path):
    set_control(store, interreg, 2, "LP", "certified", "2025-02-20", "FLC-LT-2025/117", "VšĮ CPVA")
    set_control(store, interreg, 2, "PP2", "in_control", controller="VARAM FLC")
    data, _ = report_data(store, interreg, 2, lang="en", today=DAY)
    reports = table(data, "partner_reports")
    assert [c.key for c in reports.columns] == ["partner", "report", "declared", "status", "certified", "certificate",
                                                "controller"]
    lp, pp2 = reports.rows
    files = {p: write_report(store, interreg, 2, tmp_path / p, partner=p, lang="en", formats=["pdf"], today=DAY)[0]
             for p in ("LP", "PP2")}
    for row, partner in ((lp, "LP"), (pp2, "PP2")):
        assert files[partner].path.stem == column(reports, "report", row)
        partner_data, _ = report_data(store, interreg, 2, partner=partner, lang="en", today=DAY)
        lines = table(partner_data, "lines")
        assert column(reports, "declared", row) == sum(column(lines, "this_period", r) for r in lines.rows)
    assert lp.cells[3:] == ("Certified", date(2025, 2, 20), "FLC-LT-2025/117", "VšĮ CPVA")
    assert pp2.cells[3:] == ("In control", None, "", "VARAM FLC")
    assert column(reports, "declared", lp) == Decimal("1000.01")

    pdf, xlsx = write_report(store, interreg, 2, tmp_path / "lt", lang="lt", today=DAY)
    text = pdf_text(pdf.path)
    assert "Laikotarpio partnerių ataskaitos" in text and "LLI-777-P2-LP-interreg-lv-lt-2014-2020-lt" in text
    assert "Patvirtinta" in text and "FLC-LT-2025/117" in text and "2025-02-20" in text and "Tikrinama" in text
    book = openpyxl.load_workbook(xlsx.path)
    sheet = next(book[n] for n in book.sheetnames if n.startswith("Laikotarpio partnerių"))
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    certified = next(r for r in cells if r[0] and str(r[0]).startswith("LP "))
    assert certified[3:7] == ["Patvirtinta", certified[4], "FLC-LT-2025/117", "VšĮ CPVA"]
    assert str(certified[4])[:10] == "2025-02-20"
    total = next(r for r in cells if r[0] == "Iš viso")
    assert re.fullmatch(r"=SUM\(C\d+:C\d+\)", total[2])


def test_control__a_report_nothing_was_recorded_for_is_a_draft_and_draft_removes_what_was_kept(store, interreg):
    assert [(c.period, c.partner, c.status) for c in list_controls(store, interreg)] == [
        (1, "LP", "draft"), (1, "PP2", "draft"), (2, "LP", "draft"), (2, "PP2", "draft")]
    before = row_counts(store)
    set_control(store, interreg, 1, "PP2", "submitted")
    assert row_counts(store)["partner_report_controls"] == before["partner_report_controls"] + 1
    set_control(store, interreg, 1, "PP2", "draft")
    assert row_counts(store)["partner_report_controls"] == before["partner_report_controls"]
    assert list_controls(store, interreg, 1)[1].status == "draft"


@pytest.mark.parametrize("arguments, problems", [
    ((1, "PX", "certifed", "2025-13-01", "", "X"),
     ["date: '2025-13-01' is not a date written YYYY-MM-DD", "partner: LLI-777 has no partner 'PX'",
      "status: 'certifed' is not one of draft, submitted, in_control, certified"]),
    ((1, "LP", "certified", None, "", ""),
     ["date: a certified report needs the date and number of the controller's certificate",
      "certificate: a certified report needs the date and number of the controller's certificate"]),
    ((1, "LP", "submitted", "2024-08-01", "FLC-1", "CPVA"),
     ["date: only a certified report has a certificate's date or number (status submitted)",
      "certificate: only a certified report has a certificate's date or number (status submitted)",
      "controller: a controller is named once the report is in_control or certified (status submitted)"]),
    ((2, "LP", "certified", "2024-06-30", "FLC-1", ""),
     ["date: the certificate (2024-06-30) is dated before the period it certifies begins (2024-07-01)"]),
    ((3, "LP", "in_control", None, "", "C" * 301),
     ["period: LLI-777 has no reporting period 3", "controller: is 301 characters long; at most 300 fit"]),
])
def test_control__bad_input_is_refused_whole_with_every_field_named(store, interreg, arguments, problems):
    before = row_counts(store)
    with pytest.raises(ValidationError) as refused:
        set_control(store, interreg, *arguments)
    assert [str(p) for p in refused.value.problems] == problems
    assert row_counts(store) == before


def test_control__a_submitted_period_keeps_the_controls_it_was_submitted_with(store, interreg):
    set_control(store, interreg, 1, "LP", "certified", "2024-08-01", "FLC-1")
    submit_period(store, interreg, 1, today=DAY, force=True)
    before = row_counts(store)
    with pytest.raises(Conflict, match="period 1 is submitted and locked"):
        set_control(store, interreg, 1, "PP2", "certified", "2024-08-02", "FLC-2")
    assert row_counts(store) == before
    data, from_snapshot = report_data(store, interreg, 1, lang="en", today=DAY)
    assert from_snapshot and column(table(data, "partner_reports"), "certificate",
                                    table(data, "partner_reports").rows[0]) == "FLC-1"


def test_control__a_partner_whose_control_is_kept_is_not_removed_from_the_project(store, interreg, tmp_path):
    pp3 = '[[partners]]\ncode = "PP3"\nname = "Biržų rajono savivaldybės viešoji biblioteka"\ncountry = "LT"\n\n'
    path = tmp_path / "with-pp3.toml"
    path.write_text(PROJECT.replace("[[funders]]", pp3 + "[[funders]]", 1), encoding="utf-8")
    load_project_file(store, path)
    set_control(store, interreg, 1, "PP3", "in_control", controller="VšĮ CPVA")
    path.write_text(PROJECT, encoding="utf-8")
    before = row_counts(store)
    with pytest.raises(UserError, match=r"PP3 cannot be removed: the control of 1 partner report\(s\) is recorded"):
        load_project_file(store, path)
    assert row_counts(store) == before
    set_control(store, interreg, 1, "PP3", "draft")
    assert load_project_file(store, path).summary.deleted == 1


def test_control_command__keeps_lists_and_refuses_bad_input_leaving_nothing_saved(tmp_path, capsys):
    database = tmp_path / "db.sqlite3"
    path = tmp_path / "project.toml"
    path.write_text(PROJECT, encoding="utf-8")

    def run(*args):
        code = cli.main(["--db", str(database), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("load", str(path))[0] == 0
    code, out, _ = run("control", "--project", "LLI-777", "--period", "1", "--partner", "LP", "--status", "certified",
                       "--date", "2024-08-01", "--certificate", "FLC-123", "--controller", "VšĮ CPVA")
    assert code == 0 and out.strip() == "Kept: LP, period 1: certified, certificate FLC-123 of 2024-08-01 (VšĮ CPVA)"
    store = Store.open(database)
    before = row_counts(store)
    store.close()
    for bad in (["--period", "1", "--partner", "PP2", "--status", "done"],
                ["--period", "1", "--partner", "PP2", "--status", "certified", "--date", "1.8.2024",
                 "--certificate", "X"],
                ["--partner", "PP2", "--status", "submitted"],
                ["--period", "1", "--status", "submitted"]):
        code, out, err = run("control", "--project", "LLI-777", *bad)
        assert code == 2 and out == "" and "nothing was saved" in err, (bad, err)
    code, _, err = run("control", "--project", "LLI-777", "--period", "1", "--partner", "PP2", "--status", "done")
    assert "status: 'done' is not one of draft, submitted, in_control, certified" in err
    store = Store.open(database)
    assert row_counts(store) == before
    store.close()
    code, out, _ = run("control", "--project", "LLI-777", "--period", "1")
    assert code == 0 and out.splitlines()[2:] == [
        "1       LP       certified  2024-08-01  FLC-123      VšĮ CPVA", "1       PP2      draft"]
    code, out, _ = run("--json", "control", "--project", "LLI-777", "--period", "1")
    assert '"certificate": "FLC-123"' in out and '"status": "draft"' in out


def test_migration__an_older_database_gains_the_controls_and_its_agreements_keep_to_their_funders_kind(tmp_path):
    path = tmp_path / "db.sqlite3"
    project = tmp_path / "small.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(path)
    load_project_file(store, project)
    store.close()
    raw = sqlite3.connect(path)  # the database as 0012 left it
    raw.executescript(before_person_and_travel_details() + """DROP TABLE partner_report_controls;
        ALTER TABLE funding_agreements DROP COLUMN legal_status;
        DELETE FROM _sqlite_migrations WHERE name IN ('0013_partner_report_control',
                                                      '0015_interest_and_plan_explanations');""")
    # (0015 only rebuilds two tables with wider checks: it runs again after 0013 as it would have)
    raw.close()

    store = Store.open(path)
    assert [a.legal_status for a in project_definition(store, "LLI-501").funding] == [None, None]
    assert list_controls(store, "LLI-501", 1)[0].status == "draft"
    with pytest.raises(sqlite3.IntegrityError):  # another tool cannot keep a certificate without its date
        store.db.execute("INSERT INTO partner_report_controls (id, project_id, period_id, partner_id, status, "
                         "certificate, updated_at) SELECT 'c', p.project_id, rp.id, p.id, 'certified', 'FLC-1', 'x' "
                         "FROM partners p JOIN reporting_periods rp ON rp.project_id = p.project_id LIMIT 1")
    store.close()
