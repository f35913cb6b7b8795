"""Which column of a file fills which field, what is set for every row, and which values translate into which codes.

A mapping can be saved as a named profile (a TOML file in the user's config
folder) and used again for the next export of the same accounting program.

The fields come from the records they fill: an expenditure's from
`EXPENDITURE_FIELDS` (plus `net`, from which gross is net + VAT), a plan's from
the declared fields of `Activity` and `PlannedAmount`, a budget's from
`BudgetAmount`, a rate's from `ExchangeRate`. Plans and budgets laid out with a
column per year map those columns as `amount:2025` (and a plan's per source as
`amount:2025:KM`).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping as MappingType

import tomli_w

from reporter.domain.errors import Problem, UserError, ValidationError, not_one_of, problem
from reporter.domain.model import Activity, BudgetAmount, ExchangeRate, PlannedAmount
from reporter.domain.records import AMOUNT, INTEGER, record_fields
from reporter.domain.validation import EXPENDITURE_FIELDS
from reporter.importers.cells import DMY, MDY, amount_text, date_text, month_text, text_of, year_text
from reporter.importers.layout import Layout, RowProblem
from reporter.importers.table import Cell

WHATS = ("expenditure", "plan", "budget", "rates")
TEXT, AMOUNT_KIND, DATE, YEAR, MONTH = "text", "amount", "date", "year", "month"

# How a cell is read for each field of an expenditure; the fields themselves are the typed entry's.
_EXPENDITURE_KINDS = {"date": DATE, "paid": DATE, "travel_from": DATE, "travel_to": DATE, "gross": AMOUNT_KIND,
                      "vat": AMOUNT_KIND, "eligible": AMOUNT_KIND, "net": AMOUNT_KIND}
_WIDE = re.compile(r"^amount:(\d{4})(?::(.+))?$")


def _declared(*record_types: type) -> dict[str, str]:
    kinds = {AMOUNT: AMOUNT_KIND, INTEGER: YEAR}
    return {f.key: kinds.get(f.kind, TEXT) for t in record_types for f in record_fields(t) if f.key != "plan"}


def import_fields(what: str) -> dict[str, str]:
    """The fields a file of this kind can fill, and how each cell is read."""
    if what == "expenditure":
        return {name: _EXPENDITURE_KINDS.get(name, TEXT) for name in (*EXPENDITURE_FIELDS, "net")}
    if what == "plan":
        return _declared(Activity, PlannedAmount)
    if what == "budget":
        return _declared(BudgetAmount)
    if what == "rates":
        return {f.name: MONTH if f.name == "month" else TEXT for f in dataclasses.fields(ExchangeRate)}
    raise UserError(not_one_of("what", what, WHATS))


def field_kind(what: str, name: str) -> str | None:
    """How a field's cells are read; None when the field is not one of `what`'s."""
    found = import_fields(what).get(name)
    if found is None and what in ("plan", "budget"):
        wide = _WIDE.match(name)
        if wide and (what == "plan" or wide.group(2) is None):
            return AMOUNT_KIND
    return found


@dataclass(frozen=True)
class ImportMapping:
    """Everything that says how to read one kind of file."""

    what: str = "expenditure"
    columns: dict[str, str] = field(default_factory=dict)  # field → column (header text, letter or #n)
    constants: dict[str, str] = field(default_factory=dict)  # field → value for every row (when its cell is empty)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {value in the file: value here}
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None  # None: found
    date_order: str | None = None  # DMY or MDY for dates written with '/'; None: told by the file's dates

    def problems(self) -> list[Problem]:
        """Fields that are not the kind's, and options that are none of theirs."""
        found = []
        if self.what not in WHATS:
            return [not_one_of("what", self.what, WHATS)]
        known = ", ".join(import_fields(self.what))
        for section, names in (("columns", self.columns), ("constants", self.constants), ("values", self.values)):
            for name in names:
                if field_kind(self.what, name) is None:
                    found.append(problem(f"{section}.{name}", "import.unknown_field", field=repr(name), fields=known))
        if self.date_order not in (None, DMY, MDY):
            found.append(not_one_of("date_order", self.date_order, (DMY, MDY)))
        return found

    def merged(self, other: "ImportMapping") -> "ImportMapping":
        """This mapping with `other`'s columns, constants, value maps and options on top."""
        values = {k: dict(v) for k, v in self.values.items()}
        for name, pairs in other.values.items():
            values.setdefault(name, {}).update(pairs)
        return ImportMapping(
            what=other.what, columns={**self.columns, **other.columns}, constants={**self.constants, **other.constants},
            values=values, sheet=other.sheet or self.sheet, encoding=other.encoding or self.encoding,
            delimiter=other.delimiter or self.delimiter,
            header_row=other.header_row if other.header_row is not None else self.header_row,
            date_order=other.date_order or self.date_order)


# Profiles

_PROFILE_NAME = re.compile(r"^[\w][\w .+-]{0,63}$")
_PROFILE_KEYS = {"what", "columns", "constants", "values", "sheet", "encoding", "delimiter", "header_row",
                 "date_order"}


def profile_path(folder: Path, name: str) -> Path:
    if not _PROFILE_NAME.match(name) or name.strip() != name:
        raise UserError(problem("profile", "import.profile_name", name=repr(name)))
    return folder / f"{name}.toml"


def list_profiles(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []


def load_profile(folder: Path, name: str) -> ImportMapping:
    path = profile_path(folder, name)
    if not path.is_file():
        raise UserError(problem("profile", "import.profile_unknown", name=repr(name),
                                names=", ".join(list_profiles(folder)) or "–"))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValidationError([problem(str(path), "file.not_toml", detail=str(error))]) from None
    return mapping_from_data(data, str(path))


def mapping_from_data(data: MappingType[str, Any], where: str) -> ImportMapping:
    problems = [problem(f"{where}: {key}", "file.unknown_key", keys=", ".join(sorted(_PROFILE_KEYS)))
                for key in sorted(set(data) - _PROFILE_KEYS)]

    def texts(value: Any, key: str) -> dict[str, str]:
        if not isinstance(value, dict) or not all(isinstance(v, (str, int)) for v in value.values()):
            problems.append(problem(f"{where}: {key}", "file.not_table"))
            return {}
        return {str(k): str(v) for k, v in value.items()}

    header_row = data.get("header_row")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 0):
        problems.append(problem(f"{where}: header_row", "file.not_integer", value=repr(header_row)))
        header_row = None
    mapping = ImportMapping(
        what=str(data.get("what", "expenditure")), columns=texts(data.get("columns", {}), "columns"),
        constants=texts(data.get("constants", {}), "constants"),
        values={name: texts(pairs, f"values.{name}") for name, pairs in texts_of_tables(data.get("values", {}))},
        sheet=_optional(data, "sheet"), encoding=_optional(data, "encoding"), delimiter=_optional(data, "delimiter"),
        header_row=header_row, date_order=_optional(data, "date_order"))
    problems += [dataclasses.replace(p, where=f"{where}: {p.where}") for p in mapping.problems()]
    if problems:
        raise ValidationError(problems, problem("", "import.profile_problems", count=len(problems)))
    return mapping


def texts_of_tables(value: Any) -> list[tuple[str, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


def _optional(data: MappingType[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value in (None, "") else str(value)


def save_profile(folder: Path, name: str, mapping: ImportMapping) -> Path:
    """Write a profile (replacing one of the same name); the file is written whole or not at all."""
    path = profile_path(folder, name)
    for found in mapping.problems():
        raise UserError(found)
    data: dict[str, Any] = {"what": mapping.what}
    for key in ("sheet", "encoding", "delimiter", "header_row", "date_order"):
        if getattr(mapping, key) is not None:
            data[key] = getattr(mapping, key)
    for key in ("columns", "constants"):
        if getattr(mapping, key):
            data[key] = dict(getattr(mapping, key))
    if mapping.values:
        data["values"] = {k: dict(v) for k, v in mapping.values.items()}
    folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text(f"# Grant Reporter import profile {name!r}\n" + tomli_w.dumps(data), encoding="utf-8")
    temporary.replace(path)
    return path


def parse_assignments(items: list[str], what: str, reverse: bool) -> dict[str, str]:
    """`COLUMN=field` (`reverse`: the field is on the right) or `field=VALUE` pairs from the command line."""
    found: dict[str, str] = {}
    for item in items:
        left, sep, right = item.rpartition("=") if reverse else item.partition("=")
        if not sep or not left.strip() or not right.strip() and reverse:
            raise UserError(problem(item, "import.not_assignment", form="COLUMN=field" if reverse else "field=VALUE"))
        name, value = (right.strip(), left.strip()) if reverse else (left.strip(), right.strip())
        if field_kind(what, name) is None:
            raise UserError(problem(item, "import.unknown_field", field=repr(name),
                                    fields=", ".join(import_fields(what))))
        found[name] = value
    return found


# Reading a row


class RowReader:
    """Reads the data rows of a layout into the text fields of a typed entry."""

    def __init__(self, mapping: ImportMapping, layout: Layout, date_order: str | None) -> None:
        self.mapping = mapping
        self.layout = layout
        self.date_order = mapping.date_order or date_order
        self.kinds = {name: field_kind(mapping.what, name) for name in (*mapping.columns, *mapping.constants)}
        self.indexes: dict[str, int] = {}
        self.problems: list[Problem] = []
        for name, reference in mapping.columns.items():
            index = layout.index(reference)
            if index is None:
                self.problems.append(problem(f"columns.{name}", "import.unknown_column", column=repr(reference),
                                             columns=", ".join(f'"{c}"' for c in layout.columns)))
            else:
                self.indexes[name] = index
        self.column_names = {name: layout.columns[i] for name, i in self.indexes.items()}

    def read(self, number: int, cells: list[Cell]) -> tuple[dict[str, str], list[RowProblem]]:
        fields: dict[str, str] = {}
        problems: list[RowProblem] = []
        for name, index in self.indexes.items():
            try:
                text = self.text(name, cells[index])
            except UserError as error:
                problems.append(RowProblem(number, self.column_names[name], name, error.placed(name)))
                continue
            if text:
                fields[name] = self.mapping.values.get(name, {}).get(text, text)
        for name, value in self.mapping.constants.items():
            if not fields.get(name):
                fields[name] = self.mapping.values.get(name, {}).get(value, value)
        return fields, problems

    def text(self, name: str, cell: Cell) -> str:
        kind = self.kinds[name]
        if kind == TEXT and isinstance(cell, str):
            return cell.strip()
        if kind == DATE:
            return date_text(cell, name, self.date_order)
        if kind == AMOUNT_KIND:
            return amount_text(cell, name) if cell is not None and text_of(cell) else ""
        if kind == YEAR:
            return year_text(cell)
        if kind == MONTH:
            return month_text(cell, name)
        return text_of(cell)

    def column_of(self, name: str) -> str | None:
        """The column a field is read from (None: it is set for every row, or not given at all)."""
        return self.column_names.get(name)


def read_value_map(path: Path) -> dict[str, str]:
    """Pairs from a file of two columns (value in the export; code here), in any format a table can be read from."""
    from reporter.importers.table import read_table

    pairs: dict[str, str] = {}
    for cells in read_table(path).rows:
        texts = [text_of(c) for c in cells if text_of(c)]
        if len(texts) >= 2:
            pairs[texts[0]] = texts[1]
    return pairs


# Suggestions for the wizard: header words of Lithuanian, Latvian and English exports, without case or diacritics.
SUGGESTIONS = {
    "expenditure": {
        "date": ("data", "dok. data", "dokumento data", "dokumenta datums", "datums", "date", "document date",
                 "saskaitos data", "rekina datums", "op. data"),
        "document": ("dok. nr.", "dok nr", "dokumento nr.", "dokumento numeris", "dokumenta nr.", "dokumenta numurs",
                     "saskaitos nr.", "saskaitos numeris", "rekina nr.", "document", "document no.", "invoice no."),
        "accounting_ref": ("buh. nr.", "zurnalo nr.", "operacijos nr.", "iraso nr.", "gramatojuma nr.", "reference",
                           "accounting ref.", "ref.", "voucher"),
        "supplier": ("tiekejas", "pardavejas", "kontrahentas", "piegadatajs", "darijuma partneris", "partneris",
                     "supplier", "vendor", "payee"),
        "supplier_code": ("imones kodas", "tiekejo kodas", "kodas", "reg. nr.", "registracijas nr.", "company code",
                          "supplier code"),
        "description": ("aprasymas", "turinys", "paskirtis", "apraksts", "saturs", "description", "details"),
        "gross": ("suma", "suma su pvm", "bendra suma", "summa", "summa ar pvn", "kopsumma", "gross", "amount",
                  "total amount"),
        "net": ("suma be pvm", "summa bez pvn", "net", "net amount"),
        "vat": ("pvm", "pvm suma", "pvn", "pvn summa", "vat"),
        "eligible": ("tinkama suma", "tinkamos islaidos", "attiecinama summa", "eligible"),
        "currency": ("valiuta", "valuta", "currency"),
        "paid": ("apmoketa", "apmokejimo data", "mokejimo data", "apmaksats", "apmaksas datums", "paid",
                 "payment date"),
        "line": ("biudzeto eilute", "eilute", "budzeta pozicija", "budget line", "line", "straipsnis"),
        "activity": ("veikla", "aktivitate", "activity"),
        "partner": ("partneris projekte", "projekto partneris", "project partner"),
        "paid_by": ("saltinis", "finansavimo saltinis", "finansejuma avots", "avots", "source", "paid by"),
        "units": ("vienetai", "kiekis", "vienibas", "daudzums", "units", "quantity"),
        "person_document": ("ivp nr.", "iv pazymos nr.", "verslo liudijimo nr.", "vl nr.", "autorines sutarties nr.",
                            "pazymos nr.", "certificate no.", "licence no."),
        "travel_route": ("marsrutas", "marsruts", "route"),
        "travel_from": ("isvykimo data", "keliones pradzia", "komandiruotes pradzia", "brauciena sakums",
                        "komandejuma sakums", "travel from", "trip from"),
        "travel_to": ("grizimo data", "keliones pabaiga", "komandiruotes pabaiga", "brauciena beigas",
                      "komandejuma beigas", "travel to", "trip to"),
        "travellers": ("keliaujantys asmenys", "komandiruojami asmenys", "asmenys", "personas", "travellers",
                       "persons"),
        "procurement_ref": ("pirkimo nr.", "pirkimo numeris", "viesojo pirkimo nr.", "pirkimo sutarties nr.",
                            "sutarties nr.", "pirkimas", "iepirkuma nr.", "iepirkuma id",
                            "iepirkuma identifikacijas nr.", "liguma nr.", "iepirkums", "procurement ref.",
                            "procurement no.", "procurement", "contract ref.", "contract no.", "contract id"),
    },
    "plan": {
        "code": ("kodas", "veiklos kodas", "nr.", "kods", "code", "activity code"),
        "title": ("pavadinimas", "veikla", "veiklos pavadinimas", "nosaukums", "aktivitate", "title", "activity"),
        "year": ("metai", "gads", "year"),
        "amount": ("suma", "summa", "amount", "planuojama suma", "planota summa"),
        "funder": ("saltinis", "finansavimo saltiniai", "finansavimo saltinis", "avots", "finansejuma avoti",
                   "source", "sources", "funder"),
    },
    "budget": {
        "partner": ("partneris", "partner"),
        "line": ("eilute", "biudzeto eilute", "pozicija", "budget line", "line"),
        "activity": ("veikla", "aktivitate", "activity"),
        "year": ("metai", "gads", "year"),
        "amount": ("suma", "summa", "amount"),
    },
    "rates": {
        "currency": ("valiuta", "valuta", "currency"),
        "month": ("menuo", "menesis", "period", "month"),
        "rate": ("kursas", "kurss", "rate"),
        "source": ("saltinis", "avots", "source"),
    },
}


def suggest_columns(what: str, columns: tuple[str, ...]) -> dict[str, str]:
    """A first mapping from the header's words (the user checks it): each field to the first column named so."""
    from reporter.domain.text import fold
    from reporter.importers.layout import normalise

    found: dict[str, str] = {}
    taken: set[str] = set()
    for name, words in SUGGESTIONS.get(what, {}).items():
        for column in columns:
            if column not in taken and fold(normalise(column)) in words:
                found[name] = column
                taken.add(column)
                break
    if what in ("plan", "budget"):
        for column in columns:
            year = year_text(column)
            if column not in taken and year.isdigit() and len(year) == 4:
                found[f"amount:{year}"] = column
                taken.add(column)
    return found
