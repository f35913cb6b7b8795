"""The PDF renderer: a report data set as an A4 document a coordinator can sign and submit.

Layout: the title, subtitle and header pairs on the first page; each table with
its title, column headers repeated on every page it spans, subtotal and total
rows summed here with Decimal; the findings; a signature block, always under the
last rows of the findings (or with "no findings"), never alone on a page. On top
of pages 2+ the title and subtitle; at the foot of every page the project,
period and partner, the report's identifier, the SHA-256 of its data and "Page
X of Y".

Long tables are laid out a page at a time (`_PagedTable`): every page gets a
block of the rows that fit, drawn straight onto the canvas, so the work grows
linearly with the number of rows and no page is held back in memory. Where a
page may end is decided there too: no subtotal or total at the top of a page, no
group title at the bottom, short groups (an activity's sources) whole. Cell text
is wrapped here into plain lines rather than Paragraphs (faster, and user text
is never read as markup), long words hyphenated by the report's language. Text
that does go through a Paragraph (titles, header values) is escaped first.

The same data set always gives the same bytes (reportlab's invariant mode,
nothing time-based in the document).

Import this module only when a PDF is written: it loads reportlab and pyphen.
"""

from __future__ import annotations

import gc
import re
import threading
import zlib
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import pyphen
from babel.dates import format_date
from babel.numbers import get_decimal_symbol
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
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
    data_hash,
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
MARGIN_BOTTOM = 19 * mm  # the footer's two lines

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
_FILLS = {_HEADER: HEADER_FILL, GROUP: GROUP_FILL, _TOTAL: TOTAL_FILL}


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
        "sign_name": ParagraphStyle("sign_name", base, fontName=SANS_BOLD, fontSize=9, leading=11),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain user text: markup characters print as themselves."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


# --- values --------------------------------------------------------------------------------

_HUNDREDTH = Decimal("0.01")
ISO_DATE = "yyyy-MM-dd"  # a data set without its language's date form (snapshots made before it had one)


class _Formatter:
    """Cell values as a reader sees them in the report's language: amounts grouped, dates in the language's form."""

    def __init__(self, lang: str, date_pattern: str):
        self.lang, self.date_pattern = lang, date_pattern
        self.decimal = get_decimal_symbol(lang)
        self._dates: dict[date, str] = {}  # a period has a few hundred distinct days, written many times

    def __call__(self, value: object, kind: str) -> str:
        if value is None:
            return ""
        is_number = isinstance(value, (Decimal, int)) and not isinstance(value, bool)
        if kind == MONEY and is_number:
            return format_amount(Decimal(value).quantize(_HUNDREDTH, ROUND_HALF_UP), self.lang)
        if kind == PERCENT and is_number:
            return format_amount(Decimal(value).quantize(_HUNDREDTH, ROUND_HALF_UP), self.lang) + "\u00a0%"
        if kind == NUMBER and isinstance(value, Decimal):
            return format(value, "f").replace(".", self.decimal)  # every digit kept: rates, units
        if isinstance(value, date):
            return self.day(value)
        return str(value)

    def day(self, value: date) -> str:
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = format_date(value, self.date_pattern, locale=self.lang)
        return text


def _add(total: Decimal | int, value: object) -> Decimal | int:
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return total + value
    return total


# --- wrapping and hyphenation ----------------------------------------------------------------

_DASHES = re.compile("[-–—]")  # a hyphen, an en dash, an em dash: a word breaks after one of its own
# pyphen's dictionary per report language (Lithuanian is filed as plain "lt").
_HYPHENATION = {"lt": "lt_LT", "lv": "lv_LV", "en": "en_GB"}


@lru_cache(maxsize=None)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=pyphen.language_fallback(_HYPHENATION.get(lang, lang)) or "en_GB")


class _Wrapper:
    """Splits cell text into lines no wider than a cell: at spaces, and a word longer than a whole line at the
    language's hyphenation points with a hyphen ("Projekti-", "juhtimise"), or after a hyphen or dash of its own.
    Only a word with no such point that fits (a code, a number) is cut between two characters."""

    def __init__(self, lang: str):
        self.dictionary = _dictionary(lang)
        self._points: dict[str, list[int]] = {}
        self._wrapped: dict[tuple[str, str, float, float], list[str]] = {}  # names and descriptions recur row after row

    def points(self, word: str) -> list[int]:
        """Where the word may break, as offsets, last first: after a hyphen of its own, and inside each of its
        hyphen-joined parts where the dictionary allows; a code or number (any digit) only after its hyphens."""
        found = self._points.get(word)
        if found is not None:
            return found
        points, offset = set(), 0
        for part in _DASHES.split(word):  # a route "Vilnius–Kaunas–Vilnius" breaks after its dashes
            if offset:
                points.add(offset)
            if part and not any(char.isdigit() for char in part):
                points.update(offset + p for p in self.dictionary.positions(part))
            offset += len(part) + 1
        found = sorted((p for p in points if 0 < p < len(word)), reverse=True)
        if not any(char.isdigit() for char in word):  # codes are mostly unique: not worth keeping
            self._points[word] = found
        return found

    def lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        key = (text, font, size, width)
        found = self._wrapped.get(key)
        if found is None:
            found = self._lines(text, font, size, width)
            if not any(char.isdigit() for char in text):  # codes and amounts are mostly unique: not worth keeping
                self._wrapped[key] = found
        return found

    def _lines(self, text: str, font: str, size: float, width: float) -> list[str]:
        measure = pdfmetrics.getFont(font).stringWidth
        lines: list[str] = []
        for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"):
            if measure(paragraph, size) <= width:
                lines.append(paragraph)
                continue
            current = ""
            for word in paragraph.split(" "):
                candidate = f"{current} {word}" if current else word
                if measure(candidate, size) <= width:
                    current = candidate
                    continue
                if measure(word, size) <= width:
                    lines.append(current)
                    current = word
                    continue
                current = self._break(word, f"{current} " if current else "", lines, measure, size, width)
            lines.append(current)
        return lines

    def _break(self, word: str, line: str, lines: list[str], measure: Callable[[str, float], float], size: float,
               width: float) -> str:
        """Put a word too long for a line into lines, its first piece on the current line when one fits there;
        gives back its last piece, the start of the next line."""
        points, start = self.points(word), 0
        while measure(word[start:], size) > width - (measure(line, size) if line else 0):
            point = next((p for p in points if p > start
                          and measure(line + _hyphenated(word[start:p]), size) <= width), None)
            if point is not None:
                lines.append(line + _hyphenated(word[start:point]))
                line, start = "", point
            elif line:  # no piece fits beside the line's words: try on a line of its own
                lines.append(line.rstrip(" "))
                line = ""
            else:  # no point fits even a line of its own (a code, a narrow cell): cut between two characters
                cut = start + _fitting_prefix(word[start:], measure, size, width)
                lines.append(word[start:cut])
                start = cut
        return line + word[start:]


def _hyphenated(piece: str) -> str:
    return piece if piece.endswith(("-", "–", "—")) else f"{piece}-"


def _fitting_prefix(word: str, measure: Callable[[str, float], float], size: float, width: float) -> int:
    used = 0.0
    for i, char in enumerate(word):
        used += measure(char, size)
        if used > width:
            return max(i, 1)
    return len(word)


# --- laid-out rows --------------------------------------------------------------------------


# Between the cells of a row kept as one string (a 100 000-row table would otherwise hold 1.5 million strings).
_CELL_SEPARATOR = "\x1f"


@dataclass(slots=True)
class _Line:
    """One laid-out row: its cells' text (cells joined by _CELL_SEPARATOR, a cell's lines by \\n), its kind
    and height."""

    text: str
    kind: str
    height: float
    span_to: int = 0  # the first cell spans columns 0..span_to
    colour: colors.Color | None = None  # text colour of the first cell

    @classmethod
    def of(cls, cells: list[list[str]], kind: str, span_to: int = 0,
           colour: colors.Color | None = None) -> _Line:
        return cls(_CELL_SEPARATOR.join("\n".join(c) for c in cells), kind, _row_height(max(len(c) for c in cells)),
                   span_to, colour)


def _row_height(line_count: int) -> float:
    return line_count * CELL_LEADING + 2 * CELL_PAD_Y + 1


def _split_tall(cells: list[list[str]], max_lines: int) -> list[list[list[str]]]:
    """Cut a row whose text is taller than a page into rows of at most max_lines lines."""
    tallest = max(len(c) for c in cells)
    if tallest <= max_lines:
        return [cells]
    return [[c[i:i + max_lines] for c in cells] for i in range(0, tallest, max_lines)]


@dataclass(frozen=True)
class _Look:
    """How a table's rows are drawn: a full grid (report tables) or rules under each row (the findings)."""

    widths: list[float]
    numeric: list[bool]  # right-aligned columns
    grid: bool = True
    muted: tuple[int, ...] = ()  # columns in the muted colour


class _Block(Flowable):
    """The rows of a table on one page, drawn straight onto the canvas: fills, rules, then one text object.

    What a platypus Table would do for these rows (same paddings, alignment and
    lines), without its per-cell style machinery: at 100 000 rows that machinery
    was most of the PDF's time.
    """

    def __init__(self, rows: list[_Line], look: _Look):
        super().__init__()
        self.rows, self.look = rows, look
        self.width = sum(look.widths)
        self.height = sum(row.height for row in rows)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv, look, rows = self.canv, self.look, self.rows
        lefts = [0.0]
        for width in look.widths:
            lefts.append(lefts[-1] + width)
        total_width = lefts[-1]
        tops, y = [], self.height
        for row in rows:
            tops.append(y)
            y -= row.height
        canv.saveState()
        for row, top in zip(rows, tops):
            fill = _FILLS.get(row.kind)
            if fill is not None:
                canv.setFillColor(fill)
                canv.rect(0, top - row.height, total_width, row.height, stroke=0, fill=1)
        canv.setLineWidth(0.4)
        canv.setStrokeColor(GRID)
        canv.lines([(0, top - row.height, total_width, top - row.height) for row, top in zip(rows, tops)])
        if look.grid:
            verticals = []
            for column in range(1, len(look.widths)):
                x, run_top = lefts[column], None
                for row, top in zip(rows, tops):
                    if row.span_to >= column:
                        if run_top is not None:
                            verticals.append((x, run_top, x, top))
                            run_top = None
                    elif run_top is None:
                        run_top = top
                if run_top is not None:
                    verticals.append((x, run_top, x, 0))
            canv.lines(verticals)
        canv.setLineWidth(0.8)
        canv.setStrokeColor(RULE)
        strong = []
        for row, top in zip(rows, tops):
            if row.kind == _HEADER:
                strong.append((0, top - row.height, total_width, top - row.height))
            elif row.kind == _TOTAL:
                strong.append((0, top, total_width, top))
        if look.grid:
            canv.rect(0, 0, total_width, self.height, stroke=1, fill=0)
        elif rows:
            strong.append((0, self.height, total_width, self.height))
        canv.lines(strong)
        self._draw_text(lefts, tops)
        canv.restoreState()

    def _draw_text(self, lefts: list[float], tops: list[float]) -> None:
        look = self.look
        text = self.canv.beginText()
        font, colour = None, None
        for row, top in zip(self.rows, tops):
            row_font = CONDENSED if row.kind == DATA else CONDENSED_BOLD
            if row_font != font:
                font = row_font
                text.setFont(font, CELL_FONT_SIZE, CELL_LEADING)
                measure = pdfmetrics.getFont(font).stringWidth
            for column, cell in enumerate(row.text.split(_CELL_SEPARATOR)):
                if not cell or column and column <= row.span_to:
                    continue
                lines = cell.split("\n")
                cell_colour = (row.colour if column == 0 and row.colour is not None
                               else MUTED if column in look.muted else INK)
                if cell_colour is not colour:
                    colour = cell_colour
                    text.setFillColor(colour)
                if row.kind == _HEADER:  # headers sit on the rule under them
                    y = top - row.height + CELL_PAD_Y + len(lines) * CELL_LEADING - CELL_FONT_SIZE
                else:
                    y = top - CELL_PAD_Y - CELL_FONT_SIZE
                right = look.numeric[column] and not (column == 0 and row.span_to)
                edge = lefts[(row.span_to if column == 0 else column) + 1] - CELL_PAD_X if right else \
                    lefts[column] + CELL_PAD_X
                for line in lines:
                    if line:
                        text.setTextOrigin(edge - measure(line, CELL_FONT_SIZE) if right else edge, y)
                        text.textOut(line)
                    y -= CELL_LEADING
        self.canv.drawText(text)


# --- paged tables ---------------------------------------------------------------------------


class _Chunk(Flowable):
    """What a table puts on one page: its title (on the first page only), the rows, and under its last rows
    the table's note and whatever must stay with them (the signatures, under the findings)."""

    def __init__(self, caption: Paragraph | None, block: _Block, gap: float, trailer: Sequence[Flowable] = ()):
        super().__init__()
        self.caption, self.block, self.gap, self.trailer = caption, block, gap, list(trailer)
        self.spaceBefore = caption.style.spaceBefore if caption is not None else 0

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self._ch = self.caption.wrap(aW, aH)[1] + self.gap if self.caption is not None else 0
        self._sizes = [(f.getSpaceBefore(), f.wrap(aW, aH)[1], f.getSpaceAfter()) for f in self.trailer]
        self.width = aW
        self.height = self._ch + self.block.height + sum(map(sum, self._sizes))
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        if self.caption is not None:
            y -= self._ch
            self.caption.drawOn(self.canv, 0, y + self.gap)
        y -= self.block.height
        self.block.drawOn(self.canv, 0, y)
        for flowable, (before, height, after) in zip(self.trailer, self._sizes):
            y -= before + height
            flowable.drawOn(self.canv, 0, y)
            y -= after


def _trailer_height(trailer: Sequence[Flowable], aW: float, aH: float) -> float:
    return sum(f.getSpaceBefore() + f.wrap(aW, aH)[1] + f.getSpaceAfter() for f in trailer)


# A group (its title, rows and subtotal), or a whole table, no taller than this part of a page is never split.
_KEEP_GROUP_SHARE = 0.5
# The rows that go onto the last page with what must follow the table.
_ROWS_WITH_TRAILER = 3


class _PagedTable(Flowable):
    """A table of any length, cut into one block per page, each starting with the column headers.

    The rows are laid out once (wrapped text, heights); every split hands the
    rest of the rows to a new _PagedTable that shares those lists, so a page
    costs the same at row 50 as at row 50 000. Where a page ends: never after a
    group's title, never before a subtotal or total (it keeps a row above it),
    not inside a table or group short enough to stay whole, and the table's last
    page holds a few rows with the trailer (note, signatures) rather than the
    trailer alone.
    """

    def __init__(self, caption: Paragraph | None, header: _Line | None, lines: list[_Line], look: _Look,
                 frame_height: float, trailer: Sequence[Flowable] = (), start: int = 0,
                 shared: tuple[list[float], list[int]] | None = None):
        super().__init__()
        self.caption, self.header, self.lines, self.look = caption, header, lines, look
        self.trailer = list(trailer)
        self.frame_height, self.start = frame_height, start
        self.cumulative, self.group_start = shared if shared is not None else self._index(lines, frame_height)
        self.gap = caption.style.spaceAfter if caption is not None else 0
        self.spaceBefore = caption.style.spaceBefore if caption is not None else 0
        self.spaceAfter = 2

    @staticmethod
    def _index(lines: list[_Line], frame_height: float) -> tuple[list[float], list[int]]:
        """Running heights, and for each row inside a group short enough to keep whole, where that group starts."""
        cumulative = [0.0]
        for line in lines:
            cumulative.append(cumulative[-1] + line.height)
        group_start = [-1] * len(lines)
        opened = -1
        for i, line in enumerate(lines):
            if line.kind == GROUP:
                opened = i
            elif line.kind == SUBTOTAL and opened >= 0:
                if cumulative[i + 1] - cumulative[opened] <= frame_height * _KEEP_GROUP_SHARE:
                    group_start[opened + 1:i + 1] = [opened] * (i - opened)
                opened = -1
        return cumulative, group_start

    # sizes

    def _fixed_height(self, aW: float) -> float:
        height = self.header.height if self.header is not None else 0
        if self.caption is not None:
            height += self.caption.wrap(aW, self.frame_height)[1] + self.gap
        return height

    def _rows_height(self, start: int, end: int) -> float:
        return self.cumulative[end] - self.cumulative[start]

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.width = sum(self.look.widths)
        self.height = (self._fixed_height(aW) + self._rows_height(self.start, len(self.lines))
                       + _trailer_height(self.trailer, aW, self.frame_height))
        return self.width, self.height

    # splitting

    def split(self, aW: float, aH: float) -> list[Flowable]:
        count, start, lines = len(self.lines), self.start, self.lines
        room = aH - self._fixed_height(aW)
        end = min(bisect_right(self.cumulative, self.cumulative[start] + room + 1e-6) - 1, count)
        if end >= count:
            if self._rows_height(start, count) + _trailer_height(self.trailer, aW, aH) <= room + 1e-6:
                return [self._piece(start, count)]
            end = count - _ROWS_WITH_TRAILER  # the trailer does not fit: the last rows go over with it
            if end <= start:
                return []
        if start < self.group_start[end] if end < count else False:
            end = self.group_start[end]  # the break falls inside a group that fits on a page: before it
        while end - 1 > start and end < count and lines[end].kind in (SUBTOTAL, _TOTAL):
            end -= 1  # a subtotal or total starts no page: a row above it goes along
        while end - 1 > start and lines[end - 1].kind == GROUP:
            end -= 1  # a group's title ends no page
        fresh_page = aH >= self.frame_height - 1
        short = self._rows_height(0, count) <= self.frame_height * _KEEP_GROUP_SHARE
        if end <= start or (self.caption is not None and (end - start < min(3, count) or short) and not fresh_page):
            return []  # on the next page: a short table whole, a long one without a title and a row or two left behind
        rest = _PagedTable(None, self.header, lines, self.look, self.frame_height, self.trailer, end,
                           (self.cumulative, self.group_start))
        return [self._piece(start, end), PageBreak(), rest]  # the rest on a page of its own, whatever room is left

    def _piece(self, start: int, end: int) -> _Chunk:
        rows = ([self.header] if self.header is not None else []) + self.lines[start:end]
        return _Chunk(self.caption, _Block(rows, self.look), self.gap,
                      self.trailer if end == len(self.lines) else ())

    def draw(self) -> None:
        piece = self._piece(self.start, len(self.lines))
        piece.wrapOn(self.canv, self.width, self.height)
        piece.drawOn(self.canv, 0, 0)


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
_DIGITS = str.maketrans("123456789", "000000000")


@dataclass(slots=True)
class _Formatted:
    """A row with its values as text (joined by _CELL_SEPARATOR), before wrapping."""

    text: str
    kind: str
    span_to: int = 0

    @classmethod
    def of(cls, texts: list[str], kind: str, span_to: int = 0) -> _Formatted:
        return cls(_CELL_SEPARATOR.join(texts), kind, span_to)

    @property
    def texts(self) -> list[str]:
        return self.text.split(_CELL_SEPARATOR)

    @property
    def bold(self) -> bool:
        return self.kind != DATA


class _TableLayout:
    """Lays out one report table: formats and sums values, sizes the columns, wraps text into rows."""

    def __init__(self, table: ReportTable, formatter: _Formatter, wrapper: _Wrapper, frame_width: float,
                 frame_height: float):
        self.table, self.format, self.wrapper = table, formatter, wrapper
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
        columns, show = self.columns, self.format
        width = len(columns)
        kinds = [c.kind for c in columns]
        totals = [i for i, c in enumerate(columns) if c.total]
        group_sums: list[Decimal | int] = [0] * width
        grand_sums: list[Decimal | int] = [0] * width
        rows: list[_Formatted] = []
        for row in self.table.rows:
            cells = row.cells if len(row.cells) == width else (tuple(row.cells) + (None,) * width)[:width]
            if row.kind == GROUP:
                title = "" if cells[0] is None else show(cells[0], kinds[0])
                rows.append(_Formatted.of([title] + [""] * (width - 1), GROUP, span_to=width - 1))
                group_sums = [0] * width
            elif row.kind == SUBTOTAL:
                rows.append(self._sum_row(cells[0], group_sums, cells, SUBTOTAL))
                group_sums = [0] * width
            else:
                rows.append(_Formatted.of([show(v, k) for v, k in zip(cells, kinds)], DATA))
                for i in totals:
                    group_sums[i] = _add(group_sums[i], cells[i])
                    grand_sums[i] = _add(grand_sums[i], cells[i])
        if self.table.total_label:
            rows.append(self._sum_row(self.table.total_label, grand_sums, (None,) * width, _TOTAL))
        return rows

    def _sum_row(self, label: object, sums: Sequence[Decimal | int], given: Sequence[object],
                 kind: str) -> _Formatted:
        """A subtotal or total row: summed total columns, given values elsewhere, the label spanning to the first."""
        columns = self.columns
        values = [sums[i] if c.total else given[i] for i, c in enumerate(columns)]
        values[0] = label
        texts = [self.format(v, c.kind) for v, c in zip(values, columns, strict=True)]
        span_to = 0
        while span_to + 1 < len(columns) and not columns[span_to + 1].total and not texts[span_to + 1]:
            span_to += 1
        return _Formatted.of(texts, kind, span_to)

    def _needed_widths(self) -> list[float]:
        """Per column: the longest header word, and the widest date or number, fit on one line."""
        measure = pdfmetrics.stringWidth
        needed = [max((measure(word, CONDENSED_BOLD, CELL_FONT_SIZE) for word in c.label.split()), default=0)
                  for c in self.columns]
        unbreakable = [i for i, c in enumerate(self.columns) if c.kind in _UNBREAKABLE_KINDS]
        longest = dict.fromkeys(unbreakable, 0)
        shapes: dict[int, set[tuple[bool, str]]] = {i: set() for i in unbreakable}
        for row in self.rows:
            texts = row.texts
            for i in unbreakable:
                text = texts[i]
                if len(text) >= longest[i] - 2 and not (row.span_to and i <= row.span_to):
                    # DejaVu's digits are equally wide: only the longest texts, one of each shape, are measured
                    shapes[i].add((row.bold, text.translate(_DIGITS)))
                    longest[i] = max(longest[i], len(text))
        for i, found in shapes.items():
            for bold, shape in found:
                if len(shape) >= longest[i] - 2:
                    needed[i] = max(needed[i], measure(shape, CONDENSED_BOLD if bold else CONDENSED, CELL_FONT_SIZE))
        return [n + 2 * CELL_PAD_X + 0.5 for n in needed]

    # lines

    def _text_width(self, first: int, last: int) -> float:
        return sum(self.widths[first:last + 1]) - 2 * CELL_PAD_X

    def _line(self, row: _Formatted, max_lines: int, text_widths: list[float]) -> list[_Line]:
        font = CONDENSED_BOLD if row.bold else CONDENSED
        measure = pdfmetrics.getFont(font).stringWidth
        span_to = row.span_to
        wrapped = []
        for i, text in enumerate(row.texts):
            if i and i <= span_to:
                wrapped.append([])
                continue
            width = self._text_width(0, span_to) if i == 0 and span_to else text_widths[i]
            if not text or measure(text, CELL_FONT_SIZE) <= width:
                wrapped.append([text])
            else:
                wrapped.append(self.wrapper.lines(text, font, CELL_FONT_SIZE, width))
        return [_Line.of(part, row.kind, span_to) for part in _split_tall(wrapped, max_lines)]

    def header_line(self) -> _Line:
        text_widths = [self._text_width(i, i) for i in range(len(self.columns))]
        return self._line(_Formatted.of([c.label for c in self.columns], _HEADER), 10_000, text_widths)[0]

    def body_lines(self, max_lines: int) -> list[_Line]:
        """The rows laid out; the formatted text is let go as it is used (at 100 000 rows it is most of the memory)."""
        text_widths = [self._text_width(i, i) for i in range(len(self.columns))]
        lines: list[_Line] = []
        rows, self.rows = self.rows, []
        rows.reverse()
        while rows:
            lines += self._line(rows.pop(), max_lines, text_widths)
        return lines

    def flowable(self, caption: Paragraph, trailer: Sequence[Flowable]) -> _PagedTable:
        header = self.header_line()
        caption_height = caption.wrap(sum(self.widths), self.frame_height)[1] + caption.style.spaceAfter
        room = self.frame_height - header.height - caption_height - 4
        max_lines = max(1, int((room - 2 * CELL_PAD_Y - 1) // CELL_LEADING))
        look = _Look(self.widths, self.numeric)
        return _PagedTable(caption, header, self.body_lines(max_lines), look, self.frame_height, trailer)


def _findings_flowable(findings: Sequence[FindingLine], wrapper: _Wrapper, frame_width: float, frame_height: float,
                       caption: Paragraph, trailer: Sequence[Flowable]) -> _PagedTable:
    """The findings as a list: severity (coloured), rule, message, records; paged like the tables."""
    shares = (0.11, 0.17, 0.55, 0.17)
    widths = [frame_width * s for s in shares]
    max_lines = max(1, int((frame_height - 60) // CELL_LEADING))
    lines: list[_Line] = []
    for finding in findings:
        wrapped = []
        for i, text in enumerate((finding.severity_label, finding.rule, finding.message, finding.records)):
            font = CONDENSED_BOLD if i == 0 else CONDENSED
            wrapped.append(wrapper.lines(text or "", font, CELL_FONT_SIZE, widths[i] - 2 * CELL_PAD_X))
        for part in _split_tall(wrapped, max_lines):
            lines.append(_Line.of(part, DATA, colour=SEVERITY_COLOURS.get(finding.severity, MUTED)))
    look = _Look(widths, [False] * len(widths), grid=False, muted=(1,))
    return _PagedTable(caption, None, lines, look, frame_height, trailer)


# --- page furniture ------------------------------------------------------------------------

FOOTER_SIZE = 7
PAGE_LABEL_SIZE = 8.5


def _fitted(text: str, font: str, size: float, width: float) -> str:
    """The text, shortened with an ellipsis where it is wider than width."""
    measure = pdfmetrics.getFont(font).stringWidth
    if measure(text, size) <= width:
        return text
    while text and measure(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


class _Furniture:
    """What every page carries besides its content.

    On top of pages 2+, the title and subtitle; at the foot of every page the
    project, period and partner, the report's identifier and the SHA-256 of its
    data, and "page X of Y". Y is known only at the end: every page shows one
    form XObject that is filled in when the document is saved (reportlab's way
    to number pages "of Y" without holding the pages back). The label ends at
    the right margin as nearly as a generous guess of Y's digits allows
    (DejaVu's digits are equally wide); any text after {pages} in the label
    goes into the form, so it cannot name the page.
    """

    FORM = "pageCount"

    def __init__(self, data: ReportData, page_width: float, page_height: float):
        self.page_width, self.page_height = page_width, page_height
        self.before, _, self.after = data.page_label.partition("{pages}")
        self.heading = " · ".join(t for t in (data.title, data.subtitle) if t)
        generated = data.labels.get("generated", "")
        self.context = data.page_context or data.subtitle
        self.identity = " · ".join(t for t in (data.identifier, f"SHA-256 {data_hash(data)[:12]}",
                                               f"{generated}: {APP_NAME}" if generated else APP_NAME) if t)
        self.pages = 0
        self.digits = 1

    def expect(self, pages: int) -> None:
        """Room for the page count's digits, from a guess made before the pages are laid out."""
        self.digits = len(str(pages))

    def draw(self, canv: Canvas, doc: object) -> None:
        page = canv.getPageNumber()
        self.pages = max(self.pages, page)
        width = self.page_width - 2 * MARGIN_X
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.5)
        if page > 1:
            y = self.page_height - MARGIN_TOP + 5 * mm
            canv.setFont(SANS, 7.5)
            canv.setFillColor(MUTED)
            canv.drawString(MARGIN_X, y, _fitted(self.heading, SANS, 7.5, width))
            canv.line(MARGIN_X, y - 3, self.page_width - MARGIN_X, y - 3)
        rule = MARGIN_BOTTOM - 11
        canv.line(MARGIN_X, rule, self.page_width - MARGIN_X, rule)
        measure = pdfmetrics.getFont(SANS).stringWidth
        label = self.before.format(page=page)
        count_width = measure("0" * max(self.digits, len(str(page))) + self.after, PAGE_LABEL_SIZE)
        x = self.page_width - MARGIN_X - count_width - measure(label, PAGE_LABEL_SIZE)
        room = width - measure(self.before.format(page=8888), PAGE_LABEL_SIZE) - count_width - 12
        canv.setFillColor(MUTED)
        canv.setFont(SANS, FOOTER_SIZE + 0.5)
        canv.drawString(MARGIN_X, rule - 9, _fitted(self.context, SANS, FOOTER_SIZE + 0.5, room))
        canv.setFont(SANS, FOOTER_SIZE)
        canv.drawString(MARGIN_X, rule - 17.5, _fitted(self.identity, SANS, FOOTER_SIZE, room))
        canv.setFillColor(INK)
        canv.setFont(SANS, PAGE_LABEL_SIZE)
        canv.drawString(x, rule - 9, label)
        canv.translate(x + measure(label, PAGE_LABEL_SIZE), rule - 9)
        canv.doForm(self.FORM)
        canv.restoreState()

    def fill_in(self, canv: Canvas) -> None:
        """Write the page count, now that it is known."""
        canv.beginForm(self.FORM)
        canv.setFillColor(INK)
        canv.setFont(SANS, PAGE_LABEL_SIZE)
        canv.drawString(0, 0, f"{self.pages}{self.after.format(page='')}")
        canv.endForm()


class _PageStream(PDFStream):
    """A page's deflated content, let go once it is written into the file (a document is written once): the
    save then holds one copy fewer of every page."""

    def format(self, document: object) -> bytes:
        written = super().format(document)
        self.content = b""
        return written


def _canvas_class(furniture: _Furniture) -> type[Canvas]:
    class ReportCanvas(Canvas):
        """A canvas that compresses each page's content as the page is finished and writes the "of Y" forms
        before saving.

        reportlab keeps every page's content as text until the document is
        saved and compresses it only then: at 100 000 rows that is hundreds of
        megabytes held at once. Here the page's stream is deflated right away
        and handed to the page as its finished Contents (reportlab then leaves
        it as it is).
        """

        def showPage(self) -> None:
            super().showPage()
            page = self._doc.Pages.pages[-1]
            if page.stream and not page.Contents:
                contents = _PageStream(PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}),
                                       zlib.compress(page.stream.encode("utf-8")), filters=[])
                contents.__Comment__ = "page stream"
                page.Contents, page.stream = contents, None

        def save(self) -> None:
            furniture.fill_in(self)
            super().save()

    return ReportCanvas


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


def _signature_block(data: ReportData, styles: dict[str, ParagraphStyle], frame_width: float) -> list[Flowable]:
    """The signature title and lines: drawn under the last rows of the findings, or kept with "no findings"."""
    label_width = 45 * mm
    line_width = min(100 * mm, frame_width - label_width)
    parts: list[Flowable] = [Spacer(1, 6), _para(data.signature_title, styles["heading"])]
    if data.statement:  # what the signatories declare, above their signatures
        parts += [_para(data.statement, styles["body"]), Spacer(1, 4)]
    for signatory in data.signatories or ("",):  # each signatory with the signature fields
        rows = ([[_para(signatory, styles["sign_name"]), ""]] if signatory else []) + \
            [[_para(field, styles["sign"]), ""] for field in data.signature_fields]
        if not rows:
            continue
        lines = len(rows) - len(data.signature_fields)  # the name's row has no line to fill in
        table = Table(rows, colWidths=[label_width, line_width], rowHeights=[16] * lines + [26] * (len(rows) - lines),
                      hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), SANS, 9),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ("LINEBELOW", (1, lines), (1, -1), 0.6, INK),
            *([("SPAN", (0, 0), (1, 0))] if lines else []),  # the signatory's name across the block
        ]))
        parts += [table, Spacer(1, 6)]
    return parts


def _story(data: ReportData, frame_width: float, frame_height: float) -> list[Flowable]:
    """The document: header, tables, findings and signatures. The signatures are the trailer of the findings'
    last rows; with no findings, "no findings" and the signatures are the trailer of the last table's."""
    styles = _styles()
    formatter = _Formatter(data.lang, data.labels.get("date_format") or ISO_DATE)
    wrapper = _Wrapper(data.lang)
    story = _header_block(data, styles, frame_width)
    signatures = _signature_block(data, styles, frame_width)
    ending = [] if data.findings else [_para(data.findings_title, styles["heading"]),
                                       _para(data.no_findings, styles["body"]), *signatures]
    for n, table in enumerate(data.tables, start=1):
        layout = _TableLayout(table, formatter, wrapper, frame_width, frame_height)
        trailer = [_para(table.note, styles["note"])] if table.note else []
        story.append(layout.flowable(_para(table.title, styles["heading"]),
                                     trailer + (ending if n == len(data.tables) else [])))
    if data.findings:
        caption = _para(data.findings_title, styles["heading"])
        story.append(_findings_flowable(data.findings, wrapper, frame_width, frame_height, caption, signatures))
    elif not data.tables:
        story.append(KeepTogether(ending))
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
    with _no_cycle_collection():
        furniture = _Furniture(data, page_width, page_height)
        # SimpleDocTemplate's frame keeps 6 pt of padding on each side.
        width, height = doc.width - 12, doc.height - 12
        story = _story(data, width, height)
        # Pages break before they are full and repeat table headers: half as many again as the height says.
        furniture.expect(int(sum(_height(f, width, height) for f in story) / height * 1.5) + 1)
        doc.build(story, onFirstPage=furniture.draw, onLaterPages=furniture.draw,
                  canvasmaker=_canvas_class(furniture))


def _height(flowable: Flowable, width: float, height: float) -> float:
    """A flowable's whole height (a KeepTogether answers its wrap with "too tall" to be split, and keeps the truth)."""
    wrapped = flowable.wrap(width, height)[1]
    return flowable._H if isinstance(flowable, KeepTogether) else wrapped


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while a PDF is written: the rows it lays out are millions of objects, and
    each full collection walks them all again (a third of the time of a 100 000-row report); the little cyclic
    garbage reportlab leaves is collected once it is back on."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
