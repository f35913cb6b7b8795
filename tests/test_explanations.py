"""Variances a funder wants explained: a budget line's from its budget, an activity's from its plan for a year; kept per
period, checked, and shown in the report."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import row_counts
from reporter import cli
from reporter.domain.errors import Conflict, ValidationError
from reporter.services.checks import check_project
from reporter.services.expenditures import add_expenditure
from reporter.services.explanations import explain, list_explanations
from reporter.services.projects import load_project_file
from reporter.services.reports import report_data, submit_period, write_report

GRANT = """\
[project]
code = "FND-1"
title = "Skaitmeninis raštingumas"
start = 2024-01-01
end = 2024-12-31
currency = "EUR"
template = "foundation-budget-vs-actual"

[[partners]]
code = "LIB"
name = "Utenos A. ir M. Miškinių viešoji biblioteka"
role = "lead"

[[funders]]
code = "FOUND"
name = "Fondas"
kind = "foundation"

[[funding]]
funder = "FOUND"
share = 100

[[budget]]
partner = "LIB"
line = "TRAVEL"
amount = 1000.00

[[budget]]
partner = "LIB"
line = "PROGRAMME"
amount = 5000.00

[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31
"""


@pytest.fixture
def grant(store, tmp_path):
    path = tmp_path / "grant.toml"
    path.write_text(GRANT, encoding="utf-8")
    load_project_file(store, path)
    for line, gross in (("TRAVEL", "750.00"), ("PROGRAMME", "4800.00")):
        add_expenditure(store, "FND-1", {"partner": "LIB", "line": line, "date": "2024-05-06", "document": f"SF-{line}",
                                         "supplier": "UAB Kelionė", "gross": gross, "paid": "2024-05-10"})
    return "FND-1"


def variances(store):
    return [f.message for f in check_project(store, "FND-1").findings if f.rule == "variance"]


def test_variance__over_the_threshold_wants_an_explanation_and_one_given_is_in_the_report(store, grant):
    assert variances(store) == ["LIB TRAVEL: 750.00 spent against a budget of 1000.00 (-25.0 %); the funder wants a "
                                "difference of more than 10 % explained in the report of period 1"]  # PROGRAMME -4 %
    explain(store, grant, 1, "TRAVEL", "  The summer trip was shared with the county library.  ")
    assert variances(store) == []
    data, _ = report_data(store, grant, 1, lang="en", today=date(2025, 1, 15))
    budget = next(t for t in data.tables if t.key == "budget")
    travel = next(row for row in budget.rows if row.cells[0] == "Travel")
    assert travel.cells[-1] == "The summer trip was shared with the county library."
    assert [c.key for c in budget.columns][:4] == ["line", "budget", "this_period", "actual"]


def test_variance__an_interim_period_is_judged_only_on_a_line_already_above_its_budget(store, tmp_path):
    path = tmp_path / "grant.toml"
    path.write_text(GRANT.replace(
        "[[periods]]\nnumber = 1\nstart = 2024-01-01\nend = 2024-12-31",
        "[[periods]]\nnumber = 1\nstart = 2024-01-01\nend = 2024-06-30\n\n"
        "[[periods]]\nnumber = 2\nstart = 2024-07-01\nend = 2024-12-31"), encoding="utf-8")
    load_project_file(store, path)
    for line, gross in (("TRAVEL", "1200.00"), ("PROGRAMME", "800.00")):
        add_expenditure(store, "FND-1", {"partner": "LIB", "line": line, "date": "2024-05-06", "document": f"SF-{line}",
                                         "supplier": "UAB Kelionė", "gross": gross, "paid": "2024-05-10"})
    interim = [f.message for f in check_project(store, "FND-1", period=1).findings if f.rule == "variance"]
    assert interim == ["LIB TRAVEL: 1200.00 spent against a budget of 1000.00 (20.0 %); the funder wants a "
                       "difference of more than 10 % explained in the report of period 1"]
    final = [f.message for f in check_project(store, "FND-1", period=2).findings if f.rule == "variance"]
    assert len(final) == 2 and "PROGRAMME: 800.00 spent against a budget of 5000.00 (-84.0 %)" in final[0]


def test_explain__empty_text_removes_it_and_a_submitted_period_keeps_its_own(store, grant):
    explain(store, grant, 1, "TRAVEL", "Shared trip.")
    explain(store, grant, 1, "TRAVEL", "")
    assert list_explanations(store, grant) == []
    explain(store, grant, 1, "TRAVEL", "Shared trip.")
    submit_period(store, grant, 1, today=date(2025, 1, 15))
    before = row_counts(store)
    with pytest.raises(Conflict, match="period 1 is submitted"):
        explain(store, grant, 1, "TRAVEL", "Another story.")
    assert row_counts(store) == before


@pytest.mark.parametrize("args, message", [
    ((7, "TRAVEL", "x"), "period: FND-1 has no reporting period 7"),
    ((1, "CATERING", "x"), "line: unknown budget line 'CATERING' in FND-1"),
    ((1, "TRAVEL", "ž" * 1001), "text: "),
])
def test_explain__bad_input_is_named_and_nothing_is_saved(store, grant, args, message):
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        explain(store, grant, *args)
    assert message in str(raised.value)
    assert row_counts(store) == before


def test_explain_command__keeps_and_lists(tmp_path, capsys):
    path = tmp_path / "grant.toml"
    path.write_text(GRANT, encoding="utf-8")
    database = str(tmp_path / "db.sqlite3")
    assert cli.main(["--db", database, "load", str(path)]) == 0
    assert cli.main(["--db", database, "explain", "--project", "FND-1", "--period", "1", "--line", "TRAVEL",
                     "--text", "Kelionė atšaukta dėl oro sąlygų."]) == 0
    capsys.readouterr()
    assert cli.main(["--db", database, "explain", "--project", "FND-1"]) == 0
    assert "Kelionė atšaukta dėl oro sąlygų." in capsys.readouterr().out
    assert cli.main(["--db", database, "explain", "--project", "FND-1", "--text", "x"]) == cli.EXIT_USER_ERROR
    assert "period: is required" in capsys.readouterr().err


def test_window__the_checks_explain_a_variance_into_the_report(grant, store):
    import gc

    from reporter.gui.app import ReporterWindow

    window = ReporterWindow(store, "lt")
    try:
        window.update()
        checks = window.checks
        checks.refresh()
        rows = list(checks.table.get_children())
        [variance] = [i for i in rows if checks.findings[int(i)].rule == "variance"]
        assert str(checks.explain_button.cget("state")) == "disabled"
        checks.table.selection_set(variance)
        checks.show_records()
        assert str(checks.explain_button.cget("state")) == "normal"
        checks.explain("Vasaros kelionė surengta kartu su apskrities biblioteka.")
        assert not any(checks.findings[int(i)].rule == "variance" for i in checks.table.get_children())
        assert checks.explain_status.cget("text").startswith("TRAVEL paaiškinimas išsaugotas 1 laikotarpio")
    finally:
        window.destroy()
        gc.collect()
    assert [x.text for x in list_explanations(store, grant)] == ["Vasaros kelionė surengta kartu su apskrities "
                                                                 "biblioteka."]


# An association's activity plan: a year's spending on an activity against its plan, explained per activity

PLAN = """\
[project]
code = "PLAN-X"
title = "Draugijos veiklos planas"
start = 2024-01-01
end = 2025-12-31
currency = "EUR"
template = "multi-year-plan"

[[partners]]
code = "LBD"
name = "Lietuvos bibliotekininkų draugija"
role = "lead"

[[funders]]
code = "KM"
name = "Kultūros ministerija"
kind = "state"

[[funders]]
code = "OWN"
name = "Nuosavos lėšos"
kind = "own"

[[funding]]
funder = "KM"
share = 80
rounding = "down"

[[funding]]
funder = "OWN"
share = 20
residual = true

[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31

[[periods]]
number = 2
start = 2025-01-01
end = 2025-12-31

[[activities]]
code = "A1"
title = "Seminarai"

[[activities.planned]]
year = 2024
amount = 1000.00
line = "EVENTS"

[[activities.planned]]
year = 2025
amount = 1000.00
line = "EVENTS"

[[activities]]
code = "A2"
title = "Leidinys"

[[activities.planned]]
year = 2024
amount = 2000.00
line = "PUBLICATIONS"
"""


@pytest.fixture
def plan(store, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    load_project_file(store, path)
    for activity, line, day, gross in (("A1", "EVENTS", "2024-04-10", "700.00"),
                                       ("A2", "PUBLICATIONS", "2024-11-05", "1950.00"),
                                       ("A1", "EVENTS", "2025-03-12", "1150.00")):
        add_expenditure(store, "PLAN-X", {"partner": "LBD", "line": line, "date": day, "activity": activity,
                                          "document": f"SF-{day}", "supplier": "UAB Renginiai", "gross": gross,
                                          "paid": day})
    return "PLAN-X"


def plan_variances(store, period):
    return [f.message for f in check_project(store, "PLAN-X", period=period).findings if f.rule == "variance"]


def test_plan_variance__an_activitys_year_off_its_plan_is_explained_per_activity_into_the_plan_table(store, plan):
    # 2024: A1 30 % under its plan once the year is closed; A2 2.5 % under; no budget line is asked about
    assert plan_variances(store, 1) == ["A1 2024: 700.00 spent against a plan of 1000.00 (-30.0 %); the funder "
                                        "wants a difference of more than 10 % explained in the report of period 1"]
    kept = explain(store, plan, 1, None, "  Du seminarai iš keturių atidėti į kitus metus.  ", activity="A1")
    assert (kept.partner, kept.line, kept.activity) == ("LBD", None, "A1")
    assert plan_variances(store, 1) == []
    # 2025: A1 15 % over its plan, judged in the report of period 2 (2024 was judged in its own)
    assert plan_variances(store, 2) == ["A1 2025: 1150.00 spent against a plan of 1000.00 (15.0 %); the funder "
                                        "wants a difference of more than 10 % explained in the report of period 2"]
    explain(store, plan, 2, None, "Atidėti seminarai surengti 2025 m.", activity="A1")
    assert plan_variances(store, 2) == []

    data, _ = report_data(store, plan, 2, lang="en", today=date(2026, 1, 15))
    for key, activity_text in (("plan_2024", "Du seminarai iš keturių atidėti į kitus metus."),
                               ("plan_2025", "Atidėti seminarai surengti 2025 m.")):
        table = next(t for t in data.tables if t.key == key)
        assert [c.key for c in table.columns] == ["source", "planned", "actual", "deviation", "explanation"]
        subtotals = [r.cells for r in table.rows if r.kind == "subtotal"]
        assert subtotals[0] == ("Subtotal", None, None, None, activity_text)  # A1's, beside its deviation
    assert [x.activity for x in list_explanations(store, plan)] == ["A1", "A1"]


def test_plan_variance__a_year_not_closed_by_the_period_is_judged_only_above_its_plan(store, tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.replace("[[periods]]\nnumber = 1\nstart = 2024-01-01\nend = 2024-12-31",
                                 "[[periods]]\nnumber = 1\nstart = 2024-01-01\nend = 2024-06-30\n\n"
                                 "[[periods]]\nnumber = 3\nstart = 2024-07-01\nend = 2024-12-31"), encoding="utf-8")
    load_project_file(store, path)
    add_expenditure(store, "PLAN-X", {"partner": "LBD", "line": "EVENTS", "date": "2024-04-10", "activity": "A1",
                                      "document": "SF-1", "supplier": "UAB Renginiai", "gross": "1200.00",
                                      "paid": "2024-04-10"})
    assert plan_variances(store, 1) == ["A1 2024: 1200.00 spent against a plan of 1000.00 (20.0 %); the funder "
                                        "wants a difference of more than 10 % explained in the report of period 1"]
    # A2 has spent nothing of 2024's 2000.00 yet: judged once a period closes the year


def test_plan_variance__the_workbook_and_the_pdf_show_the_explanation(store, plan, tmp_path):
    from openpyxl import load_workbook

    from test_reports import pdf_text

    explain(store, plan, 1, None, "Du seminarai atidėti.", activity="A1")
    xlsx, pdf = write_report(store, plan, 1, tmp_path, lang="lt", today=date(2025, 1, 15), formats=["xlsx", "pdf"])
    sheet = next(s for s in load_workbook(xlsx.path).worksheets if str(s["A1"].value).endswith(": 2024"))
    header = [c.value for c in sheet[2]]
    column = header.index("Paaiškinimas") + 1
    [row] = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, column).value == "Du seminarai atidėti."]
    assert sheet.cell(row, 1).value == "Tarpinė suma" and sheet.cell(row, column).alignment.wrap_text
    assert not sheet.column_dimensions[sheet.cell(2, column).column_letter].hidden  # filled by a subtotal row only
    assert "Du seminarai atidėti." in pdf_text(pdf.path)


@pytest.mark.parametrize("line, activity, message", [
    (None, None, "line: name the budget line or the activity the explanation is about (one of them)"),
    ("EVENTS", "A1", "line: name the budget line or the activity the explanation is about (one of them)"),
    (None, "A9", "activity: unknown activity 'A9' in PLAN-X (known: A1, A2)"),
])
def test_explain__an_activity_unknown_or_given_with_a_line_is_refused_and_nothing_is_saved(store, plan, line,
                                                                                             activity, message):
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        explain(store, plan, 1, line, "x", activity=activity)
    assert message in str(raised.value)
    assert row_counts(store) == before


def test_explain_command__an_activity(tmp_path, capsys):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    database = str(tmp_path / "db.sqlite3")
    assert cli.main(["--db", database, "load", str(path)]) == 0
    assert cli.main(["--db", database, "explain", "--project", "PLAN-X", "--period", "1", "--activity", "A2",
                     "--text", "Leidinys išleistas mažesniu tiražu."]) == 0
    assert "Kept the explanation of A2 in period 1 (LBD)" in capsys.readouterr().out
    assert cli.main(["--db", database, "explain", "--project", "PLAN-X"]) == 0
    assert ["1", "LBD", "A2", "Leidinys", "išleistas", "mažesniu", "tiražu."] in [
        line.split() for line in capsys.readouterr().out.splitlines()]
    assert cli.main(["--db", database, "explain", "--project", "PLAN-X", "--period", "1", "--text", "x"]) == \
        cli.EXIT_USER_ERROR
    assert "line: name the budget line or the activity" in capsys.readouterr().err


def test_window__the_checks_explain_an_activitys_deviation_from_its_plan(plan, store):
    import gc

    from reporter.gui.app import ReporterWindow

    window = ReporterWindow(store, "lv")
    try:
        window.update()
        checks = window.checks
        checks.refresh()
        [variance] = [i for i in checks.table.get_children() if checks.findings[int(i)].rule == "variance"]
        checks.table.selection_set(variance)
        checks.show_records()
        assert str(checks.explain_button.cget("state")) == "normal"
        checks.explain("Otrais seminārs pārcelts uz nākamo gadu.")
        assert checks.explain_status.cget("text").startswith("A1 paskaidrojums saglabāts 2. perioda")
    finally:
        window.destroy()
        gc.collect()
    assert [(x.period, x.activity, x.text) for x in list_explanations(store, plan)] == [
        (2, "A1", "Otrais seminārs pārcelts uz nākamo gadu.")]
