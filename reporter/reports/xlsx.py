"""The workbook of a funder report: one summary sheet, then one sheet per table.

An auditor opens it to trace every number, a coordinator pastes from it into
the funder's portal. So:

- values stay typed: amounts are numbers with a number format, dates are dates;
- every subtotal and total is a formula (SUBTOTAL/SUM) over the cells it adds;
  these are the only formulas in the file;
- text is always stored as text: a supplier called "=HYPERLINK(...)", "+370 ..."
  or "@SUM(A1)" stays that literal string (forced string type, and Excel's
  quote prefix so that editing the cell keeps it text too);
- the same data set gives a byte-identical file: fixed document times and fixed
  zip entry times.
"""

from __future__ import annotations

import math

import os
import re
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from reporter.reports.model import (
    DATE,
    GROUP,
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    SUBTOTAL,
    Column,
    ReportData,
    Table,
    Value,
)

# The data set carries no date of its own, so the document properties and the
# zip entries get this fixed time: the same data set gives the same bytes.
DOCUMENT_TIME = datetime(2000, 1, 1, 0, 0, 0)

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = '0.00" %"'  # the values are percent numbers: 85.5 means 85.5 %
NUMBER_FORMAT = "#,##0.####"  # used when a value's own decimals are not known
INTEGER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
FORMATS = {MONEY: MONEY_FORMAT, PERCENT: PERCENT_FORMAT, NUMBER: NUMBER_FORMAT, INTEGER: INTEGER_FORMAT,
           DATE: DATE_FORMAT}

TITLE_ROW, HEADER_ROW, FIRST_BODY_ROW = 1, 2, 3
MAX_SHEET_NAME = 31
MAX_COLUMN_WIDTH = 60  # characters; longer text wraps
MIN_COLUMN_WIDTH = 6
WIDTH_PER_UNIT = 10  # characters per unit of Column.width

# Characters that make a spreadsheet treat typed text as a formula or a command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=14)
_SUBTITLE_FONT = Font(size=12)
_NOTE_FONT = Font(italic=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_SUBTOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_SEVERITY_FILLS = {"error": PatternFill("solid", fgColor="F8CBAD"), "warning": PatternFill("solid", fgColor="FFE699")}
_THIN = Side(style="thin")
_HEADER_BORDER = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
_SUBTOTAL_BORDER = Border(top=_THIN)
_TOTAL_BORDER = Border(top=_THIN, bottom=Side(style="double"))
_FILL_IN_BORDER = Border(bottom=_THIN)
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def render_xlsx(data: ReportData, path: Path) -> None:
    """Write the report as an .xlsx workbook at `path` (replaced whole, never half-written)."""
    workbook = Workbook()
    summary = workbook.active
    names: set[str] = set()
    summary.title = _sheet_name(data.labels.get("summary_sheet", ""), "Report", names)
    _write_summary(summary, data)
    for table in data.tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, table.key, names))
        _write_table(sheet, table, data)

    props = workbook.properties
    props.title = data.title
    props.subject = data.subtitle
    props.creator = data.author
    props.lastModifiedBy = data.author
    props.language = data.lang
    props.keywords = data.template
    props.created = DOCUMENT_TIME
    props.modified = DOCUMENT_TIME
    _save_deterministic(workbook, Path(path))


# --- the summary sheet ------------------------------------------------------------------------------------------


def _write_summary(sheet: Worksheet, data: ReportData) -> None:
    row = 1
    _put(sheet, row, 1, data.title).font = _TITLE_FONT
    row += 1
    if data.subtitle:
        _put(sheet, row, 1, data.subtitle).font = _SUBTITLE_FONT
        row += 1

    row += 1
    header = list(data.header)
    if "currency" in data.labels and data.currency:
        header.append((data.labels["currency"], data.currency))
    for label, value in header:
        _put(sheet, row, 1, label).font = _BOLD
        _put(sheet, row, 2, value)
        row += 1

    row += 1
    _put(sheet, row, 1, data.findings_title).font = _BOLD
    row += 1
    if data.findings:
        for finding in data.findings:
            severity = _put(sheet, row, 1, finding.severity_label)
            severity.font = _BOLD
            if finding.severity in _SEVERITY_FILLS:
                severity.fill = _SEVERITY_FILLS[finding.severity]
            _put(sheet, row, 2, finding.rule)
            _put(sheet, row, 3, finding.message).alignment = _WRAP_TOP
            _put(sheet, row, 4, finding.records).alignment = _WRAP_TOP
            row += 1
    else:
        _put(sheet, row, 1, data.no_findings)
        row += 1

    row += 1
    _put(sheet, row, 1, data.signature_title).font = _BOLD
    row += 1
    for label in data.signature_fields:
        _put(sheet, row, 1, label)
        for column in (2, 3):  # the line to sign or write on
            sheet.cell(row, column).border = _FILL_IN_BORDER
        sheet.row_dimensions[row].height = 30
        row += 1

    # The title and subtitle overflow into the empty cells to their right; they set no width.
    first_column = [label for label, _ in header] + [f.severity_label for f in data.findings]
    first_column += list(data.signature_fields)
    widths = {
        1: max(map(_text_width, first_column), default=10) + 2,
        2: max([_text_width(f.rule) + 2 for f in data.findings] + [24]),
        3: min(max([_text_width(f.message) + 2 for f in data.findings] + [40]), MAX_COLUMN_WIDTH),
        4: min(max([_text_width(f.records) + 2 for f in data.findings] + [14]), MAX_COLUMN_WIDTH),
    }
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(width, MIN_COLUMN_WIDTH)
    _page_setup(sheet, data, title_rows="1:1")


# --- one sheet per table ----------------------------------------------------------------------------------------


def _write_table(sheet: Worksheet, table: Table, data: ReportData) -> None:
    columns = table.columns
    width = len(columns)
    _put(sheet, TITLE_ROW, 1, table.title).font = _BOLD
    for index, column in enumerate(columns, 1):
        cell = _put(sheet, HEADER_ROW, index, column.label)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _HEADER_ALIGNMENT
        cell.border = _HEADER_BORDER

    content = [_header_width(column.label) for column in columns]
    number_formats = [FORMATS.get(column.kind) for column in columns]
    decimals = [0] * width  # NUMBER columns: the most decimals any value has, for the totals
    total_columns = [i for i, column in enumerate(columns) if column.total and i > 0]
    # A subtotal or total label overflows into the next cell unless that cell holds a total.
    label_needs_width = 1 in total_columns

    open_groups: list[int] = []  # first row of each GROUP still waiting for its SUBTOTAL
    segment_start = FIRST_BODY_ROW  # first row a SUBTOTAL outside any group adds up
    has_subtotals = False
    row = FIRST_BODY_ROW
    for item in table.rows:
        cells = item.cells
        if item.kind == GROUP:
            cell = _put(sheet, row, 1, cells[0] if cells else None)
            cell.font = _BOLD  # the title overflows into the empty cells of its row: it sets no width
            open_groups.append(row + 1)
        elif item.kind == SUBTOTAL:
            has_subtotals = True
            start = open_groups.pop() if open_groups else segment_start
            if not open_groups:
                segment_start = row + 1
            for index in range(width):
                value = cells[index] if index < len(cells) else None
                if index in total_columns:
                    cell = sheet.cell(row, index + 1)
                    cell.value = _sum_formula("SUBTOTAL(9,", index, start, row - 1)
                    if number_formats[index]:
                        cell.number_format = number_formats[index]
                else:
                    cell = _put_value(sheet, row, index + 1, value, columns[index], number_formats[index])
                    if index or label_needs_width:
                        content[index] = max(content[index], _value_width(value, columns[index]))
                cell.font = _BOLD
                cell.fill = _SUBTOTAL_FILL
                cell.border = _SUBTOTAL_BORDER
        else:
            for index in range(width):
                value = cells[index] if index < len(cells) else None
                if value is None:
                    continue
                column = columns[index]
                number_format = number_formats[index]
                if column.kind == NUMBER and isinstance(value, (Decimal, int)) and not isinstance(value, bool):
                    places = _decimal_places(value)
                    decimals[index] = max(decimals[index], places)
                    number_format = _number_format(places)
                _put_value(sheet, row, index + 1, value, column, number_format)
                content[index] = max(content[index], _value_width(value, column))
        row += 1
    last_body_row = row - 1

    if table.total_label:
        function = "SUBTOTAL(9," if has_subtotals else "SUM("
        _put(sheet, row, 1, table.total_label)
        if label_needs_width:
            content[0] = max(content[0], _text_width(table.total_label))
        for index in range(width):
            cell = sheet.cell(row, index + 1)
            if index in total_columns:
                cell.value = _sum_formula(function, index, FIRST_BODY_ROW, last_body_row)
                cell.number_format = (_number_format(decimals[index]) if columns[index].kind == NUMBER
                                      else number_formats[index] or "General")
            cell.font = _BOLD
            cell.border = _TOTAL_BORDER
        row += 1

    if table.note:
        _put(sheet, row + 1, 1, table.note).font = _NOTE_FONT

    for index, column in enumerate(columns):
        letter = get_column_letter(index + 1)
        wanted = max(content[index] + 2, column.width * WIDTH_PER_UNIT, MIN_COLUMN_WIDTH)
        sheet.column_dimensions[letter].width = round(min(wanted, MAX_COLUMN_WIDTH), 1)
        if content[index] + 2 > MAX_COLUMN_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=FIRST_BODY_ROW, max_row=last_body_row, min_col=index + 1,
                                           max_col=index + 1):
                if cell.data_type == "s":
                    cell.alignment = _WRAP_TOP

    # Wrapped headers need a taller row: Excel and LibreOffice do not grow it on their own.
    header_lines = max((math.ceil(len(column.label) / max(sheet.column_dimensions[get_column_letter(i + 1)].width - 1, 1))
                        for i, column in enumerate(columns)), default=1)
    sheet.row_dimensions[HEADER_ROW].height = 15 * max(header_lines, 1)
    last_letter = get_column_letter(width) if width else "A"
    sheet.freeze_panes = sheet.cell(FIRST_BODY_ROW, 1).coordinate
    if width:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(last_body_row, HEADER_ROW)}"
    _page_setup(sheet, data, title_rows=f"{TITLE_ROW}:{HEADER_ROW}")


def _sum_formula(function: str, index: int, first: int, last: int) -> str | int:
    if last < first:  # an empty group adds up to nothing
        return 0
    letter = get_column_letter(index + 1)
    return f"={function}{letter}{first}:{letter}{last})"


# --- cells ------------------------------------------------------------------------------------------------------


def _put(sheet: Worksheet, row: int, column: int, value: Value) -> Cell:
    """A cell holding `value`; text always as text, never a formula."""
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        _set_text(cell, value)
    elif value is not None:
        cell.value = value
    return cell


def _put_value(sheet: Worksheet, row: int, column: int, value: Value, spec: Column, number_format: str | None) -> Cell:
    cell = _put(sheet, row, column, value)
    if value is None or isinstance(value, str):
        return cell
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif spec.kind in (MONEY, PERCENT, NUMBER, INTEGER) and number_format:
        cell.number_format = number_format
    return cell


def _set_text(cell: Cell, text: str) -> None:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)  # control characters XML cannot hold
    cell.value = text
    # openpyxl turns "=..." into a formula and "#N/A" into an error value: force a string.
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        # Excel's leading apostrophe: the cell stays text even when someone edits it.
        cell.quotePrefix = True


def _decimal_places(value: Decimal | int) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.as_tuple().exponent
    return min(max(-exponent, 0), 10) if isinstance(exponent, int) else 0


def _number_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def _text_width(text: object) -> int:
    if not text:
        return 0
    return max(len(line) for line in str(text).splitlines() or [""])


def _header_width(label: str) -> int:
    """A header wraps: its longest word, or the whole label when it is short."""
    if len(label) <= 14:
        return len(label)
    return max((len(word) for word in label.split()), default=0)


def _value_width(value: Value, column: Column) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return _text_width(value)
    if isinstance(value, date):
        return 10
    if column.kind == MONEY:
        return len(f"{value:,.2f}")
    if column.kind == PERCENT:
        return len(f"{value:.2f}") + 2
    if isinstance(value, (int, Decimal)):
        return len(f"{value:,}")
    return len(str(value))


# --- sheets and pages -------------------------------------------------------------------------------------------


def _sheet_name(title: str, fallback: str, taken: set[str]) -> str:
    """`title` as Excel allows a sheet name (31 characters, none of []:*?/\\), unique in the workbook."""
    name = ""
    for candidate in (title, fallback, "Sheet"):
        name = _SHEET_NAME_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", candidate or ""))
        name = name.strip().strip("'").strip()[:MAX_SHEET_NAME].strip()
        if name and name.lower() != "history":  # Excel reserves "History"
            break
    unique, number = name, 1
    while unique.lower() in taken:
        number += 1
        suffix = f" ({number})"
        unique = name[:MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
    taken.add(unique.lower())
    return unique


def _page_setup(sheet: Worksheet, data: ReportData, title_rows: str) -> None:
    setup = sheet.page_setup
    setup.orientation = "portrait" if data.orientation == "portrait" else "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = title_rows
    sheet.print_options.gridLines = False
    # Excel refuses a header or footer longer than 255 characters: keep each part short.
    if data.page_label:
        label = _footer_text(data.page_label, 80).replace("{page}", "&P").replace("{pages}", "&N")
        sheet.oddFooter.center.text = label
        sheet.evenFooter.center.text = label
    if data.subtitle:
        sheet.oddFooter.left.text = _footer_text(data.subtitle, 100)
        sheet.evenFooter.left.text = _footer_text(data.subtitle, 100)


def _footer_text(text: str, limit: int) -> str:
    """Literal text in a header/footer, where "&" starts a code."""
    text = ILLEGAL_CHARACTERS_RE.sub("", " ".join(text.split()))
    return text[:limit].replace("&", "&&")


# --- a reproducible file ----------------------------------------------------------------------------------------


def _save_deterministic(workbook: Workbook, path: Path) -> None:
    """Save with fixed document times and zip entry times, so equal data sets give equal bytes."""
    raw = BytesIO()
    workbook.save(raw)  # openpyxl stamps the current time as "modified": replaced below
    workbook.properties.created = DOCUMENT_TIME
    workbook.properties.modified = DOCUMENT_TIME
    core = tostring(workbook.properties.to_tree())
    out = BytesIO()
    with ZipFile(raw) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = core if entry.filename == "docProps/core.xml" else source.read(entry.filename)
            info = ZipInfo(entry.filename, date_time=DOCUMENT_TIME.timetuple()[:6])
            info.compress_type = ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            target.writestr(info, content, compress_type=ZIP_DEFLATED, compresslevel=6)

    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_bytes(out.getvalue())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
