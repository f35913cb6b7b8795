"""Budget variances a funder wants explained: kept per period and line, checked, and shown in the report."""

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
from reporter.services.reports import report_data, submit_period

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
