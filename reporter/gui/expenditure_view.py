"""Fast keyboard entry of expenditure, with a live split preview, above a list paged and sorted in SQL.

Enter moves to the next field and saves on the last one; Ctrl+S saves from
anywhere in this view; Esc cancels an edit or clears the form (a dropdown or a
calendar closes itself first). Entering a field selects its text. A picker
takes what is typed only when it names one choice. Derived values (eligible,
currency, rates, period) are shown grey as the program works them out and
follow their inputs until typed on purpose. A refused entry keeps every typed
value, turns the refused fields red and puts the cursor in the first.

In the list, Enter or F2 opens the selected row (a row of a submitted period
read-only, with Reopen period), Delete deletes it after asking.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING, Callable

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.attachments import kept_file
from reporter.domain.errors import Problem, UserError, ValidationError
from reporter.domain.model import Expenditure, ProjectDefinition
from reporter.domain.money import format_amount
from reporter.gui.widgets import (
    FlowForm,
    ReasonDialog,
    SearchablePicker,
    add_tag,
    date_field,
    icon_image,
    open_with_system,
    select_on_focus,
    view_keys,
)
from reporter.services.attachments import keep_file, kept_path
from reporter.services.entry import DERIVED, EntryState, auto_fields, entry_state
from reporter.services.expenditures import (
    COUNTED_AT_ONCE,
    add_expenditure,
    count_expenditures,
    delete_expenditure,
    edit_expenditure,
    fields_of,
    get_expenditure,
    list_expenditures,
    suggest_suppliers,
)
from reporter.services.periods import reopen_period
from reporter.services.projects import project_definition
from reporter.store.expenditures import SORT_COLUMNS, ExpenditureQuery

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

PAGE_SIZE = 100
# The form's fields in Tab order, and how each is entered: every field an accountant types.
FORM = (("partner", "pick"), ("line", "pick"), ("date", "date"), ("document", "text"), ("supplier", "supplier"),
        ("supplier_code", "text"), ("gross", "text"), ("vat", "text"), ("eligible", "text"), ("currency", "text"),
        ("rate", "text"), ("project_rate", "text"), ("units", "text"), ("rate_name", "pick"), ("period", "pick"),
        ("activity", "pick"), ("description", "text"), ("paid", "date"), ("paid_by", "text"),
        ("in_kind", "text"), ("attachments", "attach"), ("notes", "text"), ("accounting_ref", "text"),
        ("procurement_ref", "text"), ("person_document", "text"), ("travel_route", "text"), ("travel_from", "date"),
        ("travel_to", "date"), ("travellers", "text"))
# Fields shown where the project's rules ask for them (the culture funders' trips and payments to persons), or where
# the expenditure in the form gives them; the rule that asks for each.
ASKED_BY_RULES = {"person_document": "person_document_lines", "travel_route": "travel_lines",
                  "travel_from": "travel_lines", "travel_to": "travel_lines", "travellers": "travel_lines"}
KEPT_FOR_NEXT = ("partner", "line")  # a run of entries keeps these after a save; nothing else sticks
# key, heading, the widest text it usually holds (the column is as wide as that or its heading), anchor
LIST_COLUMNS = (("number", "number", "99999", "e"), ("date", "list_date", "2024-12-31", "w"),
                ("partner", "partner", "WWWW", "w"), ("line", "list_line", "EQUIPMENT", "w"),
                ("document", "document", "", "w"), ("supplier", "supplier", "", "w"),
                ("currency", "list_currency", "EUR", "center"), ("gross", "list_gross", "99,999.99", "e"),
                ("vat", "list_vat", "9,999.99", "e"), ("amount", "list_eligible", "99,999.99", "e"),
                ("period", "period_short", "99", "e"))
AUTO_COLOUR = "#8a8f94"  # a derived value the program worked out (grey); a value typed on purpose is black


def _wrap(label: ttk.Label, width: int) -> None:
    """Wrap a field's label to its cell. A change of a pixel or two is left alone: the grid hands the columns' odd
    pixel round, and a label re-wrapped at each turn would start the next (the window never settled)."""
    wrap = max(60, width - 4)
    if abs(int(str(label.cget("wraplength") or 0)) - wrap) > 3:
        label.configure(wraplength=wrap)


class ExpenditureView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow", on_saved: Callable[[], None]) -> None:
        super().__init__(master, padding=(8, 6))
        self.window = window
        self.on_saved = on_saved
        self.code: str | None = None
        self.definition: ProjectDefinition | None = None
        self.editing: str | None = None  # the id of the expenditure in the form, when editing
        self.editing_record: Expenditure | None = None
        self.locked_period: int | None = None  # the form shows a record of this submitted period, read-only
        self._stash: dict[str, str] | None = None  # the new entry that was in the form when an edit began
        self.vars = {name: tk.StringVar() for name, _ in FORM}
        self.widgets: dict[str, tk.Widget] = {}
        self.labels: dict[str, ttk.Label] = {}
        self.cells: dict[str, ttk.Frame] = {}
        self.hidden_fields: set[str] = set()
        self.on_purpose: set[str] = set()  # derived fields the user typed a value into
        self.marked: set[str] = set()  # fields shown red for a problem
        self.state: EntryState = EntryState()
        self._filling = False
        self.query = ExpenditureQuery(limit=PAGE_SIZE)
        self._total: int | None = 0  # rows matching the filter, on all pages (None: being counted)
        self._count_job: str | None = None
        self._shown = (0, 0)  # the first and last row number of the page shown
        self._preview_job: str | None = None
        self._locked_periods: set[int] = set()
        self._build()

    # Layout

    def _build(self) -> None:
        _ = self.window._
        self.form_frame = ttk.Labelframe(self, text=_("new_expenditure"), padding=(6, 2, 6, 4))
        self.form_frame.pack(fill="x")
        self.form = FlowForm(self.form_frame, cell_width=158)
        self.form.pack(fill="x")
        for index, (name, kind) in enumerate(FORM):
            cell = self.cells[name] = self.form.cell()
            label = ttk.Label(cell, text=_(name))
            label.pack(anchor="w")
            cell.bind("<Configure>", lambda e, label=label: _wrap(label, e.width), add="+")
            self.labels[name] = label
            if kind == "date":
                widget = date_field(cell, 10)
                widget.entry.configure(textvariable=self.vars[name])
                entry = widget.entry
            elif kind == "pick":
                widget = entry = SearchablePicker(cell, textvariable=self.vars[name], width=12)
                entry.bind("<FocusOut>", lambda _e, name=name: self._check_pick(name), add="+")
            elif kind == "supplier":
                widget = entry = ttk.Combobox(cell, textvariable=self.vars[name], width=12)
                entry.bind("<KeyRelease>", self._suggest_suppliers, add="+")
                select_on_focus(entry)
            elif kind == "attach":
                widget = ttk.Frame(cell)
                entry = ttk.Entry(widget, textvariable=self.vars[name], width=8)
                entry.pack(side="left", fill="x", expand=True)
                self.attach_button = ttk.Button(widget, text="…", width=2, bootstyle="secondary-outline",
                                                command=self.attach, takefocus=0)
                self.attach_button.pack(side="left", padx=(2, 0))
                select_on_focus(entry)
            else:
                widget = entry = ttk.Entry(cell, textvariable=self.vars[name], width=12)
                select_on_focus(entry)
            widget.pack(fill="x")
            entry.bind("<Return>", lambda event, i=index: self._enter(i))
            entry.bind("<KP_Enter>", lambda event, i=index: self._enter(i))
            self.widgets[name] = entry
            self.vars[name].trace_add("write", lambda *_args, name=name: self._changed(name))

        buttons = ttk.Frame(self.form_frame)
        buttons.pack(fill="x", pady=(2, 0))
        self.save_button = ttk.Button(buttons, text=_("save"), bootstyle="primary", command=self.save)
        self.save_button.pack(side="left")
        self.clear_button = ttk.Button(buttons, text=_("clear"), bootstyle="secondary-outline", command=self.escape)
        self.clear_button.pack(side="left", padx=6)
        self.reopen_button = ttk.Button(buttons, text="", bootstyle="warning-outline", command=self.reopen)
        self.status = ttk.Label(buttons, text="", bootstyle="success")
        self.status.pack(side="left", padx=8)
        # On the right: the split among funders while a valid entry is typed, else what grey values mean.
        self.preview = ttk.Label(buttons, text="", bootstyle="info")
        self.legend = ttk.Label(buttons, text=_("auto_legend"), foreground=AUTO_COLOUR, font=("-size", 8))
        self.legend.pack(side="right")
        # Under the form only while there is something to fix (with a way to the missing rate, when one is).
        self.problems = ttk.Label(self.form_frame, text="", bootstyle="danger", justify="left", wraplength=900)
        self.rate_link = ttk.Button(self.form_frame, text="", bootstyle="link", takefocus=0)
        self.form_frame.bind("<Configure>", lambda e: self.problems.configure(wraplength=max(400, e.width - 20)),
                             add="+")

        # The pager first, at the bottom: whatever the height, it stays.
        pager = ttk.Frame(self, padding=(0, 4, 0, 0))
        pager.pack(side="bottom", fill="x")
        ttk.Button(pager, text=_("previous"), command=lambda: self.turn(-1), bootstyle="secondary-outline",
                   takefocus=0).pack(side="left")
        ttk.Button(pager, text=_("next"), command=lambda: self.turn(1), bootstyle="secondary-outline",
                   takefocus=0).pack(side="left", padx=(4, 8))
        self.page_label = ttk.Label(pager, text="")
        self.page_label.pack(side="left")
        self.total_label = ttk.Label(pager, text="", bootstyle="secondary")
        self.total_label.pack(side="left", padx=12)
        ttk.Button(pager, text=_("open_attachment"), command=self.open_attachment, bootstyle="link",
                   takefocus=0).pack(side="right")
        ttk.Button(pager, text=_("delete_button"), command=self.delete_selected, bootstyle="link",
                   takefocus=0).pack(side="right")
        ttk.Button(pager, text=_("edit_button"), command=self.edit_selected, bootstyle="link",
                   takefocus=0).pack(side="right")

        filters = FlowForm(self, cell_width=150, padding=(0, 6, 0, 2))
        filters.pack(fill="x")
        self.partner_filter = self._filter(filters, _("partner"))
        self.line_filter = self._filter(filters, _("line"))
        self.period_filter = self._filter(filters, _("period"))
        self.funder_filter = self._filter(filters, _("funder"))
        cell = filters.cell(2)
        ttk.Label(cell, text=_("search")).pack(anchor="w")
        self.search = ttk.Entry(cell, width=20)
        self.search.pack(fill="x")
        self.search.bind("<Return>", lambda _e: self.apply_filters())
        select_on_focus(self.search)

        table_frame = ttk.Frame(self)
        table_frame.pack(fill="both", expand=True)
        self.table = ttk.Treeview(table_frame, columns=[c[0] for c in LIST_COLUMNS], show="tree headings", height=5)
        self.table.column("#0", width=26, minwidth=26, stretch=False, anchor="center")
        font = heading_font = tkfont.nametofont("TkDefaultFont")
        for key, label, sample, anchor in LIST_COLUMNS:
            command = (lambda key=key: self.sort_by(key)) if key in SORT_COLUMNS else ""
            self.table.heading(key, text=_(label), command=command)
            if sample:  # as wide as its content and heading, no wider: the text columns take the rest
                width = max(font.measure(sample), heading_font.measure(_(label))) + 12
                self.table.column(key, width=width, minwidth=width, anchor=anchor, stretch=False)
            else:
                self.table.column(key, width=64, minwidth=64, anchor=anchor, stretch=True)
        scrollbar = ttk.Scrollbar(table_frame, orient="horizontal", command=self.table.xview)
        self.table.configure(xscrollcommand=scrollbar.set)
        scrollbar.pack(side="bottom", fill="x")
        self.table.pack(fill="both", expand=True)
        self.lock_icon = icon_image(self, "lock-fill", 13, "#b9770e")  # a row of a submitted period
        self.clip_icon = icon_image(self, "paperclip", 13, "#495057")  # a row with a kept attachment
        self.table.heading("#0", image=self.clip_icon or "", text="" if self.clip_icon else "📎")
        self.table.tag_configure("locked", foreground="#6c757d")
        self.table.bind("<Double-1>", lambda _e: self.edit_selected())
        for key in ("<Return>", "<KP_Enter>", "<F2>"):
            self.table.bind(key, lambda _e: self.edit_selected() or "break")
        self.table.bind("<Delete>", lambda _e: self.delete_selected())
        self.keys_tag = view_keys(self, {"<Control-s>": lambda _e: self.save() or "break",
                                         "<Control-S>": lambda _e: self.save() or "break",
                                         "<Escape>": lambda _e: self.escape() or "break"})

    def _filter(self, filters: FlowForm, label: str) -> ttk.Combobox:
        """A labelled choice that filters the list as soon as it is chosen."""
        cell = filters.cell()
        ttk.Label(cell, text=label).pack(anchor="w")
        box = ttk.Combobox(cell, state="readonly", width=10)
        box.pack(fill="x")
        box.bind("<<ComboboxSelected>>", lambda _e: self.apply_filters())
        return box

    # Project

    def when_drawn(self, callback: Callable[[], None]) -> None:
        """Call back when the list is drawn on the screen (its first page, then whenever it is exposed again)."""
        self.table.bind("<Expose>", lambda _event: callback(), add="+")

    def show_project(self, code: str | None) -> None:
        """Show a project; the same project shown again (its setup saved, a period reopened) keeps what is typed."""
        same = code is not None and code == self.code
        typed, editing, stash = (self._snapshot(), self.editing, self._stash) if same else (None, None, None)
        self.code = code
        self.definition = project_definition(self.window.store, code) if code else None
        self._stash = None
        self._leave_edit()
        self.clear()
        partners, lines, periods, activities, funders, all_periods = [], [], [], [], [], []
        definition = self.definition
        if definition is not None:
            partners = [f"{p.code} {p.name}" for p in definition.partners]
            lines = [f"{b.code} {b.name}" for b in definition.budget_lines]
            periods = [str(p.number) for p in definition.periods if not p.submitted]
            all_periods = [str(p.number) for p in definition.periods]
            activities = [f"{a.code} {a.title}" for a in definition.activities]
            funders = [f.code for f in definition.funders]
            self._locked_periods = {p.number for p in definition.periods if p.submitted}
            heading = f"{self.window._('list_eligible')}, {definition.project.currency}"
            self.table.heading("amount", text=heading)
            font = heading_font = tkfont.nametofont("TkDefaultFont")
            for key, label, codes in (("amount", heading, ["99,999.99"]),
                                      ("partner", self.window._("partner"), [p.code for p in definition.partners]),
                                      ("line", self.window._("list_line"), [b.code for b in definition.budget_lines])):
                width = max([heading_font.measure(label)] + [font.measure(c) for c in codes]) + 12
                self.table.column(key, width=width, minwidth=width)
        self.widgets["partner"].set_choices(partners)
        self.widgets["line"].set_choices(lines)
        self.widgets["period"].set_choices(periods)
        self.widgets["activity"].set_choices(activities)
        every = self.window._("all")
        self.partner_filter.configure(values=[every] + [p.split(" ", 1)[0] for p in partners])
        self.line_filter.configure(values=[every] + [line.split(" ", 1)[0] for line in lines])
        self.period_filter.configure(values=[every] + all_periods)
        self.funder_filter.configure(values=[every] + funders)
        for box in (self.partner_filter, self.line_filter, self.period_filter, self.funder_filter):
            box.set(every)
        self.search.delete(0, "end")
        self.query = ExpenditureQuery(limit=PAGE_SIZE)
        self.refresh_list()
        if typed is not None:
            if editing is not None:
                try:
                    self.open_record(editing, take_focus=False)
                except UserError:  # it is gone
                    editing = None
                self._stash = stash
            self.on_purpose = set(typed.get("", "").split())
            self._fill({name: value for name, value in typed.items() if name})
        self.update_preview()

    # The form

    def fields(self) -> dict[str, str]:
        """The form as text fields: pickers give the code of the choice the text names (or the text itself when it
        names none, to be refused by it); a derived value not typed on purpose is left to the program."""
        values = {name: var.get().strip() for name, var in self.vars.items()}
        for name, kind in FORM:
            if name in DERIVED and name not in self.on_purpose:
                values[name] = ""
            elif kind == "pick" and values[name]:
                picker = self.widgets[name]
                values[name] = (picker.resolve() or values[name]) if name == "rate_name" else picker.code()
        if self.editing:  # an edit sends every field: an emptied one is emptied, not "unchanged"
            return values
        return {name: value for name, value in values.items() if value}

    def _fill(self, values: dict[str, str]) -> None:
        """Put values into the form as the program (not the user) does."""
        self._filling = True
        try:
            for name, value in values.items():
                self.vars[name].set(value)
        finally:
            self._filling = False
        for name in DERIVED:
            self._show_auto(name)
        self._show_asked_fields()

    def _show_asked_fields(self) -> None:
        """The fields some funders ask for: shown where the project's rules ask for them or the form holds a value."""
        rules = self.definition.rules if self.definition is not None else None
        for name, rule in ASKED_BY_RULES.items():
            shown = bool(rules is not None and getattr(rules, rule)) or bool(self.vars[name].get().strip())
            self.form.show(self.cells[name], shown)
            (self.hidden_fields.discard if shown else self.hidden_fields.add)(name)

    def _changed(self, name: str) -> None:
        if self._filling:
            return
        if name in DERIVED:
            if self.vars[name].get().strip():
                self.on_purpose.add(name)
            else:
                self.on_purpose.discard(name)  # emptied: the program works it out again
            self._show_auto(name)
        if name in self.marked:
            self._mark(self.marked - {name})
        self._schedule_preview()

    def _show_auto(self, name: str) -> None:
        """A derived value worked out by the program is grey; one typed on purpose is black (a read-only record
        is all in the theme's disabled colour)."""
        auto = name not in self.on_purpose and self.locked_period is None
        self.widgets[name].configure(foreground=AUTO_COLOUR if auto else "")

    def _enter(self, index: int) -> str:
        name, kind = FORM[index]
        if self._preview_job:  # typed faster than the preview: know which fields the entry needs before moving on
            self.update_preview()
        if kind == "pick" and not self._check_pick(name):
            return "break"  # stays until it names one choice (or is emptied)
        for later in range(index + 1, len(FORM)):
            widget = self.widgets[FORM[later][0]]
            if str(widget.cget("state")) != "disabled" and FORM[later][0] not in self.hidden_fields:
                widget.focus_set()
                return "break"
        self.save()
        return "break"

    def _check_pick(self, name: str) -> bool:
        """Take the one choice a picker's text names; else turn it red and say why (it does not keep an older
        value)."""
        picker: SearchablePicker = self.widgets[name]  # type: ignore[assignment]
        if picker.complete() or not picker.get().strip():
            if name in self.marked:
                self._mark(self.marked - {name})
            return True
        _ = self.window._
        found = picker.matches(picker.get())
        self._say_problems(f"{_(name)}: " + (
            _("pick_several", value=repr(picker.get().strip()), choices=", ".join(found[:6]))
            if found else _("pick_none", value=repr(picker.get().strip()))))
        self._mark(self.marked | {name})
        return False

    def _show_preview(self, text: str) -> None:
        self.preview.configure(text=text)
        if text and not self.preview.winfo_manager():
            self.legend.pack_forget()
            self.preview.pack(side="right")
        elif not text and self.preview.winfo_manager():
            self.preview.pack_forget()
            self.legend.pack(side="right")

    def _say_problems(self, text: str) -> None:
        self.problems.configure(text=text)
        self.rate_link.pack_forget()
        if text and not self.problems.winfo_manager():
            self.problems.pack(fill="x")
        elif not text:
            self.problems.pack_forget()

    def _mark(self, names: set[str]) -> None:
        """Red labels and fields for these names; the others as usual."""
        self.marked = set(names)
        for name, widget in self.widgets.items():
            style = "danger" if name in names else "default"
            self.labels[name].configure(bootstyle=style)
            try:
                widget.configure(bootstyle=style)
            except tk.TclError:
                pass

    def save(self) -> None:
        if not self.code or self.locked_period is not None:
            return
        for name, kind in FORM:
            if kind == "pick" and not self._check_pick(name):
                self.widgets[name].focus_set()
                return
        _ = self.window._
        try:
            if self.editing:
                saved = edit_expenditure(self.window.store, self.code, self.editing, self.fields())
            else:
                saved = add_expenditure(self.window.store, self.code, self.fields())
        except ValidationError as error:
            self._refused(error.problems)
            return
        except UserError as error:
            if error.problem is None:
                raise
            self._refused([error.problem])
            return
        was_editing = self.editing is not None
        self._leave_edit()
        if was_editing and self._stash is not None:
            stash, self._stash = self._stash, None
            self._restore(stash)
        else:
            self.clear(keep=KEPT_FOR_NEXT)
        who = saved.supplier or saved.description
        self.status.configure(text=_("saved", number=saved.number, supplier=who if len(who) <= 32 else who[:31] + "…",
                                     amount=format_amount(saved.eligible_project_currency, _.lang)),
                              bootstyle="success")
        self.refresh_list()
        if saved.id in self.table.get_children():
            self.table.selection_set(saved.id)
            self.table.see(saved.id)
            if was_editing:
                self.table.focus(saved.id)
                self.table.focus_set()
        self.on_saved()

    def _refused(self, problems: list[Problem]) -> None:
        """Name every problem under the form, turn the fields red and put the cursor in the first."""
        _ = self.window._
        self._say_problems("\n".join(_.problem(p, where=_(p.where) if p.where in self.vars else p.where)
                                      for p in problems))
        self.status.configure(text="")
        refused = {p.where for p in problems if p.where in self.vars}
        self._mark(refused)
        missing = next((p.params for p in problems if p.message_id == "rate.missing"), None)
        if missing:  # the way to the Rates view, ready for the month's rate
            self.rate_link.configure(text=_("add_missing_rate", currency=missing["currency"], month=missing["month"]),
                                     command=lambda: self.window.add_rate(str(missing["currency"]),
                                                                          str(missing["month"])))
            self.rate_link.pack(anchor="w", after=self.problems)
        first = next((name for name, _kind in FORM if name in refused), None)
        if first is not None:
            widget = self.widgets[first]
            if str(widget.cget("state")) == "disabled":
                widget.configure(state="normal")
            widget.focus_set()
            widget.selection_range(0, "end")  # typing again replaces what was refused

    def clear(self, keep: tuple[str, ...] = ()) -> None:
        """Empty the form for the next document; with `keep`, the partner and line stay for a run of entries."""
        self._fill({name: (var.get() if name in keep else "") for name, var in self.vars.items()})
        self.on_purpose = set()
        for name in DERIVED:
            self._show_auto(name)
        self._mark(set())
        self._say_problems("")
        self._show_preview("")
        if self.winfo_ismapped():  # never take the cursor from another tab
            self.widgets["date" if keep else "partner"].focus_set()
        self._schedule_preview()

    def escape(self) -> None:
        """Esc: leave an edit (back to the entry that was in the form before it), else clear the form."""
        if self.editing is not None:
            self._leave_edit()
            stash, self._stash = self._stash, None
            if stash is not None:
                self._restore(stash)
            else:
                self.clear()
            self.table.focus_set()
        else:
            self.clear()
            self.status.configure(text="")

    def _snapshot(self) -> dict[str, str]:
        return {**{name: var.get() for name, var in self.vars.items()},
                "": " ".join(sorted(self.on_purpose))}

    def _restore(self, stash: dict[str, str]) -> None:
        self.clear()
        self.on_purpose = set(stash.get("", "").split())
        self._fill({name: value for name, value in stash.items() if name})
        if self.winfo_ismapped():
            self.widgets["partner"].focus_set()

    def _suggest_suppliers(self, _event: tk.Event) -> None:
        typed = self.vars["supplier"].get()
        if self.code and len(typed) >= 2:
            self.widgets["supplier"].configure(values=suggest_suppliers(self.window.store, self.code, typed))

    def _schedule_preview(self) -> None:
        if self._preview_job:
            self.after_cancel(self._preview_job)
        self._preview_job = self.after(250, self.update_preview)

    def update_preview(self) -> None:
        """The split among funders of what is typed, before saving, and the derived values the program works out;
        the fields a line or a currency does not use are greyed out (Enter and Tab pass them)."""
        if self._preview_job:
            self.after_cancel(self._preview_job)
        self._preview_job = None
        if not self.code or self.locked_period is not None:
            return
        self.state = state = entry_state(self.window.store, self.code, self.fields(), self.editing)
        self._fill({name: state.derived.get(name, "") for name in DERIVED if name not in self.on_purpose})
        self.widgets["rate_name"].set_choices(list(state.rate_names))
        for name, used in (("units", state.unit_cost), ("rate_name", state.unit_cost and bool(state.rate_names)),
                           ("rate", state.needs_rate), ("project_rate", state.needs_project_rate)):
            typed = name in self.on_purpose or (name not in DERIVED and self.vars[name].get().strip())
            self.widgets[name].configure(state="normal" if used or typed else "disabled")
        _ = self.window._
        lang = _.lang
        if state.expenditure is None:
            self._show_preview("")
            return
        paying = [(funder, amount) for funder, amount in state.parts if amount]
        self._show_preview(f"{_('split_preview')}: " + ", ".join(
            f"{funder} {format_amount(amount, lang)}" for funder, amount in paying) if paying else _("split_none"))

    # Editing a saved expenditure

    def edit_selected(self) -> None:
        selected = self.table.focus() or next(iter(self.table.selection()), "")
        if selected and self.code:
            self.open_record(selected)

    def open_record(self, reference: str, take_focus: bool = True) -> None:
        """Show a saved expenditure in the form to change it; one of a submitted period read-only."""
        assert self.code is not None and self.definition is not None
        expenditure = get_expenditure(self.window.store, self.code, reference)
        if self.editing is None:
            self._stash = self._snapshot()  # the entry in progress comes back after the edit
        text = fields_of(expenditure)
        names = {b.code: f"{b.code} {b.name}" for b in self.definition.budget_lines}
        partners = {p.code: f"{p.code} {p.name}" for p in self.definition.partners}
        activities = {a.code: f"{a.code} {a.title}" for a in self.definition.activities}
        text["line"] = names.get(text["line"], text["line"])
        text["partner"] = partners.get(text["partner"], text["partner"])
        text["activity"] = activities.get(text["activity"], text["activity"])
        self.clear()
        self.editing, self.editing_record = expenditure.id, expenditure
        period = self.definition.period(expenditure.period)
        self.locked_period = expenditure.period if period is not None and period.submitted else None
        self.on_purpose = set() if self.locked_period else set(DERIVED) - auto_fields(
            self.window.store, self.code, expenditure)
        self._fill({name: text.get(name, "") for name in self.vars})
        _ = self.window._
        if self.locked_period is not None:
            self.form_frame.configure(text=_("read_only", number=expenditure.number, period=self.locked_period),
                                      bootstyle="secondary")
            self.reopen_button.configure(text=_("reopen_period", period=self.locked_period))
            self.reopen_button.pack(side="left", padx=6, after=self.clear_button)
            self.save_button.configure(state="disabled")
            self._set_inputs("disabled")
            self.clear_button.configure(text=_("close_record"))
            self._show_preview("")
            if take_focus:
                self.table.focus_set()
        else:
            self.form_frame.configure(text=_("editing", number=expenditure.number,
                                             supplier=expenditure.supplier or expenditure.description),
                                      bootstyle="warning")
            self.save_button.configure(text=_("save_changes"))
            self.clear_button.configure(text=_("cancel_edit"))
            if take_focus:
                self.widgets["date"].focus_set()
            self.update_preview()

    def _set_inputs(self, state: str) -> None:
        for widget in self.widgets.values():
            widget.configure(state=state)
            if isinstance(widget.master, ttk.DateEntry):
                widget.master.button.configure(state=state)
        self.attach_button.configure(state=state)

    def _leave_edit(self) -> None:
        _ = self.window._
        was_locked = self.locked_period is not None
        self.editing = self.editing_record = None
        self.locked_period = None
        self.form_frame.configure(text=_("new_expenditure"), bootstyle="default")
        self.save_button.configure(text=_("save"), state="normal")
        self.clear_button.configure(text=_("clear"))
        self.reopen_button.pack_forget()
        if was_locked:
            self._set_inputs("normal")

    def reopen(self) -> None:
        """Reopen the submitted period of the record shown, with a reason the audit log keeps."""
        if self.locked_period is None or not self.code or self.editing is None:
            return
        _ = self.window._
        period, record = self.locked_period, self.editing
        reason = ReasonDialog(self, _("reopen_title", period=period), _("reopen_prompt", period=period),
                              _("reopen_ok"), _("cancel")).ask()
        if not reason:
            return
        reopen_period(self.window.store, self.code, period, reason)
        self._stash, stash = None, self._stash
        self.window.project_changed()  # every view sees the period open again
        self._stash = stash
        self.open_record(record)
        self.status.configure(text=_("period_reopened", period=period), bootstyle="success")

    # Attachments

    def attach(self) -> None:
        """Choose a file (a scan, a PDF): it is copied beside the database under its SHA-256 and referred to."""
        if not self.code or self.locked_period is not None:
            return
        _ = self.window._
        name = filedialog.askopenfilename(parent=self, title=_("attach_title"), filetypes=[
            (_("scans_and_pdf"), "*.pdf *.PDF *.jpg *.jpeg *.png *.tif *.tiff *.JPG *.PNG"), (_("all_files"), "*")])
        if not name:
            return
        reference = keep_file(self.window.store, Path(name))
        present = [r.strip() for r in self.vars["attachments"].get().split(";") if r.strip()]
        if reference not in present:
            self.vars["attachments"].set("; ".join([*present, reference]))

    def open_attachment(self) -> None:
        """Open the kept files of the selected row (or of the record in the form) with the system's viewer."""
        selected = self.table.focus() or next(iter(self.table.selection()), "")
        if not self.code or not selected:
            return
        references = get_expenditure(self.window.store, self.code, selected).attachments
        kept = [r for r in references if kept_file(r) is not None]
        if not kept:
            self.status.configure(text=self.window._("no_attachment"), bootstyle="secondary")
            return
        for reference in kept:
            open_with_system(kept_path(self.window.store, reference))

    # The list

    def apply_filters(self) -> None:
        every = ("", self.window._("all"))
        partner, line, period = self.partner_filter.get(), self.line_filter.get(), self.period_filter.get()
        funder = self.funder_filter.get()
        self.query = ExpenditureQuery(
            partner=None if partner in every else partner, budget_line=None if line in every else line,
            period=None if period in every else int(period), funder=None if funder in every else funder,
            text=self.search.get().strip() or None,
            sort=self.query.sort, descending=self.query.descending, limit=PAGE_SIZE)
        self.refresh_list()

    def sort_by(self, key: str) -> None:
        descending = not self.query.descending if self.query.sort == key else False
        self.query = replace(self.query, sort=key, descending=descending, offset=0)
        self.refresh_list()

    def turn(self, pages: int) -> None:
        offset = max(0, self.query.offset + pages * PAGE_SIZE)
        if pages > 0 and offset >= self.total():
            return
        self.query = replace(self.query, offset=offset)
        self.refresh_list()

    def refresh_list(self) -> None:
        """The page, with the count of all rows matching and their total; in a project of many rows the count
        follows when the window is idle (it reads every row matching: the page is drawn first)."""
        self.table.delete(*self.table.get_children())
        self._total = 0
        if self._count_job:
            self.after_cancel(self._count_job)
            self._count_job = None
        if not self.code:
            self.page_label.configure(text="")
            self.total_label.configure(text="")
            return
        rows = next((p.expenditures for p in self.window.project_summaries if p.code == self.code), 0)
        page = list_expenditures(self.window.store, self.code, self.query, count=rows <= COUNTED_AT_ONCE)
        lang = self.window._.lang
        for e in page.rows:
            locked = e.period in self._locked_periods
            kept = any(kept_file(r) is not None for r in e.attachments)
            icon = self.lock_icon if locked else self.clip_icon if kept else None
            self.table.insert("", "end", iid=e.id, image=icon or "", tags=("locked",) if locked else (),
                              values=(e.number, e.document_date.isoformat(), e.partner, e.budget_line, e.document_no,
                                      e.supplier, e.currency, format_amount(e.gross, lang),
                                      format_amount(e.vat, lang), format_amount(e.eligible_project_currency, lang),
                                      e.period))
        self._shown = (page.offset + 1 if page.rows else 0, page.offset + len(page.rows))
        if page.total is None:
            self._total = None
            self.page_label.configure(text=self.window._("page", first=self._shown[0], last=self._shown[1],
                                                         total="…"))
            self.total_label.configure(text="")
            self._count_job = self.after_idle(self.total)
        else:
            self._show_total(page.total, page.total_eligible)
        children = self.table.get_children()
        if children and not self.table.focus():
            self.table.focus(children[0])

    def total(self) -> int:
        """The rows matching the filter on all pages, counted now if they are not yet, and shown."""
        if self._total is None:
            if self._count_job:
                self.after_cancel(self._count_job)
                self._count_job = None
            self._show_total(*count_expenditures(self.window.store, self.code, self.query))
        return self._total  # type: ignore[return-value]

    def _show_total(self, total: int, eligible: Decimal) -> None:
        self._total = total
        _ = self.window._
        self.page_label.configure(text=_("page", first=self._shown[0], last=self._shown[1], total=total))
        self.total_label.configure(text=_("list_total", amount=format_amount(eligible, _.lang)))

    def delete_selected(self) -> None:
        """Delete the selected expenditure after asking; a row of a submitted period is refused before asking."""
        selected = self.table.focus() or next(iter(self.table.selection()), "")
        if not selected or not self.code:
            return
        _ = self.window._
        expenditure = get_expenditure(self.window.store, self.code, selected)
        if expenditure.period in self._locked_periods:
            self.status.configure(text=_("delete_locked", number=expenditure.number, period=expenditure.period),
                                  bootstyle="danger")
            return
        answer = Messagebox.yesno(_("delete_confirm", number=expenditure.number,
                                    supplier=expenditure.supplier or expenditure.description),
                                  title=_("delete"), parent=self, default="No")
        if answer == MessageCatalog.translate("Yes"):
            delete_expenditure(self.window.store, self.code, selected)
            if self.editing == selected:
                self.escape()
            self.refresh_list()
            self.status.configure(text=_("deleted", number=expenditure.number), bootstyle="success")
            self.on_saved()

    def show_expenditure(self, reference: str) -> None:
        """Jump to a record (from a finding): find its row in the list and open it in the form."""
        if not self.code:
            return
        expenditure = get_expenditure(self.window.store, self.code, reference)
        every = self.window._("all")
        for box in (self.line_filter, self.period_filter, self.funder_filter):
            box.set(every)
        self.partner_filter.set(expenditure.partner)
        self.search.delete(0, "end")
        self.search.insert(0, expenditure.document_no or expenditure.description)
        self.query = ExpenditureQuery(limit=PAGE_SIZE)
        self.apply_filters()
        while expenditure.id not in self.table.get_children() and self.query.offset + PAGE_SIZE < self.total():
            self.turn(1)
        if expenditure.id in self.table.get_children():
            self.table.selection_set(expenditure.id)
            self.table.focus(expenditure.id)
            self.table.see(expenditure.id)
        self.open_record(expenditure.id)

    def refresh_keys(self) -> None:
        """Widgets made after the view was built answer its shortcuts too."""
        add_tag(self, self.keys_tag)
