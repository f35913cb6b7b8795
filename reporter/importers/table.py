"""A file as rows of cells: CSV and TXT in any of the encodings Baltic accounting programs write, or a sheet of an
XLSX, XLS or ODS workbook.

Text files: the encoding is the BOM's, else UTF-8 when the whole file is valid
UTF-8, else Windows-1257 (the Baltic code page); a given encoding wins. No
statistical detector guesses it: they take Lithuanian text for Central European
(cp1250) and turn "Knygų" into "Knygř". The separator is the one of `;`, `,`, tab
and `|` that gives the most rows of the same width; quoted fields may hold it.

Workbooks are read with python-calamine (the Rust calamine reader): one library
for XLSX, XLS and ODS, fast, and it gives formulas as their cached values and
dates as dates. Numbers arrive as binary floats; each is turned into the decimal
it was typed as (its shortest repr) at once, so no float goes further.

Row numbers are the file's own (1 = the first line or row), as a spreadsheet shows them (a quoted line
break does not start a row).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Union

from reporter.domain.errors import UserError, problem

Cell = Union[str, Decimal, date, datetime, None]

TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".prn")
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
DELIMITERS = (";", ",", "\t", "|")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "windows-1257", "windows-1252", "iso-8859-13",
             "iso-8859-4", "cp775")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Table:
    """The rows of one text file or one sheet; row i of `rows` is the file's row i + 1."""

    name: str  # the file's name, for messages
    kind: str  # "text" or "spreadsheet"
    rows: list[list[Cell]]
    sheets: tuple[str, ...] = ()  # a workbook's sheets, in order
    sheet: str | None = None  # the sheet read
    encoding: str | None = None  # a text file's encoding, as found or given
    delimiter: str | None = None  # a text file's separator, as found or given

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_table(path: Path, sheet: str | None = None, encoding: str | None = None,
               delimiter: str | None = None) -> Table:
    """Read a file whole; a file that cannot be read is a `UserError` saying why (and, for text, at which byte)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(problem(path.name, "file.does_not_exist", file=str(path))) from None
    except IsADirectoryError:
        raise UserError(problem(path.name, "import.not_a_file")) from None
    if not data.strip():
        raise UserError(problem(path.name, "import.empty"))
    suffix = path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES or data.startswith((_ZIP, _OLE)):
        return _read_workbook(path, data, sheet)
    return read_text_table(data, path.name, encoding, delimiter)


# Text files


def read_text_table(data: bytes, name: str, encoding: str | None = None, delimiter: str | None = None) -> Table:
    text, found = decode(data, name, encoding)
    if delimiter is not None and delimiter not in DELIMITERS:
        raise UserError(problem(name, "value.not_one_of", value=repr(delimiter), choices="; , tab |"))
    chosen = delimiter or _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=chosen, quotechar='"', doublequote=True, strict=False)
    rows: list[list[Cell]] = [list(record) for record in reader]  # a blank line is an empty row, as in a spreadsheet
    return Table(name, "text", rows, encoding=found, delimiter=chosen)


def decode(data: bytes, name: str, encoding: str | None = None) -> tuple[str, str]:
    """The text of a file and its encoding: a given one, or the BOM's, else UTF-8 if it is valid, else Windows-1257."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise UserError(problem(name, "import.unknown_encoding", value=repr(encoding),
                                    known=", ".join(ENCODINGS))) from None
        return _strict(data, name, codec, given=True), encoding
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, name, codec), "utf-8-sig" if codec == "utf-8-sig" else codec
    if b"\x00" in data[:4096]:
        codec = _utf16_without_bom(data)
        if codec is None:
            raise UserError(problem(name, "import.binary", offset=data.index(b"\x00") + 1))
        return _strict(data, name, codec), codec
    try:
        return _text(data.decode("utf-8"), name, data), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _text(data.decode("windows-1257"), name, data), "windows-1257"
    except UnicodeDecodeError as error:
        raise UserError(problem(name, "import.undetected_encoding", offset=error.start + 1)) from None


def _strict(data: bytes, name: str, codec: str, given: bool = False) -> str:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise UserError(problem(name, "import.encoding", encoding=codec, offset=error.start + 1)) from None
    return _text(text.removeprefix("\ufeff"), name, data)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 written without a BOM: text in Latin letters has a zero in every other byte."""
    sample = data[:4096]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > len(sample) // 4 and even == 0:
        return "utf-16-le"
    if even > len(sample) // 4 and odd == 0:
        return "utf-16-be"
    return None


def _text(text: str, name: str, data: bytes) -> str:
    """Refuse text with control characters: a binary file (an image, a database…) that happened to decode."""
    found = _CONTROL.search(text)
    if found is not None:
        raise UserError(problem(name, "import.binary", offset=len(text[:found.start()].encode("utf-8")) + 1))
    return text


def _delimiter(text: str) -> str:
    """The separator that makes the most rows of one width (more than one field); ties go to ';', then tab."""
    sample = text[:200_000]
    best, best_score = ";", (-1, 0)
    for candidate in (";", "\t", ",", "|"):
        if candidate not in sample:
            continue
        widths = Counter(len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
                         if len(r) > 1)
        if not widths:
            continue
        width, rows = widths.most_common(1)[0]
        if (rows, width) > best_score:
            best, best_score = candidate, (rows, width)
    return best


# Workbooks


def _read_workbook(path: Path, data: bytes, sheet: str | None) -> Table:
    from python_calamine import CalamineWorkbook

    kind = "xls" if data.startswith(_OLE) else path.suffix.lower().lstrip(".")
    if not data.startswith((_ZIP, _OLE)):
        raise UserError(problem(path.name, "import.not_workbook", kind=kind.upper(),
                                detail="not a ZIP archive" if kind != "xls" else "not an OLE file"))
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - calamine raises its own and several standard errors
        raise UserError(problem(path.name, "import.not_workbook", kind=kind.upper(),
                                detail=str(error).splitlines()[0][:200] if str(error) else type(error).__name__)) from None
    try:
        names = tuple(workbook.sheet_names)
        if not names:
            raise UserError(problem(path.name, "import.no_rows"))
        chosen = names[0] if sheet is None else _sheet_name(sheet, names, path.name)
        try:
            values = workbook.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
        except Exception as error:  # noqa: BLE001
            raise UserError(problem(path.name, "import.not_workbook", kind=kind.upper(),
                                    detail=str(error).splitlines()[0][:200])) from None
    finally:
        workbook.close()
    rows = [[_cell(value) for value in row] for row in values]
    while rows and not any(c not in (None, "") for c in rows[-1]):
        rows.pop()
    return Table(path.name, "spreadsheet", rows, sheets=names, sheet=chosen)


def _sheet_name(sheet: str, names: tuple[str, ...], file: str) -> str:
    if sheet in names:
        return sheet
    folded = {n.strip().casefold(): n for n in names}
    if sheet.strip().casefold() in folded:
        return folded[sheet.strip().casefold()]
    if sheet.isdigit() and 1 <= int(sheet) <= len(names):
        return names[int(sheet) - 1]
    raise UserError(problem(file, "import.unknown_sheet", sheet=repr(sheet), sheets=", ".join(names)))


def _cell(value: object) -> Cell:
    """A workbook value as a cell: numbers as the decimal typed (never a float), dates as dates."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return Decimal(repr(value)) if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == time(0) else value
    if isinstance(value, (date, str)):
        return value
    if isinstance(value, (time, timedelta)):
        return str(value)
    return str(value)
