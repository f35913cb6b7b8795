"""What the program accepts: every bound on a value, in one place.

Values are bounded where they enter (forms, the command line, project files),
so that nothing accepted can break a later command: an amount the database or a
report cannot hold, a date no contract uses, a text no page can fit, a number
of periods no loop should count to. The parsers (`money.parse_amount`,
`currency.parse_rate`, `validation.parse_date`, the project file's reader)
call the checks here; nothing else knows the numbers.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from reporter.domain.errors import Problem, UserError, problem
from reporter.domain.messages import Amount, Number

MAX_AMOUNT = Decimal("999999999.99")  # Jems' own limit; well inside SQLite's integer cents
FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2100, 12, 31)
MIN_RATE = Decimal("0.01")  # units of a currency per euro: no currency is worth 100 euro
MAX_RATE = Decimal("1000000")  # nor a millionth of one
MAX_UNITS = Decimal("1000000")  # participants, days… on one unit-cost document
MAX_PERIOD = 999  # reporting period numbers
MAX_TRAVELLERS = 1000  # persons on one trip, when they are counted rather than named
MAX_GRACE_DAYS = 3650  # days a payment may follow the eligible end

# The longest text each kind of field takes. Reports and the window are tested
# with every field at its longest (tests/test_limits.py).
TEXT_LIMITS = {
    "code": 50,  # project, partner, funder, budget line and activity codes
    "title": 300,  # project and activity titles
    "name": 300,  # partner, funder and budget line names
    "contract_number": 100,
    "country": 50,
    "document": 100,  # document number
    "supplier": 200,
    "description": 1000,
    "notes": 2000,
    "attachments": 2000,  # all references together
    "source": 200,  # where an exchange rate comes from
    "reason": 1000,  # why a period is reopened
    "unit": 50,  # what a unit cost counts
    "route": 200,  # a trip's route: "Vilnius–Kaunas–Vilnius"
    "travellers": 500,  # the persons on a trip, by name
}
# Fields that may hold several lines; the others are one line of printable text.
MULTILINE = frozenset({"description", "notes", "reason"})

TEMPLATE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control characters (C0, DEL, C1) and the separators that end a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")  # \t and \n allowed


def amount_problem(value: Decimal, where: str = "") -> Problem | None:
    """An amount beyond ±999 999 999.99."""
    if value.is_finite() and abs(value) <= MAX_AMOUNT:
        return None
    shown = Number(value) if len(str(value)) <= 40 else _short(str(value), 40)
    return problem(where, "amount.out_of_range", value=shown, limit=Amount(MAX_AMOUNT))


def check_amount(value: Decimal, where: str = "") -> Decimal:
    if (found := amount_problem(value, where)) is not None:
        raise UserError(found)
    return value


def check_date(value: date, where: str = "") -> date:
    """A day from 1990 to 2100."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise UserError(problem(where, "date.out_of_range", value=value.isoformat(), first=FIRST_DAY.isoformat(),
                                last=LAST_DAY.isoformat()))
    return value


def parse_date(text: str, where: str = "") -> date:
    """A date written YYYY-MM-DD, from 1990 to 2100: no other form is read (not 20240305, not a time)."""
    cleaned = text.strip()
    if not _ISO_DATE.fullmatch(cleaned):
        raise UserError(problem(where, "date.not_iso", value=repr(text)))
    try:
        day = date.fromisoformat(cleaned)
    except ValueError:
        raise UserError(problem(where, "date.not_iso", value=repr(text))) from None
    return check_date(day, where)


def check_year(value: int, where: str = "") -> int:
    if not FIRST_DAY.year <= value <= LAST_DAY.year:
        raise UserError(problem(where, "year.out_of_range", value=value, first=FIRST_DAY.year, last=LAST_DAY.year))
    return value


def check_integer(value: int, low: int, high: int, where: str = "") -> int:
    if not low <= value <= high:
        raise UserError(problem(where, "number.out_of_range", value=_short(str(value)), low=low, high=high))
    return value


def check_rate(value: Decimal, where: str = "") -> Decimal:
    """A rate of units per euro that some currency could have."""
    if not MIN_RATE <= value <= MAX_RATE:
        raise UserError(problem(where, "rate.out_of_range", rate=Number(value), low=Number(MIN_RATE),
                                high=Number(MAX_RATE)))
    return value


def check_units(value: Decimal, where: str = "") -> Decimal:
    if value > MAX_UNITS:
        raise UserError(problem(where, "units.too_many", value=Number(value), limit=Number(MAX_UNITS)))
    return value


def text_problem(text: str, kind: str, where: str = "") -> Problem | None:
    """Text longer than its kind allows, with control characters, or not writable as UTF-8."""
    limit = TEXT_LIMITS[kind]
    if len(text) > limit:
        return problem(where, "text.too_long", length=len(text), limit=limit)
    if (_CONTROL_MULTILINE if kind in MULTILINE else _CONTROL).search(text):
        return problem(where, "text.control_character")
    if kind == "code" and text.startswith("-"):  # `--project -X` would read it as an option
        return problem(where, "code.leading_dash", value=repr(text))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return problem(where, "text.not_unicode")
    return None


def check_text(text: str, kind: str, where: str = "") -> str:
    if (found := text_problem(text, kind, where)) is not None:
        raise UserError(found)
    return text


def template_id_problem(template_id: str, where: str = "template") -> Problem | None:
    """A template is named by its file's stem: short, lower-case letters, digits and dashes, never a path."""
    if TEMPLATE_ID.fullmatch(template_id):
        return None
    return problem(where, "template.bad_id", template=repr(_short(template_id)))


def _short(text: str, length: int = 60) -> str:
    """A long value as a message shows it: its beginning."""
    return text if len(text) <= length else text[:length] + "…"
