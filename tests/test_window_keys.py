"""The window driven with keys as they arrive: key presses on the focused widget, Enter, Tab, Esc, Ctrl+S.

One regression test (at least) for each of the silent wrong-data and can't-do-it defects of issue 12:
1 picker Enter, 2 sticky currency, 3 stale eligible, 4 emptied field, 5 shortcuts of the whole application,
6 rates, 7 units / rate names / paid by / attachments, 8 layout at 1024×700, 9 a new funder typed at once,
10 locked rows, 11 the list from the keyboard.
"""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest

from conftest import SMALL_PROJECT
from reporter.services.projects import load_project_file

tkinter = pytest.importorskip("tkinter")

KEYSYMS = {" ": "space", ",": "comma", ".": "period", "-": "minus", "=": "equal", "/": "slash", ":": "colon",
           ";": "semicolon", "ą": "aogonek", "č": "ccaron", "ę": "eogonek", "ė": "eabovedot", "į": "iogonek",
           "š": "scaron", "ų": "uogonek", "ū": "umacron", "ž": "zcaron", "ā": "amacron", "ē": "emacron",
           "ģ": "gcedilla", "ī": "imacron", "ķ": "kcedilla", "ļ": "lcedilla", "ņ": "ncedilla"}

UNIT_COSTS = """
[[unit_costs]]
line = "TRAVEL"
unit = "participant"

[[unit_costs.rates]]
rate = 180.00
name = "100-1999 km"

[[unit_costs.rates]]
rate = 275.00
name = "2000-2999 km"
"""


@pytest.fixture(autouse=True)
def error_dialogs(monkeypatch):
    """An error dialog would wait for a click for ever: record it instead, and fail the test that raised it."""
    from ttkbootstrap.dialogs import Messagebox

    shown = []
    monkeypatch.setattr(Messagebox, "show_error", staticmethod(lambda message, *args, **kwargs: shown.append(message)))
    yield shown
    assert not shown, f"the window showed an error: {shown}"


def open_window(tmp_path, project_text=SMALL_PROJECT, lang="en"):
    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    store = Store.open(tmp_path / "keys.sqlite3")
    path = tmp_path / "p.toml"
    path.write_text(project_text, encoding="utf-8")
    load_project_file(store, path)
    window = ReporterWindow(store, lang)
    window.geometry("1024x640")
    window.update()
    return window


@pytest.fixture
def window(tmp_path):
    window = open_window(tmp_path)
    yield window
    store = window.store
    window.destroy()
    store.close()
    gc.collect()


def press(window, widget, keysym, **options):
    widget.event_generate("<KeyPress>", keysym=keysym, **options)
    window.update()


def focus(window, widget):
    widget.focus_force()
    window.update()


def type_keys(window, widget, text):
    """Type into the focused widget key by key (what a field holds before is the user's business)."""
    for char in text:
        widget.event_generate("<KeyPress>", keysym=KEYSYMS.get(char, char))
    window.update()


def fill_in(window, view, **fields):
    """Go to each field (as a click would), type its value over whatever it held, and move on."""
    for name, text in fields.items():
        widget = view.widgets[name]
        focus(window, widget)
        type_keys(window, widget, text)
        press(window, widget, "Tab")


def ctrl_s(window, widget):
    widget.event_generate("<Control-KeyPress-s>")
    window.update()


def saved(window):
    from reporter.services.expenditures import list_expenditures

    return list_expenditures(window.store, window.project_code()).rows


def row(view, iid):
    return dict(zip(view.table.cget("columns"), view.table.item(iid)["values"]))


# 1. Enter in a picker takes what was typed, or refuses it


def test_picker__typed_over_a_kept_choice_takes_the_new_one_or_refuses_the_mixture(window):
    view = window.expenditure
    fill_in(window, view, partner="LP", line="staff", date="2024-03-05", document="SF-1", supplier="UAB Knyga",
            gross="100.00")
    ctrl_s(window, view.widgets["gross"])
    assert [e.budget_line for e in saved(window)] == ["STAFF"]
    assert view.vars["line"].get() == "STAFF Staff costs"  # kept for the next document

    line = view.widgets["line"]
    focus(window, line)  # entering the field selects its text: typing replaces it
    type_keys(window, line, "travel")
    press(window, line, "Return")
    assert view.vars["line"].get() == "TRAVEL Travel and accommodation"
    assert window.focus_get() is view.widgets["date"]

    focus(window, line)
    press(window, line, "End")  # the cursor after the text: typing adds to it
    type_keys(window, line, "x")
    press(window, line, "Return")
    assert view.vars["line"].get() == "TRAVEL Travel and accommodationx"
    assert window.focus_get() is line  # Enter does not move on from a text that names no choice
    assert "Budget line: 'TRAVEL Travel and accommodationx' is none of the choices" in view.problems.cget("text")
    assert str(line.cget("style")).startswith("danger")
    fill_in(window, view, date="2024-03-06", document="SF-2", supplier="UAB Knyga", gross="50.00")
    ctrl_s(window, view.widgets["gross"])
    assert len(saved(window)) == 1  # refused, not saved as an older line


# 2. The currency does not stick


def test_currency__a_foreign_document_does_not_make_the_next_one_foreign(window):
    from reporter.services.rates import add_rate

    add_rate(window.store, "PLN", "2024-03", "4.3000")
    view = window.expenditure
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="F-1", supplier="Sp. z o.o.",
            gross="1000.00", currency="PLN")
    ctrl_s(window, view.widgets["currency"])
    fill_in(window, view, date="2024-03-06", document="F-2", supplier="UAB Knyga", gross="1000.00")
    ctrl_s(window, view.widgets["gross"])
    by_document = {e.document_no: e for e in saved(window)}
    assert (by_document["F-1"].currency, by_document["F-1"].eligible_project_currency) == ("PLN", Decimal("232.56"))
    assert (by_document["F-2"].currency, by_document["F-2"].eligible_project_currency) == ("EUR", Decimal("1000.00"))
    listed = [row(view, i) for i in view.table.get_children()]
    assert [(r["document"], r["currency"], r["gross"], r["amount"]) for r in listed] == [
        ("F-1", "PLN", "1,000.00", "232.56"), ("F-2", "EUR", "1,000.00", "1,000.00")]


# 3. An edit moves a derived eligible amount with its gross; one typed on purpose stays


def test_edit__a_derived_eligible_amount_follows_the_gross_and_a_typed_one_stays(window):
    view = window.expenditure
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="A-1", supplier="UAB Knyga",
            gross="456.78")
    ctrl_s(window, view.widgets["gross"])
    fill_in(window, view, date="2024-03-05", document="A-2", supplier="UAB Knyga", gross="456.78", eligible="400.00")
    ctrl_s(window, view.widgets["eligible"])
    first, second = view.table.get_children()

    for iid, expected in ((first, "500.00"), (second, "400.00")):
        view.table.focus(iid)
        view.table.selection_set(iid)
        focus(window, view.table)
        press(window, view.table, "Return")  # Enter in the list opens the row
        assert view.editing == iid
        view.update_preview()
        assert ("eligible" in view.on_purpose) is (expected == "400.00")  # the form shows which is which
        gross = view.widgets["gross"]
        focus(window, gross)
        type_keys(window, gross, "500.00")
        ctrl_s(window, gross)
        assert view.editing is None
        assert row(view, iid)["amount"] == expected


# 4. An emptied field is emptied, not "unchanged"


def test_edit__an_emptied_currency_goes_back_to_the_project_currency(window):
    from reporter.services.rates import add_rate

    add_rate(window.store, "PLN", "2024-03", "4.3000")
    view = window.expenditure
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="F-1", supplier="Sp. z o.o.",
            gross="1000.00", currency="PLN")
    ctrl_s(window, view.widgets["currency"])
    [iid] = view.table.get_children()
    focus(window, view.table)
    press(window, view.table, "F2")
    assert view.vars["currency"].get() == "PLN" and view.vars["rate"].get() == "4.3000"
    currency = view.widgets["currency"]
    focus(window, currency)  # selects it
    press(window, currency, "BackSpace")
    ctrl_s(window, currency)
    assert view.editing is None, view.problems.cget("text")
    [expenditure] = saved(window)
    assert (expenditure.currency, expenditure.rate, expenditure.eligible_project_currency) == (
        "EUR", None, Decimal("1000.00"))


# 5. Shortcuts belong to their view; Esc closes what is open first


def test_shortcuts__ctrl_s_and_esc_in_the_project_setup_leave_the_expenditure_form_alone(window):
    view, setup = window.expenditure, window.project_setup
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="HALF-1")
    window.tabs.select(setup)
    window.update()
    title = setup.details.widgets["title"]
    focus(window, title)
    type_keys(window, title, " II")
    ctrl_s(window, title)
    assert saved(window) == []  # the half-typed expenditure was not saved …
    assert setup.status.cget("text") == "Project LLI-501 saved."  # … the project was
    press(window, title, "Escape")
    assert view.vars["document"].get() == "HALF-1"  # Esc in another view does not wipe the form
    window.tabs.select(view)
    window.update()
    supplier = view.widgets["supplier"]
    supplier.configure(values=["UAB Knyga", "UAB Knygynas"])
    focus(window, supplier)
    window.tk.call("ttk::combobox::Post", str(supplier))  # the suggestions are open
    window.update()
    popdown = window.tk.call("ttk::combobox::PopdownWindow", str(supplier))
    window.tk.call("event", "generate", f"{popdown}.f.l", "<KeyPress>", "-keysym", "Escape")
    window.update()
    assert view.vars["document"].get() == "HALF-1"  # Esc closed the suggestions, not the form
    focus(window, supplier)
    press(window, supplier, "Escape")  # Esc in the form clears it
    assert view.vars["document"].get() == ""


def test_shortcuts__are_bound_to_views_not_to_the_application(window):
    assert not window.bind_all("<Control-s>") and not window.bind_all("<Escape>")


# 6. Foreign currency: the month's rate in the form, a rates view to add and import rates


def test_rates__added_in_the_rates_view_prefill_the_form_and_a_typed_rate_is_used(window, tmp_path):
    rates, view = window.rates, window.expenditure
    window.tabs.select(rates)
    for name, text in (("rate_currency", "pln"), ("rate_month", "2024-03"), ("rate_value", "4.2837")):
        entry = rates.entries[name]
        focus(window, entry)
        type_keys(window, entry, text)
    press(window, rates.entries["rate_value"], "Return")
    assert rates.status.cget("text") == "Stored: 1 EUR = 4.2837 PLN for 2024-03."
    assert [rates.table.item(i)["values"][:3] for i in rates.table.get_children()] == [["PLN", "2024-03", "4.2837"]]
    csv = tmp_path / "rates.csv"
    csv.write_text("currency;month;rate\nPLN;2024-04;4,3101\nUSD;2024-04;1,0722\n", encoding="utf-8")
    rates.import_csv(str(csv))
    assert rates.status.cget("text") == "2 rate(s) read from rates.csv; 2 new or changed."

    window.tabs.select(view)
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="F-1", supplier="Sp. z o.o.",
            gross="1000.00", currency="PLN")
    view.update_preview()
    assert view.vars["rate"].get() == "4.2837" and "rate" not in view.on_purpose  # grey: the stored month's rate
    ctrl_s(window, view.widgets["gross"])
    fill_in(window, view, date="2024-05-02", document="F-2", supplier="Sp. z o.o.", gross="1000.00", currency="PLN")
    ctrl_s(window, view.widgets["currency"])
    assert "Rate per EUR: no PLN rate for 2024-05" in view.problems.cget("text")
    assert window.focus_get() is view.widgets["rate"]  # the refused field has the cursor
    assert view.rate_link.winfo_manager() and "PLN" in view.rate_link.cget("text")  # or store the month's rate
    type_keys(window, view.widgets["rate"], "4.25")
    ctrl_s(window, view.widgets["rate"])
    assert [(e.document_no, e.rate) for e in saved(window)] == [("F-1", Decimal("4.2837")), ("F-2", Decimal("4.25"))]


def test_rates__a_bad_row_of_a_csv_file_stores_nothing_and_is_named(window, tmp_path):
    csv = tmp_path / "rates.csv"
    csv.write_text("PLN,2024-04,4.31\nEUR,2024-04,1\nPLN,2024-13,4.3\n", encoding="utf-8")
    window.rates.import_csv(str(csv))
    text = window.rates.status.cget("text")
    assert "rates.csv:2" in text and "rates.csv:3" in text and "nothing was saved" in text
    assert not window.rates.table.get_children()


# 7. Units and rate names, paid by, attachments


def test_unit_cost__units_and_a_rate_name_chosen_with_keys_no_gross_or_document(tmp_path):
    window = open_window(tmp_path, SMALL_PROJECT + UNIT_COSTS)
    try:
        view = window.expenditure
        fill_in(window, view, partner="PP2", line="TRAVEL", date="2024-03-05")
        view.update_preview()
        assert str(view.widgets["units"].cget("state")) != "disabled"
        assert view.widgets["rate_name"].choices == ["100-1999 km", "2000-2999 km"]
        fill_in(window, view, units="4", rate_name="2000", description="Kick-off in Riga, 4 participants",
                paid_by="MUN")
        view.update_preview()
        assert view.vars["eligible"].get() == "1100.00", view.state.problems  # 4 × 275.00, grey
        ctrl_s(window, view.widgets["description"])
        [expenditure] = saved(window)
        assert (expenditure.units, expenditure.rate_name, expenditure.eligible, expenditure.document_no) == (
            Decimal("4"), "2000-2999 km", Decimal("1100.00"), "")
        assert [p.funder for p in expenditure.payers] == ["MUN"]
        fill_in(window, view, line="STAFF")
        view.update_preview()
        assert str(view.widgets["units"].cget("state")) == "disabled"  # a real-cost line: Enter passes it
    finally:
        store = window.store
        window.destroy()
        store.close()
        gc.collect()


def test_attachments__a_chosen_file_is_kept_under_its_hash_opened_from_the_list_and_checked(window, tmp_path,
                                                                                         monkeypatch):
    import hashlib

    from reporter.gui import expenditure_view

    scan = tmp_path / "SF-0117.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned invoice")
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    monkeypatch.setattr(expenditure_view.filedialog, "askopenfilename", lambda **options: str(scan))
    opened = []
    monkeypatch.setattr(expenditure_view, "open_with_system", opened.append)
    view = window.expenditure
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="SF-0117", supplier="UAB Knyga",
            gross="100.00")
    view.attach_button.invoke()
    assert view.vars["attachments"].get() == f"SF-0117.pdf (sha256 {digest})"
    ctrl_s(window, view.widgets["gross"])
    kept = tmp_path / "attachments" / f"{digest}.pdf"
    assert kept.read_bytes() == scan.read_bytes()
    [iid] = view.table.get_children()
    assert view.table.item(iid)["image"]  # the paperclip
    view.table.focus(iid)
    view.open_attachment()
    assert opened == [kept]

    def attachment_findings():
        window.checks.refresh()
        return [f.message for f in window.checks.findings if f.rule == "attachment"]

    assert attachment_findings() == []
    kept.write_bytes(b"%PDF-1.4 something else")
    assert attachment_findings() == ["#1 of LP: the attached file SF-0117.pdf has changed since it was attached "
                                     "(its SHA-256 differs)"]
    kept.unlink()
    assert attachment_findings() == ["#1 of LP: the attached file SF-0117.pdf is missing from the attachments folder"]


def test_form__reaches_every_field_an_accountant_types():
    from reporter.domain.validation import EXPENDITURE_FIELDS
    from reporter.gui.expenditure_view import FORM

    assert sorted(name for name, _ in FORM) == sorted(EXPENDITURE_FIELDS)


# 8. Layout at 1024×700 in every language


@pytest.mark.parametrize("lang", ["en", "lt", "lv"])
def test_layout__nothing_cut_or_collapsed_and_the_pager_visible_at_1024_by_640(tmp_path, lang):
    import tkinter.font as tkfont

    window = open_window(tmp_path, lang=lang)
    try:
        view = window.expenditure
        pager = view.page_label.master
        assert pager.winfo_ismapped()
        assert pager.winfo_rooty() + pager.winfo_height() <= window.winfo_rooty() + window.winfo_height()
        assert view.table.winfo_height() >= 100  # rows to see, not a sliver
        for name, label in view.labels.items():  # a label wraps rather than being cut
            assert label.winfo_width() >= min(label.winfo_reqwidth(), label.master.winfo_width() - 4), name
        date = tkfont.nametofont("TkDefaultFont").measure("2024-12-31")
        assert view.widgets["date"].winfo_width() >= date

        window.tabs.select(window.project_setup)
        window.update()
        setup = window.project_setup
        assert setup.projects.winfo_height() >= 60
        for key in ("start", "end"):
            assert setup.details.widgets[key].entry.winfo_width() >= date, key
        for section, table in setup.tables.items():
            setup.sections.select(table)
            window.update()
            assert table.table.winfo_height() >= 60, section
        window.tabs.select(window.budget)
        window.update()
        assert window.budget.table.winfo_height() >= 100
    finally:
        store = window.store
        window.destroy()
        store.close()
        gc.collect()


# 9. A funder typed into an agreement the moment it exists, in any case


def test_setup__a_funder_added_a_moment_ago_is_typed_into_an_agreement_in_small_letters(window):
    setup = window.project_setup
    window.tabs.select(setup)
    funders = setup.tables["funders"]
    setup.sections.select(funders)
    window.update()
    for key, text in (("code", "LKT"), ("name", "Lietuvos kulturos taryba")):
        widget = funders.editor.widgets[key]
        focus(window, widget)
        type_keys(window, widget, text)
    press(window, funders.editor.widgets["name"], "Return")  # Apply
    assert [f["code"] for f in setup.data["funders"]] == ["ERDF", "MUN", "LKT"]
    assert funders.editor.vars["code"].get() == "" and window.focus_get() is funders.editor.widgets["code"]
    funding = setup.tables["funding"]
    setup.sections.select(funding)
    window.update()
    funder = funding.editor.widgets["funder"]
    focus(window, funder)
    type_keys(window, funder, "lkt")
    press(window, funder, "Return")
    assert setup.data["funding"][-1]["funder"] == "LKT"
    assert not any("unknown funder" in message for _where, message in setup._problems)


def test_setup__no_red_required_before_anything_is_typed(window):
    setup = window.project_setup
    window.tabs.select(setup)
    setup.new_project()
    setup.check()
    assert setup.details_problems.cget("text") == ""
    assert not any(str(label.cget("style")).startswith("danger") for label in setup.details.labels.values())
    code = setup.details.widgets["code"]
    focus(window, code)
    type_keys(window, code, "X")
    press(window, code, "BackSpace")
    setup.check()
    assert "Code: is required" in setup.details_problems.cget("text")


# 10. Locked rows: shown, opened read-only, reopened with a reason


def test_locked__a_row_of_a_submitted_period_shows_the_lock_opens_read_only_and_reopens(window, monkeypatch):
    from ttkbootstrap.dialogs import Messagebox

    from reporter.gui import expenditure_view
    from reporter.services.reports import submit_period

    view = window.expenditure
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="L-1", supplier="UAB Knyga",
            gross="100.00")
    ctrl_s(window, view.widgets["gross"])
    submit_period(window.store, "LLI-501", 1, force=True)
    window.project_changed()
    window.update()
    [iid] = view.table.get_children()
    assert view.table.item(iid)["image"] and view.table.item(iid)["tags"] == ["locked"]

    monkeypatch.setattr(Messagebox, "yesno", staticmethod(lambda *a, **k: pytest.fail("asked, then refused")))
    view.table.focus(iid)
    focus(window, view.table)
    press(window, view.table, "Delete")
    assert view.status.cget("text").startswith("#1 is in submitted period 1, which is locked")

    press(window, view.table, "Return")
    assert view.form_frame.cget("text") == "#1 · period 1 is submitted: read only"
    assert str(view.widgets["gross"].cget("state")) == "disabled"
    assert str(view.save_button.cget("state")) == "disabled"
    ctrl_s(window, view.table)  # nothing to save

    monkeypatch.setattr(expenditure_view.ReasonDialog, "ask", lambda self: "invoice date corrected")
    view.reopen_button.invoke()
    window.update()
    assert view.editing == iid and view.locked_period is None
    assert str(view.widgets["gross"].cget("state")) == "normal"
    assert not view.table.item(iid)["image"]


# 11. The list from the keyboard; an edit is visible; a refused field has the cursor and is red


def test_keyboard__enter_opens_a_row_the_edit_is_shown_and_saving_brings_back_the_entry_in_progress(window):
    view = window.expenditure
    fill_in(window, view, partner="LP", line="STAFF", date="2024-03-05", document="K-1", supplier="UAB Knyga",
            gross="10.00")
    ctrl_s(window, view.widgets["gross"])
    fill_in(window, view, date="2024-03-07", document="K-2-in-progress")  # the next one, half typed
    [iid] = view.table.get_children()
    focus(window, view.table)
    press(window, view.table, "Return")
    assert view.form_frame.cget("text") == "Editing #1 · UAB Knyga"
    assert view.vars["document"].get() == "K-1" and window.focus_get() is view.widgets["date"]
    gross = view.widgets["gross"]
    focus(window, gross)
    type_keys(window, gross, "12.00")
    ctrl_s(window, gross)
    assert view.form_frame.cget("text") == "New expenditure"
    assert view.vars["document"].get() == "K-2-in-progress" and view.vars["gross"].get() == ""
    assert row(view, iid)["gross"] == "12.00" and window.focus_get() is view.table

    focus(window, view.table)
    press(window, view.table, "F2")
    focus(window, gross)
    type_keys(window, gross, "12,5,0")
    ctrl_s(window, gross)
    assert window.focus_get() is gross and str(gross.cget("style")).startswith("danger")
    assert "Gross:" in view.problems.cget("text")
    press(window, gross, "Escape")  # leaves the edit: the entry in progress is back
    assert view.editing is None and view.vars["document"].get() == "K-2-in-progress"
    assert [view.table.heading(c)["text"] for c in ("currency", "gross", "vat", "amount")] == [
        "Cur.", "Gross", "VAT", "Eligible, EUR"]


# 16. Submit: "No" while errors are open; the choices stay; what was kept is said


def test_submit__no_is_the_default_while_errors_are_open_and_the_choices_survive(window, monkeypatch):
    from ttkbootstrap.dialogs import Messagebox

    view, reports = window.expenditure, window.reports
    fill_in(window, view, partner="PP2", line="TRAVEL", date="2024-03-05", document="BIG-1", supplier="SIA Viesnīca",
            gross="250000.00")
    ctrl_s(window, view.widgets["gross"])  # over the budget and the cap: errors open in period 1
    asked = []
    monkeypatch.setattr(Messagebox, "yesno", staticmethod(lambda message, **options: asked.append(
        (message, options)) or answers.pop(0)))
    answers = ["No", "Yes"]
    reports.period.set(reports.period.cget("values")[0])
    reports.partner.set(reports.partner.cget("values")[2])  # PP2
    reports.submit()
    message, options = asked[0]
    assert options["default"] == "No" and "open error(s)" in message and "• Error:" in message
    assert reports.status.cget("text") == "Period 1 was not submitted; nothing changed."
    reports.submit()
    text = reports.status.cget("text")
    assert text.startswith("Period 1 is submitted and locked;") and "Submitted with" in text
    assert "• consolidated (en): PDF " in text and "XLSX " in text
    assert reports.partner.get().startswith("PP2 ") and reports.period.get().startswith("1: ")  # kept
    assert reports.period.get().endswith("· locked")


# 12. Budget against actual


def test_budget_grid__the_engines_figures_red_where_a_rule_breaks_typed_budget_and_the_costs_of_a_row(window):
    from reporter.services.checks import gather_financing
    from reporter.services.projects import project_definition

    view, budget = window.expenditure, window.budget
    for document, partner, line, gross in (("B-1", "LP", "STAFF", "1000.00"), ("B-2", "PP2", "TRAVEL", "6000.00"),
                                           ("B-3", "PP2", "TRAVEL", "100.00")):
        fill_in(window, view, partner=partner, line=line, date="2024-03-05", document=document,
                supplier="UAB Knyga", gross=gross, vat="0")
        ctrl_s(window, view.widgets["vat"])
    window.tabs.select(budget)
    window.update()
    budget.period.set(budget.period.cget("values")[0])  # through period 1
    budget.period.event_generate("<<ComboboxSelected>>")
    window.update()
    grid = budget.grid_data
    assert grid.period == 1
    _, financing, _ = gather_financing(window.store, "LLI-501")
    for partner in grid.partners:  # the same figures as the financing engine's, to the cent
        assert {r.line: r.to_date for r in partner.children} == financing[partner.partner].line_totals(grid.period)
    rows = {(r.partner, r.line): iid for iid, r in budget.rows.items()}
    travel = rows[("PP2", "TRAVEL")]
    assert budget.table.item(travel)["values"] == ["5,000.00", "6,100.00", "6,100.00", "-1,100.00", "122 %"]
    assert "error" in budget.table.item(travel)["tags"]  # over its budget beyond the flexibility
    assert budget.table.item(rows[("LP", "STAFF")])["values"][4] == "2.5 %"
    assert budget.table.item(budget.table.get_children()[-1])["values"][:3] == ["45,000.00", "7,100.00", "7,100.00"]

    budget.table.focus(travel)
    budget.table.selection_set(travel)
    window.update()
    assert sorted(budget.costs.item(i)["values"][3] for i in budget.costs.get_children()) == ["B-2", "B-3"]

    focus(window, budget.table)
    press(window, budget.table, "Return")  # type the approved amount in the grid
    editor = budget._editor
    assert editor is not None and window.focus_get() is editor
    type_keys(window, editor, "7,000.0,0")
    press(window, editor, "Return")
    assert budget.status.cget("text") == "Approved: '7,000.0,0' has more than one decimal separator"
    focus(window, editor)
    type_keys(window, editor, "7000.00")
    press(window, editor, "Return")
    assert budget.status.cget("text") == "Approved budget of PP2 TRAVEL Travel and accommodation saved."
    approved = {(b.partner, b.line): b.amount for b in project_definition(window.store, "LLI-501").budget}
    assert approved[("PP2", "TRAVEL")] == Decimal("7000.00")
    travel = next(iid for iid, r in budget.rows.items() if (r.partner, r.line) == ("PP2", "TRAVEL"))
    assert budget.table.item(travel)["values"][0] == "7,000.00" and "error" not in budget.table.item(travel)["tags"]
    setup_budget = window.project_setup.tables["budget"]
    assert "7,000.00" in setup_budget.total.cget("text")  # the setup forms show it too


# 14. First start: three ways in; loading a project that is here already asks first


def test_first_start__welcome_offers_create_demo_and_load_and_a_loaded_project_replaces_only_when_asked(
        tmp_path, monkeypatch):
    from ttkbootstrap.dialogs import Messagebox

    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    store = Store.open(tmp_path / "first.sqlite3")
    window = ReporterWindow(store, "lv")
    try:
        window.update()
        assert window.welcome.winfo_ismapped() and not window.tabs.winfo_ismapped()
        assert [b.cget("text") for b in (window.create_button, window.demo_button, window.load_button)] == [
            "Izveidot projektu", "Atvērt demonstrācijas datubāzi", "Ielādēt projekta failu…"]
        path = tmp_path / "p.toml"
        path.write_text(SMALL_PROJECT, encoding="utf-8")
        window.load_project(str(path))
        window.update()
        assert window.project_code() == "LLI-501" and window.tabs.winfo_ismapped()
        changed = tmp_path / "changed.toml"
        changed.write_text(SMALL_PROJECT.replace('amount = 40000.00', 'amount = 41000.00'), encoding="utf-8")
        asked = []
        monkeypatch.setattr(Messagebox, "yesno", staticmethod(lambda message, **options: asked.append(
            (message, options["default"])) or "Nē"))
        window.load_project(str(changed))
        assert asked and asked[0][0].startswith("Projekts LLI-501 jau ir šeit.") and asked[0][1] == "No"
        assert {b.amount for b in window.store.projects.definition("LLI-501").budget} == {Decimal("40000.00"),
                                                                                          Decimal("5000.00")}
        monkeypatch.setattr(Messagebox, "yesno", staticmethod(lambda message, **options: "Jā"))
        window.load_project(str(changed))
        assert Decimal("41000.00") in {b.amount for b in window.store.projects.definition("LLI-501").budget}
    finally:
        window.destroy()
        store.close()
        gc.collect()


def test_first_start__create_a_project_opens_the_setup_at_its_code(tmp_path):
    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    store = Store.open(tmp_path / "first.sqlite3")
    window = ReporterWindow(store, "en")
    try:
        window.update()
        window.create_button.invoke()
        window.update()
        assert window.tabs.select() == str(window.project_setup)
        assert window.focus_get() is window.project_setup.details.widgets["code"]
    finally:
        window.destroy()
        store.close()
        gc.collect()


# 15. Setup: Tab passes calendar buttons; budget amounts formatted, with totals


def test_setup__tab_goes_from_start_to_end_past_the_calendar_and_the_budget_adds_up(window):
    setup = window.project_setup
    window.tabs.select(setup)
    window.update()
    start = setup.details.widgets["start"]
    focus(window, start.entry)
    press(window, start.entry, "Tab")
    assert window.focus_get() is setup.details.widgets["end"].entry
    budget = setup.tables["budget"]
    assert budget.total.cget("text") == "Total 45,000.00 (LP 40,000.00 · PP2 5,000.00)"
    assert [budget.table.item(i)["values"][2] for i in budget.table.get_children()] == ["40,000.00", "5,000.00"]
