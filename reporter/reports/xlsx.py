"""The workbook of a funder report: one summary sheet, then one sheet per table.

An auditor opens it to trace every number, a coordinator pastes from it into
the funder's portal, and someone prints it. So:

- values stay typed: amounts are numbers with a number format, dates are dates;
- every figure that follows from others of the sheet is a formula a reviewer can
  trace (to date = previously + this period, remaining, % used, variance, the
  converted amount, the amount due, subtotals and totals), written with its
  cached value, so that a viewer which does not recalculate shows the figure
  too. A formula is only written where it gives the builder's figure to the
  cent; otherwise the figure stays a typed number;
- the rows of a grouped table (expenditure by budget line) carry their group in
  their own column, so a filter or a paste keeps it;
- wrapped text gets a row height that fits it, headers are never cut, a wide
  sheet is printed at a readable scale over several pages rather than squeezed
  onto one;
- text is always stored as text: a supplier called "=HYPERLINK(...)", "+370 ..."
  or "@SUM(A1)" stays that literal string (an inline string, with Excel's quote
  prefix so that editing the cell keeps it text too);
- the same data set gives a byte-identical file: fixed document times and fixed
  zip entry times.

openpyxl cannot store a formula's cached value (it never evaluates formulas and
always leaves the cell's <v> empty), and building a cell object per value is
most of its time on a 100 000-row list. So openpyxl makes the workbook's frame:
the summary sheet, styles, column widths, panes, filters, merged cells, print
setup. The rows of each table sheet are written here as SpreadsheetML
(<c><f>formula</f><v>cached value</v></c>, ECMA-376 part 1, 18.3.1.4), streamed
into the zip in place of the empty sheetData openpyxl wrote.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path
from typing import Callable, Iterator, Mapping
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from reporter.i18n import report_words
from reporter.reports.model import (
    DATE,
    GROUP,
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    SUBTOTAL,
    TEXT,
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
MAX_COLUMN_WIDTH = 50  # characters; longer text wraps
MIN_COLUMN_WIDTH = 6
WIDTH_PER_UNIT = 10  # characters per unit of Column.width

# The workbook's font: Arial is on every Windows and Mac, and LibreOffice prints it with the
# metric-compatible Liberation Sans (Calibri, openpyxl's default, falls back to a far wider font
# there, and text sized for it would be cut). Row heights in points: one line of 10-point text,
# the cell's margin, and the 14-point title.
FONT = Font(name="Arial", size=10)
LINE_HEIGHT = 12.75
ROW_MARGIN = 2.25
TITLE_HEIGHT = 18.75
DEFAULT_ROW_HEIGHT = 15.0  # points: a row of one line of the default font, as spreadsheet programs print it
PAPER_INCHES = {False: 8.27, True: 11.69}  # the A4 page's height, landscape and portrait

# Printing: A4 with 1 cm side margins. A column of width w (characters of the font's digit
# width) is 7w + 5 pixels at 96 dpi; the printable width of the page in the same pixels.
SIDE_MARGIN_INCHES = 0.4
PRINTABLE_PIXELS = {"landscape": (11.69 - 2 * SIDE_MARGIN_INCHES) * 96, "portrait": (8.27 - 2 * SIDE_MARGIN_INCHES) * 96}
MIN_PRINT_SCALE = 70  # percent: below it a sheet is printed over several pages wide instead
COMFORTABLE_PRINT_SCALE = 75  # percent: text columns are narrowed (and wrap more) to print at least this large
TEXT_FLOOR = 20  # characters: text columns are not narrowed below this (or their header's longest word)

# A table whose GROUP rows name what its rows belong to repeats that name on every row, in a last
# column headed by this report word. The print leaves that column out: its headings say it.
GROUP_COLUMNS = {"expenditure": "budget_line", "cofinancing": "partner", "contribution": "partner"}

# Characters that make a spreadsheet treat typed text as a formula or a command.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

_BOLD = Font(name="Arial", size=10, bold=True)
_TITLE_FONT = Font(name="Arial", size=14, bold=True)
_SUBTITLE_FONT = Font(name="Arial", size=12)
_NOTE_FONT = Font(name="Arial", size=10, italic=True)
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
_TOP = Alignment(vertical="top")


def render_xlsx(data: ReportData, path: Path) -> None:
    """Write the report as an .xlsx workbook at `path` (replaced whole, never half-written)."""
    workbook = Workbook()
    # The default font of every cell, and the one column widths are measured in. openpyxl has no
    # public setting for it: its first font and the Normal style's are the workbook's default.
    workbook._fonts = IndexedList([FONT])
    workbook._named_styles["Normal"].font = FONT
    styles = _Styles(workbook)
    words = {**report_words(data.lang), **data.labels}
    summary = workbook.active
    names: set[str] = set()
    summary.title = _sheet_name(data.labels.get("summary_sheet", ""), "Report", names)
    _write_summary(summary, data)
    tables = []
    for table in data.tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, table.key, names))
        tables.append(_TableSheet(sheet, table, data, words, styles))

    props = workbook.properties
    props.title = data.title
    props.subject = data.subtitle
    props.creator = data.author
    props.lastModifiedBy = data.author
    props.language = data.lang
    props.keywords = data.template
    props.created = DOCUMENT_TIME
    props.modified = DOCUMENT_TIME
    _save(workbook, styles, tables, Path(path))


# --- the summary sheet ------------------------------------------------------------------------------------------


def _write_summary(sheet: Worksheet, data: ReportData) -> None:
    row = 1
    _put(sheet, row, 1, data.title).font = _TITLE_FONT
    sheet.row_dimensions[row].height = TITLE_HEIGHT
    row += 1
    if data.subtitle:
        _put(sheet, row, 1, data.subtitle).font = _SUBTITLE_FONT
        row += 1

    header = list(data.header)
    if "currency" in data.labels and data.currency:
        header.append((data.labels["currency"], data.currency))
    first_column = [label for label, _ in header] + [f.severity_label for f in data.findings]
    first_column += list(data.signature_fields) + list(data.signatories)
    widths = {
        1: min(max((_text_width(text, True) for text in first_column), default=10) + 2, MAX_COLUMN_WIDTH),
        2: max([_text_width(f.rule) + 2 for f in data.findings] + [24]),
        3: min(max([_text_width(f.message) + 2 for f in data.findings] + [40]), MAX_COLUMN_WIDTH),
        4: min(max([_text_width(f.records) + 2 for f in data.findings] + [14]), MAX_COLUMN_WIDTH),
    }
    widths = {column: max(width, MIN_COLUMN_WIDTH) for column, width in widths.items()}
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width

    def fit(row: int, *cells: tuple[object, float, bool]) -> None:
        """Give the row the height its wrapped cells need."""
        height = _height(max((_lines(text, width, bold) for text, width, bold in cells), default=1))
        if height:
            sheet.row_dimensions[row].height = height

    row += 1
    value_width = widths[2] + widths[3] + widths[4]
    for label, value in header:
        name = _put(sheet, row, 1, label)
        name.font = _BOLD
        name.alignment = _WRAP_TOP
        cell = _put(sheet, row, 2, value)
        cell.alignment = _WRAP_TOP
        if _text_width(value) > widths[2] - 2:  # a long value spans the row's other columns
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        fit(row, (value, value_width, False), (label, widths[1], True))
        row += 1

    row += 1
    _put(sheet, row, 1, data.findings_title).font = _BOLD
    row += 1
    if data.findings:
        for finding in data.findings:
            severity = _put(sheet, row, 1, finding.severity_label)
            severity.font = _BOLD
            severity.alignment = _TOP
            if finding.severity in _SEVERITY_FILLS:
                severity.fill = _SEVERITY_FILLS[finding.severity]
            _put(sheet, row, 2, finding.rule).alignment = _WRAP_TOP
            _put(sheet, row, 3, finding.message).alignment = _WRAP_TOP
            _put(sheet, row, 4, finding.records).alignment = _WRAP_TOP
            fit(row, (finding.rule, widths[2], False), (finding.message, widths[3], False),
                (finding.records, widths[4], False))
            row += 1
    else:
        _put(sheet, row, 1, data.no_findings)
        row += 1
    last_finding = row - 1

    row += 1
    signatures = row
    _put(sheet, row, 1, data.signature_title).font = _BOLD
    row += 1
    if data.statement:  # what the signatories declare, above their signatures
        cell = _put(sheet, row, 1, data.statement)
        cell.alignment = _WRAP_TOP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        fit(row, (data.statement, widths[1] + value_width, False))
        row += 2
    for signatory in data.signatories or ("",):
        if signatory:
            _put(sheet, row, 1, signatory).font = _BOLD
            row += 1
        for label in data.signature_fields:
            _put(sheet, row, 1, label)
            for column in (2, 3):  # the line to sign or write on
                sheet.cell(row, column).border = _FILL_IN_BORDER
            sheet.row_dimensions[row].height = 30
            row += 1
        row += 1

    _page_setup(sheet, data, title_rows="1:1")
    _fit_to_page(sheet, data, list(widths.values()))
    _keep_signatures_with_the_findings(sheet, data, list(widths.values()), last_finding, signatures, row - 1)


def _keep_signatures_with_the_findings(sheet: Worksheet, data: ReportData, widths: list[float], last_finding: int,
                                       signatures: int, end: int) -> None:
    """A page break before the last finding when the signatures would otherwise be split over two pages, so
    that they are printed whole and not alone (rows measured as printed: at the scale fitting the page's width,
    under the title row repeated on every page)."""
    def height(row: int) -> float:
        return (sheet.row_dimensions[row].height or DEFAULT_ROW_HEIGHT) * scale

    pixels = _pixels(widths)
    scale = min(1.0, _page_pixels(data.orientation) / pixels) if pixels else 1.0
    page = (PAPER_INCHES[data.orientation == "portrait"] - sheet.page_margins.top - sheet.page_margins.bottom) * 72
    used = 0.0
    for row in range(1, signatures):
        used += height(row)
        if used > page:  # a new page: the title row, then this row
            used = height(1) + height(row)
    block = sum(height(row) for row in range(signatures, end + 1))
    moved = height(1) + sum(height(row) for row in range(last_finding, end + 1))
    if used + block > page and moved <= page and last_finding > 2:
        sheet.row_breaks.append(Break(id=last_finding - 1))


# --- one sheet per table ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Relation:
    """A column's figure as a formula of other columns of its row (by key), and the same in Decimal."""

    target: str
    inputs: tuple[str, ...]
    formula: str  # "{0}+{1}": the inputs' cell references go into the braces
    compute: Callable[..., Decimal | None]


def _round(value: Decimal) -> Decimal:
    """Excel's ROUND(value, 2): halves away from zero."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    return _round(part / whole * 100) if whole else None


# The figures of the builder's tables that follow from others of the same row. Where a column has
# several relations, the first that gives the row's figure is written (a document's amount is
# divided by its rate into euro, multiplied from euro, or both for a third currency).
RELATIONS: tuple[_Relation, ...] = (
    _Relation("so_far", ("previously", "this_period"), "{0}+{1}", lambda a, b: a + b),
    _Relation("remaining", ("approved", "so_far"), "{0}-{1}", lambda a, b: a - b),
    _Relation("used", ("so_far", "approved"), "ROUND({0}/{1}*100,2)", _percent),
    _Relation("variance", ("budget", "actual"), "{0}-{1}", lambda a, b: a - b),
    _Relation("variance_percent", ("variance", "budget"), "ROUND({0}/{1}*100,2)", _percent),
    _Relation("difference", ("actual", "approved"), "{0}-{1}", lambda a, b: a - b),
    _Relation("other", ("actual", "funder"), "{0}-{1}", lambda a, b: a - b),
    _Relation("deviation", ("planned", "actual"), "{0}-{1}", lambda a, b: a - b),
    _Relation("balance", ("accepted", "granted", "paid"), "MIN({0},{1})-{2}", lambda a, g, p: min(a, g) - p),
    _Relation("unused", ("granted", "accepted"), "{0}-MIN({1},{0})", lambda g, a: g - min(a, g)),
    _Relation("converted", ("declared", "rate", "project_rate"), "ROUND(ROUND({0}/{1},2)*{2},2)",
              lambda d, r, p: _round(_round(d / r) * p) if r else None),
    _Relation("converted", ("declared", "rate"), "ROUND({0}/{1},2)", lambda d, r: _round(d / r) if r else None),
    _Relation("converted", ("declared", "rate"), "ROUND({0}*{1},2)", lambda d, r: _round(d * r)),
    _Relation("converted", ("declared",), "{0}", lambda d: d),
)

# Tables of (item, …, amount) rows whose items are known by their words: each derived item's figure as
# a formula of the items above it, in each amount column. "payments" are the rows with a date (the
# transfers received).
ITEM_AMOUNTS = ("amount", "this_period", "so_far")
ITEM_ROLES = {"grant_fixed": "granted", "grant_maximum": "granted", "grant_reported": "claimed",
              "used_so_far": "claimed", "unused": "unused", "paid_total": "paid", "paid_ahead": "ahead",
              "amount_due": "due", "funds_opening": "opening", "funds_received": "received",
              "funds_interest": "interest", "funds_used": "used", "funds_balance": "on_hand"}
ITEM_RELATIONS: tuple[_Relation, ...] = (
    _Relation("unused", ("granted", "claimed"), "{0}-{1}", lambda g, c: g - c),
    _Relation("paid", ("payments",), "SUM({0})", lambda p: p),
    _Relation("ahead", ("paid", "claimed"), "MAX(0,{0}-{1})", lambda p, c: max(Decimal(0), p - c)),
    _Relation("due", ("claimed", "paid"), "MAX(0,{0}-{1})", lambda c, p: max(Decimal(0), c - p)),
    # the balance on hand at a period's end: from the one at its start (this period's column), or from nothing
    _Relation("on_hand", ("opening", "received", "interest", "used"), "{0}+{1}+{2}-{3}",
              lambda o, r, i, u: o + r + i - u),
    _Relation("on_hand", ("received", "interest", "used"), "{0}+{1}-{2}", lambda r, i, u: r + i - u),
)


@dataclass
class _Cell:
    """One cell of a streamed row: a value or a formula with its cached value, and its style."""

    value: Value
    style: int
    formula: str | None = None


@dataclass
class _TableSheet:
    """A table's sheet: laid out when made (widths, print setup, styles); its rows streamed at save."""

    sheet: Worksheet
    table: Table
    data: ReportData
    words: Mapping[str, str]
    styles: _Styles
    columns: list[Column] = field(init=False)
    group_column: bool = field(init=False)
    widths: list[float] = field(init=False)
    last_body_row: int = field(init=False)
    rows: int = field(init=False)

    def __post_init__(self) -> None:
        table = self.table
        self.columns = list(table.columns)
        label = self.words.get(GROUP_COLUMNS.get(table.key, ""), "")
        self.group_column = bool(label) and any(row.kind == GROUP for row in table.rows)
        if self.group_column:
            self.columns.append(Column("group", label, TEXT, 2.4))
        self.letters = [get_column_letter(i + 1) for i in range(len(self.columns))]
        self.index = {column.key: i for i, column in enumerate(self.columns)}
        self._measure()
        self._lay_out()

    # Layout, before any row is written: openpyxl writes the column widths above the rows.

    def _measure(self) -> None:
        """Column widths from the content, and the number formats and styles the rows will use."""
        columns, table, styles = self.columns, self.table, self.styles
        width = len(table.columns)
        content = [_header_width(column.label) for column in columns]
        self.places: list[set[int]] = [set() for _ in columns]  # NUMBER columns: the decimals of each value
        self.filled = [False] * width + [True] * (len(columns) - width)
        high: list[Decimal | int] = [0] * len(columns)
        low: list[Decimal | int] = [0] * len(columns)
        group_title = ""
        for row in table.rows:
            cells = row.cells
            if row.kind == GROUP:
                group_title = _text(cells[0]) if cells else ""  # overflows into its empty row: sets no width
            elif row.kind == SUBTOTAL:
                for index in range(1, min(width, len(cells))):  # the label overflows unless a total is beside it
                    content[index] = max(content[index], _value_width(cells[index], columns[index]) * 1.1)
                    if isinstance(cells[index], str) and cells[index]:  # a group's own words (an explanation)
                        self.filled[index] = True
                if 1 in self._total_indexes():
                    content[0] = max(content[0], _text_width(cells[0] if cells else None, True))
            else:
                for index in range(min(width, len(cells))):
                    value = cells[index]
                    if value is None or value == "":
                        continue
                    self.filled[index] = True
                    if isinstance(value, str):
                        if len(value) * _WIDEST > content[index]:  # only a text that could be wider
                            content[index] = max(content[index], _value_width(value, columns[index]))
                    elif isinstance(value, (Decimal, int)):
                        if value > high[index]:
                            high[index] = value
                        elif value < low[index]:
                            low[index] = value
                        if columns[index].kind == NUMBER:
                            self.places[index].add(_decimal_places(value))
                    else:
                        content[index] = max(content[index], _value_width(value, columns[index]))
            if self.group_column and len(group_title) * _WIDEST > content[-1]:
                content[-1] = max(content[-1], _text_width(group_title))
        for index, column in enumerate(columns):  # the longest numbers are the largest and the most negative
            for value in (high[index], low[index]):
                if value:
                    content[index] = max(content[index], _value_width(value, column))
        if table.total_label and 1 in self._total_indexes():
            content[0] = max(content[0], _text_width(table.total_label, True))
        if table.total_label:  # a total adds up its column: room for one more digit and a separator
            for index in self._total_indexes():
                content[index] += 2

        widths, floors = [], []
        for column, wanted in zip(columns, content):
            width_wanted = max(wanted + 2, column.width * WIDTH_PER_UNIT, MIN_COLUMN_WIDTH)
            if column.kind == TEXT:
                width_wanted = min(width_wanted, MAX_COLUMN_WIDTH)
                floors.append(max(_header_width(column.label) + 2, min(width_wanted, TEXT_FLOOR)))
            else:  # a number or date shows whole: no narrower than its content
                floors.append(max(wanted + 2, MIN_COLUMN_WIDTH))
            widths.append(width_wanted)
        printed = len(table.columns)  # the group column is for filters, not for the page
        shown = [i for i in range(printed) if self.filled[i]]
        narrowed = _narrowed([widths[i] for i in shown], [floors[i] for i in shown],
                             [columns[i].kind == TEXT for i in shown], self.data.orientation)
        for i, width in zip(shown, narrowed):
            widths[i] = width
        self.widths = [round(w, 1) for w in widths]
        self.printed_widths = [w for w, filled in zip(self.widths[:printed], self.filled) if filled]

        # Every style a row can ask for, registered now: the stylesheet is written before the rows.
        self.body_styles, self.quoted_styles, self.number_styles = [], [], []
        self.subtotal_styles, self.total_styles = [], []
        for index, column in enumerate(columns):
            kind_format = FORMATS.get(column.kind)
            self.body_styles.append(styles.id(alignment=_WRAP_TOP if column.kind == TEXT else _TOP,
                                              number_format=kind_format))
            self.quoted_styles.append(styles.id(alignment=_WRAP_TOP, quote_prefix=True))
            self.number_styles.append({places: styles.id(alignment=_TOP, number_format=_number_format(places))
                                       for places in self.places[index]})
            total_format = (_number_format(max(self.places[index], default=0)) if column.kind == NUMBER
                            else kind_format)
            # a table's text beside the subtotal (not its label, which overflows) wraps within its column
            self.subtotal_styles.append(styles.id(font=_BOLD, fill=_SUBTOTAL_FILL, border=_SUBTOTAL_BORDER,
                                                  alignment=_WRAP_TOP if column.kind == TEXT and 0 < index < printed
                                                  else _TOP, number_format=total_format))
            self.total_styles.append(styles.id(font=_BOLD, border=_TOTAL_BORDER, number_format=total_format))
        self.total_quoted = styles.id(font=_BOLD, border=_TOTAL_BORDER, quote_prefix=True)
        self.subtotal_quoted = styles.id(font=_BOLD, fill=_SUBTOTAL_FILL, border=_SUBTOTAL_BORDER,
                                         alignment=_WRAP_TOP, quote_prefix=True)
        self.title_style = styles.id(font=_BOLD)
        self.title_quoted = styles.id(font=_BOLD, quote_prefix=True)
        self.header_style = styles.id(font=_BOLD, fill=_HEADER_FILL, alignment=_HEADER_ALIGNMENT,
                                      border=_HEADER_BORDER)
        self.header_quoted = styles.id(font=_BOLD, fill=_HEADER_FILL, alignment=_HEADER_ALIGNMENT,
                                       border=_HEADER_BORDER, quote_prefix=True)
        self.note_style = styles.id(font=_NOTE_FONT, alignment=_WRAP_TOP)
        self.note_quoted = styles.id(font=_NOTE_FONT, alignment=_WRAP_TOP, quote_prefix=True)

    def _total_indexes(self) -> list[int]:
        return [i for i, column in enumerate(self.table.columns) if column.total and i > 0]

    def _lay_out(self) -> None:
        sheet, table = self.sheet, self.table
        for letter, width, filled in zip(self.letters, self.widths, self.filled):
            sheet.column_dimensions[letter].width = width
            sheet.column_dimensions[letter].hidden = not filled  # a column no row fills takes no room
        body_rows = len(table.rows)
        self.last_body_row = FIRST_BODY_ROW + body_rows - 1
        self.rows = self.last_body_row + (1 if table.total_label else 0)
        last_letter = self.letters[-1] if self.letters else "A"
        sheet.freeze_panes = sheet.cell(FIRST_BODY_ROW, 1).coordinate
        if self.columns:
            sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_letter}{max(self.last_body_row, HEADER_ROW)}"
        if table.note:
            self.note_row = self.rows + 2
            note_letter = self.letters[len(table.columns) - 1] if table.columns else "A"
            if note_letter != "A":
                sheet.merge_cells(f"A{self.note_row}:{note_letter}{self.note_row}")
            self.rows = self.note_row
        _page_setup(sheet, self.data, title_rows=f"{TITLE_ROW}:{HEADER_ROW}")
        printed = self.printed_widths
        split = _fit_to_page(sheet, self.data, printed)
        if self.group_column:
            sheet.print_area = f"A1:{self.letters[len(table.columns) - 1]}{self.rows}"
        if split and printed and printed[0] < sum(printed) * 0.3:
            sheet.print_title_cols = "A:A"  # the row's number or name on every page across

    # The rows, streamed at save.

    @property
    def dimension(self) -> str:
        return f"A1:{self.letters[-1] if self.letters else 'A'}{max(self.rows, HEADER_ROW)}"

    def xml_rows(self) -> Iterator[str]:
        """The sheet's rows as SpreadsheetML, one <row> at a time."""
        table, columns, letters = self.table, self.columns, self.letters
        width = len(table.columns)
        yield _row_xml(TITLE_ROW, [(1, self._text_cell(table.title, self.title_style, self.title_quoted))], None, self)
        header = [(i + 1, self._text_cell(column.label, self.header_style, self.header_quoted))
                  for i, column in enumerate(columns)]
        header_lines = max((_lines(column.label, self.widths[i], True) for i, column in enumerate(columns)), default=1)
        yield _row_xml(HEADER_ROW, header, _height(header_lines), self)

        total_indexes = self._total_indexes()
        relations = [(i, [r for r in RELATIONS if r.target == column.key and all(k in self.index for k in r.inputs)])
                     for i, column in enumerate(columns[:width])]
        relations = [(i, found) for i, found in relations if found]
        items = _Items(self) if self._has_items() else None

        # Sums of the data rows for the SUBTOTAL and SUM cached values: per open group, since the last
        # subtotal outside a group, and over the whole table. SUBTOTAL leaves nested subtotals out.
        open_groups: list[tuple[int, list[Decimal], str]] = []  # first row, sums, title
        segment: tuple[int, list[Decimal]] = (FIRST_BODY_ROW, [Decimal(0)] * width)
        grand = [Decimal(0)] * width
        has_subtotals = False
        number = FIRST_BODY_ROW
        for row in table.rows:
            cells = row.cells
            out: list[tuple[int, _Cell]] = []
            wrapped: list[tuple[str, float, bool]] = []  # text, its column's width, bold
            group_title = open_groups[-1][2] if open_groups else ""
            if row.kind == GROUP:
                group_title = _text(cells[0]) if cells else ""
                out.append((1, self._text_cell(cells[0] if cells else None, self.title_style, self.title_quoted)))
                open_groups.append((number + 1, [Decimal(0)] * width, group_title))
            elif row.kind == SUBTOTAL:
                has_subtotals = True
                start, sums = open_groups.pop()[:2] if open_groups else segment
                if not open_groups:
                    segment = (number + 1, [Decimal(0)] * width)
                for index in range(width):
                    value = cells[index] if index < len(cells) else None
                    style = self.subtotal_styles[index]
                    if index in total_indexes:
                        out.append((index + 1, _sum_cell("SUBTOTAL(9,", letters[index], start, number - 1,
                                                         sums[index], style)))
                    elif isinstance(value, (Decimal, int)) and columns[index].kind != TEXT:
                        out.append((index + 1, _subtotal_cell(value, letters[index], start, FIRST_BODY_ROW,
                                                              number - 1, sums[index], grand[index], style)))
                    else:
                        out.append((index + 1, self._text_cell(value, style, self.subtotal_quoted)))
                        if index and isinstance(value, str) and value:
                            wrapped.append((value, self.widths[index], True))
            else:
                for index in range(min(width, len(cells))):
                    value = cells[index]
                    if value is None:
                        continue
                    column = columns[index]
                    if column.key == "no" and isinstance(value, str) and value.isdigit():
                        value = int(value)  # the builder's row number: a number to sort by
                    if isinstance(value, str):
                        out.append((index + 1, self._text_cell(value, self.body_styles[index],
                                                               self.quoted_styles[index])))
                        wrapped.append((value, self.widths[index], False))
                        continue
                    if column.kind == NUMBER and isinstance(value, (Decimal, int)):
                        out.append((index + 1, _Cell(value, self.number_styles[index][_decimal_places(value)])))
                    else:
                        out.append((index + 1, _Cell(value, self.body_styles[index])))
                    if isinstance(value, (Decimal, int)):
                        for _, sums, _ in open_groups:
                            sums[index] += value
                        segment[1][index] += value
                        grand[index] += value
                self._derive(number, cells, out, relations)
                if items is not None:
                    items.derive(number, cells, out)
            if self.group_column and group_title:
                style = self.subtotal_styles[-1] if row.kind == SUBTOTAL else self.body_styles[-1]
                quoted = self.subtotal_quoted if row.kind == SUBTOTAL else self.quoted_styles[-1]
                out.append((len(columns), self._text_cell(group_title, style, quoted)))
                wrapped.append((group_title, self.widths[-1], False))
            lines = max((_lines(text, room, bold) for text, room, bold in wrapped), default=1)
            yield _row_xml(number, out, _height(lines), self)
            number += 1

        if table.total_label:
            function = "SUBTOTAL(9," if has_subtotals else "SUM("
            out = [(1, self._text_cell(table.total_label, self.total_styles[0], self.total_quoted))]
            for index in range(1, width):
                style = self.total_styles[index]
                if index in total_indexes:
                    out.append((index + 1, _sum_cell(function, letters[index], FIRST_BODY_ROW, self.last_body_row,
                                                     grand[index], style)))
                else:
                    out.append((index + 1, _Cell(None, style)))
            yield _row_xml(number, out, None, self)
        if table.note:
            note_width = sum(self.widths[:width]) or self.widths[0]
            lines = _lines(table.note, note_width)
            yield _row_xml(self.note_row, [(1, self._text_cell(table.note, self.note_style, self.note_quoted))],
                           _height(lines), self)

    @staticmethod
    def _text_cell(value: Value, style: int, quoted: int) -> _Cell:
        """Text that a spreadsheet would read as a formula gets the quote-prefixed style."""
        return _Cell(value, quoted if _quoted(value) else style)

    def _derive(self, number: int, cells: tuple[Value, ...], out: list[tuple[int, _Cell]],
                relations: list[tuple[int, list[_Relation]]]) -> None:
        """Turn each derived figure of a data row into its formula, where the formula gives the figure."""
        for index, candidates in relations:
            figure = cells[index] if index < len(cells) else None
            if not isinstance(figure, Decimal):
                continue
            for relation in candidates:
                inputs = [cells[self.index[key]] if self.index[key] < len(cells) else None for key in relation.inputs]
                if not all(isinstance(value, (Decimal, int)) for value in inputs):
                    continue
                if relation.compute(*inputs) != figure:
                    continue
                references = [f"{self.letters[self.index[key]]}{number}" for key in relation.inputs]
                position = next(i for i, (column, _) in enumerate(out) if column == index + 1)
                out[position] = (index + 1, _Cell(figure, out[position][1].style, relation.formula.format(*references)))
                break

    def _has_items(self) -> bool:
        keys = {column.key for column in self.table.columns}
        return "item" in keys and any(key in keys for key in ITEM_AMOUNTS)


class _Items:
    """The derived items of an (item, …, amount) table, in each of its amount columns: unused, paid in total, paid
    ahead, amount due; the balance on hand."""

    def __init__(self, sheet: _TableSheet) -> None:
        self.item = sheet.index["item"]
        self.date = sheet.index.get("date")
        self.amounts = [(sheet.index[key], sheet.letters[sheet.index[key]]) for key in ITEM_AMOUNTS
                        if key in sheet.index]
        self.roles = {sheet.words[word]: role for word, role in ITEM_ROLES.items() if word in sheet.words}
        # per amount column: role: (its cell reference or range, its figure)
        self.found: dict[int, dict[str, tuple[str, Decimal]]] = {index: {} for index, _ in self.amounts}
        self.payments: list[tuple[int, Decimal]] = []

    def derive(self, number: int, cells: tuple[Value, ...], out: list[tuple[int, _Cell]]) -> None:
        label = cells[self.item] if self.item < len(cells) else None
        if self.date is not None and self.date < len(cells) and isinstance(cells[self.date], date):
            index, letter = self.amounts[0]
            figure = cells[index] if index < len(cells) else None
            if isinstance(figure, Decimal):
                self.payments.append((number, figure))
                if self.payments[0][0] + len(self.payments) - 1 == number:  # one block of payment rows
                    first = self.payments[0][0]
                    self.found[index]["payments"] = (f"{letter}{first}:{letter}{number}",
                                                     sum((p for _, p in self.payments), Decimal(0)))
            return
        role = self.roles.get(label) if isinstance(label, str) else None
        if role is None:
            return
        for index, letter in self.amounts:
            figure = cells[index] if index < len(cells) else None
            if not isinstance(figure, Decimal):
                continue
            found = self.found[index]
            for relation in ITEM_RELATIONS:
                if relation.target != role or not all(key in found for key in relation.inputs):
                    continue
                if relation.compute(*(found[key][1] for key in relation.inputs)) == figure:
                    position = next(i for i, (column, _) in enumerate(out) if column == index + 1)
                    formula = relation.formula.format(*(found[key][0] for key in relation.inputs))
                    out[position] = (index + 1, _Cell(figure, out[position][1].style, formula))
                    break
            found[role] = (f"{letter}{number}", figure)


def _sum_cell(function: str, letter: str, first: int, last: int, cached: Decimal, style: int) -> _Cell:
    if last < first:  # an empty group adds up to nothing
        return _Cell(0, style)
    return _Cell(cached, style, f"{function}{letter}{first}:{letter}{last})")


def _subtotal_cell(figure: Decimal | int, letter: str, start: int, table_start: int, last: int, since_start: Decimal,
                   since_table_start: Decimal, style: int) -> _Cell:
    """A figure the builder gave a subtotal row: the sum of its group, or a running total of the table."""
    if last >= start and figure == since_start:
        return _Cell(figure, style, f"SUBTOTAL(9,{letter}{start}:{letter}{last})")
    if last >= table_start and figure == since_table_start:
        return _Cell(figure, style, f"SUBTOTAL(9,{letter}{table_start}:{letter}{last})")
    return _Cell(figure, style)


# --- SpreadsheetML of the streamed rows -------------------------------------------------------------------------


_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system, as dates after February 1900 count


def _row_xml(number: int, cells: list[tuple[int, _Cell]], height: float | None, sheet: _TableSheet) -> str:
    letters = sheet.letters
    height_attributes = f' ht="{height:g}" customHeight="1"' if height else ""
    parts = [f'<row r="{number}"{height_attributes}>']
    for column, cell in cells:  # in column order, as SpreadsheetML wants them
        parts.append(_cell_xml(f"{letters[column - 1]}{number}", cell))
    parts.append("</row>")
    return "".join(parts)


def _cell_xml(reference: str, cell: _Cell) -> str:
    value, style = cell.value, cell.style
    if cell.formula is not None:
        return f'<c r="{reference}" s="{style}"><f>{_escape(cell.formula)}</f><v>{_number(value)}</v></c>'
    if value is None:
        return f'<c r="{reference}" s="{style}"/>'
    if isinstance(value, str):
        text = _clean(value)
        space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
        return f'<c r="{reference}" s="{style}" t="inlineStr"><is><t{space}>{_escape(text)}</t></is></c>'
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{reference}" s="{style}"><v>{(value - _EPOCH).days}</v></c>'
    return f'<c r="{reference}" s="{style}"><v>{_number(value)}</v></c>'


def _number(value: object) -> str:
    """A number as <v> holds it: a Decimal exactly as it is (never through float), an int as it is."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clean(text: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)  # control characters XML cannot hold


def _quoted(value: object) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


# --- cells of the summary sheet ---------------------------------------------------------------------------------


def _put(sheet: Worksheet, row: int, column: int, value: Value) -> Cell:
    """A cell holding `value`; text always as text, never a formula."""
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        _set_text(cell, value)
    elif value is not None:
        cell.value = value
    return cell


def _set_text(cell: Cell, text: str) -> None:
    text = _clean(text)
    cell.value = text
    # openpyxl turns "=..." into a formula and "#N/A" into an error value: force a string.
    cell.data_type = "s"
    if text.startswith(_FORMULA_START):
        # Excel's leading apostrophe: the cell stays text even when someone edits it.
        cell.quotePrefix = True


class _Styles:
    """Cell styles of the streamed rows, registered in the workbook's stylesheet by openpyxl."""

    def __init__(self, workbook: Workbook) -> None:
        self.sheet = workbook.active
        self.ids: dict[tuple, int] = {}
        self.closed = False

    def id(self, font: Font | None = None, fill: PatternFill | None = None, border: Border | None = None,
           alignment: Alignment | None = None, number_format: str | None = None, quote_prefix: bool = False) -> int:
        key = (font, fill, border, alignment, number_format, quote_prefix)
        if key not in self.ids:
            if self.closed:
                raise RuntimeError("a cell style asked for after the stylesheet was written")
            cell = Cell(self.sheet)  # never placed in the sheet: it only registers the style
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if border:
                cell.border = border
            if alignment:
                cell.alignment = alignment
            if number_format:
                cell.number_format = number_format
            if quote_prefix:
                cell.quotePrefix = True
            self.ids[key] = cell.style_id
        return self.ids[key]


# --- measuring text ---------------------------------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _decimal_places(value: Decimal | int) -> int:
    if isinstance(value, int):
        return 0
    exponent = value.as_tuple().exponent
    return min(max(-exponent, 0), 10) if isinstance(exponent, int) else 0


def _number_format(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places else "")


def _text_width(text: object, bold: bool = False) -> float:
    """The width of a text's longest line in column-width units."""
    if not text:
        return 0
    return max(_units(line, bold) for line in str(text).splitlines() or [""])


def _header_width(label: str) -> float:
    """A header wraps: its longest word, or the whole label when it is short."""
    whole = _units(label, True)
    if whole <= 10:
        return whole
    return max((_units(word, True) for word in label.split()), default=0)


def _value_width(value: Value, column: Column) -> float:
    if value is None:
        return 0
    if isinstance(value, str):
        return min(_text_width(value), MAX_COLUMN_WIDTH)
    if isinstance(value, date):
        return 10 * _DIGIT
    if column.kind == MONEY:
        return len(f"{value:,.2f}") * _DIGIT
    if column.kind == PERCENT:
        return (len(f"{value:.2f}") + 2) * _DIGIT
    if isinstance(value, (int, Decimal)):
        return len(f"{value:,}") * _DIGIT
    return len(str(value)) * _DIGIT


# Advance widths of Arial's characters from " " to "~" in thousandths of an em (the font's published
# metrics, which Liberation Sans shares), regular and bold. A column-width unit is the 7 pixels of a
# digit of the default font at 96 dpi; 10 points are 13.33 pixels.
_ARIAL = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
          556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
          500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
          333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
          500, 722, 500, 500, 500, 334, 260, 334, 584)
_ARIAL_BOLD = (278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556,
               556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722,
               278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333,
               584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389,
               556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584)
_EM_UNITS = 10 * 96 / 72 / 7 / 1000  # column-width units per thousandth of an em of 10-point text
_DIGIT = 556 * _EM_UNITS
_OTHER = {"„": 333, "“": 333, "”": 333, "‘": 222, "’": 222, "–": 556, "—": 1000, "…": 1000, "€": 556, "·": 333}


_WIDEST = 1015 * _EM_UNITS  # "@": no character is wider


class _Widths(dict):
    """Each character's advance width in thousandths of an em, worked out once per character."""

    def __init__(self, table: tuple[int, ...]) -> None:
        super().__init__((chr(32 + i), width) for i, width in enumerate(table))
        self.table = table

    def __missing__(self, char: str) -> int:
        if char in _OTHER:
            width = _OTHER[char]
        else:
            base = unicodedata.normalize("NFD", char)[:1]  # ą, Ž, ī: as wide as their letter
            if base and 32 <= ord(base) < 127:
                width = self.table[ord(base) - 32]
            else:
                width = 1000 if unicodedata.east_asian_width(char) in "WF" else 611
        self[char] = width
        return width


_REGULAR_WIDTHS, _BOLD_WIDTHS = _Widths(_ARIAL), _Widths(_ARIAL_BOLD)


def _units(text: str, bold: bool = False) -> float:
    widths = _BOLD_WIDTHS if bold else _REGULAR_WIDTHS
    return sum(map(widths.__getitem__, text)) * _EM_UNITS


def _lines(value: object, width: float, bold: bool = False) -> int:
    """How many lines a text takes in a column of `width` units, wrapped as Excel and LibreOffice wrap it:
    at spaces and after dashes, and a word longer than the line broken where it must."""
    text = _text(value)
    room = max(width - 5 / 7, 1.0)  # less the cell's padding of 5 pixels
    if len(text) * _WIDEST <= room and "\n" not in text:
        return 1  # fits even if every character were the widest
    return _wrapped_lines(text, room, bold)


@lru_cache(maxsize=1 << 16)  # suppliers, lines and descriptions repeat over thousands of rows
def _wrapped_lines(text: str, room: float, bold: bool) -> int:
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for piece in _BREAKS.split(paragraph):  # a line may end at a space or after a dash
            word = piece.rstrip(" ")
            size = _units(word, bold)  # the spaces after it take no room at the end of a line
            if used and used + size > room:
                lines += 1
                used = 0.0
            while size > room:  # longer than a line: broken where it must
                lines += 1
                size -= room
            used += size + _units(piece[len(word):], bold)
    return lines


_BREAKS = re.compile(r"(?<=[ \-–—])(?=[^ ])")


def _height(lines: int) -> float | None:
    """The height of a row of `lines` lines of 10-point text; None leaves a one-line row at the default."""
    return lines * LINE_HEIGHT + ROW_MARGIN if lines > 1 else None


# --- sheets and pages -------------------------------------------------------------------------------------------


def _sheet_name(title: str, fallback: str, taken: set[str]) -> str:
    """`title` as Excel allows a sheet name (31 characters, none of []:*?/\\), shortened at a word, unique in
    the workbook."""
    name = ""
    for candidate in (title, fallback, "Sheet"):
        name = _SHEET_NAME_FORBIDDEN.sub("", ILLEGAL_CHARACTERS_RE.sub("", candidate or ""))
        name = _shorten(" ".join(name.split()).strip("'").strip(), MAX_SHEET_NAME)
        if name and name.lower() != "history":  # Excel reserves "History"
            break
    unique, number = name, 1
    while unique.lower() in taken:
        number += 1
        suffix = f" ({number})"
        unique = _shorten(name, MAX_SHEET_NAME - len(suffix)) + suffix
    taken.add(unique.lower())
    return unique


def _shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at the end of a word (mid-word only for a single long word)."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1]
    space = cut.rfind(" ")
    if space >= limit // 3:
        cut = cut[:space]
    else:
        cut = cut[:limit]
    return cut.rstrip(" -–—:;,.·'").strip() or text[:limit].strip()


def _page_setup(sheet: Worksheet, data: ReportData, title_rows: str) -> None:
    setup = sheet.page_setup
    setup.orientation = "portrait" if data.orientation == "portrait" else "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_margins.left = sheet.page_margins.right = SIDE_MARGIN_INCHES
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


def _pixels(widths: list[float]) -> float:
    return sum(7 * w + 5 for w in widths)


def _page_pixels(orientation: str) -> float:
    return PRINTABLE_PIXELS["portrait" if orientation == "portrait" else "landscape"]


def _narrowed(widths: list[float], floors: list[float], texts: list[bool], orientation: str) -> list[float]:
    """Columns too wide for the page are narrowed, none below its floor, until they fit at the comfortable
    scale: numbers and dates to their content, then the widest text columns (whose text wraps onto more
    lines)."""
    available = _page_pixels(orientation) * 100 / COMFORTABLE_PRINT_SCALE
    if _pixels(widths) <= _page_pixels(orientation):
        return widths

    # Numbers and dates first: at their content's width they lose nothing. Then the widest text.
    widths = [floor if not text else w for w, floor, text in zip(widths, floors, texts)]
    if _pixels(widths) <= available:
        return widths

    def capped(cap: float) -> list[float]:
        return [min(w, max(cap, floor)) for w, floor in zip(widths, floors)]

    low, high = 0.0, max(widths, default=0.0)
    if _pixels(capped(low)) > available:
        return capped(low)  # as narrow as they go: printed smaller, or over several pages
    for _ in range(30):  # the widest cap that fits
        middle = (low + high) / 2
        low, high = (middle, high) if _pixels(capped(middle)) <= available else (low, middle)
    return capped(low)


def _fit_to_page(sheet: Worksheet, data: ReportData, widths: list[float]) -> bool:
    """One page wide when that keeps the print readable; else a readable scale over several pages across
    (then read row by row: across first, then down). True when the sheet is split across."""
    pixels = _pixels(widths)
    scale = _page_pixels(data.orientation) / pixels * 100 if pixels else 100
    setup = sheet.page_setup
    if scale >= MIN_PRINT_SCALE:
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        return False
    setup.scale = MIN_PRINT_SCALE
    setup.pageOrder = "overThenDown"
    sheet.sheet_properties.pageSetUpPr.fitToPage = False
    return True


def _footer_text(text: str, limit: int) -> str:
    """Literal text in a header/footer, where "&" starts a code."""
    text = ILLEGAL_CHARACTERS_RE.sub("", " ".join(text.split()))
    return text[:limit].replace("&", "&&")


# --- a reproducible file ----------------------------------------------------------------------------------------

_SHEET_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>.*?</sheetData>", re.DOTALL)
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"\s*/>')
_CHUNK_ROWS = 500  # rows joined per write into the zip


def _save(workbook: Workbook, styles: _Styles, tables: list[_TableSheet], path: Path) -> None:
    """Save with fixed document times and zip entry times, so equal data sets give equal bytes; each table
    sheet's rows streamed into its entry in place of the empty sheetData openpyxl wrote."""
    frame = BytesIO()
    workbook.save(frame)  # openpyxl stamps the current time as "modified": replaced below
    styles.closed = True
    workbook.properties.created = DOCUMENT_TIME
    workbook.properties.modified = DOCUMENT_TIME
    core = tostring(workbook.properties.to_tree())
    streamed = {table.sheet.path.lstrip("/"): table for table in tables}

    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with ZipFile(frame) as source, ZipFile(temporary, "w", ZIP_DEFLATED, compresslevel=6) as target:
            for entry in source.infolist():
                info = ZipInfo(entry.filename, date_time=DOCUMENT_TIME.timetuple()[:6])
                info.compress_type = ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                content = core if entry.filename == "docProps/core.xml" else source.read(entry.filename)
                table = streamed.get(entry.filename)
                if table is None:
                    target.writestr(info, content)
                    continue
                _write_sheet(target, info, content, table)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def _write_sheet(target: ZipFile, info: ZipInfo, frame: bytes, table: _TableSheet) -> None:
    found = _SHEET_DATA.search(frame)
    if found is None:
        raise RuntimeError(f"openpyxl wrote no sheetData into {info.filename}")
    head, tail = frame[:found.start()], frame[found.end():]
    head = _DIMENSION.sub(f'<dimension ref="{table.dimension}"/>'.encode(), head, count=1)
    with target.open(info, "w") as out:
        out.write(head + b"<sheetData>")
        batch: list[str] = []
        for row in table.xml_rows():
            batch.append(row)
            if len(batch) == _CHUNK_ROWS:
                out.write("".join(batch).encode())
                batch.clear()
        out.write("".join(batch).encode())
        out.write(b"</sheetData>" + tail)
