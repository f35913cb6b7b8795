"""The demo database: eight multi-funded library projects with several hundred expenditures.

The projects are the project files in `resources/demo/`. The expenditures are
made up here, deterministically (each project has its own fixed random seed),
so every demo database is the same and tests can count on it. They go in
through the same services a user's entries go through, all in one transaction:
the demo is created whole or not at all, and never into a database that already
holds a project with a demo code.

The projects follow their templates' contract rules (unit costs declared as
units, no entries on flat-rate lines, payments within the grace days), except
for a few deliberate problems a check should find, each marked "Deliberately"
below and pinned by tests/test_demo.py.
"""

from __future__ import annotations

import random
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Callable, Iterator

from reporter.domain.currency import FIXED_EURO_RATES
from reporter.domain.errors import UserError, ValidationError, problem
from reporter.domain.model import ProjectDefinition
from reporter.domain.money import CENT, plain, round_half_up
from reporter.paths import resources_dir
from reporter.services.controls import set_control
from reporter.services.currency import list_rates, set_rate
from reporter.services.expenditures import add_expenditure
from reporter.services.explanations import explain
from reporter.services.payments import add_payment
from reporter.services.projects import read_project_file, save_project
from reporter.services.subgrants import add_sub_grant_payment, sub_grant_overview
from reporter.store import Store

# The project files, in the order the projects are created.
DEMO_FILES = (
    "interreg-lv-lt.toml",
    "erasmus-ka2.toml",
    "culture-council.toml",
    "foundation-usd.toml",
    "association-plan.toml",
    "libraries-for-innovation-usd.toml",
    "ministry-of-culture-ltl.toml",
    "culture-council-ltl.toml",
)

# Units of a currency per euro, one rate a month (near the ECB reference rates' monthly averages), for
# every month with expenditure in that currency: the USD projects' (the national programme's for every
# month of 2008-11 … 2012-10, its litas documents included: litas convert to the euro at the fixed
# rate, the euro to dollars at the month's), and the Erasmus+ partners' in Poland and Norway.
RATES = {
    "USD": {
        "2008-11": "1.2732", "2008-12": "1.3449",
        "2009-01": "1.3239", "2009-02": "1.2785", "2009-03": "1.3050", "2009-04": "1.3190", "2009-05": "1.3650",
        "2009-06": "1.4016", "2009-07": "1.4088", "2009-08": "1.4268", "2009-09": "1.4562", "2009-10": "1.4816",
        "2009-11": "1.4914", "2009-12": "1.4614",
        "2010-01": "1.4272", "2010-02": "1.3686", "2010-03": "1.3569", "2010-04": "1.3406", "2010-05": "1.2565",
        "2010-06": "1.2209", "2010-07": "1.2770", "2010-08": "1.2894", "2010-09": "1.3067", "2010-10": "1.3898",
        "2010-11": "1.3661", "2010-12": "1.3220",
        "2011-01": "1.3360", "2011-02": "1.3649", "2011-03": "1.3999", "2011-04": "1.4442", "2011-05": "1.4349",
        "2011-06": "1.4388", "2011-07": "1.4264", "2011-08": "1.4343", "2011-09": "1.3770", "2011-10": "1.3706",
        "2011-11": "1.3556", "2011-12": "1.3179",
        "2012-01": "1.2905", "2012-02": "1.3224", "2012-03": "1.3201", "2012-04": "1.3162", "2012-05": "1.2789",
        "2012-06": "1.2526", "2012-07": "1.2288", "2012-08": "1.2400", "2012-09": "1.2856", "2012-10": "1.2974",
        "2024-03": "1.0872", "2024-04": "1.0728", "2024-05": "1.0812", "2024-06": "1.0759",
        "2024-07": "1.0844", "2024-08": "1.1012", "2024-09": "1.1106", "2024-10": "1.0904",
        "2024-11": "1.0630", "2024-12": "1.0479", "2025-01": "1.0354", "2025-02": "1.0413",
    },
    "PLN": {"2022-10": "4.7492"},
    "NOK": {"2022-09": "10.1003"},
}
RATE_SOURCE = "ECB (demo)"

# What funders really paid: the Erasmus+ grant's first two instalments (40 % at signature, 40 % after the
# progress report); the foundation's yearly instalments to the national programme, and the Government's
# transfers in litas, booked in the programme's dollars at the month's rate; the Baltic Reading Foundation's
# advance and its second instalment after the first report (the balance waits for the final one). The interest
# the banks paid on the two foundations' money is kept too: the foundation's report accounts for it.
PAYMENTS = (
    ("BRF-2024-LV07", {"funder": "BRF", "date": "2024-03-12", "amount": "13400.00", "kind": "prefinancing",
                       "note": "BRF wire transfer, instalment 1 of 3"}),
    ("BRF-2024-LV07", {"funder": "BRF", "date": "2024-06-28", "amount": "14.36", "kind": "interest",
                       "note": "Citadele: procenti par dotācijas kontu, 2024. gada 2. ceturksnis"}),
    ("BRF-2024-LV07", {"funder": "BRF", "date": "2024-09-30", "amount": "9.82", "kind": "interest",
                       "note": "Citadele: procenti par dotācijas kontu, 2024. gada 3. ceturksnis"}),
    ("BRF-2024-LV07", {"funder": "BRF", "date": "2024-10-04", "amount": "10720.00", "kind": "interim",
                       "note": "BRF wire transfer, instalment 2 of 3, after the first report"}),
    ("BRF-2024-LV07", {"funder": "BRF", "date": "2024-12-31", "amount": "6.41", "kind": "interest",
                       "note": "Citadele: procenti par dotācijas kontu, 2024. gada 4. ceturksnis"}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2009-06-30", "amount": "1842.16", "kind": "interest",
                      "note": "SEB bankas: palūkanos už dotacijos sąskaitos likutį, 2009 m. I pusmetis"}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2009-12-31", "amount": "612.40", "kind": "interest",
                      "note": "SEB bankas: palūkanos už dotacijos sąskaitos likutį, 2009 m. II pusmetis"}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2010-12-31", "amount": "388.05", "kind": "interest",
                      "note": "SEB bankas: palūkanos už dotacijos sąskaitos likutį, 2010 m."}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2011-12-30", "amount": "215.90", "kind": "interest",
                      "note": "SEB bankas: palūkanos už dotacijos sąskaitos likutį, 2011 m."}),
    ("KA204-077512", {"funder": "EU", "date": "2020-10-15", "amount": "120341.20", "kind": "prefinancing",
                      "note": "VIAA maksājuma uzdevums Nr. 2020/1187"}),
    ("KA204-077512", {"funder": "EU", "date": "2022-05-20", "amount": "120341.20", "kind": "prefinancing",
                      "note": "VIAA maksājuma uzdevums Nr. 2022/0642"}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2008-12-05", "amount": "350000.00", "kind": "prefinancing",
                      "note": "Grant OPP51277, payment 1 (wire transfer)"}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2009-12-11", "amount": "300000.00", "kind": "interim",
                      "note": "Grant OPP51277, payment 2, after the first annual report"}),
    ("BP-2008-2012", {"funder": "BMGF", "date": "2010-12-10", "amount": "250000.00", "kind": "interim",
                      "note": "Grant OPP51277, payment 3, after the second annual report"}),
    ("BP-2008-2012", {"funder": "LRV", "date": "2009-03-16", "amount": "94488.52", "kind": "interim",
                      "note": "Kultūros ministerijos pavedimas: 250 000,00 Lt (1 EUR = 1.3050 USD)"}),
    ("BP-2008-2012", {"funder": "LRV", "date": "2010-03-15", "amount": "98246.34", "kind": "interim",
                      "note": "Kultūros ministerijos pavedimas: 250 000,00 Lt (1 EUR = 1.3569 USD)"}),
    ("BP-2008-2012", {"funder": "LRV", "date": "2011-03-14", "amount": "81087.81", "kind": "interim",
                      "note": "Kultūros ministerijos pavedimas: 200 000,00 Lt (1 EUR = 1.3999 USD)"}),
    ("BP-2008-2012", {"funder": "LRV", "date": "2012-03-15", "amount": "38232.74", "kind": "interim",
                      "note": "Kultūros ministerijos pavedimas: 100 000,00 Lt (1 EUR = 1.3201 USD)"}),
)

# The coordinator's explanations of the variances the foundations ask about (more than 10 % of a line), in the
# final reports: the library of the national programme that spent less than its sub-grant and returned the rest,
# and the Liepāja library's travel.
EXPLANATIONS = (
    ("BRF-2024-LV07", 2, "LCZB", "TRAVEL",
     "Izbraukuma nodarbības Durbē un Priekulē apvienotas vienā braucienā, un autobusa noma ekskursijai uz "
     "Kuldīgu izmaksāja mazāk, nekā plānots."),
    ("BP-2008-2012", 4, "SKU", "EQUIPMENT",
     "Kompiuteriai nupirkti pigiau, nei planuota: viešojo pirkimo kaina mažesnė už sąmatos; nepanaudota dalis "
     "grąžinta LNB."),
    ("BP-2008-2012", 4, "SKU", "PROGRAMME",
     "Įvyko du mokymų ciklai iš trijų planuotų (per mažai dalyvių filialuose); nepanaudotos lėšos grąžintos LNB."),
    ("BP-2008-2012", 4, "SKU", "TRAVEL",
     "Dalis LNB mokymų vyko nuotoliniu būdu, todėl kelionių į Vilnių buvo mažiau, nei planuota."),
)

# The association's explanations of the activities whose spending in 2026 differs from the plan by more than
# 10 %: the plan's third year is under way (the demo's costs end in October).
PLAN_EXPLANATIONS = (
    ("LBD-2024-2026", 3, "V1", "Iki spalio pabaigos įvyko trys seminarai (Biržuose, Jonavoje ir Druskininkuose); "
                               "ketvirtasis numatytas lapkričio mėnesį."),
    ("LBD-2024-2026", 3, "V3", "Metraščio „Bibliotekininkų balsas 2026“ maketavimas ir spausdinimas numatyti "
                               "lapkričio–gruodžio mėnesiais; iki šiol apmokėtas tik kalbos redagavimas."),
    ("LBD-2024-2026", 3, "V5", "IV ketvirčio buhalterinės apskaitos paslaugos bus apmokėtos gruodžio mėnesį."),
)

# Where the Interreg partners' reports stand with their first-level controllers: the first period's certified
# in Lithuania and still in control in Latvia, the second's submitted by the lead partner.
CONTROLS = (
    ("LLI-537", 1, "LP", "certified", "2024-09-18", "PLK-2024/LLI-537/LP-1", "VšĮ Centrinė projektų valdymo agentūra"),
    ("LLI-537", 1, "PP2", "certified", "2024-09-25", "PLK-2024/LLI-537/PP2-1",
     "VšĮ Centrinė projektų valdymo agentūra"),
    ("LLI-537", 1, "PP3", "in_control", None, "", "Valsts reģionālās attīstības aģentūra"),
    ("LLI-537", 2, "LP", "submitted", None, "", ""),
)

Row = dict[str, str]


@dataclass(frozen=True)
class DemoSummary:
    projects: tuple[str, ...]  # the codes of the projects created
    expenditures: int  # expenditures added, in all projects
    exchange_rates: int  # monthly rates stored (a month that already had a rate keeps it)
    sub_grant_payments: int = 0  # payments to sub-grantees and money they returned


def demo_folder() -> Path:
    return resources_dir() / "demo"


def demo_definitions() -> list[ProjectDefinition]:
    """The demo projects as their files define them."""
    folder = demo_folder()
    missing = [name for name in DEMO_FILES if not (folder / name).is_file()]
    if missing:
        raise UserError(problem("demo", "demo.files_missing", folder=str(folder), files=", ".join(missing)))
    return [read_project_file(folder / name) for name in DEMO_FILES]


def create_demo(store: Store) -> DemoSummary:
    """Create the demo projects, the monthly rates they need, their expenditure and payments.

    Refused, with nothing written, if the database already holds a project with
    one of the demo codes: demo data is never mixed with a user's data.
    """
    definitions = demo_definitions()
    codes = tuple(d.project.code for d in definitions)
    present = [code for code in codes if store.projects.exists(code)]
    if present:
        raise UserError(problem("demo", "demo.present", codes=", ".join(present)))
    rows = [(d.project.code, row) for d in definitions for row in _GENERATORS[d.project.code](d)]
    with store.transaction():
        rates = store_demo_rates(store)  # first: an agreement in the funder's currency converts at a stored rate
        for definition in definitions:
            save_project(store, definition)
        for code, row in rows:
            try:
                add_expenditure(store, code, row)
            except ValidationError as error:  # the demo data is wrong: a bug, not the user's mistake
                raise RuntimeError(f"demo expenditure {row['document']!r} of {code} is invalid: {error}") from None
        for code, payment in PAYMENTS:
            add_payment(store, code, payment)
        sub_grant_payments = [(d.project.code, payment) for d in definitions if d.sub_grants
                              for payment in _sub_grant_payments(store, d)]
        for code, payment in sub_grant_payments:
            add_sub_grant_payment(store, code, payment)
        for code, period, partner, line, text in EXPLANATIONS:
            explain(store, code, period, line, text, partner)
        for code, period, activity, text in PLAN_EXPLANATIONS:
            explain(store, code, period, None, text, activity=activity)
        for code, period, partner, status, certified, certificate, controller in CONTROLS:
            set_control(store, code, period, partner, status, certified, certificate, controller)
    return DemoSummary(codes, len(rows), rates, len(sub_grant_payments))


def store_demo_rates(store: Store) -> int:
    """Store the demo's monthly rates, keeping any rate the database already has for a month.

    A demo project file whose agreement is in another currency (the national programme's litas cap) loads
    only into a database that has its month's rate.
    """
    added = 0
    for currency, months in RATES.items():
        known = {rate.month for rate in list_rates(store, currency)}
        for month, rate in months.items():
            if month not in known:
                set_rate(store, currency, month, rate, RATE_SOURCE)
                added += 1
    return added


# ---------------------------------------------------------------------------
# Writing expenditure rows


@dataclass(frozen=True)
class _Item:
    """Something bought again and again: its supplier, document numbering, price and VAT."""

    line: str
    supplier: str
    document: str  # a pattern: {n} the supplier's running number, {d} the document date
    description: str  # may use {q}, the quantity
    unit: tuple[str, str]  # net price of one unit, from–to
    vat: str = "0"  # VAT rate in %
    qty: tuple[int, int] = (1, 1)
    small: bool = False  # numbered like contracts: from a low number, slowly


@dataclass(frozen=True)
class _Numbered:
    """A document number still to be given: the next of its series when the rows are in date order."""

    series: str
    pattern: str  # {n} the number, {d} the document date
    small: bool = False  # a series that starts low and grows slowly (contracts, orders)


class _Book:
    """One project's expenditure rows: working days, document numbers, VAT and payment dates."""

    def __init__(self, definition: ProjectDefinition, last_day: date | None = None, currency: str = "EUR") -> None:
        project = definition.project
        self.currency = currency  # of the documents, unless a row says otherwise
        self.rng = random.Random(f"grant-reporter demo {project.code}")
        self.start = project.start
        self.end = project.end
        self.last_day = min(last_day or project.end, project.end)  # no expenditure after this day
        # Payments may follow the project's end by the grace days of its contract rules.
        self.last_payment = project.end + timedelta(days=definition.rules.payment_grace_days)
        self.rules = definition.rules
        self.partner_names = {p.code: p.name for p in definition.partners}
        self.periods = {p.number: (p.start, p.end) for p in definition.periods}
        self.rows: list[Row] = []
        self._documents: list[str | _Numbered] = []

    def done(self) -> list[Row]:
        """The rows in the order an accountant enters them, by document date, with their documents numbered.

        Each series (a supplier's invoices, the contracts of a year) counts up in date order
        from a realistic first number.
        """
        ordered = sorted(zip(self.rows, self._documents), key=lambda pair: pair[0]["date"])
        numbers: dict[str, int] = {}
        for row, document in ordered:
            if isinstance(document, _Numbered):
                last = numbers.get(document.series)
                if last is None:
                    n = self.rng.randint(2, 30) if document.small else self.rng.randint(120, 4800)
                else:
                    n = last + (self.rng.randint(1, 4) if document.small else self.rng.randint(1, 37))
                numbers[document.series] = n
                if row.get("person_document"):  # an author's contract, numbered as the act that settles it
                    row["person_document"] = row["person_document"].format(n=n)
                document = document.pattern.format(n=n, d=date.fromisoformat(row["date"]))
            row["document"] = document
            row["attachments"] = f"{row['partner']}/{row['date'][:7]}/{_file_name(document)}.pdf"
        return [row for row, _ in ordered]

    # Dates and amounts

    def day(self, first: date, last: date) -> date:
        """A working day from `first` to `last`, inside the project."""
        first, last = max(first, self.start), min(last, self.last_day)
        days = [first + timedelta(n) for n in range((last - first).days + 1)]
        return self.rng.choice([d for d in days if d.weekday() < 5] or days)

    def in_period(self, number: int) -> date:
        return self.day(*self.periods[number])

    def money(self, low: str, high: str) -> Decimal:
        cents = self.rng.randint(int(Decimal(low) * 100), int(Decimal(high) * 100))
        return Decimal(cents).scaleb(-2)

    @staticmethod
    def number(series: str, pattern: str, small: bool = False) -> "_Numbered":
        """A document number of a series, given out in date order when the rows are done."""
        return _Numbered(series, pattern, small)

    # Adding rows

    def add(self, partner: str, line: str, day: date, supplier: str, document: str | _Numbered, net: Decimal,
            vat_percent: str = "0", description: str = "", *, activity: str = "", paid: date | None = None,
            eligible: Decimal | None = None, notes: str = "", late: bool = False, paid_by: str = "",
            currency: str | None = None, details: Row | None = None) -> None:
        """One cost document; paid within the contract's payment deadline unless `late` (a deliberate problem).
        `details`: what a funder asks of a trip or of a payment to a person (`person_document` may use {n}, the
        number the document gets)."""
        vat = round_half_up(net * Decimal(vat_percent) / 100)
        if paid is None:
            paid = _working_day(day + timedelta(days=self.rng.randint(2, 14)))
        if not late:
            paid = min(paid, self.last_payment)
        paid = max(day, paid)
        self.rows.append({
            "partner": partner,
            "line": line,
            "date": day.isoformat(),
            "document": "",  # numbered in done()
            "supplier": supplier,
            "gross": plain(net + vat),
            "vat": plain(vat),
            "eligible": "" if eligible is None else plain(eligible),
            "currency": currency or self.currency,
            "units": "",
            "activity": activity,
            "description": description,
            "paid": paid.isoformat(),
            "attachments": "",
            "notes": notes,
            "paid_by": paid_by,
            **(details or {}),
        })
        self._documents.append(document)

    def buy(self, partner: str, item: _Item, day: date, *, activity: str = "", description: str | None = None,
            less: Decimal | None = None, share: str | None = None, notes: str = "", paid: date | None = None,
            late: bool = False, paid_by: str = "", currency: str | None = None, details: Row | None = None) -> None:
        """One purchase of an item; `less` is a part of the gross that is not eligible, `share` the eligible %."""
        quantity = self.rng.randint(*item.qty)
        net = self.money(*item.unit) * quantity
        vat = round_half_up(net * Decimal(item.vat) / 100)
        eligible = None if less is None else net + vat - less
        if share is not None:
            eligible = round_half_up((net + vat) * Decimal(share) / 100)
        self.add(partner, item.line, day, item.supplier, self.number(item.supplier, item.document, item.small), net,
                 item.vat, _counted(description or item.description, quantity), activity=activity,
                 eligible=eligible, notes=notes, paid=paid, late=late, paid_by=paid_by, currency=currency,
                 details=details)

    def units(self, partner: str, line: str, day: date, document: str, units: int, description: str,
              supplier: str | None = None, rate_name: str = "") -> None:
        """A unit cost: the template's rate × the units, declared with the document that proves the units.

        Nothing is paid against an invoice, so there is no VAT and no payment date; the
        program works out the eligible amount from the units (gross is the same amount).
        """
        assert self.rules.unit_cost(line) is not None, f"{line} is not a unit-cost line of the project"
        self.rows.append({
            "partner": partner,
            "line": line,
            "date": day.isoformat(),
            "document": "",  # set in done()
            "supplier": supplier or self.partner_names[partner],
            "gross": "",  # units × the rate of the template's table
            "vat": "",
            "eligible": "",
            "currency": "EUR",
            "units": str(units),
            "rate_name": rate_name,
            "activity": "",
            "description": _counted(description, units),
            "paid": "",
            "attachments": "",
            "notes": "",
        })
        self._documents.append(document)

    def pay(self, partner: str, line: str, month: date, person: str, document: str, description: str,
            amount: Decimal, *, activity: str = "", pay_day: int = 10) -> None:
        """A salary: the payroll sheet is dated the month's last day and paid early the next month."""
        last = month.replace(day=monthrange(month.year, month.month)[1])
        last = min(last, self.last_day)
        paid = _working_day((last + timedelta(days=1)).replace(day=pay_day))
        self.add(partner, line, last, person, document.format(d=last), amount, "0", description.format(d=last),
                 activity=activity, paid=paid)

    def trip(self, partner: str, line: str, day: date, person: str, document: str, description: str,
             people: int, days: int, per_day: str) -> None:
        """Daily allowances of a business trip, settled on the last day under the order that sent the staff."""
        amount = Decimal(per_day) * people * days
        order = self.number(f"{partner} orders {day.year}", document, small=True)
        self.add(partner, line, day, person, order, amount, "0", description)


# Nouns after a number: Lithuanian has three forms (1, 21…; 2–9, 22…; 10–20, 30…),
# Latvian two (1, 21…; the others), Estonian two (1; the others).
_LT_NOUNS = {
    "dalyviai": ("dalyvis", "dalyviai", "dalyvių"),
    "darbuotojai": ("darbuotojas", "darbuotojai", "darbuotojų"),
    "asmenys": ("asmuo", "asmenys", "asmenų"),
    "porcijos": ("porcija", "porcijos", "porcijų"),
    "uzsiemimai": ("užsiėmimas", "užsiėmimai", "užsiėmimų"),
    "sveciai": ("svečias", "svečiai", "svečių"),
    "dienos": ("diena", "dienos", "dienų"),
    "menesiai": ("mėnuo", "mėnesiai", "mėnesių"),
}
_LV_NOUNS = {
    "dalibnieki": ("dalībnieks", "dalībnieki"),
    "darbinieki": ("darbinieks", "darbinieki"),
    "personas": ("persona", "personas"),
    "dienas": ("diena", "dienas"),
    "menesi": ("mēnesis", "mēneši"),
}
# Estonian: the singular after 1 only, the partitive after every other number.
_EE_NOUNS = {
    "osalejad": ("osaleja", "osalejat"),
    "toopaevad": ("tööpäev", "tööpäeva"),
    "kuud": ("kuu", "kuud"),
}


def _counted(text: str, quantity: int) -> str:
    """Fill in {q} and the nouns that follow it in the right grammatical number."""
    ones, tens = quantity % 10, quantity % 100
    singular = ones == 1 and tens != 11
    lt = 0 if singular else 2 if ones == 0 or 11 <= tens <= 19 else 1
    nouns = {key: forms[lt] for key, forms in _LT_NOUNS.items()}
    nouns.update({key: forms[0 if singular else 1] for key, forms in _LV_NOUNS.items()})
    nouns.update({key: forms[0 if quantity == 1 else 1] for key, forms in _EE_NOUNS.items()})
    return text.format(q=quantity, **nouns)


def _working_day(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _months(first: date, last: date) -> Iterator[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _file_name(document: str) -> str:
    """A scan's file name from a document number: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", document).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def _salary(amount: str, employer_rate: str, raise_percent: str = "0") -> Decimal:
    """Monthly gross salary (after a raise) plus the employer's social security contribution."""
    gross = round_half_up(Decimal(amount) * (1 + Decimal(raise_percent) / 100))
    return round_half_up(gross * (1 + Decimal(employer_rate) / 100))


LT_EMPLOYER = "1.77"  # Lithuania: employer's social insurance, %
LV_EMPLOYER = "23.59"  # Latvia: darba devēja VSAOI, %
EE_EMPLOYER = "33.8"  # Estonia: social tax and unemployment insurance, %
ROMAN = ("I", "II", "III", "IV")


# ---------------------------------------------------------------------------
# a. Interreg V-A Latvia–Lithuania: LLI-537


def _interreg(definition: ProjectDefinition) -> list[Row]:
    b = _Book(definition)
    # Staff: monthly payroll; salaries rise 5 % from 2025.
    staff = (
        ("LP", "Rūta Jankauskienė", "projekto vadovė, 0,5 etato", "1150.00"),
        ("LP", "Dalia Petrauskienė", "projekto finansininkė, 0,25 etato", "540.00"),
        ("PP2", "Aušra Vilimienė", "projekto koordinatorė, 0,5 etato", "980.00"),
    )
    for month in _months(b.start, b.end):
        rise = "5" if month.year >= 2025 else "0"
        for partner, person, role, salary in staff:
            b.pay(partner, "STAFF", month, person, "DU žiniaraštis Nr. {d:%Y-%m}",
                  "Darbo užmokestis {d:%Y-%m}: " + role + " (su darbdavio įmokomis 1,77 %)",
                  _salary(salary, LT_EMPLOYER, rise))
        b.pay("PP3", "STAFF", month, "Ilze Bērziņa", "Darba samaksas aprēķins Nr. {d:%Y/%m}",
              "Darba alga {d:%Y-%m}: projekta koordinatore, 0,5 slodze (ar darba devēja VSAOI 23,59 %)",
              _salary("900.00", LV_EMPLOYER, rise))

    fuel_lt = _Item("TRAVEL", "Circle K Lietuva, UAB", "PVM SF CKL Nr. {n:07d}", "", ("38", "72"), "21")
    fuel_lv = _Item("TRAVEL", 'SIA "Circle K Latvia"', "Rēķins Nr. CKL-{n:07d}", "", ("36", "70"), "21")
    # Lithuanian accommodation VAT is 9 % until 2025, Latvian 12 %.
    hotel_siauliai = _Item("TRAVEL", "UAB „Šiaulių viešbutis“", "PVM SF SV Nr. {n:06d}", "", ("52", "68"), "9",
                           (2, 3))
    hotel_jelgava = _Item("TRAVEL", 'SIA "Hotel Jelgava"', "Rēķins Nr. HJ-{n:05d}", "", ("48", "62"), "12", (2, 3))
    hotel_rokiskis = _Item("TRAVEL", "UAB „Rokiškio svečių namai“", "PVM SF RSN Nr. {n:05d}", "", ("45", "58"),
                           "9", (2, 3))

    # Partner meetings: the host pays the catering, the guests their travel.
    catering = _Item("EXTERNAL", "UAB „Skanus kąsnis“", "PVM SF SK Nr. {n:06d}",
                     "Maitinimo paslaugos: projekto atidarymo partnerių susitikimas Šiauliuose ({q} {dalyviai})",
                     ("16.50", "21.00"), "21", (26, 34))
    day = date(2024, 2, 22)
    b.buy("LP", catering, day)
    b.buy("PP2", fuel_lt, date(2024, 2, 21), description="Degalai: kelionė Rokiškis–Šiauliai–Rokiškis "
                                                       "(projekto atidarymo susitikimas)")
    b.buy("PP2", hotel_siauliai, day, description="Apgyvendinimas Šiauliuose, 1 naktis, {q} {darbuotojai}")
    b.buy("PP3", fuel_lv, date(2024, 2, 21), description="Degviela: brauciens Jelgava–Šauļi–Jelgava "
                                                       "(projekta atklāšanas sanāksme)")
    b.buy("PP3", hotel_siauliai, day, description="Naktsmītne Šauļos, 1 nakts, {q} {darbinieki}")
    b.trip("PP3", "TRAVEL", day, "Ilze Bērziņa", "Rīkojums Nr. 1-8/{n}",
           "Komandējuma dienas nauda: Šauļi, 2 dienas, 2 darbinieki", 2, 2, "30.00")

    day = date(2024, 9, 19)
    b.buy("PP3", _Item("EXTERNAL", 'SIA "Zemgales garšas"', "Rēķins Nr. ZG-{n:05d}",
                       "Ēdināšana: partneru sanāksme Jelgavā ({q} {dalibnieki})", ("15.00", "19.50"), "21",
                       (18, 24)), day)
    b.buy("LP", fuel_lt, date(2024, 9, 18), description="Degalai: kelionė Šiauliai–Jelgava–Šiauliai "
                                                      "(partnerių susitikimas)")
    b.buy("LP", hotel_jelgava, day, description="Apgyvendinimas Jelgavoje, 1 naktis, {q} {darbuotojai}")
    b.trip("LP", "TRAVEL", day, "Rūta Jankauskienė", "Įsakymas Nr. V-{n}",
           "Komandiruotė į Jelgavą: dienpinigiai, 2 darbuotojai, 2 d.", 2, 2, "41.00")
    b.buy("PP2", fuel_lt, date(2024, 9, 18), description="Degalai: kelionė Rokiškis–Jelgava–Rokiškis "
                                                       "(partnerių susitikimas)")
    b.buy("PP2", hotel_jelgava, day, description="Apgyvendinimas Jelgavoje, 1 naktis, {q} {darbuotojai}")
    b.trip("PP2", "TRAVEL", day, "Aušra Vilimienė", "Įsakymas Nr. P-{n}",
           "Komandiruotė į Jelgavą: dienpinigiai, 2 darbuotojai, 2 d.", 2, 2, "41.00")

    day = date(2025, 3, 27)
    b.buy("PP2", _Item("EXTERNAL", "UAB „Pilies kavinė“", "PVM SF PK Nr. {n:05d}",
                       "Maitinimas: partnerių susitikimas Rokiškyje ({q} {dalyviai})", ("14.00", "18.00"), "21",
                       (18, 24)), day)
    b.buy("LP", fuel_lt, date(2025, 3, 26), description="Degalai: kelionė Šiauliai–Rokiškis–Šiauliai "
                                                      "(partnerių susitikimas)")
    b.buy("LP", hotel_rokiskis, day, description="Apgyvendinimas Rokiškyje, 1 naktis, {q} {darbuotojai}")
    b.buy("PP3", fuel_lv, date(2025, 3, 26), description="Degviela: brauciens Jelgava–Rokišķis–Jelgava "
                                                       "(partneru sanāksme)")
    b.buy("PP3", hotel_rokiskis, day, description="Naktsmītne Rokišķos, 1 nakts, {q} {darbinieki}")
    b.trip("PP3", "TRAVEL", day, "Ilze Bērziņa", "Rīkojums Nr. 1-8/{n}",
           "Komandējuma dienas nauda: Rokišķi, 2 dienas, 2 darbinieki", 2, 2, "30.00")

    day = date(2025, 11, 20)
    b.buy("LP", catering, day, less=Decimal("36.30"),
          description="Maitinimo paslaugos: baigiamoji projekto konferencija Šiauliuose ({q} {dalyviai})",
          notes="Netinkamos finansuoti: alkoholiniai gėrimai 36,30 EUR (su PVM)")
    # Deliberately late: paid in March 2026, after the end and the 60 days' grace for payments.
    b.buy("LP", _Item("EXTERNAL", "UAB „Vertimų namai“", "PVM SF VN Nr. {n:05d}",
                      "Sinchroninis vertimas lietuvių–latvių k.: baigiamoji konferencija ({q} val.)",
                      ("55.00", "65.00"), "21", (6, 8)), day, paid=date(2026, 3, 16), late=True)
    b.buy("PP2", fuel_lt, date(2025, 11, 19), description="Degalai: kelionė Rokiškis–Šiauliai–Rokiškis "
                                                        "(baigiamoji konferencija)")
    b.buy("PP2", hotel_siauliai, day, description="Apgyvendinimas Šiauliuose, 1 naktis, {q} {darbuotojai}")
    b.buy("PP3", fuel_lv, date(2025, 11, 19), description="Degviela: brauciens Jelgava–Šauļi–Jelgava "
                                                        "(noslēguma konference)")
    b.buy("PP3", hotel_siauliai, day, description="Naktsmītne Šauļos, 1 nakts, {q} {darbinieki}")
    b.trip("PP3", "TRAVEL", day, "Ilze Bērziņa", "Rīkojums Nr. 1-8/{n}",
           "Komandējuma dienas nauda: Šauļi, 2 dienas, 3 darbinieki", 3, 2, "30.00")

    # Services bought through the project, two a partner in each period.
    services = {
        "LP": (
            _Item("EXTERNAL", "UAB „Vertimų namai“", "PVM SF VN Nr. {n:05d}",
                  "Vertimas iš lietuvių į latvių kalbą: renginių programos ir leidinio tekstai ({q} psl.)",
                  ("14.00", "18.00"), "21", (8, 30)),
            _Item("EXTERNAL", "MB „Kūrybos laboratorija“", "SF KL Nr. {n:04d}",
                  "Skaitmeninio raštingumo dirbtuvės senjorams: lektoriaus paslaugos ({q} ak. val.)",
                  ("35.00", "45.00"), "0", (4, 8)),
            _Item("EXTERNAL", "UAB „Interneto sprendimai“", "SF-{d:%Y}/{n:04d}",
                  "Projekto svetainės libborder.eu priežiūra ir turinio atnaujinimas", ("180", "420"), "21"),
            _Item("EXTERNAL", "UAB „Šiaulių kraštas“", "PVM SF ŠK Nr. {n:06d}",
                  "Publikacija apie projekto renginius dienraštyje ir portale", ("150", "320"), "21"),
        ),
        "PP2": (
            _Item("EXTERNAL", "UAB „Vertimų namai“", "PVM SF VN Nr. {n:05d}",
                  "Vertimas iš latvių į lietuvių kalbą: parodos „Kaimynų knygos“ tekstai ({q} psl.)",
                  ("14.00", "18.00"), "21", (5, 20)),
            _Item("EXTERNAL", "MB „Skaitymo idėjos“", "SF SI Nr. {n:03d}",
                  "Garsinio skaitymo užsiėmimai vaikams ir paaugliams ({q} {uzsiemimai})", ("60", "90"), "0", (3, 6)),
            _Item("EXTERNAL", "UAB „Gimtasis Rokiškis“", "PVM SF GR Nr. {n:05d}",
                  "Informacinis straipsnis apie projektą laikraštyje ir portale grokiskis.lt", ("90", "210"), "21"),
            _Item("EXTERNAL", "UAB „Rokiškio autobusų parkas“", "PVM SF RAP Nr. {n:06d}",
                  "Autobuso nuoma: skaitytojų išvyka į Jelgavos biblioteką (49 vietos)", ("380", "520"), "21"),
        ),
        "PP3": (
            _Item("EXTERNAL", 'SIA "Tulkošanas birojs Valoda"', "Rēķins Nr. TB-{n:05d}",
                  "Tulkošana no latviešu uz lietuviešu valodu: izstādes un pasākumu teksti ({q} lpp.)",
                  ("15.00", "19.00"), "21", (5, 24)),
            _Item("EXTERNAL", 'SIA "Jelgavas tipogrāfija"', "PPR Nr. JT-{n:06d}",
                  "Plakāti un bukleti „Lasām kopā“: druka, {q} eks.", ("0.60", "0.95"), "21", (300, 800)),
            _Item("EXTERNAL", 'SIA "Zemgales Ziņas"', "Rēķins Nr. ZZ-{n:05d}",
                  "Publikācija par projekta pasākumiem laikrakstā un portālā zz.lv", ("110", "240"), "21"),
            _Item("EXTERNAL", "Laura Ozoliņa", "Autoratlīdzības līgums Nr. AL-{n:03d}",
                  "Radošā darbnīca bērniem „Grāmatu tilts“: vadītājas autoratlīdzība", ("160", "280"),
                  small=True),
        ),
    }
    for period in b.periods:
        for partner, items in services.items():
            for item in b.rng.sample(items, 2):
                b.buy(partner, item, b.in_period(period))

    # Equipment and works, bought once.
    once = (
        ("LP", 1, _Item("EQUIPMENT", "UAB „Topo centras“", "PVM SF TOP Nr. {n:07d}",
                        "Nešiojamasis kompiuteris Lenovo ThinkPad E14 Gen 5, {q} vnt.", ("640", "720"), "21", (2, 2))),
        ("LP", 1, _Item("EQUIPMENT", "UAB „Avitela“", "PVM SF AVI Nr. {n:07d}",
                        "Elektroninės skaityklės PocketBook Verse Pro, {q} vnt.", ("118", "132"), "21", (10, 10))),
        ("LP", 2, _Item("EQUIPMENT", "UAB „Biuro įranga“", "PVM SF BI Nr. {n:05d}",
                        "Interaktyvus ekranas 65\" su mobiliu stovu", ("1750", "2100"), "21")),
        ("LP", 2, _Item("EQUIPMENT", 'SIA "Jāņa Rozes apgāds"', "Rēķins Nr. JR-{n:06d}",
                        "Knygos latvių kalba pasienio skaitytojams, {q} vnt.", ("9.50", "14.00"), "12", (40, 60))),
        ("LP", 3, _Item("INFRA", "UAB „Statybų meistrai“", "PVM SF SM Nr. {n:05d}",
                        "Renginių salės pritaikymas: akustinės plokštės ir jų įrengimas", ("3900", "4600"),
                        "21")),
        ("PP2", 1, _Item("EQUIPMENT", "UAB „Topo centras“", "PVM SF TOP Nr. {n:07d}",
                         "Nešiojamasis kompiuteris Lenovo ThinkPad E14 Gen 5, {q} vnt.", ("640", "720"), "21")),
        ("PP2", 2, _Item("EQUIPMENT", "UAB „3D technologijos“", "PVM SF 3DT Nr. {n:05d}",
                         "3D spausdintuvas Prusa MK4 su priedais ir plastiko gijomis", ("1050", "1250"), "21")),
        ("PP2", 3, _Item("EQUIPMENT", 'SIA "Zvaigzne ABC"', "PPR Nr. ZABC-{n:06d}",
                         "Knygos vaikams latvių kalba, {q} vnt.", ("7.00", "11.50"), "12", (50, 70))),
        ("PP3", 1, _Item("EQUIPMENT", 'SIA "RD Electronics"', "PPR Nr. RDE-{n:07d}",
                         "Portatīvais dators HP ProBook 450 G10, {q} gab.", ("690", "760"), "21", (2, 2))),
        ("PP3", 2, _Item("EQUIPMENT", 'SIA "Biroja tehnika"', "Rēķins Nr. BT-{n:05d}",
                         "Grāmatu skeneris CZUR ET24 Pro", ("640", "760"), "21")),
        ("PP3", 2, _Item("EQUIPMENT", "UAB „Pegasas“", "PVM SF PEG Nr. {n:07d}",
                         "Grāmatas lietuviešu valodā bērnu literatūras nodaļai, {q} gab.", ("8.00", "13.00"), "9",
                         (60, 80))),
        ("PP3", 3, _Item("INFRA", 'SIA "Zemgales būve"', "Rēķins Nr. ZB-{n:04d}",
                         "Bērnu literatūras nodaļas telpas pielāgošana: grīdas segums un apgaismojums",
                         ("5900", "6500"), "21")),
    )
    # The procurement procedure or the contract each was bought under, as the Interreg report lists it: a small-value
    # procurement (VP), one published in CVP IS, a Latvian procurement by its identification number, or the contract.
    procured = {
        ("LP", "UAB „Topo centras“"): "Sutartis Nr. 2024-15",
        ("LP", "UAB „Avitela“"): "VP-2024/07",
        ("LP", "UAB „Biuro įranga“"): "VP-2025/03, sutartis Nr. 2025-08",
        ("LP", 'SIA "Jāņa Rozes apgāds"'): "Sutartis Nr. 2025-21",
        ("LP", "UAB „Statybų meistrai“"): "CVP IS Nr. 782145, sutartis Nr. 2025-34",
        ("PP2", "UAB „Topo centras“"): "Sutartis Nr. RVB-2024/06",
        ("PP2", "UAB „3D technologijos“"): "VP-RVB-2025/02",
        ("PP2", 'SIA "Zvaigzne ABC"'): "Sutartis Nr. RVB-2025/11",
        ("PP3", 'SIA "RD Electronics"'): "Iepirkums JPB 2024/3",
        ("PP3", 'SIA "Biroja tehnika"'): "Līgums Nr. JPB 2025/8",
        ("PP3", "UAB „Pegasas“"): "Līgums Nr. JPB 2025/11",
        ("PP3", 'SIA "Zemgales būve"'): "Iepirkums JPB 2025/5, līgums Nr. JPB 2025/19",
    }
    for partner, period, item in once:
        b.buy(partner, item, b.in_period(period), details={"procurement_ref": procured[partner, item.supplier]})

    # Deliberately over budget: PP3 ordered a closing video its budget had no room for, so its
    # external services exceed the line by more than the 20 % flexibility.
    b.buy("PP3", _Item("EXTERNAL", 'SIA "Zemgales video"', "Rēķins Nr. ZV-{n:04d}",
                       "Projekta noslēguma video: filmēšana, montāža un subtitri lietuviešu valodā",
                       ("700", "820"), "21"),
          b.day(date(2025, 10, 1), date(2025, 10, 24)))
    return b.done()


# ---------------------------------------------------------------------------
# b. Erasmus+ KA2 strategic partnership: KA204-077512


def _erasmus(definition: ProjectDefinition) -> list[Row]:
    """Unit costs declared as units from the programme's rate tables, as the partners report them; the
    exceptional costs and special needs support are invoices, in the partners' own currencies."""
    b = _Book(definition)
    periods = sorted(b.periods.items())

    # Project management and implementation: the months of each reporting period, per partner (the
    # coordinator's rate is 500.00 a month, the partners' 250.00).
    management = {
        "P1": ("Projekta vadības pārskats Nr. {n}", "Projekta vadība un īstenošana {first:%Y-%m}–{last:%Y-%m}"),
        "P2": ("Projekto valdymo ataskaita Nr. {n}", "Projekto valdymas ir įgyvendinimas {first:%Y-%m}–{last:%Y-%m}"),
        "P3": ("Sprawozdanie z zarządzania projektem nr {n}",
               "Zarządzanie projektem i jego realizacja {first:%Y-%m}–{last:%Y-%m}"),
        "P4": ("Prosjektledelsesrapport nr. {n}", "Prosjektledelse og gjennomføring {first:%Y-%m}–{last:%Y-%m}"),
        "P5": ("Projectmanagementrapport nr. {n}", "Projectmanagement en uitvoering {first:%Y-%m}–{last:%Y-%m}"),
    }
    for number, (first, last) in periods:
        months = len(list(_months(first, last)))
        for partner, (document, description) in management.items():
            b.units(partner, "PMI", last, document.format(n=number), months,
                    description.format(first=first, last=last) + f" ({months})")

    # Transnational project meetings: each guest partner's participants from the host's attendance list
    # (all within 100–1999 km of each other); one more person than planned from P2 to Oslo.
    meetings = (
        ("TPM1", date(2021, 10, 14), "P1", "Rīga"), ("TPM2", date(2022, 4, 7), "P2", "Kaunas"),
        ("TPM3", date(2022, 9, 22), "P3", "Warszawa"), ("TPM4", date(2023, 1, 19), "P4", "Oslo"),
        ("TPM5", date(2023, 4, 20), "P5", "Amsterdam"), ("TPM6", date(2023, 8, 17), "P1", "Rīga"),
    )
    attendance = {
        "P1": "Dalībnieku saraksts Nr. {m}: starpvalstu projekta sanāksme, {place} ({people})",
        "P2": "Dalyvių sąrašas Nr. {m}: tarptautinis projekto susitikimas, {place} ({people})",
        "P3": "Lista obecności nr {m}: międzynarodowe spotkanie projektowe, {place} ({people})",
        "P4": "Deltakerliste nr. {m}: transnasjonalt prosjektmøte, {place} ({people})",
        "P5": "Presentielijst nr. {m}: transnationale projectvergadering, {place} ({people})",
    }
    for meeting, day, host, place in meetings:
        for partner, text in attendance.items():
            if partner != host:
                people = 3 if (meeting, partner) == ("TPM4", "P2") else 2
                b.units(partner, "TPM", day, f"{meeting}/{partner}", people,
                        text.format(m=meeting, place=place, people=people), rate_name="100-1999 km")

    # Intellectual outputs: staff days from the monthly timesheets, per output, staff member and the
    # staff category of the programme's table (the rate follows the partner's country group).
    outputs = {"IO1": "Digital reading mentor methodology", "IO2": "Training programme and materials",
               "IO3": "Online course for library staff"}
    timesheet = {"P1": "Darba laika tabele {d:%Y/%m}-{io}", "P2": "Darbo laiko žiniaraštis {d:%Y-%m}-{io}",
                 "P3": "Karta czasu pracy {d:%Y/%m}/{io}", "P4": "Timeliste {d:%Y-%m}-{io}",
                 "P5": "Urenstaat {d:%Y-%m}-{io}"}
    manager, teacher = "Manager", "Teacher/Trainer/Researcher/Youth worker"
    technician, administrative = "Technician", "Administrative staff"
    # (output, partner, staff member, category, first month, last month, days in all)
    staff_days = (
        ("IO1", "P1", "Andris Liepiņš", manager, date(2020, 11, 1), date(2021, 8, 1), 24),
        ("IO1", "P1", "Ieva Ozola", teacher, date(2020, 11, 1), date(2021, 12, 1), 70),
        ("IO1", "P2", "Jurgita Kazlauskienė", teacher, date(2021, 1, 1), date(2021, 12, 1), 72),
        ("IO1", "P3", "Agnieszka Wiśniewska", teacher, date(2021, 2, 1), date(2021, 11, 1), 60),
        ("IO1", "P4", "Ingrid Haugen", teacher, date(2020, 11, 1), date(2021, 12, 1), 132),
        ("IO1", "P5", "Sanne de Vries", teacher, date(2021, 1, 1), date(2021, 10, 1), 42),
        ("IO2", "P1", "Ieva Ozola", teacher, date(2021, 9, 1), date(2022, 12, 1), 66),
        ("IO2", "P1", "Kārlis Bērziņš", technician, date(2022, 3, 1), date(2022, 12, 1), 52),
        ("IO2", "P2", "Tomas Petraitis", teacher, date(2021, 9, 1), date(2022, 12, 1), 130),
        ("IO2", "P3", "Agnieszka Wiśniewska", teacher, date(2021, 12, 1), date(2022, 11, 1), 86),
        ("IO2", "P3", "Piotr Zieliński", administrative, date(2022, 1, 1), date(2022, 6, 1), 20),
        ("IO2", "P4", "Ingrid Haugen", teacher, date(2022, 1, 1), date(2022, 12, 1), 128),
        ("IO2", "P4", "Ola Nordmann", technician, date(2022, 3, 1), date(2022, 12, 1), 30),
        ("IO2", "P5", "Sanne de Vries", teacher, date(2021, 11, 1), date(2022, 12, 1), 58),
        ("IO3", "P1", "Andris Liepiņš", manager, date(2022, 9, 1), date(2023, 6, 1), 14),
        ("IO3", "P2", "Jurgita Kazlauskienė", technician, date(2022, 10, 1), date(2023, 6, 1), 50),
        ("IO3", "P4", "Ola Nordmann", technician, date(2023, 1, 1), date(2023, 6, 1), 30),
        ("IO3", "P4", "Ingrid Haugen", teacher, date(2023, 1, 1), date(2023, 6, 1), 27),
        ("IO3", "P5", "Daan Jansen", manager, date(2022, 3, 1), date(2023, 6, 1), 30),
        ("IO3", "P5", "Lotte Bakker", technician, date(2022, 9, 1), date(2023, 6, 1), 48),
    )
    for io, partner, person, category, first, last, total in staff_days:
        months = list(_months(first, last))
        for month, days in zip(months, _spread(b.rng, total, len(months))):
            end = month.replace(day=monthrange(month.year, month.month)[1])
            b.units(partner, "IO", end, timesheet[partner].format(d=end, io=io), days,
                    f"{io} {outputs[io]}: {end:%Y-%m}, {days} days ({category.lower()})", supplier=person,
                    rate_name=category)

    # Learning, teaching and training: the joint staff training in Oslo, 17–21 October 2022 (five days):
    # travel 500–1999 km per participant, and individual support per day.
    for partner, people in (("P1", 3), ("P2", 3), ("P3", 2), ("P5", 3)):
        document = f"LTT1/{partner}"
        b.units(partner, "LTT", date(2022, 10, 21), document, people,
                f"Joint staff training, Oslo 2022-10-17–21: travel of {people} participants", rate_name=
                "travel 500-1999 km")
        b.units(partner, "LTT", date(2022, 10, 21), document, people * 5,
                f"Joint staff training, Oslo 2022-10-17–21: individual support, {people} × 5 days",
                rate_name="support days 1-14")

    # Multiplier events: participants from the registration lists, local and from abroad.
    for partner, day, place, local, international in (
        ("P1", date(2023, 6, 8), "Rīga", 55, 8), ("P2", date(2023, 6, 15), "Kaunas", 47, 0),
        ("P3", date(2023, 6, 20), "Warszawa", 63, 0), ("P4", date(2023, 5, 25), "Oslo", 38, 4),
        ("P5", date(2023, 6, 1), "Amsterdam", 36, 0),
    ):
        for kind, people in (("local", local), ("international", international)):
            if people:
                b.units(partner, "ME", day, f"ME/{partner}", people,
                        f"Multiplier event {place}: {people} {kind} participants", rate_name=kind)

    # Exceptional costs (75 % of the real cost) and special needs support, in the partners' currencies.
    b.buy("P4", _Item("EXC", "Elkjøp Nordic AS", "Faktura nr. {n:07d}", "Nettbrett for opplæringen ({q} stk.)",
                      ("4400", "4400"), "25", (7, 7)), date(2022, 9, 12), currency="NOK",
          notes="Exceptional costs: 75 % of the real cost is eligible")
    b.buy("P5", _Item("EXC", "Leerplatform Nederland B.V.", "Factuur {n:05d}",
                      "E-learningplatform voor IO3: inrichting en licentie (uitbesteed)", ("9834.71", "9834.71"), "21"),
          date(2023, 2, 14), notes="Exceptional costs: 75 % of the real cost is eligible")
    b.buy("P3", _Item("SN", "Tłumacze PJM s.c.", "Faktura nr {n:04d}/2022",
                      "Tłumacz języka migowego dla uczestnika szkolenia w Oslo (5 dni)", ("5600", "5600"), "0"),
          date(2022, 10, 24), currency="PLN")
    return b.done()


def _spread(rng: random.Random, total: int, parts: int, low: int = 2, high: int = 16) -> list[int]:
    """`total` whole units over `parts` months, unevenly but each from `low` to `high`."""
    shares = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    for _ in range(parts * 3):
        give, take = rng.randrange(parts), rng.randrange(parts)
        moved = rng.randint(1, 3)
        if give != take and shares[give] - moved >= low and shares[take] + moved <= high:
            shares[give] -= moved
            shares[take] += moved
    return shares


# ---------------------------------------------------------------------------
# c. Lietuvos kultūros taryba: LKT-2024-0815


def _culture_council(definition: ProjectDefinition) -> list[Row]:
    b = _Book(definition)
    lead = "MRSVB"
    festival = date(2024, 8, 24)  # 23–25 August 2024
    # The authors are paid under author's contracts, against the act that accepts their work; the performers
    # invoice under their individual-activity certificate or business licence. The council asks for either.
    fees = (
        ("Vaiva Rimkutė", "Autorinis atlyginimas: kūrybinis susitikimas su skaitytojais festivalyje", "350", "450",
         ""),
        ("Marius Jonaitis", "Autorinis atlyginimas: poezijos skaitymai festivalio vakare", "280", "380", ""),
        ("Eglė Karalienė", "Autorinis atlyginimas: knygos vaikams pristatymas ir dirbtuvės", "300", "420", ""),
        ("Paulius Stankevičius", "Autorinis atlyginimas: diskusijos „Rašyti regione“ moderavimas", "250", "330",
         ""),
        ("Justė Lukšytė", "Autorinis atlyginimas: literatūrinė popietė jauniesiems skaitytojams", "220", "300", ""),
        ("Kristupas Bielinis", "Atlikėjo honoraras: koncertas festivalio atidaryme", "550", "700",
         "Individualios veiklos pažyma Nr. 1187342"),
        ("Kęstutis Vaičiulis", "Atlikėjo honoraras: muzikinė programa poezijos vakare", "300", "400",
         "Verslo liudijimas Nr. VL-0457219"),
    )
    for person, description, low, high, certificate in fees:
        day = b.day(festival + timedelta(days=2), festival + timedelta(days=6))  # the acts are signed after it
        if certificate:
            initials = "".join(name[0] for name in person.split())
            document = b.number(person, f"SF {initials} Nr. {{n:03d}}", small=True)
        else:
            document = b.number("autorinės sutartys", "Atliktų darbų aktas Nr. AS-24/{n:03d}", small=True)
        b.add(lead, "FEES", day, person, document, b.money(low, high), "0", description,
              details={"person_document": certificate or "Autorinė sutartis Nr. AS-24/{n:03d}"})
    # What the council asks of each trip, by the cost's description: the route, the days and who travelled.
    trips = {
        "Degalai: svečių pargabenimas iš Vilniaus ir į Vilnių": lambda day: {
            "travel_route": "Molėtai–Vilnius–Molėtai–Vilnius–Molėtai", "travel_from": "2024-08-23",
            "travel_to": "2024-08-25", "travellers": "Tomas Kazlauskas (vairuotojas)"},
        "Degalai: festivalio inventoriaus pervežimas Molėtai–Utena–Molėtai": lambda day: {
            "travel_route": "Molėtai–Utena–Molėtai", "travel_from": day.isoformat(),
            "travellers": "Tomas Kazlauskas, Rasa Žukauskienė"},
    }
    for item, first, last in (
        (_Item("SERVICES", "MB „Raidžių sodas“", "SF RS Nr. {n:03d}",
               "Festivalio vizualinis identitetas: logotipas, plakato ir programos maketas", ("650", "850")),
         date(2024, 5, 6), date(2024, 5, 31)),
        (_Item("SERVICES", "UAB „Garso bangos“", "PVM SF GB Nr. {n:05d}",
               "Įgarsinimo ir scenos įrangos nuoma su technikais, 3 dienos", ("950", "1200"), "21"),
         festival + timedelta(days=2), festival + timedelta(days=5)),
        (_Item("SERVICES", "UAB „Palapinių nuoma“", "PVM SF PN Nr. {n:05d}",
               "Renginių palapinių (2 vnt.) nuoma, pastatymas ir išmontavimas", ("520", "640"), "21"),
         festival + timedelta(days=2), festival + timedelta(days=5)),
        (_Item("SERVICES", "UAB „Ežerų krašto kulinarija“", "PVM SF EKK Nr. {n:05d}",
               "Maitinimas festivalio svečiams ir savanoriams ({q} {porcijos})", ("8.50", "11.00"), "21", (60, 80)),
         festival + timedelta(days=2), festival + timedelta(days=5)),
        (_Item("SERVICES", "MB „Akimirkų dirbtuvės“", "SF AD Nr. {n:03d}",
               "Festivalio fotografavimas ir nuotraukų apdorojimas (3 dienos)", ("380", "480")),
         festival + timedelta(days=2), festival + timedelta(days=6)),
        (_Item("PUBLISHING", "UAB „Utenos spaustuvė“", "PVM SF US Nr. {n:06d}",
               "Festivalio plakatų (A2, {q} vnt.) spausdinimas", ("1.40", "1.90"), "21", (80, 120)),
         date(2024, 7, 1), date(2024, 7, 19)),
        (_Item("PUBLISHING", "UAB „Utenos spaustuvė“", "PVM SF US Nr. {n:06d}",
               "Festivalio programos lankstinukų spausdinimas, {q} egz.", ("0.35", "0.55"), "21", (800, 1200)),
         date(2024, 7, 22), date(2024, 8, 9)),
        (_Item("PUBLISHING", "UAB „Molėtų žinios“", "PVM SF MŽ Nr. {n:05d}",
               "Reklaminis skelbimas apie festivalį laikraštyje (1/2 psl.)", ("140", "190"), "21"),
         date(2024, 8, 1), date(2024, 8, 16)),
        (_Item("PUBLISHING", "UAB „Molėtų žinios“", "PVM SF MŽ Nr. {n:05d}",
               "Straipsnis apie festivalio rezultatus laikraštyje ir portale", ("120", "160"), "21"),
         date(2024, 9, 2), date(2024, 9, 20)),
        (_Item("PUBLISHING", "UAB „Utenos spaustuvė“", "PVM SF US Nr. {n:06d}",
               "Leidinio „Knygų kiemo dienoraštis 2024“ spausdinimas, {q} egz.", ("3.20", "4.10"), "9",
               (150, 200)),
         date(2024, 10, 1), date(2024, 10, 18)),
        (_Item("GOODS", "UAB „Officeday“", "PVM SF OD Nr. {n:07d}",
               "Kanceliarinės prekės festivalio dirbtuvėms (popierius, markeriai, klijai)", ("85", "140"), "21"),
         date(2024, 7, 15), date(2024, 8, 9)),
        (_Item("GOODS", "UAB „Pegasas“", "PVM SF PEG Nr. {n:07d}",
               "Knygos – prizai viktorinų ir konkursų nugalėtojams, {q} vnt.", ("9.00", "14.00"), "9", (20, 30)),
         date(2024, 8, 5), date(2024, 8, 20)),
        (_Item("GOODS", "UAB „Senukų prekybos centras“", "PVM SF SPC Nr. {n:07d}",
               "Medžiagos knygų kiemo instaliacijai: lentos, dažai, tvirtinimo detalės", ("160", "240"), "21"),
         date(2024, 8, 1), date(2024, 8, 21)),
        (_Item("GOODS", "UAB „Officeday“", "PVM SF OD Nr. {n:07d}",
               "Festivalio dalyvių ženkleliai ir juostelės, {q} vnt.", ("0.90", "1.30"), "21", (100, 150)),
         date(2024, 8, 12), date(2024, 8, 21)),
        (_Item("TRAVEL", "Circle K Lietuva, UAB", "PVM SF CKL Nr. {n:07d}",
               "Degalai: svečių pargabenimas iš Vilniaus ir į Vilnių", ("45", "70"), "21"),
         festival, festival + timedelta(days=1)),
        (_Item("TRAVEL", "Circle K Lietuva, UAB", "PVM SF CKL Nr. {n:07d}",
               "Degalai: festivalio inventoriaus pervežimas Molėtai–Utena–Molėtai", ("35", "55"), "21"),
         date(2024, 8, 19), date(2024, 8, 22)),
    ):
        day = b.day(first, last)
        trip = trips.get(item.description)
        b.buy(lead, item, day, details=trip(day) if trip else None)
    for person, route, first, last in (("Vaiva Rimkutė", "Vilnius–Molėtai–Vilnius", "2024-08-23", "2024-08-24"),
                                       ("Marius Jonaitis", "Kaunas–Molėtai–Kaunas", "2024-08-24", "2024-08-24"),
                                       ("Eglė Karalienė", "Klaipėda–Molėtai–Klaipėda", "2024-08-23", "2024-08-25")):
        day = b.day(festival, festival + timedelta(days=3))
        report = b.number("avansinės apyskaitos", "Avansinė apyskaita Nr. AA-{n:03d}", small=True)
        b.add(lead, "TRAVEL", day, person, report,
              b.money("28", "95"), "0", f"Kelionės išlaidų kompensacija: {route} (festivalio svečias)",
              details={"travel_route": route, "travel_from": first, "travel_to": last, "travellers": person})
    for month in _months(b.start, b.end):
        day = min(month.replace(day=monthrange(month.year, month.month)[1]), b.end)
        b.add(lead, "ADMIN", day, "MB „Apskaitos taškas“", b.number("apskaita", "SF AT Nr. {n:04d}"),
              b.money("110", "128"), "0", f"Projekto buhalterinės apskaitos paslaugos {day:%Y-%m}")
    return b.done()


# ---------------------------------------------------------------------------
# d. Private foundation grant in USD: BRF-2024-LV07


def _foundation(definition: ProjectDefinition) -> list[Row]:
    b = _Book(definition)
    lead = "LCZB"
    for month in _months(b.start, b.end):
        b.pay(lead, "PERSONNEL", month, "Dace Krūmiņa", "Darba samaksas aprēķins Nr. {d:%Y/%m}",
              "Projekta vadītājas darba alga {d:%Y-%m} (0,5 slodze, ar darba devēja VSAOI)",
              _salary("800.00", LV_EMPLOYER))
        if month.month not in (7, 8):  # no classes in the summer
            hours = b.rng.randint(16, 32)
            b.pay(lead, "PERSONNEL", month, "Kristaps Zariņš", "Darba samaksas aprēķins Nr. {d:%Y/%m}-P",
                  "Pasniedzēja darba alga {d:%Y-%m}: digitālo prasmju nodarbības senioriem" + f" ({hours} st.)",
                  _salary(str(Decimal("15.00") * hours), LV_EMPLOYER))
    coffee = _Item("PROGRAMME", 'SIA "Maiznīca Flora"', "Rēķins Nr. MF-{n:05d}", "", ("3.50", "5.00"), "21",
                   (12, 25))
    for place, month in (("Liepājā", 4), ("Grobiņā", 5), ("Nīcā", 6), ("Pāvilostā", 9), ("Durbē", 10),
                         ("Priekulē", 11)):
        b.buy(lead, coffee, b.day(date(2024, month, 1), date(2024, month, 28)),
              description=f"Kafijas pauzes: nodarbības senioriem {place} ({{q}} {{dalibnieki}})")
    handouts = _Item("PROGRAMME", 'SIA "Kurzemes tipogrāfija"', "PPR Nr. KT-{n:06d}",
                     "Mācību materiāli „Planšetdators soli pa solim“: druka, {q} eks.", ("1.20", "1.80"), "21",
                     (150, 300))
    b.buy(lead, _Item("PROGRAMME", 'SIA "Radošā darbnīca Kurzeme"', "Rēķins Nr. RDK-{n:04d}",
                      "Mācību materiālu maketēšana un ilustrācijas", ("450", "650"), "21"),
          b.day(date(2024, 3, 11), date(2024, 3, 29)))
    b.buy(lead, handouts, b.day(date(2024, 4, 1), date(2024, 4, 12)))
    b.buy(lead, handouts, b.day(date(2024, 9, 2), date(2024, 9, 13)))
    fuel = _Item("TRAVEL", 'SIA "Virši-A"', "Rēķins Nr. VA-{n:07d}", "", ("25", "60"), "21")
    for place, month in (("Grobiņā", 5), ("Nīcā", 6), ("Pāvilostā", 9), ("Durbē un Priekulē", 11)):
        b.buy(lead, fuel, b.day(date(2024, month, 1), date(2024, month, 28)),
              description=f"Degviela: izbraukuma nodarbības {place}")
    b.buy(lead, _Item("TRAVEL", 'SIA "Liepājas autobusu parks"', "Rēķins Nr. LAP-{n:05d}",
                      "Autobusa noma: senioru ekskursija uz Kuldīgas Galveno bibliotēku", ("180", "260"), "21"),
          b.day(date(2025, 2, 10), date(2025, 2, 21)))
    b.buy(lead, _Item("EQUIPMENT", 'SIA "Elkor Trade"', "PPR Nr. ELK-{n:07d}",
                      "Planšetdatori Samsung Galaxy Tab A9+, {q} gab.", ("190", "215"), "21", (10, 10)),
          b.day(date(2024, 3, 4), date(2024, 3, 15)))
    b.buy(lead, _Item("EQUIPMENT", 'SIA "RD Electronics"', "PPR Nr. RDE-{n:07d}",
                      "Projektors Epson EB-W49 ar ekrānu", ("620", "720"), "21"),
          b.day(date(2024, 4, 1), date(2024, 4, 19)))
    b.buy(lead, _Item("EQUIPMENT", 'SIA "1a.lv"', "Rēķins Nr. 1A-{n:08d}",
                      "Austiņas ar mikrofonu, {q} gab.", ("18", "25"), "21", (10, 10)),
          b.day(date(2024, 4, 1), date(2024, 4, 19)))
    for end in (date(2024, 6, 28), date(2024, 9, 30), date(2024, 12, 30), date(2025, 2, 28)):
        q = (end.month - 1) // 3 + 1
        b.buy(lead, _Item("INDIRECT", 'AS "Latvenergo"', "Rēķins Nr. LE-{n:09d}",
                          f"Elektroenerģija: projekta daļa (15 %), {end.year}. gada {q}. ceturksnis", ("40", "80"),
                          "21"), end)
        b.buy(lead, _Item("INDIRECT", 'SIA "Tet"', "Rēķins Nr. TET-{n:09d}",
                          f"Interneta pakalpojumi: projekta daļa, {end.year}. gada {q}. ceturksnis", ("20", "35"),
                          "21"), end)
    # Deliberately a little too much: with the bookkeeping (about 105.00 a month, invoiced for the
    # months since the last invoice) the indirect costs end slightly above the grant's cap of 10 %
    # of the direct costs other than equipment.
    since = b.start
    for end in (date(2024, 6, 28), date(2024, 9, 30), date(2024, 12, 30), date(2025, 2, 28)):
        months = len(list(_months(since, end)))
        b.buy(lead, _Item("INDIRECT", 'SIA "Grāmatvedības birojs Kurzeme"', "Rēķins Nr. GBK-{n:04d}",
                          f"Grāmatvedības pakalpojumi: projekta uzskaite {since:%Y-%m}–{end:%Y-%m}",
                          (str(98 * months), str(112 * months)), "21"), end)
        since = end + timedelta(days=5)
    return b.done()


# ---------------------------------------------------------------------------
# e. Multi-year plan of an association: LBD-2024-2026


def _association(definition: ProjectDefinition) -> list[Row]:
    b = _Book(definition, last_day=date(2026, 10, 31))  # the plan's third year is under way
    lead = "LBD"

    def contract(year: int) -> _Numbered:  # the association's author contracts, numbered per year
        return b.number(f"autorinės {year}", "Autorinė sutartis Nr. LBD-{d:%Y}/{n:03d}", small=True)

    seminars = {
        2024: (("Utenoje", 3), ("Telšiuose", 5), ("Marijampolėje", 9), ("Alytuje", 11)),
        2025: (("Panevėžyje", 3), ("Tauragėje", 5), ("Kėdainiuose", 9), ("Plungėje", 11)),
        2026: (("Biržuose", 3), ("Jonavoje", 5), ("Druskininkuose", 9)),
    }
    topics = ("Skaitmeninės paslaugos bibliotekoje", "Bibliotekų erdvės bendruomenei",
              "Asmens duomenų apsauga bibliotekoje", "Skaitymo skatinimas paaugliams",
              "Dirbtinis intelektas ir informacinis raštingumas", "Bibliotekos renginių vadyba")
    lecturers = ("Dr. Rasa Mickevičienė", "Giedrius Šimkus", "Lina Žemaitytė", "Doc. Vytautas Bagdonas")
    coffee = _Item("EVENTS", "UAB „Kavos pertrauka“", "PVM SF KP Nr. {n:05d}", "", ("4.50", "6.50"), "21", (25, 45))
    for year, places in seminars.items():
        for place, month in places:
            day = b.day(date(year, month, 8), date(year, month, 26))
            topic = b.rng.choice(topics)
            person = b.rng.choice(lecturers)
            b.add(lead, "EVENTS", day, person, contract(year),
                  b.money("250", "450"), "0", f"Lektoriaus honoraras: seminaras „{topic}“ {place}", activity="V1",
                  paid_by="KM")
            b.buy(lead, coffee, day, activity="V1", paid_by="VMS",
                  description=f"Kavos pertraukos: seminaras {place} ({{q}} {{dalyviai}})")

        week = b.day(date(year, 4, 20), date(year, 4, 24))  # Lietuvos bibliotekų savaitė
        # Each cost names the source that paid it, as the plan divides the activity among its sources.
        b.buy(lead, _Item("EVENTS", "VšĮ „Sostinės renginių centras“", "PVM SF SRC Nr. {n:05d}",
                          f"Salės nuoma: Lietuvos bibliotekų savaitės {year} atidarymo renginys", ("450", "600"),
                          "21"),
              week, activity="V2", paid_by="KM")
        b.buy(lead, _Item("EVENTS", "UAB „Suvenyrų dirbtuvė“", "PVM SF SD Nr. {n:05d}",
                          "Apdovanojimų statulėlės „Metų bibliotekininkas“, {q} vnt.", ("35", "55"), "21",
                          (10, 12)),
              week - timedelta(days=b.rng.randint(7, 14)), activity="V2", paid_by="REMEJAS")
        b.add(lead, "EVENTS", week, "Agnė Dambrauskaitė",
              contract(year), b.money("300", "450"), "0",
              "Atlikėjos honoraras: apdovanojimų „Metų bibliotekininkas“ ceremonijos muzikinė programa",
              activity="V2", paid_by="KM")
        b.buy(lead, _Item("EVENTS", "UAB „Kavos pertrauka“", "PVM SF KP Nr. {n:05d}",
                          "Furšetas po apdovanojimų ceremonijos ({q} {sveciai})", ("9.00", "12.00"), "21", (60, 90)),
              week, activity="V2", paid_by="NUOSAVOS")

        b.add(lead, "PUBLICATIONS", b.day(date(year, 10, 1), date(year, 10, 23)), "Irena Mockienė",
              contract(year),
              b.money("350", "480"), "0", f"Metraščio „Bibliotekininkų balsas {year}“ kalbos redagavimas",
              activity="V3", paid_by="NUOSAVOS")
        if year < 2026:
            b.buy(lead, _Item("PUBLICATIONS", "MB „Raidžių sodas“", "SF RS Nr. {n:03d}",
                              f"Metraščio „Bibliotekininkų balsas {year}“ maketavimas", ("600", "800")),
                  b.day(date(year, 11, 3), date(year, 11, 21)), activity="V3", paid_by="KM")
            b.buy(lead, _Item("PUBLICATIONS", "UAB „Petro ofsetas“", "PVM SF PO Nr. {n:06d}",
                              f"Metraščio „Bibliotekininkų balsas {year}“ spausdinimas, {{q}} egz.",
                              ("4.80", "6.20"), "9", (300, 400)),
                  b.day(date(year, 12, 1), date(year, 12, 12)), activity="V3", paid_by="KM")

        b.add(lead, "MEMBERSHIP", b.day(date(year, 1, 12), date(year, 1, 30)),
              "International Federation of Library Associations and Institutions (IFLA)",
              b.number("IFLA", "IFLA INV-{d:%Y}-{n:05d}"), b.money("1290", "1380"), "0",
              f"IFLA nario mokestis {year} m.", activity="V4", paid_by="KM")
        b.add(lead, "MEMBERSHIP", b.day(date(year, 2, 2), date(year, 2, 27)),
              "European Bureau of Library, Information and Documentation Associations (EBLIDA)",
              b.number("EBLIDA", "EBLIDA/{d:%Y}/{n:04d}"), b.money("600", "700"), "0",
              f"EBLIDA nario mokestis {year} m.", activity="V4", paid_by="NUOSAVOS")
        congress = {
            2024: ("IFLA pasaulinis bibliotekų ir informacijos kongresas, Dubajus", date(2024, 6, 10),
                   "Turkish Airlines", "Vilnius–Stambulas–Dubajus–Stambulas–Vilnius"),
            2025: ("IFLA pasaulinis bibliotekų ir informacijos kongresas, Astana", date(2025, 6, 9),
                   "Turkish Airlines", "Vilnius–Stambulas–Astana–Stambulas–Vilnius"),
            2026: ("EBLIDA metinė konferencija", date(2026, 4, 13), 'AS "Air Baltic Corporation"',
                   "per Rygą į konferenciją ir atgal"),
        }[year]
        title, booked, airline, route = congress
        b.add(lead, "MEMBERSHIP", booked, "IFLA" if "IFLA" in title else "EBLIDA",
              b.number(f"registracija {year}", "REG-{d:%Y}-{n:05d}"), b.money("380", "520"), "0",
              f"Registracijos mokestis: {title} (1 delegatas)", activity="V4", paid_by="ERASMUS")
        b.add(lead, "MEMBERSHIP", booked + timedelta(days=3), airline,
              b.number(airline, "Bilietas Nr. {n:010d}"), b.money("420", "780"), "0",
              f"Lėktuvo bilietai {route}: {title}", activity="V4", paid_by="ERASMUS")  # staff mobility

        for q, end in enumerate((date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31)), 1):
            if end <= b.last_day:
                b.add(lead, "ADMIN", end, "MB „Apskaitos taškas“", b.number("apskaita", "SF AT Nr. {n:04d}"),
                      b.money("360", "420"), "0", f"Buhalterinės apskaitos paslaugos {year} m. {ROMAN[q - 1]} ketv.",
                      activity="V5", paid_by="VMS" if q == 1 else "NUOSAVOS")
        b.buy(lead, _Item("ADMIN", "UAB „Interneto vizija“", "PVM SF IV Nr. {n:07d}",
                          f"Svetainės lbd.lt prieglobos ir domeno paslaugos {year} m.", ("60", "90"), "21"),
              b.day(date(year, 1, 5), date(year, 1, 20)), activity="V5", paid_by="NUOSAVOS")
    b.buy(lead, _Item("EQUIPMENT", "UAB „Topo centras“", "PVM SF TOP Nr. {n:07d}",
                      "Nešiojamasis kompiuteris Lenovo IdeaPad Slim 5 draugijos sekretoriatui", ("600", "720"), "21"),
          b.day(date(2024, 2, 5), date(2024, 2, 23)), activity="V5")
    b.buy(lead, _Item("EQUIPMENT", "UAB „Topo centras“", "PVM SF TOP Nr. {n:07d}",
                      "Daugiafunkcis spausdintuvas Brother MFC-L3760CDW", ("250", "320"), "21"),
          b.day(date(2026, 2, 2), date(2026, 2, 20)), activity="V5")
    return b.done()


# ---------------------------------------------------------------------------
# f. A national programme in US dollars re-granting to 45 libraries: BP-2008-2012 ("Bibliotekos pažangai")

LT_EMPLOYER_2009 = "30.98"  # Lithuania 2009–2018: the employer's social insurance (Sodra), %
_LT_VAT = ((date(2009, 9, 1), "21"), (date(2009, 1, 1), "19"), (date(1994, 5, 1), "18"))

# The sub-grantees with a story (tests/test_demo.py pins them): deliberately, one spent more than its
# sub-grant and one paid a cost too late for it to count (the checks find both); one returned what it did
# not use.
OVER_GRANT, PAID_LATE, RETURNED = "KUP", "ZAR", "SKU"


def _lt_vat(day: date) -> str:
    """Lithuania's standard VAT rate: 18 % until 2008, 19 % from January 2009, 21 % from September 2009."""
    return next(rate for since, rate in _LT_VAT if day >= since)


def _litas(usd: Decimal, day: date) -> Decimal:
    """About what `usd` dollars were in litas in the month of `day` (litas are fixed to the euro, the euro
    at the month's rate to the dollar): a library plans in its sub-grant's dollars and pays in litas."""
    return usd / Decimal(RATES["USD"][f"{day:%Y-%m}"]) * FIXED_EURO_RATES["LTL"]


def _dollars(litas: Decimal, day: date) -> Decimal:
    """About what `litas` were in dollars in the month of `day`."""
    return litas / FIXED_EURO_RATES["LTL"] * Decimal(RATES["USD"][f"{day:%Y-%m}"])


def _priced(gross: Decimal, unit: tuple[str, str], vat: str) -> tuple[int, Decimal]:
    """A quantity near what `gross` buys at the usual unit price, and the net unit price (to the cent, or whole
    litas above 10.00) that makes them cost at most `gross` with VAT."""
    with_vat = 1 + Decimal(vat) / 100
    quantity = max(1, int(gross / ((Decimal(unit[0]) + Decimal(unit[1])) / 2 * with_vat)))
    price = gross / quantity / with_vat
    exact = Decimal("1") if price >= 10 else Decimal("0.01")
    return quantity, price.quantize(exact, rounding=ROUND_FLOOR)


def _fraction(rng: random.Random, low: int, high: int) -> Decimal:
    """A random part from low to high per cent."""
    return Decimal(rng.randint(low * 10, high * 10)) / 1000


_THEMES = (
    "Kompiuterinio raštingumo mokymai vyresnio amžiaus gyventojams",
    "Elektroninės valdžios ir bankininkystės paslaugos kaimo gyventojams",
    "Internetas ūkininkams: ES paramos ir e. paslaugų mokymai",
    "Darbo paieška internete: mokymai bedarbiams",
    "Skaitmeninis kraštotyros metraštis: gyventojų mokymai",
    "Saugus internetas ir kūrybinės dirbtuvės vaikams ir jaunimui",
)
_TRAINERS = (
    "Rasa Kazlauskienė", "Tomas Jankauskas", "Jūratė Petrauskienė", "Darius Stankevičius", "Ingrida Vasiliauskienė",
    "Mindaugas Žukauskas", "Laima Butkienė", "Andrius Paulauskas", "Vilma Urbonienė", "Saulius Kavaliauskas",
    "Giedrė Navickienė", "Arūnas Ramanauskas", "Daiva Sakalauskienė", "Edita Baranauskienė", "Gintaras Šimkus",
    "Neringa Lukošienė", "Rimantas Mockus", "Audronė Vaitkienė", "Kęstutis Bružas", "Asta Mažeikienė",
)
# (supplier, document, description, net unit price from–to): the visitors' computers, and something more
# for the courses.
_COMPUTERS = (
    ("UAB „Kilobaitas“", "PVM SF KIL Nr. {n:07d}",
     "Kompiuterizuotos lankytojų darbo vietos (HP Compaq dx2400, 19\" monitorius, MS Office), {q} vnt.",
     ("1750", "2100")),
    ("UAB „Topo centras“", "PVM SF TOP Nr. {n:07d}",
     "Stacionarūs kompiuteriai lankytojams Dell OptiPlex 360 su monitoriais, {q} vnt.", ("1800", "2150")),
    ("UAB „Kompiuterių pasaulis“", "PVM SF KPS Nr. {n:06d}",
     "Kompiuteriai lankytojams Fujitsu Esprimo su 19\" monitoriais ir klaviatūromis, {q} vnt.", ("1700", "2050")),
)
_EXTRAS = (
    ("UAB „Kilobaitas“", "PVM SF KIL Nr. {n:07d}", "Multimedijos projektorius Epson EB-X8 su ekranu mokymams",
     ("1650", "2100")),
    ("UAB „Topo centras“", "PVM SF TOP Nr. {n:07d}",
     "Daugiafunkcis spausdintuvas HP LaserJet M2727nf lankytojams", ("1150", "1400")),
    ("UAB „Kompiuterių pasaulis“", "PVM SF KPS Nr. {n:06d}",
     "Nešiojamieji kompiuteriai išvažiuojamiesiems mokymams Acer Aspire One, {q} vnt.", ("1050", "1250")),
)
_COACHES = (("UAB „Kautra“", "PVM SF KAU Nr. {n:07d}"), ("UAB „Toks“", "PVM SF TOKS Nr. {n:07d}"),
            ("UAB „Busturas“", "PVM SF BT Nr. {n:06d}"))
_PRINTING = (
    ("UAB „Petro ofsetas“", "PVM SF PO Nr. {n:06d}",
     "Mokymų dalomoji medžiaga „Kompiuteris ir internetas – paprastai“: spausdinimas ir įrišimas, {q} egz.",
     ("5.50", "8.50")),
    ("UAB „Kopa“", "PVM SF KOPA Nr. {n:06d}",
     "Lankstinukai ir plakatai apie nemokamus mokymus bibliotekoje ir filialuose: spausdinimas, {q} egz.",
     ("0.45", "0.80")),
    ("UAB „Utenos Indra“", "PVM SF UI Nr. {n:06d}",
     "Mokymų pratybų sąsiuviniai ir dalyvių pažymėjimai: spausdinimas, {q} egz.", ("3.20", "4.60")),
)


def _libraries_for_innovation(definition: ProjectDefinition) -> list[Row]:
    """The national library's own costs, and each library's local project within its sub-grant's budget lines."""
    b = _Book(definition, currency="LTL")
    _programme_lead(b, "LNB")
    budget = {(item.partner, item.line): item.amount for item in definition.budget}
    for grant in definition.sub_grants:
        _sub_grantee(b, grant.partner, grant.signed or b.start, {
            line: amount for (partner, line), amount in budget.items() if partner == grant.partner})
    return b.done()


def _programme_lead(b: _Book, lead: str) -> None:
    # The programme's team of six: a payroll sheet a quarter, paid on the 10th of the next month; salaries were
    # cut in August 2009, as all of the public sector's.
    quarters: dict[tuple[int, int], list[date]] = {}
    for month in _months(b.start, b.end):
        quarters.setdefault((month.year, (month.month - 1) // 3 + 1), []).append(month)
    for (year, q), covered in quarters.items():
        end = covered[-1].replace(day=monthrange(covered[-1].year, covered[-1].month)[1])
        monthly = [Decimal("16400.00") if m < date(2009, 8, 1) else Decimal("15200.00") for m in covered]
        amount = round_half_up(sum(monthly, Decimal(0)) * (1 + Decimal(LT_EMPLOYER_2009) / 100))
        b.add(lead, "PERSONNEL", end, "Programos komanda (6 darbuotojai)", f"DU žiniaraštis Nr. BP-{year}-{q}K",
              amount, "0", f"Programos komandos darbo užmokestis {covered[0]:%Y-%m}–{end:%Y-%m} "
              "su darbdavio įmokomis 30,98 %", paid=_working_day(end + timedelta(days=10)))

    def std(day: date, supplier: str, document: str, description: str, unit: tuple[str, str],
            qty: tuple[int, int] = (1, 1), line: str = "PROGRAMME", vat: str | None = None,
            currency: str = "LTL") -> None:
        """A purchase at Lithuania's standard VAT of the day, unless `vat` says otherwise."""
        b.buy(lead, _Item(line, supplier, document, description, unit, vat or _lt_vat(day), qty), day,
              currency=currency)

    # Training and publicity, in litas (VAT 18 % until 2008, 19 % from January 2009, 21 % from September).
    std(b.day(date(2008, 12, 8), date(2008, 12, 12)), "UAB „Konferencijų centras“", "PVM SF KC Nr. {n:05d}",
        "Programos „Bibliotekos pažangai“ pristatymo konferencija Vilniuje: salė, įranga ir maitinimas "
        "({q} {dalyviai})", ("58", "66"), (140, 170))
    for place, month in (("Kaune", 2), ("Klaipėdoje", 3), ("Šiauliuose", 4), ("Panevėžyje", 5)):
        std(b.day(date(2009, month, 9), date(2009, month, 27)), "UAB „Konferencijų centras“",
            "PVM SF KC Nr. {n:05d}",
            f"Regioninis seminaras savivaldybių bibliotekų direktoriams {place}: salė ir maitinimas "
            "({q} {dalyviai})",
            ("42", "55"), (38, 56))
    for first, last in ((date(2009, 9, 7), date(2009, 10, 16)), (date(2010, 4, 6), date(2010, 5, 28))):
        std(b.day(first, last), "VšĮ „Langas į ateitį“", "SF LIA Nr. {n:04d}",
            "Bibliotekininkų – kompiuterinio raštingumo lektorių mokymai ({q} ak. val.)", ("36", "42"), (320, 400),
            vat="0")
    std(b.day(date(2010, 3, 1), date(2010, 3, 31)), "UAB „Komunikacijos strategijos“", "PVM SF KS Nr. {n:04d}",
        "Visuomenės informavimo kampanija „Bibliotekos pažangai“: skelbimai regioninėje spaudoje ir radijuje",
        ("24000", "29000"))
    for first, last, wave in ((date(2010, 5, 3), date(2010, 6, 18), "pirmoji"),
                              (date(2012, 5, 2), date(2012, 6, 15), "antroji")):
        std(b.day(first, last), "UAB „TNS LT“", "PVM SF TNS Nr. {n:05d}",
            f"Viešųjų bibliotekų lankytojų ir gyventojų apklausa: programos poveikio vertinimas ({wave} banga)",
            ("27000", "33000"))
    for first, last, title in ((date(2010, 1, 11), date(2010, 2, 26), "2009 metai"),
                               (date(2012, 8, 1), date(2012, 9, 28), "2008–2012 metai")):
        std(b.day(first, last), "UAB „Petro ofsetas“", "PVM SF PO Nr. {n:06d}",
            f"Leidinys „Bibliotekos pažangai: {title}“, spausdinimas, {{q}} egz.", ("3.80", "5.20"), (1500, 2500))

    # Consultants, invoiced in US dollars.
    for first, last in ((date(2009, 5, 4), date(2009, 6, 26)), (date(2011, 1, 10), date(2011, 2, 25))):
        std(b.day(first, last), "TechSoup Global", "Invoice TSG-{n:06d}",
            "Software donation programme for public libraries: administrative fees ({q} licences)",
            ("2.60", "3.10"), (900, 1200), vat="0", currency="USD")
    for first, last, stage in ((date(2009, 3, 2), date(2009, 3, 31), "baseline"),
                               (date(2011, 9, 5), date(2011, 9, 30), "mid-term review")):
        std(b.day(first, last), "Collins Library Consulting LLC", "Invoice CLC-{n:04d}",
            f"Impact planning and assessment consultancy, {stage}: {{q}} days", ("600", "650"), (8, 12), vat="0",
            currency="USD")

    # Conferences abroad, in euro; the team's travel to the libraries, in litas.
    for day, supplier, document, description, unit, qty in (
        (date(2009, 5, 14), "International Federation of Library Associations and Institutions (IFLA)",
         "IFLA WLIC-2009-{n:05d}", "IFLA WLIC 2009, Milano: registration fees, {q} delegates", ("480", "480"), (2, 2)),
        (date(2009, 6, 10), "Deutsche Lufthansa AG", "Ticket 220-{n:010d}",
         "Flights Vilnius–Munich–Milan and back, IFLA WLIC 2009: {q} passengers", ("390", "470"), (2, 2)),
        (date(2009, 8, 28), "Starhotels S.p.A.", "Fattura {n:05d}/2009",
         "Accommodation in Milan, 22–28 August 2009: 2 rooms × 6 nights", ("1680", "1860"), (1, 1)),
        (date(2011, 4, 12), "Aarhus Kommunes Biblioteker", "Invoice NL2011-{n:04d}",
         "Next Library conference 2011, Aarhus: registration fees, {q} delegates", ("350", "350"), (3, 3)),
        (date(2012, 5, 8), "International Federation of Library Associations and Institutions (IFLA)",
         "IFLA WLIC-2012-{n:05d}", "IFLA WLIC 2012, Helsinki: registration fees, {q} delegates", ("520", "520"),
         (2, 2)),
        (date(2012, 6, 5), "AS „Air Baltic Corporation“", "Bilietas Nr. 657-{n:010d}",
         "Lėktuvo bilietai Vilnius–Ryga–Helsinkis ir atgal (IFLA WLIC 2012): {q} keleiviai", ("260", "320"), (2, 2)),
        (date(2012, 8, 17), "Scandic Hotels Oy", "Lasku {n:07d}",
         "Accommodation in Helsinki, 11–17 August 2012: 2 rooms × 6 nights", ("1500", "1700"), (1, 1)),
    ):
        b.buy(lead, _Item("TRAVEL", supplier, document, description, unit, "0", qty), day, currency="EUR")
    for first, last, span in ((date(2009, 10, 1), date(2009, 10, 30), "2009 m. gegužė–spalis"),
                              (date(2011, 10, 3), date(2011, 10, 28), "2011 m. balandis–spalis")):
        std(b.day(first, last), "UAB „Lukoil Baltija“", "PVM SF LUK Nr. {n:08d}",
            f"Degalai pagal kuro korteles: programos komandos vizitai į savivaldybių bibliotekas ({span})",
            ("520", "760"), line="TRAVEL")

    # The programme's server and the mobile classroom for the courses; the audit of each grant year.
    std(b.day(date(2009, 3, 2), date(2009, 3, 20)), "UAB „Kilobaitas“", "PVM SF KIL Nr. {n:07d}",
        "Nešiojamieji kompiuteriai mobiliajai mokymų klasei Lenovo ThinkPad SL500, {q} vnt.", ("2250", "2450"),
        (12, 12), line="EQUIPMENT")
    std(b.day(date(2009, 10, 5), date(2009, 10, 23)), "UAB „Blue Bridge“", "PVM SF BB Nr. {n:05d}",
        "Serveris HP ProLiant DL380 G6 programos e. paslaugoms, su diegimu", ("21000", "23500"), line="EQUIPMENT")
    for year, day in enumerate((date(2009, 12, 15), date(2010, 12, 14), date(2011, 12, 13), date(2012, 10, 26)), 1):
        std(day, "UAB „PricewaterhouseCoopers“", "PVM SF PwC Nr. {n:06d}",
            f"Programos finansinių ataskaitų auditas: {year}-ieji dotacijos metai", ("14500", "17500"),
            line="INDIRECT")


def _sub_grantee(b: _Book, partner: str, signed: date, budget: dict[str, Decimal]) -> None:
    """A library's local project: computers bought soon after the sub-grant, a year or two of courses with
    their handouts, fuel for the trips to the national library's training; paid in litas, planned in dollars."""
    rng = b.rng
    theme = rng.choice(_THEMES)
    # Each line within 10 % of its budget, as the foundation wants any larger difference explained.
    share = {"EQUIPMENT": _fraction(rng, 92, 99), "PROGRAMME": _fraction(rng, 91, 99),
             "TRAVEL": _fraction(rng, 91, 99)}
    if partner == OVER_GRANT:  # courses beyond the sub-grant, within the line's flexibility
        share = {"EQUIPMENT": Decimal("0.99"), "PROGRAMME": Decimal("1.07"), "TRAVEL": Decimal("0.95")}
    elif partner == RETURNED:  # the computers came cheaper, and fewer people came to the courses (explained)
        share = {"EQUIPMENT": Decimal("0.80"), "PROGRAMME": Decimal("0.78"), "TRAVEL": Decimal("0.50")}
    planned = {line: budget.get(line, Decimal(0)) * share[line] for line in share}  # in dollars

    # The computers (and, at some libraries, something for the courses a few months later).
    bought = b.day(signed + timedelta(days=20), signed + timedelta(days=75))
    equipment = planned["EQUIPMENT"]
    if rng.random() < 0.35:
        supplier, document, description, unit = rng.choice(_EXTRAS)
        day = b.day(signed + timedelta(days=60), signed + timedelta(days=200))
        vat = _lt_vat(day)
        if "{q}" in description:
            quantity, price = _priced(_litas(budget["EQUIPMENT"] * _fraction(rng, 10, 18), day), unit, vat)
        else:
            quantity, price = 1, b.money(*unit).quantize(Decimal("1"), rounding=ROUND_FLOOR)
        b.add(partner, "EQUIPMENT", day, supplier, b.number(supplier, document), price * quantity, vat,
              _counted(description, quantity))
        equipment -= _dollars(price * quantity * (1 + Decimal(vat) / 100), day)
    supplier, document, description, unit = rng.choice(_COMPUTERS)
    vat = _lt_vat(bought)
    quantity, price = _priced(_litas(equipment, bought), unit, vat)
    b.add(partner, "EQUIPMENT", bought, supplier, b.number(supplier, document), price * quantity, vat,
          _counted(description, quantity))

    # The courses: the trainer's author's contract, settled when they end; the handouts.
    ended = b.day(signed + timedelta(days=300), min(signed + timedelta(days=800), b.end - timedelta(days=45)))
    per_hour = Decimal(rng.choice(("28.00", "30.00", "32.00", "35.00", "38.00")))
    hours = int(_litas(planned["PROGRAMME"] * _fraction(rng, 58, 66), ended) / per_hour)
    b.add(partner, "PROGRAMME", ended, rng.choice(_TRAINERS),
          b.number(f"{partner} autorinės", "Autorinė sutartis Nr. {d:%Y}/{n:02d}", small=True), per_hour * hours, "0",
          f"Lektoriaus autorinis atlyginimas: mokymai „{theme}“, {hours} ak. val.")
    printed = b.day(signed + timedelta(days=90), signed + timedelta(days=420))
    paid = None
    if partner == PAID_LATE:  # the last handouts, printed at the end and paid after the grace days
        printed, paid = b.day(date(2012, 10, 1), date(2012, 10, 19)), date(2012, 12, 14)
    supplier, document, description, unit = rng.choice(_PRINTING)
    vat = _lt_vat(printed)
    rest = planned["PROGRAMME"] - _dollars(per_hour * hours, ended)
    quantity, price = _priced(_litas(rest, printed), unit, vat)
    b.add(partner, "PROGRAMME", printed, supplier, b.number(supplier, document), price * quantity, vat,
          _counted(description, quantity), paid=paid, late=paid is not None)

    if budget.get("TRAVEL"):  # the librarians' trips to the national library's training, by hired minibus
        day = b.day(signed + timedelta(days=40), signed + timedelta(days=500))
        vat = _lt_vat(day)
        net = (_litas(planned["TRAVEL"], day) / (1 + Decimal(vat) / 100)).quantize(CENT, rounding=ROUND_FLOOR)
        supplier, document = rng.choice(_COACHES)
        b.add(partner, "TRAVEL", day, supplier, b.number(supplier, document), net, vat,
              "Mikroautobuso nuoma su vairuotoju: bibliotekininkų kelionės į LNB mokymus Vilniuje ir atgal "
              f"({rng.randint(2, 3)} kelionės)")


def _sub_grant_payments(store: Store, definition: ProjectDefinition) -> list[Row]:
    """What the national library paid each sub-grantee: 60 % on signing, 30 % after its first annual report and,
    after the final reports, the balance of the accepted costs to most (a few still wait for it). The one that
    paid too late has no balance to come (it owes some back); the one that spent less returned the rest."""
    rng = random.Random(f"grant-reporter demo {definition.project.code} sub-grants")
    positions = {p.sub_grant.partner: p for p in sub_grant_overview(store, definition.project.code)}
    payments: list[Row] = []
    for grant in definition.sub_grants:
        signed = grant.signed or definition.project.start
        first = round_half_up(grant.amount * Decimal("0.6"))
        second = round_half_up(grant.amount * Decimal("0.3"))
        payments.append({"partner": grant.partner, "date": _working_day(signed + timedelta(days=rng.randint(8, 20))),
                         "amount": first, "kind": "advance"})
        payments.append({"partner": grant.partner, "kind": "advance", "amount": second,
                         "date": _working_day(date(signed.year, 12, 1) + timedelta(days=rng.randint(0, 45)))})
        counted = positions[grant.partner].counted
        final = _working_day(date(2012, 12, 3) + timedelta(days=rng.randint(0, 70)))
        if grant.partner == RETURNED:
            payments.append({"partner": grant.partner, "date": final, "amount": first + second - counted,
                             "kind": "return"})
        elif grant.partner != PAID_LATE and counted > first + second and rng.random() < 0.8:
            payments.append({"partner": grant.partner, "date": final, "amount": counted - first - second,
                             "kind": "balance"})
    number = rng.randint(310, 380)
    for payment in sorted(payments, key=lambda p: p["date"]):
        number += rng.randint(1, 6)
        payment["note"] = ("Grąžinta: mokėjimo nurodymas" if payment["kind"] == "return" else
                           "LNB mokėjimo nurodymas") + f" Nr. {number}"
        payment["date"] = payment["date"].isoformat()
        payment["amount"] = plain(payment["amount"])
    return payments


# ---------------------------------------------------------------------------
# g. A Ministry of Culture programme grant in litas: KM-2012-S-245


def _ministry_of_culture(definition: ProjectDefinition) -> list[Row]:
    b = _Book(definition, currency="LTL")
    lead = "PAVB"
    festival = date(2012, 9, 22)  # Šeimų skaitymų šventė, a Saturday
    for person, description, low, high, first, last in (
        ("Vaiva Šalkauskienė", "Autorinis atlyginimas: susitikimai su šeimomis ir garsiniai skaitymai "
         "(Panevėžys, Ramygala, Naujamiestis)", "900", "1200", date(2012, 4, 16), date(2012, 5, 11)),
        ("Gintarė Ramonaitė", "Autorinis atlyginimas: leidinio „Skaitanti šeima“ iliustracijos (12 iliustracijų)",
         "1800", "2200", date(2012, 6, 4), date(2012, 6, 29)),
        ("Rūta Gudaitė", "Autorinis atlyginimas: leidinio „Skaitanti šeima“ tekstų sudarymas ir redagavimas",
         "1300", "1600", date(2012, 6, 4), date(2012, 6, 29)),
        ("Algis Petrulis", "Autorinis atlyginimas: paskaitų ciklas tėvams „Kaip užauginti skaitytoją“ (3 paskaitos)",
         "750", "900", date(2012, 10, 8), date(2012, 10, 26)),
        ("Jonas Vaičiūnas", "Atlikėjo honoraras: literatūrinis spektaklis vaikams „Pasakų skrynia“ šventėje",
         "900", "1200", festival + timedelta(days=2), festival + timedelta(days=6)),
    ):  # each paid under an author's contract, against the act that accepts the work
        b.add(lead, "FEES", b.day(first, last), person,
              b.number("autorinės 2012", "Atliktų darbų aktas Nr. AS-12/{n:03d}", small=True), b.money(low, high),
              "0", description, details={"person_document": "Autorinė sutartis Nr. AS-12/{n:03d}"})
    trips = {  # what the ministry asks of a business trip: the route, the days and who travelled
        "Degalai: išvažiuojamieji renginiai rajono filialuose (Ramygala, Naujamiestis, Velžys)": {
            "travel_route": "Panevėžys–Ramygala–Naujamiestis–Velžys–Panevėžys", "travel_from": "2012-10-02",
            "travel_to": "2012-10-26", "travellers": "Daiva Mackevičienė, Ignas Vaitkus (vairuotojas)"},
    }
    for item, first, last in (
        (_Item("SERVICES", "VšĮ „Vaikų kūrybos centras“", "SF VKC Nr. {n:04d}",
               "Kūrybinės dirbtuvės vaikams ir tėvams pagal perskaitytas knygas (6 užsiėmimai)", ("900", "1200")),
         date(2012, 5, 2), date(2012, 5, 31)),
        (_Item("SERVICES", "UAB „Panevėžio autobusų parkas“", "PVM SF PAP Nr. {n:06d}",
               "Autobuso nuoma: skaitančių šeimų išvyka į Anykščius (A. Baranausko ir A. Vienuolio-Žukausko "
               "memorialinis muziejus)", ("900", "1100"), "21"), date(2012, 6, 11), date(2012, 6, 22)),
        (_Item("SERVICES", "UAB „Garso meistrai“", "PVM SF GM Nr. {n:05d}",
               "Įgarsinimo ir scenos įrangos nuoma su technikais: Šeimų skaitymų šventė", ("1300", "1600"), "21"),
         festival, festival + timedelta(days=3)),
        (_Item("SERVICES", "UAB „Gardumėlis“", "PVM SF GRD Nr. {n:05d}",
               "Maitinimas: Šeimų skaitymų šventės dalyviai ({q} {porcijos})", ("9.00", "12.00"), "21", (120, 150)),
         festival, festival + timedelta(days=3)),
        (_Item("PUBLISHING", "UAB „Spaudos kontūrai“", "PVM SF SK Nr. {n:06d}",
               "Leidinio „Skaitanti šeima: patarimai tėvams“ spausdinimas, {q} egz.", ("3.50", "4.50"), "9",
               (1000, 1000)), date(2012, 8, 1), date(2012, 8, 24)),
        (_Item("PUBLISHING", "UAB „Panevėžio balsas“", "PVM SF PB Nr. {n:06d}",
               "Skelbimai apie projekto renginius dienraštyje „Panevėžio balsas“ (3 publikacijos)", ("540", "690"),
               "21"), date(2012, 9, 3), date(2012, 9, 20)),
        (_Item("PUBLISHING", "UAB „Sekundė“", "PVM SF SEK Nr. {n:06d}",
               "Reportažas apie Šeimų skaitymų šventę laikraštyje „Sekundė“ ir portale", ("300", "400"), "21"),
         festival + timedelta(days=3), festival + timedelta(days=14)),
        (_Item("GOODS", "UAB „Pegasas“", "PVM SF PEG Nr. {n:07d}",
               "Knygos vaikams ir šeimoms: prizai skaitymo iššūkio dalyviams, {q} vnt.", ("12.00", "18.00"), "9",
               (150, 170)), date(2012, 8, 27), date(2012, 9, 14)),
        (_Item("GOODS", "UAB „Biuro pasaulis“", "PVM SF BP Nr. {n:06d}",
               "Kanceliarinės prekės kūrybinėms dirbtuvėms (popierius, dažai, klijai, žirklės)", ("600", "800"), "21"),
         date(2012, 4, 23), date(2012, 5, 4)),
        (_Item("GOODS", "UAB „Senukų prekybos centras“", "PVM SF SPC Nr. {n:07d}",
               "Sėdmaišiai vaikų skaitymo kampeliui, {q} vnt.", ("60", "80"), "21", (8, 8)),
         date(2012, 4, 23), date(2012, 5, 11)),
        (_Item("TRAVEL", "UAB „Lukoil Baltija“", "PVM SF LUK Nr. {n:08d}",
               "Degalai: išvažiuojamieji renginiai rajono filialuose (Ramygala, Naujamiestis, Velžys)", ("550", "680"),
               "21"), date(2012, 10, 29), date(2012, 11, 9)),
        (_Item("ADMIN", "TEO LT, AB", "PVM SF TEO Nr. {n:09d}",
               "Ryšių ir interneto paslaugos: projekto dalis 2012 m. kovo–lapkričio mėn.", ("250", "320"), "21"),
         date(2012, 11, 19), date(2012, 11, 30)),
        (_Item("ADMIN", "AB Lietuvos paštas", "SF LP Nr. {n:07d}",
               "Pašto paslaugos: kvietimų ir leidinio siuntimas rajono filialams ir partneriams", ("180", "260")),
         date(2012, 9, 3), date(2012, 9, 14)),
    ):
        b.buy(lead, item, b.day(first, last), details=trips.get(item.description))
    return b.done()


# ---------------------------------------------------------------------------
# h. Lietuvos kultūros taryba in the last year of the litas: LKT-2014-0213


def _culture_council_litas(definition: ProjectDefinition) -> list[Row]:
    b = _Book(definition, currency="LTL")
    lead = "AJKVB"
    days = date(2014, 8, 29)  # the festival: 29–30 August 2014
    for person, description, low, high in (
        ("Laurynas Šerėnas", "Autorinis atlyginimas: paskaita „Jurgio Kunčino Alytus“", "700", "900"),
        ("Aistė Vilkienė", "Autorinis atlyginimas: skaitymai ir diskusija su jaunaisiais rašytojais", "600", "800"),
        ("Kornelijus Jurgaitis", "Atlikėjo honoraras: J. Kunčino romano „Tūla“ ištraukų skaitymai", "900", "1100"),
        ("Tadas Mikalauskas", "Atlikėjo honoraras: džiazo koncertas festivalio uždaryme", "1200", "1500"),
    ):
        b.add(lead, "FEES", b.day(days + timedelta(days=3), days + timedelta(days=10)), person,
              b.number("autorinės 2014", "Atliktų darbų aktas Nr. {n:02d}/2014", small=True), b.money(low, high),
              "0", description, details={"person_document": "Autorinė sutartis Nr. {n:02d}/2014"})
    for item, first, last in (
        (_Item("SERVICES", "UAB „Alytaus garsas“", "PVM SF AG Nr. {n:05d}",
               "Įgarsinimo įrangos nuoma su technikais, 2 dienos", ("900", "1150"), "21"),
         days + timedelta(days=3), days + timedelta(days=10)),
        (_Item("SERVICES", "UAB „Dzūkijos skonis“", "PVM SF DS Nr. {n:05d}",
               "Maitinimas: festivalio svečiai ir dalyviai ({q} {porcijos})", ("14.00", "18.00"), "21", (80, 100)),
         days + timedelta(days=3), days + timedelta(days=10)),
        (_Item("SERVICES", "VšĮ „Alytaus turizmo informacijos centras“", "SF ATIC Nr. {n:04d}",
               "Ekskursija „Jurgio Kunčino Alytumi“: gido paslaugos festivalio svečiams", ("300", "400")),
         days + timedelta(days=3), days + timedelta(days=10)),
        (_Item("SERVICES", "IĮ „Fotomigla“", "SF FM Nr. {n:04d}",
               "Festivalio fotografavimas ir nuotraukų apdorojimas (2 dienos)", ("450", "600")),
         days + timedelta(days=3), days + timedelta(days=12)),
        (_Item("PUBLISHING", "UAB „Alytaus spaustuvė“", "PVM SF ASP Nr. {n:06d}",
               "Festivalio plakatai ir programos: spausdinimas, {q} egz.", ("0.90", "1.30"), "21", (800, 1000)),
         date(2014, 7, 28), date(2014, 8, 14)),
        (_Item("PUBLISHING", "UAB „Alytaus naujienos“", "PVM SF AN Nr. {n:06d}",
               "Skelbimai ir reportažas apie festivalį dienraštyje „Alytaus naujienos“", ("700", "900"), "21"),
         date(2014, 9, 1), date(2014, 9, 19)),
        (_Item("GOODS", "UAB „Pegasas“", "PVM SF PEG Nr. {n:07d}",
               "Jurgio Kunčino knygos: prizai literatūrinės viktorinos dalyviams, {q} vnt.", ("18.00", "24.00"), "9",
               (30, 40)), date(2014, 8, 4), date(2014, 8, 22)),
        (_Item("ADMIN", "TEO LT, AB", "PVM SF TEO Nr. {n:09d}",
               "Ryšių ir interneto paslaugos: projekto dalis 2014 m. balandžio–spalio mėn.", ("150", "220"), "21"),
         date(2014, 10, 20), date(2014, 10, 31)),
    ):
        b.buy(lead, item, b.day(first, last))
    for person, route, last in (("Laurynas Šerėnas", "Vilnius–Alytus–Vilnius", "2014-08-30"),
                                ("Aistė Vilkienė", "Kaunas–Alytus–Kaunas", "2014-08-29")):
        b.add(lead, "TRAVEL", b.day(days + timedelta(days=3), days + timedelta(days=10)), person,
              b.number("avansinės apyskaitos", "Avansinė apyskaita Nr. AA-{n:03d}", small=True),
              b.money("140", "240"), "0", f"Kelionės išlaidų kompensacija: {route} (festivalio svečias)",
              details={"travel_route": route, "travel_from": "2014-08-29", "travel_to": last, "travellers": person})
    return b.done()


_GENERATORS: dict[str, Callable[[ProjectDefinition], list[Row]]] = {
    "LLI-537": _interreg,
    "KA204-077512": _erasmus,
    "LKT-2024-0815": _culture_council,
    "BRF-2024-LV07": _foundation,
    "LBD-2024-2026": _association,
    "BP-2008-2012": _libraries_for_innovation,
    "KM-2012-S-245": _ministry_of_culture,
    "LKT-2014-0213": _culture_council_litas,
}
