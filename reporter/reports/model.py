"""The report data set: what a funder report says, independent of how it looks.

Builders (`reporter.reports.build`) fill it from the project's data and the
funder template; renderers (`pdf`, `xlsx`) draw it. Labels are already in the
report's language; values stay typed (Decimal, date, int, text) so each
renderer formats them its own way: locale text in the PDF, numbers with a
number format in the workbook. A submitted report's data set is stored as JSON
and can be rendered again, unchanged, at any later time.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from decimal import Decimal
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any, Callable, Union

Value = Union[str, Decimal, date, int, None]

# Column kinds: how a value is shown and whether it can be summed.
TEXT, MONEY, PERCENT, DATE, NUMBER, INTEGER = "text", "money", "percent", "date", "number", "integer"
NUMERIC_KINDS = (MONEY, PERCENT, NUMBER, INTEGER)

# Row kinds.
DATA, GROUP, SUBTOTAL = "data", "group", "subtotal"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT
    width: float = 1.0  # relative to the other columns of the table
    total: bool = False  # summed in subtotal and total rows
    original: bool = False  # money in each document's own currency: never converted into another


@dataclass(frozen=True, slots=True)  # a period's list may have 100 000 of them
class Row:
    cells: tuple[Value, ...]
    kind: str = DATA  # a GROUP row carries its title in the first cell; a SUBTOTAL row sums its group


@dataclass(frozen=True)
class Table:
    key: str  # short, unique in the report: names the sheet of the workbook
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total_label: str | None = None  # when set, a last row sums every column with total=True
    note: str = ""  # a sentence under the table (e.g. the limits a section is judged against)


@dataclass(frozen=True)
class FindingLine:
    severity: str  # "error", "warning", "info"
    severity_label: str  # in the report's language
    rule: str
    message: str
    records: str  # "#12, #15" or ""


@dataclass(frozen=True)
class ReportData:
    template: str
    lang: str
    title: str
    subtitle: str
    currency: str
    header: tuple[tuple[str, str], ...]  # (label, value) pairs: project, partner, funder, contract, period, dates
    tables: tuple[Table, ...]
    findings_title: str
    findings: tuple[FindingLine, ...]
    no_findings: str  # shown when there is no finding
    signature_title: str
    signature_fields: tuple[str, ...]  # e.g. "Name, surname", "Position", "Date", "Signature"
    page_label: str  # e.g. "Page {page} of {pages}"
    author: str  # document metadata
    orientation: str = "landscape"
    labels: dict[str, str] = field(default_factory=dict)  # other words renderers need ("Total"…)
    statement: str = ""  # what the signatories declare (a declaration of honour, a certification), above them
    signatories: tuple[str, ...] = ()  # who signs, each with the signature fields; none: one unnamed signatory
    identifier: str = ""  # the report's name: project, period, partner, template and language, as its files are named
    page_context: str = ""  # what every page names: project, period with its dates, partner (or all partners)


def to_json(data: ReportData) -> str:
    """A stable JSON text of the data set (the snapshot a submission stores)."""
    return json.dumps(asdict(data), default=_encode, ensure_ascii=False, sort_keys=True, indent=1)


def from_json(text: str) -> ReportData:
    raw = json.loads(text, object_hook=_decode)
    raw["header"] = tuple(tuple(pair) for pair in raw["header"])
    raw["tables"] = tuple(
        Table(t["key"], t["title"], tuple(Column(**c) for c in t["columns"]),
              tuple(Row(tuple(r["cells"]), r["kind"]) for r in t["rows"]), t["total_label"], t["note"])
        for t in raw["tables"])
    raw["findings"] = tuple(FindingLine(**f) for f in raw["findings"])
    raw["signature_fields"] = tuple(raw["signature_fields"])
    raw["signatories"] = tuple(raw.get("signatories", ()))
    return ReportData(**raw)


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    raise TypeError(f"cannot store {type(value).__name__} in a report snapshot")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$decimal"}:
        return Decimal(obj["$decimal"])
    if set(obj) == {"$date"}:
        return date.fromisoformat(obj["$date"])
    return obj


_COMPACT = json.JSONEncoder(default=_encode, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
# A cell as _COMPACT writes it, without its per-call set-up: the rows are nearly all of a data set's text.
_CELL: dict[type, Callable[[Any], str]] = {
    str: encode_basestring, int: str, type(None): lambda _: "null",
    Decimal: lambda v: f'{{"$decimal":"{v}"}}', date: lambda v: f'{{"$date":"{v.isoformat()}"}}',
}


def data_hash(data: ReportData) -> str:
    """SHA-256 (hex) of the data set's canonical JSON: `to_json`'s content without spaces or line breaks.

    Anyone can check it from a snapshot: load the JSON, write it again with sorted keys, no spaces and
    no ASCII escaping, and hash the UTF-8 bytes. It is worked out row by row, so a 100 000-row data set
    never becomes one string (or a dictionary copy of itself).
    """
    digest = hashlib.sha256()

    def put(text: str) -> None:
        digest.update(text.encode("utf-8"))

    put("{")
    for i, name in enumerate(sorted(f.name for f in fields(data))):
        put(("," if i else "") + _COMPACT.encode(name) + ":")
        value = getattr(data, name)
        if name == "tables":
            put("[")
            for t, table in enumerate(value):
                put(("," if t else "") + '{"columns":' + _COMPACT.encode([asdict(c) for c in table.columns])
                    + ',"key":' + _COMPACT.encode(table.key) + ',"note":' + _COMPACT.encode(table.note)
                    + ',"rows":[')
                for start in range(0, len(table.rows), 1000):
                    put(("," if start else "") + ",".join(
                        '{"cells":[' + ",".join([_CELL.get(type(v), _COMPACT.encode)(v) for v in row.cells])
                        + '],"kind":' + encode_basestring(row.kind) + "}" for row in table.rows[start:start + 1000]))
                put('],"title":' + _COMPACT.encode(table.title) + ',"total_label":'
                    + _COMPACT.encode(table.total_label) + "}")
            put("]")
        elif name == "findings":
            put(_COMPACT.encode([asdict(f) for f in value]))
        else:
            put(_COMPACT.encode(value))
    put("}")
    return digest.hexdigest()
