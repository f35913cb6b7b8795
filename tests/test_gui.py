"""The window under a virtual screen (pytest-xvfb starts Xvfb): entering expenditure, seeing findings, switching language."""

import gc
from decimal import Decimal
from types import SimpleNamespace

import pytest

from conftest import SMALL_PROJECT
from reporter.services.projects import load_project_file

tkinter = pytest.importorskip("tkinter")


@pytest.fixture(autouse=True)
def error_dialogs(monkeypatch):
    """An error dialog would wait for a click for ever: record it instead, and fail the test that raised it."""
    from ttkbootstrap.dialogs import Messagebox

    shown = []
    monkeypatch.setattr(Messagebox, "show_error", staticmethod(lambda message, *args, **kwargs: shown.append(message)))
    yield shown
    assert not shown, f"the window showed an error: {shown}"


@pytest.fixture
def window(store, tmp_path):
    from reporter.gui.app import ReporterWindow

    path = tmp_path / "p.toml"
    path.write_text(SMALL_PROJECT, encoding="utf-8")
    load_project_file(store, path)
    window = ReporterWindow(store, "en")
    window.update()
    yield window
    window.destroy()
    gc.collect()  # Tk variables must be freed in this thread, not later in a report worker


def type_into(view, **fields):
    for name, value in fields.items():
        view.vars[name].set(value)


def test_window__saves_an_expenditure_typed_into_the_form_and_lists_it(window):
    view = window.expenditure
    type_into(view, partner="LP", line="STAFF Staff costs", date="2024-03-05", document="SF-0117",
              supplier="UAB „Žalia knyga“", gross="1 210,00", vat="210,00")
    view.widgets["supplier"].focus_set()
    view.save()
    window.update()
    rows = [view.table.item(i)["values"] for i in view.table.get_children()]
    assert [(r[0], r[5], r[9]) for r in rows] == [(1, "UAB „Žalia knyga“", "1,210.00")]
    assert view.status.cget("text").startswith("Saved #1")
    assert view.vars["partner"].get().startswith("LP ") and view.vars["gross"].get() == ""  # ready for the next one


def test_window__a_refused_entry_keeps_what_was_typed_and_names_the_fields(window):
    view = window.expenditure
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", document="SF-1", supplier="UAB Knyga",
              gross="1,210")
    view.save()
    assert "Gross: '1,210' is ambiguous" in view.problems.cget("text")
    assert view.vars["gross"].get() == "1,210" and not view.table.get_children()


def test_window__shows_the_split_before_saving(window):
    view = window.expenditure
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", document="SF-1", supplier="UAB Knyga",
              gross="10000.01")
    view.update_preview()
    assert view.preview.cget("text") == "Split among funders: ERDF 8,500.00, MUN 1,500.01"


def test_window__a_named_payer_typed_with_the_keys_shows_in_the_preview_and_is_saved(window):
    from reporter.services.expenditures import booked_split

    view = window.expenditure
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", document="SF-2", supplier="UAB Knyga",
              gross="1000.00")
    entry = view.widgets["paid_by"]
    entry.focus_force()
    window.update()
    for key in "MUN=250, ERDF":
        entry.event_generate("<KeyPress>", keysym={"=": "equal", ",": "comma", " ": "space"}.get(key, key))
    window.update()
    assert view.vars["paid_by"].get() == "MUN=250, ERDF"
    view.update_preview()
    assert view.preview.cget("text") == "Split among funders: ERDF 750.00, MUN 250.00"
    entry.event_generate("<Control-KeyPress-s>")  # Ctrl+S saves from any field of the form
    window.update()
    [row] = view.table.get_children()
    assert booked_split(window.store, "LLI-501", row) == {"ERDF": Decimal("750.00"), "MUN": Decimal("250.00")}


def test_window__an_entry_over_the_cap_brings_a_finding_to_the_checks(window):
    view, checks = window.expenditure, window.checks
    assert not any(checks.table.item(i)["values"][1] == "Cap" for i in checks.table.get_children())
    type_into(view, partner="PP2", line="TRAVEL", date="2024-03-05", document="SF-9", supplier="SIA Viesnīca",
              gross="250 000,00")
    view.save()
    window.update()
    rows = [checks.table.item(i) for i in checks.table.get_children()]
    cap = [r for r in rows if r["values"][1] == "Cap"]
    assert cap and cap[0]["tags"] == ["warning"]
    assert cap[0]["values"][2].startswith("ERDF has reached its cap of 170,000.00 for PP2")
    checks.table.selection_set(str(rows.index(cap[0])))
    checks.show_records()
    [record] = checks.record_list.get_children()
    assert checks.record_list.item(record)["values"][:2] == [1, "2024-03-05"]
    assert checks.record_list.item(record)["values"][4:] == ["SIA Viesnīca", "SF-9", "250,000.00"]
    checks.record_list.focus(record)
    checks.open_record()  # jumps to the row: the expenditure view, the row selected and open in the form
    window.update()
    assert window.tabs.select() == str(view) and view.editing == record
    assert view.table.selection() == (record,)


def test_window__a_view_behind_another_tab_is_made_when_shown_with_the_project_in_it(window):
    from reporter.gui.project_view import ProjectView

    assert set(window._views) <= {"checks"}  # the list alone, and the checks once it is drawn
    window.tabs.select(len(window.tabs.tabs()) - 2)  # "Project setup", as a click on its tab
    window.update()
    setup = window.tabs.nametowidget(window.tabs.select())
    assert isinstance(setup, ProjectView) and setup is window.project_setup
    assert setup.details.widgets["code"].get() == "LLI-501"
    assert window.tabs.tab(setup, "text") == "Project setup"
    assert window.tabs.index(setup) == len(window.tabs.tabs()) - 2


def test_window__switching_language_translates_the_labels(window):
    window.set_language("lt")
    window.update()
    assert [window.tabs.tab(i, "text") for i in window.tabs.tabs()] == [
        "Išlaidos", "Biudžetas", "Patikros", "Ataskaitos", "Kursai", "Projekto nustatymai", "Nustatymai"]
    assert window.expenditure.table.heading("supplier")["text"] == "Tiekėjas"
    window.set_language("lv")
    window.update()
    assert window.tabs.tab(window.tabs.tabs()[2], "text") == "Pārbaudes"


def test_window__generates_a_report_in_a_worker_and_lists_the_files(tmp_path, project_file):
    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    store = Store.open(tmp_path / "gui.sqlite3")
    load_project_file(store, project_file)
    window = ReporterWindow(store, "lt")
    try:
        view = window.reports
        view.folder.set(str(tmp_path / "out"))
        view.period.set(view.period.cget("values")[0])
        view.generate()
        for _ in range(300):  # the window keeps running while the worker writes
            window.update()
            if str(view.generate_button.cget("state")) == "normal" and view.written:
                break
            window.after(50)
        assert sorted(p.suffix for p in view.written) == [".pdf", ".xlsx"]
        assert all(p.exists() for p in view.written)
        assert "SHA-256" in view.status.cget("text")
    finally:
        window.destroy()
        store.close()


def test_window__settings_back_up_the_database_and_remember_theme_language_and_report_folder(tmp_path):
    from reporter.gui.app import ReporterWindow
    from reporter.services.settings import load_settings
    from reporter.store import Store

    store = Store.open(tmp_path / "gui.sqlite3")
    preferences = tmp_path / "config" / "settings.toml"
    window = ReporterWindow(store, "en", load_settings(preferences), preferences)
    try:
        window.settings.backup()
        assert "Backup written:" in window.settings.status.cget("text")
        assert list((tmp_path / "backups").glob("gui-manual-*.sqlite3"))
        window.set_theme("dark")
        window.settings.choose_report_folder(str(tmp_path / "ataskaitos"))
        assert window.reports.folder.get() == str(tmp_path / "ataskaitos")
        window.set_language("lv")
        window.update()
        assert "dark" in window.style.theme.name
        assert window.reports.folder.get() == str(tmp_path / "ataskaitos")  # the rebuilt view starts there too
    finally:
        window.destroy()
        store.close()
    remembered = load_settings(preferences)
    assert (remembered.language, remembered.theme, remembered.report_folder) == ("lv", "dark",
                                                                                 str(tmp_path / "ataskaitos"))


def test_settings__a_damaged_settings_file_gives_the_defaults(tmp_path):
    from reporter.services.settings import Settings, load_settings

    damaged = tmp_path / "settings.toml"
    damaged.write_text("language = [unclosed", encoding="utf-8")
    assert load_settings(damaged) == Settings()
    damaged.write_text('language = "de"\ntheme = "neon"\n', encoding="utf-8")
    assert load_settings(damaged) == Settings()


def test_window__the_list_sorts_filters_and_moves_the_cursor_with_enter(window):
    view = window.expenditure
    for n, (partner, line, gross) in enumerate((("LP", "STAFF", "100.00"), ("PP2", "TRAVEL", "995.00"),
                                                ("LP", "TRAVEL", "49 999.99")), 1):
        type_into(view, partner=partner, line=line, date="2024-03-05", document=f"D-{n}", supplier="UAB Knyga",
                  gross=gross, vat="0")
        view.save()
    view.sort_by("amount")
    assert [view.table.item(i)["values"][9] for i in view.table.get_children()] == ["100.00", "995.00", "49,999.99"]
    view.sort_by("amount")
    assert view.table.item(view.table.get_children()[0])["values"][9] == "49,999.99"
    view.line_filter.set("TRAVEL")
    view.apply_filters()
    assert sorted(view.table.item(i)["values"][4] for i in view.table.get_children()) == ["D-2", "D-3"]
    assert view.page_label.cget("text") == "1–2 of 2"
    view.widgets["document"].focus_set()
    view._enter(3)
    window.update()
    assert window.focus_get() is view.widgets["supplier"]


def fill(editor, **values):
    for key, value in values.items():
        editor.vars[key].set(value)


def add_record(setup, section, **values):
    table = setup.tables[section]
    setup.sections.select(table)
    table.new()
    fill(table.editor, **values)
    table.apply()


@pytest.fixture
def empty_window(tmp_path):
    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    store = Store.open(tmp_path / "new.sqlite3")
    window = ReporterWindow(store, "en")
    window.update()
    yield window
    window.destroy()
    store.close()
    gc.collect()


def test_window__creates_a_project_in_the_forms_and_an_over_share_entry_raises_a_finding(empty_window):
    window, setup = empty_window, empty_window.project_setup
    setup.new_project()
    fill(setup.details, code="MOL-2024", title="Skaitymo klubai Molėtuose", start="2024-01-01", end="2024-12-31")
    add_record(setup, "partners", code="LP", name="Molėtų r. savivaldybės viešoji biblioteka", role="lead partner")
    add_record(setup, "funders", code="LKT", name="Lietuvos kultūros taryba", kind="state budget")
    add_record(setup, "funders", code="OWN", name="Nuosavos lėšos", kind="own funds")
    add_record(setup, "funding", funder="LKT Lietuvos kultūros taryba", share="80", rule="exactly",
               budget_lines="STAFF, TRAVEL")
    add_record(setup, "funding", funder="OWN", share="20", rule="at most", residual=True)
    add_record(setup, "budget", partner="LP", line="staf", amount="8,000.00")  # a searchable pick
    add_record(setup, "periods", number="1", start="2024-01-01", end="2024-12-31")
    setup.save()
    assert setup.status.cget("text") == "Project MOL-2024 saved.", setup._problems
    assert window.project_code() == "MOL-2024"
    assert [setup.tables["budget"].table.item(i)["values"] for i in setup.tables["budget"].table.get_children()] \
        == [["LP", "STAFF", "8,000.00", "", ""]]
    funding = setup.tables["funding"].table
    assert [funding.item(i)["values"][:5] for i in funding.get_children()] == [["LKT", "", 80, "", "exactly"],
                                                                                ["OWN", "", 20, "", "at most"]]

    # Equipment is not paid by the culture council, so own funds pay all of it: more than their 20 %.
    view, checks = window.expenditure, window.checks
    type_into(view, partner="LP", line="EQUIPMENT Equipment", date="2024-05-02", document="PVM SF 0042",
              supplier="UAB Biuro prekės", gross="600.00")
    view.save()
    window.update()
    rows = [checks.table.item(i) for i in checks.table.get_children()]
    shares = [r for r in rows if r["values"][1] == "Share of costs"]
    assert shares and shares[0]["tags"] == ["error"]
    assert "OWN pays 100.00 %" in shares[0]["values"][2] and "at most 20 %" in shares[0]["values"][2]


def test_window__a_funding_agreement_states_its_legal_status_or_leaves_it_empty_for_the_funders_kind(empty_window):
    from reporter.services.projects import project_definition

    window, setup = empty_window, empty_window.project_setup
    setup.new_project()
    fill(setup.details, code="LLI-900", title="Skaitymo tiltai", start="2024-01-01", end="2024-12-31")
    add_record(setup, "partners", code="LP", name="Biržų viešoji biblioteka", role="lead partner")
    add_record(setup, "funders", code="ERDF", name="ERDF", kind="EU fund")
    add_record(setup, "funders", code="OWN", name="Nuosavos lėšos", kind="own funds")
    add_record(setup, "funding", funder="ERDF", share="85")
    funding = setup.tables["funding"]
    assert list(funding.editor.widgets["legal_status"].cget("values")) == ["", "public", "automatic public",
                                                                          "private"]
    add_record(setup, "funding", funder="OWN", share="15", residual=True, legal_status="private")
    add_record(setup, "periods", number="1", start="2024-01-01", end="2024-12-31")
    setup.save()
    assert setup.status.cget("text") == "Project LLI-900 saved.", setup._problems
    assert [a.legal_status for a in project_definition(window.store, "LLI-900").funding] == [None, "private"]


def test_window__a_wrong_field_in_the_project_forms_is_named_and_nothing_is_saved(empty_window):
    window, setup = empty_window, empty_window.project_setup
    setup.new_project()
    fill(setup.details, code="BAD-1", title="Bandymas", start="2024-01-01", end="2023-12-31")
    add_record(setup, "partners", code="LP", name="Biblioteka", role="lead partner")
    funding = setup.tables["funding"]
    setup.sections.select(funding)
    fill(funding.editor, funder="LKT", share="85,5,5")
    setup.check()
    assert str(funding.editor.widgets["share"].cget("style")).startswith("danger")
    text = funding.problems.cget("text")
    assert "Share %: '85,5,5'" in text and "Funder: unknown funder 'LKT'" in text
    assert "End: the project ends (2023-12-31) before it starts (2024-01-01)" in setup.details_problems.cget("text")
    setup.save()
    assert setup.status.cget("text").startswith("Not saved:")
    assert window.project_box.cget("values") in ("", ()) and not window.project_code()
    assert funding.editor.vars["share"].get() == "85,5,5"  # what was typed stays


def test_window__line_and_partner_pickers_narrow_to_what_is_typed_and_take_the_one_match(window):
    view = window.expenditure
    line = view.widgets["line"]
    line.set("trav")
    line._narrow(SimpleNamespace(keysym="v"))  # as after a key typed into it
    assert list(line.cget("values")) == ["TRAVEL Travel and accommodation"]
    type_into(view, partner="jelgav", line="trav", date="2024-03-05", document="R-1", supplier="SIA Viesnīca",
              gross="95.00", vat="0")
    view.save()
    window.update()
    rows = [view.table.item(i)["values"] for i in view.table.get_children()]
    assert [(r[2], r[3]) for r in rows] == [("PP2", "TRAVEL")]


def test_window__a_large_projects_list_shows_the_page_first_and_its_count_when_idle(window, monkeypatch):
    from reporter.gui import expenditure_view

    monkeypatch.setattr(expenditure_view, "COUNTED_AT_ONCE", -1)  # as with more expenditures than it counts at once
    view = window.expenditure
    for n in (1, 2):
        type_into(view, partner="LP", line="STAFF", date="2024-03-05", document=f"C-{n}", supplier="UAB Knyga",
                  gross="100.00", vat="0")
        view.save()
    view.apply_filters()
    assert len(view.table.get_children()) == 2 and view.page_label.cget("text") == "1–2 of …"
    window.update()
    assert view.page_label.cget("text") == "1–2 of 2" and view.total_label.cget("text").endswith("200.00")
    view.sort_by("amount")
    view.turn(1)  # is there a next page? counted at once when the count is not there yet
    assert view.page_label.cget("text") == "1–2 of 2" and len(view.table.get_children()) == 2


def test_window__the_funder_filter_lists_what_the_funder_pays(window):
    view = window.expenditure
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", document="A-1", supplier="UAB Knyga",
              gross="100.00", vat="0")
    view.save()
    assert "ERDF" in view.funder_filter.cget("values")
    view.funder_filter.set("ERDF")
    view.apply_filters()
    assert view.page_label.cget("text") == "1–1 of 1"


def test_window__a_new_project_over_unsaved_changes_asks_first(window, monkeypatch):
    from ttkbootstrap.dialogs import Messagebox

    setup = window.project_setup
    fill(setup.details, title="Pakeistas pavadinimas")
    assert setup.dirty
    monkeypatch.setattr(Messagebox, "yesno", staticmethod(lambda *args, **kwargs: "No"))
    setup.new_project()
    assert setup.details.vars["title"].get() == "Pakeistas pavadinimas"  # kept
    monkeypatch.setattr(Messagebox, "yesno", staticmethod(lambda *args, **kwargs: "Yes"))
    setup.new_project()
    assert setup.details.vars["title"].get() == "" and setup.saved_code is None


def wait_for(wizard, timeout: float = 60) -> None:
    """Let the window run until the wizard's worker is done."""
    import time

    deadline = time.monotonic() + timeout
    wizard.update()
    while wizard.busy and time.monotonic() < deadline:
        wizard.update()
        time.sleep(0.01)
    wizard.update()
    assert not wizard.busy


def export_file(tmp_path, rows: int = 3):
    lines = ["Šiaulių biblioteka", "", "Data;Dok. Nr.;Tiekėjas;Suma;PVM"]
    lines += [f"2024-03-{1 + i % 28:02d};SF-{i};UAB „Knygų namai“;{100 + i},00;0,00" for i in range(rows)]
    lines.append(";;Iš viso:;;")
    path = tmp_path / "export.csv"
    path.write_bytes("\r\n".join(lines).encode("windows-1257"))
    return path


def test_import_wizard__the_wheel_scrolls_its_field_list_and_leaves_the_other_views_alone(window, tmp_path):
    wizard = window.import_wizard()
    wizard.open(export_file(tmp_path))
    wait_for(wizard)
    assert wizard.bind("<Button-5>") and wizard.bind("<MouseWheel>")
    assert not window.bind_all("<Button-5>") and not window.bind_all("<MouseWheel>")
    wizard.destroy()
    window.update()
    window.event_generate("<Button-5>")  # a wheel turn in the main window after the wizard is gone: nothing


def test_import_wizard__shows_the_file_maps_it_and_imports_every_row(window, tmp_path):
    from reporter.services.expenditures import list_expenditures
    from reporter.store.expenditures import ExpenditureQuery

    wizard = window.import_wizard()
    wizard.open(export_file(tmp_path))
    wait_for(wizard)
    assert [wizard.table.item(i)["values"][1:3] for i in wizard.table.get_children()][0] == ["2024-03-01", "SF-0"]
    assert {n: v.get() for n, v in wizard.columns.items() if v.get()} == {
        "date": "Data", "document": "Dok. Nr.", "supplier": "Tiekėjas", "gross": "Suma", "vat": "PVM"}
    wizard.constants["partner"].set("XX")
    wizard.constants["line"].set("STAFF")
    wizard.start(dry_run=False)
    wait_for(wizard)
    assert wizard.result.refused and wizard.problem_list.get(0).startswith("rows 4–6, Partner: unknown partner 'XX'")
    wizard.constants["partner"].set("LP")
    wizard.start(dry_run=False)
    wait_for(wizard)
    assert wizard.result.imported == 3 and wizard.status.cget("text").startswith("Imported 3 row(s) of 3")
    assert list_expenditures(window.store, "LLI-501", ExpenditureQuery()).total == 3
    wizard.start(dry_run=False)  # again: every row a duplicate
    wait_for(wizard)
    assert wizard.result.imported == 0 and wizard.problem_list.get(0).startswith("row 4: already here as #1")
    wizard.destroy()


def test_import_wizard__in_lithuanian_a_worker_imports_and_a_profile_is_saved(tmp_path, project_file):
    from reporter.gui.app import ReporterWindow
    from reporter.services.imports import profile_names
    from reporter.store import Store

    store = Store.open(tmp_path / "db.sqlite3")
    load_project_file(store, project_file)
    window = ReporterWindow(store, "lt")
    try:
        wizard = window.import_wizard()
        assert wizard.title() == "Importas iš failo"
        wizard.open(export_file(tmp_path, rows=3000))
        wait_for(wizard)
        for name, value in (("partner", "LP"), ("line", "STAFF")):
            wizard.constants[name].set(value)
        from ttkbootstrap.dialogs import Querybox

        original = Querybox.get_string
        Querybox.get_string = staticmethod(lambda *args, **kwargs: "Rivilė LP")
        try:
            wizard.save_profile()
        finally:
            Querybox.get_string = original
        assert profile_names() == ["Rivilė LP"]
        wizard.start(dry_run=True)
        wait_for(wizard)
        assert wizard.status.cget("text").startswith("Patikrinta: eilučių 3000, teisingų 3000")
        wizard.start(dry_run=False)
        assert wizard.busy  # the worker runs while the window goes on
        wait_for(wizard)
        assert wizard.result.imported == 3000
        wizard.destroy()
    finally:
        window.destroy()
        store.close()
        gc.collect()
def test_window__the_form_takes_every_text_at_its_longest_and_refuses_one_character_more(window):
    from reporter.domain.limits import TEXT_LIMITS

    view = window.expenditure
    longest = {name: ("Šiaulių " * 300)[:TEXT_LIMITS[name] - 1] + "ž" for name in ("document", "supplier",
                                                                                   "description")}
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", gross="999 999 999,99", **longest)
    view.save()
    window.update()
    assert view.status.cget("text").startswith("Saved #1"), view.problems.cget("text")
    [row] = [view.table.item(i)["values"] for i in view.table.get_children()]
    assert row[5] == longest["supplier"]
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", gross="1", document="D",
              supplier="S" * (TEXT_LIMITS["supplier"] + 1))
    view.save()
    assert "is 201 characters long; at most 200 fit" in view.problems.cget("text")
    assert len(view.table.get_children()) == 1


def test_window__the_councils_project_asks_for_the_trips_details_and_saves_them_the_interreg_form_has_none(
        window, tmp_path):
    from pathlib import Path

    from reporter.gui.expenditure_view import FORM
    from reporter.services.expenditures import add_expenditure, get_expenditure

    view = window.expenditure
    asked = ("person_document", "travel_route", "travel_from", "travel_to", "travellers")
    assert all(not view.cells[name].winfo_ismapped() for name in asked)  # the small Interreg project asks none
    view.widgets["notes"].focus_set()
    view._enter(next(i for i, (name, _) in enumerate(FORM) if name == "procurement_ref"))
    window.update()
    assert window.focus_get() is not view.widgets["person_document"]  # Enter on the last field shown: saves

    add_expenditure(window.store, "LLI-501", {"partner": "LP", "line": "TRAVEL", "date": "2024-03-05",
                                              "document": "AA-1", "supplier": "Rūta Jankauskienė", "gross": "40.00",
                                              "travel_route": "Šiauliai–Rīga–Šiauliai", "travel_from": "2024-03-04"})
    window.reload_projects("LLI-501")
    window.show_expenditure("1")
    window.update()
    assert view.cells["travel_route"].winfo_ismapped() and view.vars["travel_route"].get() == "Šiauliai–Rīga–Šiauliai"

    code = load_project_file(window.store, Path(__file__).resolve().parent.parent / "resources" / "demo" /
                             "culture-council.toml").code
    window.reload_projects(code)
    window.update()
    assert all(view.cells[name].winfo_ismapped() for name in asked)
    type_into(view, partner="MRSVB", line="TRAVEL", date="2024-08-27", document="AA-007", supplier="Vaiva Rimkutė",
              gross="71,27", travel_route="Vilnius–Molėtai–Vilnius", travel_from="2024-08-23",
              travel_to="2024-08-22", travellers="Vaiva Rimkutė")
    view.save()
    window.update()
    assert "Trip to: the trip ends (2024-08-22) before it starts (2024-08-23)" in view.problems.cget("text")
    assert not view.table.get_children()
    view.vars["travel_to"].set("2024-08-24")
    view.save()
    window.update()
    saved = get_expenditure(window.store, code, "1")
    assert (saved.travel_route, str(saved.travel_from), str(saved.travel_to), saved.travellers) == (
        "Vilnius–Molėtai–Vilnius", "2024-08-23", "2024-08-24", "Vaiva Rimkutė")
