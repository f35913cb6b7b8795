"""Import from files: expenditure from accounting exports, activity plans and budgets, monthly exchange rates.

Every row is read and checked before anything is written, with the very rules
of a typed entry (`parse_expenditure_fields`, `complete_expenditure`; a plan or
a budget goes through the project file's own parser and `validate_definition`).
Then, in one transaction: all rows or none (`mode="all"`, the default), or
exactly the valid ones (`mode="valid"`); a dry run writes nothing. Each problem
names its row and column. An expenditure already stored (same supplier and
document number however typed, or same date, gross amount and supplier) is a
duplicate: listed and skipped unless the user keeps it, so the same file
imported twice adds nothing.

Expenditure is written by a bulk path: the project is read once, every row is
checked with the domain's functions, and the rows and their audit entries go in
with `executemany` inside the one transaction.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

from reporter.domain.currency import EURO, FIXED_EURO_RATES, currency_code, month_key, parse_rate
from reporter.domain.errors import PROBLEMS, Problem, UserError, ValidationError, problem
from reporter.domain.model import ExchangeRate, Expenditure, ProjectDefinition
from reporter.domain.money import ZERO, parse_amount, plain, to_cents
from reporter.domain.text import compact_key, document_key
from reporter.domain.validation import (
    REQUIRED_EXPENDITURE_FIELDS,
    complete_expenditure,
    parse_expenditure_fields,
    reference_problems,
)
from reporter.importers.cells import slash_order
from reporter.importers.layout import Layout, RowProblem, Skipped, find_layout, place
from reporter.importers.mapping import (
    _WIDE,
    ImportMapping,
    RowReader,
    list_profiles,
    load_profile,
    save_profile,
    suggest_columns,
)
from reporter.importers.table import Table, read_table
from reporter.paths import settings_file
from reporter.project_file import definition_to_data
from reporter.services.projects import check_project_data, save_project, template_rules
from reporter.store import Store
from reporter.store.expenditures import Cancelled

Progress = Callable[[str, int, int], None]
"""Told (phase, done, total) as an import goes on: phase "checking" or "writing"."""

MODES = ("all", "valid")


def profiles_folder() -> Path:
    """Import profiles live beside the settings, in the user's config folder."""
    return settings_file().parent / "import-profiles"


def profile_names() -> list[str]:
    return list_profiles(profiles_folder())


def read_profile(name: str) -> ImportMapping:
    return load_profile(profiles_folder(), name)


def write_profile(name: str, mapping: ImportMapping) -> Path:
    return save_profile(profiles_folder(), name, mapping)


# Results


@dataclass(frozen=True)
class Duplicate:
    row: int
    number: int | None  # the stored expenditure it repeats; None: an earlier row of the file
    earlier_row: int | None = None
    reason: str = "document"  # "document" (supplier and number), "entry" (date, amount and supplier), "row"


@dataclass
class ImportResult:
    what: str
    file: str
    sheet: str | None
    encoding: str | None
    delimiter: str | None
    header_row: int
    columns: tuple[str, ...]
    rows: int = 0  # data rows read (title, blank and totals rows not counted)
    valid: int = 0  # rows that pass every check
    imported: int = 0  # rows written
    changed: int = 0  # records added or changed (plans, budgets and rates: a row may change nothing)
    problems: list[RowProblem] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    dry_run: bool = False
    duplicates_kept: bool = False
    refused: bool = False  # problems and all-or-nothing: nothing was written

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def grouped(self) -> list[tuple[list[int], str | None, str | None, Problem]]:
        """The problems, one line per column and reason with all the rows it is found in."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        for p in self.problems:
            groups[(p.column, p.field, p.problem)].append(p.row)
        return [(rows, column, name, found) for (column, name, found), rows in groups.items()]

    def problem_lines(self, templates: Mapping[str, str] = PROBLEMS, lang: str | None = None) -> list[str]:
        return [found.worded(templates, lang, where=place(templates, rows, column, name, lang))
                for rows, column, name, found in self.grouped()]


@dataclass(frozen=True)
class Preview:
    """The first rows of a file as they will be read, for the wizard."""

    table: Table
    layout: Layout
    rows: list[tuple[int, list[str]]]
    suggested: dict[str, str]


def preview_file(path: Path, mapping: ImportMapping = ImportMapping(), limit: int = 30) -> Preview:
    """The file's sheets, its header and its first data rows, and a mapping guessed from the header."""
    from reporter.importers.cells import text_of

    table = read_table(path, mapping.sheet, mapping.encoding, mapping.delimiter)
    layout = find_layout(table, list(mapping.columns.values()), mapping.header_row)
    rows = [(number, [text_of(c) for c in cells]) for number, cells in layout.rows[:limit]]
    return Preview(table, layout, rows, suggest_columns(mapping.what, layout.columns))


# The one entry point


def import_file(store: Store, project_code: str | None, path: Path, mapping: ImportMapping, *, mode: str = "all",
                dry_run: bool = False, keep_duplicates: bool = False, progress: Progress | None = None,
                cancelled: Callable[[], bool] | None = None) -> ImportResult:
    """Read, check and (unless refused or a dry run) write one file, as one transaction."""
    if mode not in MODES:
        raise UserError(problem("mode", "value.not_one_of", value=repr(mode), choices=", ".join(MODES)))
    found = mapping.problems()
    if found:
        raise ValidationError(found, problem("", "import.profile_problems", count=len(found)))
    table = read_table(path, mapping.sheet, mapping.encoding, mapping.delimiter)
    layout = find_layout(table, list(mapping.columns.values()), mapping.header_row)
    if layout.header_row == 0 and any(not _is_position(c) for c in mapping.columns.values()):
        raise UserError(problem(path.name, "import.no_header",
                                columns=", ".join(f'"{c}"' for c in mapping.columns.values())))
    date_columns = [layout.index(mapping.columns[n]) for n in ("date", "paid") if n in mapping.columns]
    order = slash_order(cells[i] for _, cells in layout.rows for i in date_columns if i is not None)
    reader = RowReader(mapping, layout, order)
    if reader.problems:
        raise ValidationError(reader.problems, problem("", "import.profile_problems", count=len(reader.problems)))
    result = ImportResult(mapping.what, table.name, table.sheet, table.encoding, table.delimiter, layout.header_row,
                          layout.columns, rows=len(layout.rows) + len(layout.problems), problems=list(layout.problems),
                          skipped=list(layout.skipped), dry_run=dry_run)
    if mapping.what == "rates":
        return _import_rates(store, layout, reader, result, mode)
    if project_code is None:
        raise UserError(problem("project", "value.required"))
    if mapping.what == "expenditure":
        return _import_expenditure(store, project_code, layout, reader, result, mode, keep_duplicates, progress,
                                   cancelled)
    return _import_definition(store, project_code, layout, reader, result, mode)


def _is_position(reference: str) -> bool:
    text = reference.strip()
    return (text.isalpha() and text.isupper() and len(text) <= 2) or (text.startswith("#") and text[1:].isdigit())


# Expenditure


def _import_expenditure(store: Store, code: str, layout: Layout, reader: RowReader, result: ImportResult, mode: str,
                        keep_duplicates: bool, progress: Progress | None,
                        cancelled: Callable[[], bool] | None) -> ImportResult:
    given = set(reader.mapping.columns) | set(reader.mapping.constants)
    missing = [name for name in REQUIRED_EXPENDITURE_FIELDS
               if name not in given and not (name == "gross" and "net" in given)]
    if missing:
        raise ValidationError([problem(name, "import.field_not_given") for name in missing],
                              problem("", "import.profile_problems", count=len(missing)))
    definition = store.projects.definition(code)
    ids = store.projects.ids(code)
    rate = functools.lru_cache(maxsize=None)(store.rates.get)
    good: list[tuple[int, Expenditure]] = []
    total = len(layout.rows)
    for done, (number, cells) in enumerate(layout.rows):
        if progress is not None and done % 2000 == 0:
            progress("checking", done, total)
        if cancelled is not None and done % 2000 == 0 and cancelled():
            raise Cancelled(problem("", "import.cancelled"))
        expenditure, problems = check_row(number, cells, reader, definition, rate)
        if problems:
            result.problems += problems
        else:
            good.append((number, expenditure))  # type: ignore[arg-type]
    result.valid = len(good)
    result.duplicates_kept = keep_duplicates
    result.problems.sort(key=lambda p: p.row)
    wanted = _without_duplicates(store, ids.project, good, result, keep_duplicates)
    if result.problems and mode == "all":
        result.refused = True
        return result
    if result.dry_run or not wanted:
        return result
    with store.transaction():
        saved = store.expenditures.insert_many(
            ids, [e for _, e in wanted], progress=(lambda n: progress("writing", n, len(wanted))) if progress else None,
            cancelled=cancelled)
    result.imported = result.changed = len(saved)
    return result


def check_row(number: int, cells: list, reader: RowReader, definition: ProjectDefinition,
              rate: Callable[[str, str], Decimal | None]) -> tuple[Expenditure | None, list[RowProblem]]:
    """One row read and checked exactly as a typed entry; its problems placed at their columns."""
    fields, problems = reader.read(number, cells)
    unread = {p.field for p in problems}  # cells that could not be read: said once, not again as missing
    net_problem = _gross_from_net(fields)
    if net_problem is not None:
        problems.append(_at(number, reader, net_problem))
        unread |= {"gross", "vat"}
    draft, found = parse_expenditure_fields(fields)
    if draft is None or problems:
        found += reference_problems(fields, definition)
        return None, problems + [_at(number, reader, p) for p in found if p.where not in unread]
    expenditure, found = complete_expenditure(draft, definition, rate)
    return expenditure, [_at(number, reader, p) for p in found]


def _at(number: int, reader: RowReader, found: Problem) -> RowProblem:
    name = found.where.split(".")[0] or None
    return RowProblem(number, reader.column_of(name) if name else None, name, found)


def _gross_from_net(fields: dict[str, str]) -> Problem | None:
    """Gross from net + VAT, VAT from gross − net, or a check that all three agree; None when nothing is wrong."""
    net_text = fields.pop("net", "")
    if not net_text:
        return None
    try:
        net = parse_amount(net_text, "net")
        vat = parse_amount(fields["vat"], "vat") if fields.get("vat") else None
        gross = parse_amount(fields["gross"], "gross") if fields.get("gross") else None
    except UserError as error:
        return error.problem
    if gross is None:
        fields["gross"] = plain(net + (vat or ZERO))
    elif vat is None:
        fields["vat"] = plain(gross - net)
    elif gross != net + vat:
        from reporter.domain.messages import Amount

        return problem("gross", "import.net_vat_gross", gross=Amount(gross), net=Amount(net), vat=Amount(vat))
    return None


def _without_duplicates(store: Store, project_id: str, rows: list[tuple[int, Expenditure]], result: ImportResult,
                        keep: bool) -> list[tuple[int, Expenditure]]:
    """The rows to write: those that repeat a stored expenditure or an earlier row are listed and (unless kept) left
    out."""
    documents, entries = store.expenditures.known_documents(project_id)
    seen: dict[tuple, int] = {}
    wanted = []
    for number, e in rows:
        key = document_key(e.supplier, e.document_no)
        entry = (e.document_date.isoformat(), to_cents(e.gross), e.currency, compact_key(e.supplier))
        whole = (key, entry, e.partner, e.budget_line, e.activity, to_cents(e.eligible), e.description)
        if key in documents:
            result.duplicates.append(Duplicate(number, documents[key], reason="document"))
        elif entry in entries:
            result.duplicates.append(Duplicate(number, entries[entry], reason="entry"))
        elif whole in seen:
            result.duplicates.append(Duplicate(number, None, seen[whole], reason="row"))
        else:
            seen[whole] = number
            wanted.append((number, e))
            continue
        if keep:
            wanted.append((number, e))
    return wanted


# Plans and budgets: into the project's definition, through the project file's own parser


def _import_definition(store: Store, code: str, layout: Layout, reader: RowReader, result: ImportResult,
                       mode: str) -> ImportResult:
    definition = store.projects.definition(code)
    read: list[tuple[int, dict[str, str]]] = []
    previous: dict[str, str] = {}
    for number, cells in layout.rows:
        fields, problems = reader.read(number, cells)
        if problems:
            result.problems += problems
            continue
        if reader.mapping.what == "plan" and not fields.get("code") and previous:
            # A code (and title) given once for a group of rows, as merged cells or a tree in the export.
            fields = {**{k: v for k, v in previous.items() if k in ("code", "title")}, **fields}
        previous = fields
        read.append((number, fields))
    builder = _plan_data if reader.mapping.what == "plan" else _budget_data
    bad: set[int] = {p.row for p in result.problems}
    while True:
        data, origin, problems = builder(definition, [(n, f) for n, f in read if n not in bad], reader)
        new_definition: ProjectDefinition | None = None
        try:  # the values the builder refused are left out of `data`: the rest is checked all the same
            new_definition = check_project_data(data) if not problems else None
            if problems:
                check_project_data(data)
        except ValidationError as error:
            problems += [_placed(p, origin, reader) for p in error.problems]
        result.problems += problems
        bad |= {p.row for p in problems}
        if not problems or mode == "all" or not all(p.row for p in problems):
            break
    result.problems.sort(key=lambda p: p.row)
    result.valid = len({n for n, _ in read if n not in bad})
    if result.problems and (mode == "all" or not result.valid):
        result.refused = bool(result.problems) and mode == "all"
        return result
    if result.dry_run or new_definition is None:
        return result
    summary = save_project(store, new_definition)
    result.imported = result.valid
    result.changed = summary.inserted + summary.updated + summary.deleted
    return result


Origin = dict[str, tuple[int, dict[str, str]]]  # a project file key (`budget[4]`) → its row and {file key: field}


def _placed(found: Problem, origin: Origin, reader: RowReader) -> RowProblem:
    """A problem of the project file's parser, at the row and column its value came from."""
    prefix, rest = found.where, ""
    while prefix and prefix not in origin:
        prefix, _, last = prefix.rpartition(".")
        rest = f"{last}.{rest}" if rest else last
    if not prefix:
        return RowProblem(0, None, found.where or None, found)
    number, fields = origin[prefix]
    name = fields.get(rest.split(".")[0]) if rest else None
    return RowProblem(number, reader.column_of(name) if name else None, name or None, replace(found, where=""))


def _amounts(fields: dict[str, str]) -> list[tuple[str | None, str | None, str, str]]:
    """(year, funder, amount, field) of a row: one `amount` (with its `year`), or one per `amount:YEAR[:FUNDER]`."""
    found = []
    if fields.get("amount"):
        found.append((fields.get("year"), None, fields["amount"], "amount"))
    for name, value in fields.items():
        wide = _WIDE.match(name)
        if wide and value:
            found.append((wide.group(1), wide.group(2), value, name))
    return found


def _named_funders(text: str) -> list[str]:
    return [c.strip() for chunk in text.replace(";", ",").split(",") for c in [chunk] if c.strip()]


def _plan_data(definition: ProjectDefinition, rows: list[tuple[int, dict[str, str]]],
               reader: RowReader) -> tuple[dict[str, Any], Origin, list[RowProblem]]:
    """The project file's tables with the file's activities: each one's plan replaced by the file's amounts."""
    data = definition_to_data(definition, template_rules(definition))
    activities = data["activities"]
    position = {a["code"]: i for i, a in enumerate(activities)}
    replaced: set[str] = set()
    origin: Origin = {}
    problems: list[RowProblem] = []
    seen: dict[tuple, int] = {}
    known = [f.code for f in definition.funders]
    for number, fields in rows:
        code = fields.get("code", "")
        if code not in position:
            position[code] = len(activities)
            activities.append({"code": code, "planned": []})
        i = position[code]
        activity = activities[i]
        origin[f"activities[{i + 1}]"] = (number, {"code": "code", "title": "title"})
        if fields.get("title"):
            activity["title"] = fields["title"]
        if code not in replaced:
            activity["planned"] = []
            replaced.add(code)
        named = _named_funders(fields.get("funder", ""))
        unknown = [c for c in named if c not in known]
        if unknown:
            problems.append(RowProblem(number, reader.column_of("funder"), "funder", problem(
                "funder", "import.unknown_funders", codes=", ".join(unknown), known=", ".join(known))))
            continue
        for year, funder, amount, name in _amounts(fields):
            source = funder or (named[0] if len(named) == 1 else None)
            key = (code, year, source)
            if key in seen:
                problems.append(RowProblem(number, reader.column_of(name), name, problem(
                    name, "import.twice", key=" / ".join(str(k) for k in key if k), row=seen[key])))
                continue
            seen[key] = number
            planned = {"year": year or "", "amount": amount}
            if source:
                planned["funder"] = source
            activity["planned"].append(planned)
            j = len(activity["planned"])
            fields_of_entry = {"year": "year" if name == "amount" else name, "amount": name, "funder": "funder"}
            origin[f"activities[{i + 1}].planned[{j}]"] = (number, fields_of_entry)
    return data, origin, problems


def _budget_data(definition: ProjectDefinition, rows: list[tuple[int, dict[str, str]]],
                 reader: RowReader) -> tuple[dict[str, Any], Origin, list[RowProblem]]:
    """The project file's tables with the file's budget amounts: each replaces the one of its partner, line, year
    and activity, the others stay."""
    data = definition_to_data(definition, template_rules(definition))
    budget = data["budget"]

    def key(entry: Mapping[str, Any]) -> tuple:
        return (entry.get("partner"), entry.get("line"), str(entry.get("year") or ""), entry.get("activity") or "")

    position = {key(b): i for i, b in enumerate(budget)}
    origin: Origin = {}
    problems: list[RowProblem] = []
    seen: dict[tuple, int] = {}
    for number, fields in rows:
        for year, _funder, amount, name in _amounts(fields):
            entry = {"partner": fields.get("partner", ""), "line": fields.get("line", ""), "amount": amount}
            if year:
                entry["year"] = year
            if fields.get("activity"):
                entry["activity"] = fields["activity"]
            k = key(entry)
            if k in seen:
                problems.append(RowProblem(number, reader.column_of(name), name, problem(
                    name, "import.twice", key=" / ".join(str(x) for x in k if x), row=seen[k])))
                continue
            seen[k] = number
            if k in position:
                budget[position[k]] = entry
            else:
                position[k] = len(budget)
                budget.append(entry)
            origin[f"budget[{position[k] + 1}]"] = (number, {"partner": "partner", "line": "line", "activity": "activity",
                                                             "year": "year" if name == "amount" else name,
                                                             "amount": name})
    return data, origin, problems


# Exchange rates


def _import_rates(store: Store, layout: Layout, reader: RowReader, result: ImportResult, mode: str) -> ImportResult:
    rates: list[tuple[int, ExchangeRate]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in layout.rows:
        fields, problems = reader.read(number, cells)
        if not problems:
            found: list[Problem] = []
            rate = rate_from_fields(fields, found)
            problems = [_at(number, reader, p) for p in found]
            if rate is not None and (rate.currency, rate.month) in seen:
                problems.append(_at(number, reader, problem("month", "import.twice",
                                                            key=f"{rate.currency} {rate.month}",
                                                            row=seen[(rate.currency, rate.month)])))
            elif rate is not None:
                seen[(rate.currency, rate.month)] = number
                rates.append((number, rate))
        result.problems += problems
    bad = {p.row for p in result.problems}
    rates = [(n, r) for n, r in rates if n not in bad]
    result.valid = len(rates)
    if result.problems and mode == "all":
        result.refused = True
        return result
    if result.dry_run:
        return result
    with store.transaction():
        result.changed = sum(store.rates.put(rate) for _, rate in rates)
    result.imported = len(rates)
    return result


def rate_from_fields(fields: Mapping[str, str], problems: list[Problem]) -> ExchangeRate | None:
    """A month's rate from its text fields, checked as `rate set` checks it."""
    values: dict[str, Any] = {}
    for name, parse in (("currency", currency_code), ("month", month_key), ("rate", parse_rate)):
        text = (fields.get(name) or "").strip()
        if not text:
            problems.append(problem(name, "value.required"))
            continue
        try:
            values[name] = parse(text)
        except UserError as error:
            problems.append(error.placed(name))
    currency = values.get("currency")
    if currency is not None and (currency == EURO or currency in FIXED_EURO_RATES):
        problems.append(problem("currency", "currency.fixed", currency=currency))
    if len(values) < 3 or problems:
        return None
    return ExchangeRate(values["currency"], values["month"], values["rate"], (fields.get("source") or "").strip())
