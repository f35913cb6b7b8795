"""Funder reports end to end: from a small project to PDF and XLSX files, read back as a user sees them."""

import hashlib
import re
from datetime import date, datetime
from pathlib import Path
from decimal import Decimal

import openpyxl
import pdfplumber
import pytest

from conftest import SMALL_PROJECT, row_counts
from libreoffice import recalculate_with_libreoffice
from reporter import cli
from reporter.domain.errors import Conflict, NotFound, UserError
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import load_project_file
from reporter.services.reports import report_data, stored_hashes, submit_period, write_report
from reporter.templates import list_templates

DAY = date(2026, 11, 21)


@pytest.fixture
def reported(store, tmp_path):
    """The small project with a few expenditures in period 1 and one in period 2."""
    path = tmp_path / "project.toml"
    path.write_text(SMALL_PROJECT, encoding="utf-8")
    load_project_file(store, path)
    rows = [("LP", "STAFF", "2024-01-31", "DU žiniaraštis 2024-01", "Rūta Jankauskienė", "1170.36", "0"),
            ("LP", "STAFF", "2024-02-29", "DU žiniaraštis 2024-02", "Rūta Jankauskienė", "1170.36", "0"),
            ("LP", "TRAVEL", "2024-03-05", "PVM SF AAA Nr. 0117", '=HYPERLINK("http://x","y")', "121.00", "21.00"),
            ("PP2", "TRAVEL", "2024-04-10", "Rēķins Nr. 2024/0042", "SIA „Rīgas viesnīca“", "263449.92", "0"),
            ("PP2", "TRAVEL", "2024-08-10", "Rēķins Nr. 2024/0099", "+370 600 00000", "50.00", "0")]
    for partner, line, day, document, supplier, gross, vat in rows:
        add_expenditure(store, "LLI-501", {"partner": partner, "line": line, "date": day, "document": document,
                                           "supplier": supplier, "gross": gross, "vat": vat, "paid": day})
    return "LLI-501"


def pdf_text(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages).replace("\u00a0", " ")


def test_report__partner_pdf_shows_header_overview_split_list_findings_and_signatures(store, reported, tmp_path):
    [pdf] = write_report(store, reported, 1, tmp_path, partner="LP", lang="lt", formats=["pdf"], today=DAY)
    text = pdf_text(pdf.path)
    for expected in ("Partnerio pažangos ataskaita", "Šiaulių apskrities Povilo Višinskio viešoji biblioteka",
                     "European Regional Development Fund", "LLI-501/2023", "1: 2024-01-01 – 2024-06-30", "Personalo išlaidos",
                     "Kelionių ir apgyvendinimo išlaidos", "Bendrasis finansavimas pagal fondus",
                     "Rūta Jankauskienė", '=HYPERLINK(', "Parašai", "Vardas, pavardė",
                     "Puslapis 1 iš"):
        assert expected in text, expected
    assert "2 461,72" in text  # 1 170,36 + 1 170,36 + 121,00: the partner's total this period
    assert "2 092,46" in text  # the ERDF's 85 %, truncated to the cent


def test_report__numbers_follow_the_report_language(store, reported, tmp_path):
    [lt] = write_report(store, reported, 1, tmp_path / "lt", partner="PP2", lang="lt", formats=["pdf"], today=DAY)
    [en] = write_report(store, reported, 1, tmp_path / "en", partner="PP2", lang="en", formats=["pdf"], today=DAY)
    [lv] = write_report(store, reported, 1, tmp_path / "lv", partner="PP2", lang="lv", formats=["pdf"], today=DAY)
    assert "263 449,92" in pdf_text(lt.path) and "263 449,92" in pdf_text(lv.path)
    assert "263,449.92" in pdf_text(en.path) and "Partner progress report" in pdf_text(en.path)
    assert "Partnera progresa ziņojums" in pdf_text(lv.path) and "Jelgavas pilsētas bibliotēka" in pdf_text(lv.path)


def test_report__workbook_holds_values_formulas_and_text_never_formulas(store, reported, tmp_path):
    [xlsx] = write_report(store, reported, 1, tmp_path, partner="LP", lang="en", formats=["xlsx"], today=DAY)
    book = openpyxl.load_workbook(xlsx.path)
    assert book.sheetnames[0] == "Report"
    lines = book[book.sheetnames[1]]
    cells = {(r, c): lines.cell(r, c).value for r in range(1, lines.max_row + 1) for c in range(1, 8)}
    staff_row = next(r for (r, c), v in cells.items() if c == 1 and v == "Staff costs")
    assert cells[(staff_row, 4)] == pytest.approx(2340.72)  # this period
    total_row = lines.max_row
    assert cells[(total_row, 1)] == "Total"
    assert re.fullmatch(r"=SUM\(D\d+:D\d+\)", cells[(total_row, 4)])
    listing = book[book.sheetnames[-1]]
    texts = [c for row in listing.iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert texts and all(c.data_type == "s" for c in texts)


def test_report__every_template_writes_both_files_in_each_of_its_languages(store, reported, tmp_path):
    for template in list_templates():
        for lang in template.languages:
            files = write_report(store, reported, 1, tmp_path / template.id / lang, template_id=template.id,
                                 lang=lang, today=DAY)
            assert [f.format for f in files] == ["pdf", "xlsx"]
            title = report_data(store, reported, 1, template_id=template.id, lang=lang, today=DAY)[0].title
            assert title in pdf_text(files[0].path)


def test_submit__keeps_hashes_and_regenerates_the_same_report_after_later_changes(store, reported, tmp_path):
    before = write_report(store, reported, 1, tmp_path / "before", partner="LP", lang="lt", today=DAY)
    submission = submit_period(store, reported, 1, today=DAY, force=True)
    assert submission.snapshots == 3 * 3  # consolidated + two partners, in three languages
    kept = {(p, lang, fmt): digest for p, lang, fmt, digest in stored_hashes(store, reported, 1)}
    assert {f.format: f.sha256 for f in before} == {"pdf": kept[("LP", "lt", "pdf")],
                                                    "xlsx": kept[("LP", "lt", "xlsx")]}
    add_expenditure(store, reported, {"partner": "LP", "line": "STAFF", "date": "2024-07-31", "document": "DU 07",
                                      "supplier": "Rūta Jankauskienė", "gross": "1170.36", "paid": "2024-08-05"})
    again = write_report(store, reported, 1, tmp_path / "again", partner="LP", lang="lt")
    assert all(f.from_snapshot for f in again)
    assert [f.sha256 for f in again] == [f.sha256 for f in before]
    assert [hashlib.sha256(f.path.read_bytes()).hexdigest() for f in again] == [f.sha256 for f in before]


def test_submit__with_open_errors_needs_force_and_the_lock_records_it(store, reported, tmp_path):
    before = row_counts(store)
    with pytest.raises(Conflict, match="period 1 has 3 open error"):
        submit_period(store, reported, 1, today=DAY)
    assert row_counts(store) == before
    assert submit_period(store, reported, 1, today=DAY, force=True).forced_errors == 3
    [row] = store.db.query("SELECT status, status_note FROM reporting_periods WHERE number = 1 AND "
                           "project_id = (SELECT id FROM projects WHERE code = 'LLI-501')")
    assert row == {"status": "submitted", "status_note": "submitted with 3 open error(s)"}


def test_submit__on_the_command_line_refuses_open_errors_without_force(project_file, tmp_path, capsys):
    database = str(tmp_path / "c.sqlite3")
    cli.main(["--db", database, "load", str(project_file)])
    cli.main(["--db", database, "expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "TRAVEL",
              "--date", "2024-03-05", "--document", "SF-1", "--supplier", "UAB Kelionės", "--gross", "10.00"])
    capsys.readouterr()
    assert cli.main(["--db", database, "submit", "--project", "LLI-501", "--period", "1"]) == 2
    assert "--force" in capsys.readouterr().err
    assert cli.main(["--db", database, "submit", "--project", "LLI-501", "--period", "1", "--force"]) == 0
    assert "submitted with 1 open error(s)" in capsys.readouterr().out


def test_submit__locks_the_period(store, reported):
    submit_period(store, reported, 1, today=DAY, force=True)
    with pytest.raises(Exception, match="submitted"):
        add_expenditure(store, reported, {"partner": "LP", "line": "STAFF", "date": "2024-05-31", "document": "X",
                                          "supplier": "Y", "gross": "1.00"})
    with pytest.raises(Exception, match="already submitted"):
        submit_period(store, reported, 1, today=DAY, force=True)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"template_id": "nope"}, NotFound, "no funder template 'nope'"),
    ({"formats": ["docx"]}, UserError, "docx"),
    ({"partner": "PP9"}, NotFound, "no partner 'PP9'"),
    ({"funder": "BANK"}, NotFound, "no funding agreement with 'BANK'"),
])
def test_report__refuses_what_it_cannot_make(store, reported, tmp_path, kwargs, error, message):
    with pytest.raises(error, match=message):
        write_report(store, reported, 1, tmp_path, **kwargs)
    assert not list(tmp_path.glob("*.pdf"))


def test_report_command__prints_paths_and_hashes(tmp_path, capsys, project_file):
    db = str(tmp_path / "cli.sqlite3")
    cli.main(["--db", db, "load", str(project_file)])
    capsys.readouterr()
    assert cli.main(["--db", db, "report", "--project", "LLI-501", "--period", "1", "--lang", "lv", "--format",
                     "pdf,xlsx", "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line in lines:
        path, _, digest = line.partition("  sha256 ")
        assert hashlib.sha256(open(path, "rb").read()).hexdigest() == digest


def test_report__libreoffice_recalculates_the_workbook_to_the_programs_totals(store, reported, tmp_path):
    """An independent spreadsheet recomputes every total formula and gets the program's figures."""
    [xlsx] = write_report(store, reported, 1, tmp_path, lang="lv", formats=["xlsx"], today=DAY)
    data = report_data(store, reported, 1, lang="lv", today=DAY)[0]
    book = openpyxl.load_workbook(recalculate_with_libreoffice(xlsx.path, tmp_path), data_only=True)
    checked = 0
    for table, name in zip(data.tables, book.sheetnames[1:]):
        if table.total_label is None:
            continue
        sheet = book[name]
        total_row = next(r for r in range(sheet.max_row, 0, -1) if sheet.cell(r, 1).value == table.total_label)
        for index, column in enumerate(table.columns):
            if column.total:
                expected = sum(row.cells[index] or 0 for row in table.rows if row.kind == "data")
                assert Decimal(str(sheet.cell(total_row, index + 1).value)).quantize(Decimal("0.01")) == expected
                checked += 1
    assert checked >= 10
    lines = book[book.sheetnames[1 + [t.key for t in data.tables].index("lines")]]
    assert lines.cell(lines.max_row, 1).value == "Kopā"


def test_report__the_workbook_ends_with_the_templates_statement_and_each_signatory(store, reported, tmp_path):
    from openpyxl import load_workbook

    [book] = write_report(store, reported, 1, tmp_path, partner="LP", template_id="lt-culture-council", lang="lt",
                          formats=["xlsx"], today=DAY)
    summary = load_workbook(book.path).worksheets[0]
    texts = [str(cell.value) for row in summary.iter_rows() for cell in row if cell.value is not None]
    assert any(t.startswith("Tvirtiname, kad ataskaitoje pateikti duomenys yra teisingi") for t in texts)
    head, accountant = texts.index("Organizacijos vadovas"), texts.index("Vyriausiasis buhalteris (buhalteris)")
    assert texts[head + 1:accountant].count("Parašas") == 1 and "Parašas" in texts[accountant:]


def test_report__findings_name_lines_by_their_names_in_the_reports_language(store, reported, tmp_path):
    from reporter.services.reports import report_data

    add_expenditure(store, "LLI-501", {"partner": "LP", "line": "STAFF", "date": "2024-05-31", "document": "DU-05",
                                       "supplier": "Rūta Jankauskienė", "gross": "50000.00", "paid": "2024-05-31"})
    data, _ = report_data(store, reported, 1, partner="LP", lang="lt", today=DAY)
    messages = " ".join(f.message for f in data.findings)
    assert "Personalo išlaidos" in messages and "STAFF" not in messages


def test_report__a_language_the_templates_form_lacks_says_so_on_the_report(store, reported, tmp_path):
    from reporter.services.reports import report_data

    data, _ = report_data(store, reported, 1, partner="LP", template_id="lt-culture-council", lang="lv", today=DAY)
    assert dict(data.header)["Valoda"].startswith("latviešu, lasīšanai: šī finansētāja veidlapa ir lt, en valodā")


def test_report__the_interreg_list_adds_the_columns_its_costs_fill(store, reported, tmp_path):
    from reporter.services.reports import report_data

    add_expenditure(store, "LLI-501", {"partner": "LP", "line": "STAFF", "date": "2024-05-31", "document": "DU-05",
                                       "supplier": "Rūta Jankauskienė", "gross": "100.00", "paid": "2024-05-31",
                                       "attachments": "LP/2024-05/du-05.pdf", "notes": "Pusė etato"})
    data, _ = report_data(store, reported, 1, partner="LP", lang="lt", today=DAY)
    listing = next(t for t in data.tables if t.key == "expenditure")
    keys = [c.key for c in listing.columns]
    assert "attachments" in keys and "comment" in keys
    assert "activity" not in keys and "units" not in keys and "procurement" not in keys
    row = next(r for r in listing.rows if "DU-05" in r.cells)
    assert row.cells[keys.index("attachments")] == "du-05.pdf" and row.cells[keys.index("comment")] == "Pusė etato"


def test_report__the_interreg_list_names_each_costs_procurement_or_contract_in_the_pdf_and_the_workbook(
        store, reported, tmp_path):
    for document, gross, reference in (("PVM SF TOP Nr. 0012345", "1452.00", "VP-2024/07"),
                                       ("PVM SF 3DT Nr. 00211", "1331.00", "Sutartis Nr. 2024-15"),
                                       ("PVM SF KN Nr. 5", "60.50", "")):
        add_expenditure(store, reported, {"partner": "LP", "line": "EQUIPMENT", "date": "2024-05-14",
                                          "document": document, "supplier": "UAB „Topo centras“", "gross": gross,
                                          "vat": "0", "paid": "2024-05-20", "procurement_ref": reference})
    data, _ = report_data(store, reported, 1, partner="LP", lang="lt", today=DAY)
    listing = next(t for t in data.tables if t.key == "expenditure")
    keys = [c.key for c in listing.columns]
    assert keys[keys.index("supplier") + 1] == "procurement"
    assert listing.columns[keys.index("procurement")].label == "Pirkimo ar sutarties Nr."
    equipment = [r for r in listing.rows if r.cells[keys.index("supplier")] == "UAB „Topo centras“"]
    assert [r.cells[keys.index("procurement")] for r in equipment] == ["VP-2024/07", "Sutartis Nr. 2024-15", ""]
    others, _ = report_data(store, reported, 1, partner="PP2", lang="lt", today=DAY)  # none of its costs gives one
    assert "procurement" not in [c.key for c in next(t for t in others.tables if t.key == "expenditure").columns]

    pdf, xlsx = write_report(store, reported, 1, tmp_path, partner="LP", lang="lt", today=DAY)
    text = pdf_text(pdf.path)
    lines = text.splitlines()  # a cell too long for its column wraps onto the row's next line
    assert any("UAB „Topo VP-2024/07 2024-05-20 1 452,00" in line for line in lines)
    assert any("UAB „Topo Sutartis Nr. 2024-05-20 1 331,00" in line for line in lines) and "centras“ 2024-15" in text
    assert "Pirkimo ar" in text and "sutarties" in text  # the heading, wrapped in its column
    book = openpyxl.load_workbook(xlsx.path)
    sheet = book[book.sheetnames[-1]]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    heading = next(row for row in rows if "Pirkimo ar sutarties Nr." in row)
    column = heading.index("Pirkimo ar sutarties Nr.")
    assert heading[column - 1] == "Tiekėjas"
    assert [(row[column - 1], row[column]) for row in rows if row[column] in ("VP-2024/07", "Sutartis Nr. 2024-15")
            ] == [("UAB „Topo centras“", "VP-2024/07"), ("UAB „Topo centras“", "Sutartis Nr. 2024-15")]


COUNCIL_DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo" / "culture-council.toml"
COUNCIL_COSTS = [
    {"line": "FEES", "date": "2024-08-26", "document": "Atliktų darbų aktas Nr. AS-24/007",
     "supplier": "Paulius Stankevičius", "gross": "306.75", "person_document": "Autorinė sutartis Nr. AS-24/007"},
    {"line": "TRAVEL", "date": "2024-08-27", "document": "Avansinė apyskaita Nr. AA-007", "supplier": "Vaiva Rimkutė",
     "gross": "71.27", "travel_route": "Vilnius–Molėtai–Vilnius", "travel_from": "2024-08-23",
     "travel_to": "2024-08-24", "travellers": "Vaiva Rimkutė"},
    {"line": "SERVICES", "date": "2024-08-29", "document": "PVM SF GB Nr. 02969", "supplier": "UAB „Garso bangos“",
     "gross": "1288.00", "vat": "223.54"},
]


@pytest.fixture
def council(store):
    """The demo's Culture Council project with a fee under an author's contract, a guest's trip and a service."""
    code = load_project_file(store, COUNCIL_DEMO).code
    for cost in COUNCIL_COSTS:
        add_expenditure(store, code, {"partner": "MRSVB", "paid": cost["date"], **cost})
    return code


def test_report__the_councils_documents_give_the_persons_contract_and_the_trips_route_dates_and_persons(
        store, council, tmp_path):
    data, _ = report_data(store, council, 1, lang="lt", today=DAY)
    documents = next(t for t in data.tables if t.key == "documents")
    keys = [c.key for c in documents.columns]
    assert keys == ["no", "date", "document", "type", "supplier", "person_document", "item", "travel_route",
                    "travel_from", "travel_to", "travellers", "amount"]
    fee, trip, service = (dict(zip(keys, row.cells)) for row in documents.rows)
    assert (fee["person_document"], fee["type"], fee["travel_route"]) == (
        "Autorinė sutartis Nr. AS-24/007", "Perdavimo ir priėmimo aktas", "")
    assert (trip["travel_route"], trip["travel_from"], trip["travel_to"], trip["travellers"], trip["amount"]) == (
        "Vilnius–Molėtai–Vilnius", date(2024, 8, 23), date(2024, 8, 24), "Vaiva Rimkutė", Decimal("71.27"))
    assert (service["person_document"], service["travel_from"], service["travellers"]) == ("", None, "")
    assert [c.label for c in documents.columns][5:11] == [
        "Individualios veiklos pažymos, verslo liudijimo ar autorinės sutarties Nr.", "Sąmatos straipsnis",
        "Maršrutas", "Kelionės pradžia", "Kelionės pabaiga", "Keliavę asmenys"]

    files = {(f.format, lang): f.path for lang in ("lt", "en", "lv")
             for f in write_report(store, council, 1, tmp_path / lang, lang=lang, today=DAY)}
    lt, lv = pdf_text(files["pdf", "lt"]), pdf_text(files["pdf", "lv"])
    for expected in ("Paulius Stankevičius Autorinė Autorinis", "AS-24/007 AS-24/007",  # the act's, the contract's
                     "Kelionės Vilnius–Molėtai–Vilnius 2024-08-23 2024-08-24 Vaiva Rimkutė 71,27", "Maršrutas",
                     "Keliavę"):
        assert expected in lt, expected
    assert "Maršruts" in lv and "23.08.2024." in lv and "Personas" in lv
    sheet = openpyxl.load_workbook(files["xlsx", "en"])["Supporting documents"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "No.")
    assert header[5:11] == ["Certificate, licence or author's contract No.", "Estimate item", "Route", "Trip from",
                            "Trip to", "Persons travelling"]
    trip_row = next(r for r in rows if r[2] == "Avansinė apyskaita Nr. AA-007")
    assert trip_row[7:11] == ["Vilnius–Molėtai–Vilnius", datetime(2024, 8, 23), datetime(2024, 8, 24),
                              "Vaiva Rimkutė"]


def test_report__a_trip_lacking_its_persons_is_a_warning_in_the_councils_report_in_its_language(
        store, council, tmp_path):
    add_expenditure(store, council, {"partner": "MRSVB", "line": "TRAVEL", "date": "2024-08-28", "paid": "2024-08-28",
                                     "document": "PVM SF CKL Nr. 0000123", "supplier": "Circle K Lietuva, UAB",
                                     "gross": "81.51", "vat": "14.15", "travel_route": "Molėtai–Vilnius–Molėtai",
                                     "travel_from": "2024-08-23"})
    data, _ = report_data(store, council, 1, lang="lt", today=DAY)
    [warning] = [f for f in data.findings if f.rule == "Išlaidų duomenys"]
    assert (warning.severity, warning.records) == ("warning", "#4")
    assert warning.message.startswith("Partnerio MRSVB išlaidų įrašuose (1) eilutėje Kelionės trūksta dalies to, ko "
                                      "finansuotojas prašo apie kelionę")
    [pdf] = write_report(store, council, 1, tmp_path, lang="lv", formats=["pdf"], today=DAY)
    assert "Izmaksu dati" in pdf_text(pdf.path)


def test_report__documents_without_such_details_keep_their_usual_columns_and_the_interreg_list_none(
        store, reported):
    for template in ("lt-culture-council", "lt-ministry-of-culture"):
        data, _ = report_data(store, reported, 1, partner="LP", template_id=template, lang="en", today=DAY)
        documents = next(t for t in data.tables if t.key == "documents")
        assert [c.key for c in documents.columns] == ["no", "date", "document", "type", "supplier", "item", "amount"]
    add_expenditure(store, reported, {"partner": "LP", "line": "TRAVEL", "date": "2024-05-06", "document": "AA-9",
                                      "supplier": "Rūta Jankauskienė", "gross": "40.00", "paid": "2024-05-06",
                                      "travel_route": "Šiauliai–Rīga–Šiauliai", "travel_from": "2024-05-02"})
    data, _ = report_data(store, reported, 1, partner="LP", template_id="lt-ministry-of-culture", lang="en", today=DAY)
    documents = next(t for t in data.tables if t.key == "documents")
    assert [c.key for c in documents.columns] == ["no", "date", "document", "type", "supplier", "item", "travel_route",
                                                  "travel_from", "travel_to", "amount"]  # nobody gave persons
    data, _ = report_data(store, reported, 1, partner="LP", lang="en", today=DAY)  # the Interreg form asks for none
    assert not any("travel_route" in [c.key for c in t.columns] for t in data.tables)


def test_template__document_columns_are_some_of_those_the_documents_list_knows(tmp_path):
    from reporter.templates import load_template

    text = (COUNCIL_DEMO.parent.parent.parent / "templates" / "lt-culture-council.toml").read_text(encoding="utf-8")
    assert load_template("lt-culture-council").report.document_columns == ("person_document", "travel")
    (tmp_path / "lt-culture-council.toml").write_text(
        text.replace('document_columns = ["person_document", "travel"]', 'document_columns = ["route"]'),
        encoding="utf-8")
    with pytest.raises(UserError, match="report.document_columns: must be a list of columns from person_document, "
                                        "travel"):
        load_template("lt-culture-council", tmp_path)


def test_report__a_period_without_documents_in_other_currencies_has_no_exchange_rate_table(store, reported):
    data, _ = report_data(store, reported, 1, partner="LP", template_id="lt-ministry-of-culture", lang="lt",
                          today=DAY)
    assert [t.key for t in data.tables] == ["estimate", "documents"]
    add_expenditure(store, "LLI-501", {"partner": "LP", "line": "TRAVEL", "date": "2024-05-06", "document": "INV-7",
                                       "supplier": "Hotel Oslo", "gross": "1000.00", "currency": "NOK",
                                       "rate": "11.5", "paid": "2024-05-06"})
    data, _ = report_data(store, reported, 1, partner="LP", template_id="lt-ministry-of-culture", lang="lt",
                          today=DAY)
    [rates] = [t for t in data.tables if t.key == "rates"]
    assert rates.rows[0].cells[:3] == ("2024-05", "NOK", Decimal("11.5"))
