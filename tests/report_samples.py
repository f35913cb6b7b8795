"""A report data set like the builders make, for testing the renderers on their own."""

from datetime import date
from decimal import Decimal

from reporter.reports.model import (
    DATA,
    DATE,
    GROUP,
    MONEY,
    PERCENT,
    SUBTOTAL,
    TEXT,
    Column,
    FindingLine,
    ReportData,
    Row,
    Table,
)

SUPPLIERS = ["UAB „Žalia knyga“", 'SIA "Jelgavas tipogrāfija"', "AB Lietuvos geležinkeliai", "=HYPERLINK(\"http://x\")",
             "+370 600 00000", "Ąžuolų gatvės spaustuvė ĄČĘĖĮŠŲŪŽ", "Rīgas viesnīca āčēģīķļņšūž"]


def sample_report(lang: str = "lt", expenditure_rows: int = 120) -> ReportData:
    words = {
        "en": ("Partner progress report", "Budget line", "Approved budget", "This period", "Total so far", "% used",
               "Total", "Subtotal", "Page {page} of {pages}", "Findings", "No open findings.", "Signatures",
               ("Name, surname", "Position", "Date", "Signature"), "Error", "Warning"),
        "lt": ("Partnerio pažangos ataskaita", "Biudžeto eilutė", "Patvirtintas biudžetas", "Šis laikotarpis",
               "Iš viso iki šiol", "Panaudota %", "Iš viso", "Tarpinė suma", "Puslapis {page} iš {pages}",
               "Patikrų radiniai", "Atvirų radinių nėra.", "Parašai",
               ("Vardas, pavardė", "Pareigos", "Data", "Parašas"), "Klaida", "Įspėjimas"),
        "lv": ("Partnera progresa ziņojums", "Budžeta pozīcija", "Apstiprinātais budžets", "Šis periods",
               "Kopā līdz šim", "Izlietots %", "Kopā", "Starpsumma", "Lapa {page} no {pages}", "Konstatējumi",
               "Atklātu konstatējumu nav.", "Paraksti", ("Vārds, uzvārds", "Amats", "Datums", "Paraksts"),
               "Kļūda", "Brīdinājums"),
    }[lang]
    (title, line_label, approved, this_period, so_far, used, total, subtotal, page, findings_title, no_findings,
     signatures, signature_fields, error, warning) = words
    overview = Table(
        key="overview", title=line_label,
        columns=(Column("line", line_label, TEXT, 3), Column("approved", approved, MONEY, 1.4, total=True),
                 Column("period", this_period, MONEY, 1.4, total=True), Column("so_far", so_far, MONEY, 1.4, total=True),
                 Column("used", used, PERCENT, 1)),
        rows=(Row(("Personalo išlaidos", Decimal("48000.00"), Decimal("12611.00"), Decimal("58950.71"), Decimal("122.81"))),
              Row(("Kelionių ir apgyvendinimo išlaidos", Decimal("6500.00"), Decimal("263449.92"), Decimal("263449.92"),
                   Decimal("4053.08"))),
              Row(("Įrangos išlaidos", Decimal("12000.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00")))),
        total_label=total, note="")
    rows = []
    for line_no, line in enumerate(("Personalo išlaidos", "Kelionių ir apgyvendinimo išlaidos")):
        rows.append(Row((line,) + (None,) * 6, GROUP))
        for i in range(expenditure_rows // 2):
            n = line_no * 1000 + i + 1
            rows.append(Row((n, date(2024, 1 + i % 12, 1 + i % 28), f"SF-2024/{n:04d}",
                             SUPPLIERS[i % len(SUPPLIERS)],
                             "Komandiruotė į Jelgavą ir atgal; nakvynė viešbutyje „Rīga“" if i % 3 == 0 else "Knygos",
                             Decimal(f"{(i * 37) % 5000}.{i % 100:02d}"), Decimal(f"{(i * 37) % 5000}.{i % 100:02d}")),
                            DATA))
        rows.append(Row((subtotal,) + (None,) * 6, SUBTOTAL))
    expenditures = Table(
        key="expenditure", title="Išlaidų sąrašas" if lang == "lt" else "Expenditure",
        columns=(Column("no", "Nr.", TEXT, 0.6), Column("date", "Data", DATE, 1), Column("doc", "Dokumentas", TEXT, 1.3),
                 Column("supplier", "Tiekėjas", TEXT, 2.2), Column("description", "Aprašymas", TEXT, 3),
                 Column("gross", "Bendra suma", MONEY, 1.2, total=True),
                 Column("eur", "EUR", MONEY, 1.2, total=True)),
        rows=tuple(rows), total_label=total)
    return ReportData(
        template="interreg-lv-lt-2014-2020", lang=lang, title=title, subtitle="LLI-537 · Laikotarpis 4",
        currency="EUR",
        header=(("Projektas", "LLI-537 Bibliotekos be sienų / Bibliotēkas bez sienām"),
                ("Partneris", "Šiaulių apskrities Povilo Višinskio viešoji biblioteka"),
                ("Finansuotojas", "Europos regioninės plėtros fondas"), ("Sutarties Nr.", "LLI-537/2023/17"),
                ("Laikotarpis", "4: 2025-07-01 – 2025-12-31")),
        tables=(overview, expenditures),
        findings_title=findings_title,
        findings=(FindingLine("error", error, "budget-line", "PP3 EXTERNAL: 3225.52 spent against 2500.00",
                              "#1, #36"),
                  FindingLine("warning", warning, "eligibility", "2 išlaidos neapmokėtos", "")),
        no_findings=no_findings, signature_title=signatures, signature_fields=signature_fields,
        page_label=page, author="Grant Reporter", orientation="landscape",
        labels={"generated": "Parengta", "date_format": {"en": "dd/MM/yyyy", "lt": "yyyy-MM-dd", "lv": "dd.MM.yyyy."}[lang]},
        identifier=f"LLI-537-P4-LP-interreg-lv-lt-2014-2020-{lang}",
        page_context="LLI-537 · Laikotarpis 4: 2025-07-01 – 2025-12-31 · LP Šiaulių apskrities Povilo Višinskio viešoji "
                     "biblioteka",
    )
