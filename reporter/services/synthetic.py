"""A made-up project of any size, for measuring the program (`grant-reporter bench`, `benchmarks/`).

One Interreg-like project (four partner libraries in Lithuania and Latvia, the ERDF, two state budgets and four
municipalities, the template's six budget lines with the flat-rate office line, two reporting periods) and its
expenditure as an accounting program exports it: a semicolon CSV in Windows-1257 with Lithuanian and Latvian
suppliers and descriptions, amounts written `1 234,56`, a few documents in złoty. The rows come from a seeded
random generator, so the same size always gives the same file; budgets and caps grow with the size, so that
the checks find what they would in a well-kept project rather than thousands of overspent lines.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Iterator

from reporter.importers.mapping import ImportMapping
from reporter.services.currency import set_rate
from reporter.services.imports import ImportResult, import_file
from reporter.services.projects import load_project_file
from reporter.store import Store

CODE = "BENCH"
REPORTED_PERIOD = 2  # holds 95 % of the rows; period 1 the rest
ENCODING = "windows-1257"

# code, name, country, state budget (code, share), municipality (code, name)
PARTNERS = (
    ("LP", "Šiaulių apskrities Povilo Višinskio viešoji biblioteka", "LT", "LT-STATE", "7.5",
     "SIAULIAI", "Šiaulių miesto savivaldybė"),
    ("PP2", "Jelgavas pilsētas bibliotēka", "LV", "LV-STATE", "5", "JELGAVA", "Jelgavas valstspilsētas pašvaldība"),
    ("PP3", "Rokiškio rajono savivaldybės Juozo Keliuočio viešoji biblioteka", "LT", "LT-STATE", "7.5",
     "ROKISKIS", "Rokiškio rajono savivaldybė"),
    ("PP4", "Latgales Centrālā bibliotēka", "LV", "LV-STATE", "5", "DAUGAVPILS",
     "Daugavpils valstspilsētas pašvaldība"),
)
PARTNER_WEIGHTS = (40, 25, 20, 15)

# line, account in the export, weight, amounts from–to in cents
LINES = (
    ("STAFF", "6110", 35, 80_000, 250_000),
    ("TRAVEL", "6310", 20, 1_500, 90_000),
    ("EXTERNAL", "6420", 25, 5_000, 300_000),
    ("EQUIPMENT", "6410", 15, 2_000, 300_000),
    ("INFRA", "6510", 5, 50_000, 1_000_000),
)
FLAT_RATE_PERCENT = 15  # OFFICE, of STAFF: the template's flat rate, never entered

EMPLOYEES = ("Vardenis Pavardenis", "Rūta Žemaitytė", "Jonas Kazlauskas", "Aušra Šimkūnienė", "Gintarė Čepulienė",
             "Jānis Bērziņš", "Līga Ozoliņa", "Kristīne Kalniņa", "Māris Liepiņš", "Ilze Vītola")
COMPANIES = ("UAB „Knygų namai {n}“", "UAB „Šiaulių spaustuvė {n}“", "UAB Kelionių ekspertai {n}",
             "VšĮ Tarptautinio bendradarbiavimo centras {n}", "AB „Lietuvos geležinkeliai“", "UAB „Ąžuolo baldai {n}“",
             'SIA "Rīgas grāmatnīca {n}"', 'SIA "Jelgavas tipogrāfija {n}"', "SIA Daugavpils viesnīca {n}",
             "SIA „Latgales datori {n}“", "AS airBaltic", "Latvijas Nacionālā bibliotēka")
POLISH = ("Księgarnia Łódzka Sp. z o.o.", "Hotel Źródło Białystok")
DESCRIPTIONS = {
    "STAFF": ("Darbo užmokestis už projekto veiklas, {m} mėn.", "Darba samaksa par projekta darbu, {m}. mēnesis"),
    "TRAVEL": ("Komandiruotė į Jelgavą ir atgal; nakvynė viešbutyje „Rīga“, dienpinigiai ir kelionės bilietai pagal "
               "komandiruotės įsakymą Nr. {n}", "Ceļa izdevumi uz Šiauļiem", "Lėktuvo bilietai Vilnius–Ryga"),
    "EXTERNAL": ("Seminaro „Bibliotekos be sienų“ organizavimas, salės nuoma ir kavos pertraukos",
                 "Vertimo paslaugos", "Tulkošanas pakalpojumi un konferences organizēšana bibliotēkas darbiniekiem",
                 "Leidinio maketavimas ir spauda"),
    "EQUIPMENT": ("Kompiuterinė įranga bibliotekos skaityklai", "Knygos", "Datortehnika lasītavai",
                  "Baldai vaikų skaityklai"),
    "INFRA": ("Skaityklos remonto darbai", "Bibliotēkas telpu pielāgošana cilvēkiem ar invaliditāti"),
}
HEADER = ("Data", "Dok. Nr.", "Buh. Nr.", "Partneris", "Tiekėjas", "Aprašymas", "Suma", "PVM", "Valiuta", "Sąskaita",
          "Apmokėta")
MAPPING = ImportMapping(
    columns={"date": "Data", "document": "Dok. Nr.", "accounting_ref": "Buh. Nr.", "partner": "Partneris",
             "supplier": "Tiekėjas", "description": "Aprašymas", "gross": "Suma", "vat": "PVM", "currency": "Valiuta",
             "line": "Sąskaita", "paid": "Apmokėta"},
    values={"line": {account: line for line, account, *_ in LINES}})
PLN_RATES = {f"{year}-{month:02d}": f"4.{30 + (year - 2024) * 3 + month % 5:02d}00"
             for year in (2024, 2025) for month in range(1, 13)}


@dataclass(frozen=True)
class Row:
    """One line of the export."""

    day: date
    document: str
    reference: str
    partner: str
    supplier: str
    description: str
    gross_cents: int
    vat_cents: int
    currency: str
    line: str
    paid: date


def rows(count: int, seed: int = 7) -> Iterator[Row]:
    """The export's rows, the same ones for the same count and seed."""
    rng = random.Random(seed)
    partners = [p[0] for p in PARTNERS]
    lines = [line for line, *_ in LINES]
    weights = [weight for _, _, weight, *_ in LINES]
    ranges = {line: (low, high) for line, _, _, low, high in LINES}
    for i in range(count):
        first_year = i % 20 == 0  # period 1 (2024) holds one row in twenty
        day = (date(2024, 1, 1) + timedelta(days=rng.randrange(366))) if first_year else \
            (date(2025, 1, 1) + timedelta(days=rng.randrange(365)))
        partner = rng.choices(partners, PARTNER_WEIGHTS)[0]
        line = rng.choices(lines, weights)[0]
        gross = rng.randrange(*ranges[line])
        currency = "EUR"
        if line == "STAFF":
            supplier = rng.choice(EMPLOYEES)
            document = f"DU-{day:%Y-%m}-{i:06d}"
            vat = 0
        else:
            if rng.random() < 0.01:
                currency, supplier = "PLN", rng.choice(POLISH)
            else:
                supplier = rng.choice(COMPANIES).format(n=rng.randrange(150))
            document = f"SF-{i:06d}"
            vat = gross * 21 // 121 if rng.random() < 0.4 else 0
        description = rng.choice(DESCRIPTIONS[line]).format(m=day.month, n=i)
        yield Row(day, document, f"BU-{i:06d}", partner, supplier, description, gross, vat, currency, line,
                  day + timedelta(days=rng.randrange(40)))


def _amount(cents: int) -> str:
    return f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d}"


def write_export(path: Path, count: int) -> None:
    """The accounting program's export of `count` rows: a title, a blank line, the header, the rows, a total."""
    accounts = {line: account for line, account, *_ in LINES}
    with path.open("w", encoding=ENCODING, newline="") as out:
        out.write("Išlaidų žurnalas 2024–2025 m.\r\n\r\n")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows((f"{r.day:%Y.%m.%d}", r.document, r.reference, r.partner, r.supplier, r.description,
                          _amount(r.gross_cents), _amount(r.vat_cents), r.currency, accounts[r.line],
                          f"{r.paid:%Y-%m-%d}") for r in rows(count))
        writer.writerow(("", "", "", "", "", "Iš viso:", "", "", "", "", ""))


def project_file(count: int) -> str:
    """The project's TOML, its budget about a tenth above what `count` rows spend (so no line is overspent)."""
    share = sum(PARTNER_WEIGHTS)
    weight = sum(w for _, _, w, *_ in LINES)
    parts = ["[project]", f'code = "{CODE}"', 'title = "Bibliotekos be sienų / Bibliotēkas bez robežām"',
             "start = 2024-01-01", "end = 2025-12-31", 'template = "interreg-lv-lt-2014-2020"',
             'contract_number = "LLI-999/2024"', ""]
    for code, name, country, *_ in PARTNERS:
        role = "lead" if code == "LP" else "partner"
        parts += ["[[partners]]", f'code = "{code}"', f'name = "{name}"', f'country = "{country}"',
                  f'role = "{role}"', ""]
    funders = [("ERDF", "Europos regioninės plėtros fondas", "eu"),
               ("LT-STATE", "Lietuvos Respublikos valstybės biudžetas", "state"),
               ("LV-STATE", "Latvijas Republikas valsts budžets", "state")]
    funders += [(municipality, name, "municipality") for *_, municipality, name in PARTNERS]
    for code, name, kind in funders:
        parts += ["[[funders]]", f'code = "{code}"', f'name = "{name}"', f'kind = "{kind}"', ""]
    for (code, _, _, state, state_share, municipality, _), partner_weight in zip(PARTNERS, PARTNER_WEIGHTS):
        budget = {line: max(100_00, count * partner_weight * w * (low + high) // 2 // share // weight * 11 // 10)
                  // 100_00 * 100_00 for line, _, w, low, high in LINES}
        budget["OFFICE"] = budget["STAFF"] * FLAT_RATE_PERCENT // 100 // 100 * 100
        cap = sum(budget.values()) * 85 // 100 // 100 * 100
        parts += ["[[funding]]", f'partner = "{code}"', 'funder = "ERDF"', "share = 85", 'rounding = "down"',
                  f"cap = {cap // 100}.{cap % 100:02d}", "",
                  "[[funding]]", f'partner = "{code}"', f'funder = "{state}"', f"share = {state_share}", "",
                  "[[funding]]", f'partner = "{code}"', f'funder = "{municipality}"',
                  f"share = {100 - 85 - Decimal(state_share)}", "residual = true", ""]
        for line, amount in budget.items():
            parts += ["[[budget]]", f'partner = "{code}"', f'line = "{line}"',
                      f"amount = {amount // 100}.{amount % 100:02d}", ""]
    parts += ["[[periods]]", "number = 1", "start = 2024-01-01", "end = 2024-12-31", "",
              "[[periods]]", "number = 2", "start = 2025-01-01", "end = 2025-12-31", ""]
    return "\n".join(parts)


def prepare(store: Store, folder: Path, count: int) -> None:
    """The project (sized for `count` rows) and the złoty's monthly rates, into an empty database."""
    path = folder / f"project-{count}.toml"
    path.write_text(project_file(count), encoding="utf-8")
    load_project_file(store, path)
    for month, rate in PLN_RATES.items():
        set_rate(store, "PLN", month, rate, "bench")


def import_export(store: Store, export: Path) -> ImportResult:
    """The export imported into the prepared project, as an accountant would do it."""
    return import_file(store, CODE, export, MAPPING)
