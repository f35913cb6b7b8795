"""Fast keyboard entry of expenditure, with a live split preview, above a list paged and sorted in SQL.

Enter moves to the next field and saves on the last one; Ctrl+S saves from
anywhere; Esc clears the form. A refused entry keeps every typed value and
names the fields to fix under the form.
"""

from __future__ import annotations

import tkinter as tk
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.errors import UserError, ValidationError
from reporter.domain.money import format_amount
from reporter.services.expenditures import (
    add_expenditure,
    delete_expenditure,
    edit_expenditure,
    fields_of,
    get_expenditure,
    list_expenditures,
    preview_split,
    suggest_suppliers,
)
from reporter.gui.widgets import SearchablePicker
from reporter.services.projects import project_definition
from reporter.store.expenditures import ExpenditureQuery

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

PAGE_SIZE = 100
# The form's fields in Tab order, and how each is entered.
FORM = (("partner", "pick"), ("line", "pick"), ("date", "date"), ("document", "text"), ("supplier", "supplier"),
        ("gross", "text"), ("vat", "text"), ("eligible", "text"), ("currency", "text"), ("period", "pick"),
        ("activity", "pick"), ("description", "text"), ("paid", "date"), ("paid_by", "text"))
LIST_COLUMNS = (("number", "number", 55, "e"), ("date", "date", 120, "w"), ("partner", "partner", 80, "w"),
                ("line", "line", 110, "w"), ("document", "document", 230, "w"), ("supplier", "supplier", 330, "w"),
                ("amount", "amount", 130, "e"), ("period", "period", 90, "e"))


class ExpenditureView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow", on_saved: Callable[[], None]) -> None:
        super().__init__(master, padding=8)
        self.window = window
        self.on_saved = on_saved
        self.code: str | None = None
        self.editing: str | None = None  # the id of the expenditure in the form, when editing
        self.vars = {name: tk.StringVar() for name, _ in FORM}
        self.widgets: dict[str, tk.Widget] = {}
        self.query = ExpenditureQuery(limit=PAGE_SIZE)
        self._total = 0  # rows matching the filter, on all pages
        self._preview_job: str | None = None
        self._build()

    # Layout

    def _build(self) -> None:
        _ = self.window._
        form = ttk.Labelframe(self, text=_("expenditure"), padding=8)
        form.pack(fill="x")
        for index, (name, kind) in enumerate(FORM):
            row, column = divmod(index, 5)
            ttk.Label(form, text=_(name)).grid(row=row * 2, column=column, sticky="w", padx=4)
            if kind == "date":
                widget = ttk.DateEntry(form, date_format="%Y-%m-%d", first_weekday=0, value=None, width=12)
                widget.entry.configure(textvariable=self.vars[name])
                entry = widget.entry
            elif kind == "pick":
                widget = entry = SearchablePicker(form, textvariable=self.vars[name], width=22)
            elif kind == "supplier":
                widget = entry = ttk.Combobox(form, textvariable=self.vars[name], width=22)
                entry.bind("<KeyRelease>", self._suggest_suppliers, add="+")
            else:
                widget = entry = ttk.Entry(form, textvariable=self.vars[name], width=24)
            widget.grid(row=row * 2 + 1, column=column, sticky="ew", padx=4, pady=(0, 6))
            entry.bind("<Return>", lambda event, i=index: self._enter(i))
            entry.bind("<KP_Enter>", lambda event, i=index: self._enter(i))
            self.widgets[name] = entry
            self.vars[name].trace_add("write", lambda *_args: self._schedule_preview())
        for column in range(5):
            form.columnconfigure(column, weight=1)
        buttons = ttk.Frame(form)
        buttons.grid(row=6, column=0, columnspan=5, sticky="ew")
        ttk.Button(buttons, text=_("save"), bootstyle="primary", command=self.save).pack(side="left")
        ttk.Button(buttons, text=_("clear"), bootstyle="secondary-outline", command=self.clear).pack(side="left", padx=6)
        self.preview = ttk.Label(buttons, text="", bootstyle="info")
        self.preview.pack(side="left", padx=12)
        self.problems = ttk.Label(form, text="", bootstyle="danger", justify="left")
        self.problems.grid(row=7, column=0, columnspan=5, sticky="w")
        self.status = ttk.Label(form, text="", bootstyle="success")
        self.status.grid(row=8, column=0, columnspan=5, sticky="w")

        filters = ttk.Frame(self, padding=(0, 8, 0, 4))
        filters.pack(fill="x")
        self.partner_filter = self._filter(filters, _("partner"), 10)
        self.line_filter = self._filter(filters, _("line"), 14)
        self.period_filter = self._filter(filters, _("period"), 6)
        self.funder_filter = self._filter(filters, _("funder"), 10)
        ttk.Label(filters, text=_("search")).pack(side="left")
        self.search = ttk.Entry(filters, width=30)
        self.search.pack(side="left", padx=4)
        self.search.bind("<Return>", lambda _e: self.apply_filters())
        self.page_label = ttk.Label(filters, text="")
        self.page_label.pack(side="right")
        ttk.Button(filters, text=_("next"), command=lambda: self.turn(1), bootstyle="link").pack(side="right")
        ttk.Button(filters, text=_("previous"), command=lambda: self.turn(-1), bootstyle="link").pack(side="right")

        self.table = ttk.Treeview(self, columns=[c[0] for c in LIST_COLUMNS], show="headings", height=14)
        for key, label, width, anchor in LIST_COLUMNS:
            self.table.heading(key, text=_(label), command=lambda key=key: self.sort_by(key))
            self.table.column(key, width=width, anchor=anchor, stretch=key in ("supplier", "document"))
        self.table.pack(fill="both", expand=True)
        self.table.bind("<Double-1>", lambda _e: self.edit_selected())
        self.table.bind("<Delete>", lambda _e: self.delete_selected())
        self.bind_all("<Control-s>", lambda _e: self.save())
        self.bind_all("<Escape>", lambda _e: self.clear())

    def _filter(self, filters: ttk.Frame, label: str, width: int) -> ttk.Combobox:
        """A labelled choice that filters the list as soon as it is chosen."""
        ttk.Label(filters, text=label).pack(side="left")
        box = ttk.Combobox(filters, state="readonly", width=width)
        box.pack(side="left", padx=(4, 12))
        box.bind("<<ComboboxSelected>>", lambda _e: self.apply_filters())
        return box

    # Project

    def show_project(self, code: str | None) -> None:
        self.code = code
        self.clear()
        partners, lines, periods, activities, funders, all_periods = [], [], [], [], [], []
        if code:
            definition = project_definition(self.window.store, code)
            partners = [f"{p.code} {p.name}" for p in definition.partners]
            lines = [f"{b.code} {b.name}" for b in definition.budget_lines]
            periods = [str(p.number) for p in definition.periods if not p.submitted]
            all_periods = [str(p.number) for p in definition.periods]
            activities = [""] + [f"{a.code} {a.title}" for a in definition.activities]
            funders = [f.code for f in definition.funders]
        self.widgets["partner"].set_choices(partners)
        self.widgets["line"].set_choices(lines)
        self.widgets["period"].set_choices([""] + periods)
        self.widgets["activity"].set_choices(activities)
        every = self.window._("all")
        self.partner_filter.configure(values=[every] + [p.split(" ", 1)[0] for p in partners])
        self.line_filter.configure(values=[every] + [line.split(" ", 1)[0] for line in lines])
        self.period_filter.configure(values=[every] + all_periods)
        self.funder_filter.configure(values=[every] + funders)
        for box in (self.partner_filter, self.line_filter, self.period_filter, self.funder_filter):
            box.set(every)
        self.query = ExpenditureQuery(limit=PAGE_SIZE)
        self.refresh_list()

    # The form

    def fields(self) -> dict[str, str]:
        """The form as text fields; pickers give the code of the choice the text names (its first word)."""
        values = {name: var.get().strip() for name, var in self.vars.items()}
        for name, kind in FORM:
            if kind == "pick" and values[name]:
                values[name] = self.widgets[name].resolve(values[name]).split(" ", 1)[0]
        return {name: value for name, value in values.items() if value}

    def _enter(self, index: int) -> str:
        if FORM[index][1] == "pick":
            self.widgets[FORM[index][0]].complete()
        if index == len(FORM) - 1:
            self.save()
        else:
            self.widgets[FORM[index + 1][0]].focus_set()
        return "break"

    def save(self) -> None:
        if not self.code:
            return
        try:
            if self.editing:
                saved = edit_expenditure(self.window.store, self.code, self.editing, self.fields())
            else:
                saved = add_expenditure(self.window.store, self.code, self.fields())
        except ValidationError as error:
            _ = self.window._
            self.problems.configure(text="\n".join(_.problem(p, where=_(p.where)) for p in error.problems))
            self.status.configure(text="")
            return
        self.clear(keep=("partner", "line", "period", "activity", "currency"))
        self.status.configure(text=self.window._("saved", number=saved.number, supplier=saved.supplier,
                                                 amount=format_amount(saved.eligible_project_currency,
                                                                      self.window._.lang)))
        self.refresh_list()
        self.on_saved()

    def clear(self, keep: tuple[str, ...] = ()) -> None:
        """Empty the form for the next document; the partner and line stay for a run of entries."""
        for name, var in self.vars.items():
            if name not in keep:
                var.set("")
        self.editing = None
        self.problems.configure(text="")
        self.widgets["date" if keep else "partner"].focus_set()

    def _suggest_suppliers(self, _event: tk.Event) -> None:
        typed = self.vars["supplier"].get()
        if self.code and len(typed) >= 2:
            self.widgets["supplier"].configure(values=suggest_suppliers(self.window.store, self.code, typed))

    def _schedule_preview(self) -> None:
        if self._preview_job:
            self.after_cancel(self._preview_job)
        self._preview_job = self.after(250, self.update_preview)

    def update_preview(self) -> None:
        """The split among funders of what is typed, before saving (empty until it is a valid entry)."""
        self._preview_job = None
        if not self.code:
            return
        try:
            parts = preview_split(self.window.store, self.code, self.fields(), self.editing)
        except UserError:
            self.preview.configure(text="")
            return
        lang = self.window._.lang
        paying = [(funder, amount) for funder, amount in parts if amount]
        self.preview.configure(text=f"{self.window._('split_preview')}: " + ", ".join(
            f"{funder} {format_amount(amount, lang)}" for funder, amount in paying) if paying
            else self.window._("split_none"))

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
        if pages > 0 and offset >= self._total:
            return
        self.query = replace(self.query, offset=offset)
        self.refresh_list()

    def refresh_list(self) -> None:
        self.table.delete(*self.table.get_children())
        self._total = 0
        if not self.code:
            self.page_label.configure(text="")
            return
        page = list_expenditures(self.window.store, self.code, self.query)
        lang = self.window._.lang
        for e in page.rows:
            self.table.insert("", "end", iid=e.id, values=(
                e.number, e.document_date.isoformat(), e.partner, e.budget_line, e.document_no, e.supplier,
                format_amount(e.eligible_project_currency, lang), e.period))
        self._total = page.total
        first = page.offset + 1 if page.rows else 0
        self.page_label.configure(text=self.window._("page", first=first, last=page.offset + len(page.rows),
                                                     total=page.total))

    def edit_selected(self) -> None:
        selected = self.table.selection()
        if not selected or not self.code:
            return
        expenditure = get_expenditure(self.window.store, self.code, selected[0])
        text = fields_of(expenditure)
        definition = project_definition(self.window.store, self.code)
        names = {b.code: f"{b.code} {b.name}" for b in definition.budget_lines}
        text["line"] = names.get(text["line"], text["line"])
        partners = {p.code: f"{p.code} {p.name}" for p in definition.partners}
        text["partner"] = partners.get(text["partner"], text["partner"])
        for name, var in self.vars.items():
            var.set(text.get(name, ""))
        self.editing = expenditure.id

    def delete_selected(self) -> None:
        """Delete the selected expenditure after asking; a locked period refuses with its reason."""
        selected = self.table.selection()
        if not selected or not self.code:
            return
        number, supplier = self.table.item(selected[0])["values"][0], self.table.item(selected[0])["values"][5]
        answer = Messagebox.yesno(self.window._("delete_confirm", number=number, supplier=supplier),
                                  title=self.window._("delete"), parent=self)
        if answer == MessageCatalog.translate("Yes"):
            delete_expenditure(self.window.store, self.code, selected[0])
            self.refresh_list()
            self.on_saved()
