"""Errors a user can cause and fix.

Bad user data is reported, not crashed on: validators return `Problem` values
and the boundary (CLI, window) shows them all together. `UserError` is the one
exception type the front ends show as a plain message; anything else is an
internal error.

A problem is a place, a message id and typed values, worded when shown: `str()`
and `.message` in English (`PROBLEMS`), `reporter.i18n` in the window's language.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

from reporter.domain.messages import Param, render

# The English wording of every problem, by message id. Translations use the same ids
# and {placeholders} (resources/translations/problems.toml). A value shown in quotes
# is passed quoted (`repr`), exactly as it was given.
PROBLEMS = {
    # Amounts, numbers, dates and codes as typed
    "amount.required": "an amount is required",
    "amount.not_amount": "{value} is not an amount (use digits with '.' or ',' for cents, e.g. 1234.56)",
    "amount.separators": "{value} has more than one decimal separator",
    "amount.ambiguous": "{value} is ambiguous ({whole} or {decimal}?): write {whole}.00 for the first, "
                        "or give at most two decimals",
    "amount.cents": "{value} must have one or two digits after the decimal separator (cents)",
    "amount.no_integer_part": "{value} has no digits before the decimal separator",
    "amount.groups": "{value} has thousands groups that are not three digits",
    "amount.decimals": "{value} has more than two decimal places",
    "amount.not_cents": "{value} is not an amount in cents",
    "amount.not_whole_cents": "{value} is not a whole number of cents",
    "amount.exceeds_gross": "{part} must have the sign of the gross amount {gross} and not exceed it",
    "number.not_number": "{value} is not a number",
    "number.decimals": "{value} has more than {places} decimal places",
    "number.negative": "{value} is not a non-negative number",
    "percent.required": "is required (a percentage, e.g. 85)",
    "percent.range": "{value} % is not between 0 and 100",
    "currency.unknown": "{value} is not an ISO 4217 currency code (e.g. EUR, PLN, USD)",
    "currency.two_conversions": "a {currency} document in a {project_currency} project needs two conversions; "
                                "enter it in EUR or {project_currency}",
    "currency.fixed": "{currency} has a fixed euro rate and needs no monthly rate",
    "rate.not_positive": "a rate must be greater than zero, not {rate}",
    "rate.not_needed": "the document is in {currency}, the project's own currency: no rate is needed",
    "rate.fixed": "{currency} converts at the fixed euro rate {fixed}, not {rate}",
    "rate.missing": "no {currency} rate for {month}: give the rate or store the month's rate",
    "rate.not_stored": "no {currency} rate stored for {month}; give --rate or store it with "
                       "'grant-reporter rate set {currency} {month} RATE'",
    "month.not_iso": "{value} is not a month written YYYY-MM",
    "date.not_iso": "{value} is not a date written YYYY-MM-DD",
    "date.outside_project": "{date} is outside the project ({start} – {end})",
    "value.required": "is required",
    "value.not_one_of": "{value} is not one of {choices}",
    "none": "none",
    # The project definition
    "project.code_required": "a project code is required",
    "project.title_required": "a title is required",
    "project.ends_before_start": "the project ends ({end}) before it starts ({start})",
    "project.unknown": "no project with code {code}",
    "project.problems": "Project {code} has {count} problem(s); nothing was saved:",
    "partner.name_required": "a name is required",
    "partner.one_lead": "only one lead partner is possible, found {leads}",
    "partner.unknown": "{project} has no partner {partner}",
    "funder.no_agreement": "{project} has no funding agreement with {funder}",
    "reference.unknown_partner": "unknown partner {code}",
    "reference.unknown_funder": "unknown funder {code}",
    "reference.unknown_budget_line": "unknown budget line {code}",
    "reference.unknown_activity": "unknown activity {code}",
    "duplicate.code": "code {value} appears {count} times",
    "duplicate.number": "number {value} appears {count} times",
    "duplicate.agreement": "partner/funder {value} appears {count} times",
    "duplicate.budget": "partner/line/year/activity {value} appears {count} times",
    "funding.negative_cap": "a cap cannot be negative",
    "funding.part_of": "{funder} is not a top-level funder of the same agreement scope",
    "funding.eligible_ends_before_start": "the eligible period ends before it starts",
    "funding.residuals.partner": "partner {partner} has {count} residual sources; at most one takes the remainder",
    "funding.residuals.partner_within": "partner {partner} has {count} residual sources within {funder}; "
                                        "at most one takes the remainder",
    "funding.residuals.project": "the project has {count} residual sources; at most one takes the remainder",
    "funding.residuals.project_within": "the project has {count} residual sources within {funder}; "
                                        "at most one takes the remainder",
    "year.outside_project": "{year} is outside the project's years",
    "period.number_from_one": "period numbers start at 1",
    "period.ends_before_start": "the period ends ({end}) before it starts ({start})",
    "period.outside_project": "period {number} ({start} – {end}) is outside the project "
                              "({project_start} – {project_end})",
    "period.overlap": "periods {first} and {second} overlap",
    "flat_rate.exclusive": "the flat rates {first} and {second} exclude each other; budget only one of them",
    "flat_rate.incomplete": "needs line, percent and of (a list of lines)",
    "unit_cost.incomplete": "needs line and rate",
    "rules.unknown": "unknown rule (expected one of: {keys})",
    "rules.not_lines": "must be a list of budget line codes",
    "rules.not_days": "must be a whole number of days",
    "template.unknown": "no funder template {template} (known: {known})",
    "template.unknown_section": "unknown section {section} (known: {known})",
    "template.orientation": "must be landscape or portrait",
    # The project file
    "file.missing": "no such file",
    "file.not_utf8": "not a text file in UTF-8 (is it a project file?)",
    "file.does_not_exist": "{file} does not exist",
    "file.not_toml": "not valid TOML: {detail}",
    "file.unreadable": "The project file cannot be read:",
    "file.problems": "The project file has {count} problem(s); nothing was saved:",
    "file.not_table": "must be a table",
    "file.unknown_key": "unknown key (expected one of: {keys})",
    "file.not_text": "must be text in quotes, not {value}",
    "file.date_required": "is required as a date (YYYY-MM-DD)",
    "file.not_date": "{value} is not a date (YYYY-MM-DD)",
    "file.not_amount": "{value} is not an amount",
    "file.not_integer": "{value} is not a whole number",
    "file.not_flag": "must be true or false, not {value}",
    "file.not_codes": "must be a list of codes in quotes",
    "file.not_tables": "must be a list of tables",
    # Expenditures
    "expenditure.unknown_field": "is not an expenditure field",
    "expenditure.problems": "The expenditure has {count} problem(s); nothing was saved:",
    "expenditure.unknown_partner": "unknown partner {code} in {project} (known: {known})",
    "expenditure.unknown_budget_line": "unknown budget line {code} in {project} (known: {known})",
    "expenditure.unknown_activity": "unknown activity {code} in {project} (known: {known})",
    "expenditure.no_id": "expenditure {id} does not exist",
    "expenditure.unknown": "no expenditure {reference} in this project",
    "expenditure.locked": "expenditure {number} is in submitted period {period}, which is locked; "
                          "enter a correction in an open period",
    "expenditure.flat_rate_line": "{line} is a flat rate ({percent} % of {lines}) that the program computes; "
                                  "it is never entered by hand",
    "units.required": "{line} is paid per {unit} ({rate} each): give the number of units",
    "units.not_used": "{line} is not a unit-cost line; units are not used",
    "units.negative": "{value}: units cannot be negative",
    "period.not_number": "{value} is not a period number (1, 2, 3…)",
    "period.unknown": "{project} has no reporting period {number}",
    "period.no_such": "no reporting period {number}",
    "period.none_contains": "no reporting period contains {date}; give the period",
    "period.locked": "period {number} is submitted and locked; enter a correction in an open period",
    "period.locked_setup": "reporting period {number} is submitted and locked; it cannot be changed or removed",
    "period.already_submitted": "period {number} of {project} is already submitted",
    "period.not_submitted": "period {number} of {project} is not submitted",
    "period.reopen_reason": "say why the period is reopened; the audit log keeps it",
    "in_use.partner": "partner {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.budget_line": "budget line {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.activity": "activity {name} cannot be removed: {count} expenditure(s) refer to it",
    "in_use.period": "reporting period {name} cannot be removed: {count} expenditure(s) refer to it",
    "filter.unknown_partner": "no partner {code} in this project",
    "filter.unknown_budget_line": "no budget line {code} in this project",
    "filter.unknown_activity": "no activity {code} in this project",
    "filter.unknown_period": "no period {code} in this project",
    "filter.unknown_funder": "no funder {code} in this project",
    "page.out_of_range": "the page size must be 1 to 10000 and the offset 0 to 1000000000",
    # Reports, backups and the demo
    "format.unknown": "{formats}; choose from {choices}",
    "format.none": "none given; choose from {choices}",
    "backup.in_memory": "an in-memory database cannot be backed up",
    "demo.present": "this database already has the demo project(s) {codes}; the demo is only added to a database "
                    "without them, so that it never mixes with other data: use a new database file",
    "demo.files_missing": "the demo project files are missing from {folder}: {files}",
    # Bounds: what the program accepts (reporter/domain/limits.py)
    "amount.out_of_range": "{value} is beyond the largest amount the program takes (±{limit})",
    "amount.negative": "{value} cannot be negative",
    "date.out_of_range": "{value} is outside the dates the program takes ({first} – {last})",
    "year.out_of_range": "{value} is not a year from {first} to {last}",
    "number.out_of_range": "{value} is not a whole number from {low} to {high}",
    "rate.out_of_range": "a rate of {rate} per euro is not plausible; it must be from {low} to {high}",
    "units.too_many": "{value} units are more than one document can have (at most {limit})",
    "text.too_long": "is {length} characters long; at most {limit} fit",
    "text.control_character": "contains a control character (a line break or tab where none belongs, or an invisible "
                              "code)",
    "text.not_unicode": "contains characters that are not valid text",
    "template.bad_id": "{template} is not a template name (lower-case letters, digits and dashes, at most 64)",
    "file.not_number": "must be a number, not {value}",
    "file.too_deep": "arrays or tables are nested too deeply",
    "file.not_decimal": "{value} is a hexadecimal, octal or binary number; write numbers in decimal",
    # The database file and the machine: verification, a database in use, a full disk, a read-only folder
    "database.busy": "the database is in use by another Grant Reporter window or command; try again",
    "database.not_a_file": "{file} is not a database file (a device or a folder?); give the path of a .sqlite3 file",
    "database.empty_file": "{file} is empty (0 bytes): not a Grant Reporter database",
    "database.not_sqlite": "{file}: not a Grant Reporter database (not an SQLite file at all)",
    "database.unreadable": "{file} cannot be read ({detail})",
    "database.damaged": "{file} is damaged ({detail}); restore it from a backup",
    "database.foreign_version": "{file}: not a Grant Reporter database (its user_version is {version}, Grant "
                                "Reporter's is 0)",
    "database.no_tables": "{file}: an empty SQLite database, not a Grant Reporter one",
    "database.not_ours": "{file}: an SQLite database, but not a Grant Reporter one",
    "database.newer": "{file} was written by a newer version of Grant Reporter (schema {schema}); install that "
                      "version or newer to open it. Nothing was changed.",
    "database.incomplete": "{file}: not a complete Grant Reporter database (the schema step {schema} is missing)",
    "database.missing_table": "{file}: the table {table} that Grant Reporter needs is missing",
    "database.missing_column": "{file}: the column {column} of the table {table} that Grant Reporter needs is missing",
    "storage.disk_full": "the disk of {file} is full: nothing was saved; free some space and try again",
    "storage.read_only": "{file} cannot be written (the file, its folder or the disk is read-only): nothing was "
                         "saved; copy it to a folder you can write to",
    "storage.cannot_open": "{file} cannot be opened (does its folder exist, and may you write there?)",
    "storage.io_error": "reading or writing {file} failed (a disk or network error): nothing was saved; try again, "
                        "or check the disk",
    "storage.damaged": "{file} is damaged; restore it from a backup (grant-reporter restore)",
    "storage.name_too_long": "the file name {file} is too long for the disk",
    "storage.no_such_folder": "{file}: the folder does not exist, or a file stands where a folder should be",
    # Backups, restore and locked records
    "record.locked": "this record belongs to a submitted period, which is locked; reopen the period or enter a "
                     "correction in an open one",
    "backup.keep_at_least_one": "{keep}: at least 1 backup is kept (the new one); give --keep 1 or more",
    "backup.not_verified": "the backup {file} did not verify and was not kept: {reason}",
    "restore.refused": "{file} cannot be restored, and the database was not changed: {reason}",
    "code.leading_dash": "{value}: a code cannot begin with '-' (the command line would take it for an option)",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input: where it is (a key such as `funding[2].share`) and why it is wrong."""

    where: str
    message_id: str  # a key of PROBLEMS; the words are chosen when the problem is shown
    args: tuple[tuple[str, Param], ...] = ()

    @property
    def params(self) -> dict[str, Param]:
        return dict(self.args)

    @property
    def message(self) -> str:
        """Why, in English, as the command line prints it."""
        return self.worded(PROBLEMS, where="")

    def worded(self, templates: Mapping[str, str], lang: str | None = None, where: str | None = None) -> str:
        """`where: why` in the wording of `templates`; `where` may name the place otherwise, or "" leave it out."""
        message = render(self.message_id, self.params, templates, lang)
        where = self.where if where is None else where
        return f"{where}: {message}" if where else message

    def __str__(self) -> str:
        return self.worded(PROBLEMS)


def problem(where: str, message_id: str, /, **params: Param) -> Problem:
    """The problem `PROBLEMS[message_id]` describes, at `where`, with these values."""
    assert message_id in PROBLEMS, message_id
    return Problem(where, message_id, tuple(params.items()))


def not_one_of(where: str, value: object, choices: Iterable[str]) -> Problem:
    """A value that is none of those allowed (a rounding, a role, a sort column…)."""
    return problem(where, "value.not_one_of", value=repr(value), choices=", ".join(choices))


class UserError(Exception):
    """The input or the request is wrong; the message says what to change.

    Given a `Problem` it can be worded in the window's language; plain text
    (a damaged database or template file, the command line's own options) stays English.
    """

    def __init__(self, problem: Problem | str) -> None:
        self.problem = problem if isinstance(problem, Problem) else None
        super().__init__(str(problem))

    def worded(self, templates: Mapping[str, str], lang: str | None = None) -> str:
        return self.problem.worded(templates, lang) if self.problem else str(self)

    def placed(self, where: str) -> Problem:
        """The problem, found at `where`: the field or key whose value a parser refused."""
        assert self.problem is not None, "every parser raises with a Problem"
        return replace(self.problem, where=where)


class ValidationError(UserError):
    """The input has one or more problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem], heading: Problem | None = None) -> None:
        self.problems = list(problems)
        self.heading = heading
        super().__init__(self.worded(PROBLEMS))

    def worded(self, templates: Mapping[str, str], lang: str | None = None) -> str:
        """The heading, then every problem indented under it."""
        lines = [problem.worded(templates, lang) for problem in self.problems]
        if self.heading:
            return "\n".join([self.heading.worded(templates, lang), *("  " + line for line in lines)])
        return "\n".join(lines)


class NotFound(UserError):
    """The named record does not exist."""


class Conflict(UserError):
    """The change would break data that is already saved (a lock or a reference)."""
