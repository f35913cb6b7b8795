"""Adding, editing, deleting and listing expenditure through the services."""

from decimal import Decimal

import pytest

from conftest import SMALL_PROJECT, expense, row_counts
from reporter.domain.errors import Conflict, NotFound, ValidationError
from reporter.domain.money import D
from reporter.services.currency import set_rate
from reporter.services.expenditures import (
    add_expenditure,
    delete_expenditure,
    edit_expenditure,
    get_expenditure,
    list_expenditures,
    suggest_suppliers,
)
from reporter.services.projects import load_project_file
from reporter.store.expenditures import ExpenditureQuery


def test_add__numbers_documents_and_puts_them_in_the_period_of_their_date(store, project):
    first = add_expenditure(store, project, expense(date="2024-03-05"))
    second = add_expenditure(store, project, expense(date="2024-08-01", document="SF-2024/0301"))
    assert (first.number, first.period) == (1, 1)
    assert (second.number, second.period) == (2, 2)
    assert get_expenditure(store, project, "2") == second


def test_add__counts_the_gross_when_the_partner_cannot_recover_vat(store, project):
    saved = add_expenditure(store, project, expense(partner="LP", gross="1 210,00", vat="210,00"))
    assert (saved.eligible, saved.eligible_project_currency) == (D("1210.00"), D("1210.00"))


def test_add__leaves_out_vat_the_partner_recovers(store, project):
    saved = add_expenditure(store, project, expense(partner="PP2", line="TRAVEL", gross="1 210,00", vat="210,00"))
    assert saved.eligible == D("1000.00")


def test_add__keeps_an_explicit_eligible_amount(store, project):
    saved = add_expenditure(store, project, expense(gross="1000", vat="0", eligible="600,50"))
    assert saved.eligible == D("600.50")


def test_add__converts_a_foreign_document_with_the_stored_rate_of_its_month(store, project):
    set_rate(store, "PLN", "2024-03", "4.3150")
    saved = add_expenditure(store, project, expense(currency="PLN", gross="1 234,56", vat="0"))
    assert (saved.rate, saved.eligible_project_currency) == (Decimal("4.3150"), D("286.11"))


def test_add__converts_litas_at_the_fixed_rate(store, project):
    saved = add_expenditure(store, project, expense(currency="LTL", gross="345,28", vat="0"))
    assert (saved.rate, saved.eligible_project_currency) == (Decimal("3.45280"), D("100.00"))


def test_add__keeps_a_given_rate_over_the_stored_one(store, project):
    set_rate(store, "PLN", "2024-03", "4.3150")
    saved = add_expenditure(store, project, expense(currency="PLN", gross="431.50", vat="0", rate="4,0000"))
    assert saved.eligible_project_currency == D("107.88")


def test_add__keeps_attachments_and_text_exactly(store, project):
    saved = add_expenditure(store, project, expense(attachments="sf-0117.pdf; akt-12.pdf", description="=SUM(A1)",
                                                    notes="+370 600 00000"))
    again = get_expenditure(store, project, str(saved.number))
    assert again.attachments == ("sf-0117.pdf", "akt-12.pdf")
    assert (again.description, again.notes) == ("=SUM(A1)", "+370 600 00000")


@pytest.mark.parametrize("fields, where, reason", [
    (expense(gross="1,210"), "gross", "ambiguous"),
    (expense(gross="12 EUR"), "gross", "not an amount"),
    (expense(vat="2000"), "vat", "not exceed"),
    (expense(gross="-100", vat="21"), "vat", "sign"),
    (expense(partner="PP9"), "partner", "unknown partner 'PP9'"),
    (expense(line="CATERING"), "line", "unknown budget line 'CATERING'"),
    (expense(activity="A9"), "activity", "unknown activity"),
    (expense(date="2026-01-15"), "date", "outside the project"),
    (expense(date="15.03.2024"), "date", "not a date"),
    (expense(period="7"), "period", "no reporting period 7"),
    (expense(currency="USD", vat="0"), "rate", "no USD rate for 2024-03"),
    (expense(currency="LTL", vat="0", rate="3.5"), "rate", "fixed euro rate"),
    (expense(rate="1.1"), "rate", "no rate is needed"),
    (expense(currency="XYZ"), "currency", "ISO 4217"),
    (expense(supplier="  "), "supplier", "is required"),
    ({**expense(), "colour": "red"}, "colour", "not an expenditure field"),
])
def test_add__refuses_bad_input_naming_the_field_and_writes_nothing(store, project, fields, where, reason):
    before = row_counts(store)
    with pytest.raises(ValidationError) as caught:
        add_expenditure(store, project, fields)
    assert any(p.where == where and reason in p.message for p in caught.value.problems), caught.value.problems
    assert row_counts(store) == before


TRIP = dict(travel_route="Vilnius–Rīga–Vilnius", travel_from="2024-03-04", travel_to="2024-03-06",
            travellers="Jonas Jonaitis, Ona Onaitė")


def test_add__keeps_a_payment_to_a_persons_document_and_a_trips_route_dates_and_persons(store, project):
    fee = add_expenditure(store, project, expense(person_document="IVP Nr. 1234567"))
    trip = add_expenditure(store, project, expense(line="TRAVEL", document="AA-3", **TRIP))
    again = get_expenditure(store, project, str(trip.number))
    assert get_expenditure(store, project, str(fee.number)).person_document == "IVP Nr. 1234567"
    assert (again.travel_route, again.travel_from.isoformat(), again.travel_to.isoformat(), again.travellers) == (
        "Vilnius–Rīga–Vilnius", "2024-03-04", "2024-03-06", "Jonas Jonaitis, Ona Onaitė")


def test_add__a_one_day_trip_ends_the_day_it_starts_and_persons_may_be_counted(store, project):
    saved = add_expenditure(store, project, expense(line="TRAVEL", travel_from="2024-03-04", travellers=" 03 "))
    assert (saved.travel_from.isoformat(), saved.travel_to.isoformat(), saved.travellers) == (
        "2024-03-04", "2024-03-04", "3")


def test_edit__empties_the_travel_details_it_is_given_empty(store, project):
    saved = add_expenditure(store, project, expense(line="TRAVEL", **TRIP))
    edited = edit_expenditure(store, project, str(saved.number), {key: "" for key in TRIP})
    assert (edited.travel_route, edited.travel_from, edited.travel_to, edited.travellers) == ("", None, None, "")


@pytest.mark.parametrize("fields, where, reason", [
    ({"travel_from": "2024-03-06", "travel_to": "2024-03-04"}, "travel_to",
     "the trip ends (2024-03-04) before it starts (2024-03-06)"),
    ({"travel_to": "2024-03-04"}, "travel_from", "is given without its first day"),
    ({"travel_from": "04.03.2024"}, "travel_from", "'04.03.2024' is not a date written YYYY-MM-DD"),
    ({"travel_from": "2024-02-30"}, "travel_from", "is not a date written YYYY-MM-DD"),
    ({"travel_to": "2101-01-01", "travel_from": "2024-03-04"}, "travel_to", "outside the dates the program takes"),
    ({"travellers": "0"}, "travellers", "neither the number of persons travelling (a whole number from 1 to 1000)"),
    ({"travellers": "2,5"}, "travellers", "neither the number of persons"),
    ({"travellers": "1001"}, "travellers", "neither the number of persons"),
    ({"travel_route": "Vilnius–" + "Kaunas–" * 40 + "Vilnius"}, "travel_route", "at most 200 fit"),
    ({"travel_route": "Vilnius\nKaunas"}, "travel_route", "control character"),
    ({"travellers": "Jonas Jonaitis, " * 40}, "travellers", "at most 500 fit"),
    ({"person_document": "IVP Nr. " + "1" * 100}, "person_document", "at most 100 fit"),
])
def test_add__refuses_bad_travel_and_person_details_naming_the_field_and_writes_nothing(store, project, fields,
                                                                                         where, reason):
    before = row_counts(store)
    with pytest.raises(ValidationError) as caught:
        add_expenditure(store, project, expense(line="TRAVEL", **fields))
    assert [p.where for p in caught.value.problems] == [where]
    assert reason in caught.value.problems[0].message, caught.value.problems
    assert row_counts(store) == before


def test_edit__a_trip_that_would_end_before_it_starts_is_refused_and_the_saved_one_stays(store, project):
    saved = add_expenditure(store, project, expense(line="TRAVEL", **TRIP))
    with pytest.raises(ValidationError, match="travel_to: the trip ends"):
        edit_expenditure(store, project, str(saved.number), {"travel_from": "2024-03-10"})
    assert get_expenditure(store, project, saved.id) == saved


def test_add__keeps_the_procurement_or_contract_reference_and_edit_changes_or_empties_it(store, project):
    saved = add_expenditure(store, project, expense(line="EQUIPMENT", procurement_ref=" VP-2024/07 "))
    assert get_expenditure(store, project, str(saved.number)).procurement_ref == "VP-2024/07"
    edited = edit_expenditure(store, project, str(saved.number), {"procurement_ref": "Sutartis Nr. 2024-15"})
    assert edited.procurement_ref == get_expenditure(store, project, saved.id).procurement_ref == "Sutartis Nr. 2024-15"
    assert edit_expenditure(store, project, saved.id, {"procurement_ref": ""}).procurement_ref == ""


@pytest.mark.parametrize("reference, reason", [
    ("Sutartis Nr. " + "1" * 88, "is 101 characters long; at most 100 fit"),
    ("VP-2024/07\nSutartis Nr. 15", "contains a control character"),
])
def test_add_and_edit__refuse_a_bad_procurement_reference_naming_the_field_and_write_nothing(store, project,
                                                                                             reference, reason):
    before = row_counts(store)
    with pytest.raises(ValidationError) as caught:
        add_expenditure(store, project, expense(procurement_ref=reference))
    assert [(p.where, reason in p.message) for p in caught.value.problems] == [("procurement_ref", True)]
    assert row_counts(store) == before
    saved = add_expenditure(store, project, expense(procurement_ref="VP-2024/07"))
    with pytest.raises(ValidationError, match=f"procurement_ref: {reason[:12]}"):
        edit_expenditure(store, project, saved.id, {"procurement_ref": reference, "gross": "2420.00"})
    assert get_expenditure(store, project, saved.id) == saved


def test_add__reports_all_problems_at_once(store, project):
    with pytest.raises(ValidationError) as caught:
        add_expenditure(store, project, expense(gross="1,210", line="CATERING", partner="X", paid="yesterday"))
    assert {p.where for p in caught.value.problems} == {"gross", "line", "partner", "paid"}


def test_add__to_an_unknown_project_is_refused(store, project):
    with pytest.raises(NotFound, match="no project with code 'LLI-999'"):
        add_expenditure(store, "LLI-999", expense())


def test_edit__changes_only_the_given_fields_and_rederives_the_rest(store, project):
    saved = add_expenditure(store, project, expense(partner="PP2", line="TRAVEL", gross="121.00", vat="21.00"))
    assert saved.eligible == D("100.00")
    edited = edit_expenditure(store, project, str(saved.number), {"gross": "242,00", "vat": "42,00",
                                                                  "date": "2024-09-10"})
    assert (edited.eligible, edited.period, edited.supplier) == (D("200.00"), 2, saved.supplier)
    assert get_expenditure(store, project, saved.id) == edited


def test_edit__keeps_an_explicit_eligible_amount_and_period(store, project):
    saved = add_expenditure(store, project, expense(gross="1000", vat="0", eligible="500", period="2"))
    edited = edit_expenditure(store, project, str(saved.number), {"description": "Knygos", "date": "2024-04-01"})
    assert (edited.eligible, edited.period) == (D("500.00"), 2)


def test_edit__with_bad_input_leaves_the_saved_record_unchanged(store, project):
    saved = add_expenditure(store, project, expense())
    with pytest.raises(ValidationError):
        edit_expenditure(store, project, str(saved.number), {"gross": "12,345"})
    assert get_expenditure(store, project, str(saved.number)) == saved


def _submit_period_one(store, project):
    ids = store.projects.ids(project)
    with store.transaction():
        store.projects.set_period_status(ids.project, 1, "submitted", "2024-07-15T10:00:00+00:00")


def test_locked_period__refuses_new_edited_and_deleted_expenditure(store, project):
    saved = add_expenditure(store, project, expense())
    _submit_period_one(store, project)
    before = row_counts(store)
    with pytest.raises(ValidationError, match="period 1 is submitted and locked"):
        add_expenditure(store, project, expense(document="LATE-1"))
    with pytest.raises(Conflict, match="submitted period 1"):
        edit_expenditure(store, project, str(saved.number), {"gross": "1.00", "vat": "0"})
    with pytest.raises(Conflict, match="submitted period 1"):
        delete_expenditure(store, project, str(saved.number))
    assert row_counts(store) == before
    correction = add_expenditure(store, project, expense(document="SF-2024/0117-K", gross="-100", vat="0",
                                                         period="2"))
    assert correction.period == 2


def test_load__refuses_to_change_the_dates_of_a_submitted_period(store, project, tmp_path):
    _submit_period_one(store, project)
    path = tmp_path / "moved.toml"
    path.write_text(SMALL_PROJECT.replace("end = 2024-06-30", "end = 2024-05-31").replace(
        "start = 2024-07-01", "start = 2024-06-01"), encoding="utf-8")
    before = row_counts(store)
    with pytest.raises(Conflict, match="period 1 is submitted and locked"):
        load_project_file(store, path)
    assert row_counts(store) == before


def test_delete__removes_the_record(store, project):
    saved = add_expenditure(store, project, expense())
    delete_expenditure(store, project, str(saved.number))
    with pytest.raises(NotFound):
        get_expenditure(store, project, str(saved.number))


LISTED = (("LP", "STAFF", "2024-02-01", "Darbo užmokestis 2024-01", "120.00"),
          ("LP", "TRAVEL", "2024-03-10", "airBaltic", "995.00"),
          ("PP2", "TRAVEL", "2024-08-15", "Viesnīca Rīga", "49999.99"),
          ("PP2", "EQUIPMENT", "2025-01-20", "SIA \"Datoru centrs\" 100%_sale", "1500.00"))


def _add_listed(store, project):
    for partner, line, day, supplier, gross in LISTED:
        add_expenditure(store, project, expense(partner=partner, line=line, date=day, supplier=supplier,
                                                gross=gross, vat="0"))


@pytest.fixture
def listed(store, project):
    _add_listed(store, project)
    return project


def test_list__filters_by_partner_line_period_and_text(store, listed):
    assert [e.supplier for e in list_expenditures(store, listed, ExpenditureQuery(partner="PP2")).rows] == [
        "Viesnīca Rīga", "SIA \"Datoru centrs\" 100%_sale"]
    assert list_expenditures(store, listed, ExpenditureQuery(budget_line="TRAVEL")).total == 2
    assert list_expenditures(store, listed, ExpenditureQuery(period=1)).total == 2
    assert [e.number for e in list_expenditures(store, listed, ExpenditureQuery(text="RĪGA")).rows] == [3]
    assert [e.number for e in list_expenditures(store, listed, ExpenditureQuery(text="užmokestis")).rows] == [1]
    assert [e.number for e in list_expenditures(store, listed, ExpenditureQuery(text="uzmokestis")).rows] == [1]
    assert [e.number for e in list_expenditures(store, listed, ExpenditureQuery(text="100%_")).rows] == [4]
    assert [e.number for e in list_expenditures(store, listed, ExpenditureQuery(text="%")).rows] == [4]


def _found(store, project, text):
    return [e.number for e in list_expenditures(store, project, ExpenditureQuery(text=text)).rows]


def test_list__text_search_follows_edits_and_deletes(store, listed):
    edit_expenditure(store, listed, "3", {"supplier": "Viesnīca Daugava"})
    delete_expenditure(store, listed, "1")
    add_expenditure(store, listed, expense(supplier="UAB Rīgos knyga", document="SF-9"))
    assert _found(store, listed, "daugava") == [3]
    assert _found(store, listed, "rīga") == [] and _found(store, listed, "užmokestis") == []
    assert _found(store, listed, "RIGOS KNYGA") == [5] and _found(store, listed, 'knyga"') == []


def test_list__text_search_finds_the_rows_of_a_database_made_before_its_index(tmp_path, project_file):
    from sqlite_utils import Database

    from reporter.store import Store, schema

    path = tmp_path / "old.sqlite3"
    store = Store.open(path)
    code = load_project_file(store, project_file).code
    _add_listed(store, code)
    store.close()
    old = Database(path)  # its rows as they were before migration 0012 made the search index
    old.executescript("""
        DROP TRIGGER expenditure_search_insert; DROP TRIGGER expenditure_search_update;
        DROP TRIGGER expenditure_search_delete; DROP TABLE expenditure_search; DROP TABLE expenditure_search_rows;
        DROP INDEX expenditures_in_kind; DROP INDEX expenditures_claimed_documents;""")
    [migration] = [m for m in schema.migrations._migrations if m.name == "0012_search_and_check_indexes"]
    migration.fn(old)
    old.close()
    store = Store.open(path)
    assert _found(store, code, "rīga") == [3] and _found(store, code, "sale") == [4]
    store.close()


def test_list__the_total_follows_every_write_between_two_pages(tmp_path, project_file):
    import sqlite3

    from reporter.store import Store

    store = Store.open(tmp_path / "db.sqlite3")
    code = load_project_file(store, project_file).code
    _add_listed(store, code)
    first = list_expenditures(store, code, ExpenditureQuery(limit=2))
    add_expenditure(store, code, expense(gross="10.00", vat="0", document="SF-10"))
    second = list_expenditures(store, code, ExpenditureQuery(limit=2, offset=2))
    other = sqlite3.connect(tmp_path / "db.sqlite3")  # another window or tool
    with other:
        other.execute("UPDATE expenditures SET eligible_project_currency_cents = eligible_project_currency_cents + 1 "
                      "WHERE number = 1")
    other.close()
    third = list_expenditures(store, code, ExpenditureQuery(limit=2, offset=4))
    store.close()
    assert (first.total, second.total, third.total) == (4, 5, 5)
    assert second.total_eligible - first.total_eligible == D("10.00")
    assert third.total_eligible - second.total_eligible == D("0.01")


def test_list__funder_filter_keeps_what_its_agreement_covers_by_partner_line_and_date(store, tmp_path):
    # ERDF pays staff and travel in 2024 for every partner, but PP2's own ERDF agreement pays only equipment.
    path = tmp_path / "erdf.toml"
    path.write_text(SMALL_PROJECT.replace('cap = 170000.00', 'cap = 170000.00\nbudget_lines = ["STAFF", "TRAVEL"]\n'
                                          'eligible_to = 2024-12-31') + """
[[funding]]
partner = "PP2"
funder = "ERDF"
share = 85
budget_lines = ["EQUIPMENT"]
""", encoding="utf-8")
    project = load_project_file(store, path).code
    _add_listed(store, project)
    assert [e.number for e in list_expenditures(store, project, ExpenditureQuery(funder="ERDF")).rows] == [1, 2, 4]
    assert list_expenditures(store, project, ExpenditureQuery(funder="MUN")).total == 4
    assert [e.number for e in list_expenditures(store, project, ExpenditureQuery(funder="ERDF", partner="LP",
                                                                                 budget_line="TRAVEL")).rows] == [2]
    with pytest.raises(NotFound, match="no funder 'EU'"):
        list_expenditures(store, project, ExpenditureQuery(funder="EU"))


def test_list__funder_filter_keeps_a_residual_at_0_percent_that_pays_what_a_fixed_sum_leaves(store, tmp_path):
    from reporter.services.checks import gather_financing

    path = tmp_path / "fixed.toml"
    path.write_text(SMALL_PROJECT.replace('share = 85\nrounding = "down"\ncap = 170000.00', 'amount = 1000.00')
                    .replace("share = 15", "share = 0"), encoding="utf-8")
    project = load_project_file(store, path).code
    _add_listed(store, project)
    listed = list_expenditures(store, project, ExpenditureQuery(funder="MUN"))
    assert [e.number for e in listed.rows] == [2, 3, 4]  # #1 the fixed sum pays whole
    _, financing, _ = gather_financing(store, project)
    assert (financing["LP"].cumulative("MUN"), financing["PP2"].cumulative("MUN")) == (D("115.00"), D("51499.99"))


def test_list__sorts_amounts_as_numbers_and_pages_in_sql(store, listed):
    page = list_expenditures(store, listed, ExpenditureQuery(sort="amount", descending=True, limit=2, offset=0))
    assert [e.gross for e in page.rows] == [D("49999.99"), D("1500.00")]
    assert (page.total, page.total_eligible) == (4, D("52614.99"))
    second = list_expenditures(store, listed, ExpenditureQuery(sort="amount", descending=True, limit=2, offset=2))
    assert [e.gross for e in second.rows] == [D("995.00"), D("120.00")]


def test_list__refuses_an_unknown_filter_value(store, listed):
    with pytest.raises(NotFound, match="no partner 'PP7'"):
        list_expenditures(store, listed, ExpenditureQuery(partner="PP7"))


def test_suggest_suppliers__offers_earlier_suppliers_most_used_first(store, listed):
    add_expenditure(store, listed, expense(supplier="airBaltic", document="X-2"))
    assert suggest_suppliers(store, listed, "air") == ["airBaltic"]
    assert suggest_suppliers(store, listed, "viesnī") == ["Viesnīca Rīga"]


def test_every_expenditure_field_is_given_back_by_fields_of_and_known_to_the_command_line_and_the_form(store, project):
    from reporter.cli import _EXPENSE_OPTIONS
    from reporter.domain.validation import EXPENDITURE_FIELDS
    from reporter.gui.expenditure_view import FORM
    from reporter.services.expenditures import fields_of

    saved = add_expenditure(store, project, expense(units="", paid_by="MUN", attachments="sf.pdf", notes="n"))
    assert set(fields_of(saved)) == set(EXPENDITURE_FIELDS)
    assert set(_EXPENSE_OPTIONS) | {"attachments"} == set(EXPENDITURE_FIELDS)  # --attachment, repeated
    assert {name for name, _ in FORM} <= set(EXPENDITURE_FIELDS)
    again = edit_expenditure(store, project, saved.id, fields_of(saved))
    assert again == saved
