"""Plans, budgets and exchange rates from spreadsheets: one step, checked as a project file is, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import row_counts
from reporter.domain.money import ZERO
from reporter.importers.mapping import ImportMapping
from reporter.reports.model import DATA
from reporter.services.currency import list_rates
from reporter.services.imports import import_file, preview_file
from reporter.services.projects import load_project_file, project_definition
from reporter.services.reports import report_data

PLAN_PROJECT = """\
[project]
code = "LBD-2025-2027"
title = "Lietuvos bibliotekininkų draugijos 2025–2027 m. veiklos planas"
start = 2025-01-01
end = 2027-12-31
template = "multi-year-plan"

[[partners]]
code = "LBD"
name = "Lietuvos bibliotekininkų draugija"
role = "lead"

[[funders]]
code = "KM"
name = "Lietuvos Respublikos kultūros ministerija"
kind = "state"

[[funders]]
code = "VMS"
name = "Vilniaus miesto savivaldybė"
kind = "municipality"

[[funders]]
code = "NUOSAVOS"
name = "Nario mokesčiai ir nuosavos lėšos"
kind = "own"

[[funding]]
funder = "KM"
share = 70

[[funding]]
funder = "VMS"
share = 20

[[funding]]
funder = "NUOSAVOS"
share = 10
residual = true

[[periods]]
number = 1
start = 2025-01-01
end = 2025-12-31

[[periods]]
number = 2
start = 2026-01-01
end = 2026-12-31

[[periods]]
number = 3
start = 2027-01-01
end = 2027-12-31
"""

TOPICS = ["Seminarai bibliotekininkams regionuose", "Bibliotekų savaitė", "Konkursas „Metų bibliotekininkas“",
          "Metraštis „Bibliotekininkų balsas“", "IFLA narystė", "EBLIDA narystė", "Vaikų skaitymo skatinimas",
          "Skaitmeninio raštingumo kursai", "Kraštotyros konferencija", "Jaunųjų bibliotekininkų forumas",
          "Knygų mugė", "Bibliotekų naktis", "Leidinys apie bibliotekų istoriją", "Interneto svetainė",
          "Socialinių tinklų kampanija", "Mokymai apie autorių teises", "Senjorų skaitymo klubai",
          "Mobilioji biblioteka", "Nacionalinė bibliotekininkų diena", "Stažuotės užsienyje", "Narių suvažiavimas",
          "Valdybos posėdžiai", "Draugijos administravimas"]


def plan_rows() -> list[tuple[str, str, str, list[Decimal]]]:
    """(code, title, sources, amounts 2025–2027) per sheet row: several rows (one per source) for most activities;
    an activity naming one source, or several without a split, has one row."""
    rows = []
    for i, topic in enumerate(TOPICS, 1):
        code, base = f"{(i - 1) // 8 + 1}.{(i - 1) % 8 + 1}", Decimal(1000 + 137 * i)
        years = [base, base + 100, base + 250]
        if i % 4 == 0:
            rows.append((code, topic, "KM, NUOSAVOS", years))  # named, no split: unassigned
        elif i % 4 == 1:
            rows.append((code, topic, "VMS", years))  # one source named: it is that source's
        else:
            rows.append((code, topic, "KM", [y * Decimal("0.7") for y in years]))
            rows.append(("", "", "NUOSAVOS", [y * Decimal("0.3") for y in years]))
    return rows


def plan_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Planas"
    sheet["A1"] = "Lietuvos bibliotekininkų draugijos 2025–2027 m. veiklos planas"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Nr.", "Veiklos pavadinimas", "Finansavimo šaltinis", "2025 m.", "2026 m.", "2027 m."])
    for code, title, sources, years in plan_rows():
        sheet.append([code or None, title or None, sources, *(float(y) for y in years)])
    sheet.append(["Iš viso:", None, None, "=SUM(D4:D40)", "=SUM(E4:E40)", "=SUM(F4:F40)"])
    book.save(path)
    return path


PLAN_MAPPING = ImportMapping(what="plan", columns={"code": "Nr.", "title": "Veiklos pavadinimas",
                                                   "funder": "Finansavimo šaltinis", "amount:2025": "2025 m.",
                                                   "amount:2026": "2026 m.", "amount:2027": "2027 m."})


@pytest.fixture
def plan_project(store, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN_PROJECT, encoding="utf-8")
    return load_project_file(store, path).code


def test_plan__the_associations_2025_2027_plan_of_23_activities_in_one_step_with_its_year_totals_in_the_report(
        store, plan_project, tmp_path):
    path = plan_workbook(tmp_path / "planas.xlsx")
    preview = preview_file(path, ImportMapping(what="plan"))
    assert {k: v for k, v in preview.suggested.items() if k.startswith("amount:")} == {
        "amount:2025": "2025 m.", "amount:2026": "2026 m.", "amount:2027": "2027 m."}
    result = import_file(store, plan_project, path, PLAN_MAPPING)
    assert (result.problems, result.refused, [s.reason for s in result.skipped]) == ([], False,
                                                                                     ["title", "blank", "totals"])
    definition = project_definition(store, plan_project)
    assert len(definition.activities) == 23
    assert definition.activities[0].title == "Seminarai bibliotekininkams regionuose"
    by_code = {a.code: a for a in definition.activities}
    assert {(p.year, p.funder) for p in by_code["1.1"].plan} == {(2025, "VMS"), (2026, "VMS"), (2027, "VMS")}
    assert {p.funder for p in by_code["1.4"].plan} == {None}  # two sources named, no split
    assert {p.funder for p in by_code["1.2"].plan} == {"KM", "NUOSAVOS"}
    expected = {year: sum((row[3][i] for row in plan_rows()), ZERO) for i, year in enumerate((2025, 2026, 2027))}
    assert {year: sum((p.amount for a in definition.activities for p in a.plan if p.year == year), ZERO)
            for year in expected} == expected

    data, _ = report_data(store, plan_project, 3, lang="lt")
    totals = {int(t.key.removeprefix("plan_")): sum(r.cells[1] for r in t.rows if r.kind == DATA)
              for t in data.tables if t.key.startswith("plan_")}
    assert totals == expected
    before = row_counts(store)
    assert import_file(store, plan_project, path, PLAN_MAPPING).changed == 0  # the same file again changes nothing
    assert row_counts(store) == before


def test_plan__long_layout_one_row_per_activity_year_and_source(store, plan_project, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("Veikla;Pavadinimas;Metai;Šaltinis;Suma\n"
                    "A1;Seminarai;2025;KM;1 000,00\n"
                    ";;2025;NUOSAVOS;250,00\n"
                    ";;2026;KM;1 100,00\n"
                    "A2;Leidinys;2026;;800,00\n", encoding="utf-8")
    mapping = ImportMapping(what="plan", columns={"code": "Veikla", "title": "Pavadinimas", "year": "Metai",
                                                  "funder": "Šaltinis", "amount": "Suma"})
    assert import_file(store, plan_project, path, mapping).problems == []
    plans = {a.code: [(p.year, p.funder, p.amount) for p in a.plan]
             for a in project_definition(store, plan_project).activities}
    assert plans == {"A1": [(2025, "KM", Decimal("1000.00")), (2025, "NUOSAVOS", Decimal("250.00")),
                            (2026, "KM", Decimal("1100.00"))],
                     "A2": [(2026, None, Decimal("800.00"))]}


def test_plan__problems_by_row_and_column_and_nothing_saved(store, plan_project, tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("Veikla;Pavadinimas;Metai;Šaltinis;Suma\n"
                    "A1;Seminarai;2025;KM;1 000,00\n"
                    "A2;Leidinys;2029;KM;800,00\n"
                    "A3;Forumas;2026;ES;100,00\n"
                    "A4;;2026;KM;1,000\n"
                    "A1;Seminarai;2025;KM;5,00\n", encoding="utf-8")
    mapping = ImportMapping(what="plan", columns={"code": "Veikla", "title": "Pavadinimas", "year": "Metai",
                                                  "funder": "Šaltinis", "amount": "Suma"})
    before = row_counts(store)
    result = import_file(store, plan_project, path, mapping)
    assert result.refused and row_counts(store) == before
    assert result.problem_lines() == [
        "row 3, column \"Metai\": 2029 is outside the project's years",
        "row 4, column \"Šaltinis\": unknown funder(s) ES (known: KM, VMS, NUOSAVOS)",
        "row 5, column \"Pavadinimas\": is required",
        "row 5, column \"Suma\": '1,000' is ambiguous (1000 or 1.000?): write 1000.00 for the first, or give at most "
        "two decimals",
        "row 6, column \"Suma\": A1 / 2025 / KM is already in row 2",
    ]
    valid = import_file(store, plan_project, path, mapping, mode="valid")
    assert [a.code for a in project_definition(store, plan_project).activities] == ["A1"]
    assert valid.imported == 1


def test_budget__partner_by_line_by_year_replaces_the_same_amounts_and_keeps_the_others(store, project, tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text("Partneris;Eilutė;2024 m.;2025 m.\nLP;STAFF;20 000,00;20 000,00\nPP2;TRAVEL;2 500,00;\n",
                    encoding="utf-8")
    mapping = ImportMapping(what="budget", columns={"partner": "Partneris", "line": "Eilutė",
                                                    "amount:2024": "2024 m.", "amount:2025": "2025 m."})
    result = import_file(store, project, path, mapping)
    assert result.problems == []
    budget = {(b.partner, b.line, b.year): b.amount for b in project_definition(store, project).budget}
    assert budget == {("LP", "STAFF", None): Decimal("40000.00"), ("PP2", "TRAVEL", None): Decimal("5000.00"),
                      ("LP", "STAFF", 2024): Decimal("20000.00"), ("LP", "STAFF", 2025): Decimal("20000.00"),
                      ("PP2", "TRAVEL", 2024): Decimal("2500.00")}
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Partneris;Eilutė;Suma\nLP;STAFF;100,00\nPP9;STAFF;5,00\n", encoding="utf-8")
    result = import_file(store, project, wrong, ImportMapping(what="budget", columns={
        "partner": "Partneris", "line": "Eilutė", "amount": "Suma"}))
    assert result.problem_lines() == ["row 3, column \"Partneris\": unknown partner 'PP9'"]


def test_rates__a_csv_of_monthly_rates(store, tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Valiuta;Mėnuo;Kursas\nUSD;2024-01;1,0905\nUSD;02.2024;1.0802\nPLN;2024.03;4,3150\n"
                    "GBP;2024-04-01;0,8571\n", encoding="utf-8")
    mapping = ImportMapping(what="rates", columns={"currency": "Valiuta", "month": "Mėnuo", "rate": "Kursas"},
                            constants={"source": "EC accounting rate"})
    result = import_file(store, None, path, mapping)
    assert (result.problems, result.imported, result.changed) == ([], 4, 4)
    assert [(r.currency, r.month, r.rate) for r in list_rates(store)] == [
        ("GBP", "2024-04", Decimal("0.8571")), ("PLN", "2024-03", Decimal("4.3150")),
        ("USD", "2024-01", Decimal("1.0905")), ("USD", "2024-02", Decimal("1.0802"))]
    assert import_file(store, None, path, mapping).changed == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("Valiuta;Mėnuo;Kursas\nXYZ;2024-01;1\nUSD;2024-13;1\nLTL;2024-01;3,4528\nUSD;2024-05;0\n",
                   encoding="utf-8")
    result = import_file(store, None, bad, mapping)
    assert result.refused
    assert [line.split(": ", 1)[0] for line in result.problem_lines()] == [
        'row 2, column "Valiuta"', 'row 3, column "Mėnuo"', 'row 4, column "Valiuta"', 'row 5, column "Kursas"']
