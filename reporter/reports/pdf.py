"""The PDF renderer: a report data set as an A4 document a coordinator can sign and submit.

Layout: the title, subtitle and header pairs on the first page; each table with
its title, column headers repeated on every page it spans, subtotal and total
rows summed here with Decimal; the findings; a signature block. A running
header (title · subtitle) on the following pages and "Page X of Y" on every page.

Long tables are laid out a page at a time (`_PagedTable`): every page gets a
small platypus Table of the rows that fit, so the work grows linearly with the
number of rows (one 20 000-row platypus Table does not). Cell text is wrapped
here into plain lines rather than Paragraphs: faster, and user text is never
read as markup. Text that does go through a Paragraph (titles, header values,
findings) is escaped first.

The same data set always gives the same bytes (reportlab's invariant mode,
nothing time-based in the document).

Import this module only when a PDF is written: it loads reportlab.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from babel.numbers import format_decimal, get_decimal_symbol
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reporter.domain.money import format_amount
from reporter.paths import resources_dir
from reporter.reports.model import (
    DATA,
    DATE,
    GROUP,
    MONEY,
    NUMBER,
    NUMERIC_KINDS,
    PERCENT,
    SUBTOTAL,
    FindingLine,
    ReportData,
)
from reporter.reports.model import Table as ReportTable

__all__ = ["render_pdf"]

APP_NAME = "Grant Reporter"

# --- fonts -------------------------------------------------------------------------------

SANS, SANS_BOLD = "DejaVuSans", "DejaVuSans-Bold"
CONDENSED, CONDENSED_BOLD = "DejaVuSansCondensed", "DejaVuSansCondensed-Bold"
_FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    CONDENSED: "DejaVuSansCondensed.ttf",
    CONDENSED_BOLD: "DejaVuSansCondensed-Bold.ttf",
}
_fonts_lock = threading.Lock()
_fonts_registered = False


def register_fonts() -> None:
    """Register the bundled DejaVu faces by path, once per process (reportlab's own fonts lack ą, ā…)."""
    global _fonts_registered
    with _fonts_lock:
        if _fonts_registered:
            return
        from reportlab.lib.fonts import addMapping

        folder = resources_dir() / "fonts"
        known = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FONT_FILES.items():
            if name not in known:
                pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
        for family, regular, bold in ((SANS, SANS, SANS_BOLD), (CONDENSED, CONDENSED, CONDENSED_BOLD)):
            # No italic faces are bundled: italic maps to upright so <i> never falls back to Helvetica.
            addMapping(family, 0, 0, regular)
            addMapping(family, 1, 0, bold)
            addMapping(family, 0, 1, regular)
            addMapping(family, 1, 1, bold)
        _fonts_registered = True


# --- look ----------------------------------------------------------------------------------

MARGIN_X = 15 * mm
MARGIN_TOP = 17 * mm
MARGIN_BOTTOM = 16 * mm

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#5f6368")
RULE = colors.HexColor("#9aa0a6")
GRID = colors.HexColor("#b8bcc2")
HEADER_FILL = colors.HexColor("#e3e7ec")
GROUP_FILL = colors.HexColor("#f1f3f5")
TOTAL_FILL = colors.HexColor("#e3e7ec")
SEVERITY_COLOURS = {
    "error": colors.HexColor("#c62828"),
    "warning": colors.HexColor("#b26a00"),
    "info": colors.HexColor("#5f6368"),
}

CELL_FONT_SIZE = 8
CELL_LEADING = 9.6
CELL_PAD_X = 3
CELL_PAD_Y = 2.5

# Row kinds of the laid-out table beyond the model's DATA, GROUP, SUBTOTAL.
_TOTAL = "total"
_HEADER = "header"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=SANS, fontSize=9, leading=11.5, textColor=INK, alignment=TA_LEFT)
    return {
        "title": ParagraphStyle("title", base, fontName=SANS_BOLD, fontSize=16, leading=20, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=8),
        "label": ParagraphStyle("label", base, fontName=SANS_BOLD, fontSize=8.5, leading=11, textColor=MUTED),
        "value": ParagraphStyle("value", base, fontSize=9.5, leading=12),
        "heading": ParagraphStyle("heading", base, fontName=SANS_BOLD, fontSize=11.5, leading=14,
                                  spaceBefore=14, spaceAfter=5),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10, textColor=MUTED, spaceBefore=4),
        "body": base,
        "sign": ParagraphStyle("sign", base, fontSize=9, leading=11),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain user text: markup characters print as themselves."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


# --- values --------------------------------------------------------------------------------

_HUNDREDTH = Decimal("0.01")


def format_value(value: object, kind: str, lang: str) -> str:
    """A cell value as a reader sees it, in the report's language."""
    if value is None:
        return ""
    is_number = isinstance(value, (Decimal, int)) and not isinstance(value, bool)
    if kind == MONEY and is_number:
        return format_amount(Decimal(value).quantize(_HUNDREDTH, ROUND_HALF_UP), lang)
    if kind == PERCENT and is_number:
        number = Decimal(value).quantize(_HUNDREDTH, ROUND_HALF_UP)
        return format_decimal(number, format="#,##0.00", locale=lang) + "\u00a0%"
    if kind == NUMBER and isinstance(value, Decimal):
        return format(value, "f").replace(".", get_decimal_symbol(lang))  # every digit kept: rates, units
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _add(total: Decimal | int, value: object) -> Decimal | int:
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return total + value
    return total


# --- wrapping ------------------------------------------------------------------------------


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """Split text into lines no wider than width: at spaces, and inside a word only when it is too long."""
    lines: list[str] = []
    measure = pdfmetrics.stringWidth
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
        if measure(paragraph, font, size) <= width:
            lines.append(paragraph)
            continue
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if measure(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while measure(word, font, size) > width and len(word) > 1:
                cut = _fitting_prefix(word, font, size, width)
                lines.append(word[:cut])
                word = word[cut:]
            current = word
        lines.append(current)
    return lines


def _fitting_prefix(word: str, font: str, size: float, width: float) -> int:
    used = 0.0
    for i, char in enumerate(word):
        used += pdfmetrics.stringWidth(char, font, size)
        if used > width:
            return max(i, 1)
    return len(word)


# --- paged tables ---------------------------------------------------------------------------


@dataclass
class _Line:
    """One laid-out row: its cells as text (lines joined by \\n), its kind and height."""

    cells: list[str]
    kind: str
    height: float
    span_to: int = 0  # the first cell spans columns 0..span_to
    colour: colors.Color | None = None  # text colour of the first cell


class _Chunk(Flowable):
    """The part of a table on one page: the table's title (on the first part only) above a Table."""

    def __init__(self, caption: Paragraph | None, table: Table, gap: float, note: Paragraph | None = None):
        super().__init__()
        self.caption, self.table, self.gap, self.note = caption, table, gap, note
        self.spaceBefore = caption.style.spaceBefore if caption is not None else 0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self._tw, self._th = self.table.wrap(aW, aH)
        self._ch = self.caption.wrap(aW, aH)[1] + self.gap if self.caption is not None else 0
        self._nh = self.note.wrap(aW, aH)[1] + self.note.style.spaceBefore if self.note is not None else 0
        self.width, self.height = aW, self._th + self._ch + self._nh
        return self.width, self.height

    def draw(self) -> None:
        if self.note is not None:
            self.note.drawOn(self.canv, 0, 0)
        self.table.drawOn(self.canv, 0, self._nh)
        if self.caption is not None:
            self.caption.drawOn(self.canv, 0, self._nh + self._th + self.gap)


class _PagedTable(Flowable):
    """A table of any length, cut into one platypus Table per page, each starting with the column headers.

    The rows are laid out once (wrapped text, heights); every split hands the
    rest of the rows to a new _PagedTable that shares those lists, so a page
    costs the same at row 50 as at row 50 000.
    """

    def __init__(self, caption: Paragraph | None, header: _Line | None, lines: list[_Line],
                 widths: list[float], style: Callable[[list[_Line], bool], list[tuple]],
                 frame_height: float, start: int = 0, cumulative: list[float] | None = None,
                 note: Paragraph | None = None):
        super().__init__()
        self.caption, self.header, self.lines, self.widths = caption, header, lines, widths
        self.note = note  # drawn under the last rows, on the same page
        self.style, self.frame_height, self.start = style, frame_height, start
        if cumulative is None:
            cumulative = [0.0]
            for line in lines:
                cumulative.append(cumulative[-1] + line.height)
        self.cumulative = cumulative
        self.gap = caption.style.spaceAfter if caption is not None else 0
        self.spaceBefore = caption.style.spaceBefore if caption is not None else 0
        self.spaceAfter = 2

    # sizes

    def _fixed_height(self, aW: float) -> float:
        height = self.header.height if self.header is not None else 0
        if self.caption is not None:
            height += self.caption.wrap(aW, self.frame_height)[1] + self.gap
        return height

    def _rows_height(self, start: int, end: int) -> float:
        return self.cumulative[end] - self.cumulative[start]

    def _note_height(self, aW: float) -> float:
        if self.note is None:
            return 0
        return self.note.wrap(aW, self.frame_height)[1] + self.note.style.spaceBefore

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.width = sum(self.widths)
        self.height = (self._fixed_height(aW) + self._rows_height(self.start, len(self.lines))
                       + self._note_height(aW))
        return self.width, self.height

    # splitting

    def split(self, aW: float, aH: float) -> list[Flowable]:
        count = len(self.lines)
        room = aH - self._fixed_height(aW)
        end = bisect_right(self.cumulative, self.cumulative[self.start] + room + 1e-6) - 1
        end = min(end, count)
        if end >= count:
            if self._rows_height(self.start, count) + self._note_height(aW) <= room + 1e-6:
                return [self._piece(self.start, count)]
            end = count - 1  # the note does not fit: take the last row over with it
        # A group title never ends a page; a total never stands alone at the top of one.
        while end - 1 > self.start and self.lines[end - 1].kind == GROUP:
            end -= 1
        if end == count - 1 and self.lines[end].kind == _TOTAL and end - 1 > self.start:
            end -= 1
        fresh_page = aH >= self.frame_height - 1
        if end <= self.start or (self.caption is not None and end - self.start < min(3, count) and not fresh_page):
            return []  # start on the next page rather than leave a title and a row or two behind
        rest = _PagedTable(None, self.header, self.lines, self.widths, self.style, self.frame_height, end,
                           self.cumulative, self.note)
        return [self._piece(self.start, end), rest]

    def _piece(self, start: int, end: int) -> _Chunk:
        lines = self.lines[start:end]
        rows = ([self.header] if self.header is not None else []) + lines
        table = Table([row.cells for row in rows], colWidths=self.widths, rowHeights=[row.height for row in rows],
                      style=TableStyle(self.style(rows, self.header is not None)), hAlign="LEFT")
        return _Chunk(self.caption, table, self.gap, self.note if end == len(self.lines) else None)

    def draw(self) -> None:
        piece = self._piece(self.start, len(self.lines))
        piece.wrapOn(self.canv, self.width, self.height)
        piece.drawOn(self.canv, 0, 0)


def _row_height(line_count: int) -> float:
    return line_count * CELL_LEADING + 2 * CELL_PAD_Y + 1


def _split_tall(cells: list[list[str]], max_lines: int) -> list[list[list[str]]]:
    """Cut a row whose text is taller than a page into rows of at most max_lines lines."""
    tallest = max(len(c) for c in cells)
    if tallest <= max_lines:
        return [cells]
    return [[c[i:i + max_lines] for c in cells] for i in range(0, tallest, max_lines)]


def _widen(widths: list[float], needed: list[float]) -> list[float]:
    """Give each column at least the width it needs, taken from columns with room to spare
    (in proportion to their spare room); unchanged when the frame is too narrow for all of them."""
    deficit = sum(max(0.0, n - w) for n, w in zip(needed, widths, strict=True))
    spare = [max(0.0, w - n) for n, w in zip(needed, widths, strict=True)]
    if not deficit or sum(spare) < deficit:
        return widths
    ratio = deficit / sum(spare)
    return [n if w < n else w - s * ratio for n, w, s in zip(needed, widths, spare, strict=True)]


# Values that must never break inside: "2024-01-0 / 1" or "1 036,2 / 8" would misread.
_UNBREAKABLE_KINDS = (DATE, *NUMERIC_KINDS)


@dataclass
class _Formatted:
    """A row with its values as text, before wrapping."""

    texts: list[str]
    kind: str
    span_to: int = 0

    @property
    def bold(self) -> bool:
        return self.kind != DATA


class _TableLayout:
    """Lays out one report table: formats and sums values, sizes the columns, wraps text, styles each page."""

    def __init__(self, table: ReportTable, lang: str, frame_width: float, frame_height: float):
        self.table, self.lang = table, lang
        self.columns = table.columns
        self.frame_height = frame_height
        self.numeric = [c.kind in NUMERIC_KINDS for c in self.columns]
        self.rows = self._formatted_rows()
        weight = sum(max(c.width, 0.01) for c in self.columns) or 1
        self.widths = _widen([frame_width * max(c.width, 0.01) / weight for c in self.columns],
                             self._needed_widths())

    # values

    def _formatted_rows(self) -> list[_Formatted]:
        """Every row as text, with the subtotal and total rows summed here (Decimal, exact)."""
        columns, lang = self.columns, self.lang
        width = len(columns)
        totals = [c.total for c in columns]
        group_sums: list[Decimal | int] = [0] * width
        grand_sums: list[Decimal | int] = [0] * width
        rows: list[_Formatted] = []
        for row in self.table.rows:
            cells = (tuple(row.cells) + (None,) * width)[:width]
            if row.kind == GROUP:
                title = "" if cells[0] is None else format_value(cells[0], columns[0].kind, lang)
                rows.append(_Formatted([title] + [""] * (width - 1), GROUP, span_to=width - 1))
                group_sums = [0] * width
            elif row.kind == SUBTOTAL:
                rows.append(self._sum_row(cells[0], group_sums, cells, SUBTOTAL))
                group_sums = [0] * width
            else:
                rows.append(_Formatted([format_value(v, c.kind, lang) for v, c in zip(cells, columns, strict=True)],
                                       DATA))
                for i in range(width):
                    if totals[i]:
                        group_sums[i] = _add(group_sums[i], cells[i])
                        grand_sums[i] = _add(grand_sums[i], cells[i])
        if self.table.total_label:
            rows.append(self._sum_row(self.table.total_label, grand_sums, (None,) * width, _TOTAL))
        return rows

    def _sum_row(self, label: object, sums: Sequence[Decimal | int], given: Sequence[object],
                 kind: str) -> _Formatted:
        """A subtotal or total row: summed total columns, given values elsewhere, the label spanning to the first."""
        columns, lang = self.columns, self.lang
        values = [sums[i] if c.total else given[i] for i, c in enumerate(columns)]
        values[0] = label
        texts = [format_value(v, c.kind, lang) for v, c in zip(values, columns, strict=True)]
        span_to = 0
        while span_to + 1 < len(columns) and not columns[span_to + 1].total and not texts[span_to + 1]:
            span_to += 1
        return _Formatted(texts, kind, span_to)

    def _needed_widths(self) -> list[float]:
        """Per column: the longest header word, and the widest date or number, fit on one line."""
        measure = pdfmetrics.stringWidth
        needed = [max((measure(word, CONDENSED_BOLD, CELL_FONT_SIZE) for word in c.label.split()), default=0)
                  for c in self.columns]
        for i, column in enumerate(self.columns):
            if column.kind not in _UNBREAKABLE_KINDS:
                continue
            widest: dict[bool, str] = {}  # digits are equally wide: measure only the longest text per face
            for row in self.rows:
                if i and i <= row.span_to or (i == 0 and row.span_to):
                    continue
                text = row.texts[i]
                if len(text) > len(widest.get(row.bold, "")):
                    widest[row.bold] = text
            for bold, text in widest.items():
                needed[i] = max(needed[i], measure(text, CONDENSED_BOLD if bold else CONDENSED, CELL_FONT_SIZE))
        return [n + 2 * CELL_PAD_X + 0.5 for n in needed]

    # lines

    def _text_width(self, first: int, last: int) -> float:
        return sum(self.widths[first:last + 1]) - 2 * CELL_PAD_X

    def _line(self, row: _Formatted, max_lines: int = 10_000) -> list[_Line]:
        font = CONDENSED_BOLD if row.bold else CONDENSED
        span_to = row.span_to
        wrapped = []
        for i, text in enumerate(row.texts):
            if i and i <= span_to:
                wrapped.append([""])
                continue
            width = self._text_width(i, span_to if i == 0 else i)
            if not text:
                wrapped.append([""])
            elif pdfmetrics.stringWidth(text, font, CELL_FONT_SIZE) <= width:
                wrapped.append([text])
            else:
                wrapped.append(wrap_text(text, font, CELL_FONT_SIZE, width))
        return [_Line(["\n".join(c) for c in part], row.kind, _row_height(max(len(c) for c in part)), span_to)
                for part in _split_tall(wrapped, max_lines)]

    def header_line(self) -> _Line:
        return self._line(_Formatted([c.label for c in self.columns], _HEADER))[0]

    def body_lines(self, max_lines: int) -> list[_Line]:
        lines: list[_Line] = []
        for row in self.rows:
            lines += self._line(row, max_lines)
        return lines

    def style(self, rows: list[_Line], has_header: bool) -> list[tuple]:
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), CONDENSED, CELL_FONT_SIZE, CELL_LEADING),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ]
        for i, numeric in enumerate(self.numeric):
            if numeric:
                commands.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
        for r, line in enumerate(rows):
            if line.kind == DATA:
                continue
            commands.append(("FONT", (0, r), (-1, r), CONDENSED_BOLD, CELL_FONT_SIZE, CELL_LEADING))
            if line.kind == _HEADER:
                commands += [("BACKGROUND", (0, r), (-1, r), HEADER_FILL), ("VALIGN", (0, r), (-1, r), "BOTTOM"),
                             ("LINEBELOW", (0, r), (-1, r), 0.8, RULE)]
            elif line.kind == GROUP:
                commands.append(("BACKGROUND", (0, r), (-1, r), GROUP_FILL))
            elif line.kind == _TOTAL:
                commands += [("BACKGROUND", (0, r), (-1, r), TOTAL_FILL), ("LINEABOVE", (0, r), (-1, r), 0.8, RULE)]
            if line.span_to:
                commands += [("SPAN", (0, r), (line.span_to, r)), ("ALIGN", (0, r), (0, r), "LEFT")]
        return commands

    def flowable(self, caption: Paragraph, note: Paragraph | None) -> _PagedTable:
        header = self.header_line()
        caption_height = caption.wrap(sum(self.widths), self.frame_height)[1] + caption.style.spaceAfter
        room = self.frame_height - header.height - caption_height - 4
        max_lines = max(1, int((room - 2 * CELL_PAD_Y - 1) // CELL_LEADING))
        return _PagedTable(caption, header, self.body_lines(max_lines), self.widths, self.style, self.frame_height,
                           note=note)


def _findings_flowable(findings: Sequence[FindingLine], frame_width: float, frame_height: float,
                       caption: Paragraph) -> _PagedTable:
    """The findings as a list: severity (coloured), rule, message, records; paged like the tables."""
    shares = (0.11, 0.17, 0.55, 0.17)
    widths = [frame_width * s for s in shares]
    max_lines = max(1, int((frame_height - 60) // CELL_LEADING))
    lines: list[_Line] = []
    for finding in findings:
        wrapped = []
        for i, text in enumerate((finding.severity_label, finding.rule, finding.message, finding.records)):
            font = CONDENSED_BOLD if i == 0 else CONDENSED
            wrapped.append(wrap_text(text or "", font, CELL_FONT_SIZE, widths[i] - 2 * CELL_PAD_X))
        for part in _split_tall(wrapped, max_lines):
            lines.append(_Line(["\n".join(c) for c in part], DATA, _row_height(max(len(c) for c in part)),
                               colour=SEVERITY_COLOURS.get(finding.severity, MUTED)))

    def style(rows: list[_Line], has_header: bool) -> list[tuple]:
        commands: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), CONDENSED, CELL_FONT_SIZE, CELL_LEADING),
            ("FONT", (0, 0), (0, -1), CONDENSED_BOLD, CELL_FONT_SIZE, CELL_LEADING),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("TEXTCOLOR", (1, 0), (1, -1), MUTED),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PAD_Y),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
        ]
        for r, line in enumerate(rows):
            commands.append(("TEXTCOLOR", (0, r), (0, r), line.colour or MUTED))
        return commands

    return _PagedTable(caption, None, lines, widths, style, frame_height)


# --- page furniture ------------------------------------------------------------------------


def _canvas_class(data: ReportData, page_width: float) -> type[Canvas]:
    """A canvas that holds its pages back until the end, so every footer can say how many there are."""
    generated = data.labels.get("generated", "")
    note = f"{generated}: {APP_NAME}" if generated else APP_NAME

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._held_pages)
            for number, state in enumerate(self._held_pages, start=1):
                self.__dict__.update(state)
                self._draw_footer(number, pages)
                Canvas.showPage(self)
            Canvas.save(self)

        def _draw_footer(self, page: int, pages: int) -> None:
            y = MARGIN_BOTTOM - 8 * mm
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, y + 10, page_width - MARGIN_X, y + 10)
            self.setFillColor(MUTED)
            self.setFont(SANS, 7.5)
            self.drawString(MARGIN_X, y, note)
            self.setFillColor(INK)
            self.setFont(SANS, 8.5)
            self.drawRightString(page_width - MARGIN_X, y, data.page_label.format(page=page, pages=pages))
            self.restoreState()

    return NumberedCanvas


def _running_header(data: ReportData, page_width: float, page_height: float) -> Callable[[Canvas, object], None]:
    text = " · ".join(t for t in (data.title, data.subtitle) if t)

    def draw(canv: Canvas, doc: object) -> None:
        y = page_height - MARGIN_TOP + 5 * mm
        canv.saveState()
        canv.setFont(SANS, 7.5)
        canv.setFillColor(MUTED)
        width = page_width - 2 * MARGIN_X
        line = text
        while line and pdfmetrics.stringWidth(line, SANS, 7.5) > width:
            line = line[:-2] + "…"
        canv.drawString(MARGIN_X, y, line)
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, y - 3, page_width - MARGIN_X, y - 3)
        canv.restoreState()

    return draw


def _nothing(canv: Canvas, doc: object) -> None:
    pass


# --- document --------------------------------------------------------------------------------


def _header_block(data: ReportData, styles: dict[str, ParagraphStyle], frame_width: float) -> list[Flowable]:
    story: list[Flowable] = [_para(data.title, styles["title"])]
    if data.subtitle:
        story.append(_para(data.subtitle, styles["subtitle"]))
    if data.header:
        label_width = min(55 * mm, frame_width * 0.3)
        rows = [[_para(label, styles["label"]), _para(value, styles["value"])] for label, value in data.header]
        table = Table(rows, colWidths=[label_width, frame_width - label_width], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 9),  # the cells are Paragraphs; this keeps Helvetica out
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
            ("LINEABOVE", (0, 0), (-1, 0), 0.8, RULE),
            ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
            ("LINEBELOW", (0, -1), (-1, -1), 0.8, RULE),
        ]))
        story.append(table)
    return story


def _signature_block(data: ReportData, styles: dict[str, ParagraphStyle], frame_width: float) -> Flowable:
    label_width = 45 * mm
    line_width = min(100 * mm, frame_width - label_width)
    rows = [[_para(field, styles["sign"]), ""] for field in data.signature_fields]
    parts: list[Flowable] = [_para(data.signature_title, styles["heading"])]
    if rows:
        table = Table(rows, colWidths=[label_width, line_width], rowHeights=[26] * len(rows), hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 9),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEBELOW", (1, 0), (1, -1), 0.6, INK),
        ]))
        parts.append(table)
    return KeepTogether(parts)


def _story(data: ReportData, frame_width: float, frame_height: float) -> list[Flowable]:
    styles = _styles()
    story = _header_block(data, styles, frame_width)
    for table in data.tables:
        layout = _TableLayout(table, data.lang, frame_width, frame_height)
        note = _para(table.note, styles["note"]) if table.note else None
        story.append(layout.flowable(_para(table.title, styles["heading"]), note))
    if data.findings:
        caption = _para(data.findings_title, styles["heading"])
        story.append(_findings_flowable(data.findings, frame_width, frame_height, caption))
    else:
        story.append(KeepTogether([_para(data.findings_title, styles["heading"]),
                                   _para(data.no_findings, styles["body"])]))
    story += [Spacer(1, 6), _signature_block(data, styles, frame_width)]
    return story


def render_pdf(data: ReportData, path: Path) -> None:
    """Write the report as a PDF at path: the same data set always gives the same bytes."""
    register_fonts()
    page = landscape(A4) if data.orientation == "landscape" else A4
    page_width, page_height = page
    title = " · ".join(t for t in (data.title, data.subtitle) if t)
    subject = "; ".join(f"{label}: {value}" for label, value in data.header)
    doc = SimpleDocTemplate(
        str(path), pagesize=page, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=title, author=data.author, subject=subject, creator=APP_NAME,
        keywords=data.template, lang=data.lang, invariant=1,
        initialFontName=SANS,  # else every page starts by naming Helvetica, a font it never uses
    )
    # SimpleDocTemplate's frame keeps 6 pt of padding on each side.
    story = _story(data, doc.width - 12, doc.height - 12)
    doc.build(story, onFirstPage=_nothing, onLaterPages=_running_header(data, page_width, page_height),
              canvasmaker=_canvas_class(data, page_width))
