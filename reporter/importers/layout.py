"""Where the data is in a table: the header row, and the rows to skip (titles above it, blank lines, totals).

Exports put the institution and the period above the header, repeat the header
after a page break, and end with "Iš viso:" or "Kopā:"; those rows are
recognised and skipped (and listed), never reported as errors. A text file's
data rows must have the header's number of fields: a separator inside an
unquoted field would shift every value after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from reporter.domain.errors import Problem, problem
from reporter.domain.messages import render
from reporter.domain.text import fold
from reporter.importers.cells import text_of
from reporter.importers.table import Cell, Table

# A totals row's label, without case or diacritics: lt "Iš viso", "Viso", "Tarpinė suma"; lv "Kopā",
# "Pavisam kopā", "Kopsumma", "Starpsumma"; en "Total", "Subtotal", "Grand total".
_TOTALS = re.compile(r"^(is viso|viso|bendra suma|tarpine suma|pavisam kopa|kopa|kopsumma|starpsumma|"
                     r"grand total|sub-?total|totals?)\b", re.I)
_LETTERS = re.compile(r"^[A-Z]{1,2}$")
HEADER_SEARCH_ROWS = 40


@dataclass(frozen=True)
class RowProblem:
    """A problem found in one row of a file, at the column it was read from (or a setting for every row)."""

    row: int
    column: str | None  # the column's header (or letter); None: a value set for every row, or the row as a whole
    field: str | None  # the field it was to fill
    problem: Problem

    def where(self, templates: Mapping[str, str], lang: str | None = None) -> str:
        return place(templates, [self.row], self.column, self.field, lang)

    def worded(self, templates: Mapping[str, str], lang: str | None = None) -> str:
        return self.problem.worded(templates, lang, where=self.where(templates, lang))


def place(templates: Mapping[str, str], rows: Sequence[int], column: str | None, field: str | None,
          lang: str | None = None) -> str:
    """'row 17, column "Suma"', 'rows 3–5, 9, column "Data"', 'row 4, partner' (a value set for every row)."""
    many = len(rows) > 1
    where: dict = {"rows": row_ranges(rows)} if many else {"row": rows[0] if rows else 0}
    if column is not None:
        return render("import.at_rows_cell" if many else "import.at_cell", {**where, "column": f'"{column}"'},
                      templates, lang)
    if field is not None:
        return render("import.at_rows_field" if many else "import.at_field", {**where, "field": field}, templates,
                      lang)
    return render("import.at_rows" if many else "import.at_row", where, templates, lang)


def row_ranges(rows: Iterable[int]) -> str:
    """3, 4, 5, 9 → '3–5, 9'."""
    ordered = sorted(set(rows))
    parts: list[str] = []
    start = previous = None
    for row in ordered + [None]:  # type: ignore[list-item]
        if start is not None and (row is None or row != previous + 1):
            parts.append(str(start) if start == previous else f"{start}–{previous}")
            start = None
        if row is not None and start is None:
            start = row
        previous = row
    return ", ".join(parts)


@dataclass(frozen=True)
class Skipped:
    row: int
    reason: str  # "title", "blank", "header", "totals"


@dataclass(frozen=True)
class Layout:
    """The header and the data rows of a table."""

    header_row: int  # 1-based; 0: the table has no header row
    columns: tuple[str, ...]  # each column's name: its header, or its letter where the header cell is empty
    rows: list[tuple[int, list[Cell]]]  # the data rows, by their number in the file
    skipped: list[Skipped]
    problems: list[RowProblem]

    def index(self, reference: str) -> int | None:
        """The column a mapping names: by its header (any case and spacing), by its letter, or as `#3`."""
        wanted = normalise(reference)
        for i, name in enumerate(self.columns):
            if normalise(name) == wanted:
                return i
        text = reference.strip()
        if text.startswith("#") and text[1:].isdigit() and 1 <= int(text[1:]) <= len(self.columns):
            return int(text[1:]) - 1
        if _LETTERS.match(text):
            i = column_number(text)
            return i if i < len(self.columns) else None
        return None


def normalise(name: str) -> str:
    return " ".join(name.replace("\u00a0", " ").split()).rstrip(":").strip().casefold()


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def is_blank(cells: Sequence[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def is_totals(cells: Sequence[Cell]) -> bool:
    """A totals row: one of its first two filled cells says so ("Iš viso:", "Kopā", "Total")."""
    seen = 0
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if isinstance(cell, str) and _TOTALS.match(fold(cell.strip())):
            return True
        seen += 1
        if seen == 2:
            return False
    return False


def find_layout(table: Table, wanted: Sequence[str] = (), header_row: int | None = None) -> Layout:
    """The header (given, or the first row naming every wanted column, or the first row that looks like one) and
    the data rows below it, with title, blank, repeated header and totals rows set aside."""
    rows = table.rows
    if header_row is None:
        header_row = _guess_header(rows, [w for w in wanted if not _LETTERS.match(w.strip()) and
                                          not w.strip().startswith("#")])
    if header_row > len(rows):
        header_row = 0
    width = max(table.width, 1)
    header = [text_of(c) for c in rows[header_row - 1]] if header_row else []
    columns = tuple((header[i] if i < len(header) and header[i] else column_letter(i)) for i in range(width))
    skipped = [Skipped(n, "blank" if is_blank(rows[n - 1]) else "title") for n in range(1, header_row)]
    data: list[tuple[int, list[Cell]]] = []
    problems: list[RowProblem] = []
    folded_header = [normalise(h) for h in header]
    for number in range(header_row + 1, len(rows) + 1):
        cells = rows[number - 1]
        if is_blank(cells):
            skipped.append(Skipped(number, "blank"))
        elif header and isinstance(cells[0], str) and normalise(cells[0]) == folded_header[0] and \
                [normalise(text_of(c)) for c in cells] == folded_header:
            skipped.append(Skipped(number, "header"))
        elif is_totals(cells):
            skipped.append(Skipped(number, "totals"))
        elif table.kind == "text" and header and len(cells) != len(header):
            problems.append(RowProblem(number, None, None, problem("", "import.field_count", count=len(cells),
                                                                   expected=len(header))))
        else:
            data.append((number, list(cells) + [None] * (width - len(cells))))
    return Layout(header_row, columns, data, skipped, problems)


def _guess_header(rows: list[list[Cell]], names: Sequence[str]) -> int:
    """The first row that names every wanted column; without names, the first row of two or more text cells that
    is about as wide as the rows below it. 0 when none is."""
    search = rows[:HEADER_SEARCH_ROWS]
    if names:
        wanted = {normalise(n) for n in names}
        for number, cells in enumerate(search, 1):
            if wanted <= {normalise(text_of(c)) for c in cells if isinstance(c, str)}:
                return number
        return 0
    filled = [sum(1 for c in cells if c not in (None, "") and not (isinstance(c, str) and not c.strip()))
              for cells in rows[:HEADER_SEARCH_ROWS * 5]]
    for number, cells in enumerate(search, 1):
        texts = [c for c in cells if isinstance(c, str) and c.strip()]
        others = [c for c in cells if c is not None and not isinstance(c, str)]
        below = max(filled[number:number + 20], default=0)
        if len(texts) >= 2 and not others and len(texts) >= 0.6 * below and not is_totals(cells):
            return number
    return 0
