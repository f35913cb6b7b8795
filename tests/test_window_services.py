"""The services behind the window's new views: the budget grid, derived fields of the form, rates, attachments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import SMALL_PROJECT, expense
from reporter.services.projects import load_project_file

SPLIT_BY_YEAR = SMALL_PROJECT.replace('''[[budget]]
partner = "LP"
line = "STAFF"
amount = 40000.00
''', '''[[budget]]
partner = "LP"
line = "STAFF"
amount = 25000.00
year = 2024

[[budget]]
partner = "LP"
line = "STAFF"
amount = 15000.00
year = 2025
''')


def load(store, tmp_path, text=SMALL_PROJECT):
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return load_project_file(store, path).code


def test_budget_grid__a_line_split_by_year_has_a_row_a_year_and_the_line_is_the_engines(store, tmp_path):
    from reporter.services.budget_grid import budget_grid, set_approved
    from reporter.services.checks import gather_financing
    from reporter.services.expenditures import add_expenditure

    code = load(store, tmp_path, SPLIT_BY_YEAR)
    add_expenditure(store, code, expense(date="2024-03-05", gross="1000.00", vat="0"))
    add_expenditure(store, code, expense(date="2025-02-05", gross="300.00", vat="0", document="B"))
    grid = budget_grid(store, code, 2)
    [staff] = [r for r in grid.partners[0].children if r.line == "STAFF"]
    _, financing, _ = gather_financing(store, code)
    assert staff.to_date == financing["LP"].line_totals(2)["STAFF"] == Decimal("1300.00")
    assert not staff.editable
    assert [(r.year, r.approved, r.to_date, r.this_period) for r in staff.children] == [
        (2024, Decimal("25000.00"), Decimal("1000.00"), Decimal("0.00")),
        (2025, Decimal("15000.00"), Decimal("300.00"), Decimal("300.00"))]
    set_approved(store, code, "LP", "STAFF", "16000.00", year=2025)
    assert {(b.year, b.amount) for b in store.projects.definition(code).budget if b.line == "STAFF"} == {
        (2024, Decimal("25000.00")), (2025, Decimal("16000.00"))}
    assert grid.total.approved == Decimal("45000.00")


def test_entry__which_values_of_a_saved_expenditure_were_derived(store, tmp_path):
    from reporter.services.entry import auto_fields, entry_state
    from reporter.services.expenditures import add_expenditure
    from reporter.services.rates import add_rate

    code = load(store, tmp_path)
    derived = add_expenditure(store, code, expense(gross="456.78", vat="0"))
    assert auto_fields(store, code, derived) == {"eligible", "currency", "rate", "project_rate", "period"}
    typed = add_expenditure(store, code, expense(gross="456.78", vat="0", eligible="400.00", period="1",
                                                 document="T"))
    assert auto_fields(store, code, typed) == {"currency", "rate", "project_rate", "period"}  # period 1 is the date's
    add_rate(store, "PLN", "2024-03", "4.3000")
    state = entry_state(store, code, expense(currency="pln", gross="1000.00", vat="0", document="F"))
    assert (state.derived["rate"], state.derived["eligible"], state.needs_rate) == ("4.3000", "1000.00", True)
    assert state.expenditure is not None and state.expenditure.eligible_project_currency == Decimal("232.56")
    half = entry_state(store, code, {"partner": "LP", "line": "STAFF", "date": "2024-03-05", "currency": "PLN"})
    assert half.expenditure is None and half.derived["rate"] == "4.3000" and half.derived["period"] == "1"


def test_rates__a_csv_file_with_semicolons_decimal_commas_and_a_header(store, tmp_path):
    from reporter.domain.errors import ValidationError
    from reporter.services.rates import import_rates_csv, list_rates

    path = tmp_path / "rates.csv"
    path.write_text("\ufeffValiuta;Mėnuo;Kursas\nPLN;2024-03;4,3000\n\nSEK;2024-03;11,2\n", encoding="utf-8")
    result = import_rates_csv(store, path)
    assert [(r.currency, r.month, r.rate, r.source) for r in result.rates] == [
        ("PLN", "2024-03", Decimal("4.3000"), "rates.csv"), ("SEK", "2024-03", Decimal("11.2"), "rates.csv")]
    assert result.changed == 2 and import_rates_csv(store, path).changed == 0
    path.write_text("LTL,2024-03,3.4528\nXYZ,2024-03,1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        import_rates_csv(store, path)
    assert [p.where for p in refused.value.problems] == ["rates.csv:1", "rates.csv:2"]
    assert len(list_rates(store)) == 2


def test_attachments__kept_once_under_the_hash_and_found_missing_or_changed(tmp_path):
    from reporter.domain.attachments import kept_file
    from reporter.services.attachments import CHANGED, MISSING, keep_file, state_of
    from reporter.store import Store

    store = Store.open(tmp_path / "db.sqlite3")
    try:
        scan = tmp_path / "scan; 17.JPG"
        scan.write_bytes(b"\xff\xd8 a scan")
        reference = keep_file(store, scan)
        assert reference == keep_file(store, scan)  # the same content is kept once
        kept = kept_file(reference)
        assert kept.name == "scan, 17.JPG" and kept.stored_name.endswith(".jpg")
        stored = tmp_path / "attachments" / kept.stored_name
        assert stored.read_bytes() == scan.read_bytes() and state_of(store, reference) is None
        stored.write_bytes(b"other")
        assert state_of(store, reference) == CHANGED
        stored.unlink()
        assert state_of(store, reference) == MISSING
        assert state_of(store, "paper archive, box 3") is None  # free text is only shown
    finally:
        store.close()
