"""Importing expenditure from the files accounting programs really write, and refusing broken ones whole."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import SMALL_PROJECT, row_counts
from reporter.domain.errors import UserError, ValidationError
from reporter.importers.layout import row_ranges
from reporter.importers.mapping import ImportMapping
from reporter.importers.table import read_table
from reporter.services.expenditures import list_expenditures
from reporter.services.imports import import_file, preview_file
from reporter.services.projects import load_project_file
from reporter.store import Store
from reporter.store.expenditures import ExpenditureQuery

HEADER = ["Data", "Dok. Nr.", "Tiekėjas", "Aprašymas", "Suma", "PVM", "Buh. Nr."]
MAPPING = ImportMapping(columns={"date": "Data", "document": "Dok. Nr.", "supplier": "Tiekėjas",
                                 "description": "Aprašymas", "gross": "Suma", "vat": "PVM",
                                 "accounting_ref": "Buh. Nr."},
                        constants={"partner": "LP", "line": "STAFF"})
ALL = ExpenditureQuery(limit=10_000)


def csv_text(rows: list[list[str]], sep: str = ";", title: bool = True, totals: str | None = "Iš viso:") -> str:
    def line(cells: list[str]) -> str:
        return sep.join(f'"{c}"' if sep in c or '"' in c else c for c in cells)

    lines = ["Šiaulių apskrities Povilo Višinskio viešoji biblioteka", "Išlaidų žurnalas, 2024 m. I pusmetis", ""] \
        if title else []
    lines += [line(HEADER), *(line(r) for r in rows)]
    if totals:
        lines.append(line(["", "", "", totals, "", "", ""]))
    return "\r\n".join(lines) + "\r\n"


ROWS = [
    ["2024-03-05", "SF-0117", "UAB „Knygų namai“", "Knygos vaikų skyriui", "1 210,00", "210,00", "BU-0001"],
    ["05.04.2024", "SF 0200", "UAB Kanceliarija", "Popierius; rašikliai", "121,00", "21,00", "BU-0002"],
    ["2024.05.06 00:00", "KR-3", "UAB Kanceliarija", "Kreditinė sąskaita", "-12,10", "-2,10", "BU-0003"],
]


def imported(store: Store, code: str) -> list[tuple]:
    return [(e.document_date.isoformat(), e.document_no, e.supplier, e.description, e.gross, e.vat,
             e.accounting_ref) for e in list_expenditures(store, code, ALL).rows]


EXPECTED = [
    ("2024-03-05", "SF-0117", "UAB „Knygų namai“", "Knygos vaikų skyriui", Decimal("1210.00"), Decimal("210.00"),
     "BU-0001"),
    ("2024-04-05", "SF 0200", "UAB Kanceliarija", "Popierius; rašikliai", Decimal("121.00"), Decimal("21.00"),
     "BU-0002"),
    ("2024-05-06", "KR-3", "UAB Kanceliarija", "Kreditinė sąskaita", Decimal("-12.10"), Decimal("-2.10"), "BU-0003"),
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "windows-1257"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_import__csv_in_each_encoding_and_separator_with_title_and_totals_rows(store, project, tmp_path, encoding,
                                                                               sep):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_text(ROWS, sep).encode(encoding))
    result = import_file(store, project, path, MAPPING)
    assert (result.rows, result.imported, result.problems) == (3, 3, [])
    assert [s.reason for s in result.skipped] == ["title", "title", "blank", "totals"]
    assert result.header_row == 4 and result.delimiter == sep
    assert imported(store, project) == EXPECTED


def test_import__windows_1257_is_read_as_baltic_not_central_european(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("Tiekėjas;Suma\nKnygų ūkis;1,00\nGrāmatu nams;2,00\n".encode("windows-1257"))
    table = read_table(path)
    assert table.encoding == "windows-1257"
    assert [r[0] for r in table.rows] == ["Tiekėjas", "Knygų ūkis", "Grāmatu nams"]


def test_import__a_given_encoding_wins_and_a_wrong_one_says_where_it_fails(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("Tiekėjas;Suma\n".encode("windows-1257"))
    with pytest.raises(UserError, match=r"cannot be read as utf-8 \(at byte 5\)"):
        read_table(path, encoding="utf-8")
    with pytest.raises(UserError, match="'klingon' is not an encoding"):
        read_table(path, encoding="klingon")


def test_import__number_and_date_styles_of_exports(store, project, tmp_path):
    rows = [["2024-03-05", "A-1", "UAB A", "", "1.234,56", "", ""],
            ["05.03.2024", "A-2", "UAB A", "", "1 234,56", "", ""],
            ["2024.03.05", "A-3", "UAB A", "", "1\u00a0234,56", "", ""],
            ["2024.03.05 00:00", "A-4", "UAB A", "", "1,234.56", "", ""],
            ["2024-03-05", "A-5", "UAB A", "", "(1 234,56)", "", ""],
            ["2024-03-05", "A-6", "UAB A", "", "1234,56-", "", ""],
            ["2024-03-05", "A-7", "UAB A", "", "1234.56 €", "", ""]]
    path = tmp_path / "styles.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    result = import_file(store, project, path, MAPPING)
    assert result.problems == []
    assert [e[4] for e in imported(store, project)] == [Decimal("1234.56")] * 4 + [Decimal("-1234.56")] * 2 + [
        Decimal("1234.56")]
    assert {e[0] for e in imported(store, project)} == {"2024-03-05"}


def test_import__slash_dates_only_when_the_file_tells_which_part_is_the_day(store, project, tmp_path):
    path = tmp_path / "us.csv"
    path.write_text(csv_text([["03/05/2024", "B-1", "UAB B", "", "10,00", "", ""],
                              ["03/25/2024", "B-2", "UAB B", "", "10,00", "", ""]]), encoding="utf-8")
    import_file(store, project, path, MAPPING)
    assert [e[0] for e in imported(store, project)] == ["2024-03-05", "2024-03-25"]  # 25 can only be a day: MDY

    unclear = tmp_path / "unclear.csv"
    unclear.write_text(csv_text([["03/05/2024", "C-1", "UAB C", "", "10,00", "", ""]]), encoding="utf-8")
    result = import_file(store, project, unclear, MAPPING)
    assert result.refused
    assert result.problem_lines() == ['row 5, column "Data": \'03/05/2024\' could be day/month or month/day, and no '
                                      "date in the file tells which: give the date order (DMY or MDY)"]
    result = import_file(store, project, unclear, ImportMapping(**{**MAPPING.__dict__, "date_order": "DMY"}))
    assert result.imported == 1 and imported(store, project)[-1][0] == "2024-05-03"


def test_import__every_problem_names_its_row_and_column_and_nothing_is_written(store, project, tmp_path):
    rows = [ROWS[0], ["2024-03-06", "X-1", "UAB X", "", "1,234", "", ""],
            ["2024-02-30", "X-2", "UAB X", "", "10,00", "", ""],
            ["2024-03-07", "X-3", "UAB X", "", "abc", "", ""],
            ["2024-03-08", "X-4", "UAB X", "", "10,00", "20,00", ""],
            ["2024-03-09", "X-5", "", "", "10,00", "", ""]]
    path = tmp_path / "bad.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    before = row_counts(store)
    result = import_file(store, project, path, MAPPING)
    assert result.refused and result.imported == 0 and row_counts(store) == before
    assert result.problem_lines() == [
        'row 6, column "Suma": \'1,234\' is ambiguous (1234 or 1.234?): write 1234.00 for the first, or give at '
        "most two decimals",
        "row 7, column \"Data\": '2024-02-30' is not a date (write 2018-03-05, 05.03.2018 or 2018.03.05)",
        "row 8, column \"Suma\": 'abc' is not an amount (use digits with '.' or ',' for cents, e.g. 1234.56)",
        'row 9, column "PVM": 20.00 must have the sign of the gross amount 10.00 and not exceed it',
        'row 10, column "Tiekėjas": is required',
    ]
    valid = import_file(store, project, path, MAPPING, mode="valid")
    assert (valid.imported, valid.bad_rows) == (1, [6, 7, 8, 9, 10])
    assert imported(store, project) == EXPECTED[:1]


def test_import__a_row_with_another_field_count_is_refused_not_shifted(store, project, tmp_path):
    path = tmp_path / "shifted.csv"
    text = csv_text(ROWS, totals=None).replace('"Popierius; rašikliai"', "Popierius; rašikliai")
    path.write_text(text[:-30], encoding="utf-8")  # also cut short, as a truncated download is
    result = import_file(store, project, path, MAPPING)
    assert result.refused
    assert result.problem_lines() == [
        "row 6: 8 fields, but the header has 7: a separator inside an unquoted field, or a cut line?",
        "row 7: 4 fields, but the header has 7: a separator inside an unquoted field, or a cut line?"]


def test_import__the_rules_of_a_typed_entry_hold_for_every_row(store, project, tmp_path):
    rows = [["2023-12-31", "Y-1", "UAB Y", "", "10,00", "", ""]]
    path = tmp_path / "early.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    mapping = ImportMapping(**{**MAPPING.__dict__, "constants": {"partner": "LP", "line": "NOPE"}})
    result = import_file(store, project, path, mapping)
    assert [line.split(": ", 1)[0] for line in result.problem_lines()] == ["row 5, line", 'row 5, column "Data"']
    assert "unknown budget line 'NOPE' in LLI-501" in result.problem_lines()[0]
    assert "2023-12-31 is outside the project" in result.problem_lines()[1]


def test_import__a_constant_that_is_wrong_is_said_once_for_all_its_rows(store, project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    result = import_file(store, project, path, ImportMapping(**{**MAPPING.__dict__,
                                                                "constants": {"partner": "XX", "line": "STAFF"}}))
    assert result.problem_lines() == ["rows 5–7, partner: unknown partner 'XX' in LLI-501 (known: LP, PP2)"]


def test_import__net_and_vat_give_the_gross_and_values_map_to_codes(store, project, tmp_path):
    path = tmp_path / "net.csv"
    path.write_text("Data;Dok;Tiekėjas;Be PVM;PVM;Sąskaita;Šaltinis\n"
                    "2024-03-05;N-1;UAB N;100,00;21,00;6110;SB\n"
                    "2024-03-06;N-2;UAB N;50,00;0,00;6310;ES\n", encoding="utf-8")
    mapping = ImportMapping(columns={"date": "Data", "document": "Dok", "supplier": "Tiekėjas", "net": "Be PVM",
                                     "vat": "PVM", "line": "Sąskaita", "paid_by": "Šaltinis"},
                            constants={"partner": "LP"},
                            values={"line": {"6110": "STAFF", "6310": "TRAVEL"}, "paid_by": {"SB": "MUN",
                                                                                             "ES": "ERDF"}})
    result = import_file(store, project, path, mapping)
    assert result.problems == []
    rows = list_expenditures(store, project, ALL).rows
    assert [(e.gross, e.vat, e.budget_line, e.payers[0].funder) for e in rows] == [
        (Decimal("121.00"), Decimal("21.00"), "STAFF", "MUN"), (Decimal("50.00"), Decimal("0.00"), "TRAVEL", "ERDF")]


def test_import__the_same_file_twice_adds_nothing_and_duplicates_are_found_however_typed(store, project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    assert import_file(store, project, path, MAPPING).imported == 3
    before = row_counts(store)
    again = import_file(store, project, path, MAPPING)
    assert (again.imported, row_counts(store)) == (0, before)
    assert [(d.row, d.number, d.reason) for d in again.duplicates] == [(5, 1, "document"), (6, 2, "document"),
                                                                       (7, 3, "document")]
    retyped = tmp_path / "retyped.csv"
    retyped.write_text(csv_text([["2024-03-05", "sf 0117", "UAB Knygų namai", "", "1210,00", "210,00", ""],
                                 ["2024-04-05", "SF-0200-A", "uab kanceliarija", "", "121,00", "21,00", ""]]),
                       encoding="utf-8")
    result = import_file(store, project, retyped, MAPPING)
    assert [(d.row, d.number, d.reason) for d in result.duplicates] == [(5, 1, "document"), (6, 2, "entry")]
    kept = import_file(store, project, retyped, MAPPING, keep_duplicates=True)
    assert kept.imported == 2


def test_import__dry_run_checks_everything_and_writes_nothing(store, project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    before = row_counts(store)
    result = import_file(store, project, path, MAPPING, dry_run=True)
    assert (result.valid, result.imported, row_counts(store)) == (3, 0, before)


def test_import__every_row_is_in_the_audit_log(store, project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    import_file(store, project, path, MAPPING)
    entries = store.audit_entries("expenditures")
    assert [e["new_values"]["document_no"] for e in entries] == ["SF-0117", "SF 0200", "KR-3"]
    assert all(e["action"] == "insert" for e in entries)


def test_import__a_mapping_naming_an_unknown_column_or_field_is_refused(store, project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    with pytest.raises(UserError, match="no row names every mapped column"):
        import_file(store, project, path, ImportMapping(columns={**MAPPING.columns, "date": "Datum"},
                                                        constants=MAPPING.constants))
    with pytest.raises(ValidationError, match="'colour' is not a field to import into"):
        import_file(store, project, path, ImportMapping(columns={"colour": "Data"}))
    with pytest.raises(ValidationError, match="partner: is needed"):
        import_file(store, project, path, ImportMapping(columns=MAPPING.columns, constants={"line": "STAFF"}))


# Workbooks


def workbook(path: Path, formulas: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Santrauka"
    sheet.append(["Ši lapo dalis – tik santrauka"])
    data = book.create_sheet("Išlaidos")
    data["A1"] = "Šiaulių apskrities Povilo Višinskio viešoji biblioteka, 2024 m. išlaidos"
    data.merge_cells("A1:G1")
    data.append([])
    data.append(HEADER)
    data.append([date(2024, 3, 5), "SF-0117", "UAB „Knygų namai“", "Knygos vaikų skyriui",
                 "=1000+210" if formulas else 1210, 210, "BU-0001"])
    data.append([datetime(2024, 4, 5), "SF 0200", "UAB Kanceliarija", "Popierius; rašikliai", 121.0, 21, "BU-0002"])
    data.append([date(2024, 5, 6), "KR-3", "UAB Kanceliarija", "Kreditinė sąskaita", -12.1, -2.1, "BU-0003"])
    data.append(["Iš viso:", None, None, None, "=SUM(E4:E6)", "=SUM(F4:F6)", None])
    book.save(path)
    return path


def test_import__xlsx_sheet_chosen_header_below_a_merged_title_and_real_date_cells(store, project, tmp_path):
    path = workbook(tmp_path / "export.xlsx")
    preview = preview_file(path, ImportMapping(sheet="Išlaidos"))
    assert preview.table.sheets == ("Santrauka", "Išlaidos") and preview.layout.header_row == 3
    assert preview.suggested["gross"] == "Suma" and preview.suggested["document"] == "Dok. Nr."
    result = import_file(store, project, path, ImportMapping(**{**MAPPING.__dict__, "sheet": "Išlaidos"}))
    assert (result.imported, result.problems, [s.reason for s in result.skipped]) == (
        3, [], ["title", "blank", "totals"])
    assert imported(store, project) == EXPECTED


def test_import__trips_and_payments_to_persons_with_their_details_from_real_date_cells(store, project, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Data", "Dok. Nr.", "Tiekėjas", "Suma", "IVP Nr.", "Maršrutas", "Išvykimo data", "Grįžimo data",
                  "Asmenys"])
    sheet.append([date(2024, 3, 8), "AA-001", "Rūta Jankauskienė", 84.5, None, "Šiauliai–Vilnius–Šiauliai",
                  date(2024, 3, 4), datetime(2024, 3, 6), "Rūta Jankauskienė, Jonas Petraitis"])
    sheet.append([date(2024, 3, 9), "AA-002", "UAB Autobusai", 40, None, "Šiauliai–Rīga", "2024-03-07", None, 3])
    sheet.append([date(2024, 3, 11), "SF IV-12", "Vaiva Rimkutė", 350, "IVP Nr. 1234567", None, None, None, None])
    path = tmp_path / "keliones.xlsx"
    book.save(path)
    preview = preview_file(path)
    assert {key: preview.suggested.get(key) for key in ("person_document", "travel_route", "travel_from",
                                                        "travel_to", "travellers")} == {
        "person_document": "IVP Nr.", "travel_route": "Maršrutas", "travel_from": "Išvykimo data",
        "travel_to": "Grįžimo data", "travellers": "Asmenys"}
    result = import_file(store, project, path, ImportMapping(columns=preview.suggested,
                                                             constants={"partner": "LP", "line": "TRAVEL"}))
    assert (result.imported, result.problems) == (3, [])
    assert [(e.travel_route, e.travel_from, e.travel_to, e.travellers, e.person_document)
            for e in list_expenditures(store, project, ALL).rows] == [
        ("Šiauliai–Vilnius–Šiauliai", date(2024, 3, 4), date(2024, 3, 6), "Rūta Jankauskienė, Jonas Petraitis", ""),
        ("Šiauliai–Rīga", date(2024, 3, 7), date(2024, 3, 7), "3", ""),
        ("", None, None, "", "IVP Nr. 1234567")]


def test_import__a_trip_ending_before_it_starts_is_named_by_its_row_and_column_and_nothing_is_written(
        store, project, tmp_path):
    path = tmp_path / "keliones.csv"
    path.write_text("Data;Dok. Nr.;Tiekėjas;Suma;Nuo;Iki\n2024-03-08;AA-001;UAB Autobusai;40,00;2024-03-06;"
                    "2024-03-04\n", encoding="utf-8")
    before = row_counts(store)
    result = import_file(store, project, path, ImportMapping(
        columns={"date": "Data", "document": "Dok. Nr.", "supplier": "Tiekėjas", "gross": "Suma",
                 "travel_from": "Nuo", "travel_to": "Iki"}, constants={"partner": "LP", "line": "TRAVEL"}))
    assert result.imported == 0 and row_counts(store) == before
    assert [line for line in result.problem_lines()] == [
        'row 2, column "Iki": the trip ends (2024-03-04) before it starts (2024-03-06)']


@pytest.mark.parametrize("header", ["Pirkimo nr.", "Iepirkuma Nr.", "Procurement ref.", "Sutarties Nr."])
def test_import__the_procurement_or_contract_reference_under_its_usual_headers(store, project, tmp_path, header):
    path = tmp_path / "pirkimai.csv"
    path.write_text(f"Data;Dok. Nr.;Tiekėjas;Suma;{header}\n2024-03-08;PVM SF TOP Nr. 0012345;UAB „Topo centras“;"
                    "1 452,00;VP-2024/07\n2024-03-09;SF-2;UAB Kanceliarija;12,10;\n", encoding="utf-8")
    preview = preview_file(path)
    assert preview.suggested.get("procurement_ref") == header
    result = import_file(store, project, path, ImportMapping(columns=preview.suggested,
                                                             constants={"partner": "LP", "line": "STAFF"}))
    assert (result.imported, result.problems) == (2, [])
    assert [(e.document_no, e.procurement_ref) for e in list_expenditures(store, project, ALL).rows] == [
        ("PVM SF TOP Nr. 0012345", "VP-2024/07"), ("SF-2", "")]


def test_import__a_procurement_reference_too_long_is_named_by_its_row_and_column_and_nothing_is_written(
        store, project, tmp_path):
    path = tmp_path / "pirkimai.csv"
    path.write_text("Data;Dok. Nr.;Tiekėjas;Suma;Pirkimo nr.\n2024-03-08;SF-1;UAB Knyga;10,00;VP-2024/07\n"
                    f"2024-03-09;SF-2;UAB Knyga;12,10;VP-{'7' * 98}\n", encoding="utf-8")
    before = row_counts(store)
    result = import_file(store, project, path, ImportMapping(
        columns={"date": "Data", "document": "Dok. Nr.", "supplier": "Tiekėjas", "gross": "Suma",
                 "procurement_ref": "Pirkimo nr."}, constants={"partner": "LP", "line": "STAFF"}))
    assert result.imported == 0 and row_counts(store) == before
    assert result.problem_lines() == ['row 3, column "Pirkimo nr.": is 101 characters long; at most 100 fit']


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    """The workbook saved by LibreOffice as XLS and ODS, and as XLSX with its formulas' values cached."""
    from libreoffice import soffice_command
    import subprocess

    soffice = soffice_command()
    folder = tmp_path_factory.mktemp("converted")
    source = workbook(folder / "export.xlsx", formulas=True)
    profile = folder / "profile"
    found = {}
    for fmt, filter_name in (("xls", "xls:MS Excel 97"), ("ods", "ods"), ("xlsx", "xlsx:Calc MS Excel 2007 XML")):
        out = folder / fmt
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", filter_name, "--outdir", str(out), str(source)],
                       capture_output=True, timeout=300, check=True)
        found[fmt] = out / f"export.{fmt}"
    return found


@pytest.mark.parametrize("fmt", ["xls", "ods", "xlsx"])
def test_import__xls_ods_and_formulas_read_as_their_cached_values(store, project, converted, fmt):
    result = import_file(store, project, converted[fmt], ImportMapping(**{**MAPPING.__dict__, "sheet": "Išlaidos"}))
    assert (result.imported, result.problems) == (3, [])
    assert imported(store, project) == EXPECTED


# Broken files: refused whole, the database byte for byte as it was


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "db.sqlite3"
    project_file = tmp_path / "project.toml"
    project_file.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(path)
    load_project_file(store, project_file)
    store.close()
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(database: Path, file: Path, mapping: ImportMapping = MAPPING, **options) -> str:
    before = digest(database)
    store = Store.open(database)
    try:
        try:
            result = import_file(store, "LLI-501", file, mapping, **options)
            assert result.refused, result
            message = "\n".join(result.problem_lines())
        except UserError as error:
            message = str(error)
    finally:
        store.close()
    assert digest(database) == before
    return message


def test_import__broken_files_are_refused_and_the_database_stays_byte_identical(database, tmp_path):
    png = tmp_path / "photo.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert "not a text file" in refused(database, png)
    fake = tmp_path / "export.xlsx"
    fake.write_text("Data;Suma\n2024-01-01;1,00\n", encoding="utf-8")
    assert "not a readable XLSX workbook (not a ZIP archive)" in refused(database, fake)
    broken_zip = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert "not a readable XLSX workbook" in refused(database, broken_zip)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "the file is empty" in refused(database, empty)
    types = tmp_path / "types.csv"
    types.write_text(csv_text([["kovo 5", "Z-1", "UAB Z", "", "penki", "", ""]]), encoding="utf-8")
    assert "'kovo 5' is not a date" in refused(database, types)
    assert "'penki' is not an amount" in refused(database, types)


def test_import__ten_thousand_rows_with_three_bad_ones(database, tmp_path):
    rows = [[f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", f"SF-{i:05d}", f"UAB Tiekėjas {i % 97}", f"Prekės {i}",
             f"{1 + i % 900},{i % 100:02d}", "", f"BU-{i}"] for i in range(10_000)]
    rows[17][4] = "1,234"
    rows[4242][0] = "2024-13-01"
    rows[9998][2] = ""
    path = tmp_path / "big.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    message = refused(database, path)
    assert message.splitlines() == [
        'row 22, column "Suma": \'1,234\' is ambiguous (1234 or 1.234?): write 1234.00 for the first, or give at '
        "most two decimals",
        "row 4247, column \"Data\": '2024-13-01' is not a date (write 2018-03-05, 05.03.2018 or 2018.03.05)",
        'row 10003, column "Tiekėjas": is required']
    store = Store.open(database)
    try:
        result = import_file(store, "LLI-501", path, MAPPING, mode="valid")
        assert (result.imported, result.bad_rows) == (9_997, [22, 4247, 10003])
        numbers = {e.document_no for e in list_expenditures(store, "LLI-501", ALL).rows}
        assert numbers == {f"SF-{i:05d}" for i in range(10_000)} - {"SF-00017", "SF-04242", "SF-09998"}
    finally:
        store.close()


def test_import__a_cancelled_import_leaves_nothing(store, project, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    before = row_counts(store)
    with pytest.raises(UserError, match="cancelled"):
        import_file(store, project, path, MAPPING, cancelled=lambda: True)
    assert row_counts(store) == before
    calls = []

    def cancel_while_writing() -> bool:
        calls.append(1)
        return len(calls) > 1  # not while checking; at the first chunk written

    with pytest.raises(UserError, match="cancelled"):
        import_file(store, project, path, MAPPING, cancelled=cancel_while_writing)
    assert row_counts(store) == before


def test_row_ranges__consecutive_rows_read_as_a_range():
    assert row_ranges([9, 3, 4, 5, 12, 13]) == "3–5, 9, 12–13"
