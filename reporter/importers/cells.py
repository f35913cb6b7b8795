"""One cell as the text a person would have typed into the form: dates ISO, amounts as the domain's parser reads them.

The domain's parsers then check the text exactly as they check a typed entry;
only the file's own ways of writing a value are undone here: the date styles of
accounting exports, spreadsheet numbers, credit notes written `(12,50)` or `12,50-`.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable

from reporter.domain.errors import UserError, problem
from reporter.importers.table import Cell

DMY, MDY = "DMY", "MDY"  # how a file writes dates with '/': 05/03/2018 or 03/05/2018

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DATE_STYLES = (
    (re.compile(rf"^(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}$"), "ymd"),
    (re.compile(rf"^(\d{{4}})\.(\d{{1,2}})\.(\d{{1,2}})\.?{_TIME}$"), "ymd"),
    (re.compile(rf"^(\d{{4}})/(\d{{1,2}})/(\d{{1,2}}){_TIME}$"), "ymd"),
    (re.compile(rf"^(\d{{1,2}})\.(\d{{1,2}})\.(\d{{4}})\.?{_TIME}$"), "dmy"),
    (re.compile(rf"^(\d{{1,2}})-(\d{{1,2}})-(\d{{4}}){_TIME}$"), "dmy"),
)
_SLASHED = re.compile(rf"^(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}){_TIME}$")
_MONTH_STYLES = (
    (re.compile(r"^(\d{4})[-./](\d{1,2})$"), "ym"),
    (re.compile(r"^(\d{1,2})[-./](\d{4})$"), "my"),
)
_YEAR = re.compile(r"^(\d{4})(?:\s*(?:m\.?|g\.?|gads|metai))?$", re.I)
_CURRENCY_MARKS = re.compile(r"\s*(€|EUR)\s*$|^\s*(€)\s*", re.I)


def text_of(cell: Cell) -> str:
    """Any cell as plain text: a whole number without '.0', a date ISO."""
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return str(int(cell)) if cell == cell.to_integral_value() else format(cell.normalize(), "f")
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, date):
        return cell.isoformat()
    return cell.strip()


def amount_text(cell: Cell, field: str) -> str:
    """An amount as the domain's `parse_amount` reads it; a spreadsheet number keeps its exact digits."""
    if isinstance(cell, Decimal):
        if cell != cell.quantize(Decimal("0.01")):
            raise UserError(problem(field, "amount.decimals", value=text_of(cell)))
        return str(cell.quantize(Decimal("0.01")))
    if isinstance(cell, (date, datetime)):
        raise UserError(problem(field, "amount.not_amount", value=repr(text_of(cell))))
    text = _CURRENCY_MARKS.sub("", text_of(cell)).strip()
    if text.startswith("(") and text.endswith(")"):  # a credit note in accountants' brackets
        return "-" + text[1:-1].strip()
    if text.endswith(("-", "\u2212")) and len(text) > 1:  # a credit note with the minus behind
        return "-" + text[:-1].strip()
    return text


def date_text(cell: Cell, field: str, order: str | None = None) -> str:
    """A date written any of the ways exports write it, as YYYY-MM-DD; '03/05/2018' needs the file's `order`."""
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    text = text_of(cell)
    if not text:
        return ""
    for pattern, style in _DATE_STYLES:
        found = pattern.match(text)
        if found:
            a, b, c = (int(g) for g in found.groups())
            return _iso(*((a, b, c) if style == "ymd" else (c, b, a)), text, field)
    found = _SLASHED.match(text)
    if found:
        first, second, year = (int(g) for g in found.groups())
        if order is None:
            raise UserError(problem(field, "import.ambiguous_date", value=repr(text)))
        return _iso(year, *((second, first) if order == DMY else (first, second)), text, field)
    raise UserError(problem(field, "import.not_date", value=repr(text)))


def _iso(year: int, month: int, day: int, text: str, field: str) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        raise UserError(problem(field, "import.not_date", value=repr(text))) from None


def slash_order(cells: Iterable[Cell]) -> str | None:
    """How the file writes dates with '/': DMY when a first part is over 12, MDY when a second part is; None when
    no date tells (then each such date is refused as ambiguous, unless the user gives the order)."""
    day_first = month_first = False
    for cell in cells:
        if isinstance(cell, str):
            found = _SLASHED.match(cell.strip())
            if found:
                first, second = int(found.group(1)), int(found.group(2))
                day_first |= first > 12
                month_first |= second > 12
    if day_first and not month_first:
        return DMY
    if month_first and not day_first:
        return MDY
    return None


def month_text(cell: Cell, field: str) -> str:
    """A month as YYYY-MM, from '2024-03', '03.2024', '2024.03' or a date in it."""
    if isinstance(cell, (date, datetime)):
        return f"{cell.year:04d}-{cell.month:02d}"
    text = text_of(cell)
    for pattern, style in _MONTH_STYLES:
        found = pattern.match(text)
        if found:
            a, b = (int(g) for g in found.groups())
            year, month = (a, b) if style == "ym" else (b, a)
            return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else text
    try:
        return date_text(cell, field)[:7]
    except UserError:
        return text  # the domain's month parser names it


def year_text(cell: Cell) -> str:
    """A year, also written '2025 m.' (lt) or '2025. gads' (lv)."""
    text = text_of(cell).rstrip(".").strip()
    found = _YEAR.match(text)
    return found.group(1) if found else text
