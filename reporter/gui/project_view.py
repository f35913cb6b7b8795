"""Project setup: the projects, and one project's partners, funders, agreements, budget and periods in forms.

The forms edit the tables of the project's file (`project_data`), so a form
and a file are read by the same parser and give the same messages. Every
change is checked at once against the whole project: the fields a problem
names turn red under the form, and the list at the bottom holds every problem
left. Nothing is saved until "Save project", and then all of it or nothing.
"""

from __future__ import annotations

import copy
import re
import tkinter as tk
import tkinter.font as tkfont
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.errors import UserError, ValidationError
from reporter.domain.model import (
    Activity,
    BudgetAmount,
    BudgetLine,
    Funder,
    FundingAgreement,
    Partner,
    Project,
    ReportingPeriod,
)
from reporter.domain.records import (
    AMOUNT,
    CHOICE,
    CODE,
    CODES,
    CURRENCY,
    DAY,
    FLAG,
    INTEGER,
    LABEL,
    PERCENT,
    TEXT,
    record_fields,
)
from reporter.domain.money import format_amount, format_percent, parse_amount
from reporter.gui.widgets import (
    FlowForm,
    ScrollableFrame,
    SearchablePicker,
    date_field,
    select_on_focus,
    view_keys,
)
from reporter.services.projects import (
    check_project_data,
    new_project_data,
    project_data,
    save_project_data,
    template_choices,
)

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

DEFAULT_TEMPLATE = "generic"


@dataclass(frozen=True)
class Field:
    """One field of a record form: its key in the project file and how it is entered.

    `options` is the section whose codes a "pick" offers, or the values of a "choice".
    """

    key: str
    kind: str = "text"  # text, label (words per language), amount, percent, date, int, flag, codes, choice, pick
    options: str | tuple[str, ...] = ()
    width: int = 16
    default: Any = None  # its value in a new record (and where the file leaves it out)
    span: int = 1  # form columns it takes
    label: str = ""  # the message id of its label, when not "field_<key>"


# How each kind of declared value is typed in a form.
_FORM_KINDS = {TEXT: "text", LABEL: "label", CURRENCY: "text", CHOICE: "choice", CODE: "pick", CODES: "codes", PERCENT: "percent",
               AMOUNT: "amount", DAY: "date", FLAG: "flag", INTEGER: "int"}
# What the record declarations do not say: how wide a field is, and labels and kinds that differ in a form.
_WIDTHS = {"name": 44, "title": 50, "code": 10, "country": 9, "share": 8, "budget_lines": 24, "activities": 24,
           "line": 24, "year": 6, "number": 6, "start": 13, "end": 13, "currency": 10, "contract_number": 20}
_LABELS = {("funding", "partner"): "field_partner_or_all", ("funding", "amount"): "field_fixed_amount"}


def form_fields(section: str, record_type: type, **overrides: Field) -> tuple[Field, ...]:
    """The form of a record, from its declared fields."""
    return tuple(overrides.get(f.key) or Field(
        f.key, _FORM_KINDS[f.kind], f.options or f.refers_to, _WIDTHS.get(f.key, 16),
        f.default, label=_LABELS.get((section, f.key), ""))
        for f in record_fields(record_type))


SECTIONS: tuple[tuple[str, tuple[Field, ...]], ...] = tuple(
    (section, form_fields(section, record_type)) for section, record_type in (
        ("partners", Partner), ("funders", Funder), ("funding", FundingAgreement), ("budget_lines", BudgetLine),
        ("budget", BudgetAmount), ("periods", ReportingPeriod), ("activities", Activity)))
PROJECT_FIELDS = form_fields("project", Project, title=Field("title", width=60, span=2),
                             template=Field("template", "choice", width=26, span=3),
                             contract_number=Field("contract_number", width=20, span=2))


def display(field: Field, value: Any, _: Any) -> str:
    """A stored or typed value as the form shows it, in the interface language."""
    if value is None or value == "":
        return ""
    if isinstance(value, dict):  # a label's words per language: the interface language's, else the first
        return value.get(_.lang) or next(iter(value.values()), "")
    if field.kind == "amount" and isinstance(value, Decimal):
        return format_amount(value, _.lang)
    if field.kind == "percent" and isinstance(value, (Decimal, int)):
        return format_percent(Decimal(value), _.lang)
    if isinstance(value, date):
        return value.isoformat()
    if field.kind == "flag":
        return "✓" if value else ""
    if field.kind == "codes":
        return ", ".join(value)
    if field.kind == "choice" and field.options:
        return _(f"{field.key}_{value}")
    return str(value)


def budget_total(records: list[dict[str, Any]], _: Any) -> str:
    """The budget's total and each partner's, formatted, for under the list (amounts not yet valid are left out)."""
    totals: dict[str, Decimal] = {}
    for record in records:
        try:
            amount = record["amount"] if isinstance(record.get("amount"), Decimal) else \
                parse_amount(str(record.get("amount", "")), "amount")
        except UserError:
            continue
        partner = str(record.get("partner", ""))
        totals[partner] = totals.get(partner, Decimal(0)) + amount
    if not totals:
        return ""
    whole = format_amount(sum(totals.values(), Decimal(0)), _.lang)
    return _("budget_total", total=whole, partners=" · ".join(
        f"{partner} {format_amount(amount, _.lang)}" for partner, amount in totals.items()))


class FieldEditor:
    """The widgets of a set of fields, reading and writing one record's table.

    The fields flow into as many columns as the width allows (`FlowForm`), so none is cut in a narrow window.
    A field turns red for a problem only once it was typed into (or the user tried to save).
    """

    def __init__(self, master: tk.Misc, view: "ProjectView", fields: tuple[Field, ...], on_change: Any,
                 cell_width: int = 170) -> None:
        self.view = view
        self.fields = fields
        self.vars: dict[str, tk.Variable] = {}
        self.widgets: dict[str, tk.Widget] = {}
        self.labels: dict[str, ttk.Label] = {}
        self.touched: set[str] = set()
        self._showing = False
        _ = view.window._
        self.form = FlowForm(master, cell_width=cell_width)
        for field in fields:
            cell = self.form.cell(field.span)
            label = ttk.Label(cell, text=_(field.label or f"field_{field.key}"))
            label.pack(anchor="w")
            self.labels[field.key] = label
            if field.kind == "flag":
                var: tk.Variable = tk.BooleanVar(value=field.default)
                widget: tk.Widget = ttk.Checkbutton(cell, variable=var, bootstyle="round-toggle")
            elif field.kind == "date":
                var = tk.StringVar()
                date_entry = date_field(cell, min(field.width, 11))
                date_entry.entry.configure(textvariable=var)
                widget = date_entry
            elif field.kind == "choice":
                var = tk.StringVar()
                widget = ttk.Combobox(cell, textvariable=var, state="readonly", width=min(field.width, 18))
            elif field.kind == "pick":
                var = tk.StringVar()
                widget = SearchablePicker(cell, lambda field=field: self._choices_of(field), textvariable=var,
                                          width=min(field.width, 18))
            else:
                var = tk.StringVar()
                widget = ttk.Entry(cell, textvariable=var, width=min(field.width, 18))
                select_on_focus(widget)
            widget.pack(fill="x")
            var.trace_add("write", lambda *_args, key=field.key: self._typed(key, on_change))
            self.vars[field.key] = var
            self.widgets[field.key] = widget
        self._choice_codes: dict[str, dict[str, str]] = {}
        self.offer_choices()

    def _typed(self, key: str, on_change: Any) -> None:
        if not self._showing:
            self.touched.add(key)
        on_change()

    def offer_choices(self) -> None:
        """Fill the pickers with the codes the project has now (its partners, funders, lines…)."""
        _ = self.view.window._
        for field in self.fields:
            widget = self.widgets[field.key]
            if field.kind == "choice":
                options = field.options or tuple(code for code, _name in self.view.templates)
                labels = {display(field, code, _) if field.options else
                          f"{code} — {dict(self.view.templates)[code]}": code for code in options}
                if field.options and field.default is None:  # an optional choice: left empty, the default holds
                    labels = {"": "", **labels}
                self._choice_codes[field.key] = labels
                widget.configure(values=list(labels))
            elif field.kind == "pick":
                widget.set_choices(self._choices_of(field))

    def _choices_of(self, field: Field) -> list[str]:
        """The codes (with names) the project has now in the section a picker names: a funder added a moment
        ago can be typed at once."""
        rows = self.view.data.get(str(field.options), [])
        name = "title" if field.options == "activities" else "name"
        return [""] + [f"{r.get('code', '')} {r.get(name, '')}".strip() for r in rows if r.get("code")]

    def show(self, record: dict[str, Any]) -> None:
        self._showing = True
        try:
            self._show(record)
        finally:
            self._showing = False
        self.touched = set()

    def _show(self, record: dict[str, Any]) -> None:
        _ = self.view.window._
        for field in self.fields:
            value = record.get(field.key, field.default)
            if field.kind == "flag":
                self.vars[field.key].set(bool(value))
            elif field.kind == "choice":
                labels = {code: label for label, code in self._choice_codes.get(field.key, {}).items()}
                self.vars[field.key].set(labels.get(value, "" if value is None else str(value)))
            elif field.kind == "pick" and value:
                self.vars[field.key].set(self.widgets[field.key].resolve(str(value)) or value)
            else:
                self.vars[field.key].set(display(field, value, _))

    def record(self) -> dict[str, Any]:
        """The record as the project file would hold it; an empty field is left out."""
        record: dict[str, Any] = {}
        for field in self.fields:
            value = self.vars[field.key].get()
            if field.kind == "flag":
                record[field.key] = bool(value)
                continue
            text = str(value).strip()
            if field.kind == "choice":
                text = self._choice_codes.get(field.key, {}).get(text, text)
            elif field.kind == "pick":
                text = self.widgets[field.key].code()
            elif field.kind == "codes":
                codes = [code for code in re.split(r"[,;\s]+", text) if code]
                if codes:
                    record[field.key] = codes
                continue
            if text:
                record[field.key] = text
        return record

    def mark(self, problems: dict[str, str], every: bool = False) -> dict[str, str]:
        """Red labels and fields for the problems named by field key, of the fields typed into (`every`: of all);
        returns the problems marked."""
        problems = {key: message for key, message in problems.items() if every or key in self.touched or not key}
        for key, widget in self.widgets.items():
            self.labels[key].configure(bootstyle="danger" if key in problems else "default")
            target = widget.entry if isinstance(widget, ttk.DateEntry) else widget
            if isinstance(target, (ttk.Entry, ttk.Combobox)):
                target.configure(bootstyle="danger" if key in problems else "default")
        return problems


class RecordTable(ttk.Frame):
    """The records of one section in a list, and a form for the selected (or a new) record."""

    def __init__(self, master: tk.Misc, view: "ProjectView", section: str, fields: tuple[Field, ...]) -> None:
        super().__init__(master, padding=6)
        self.view = view
        self.section = section
        self.fields = fields
        self.index: int | None = None  # the record in the form; None: a new one
        _ = view.window._
        shown = fields[:8]
        self.table = ttk.Treeview(self, columns=[f.key for f in shown], show="headings", height=5)
        for field in shown:
            self.table.heading(field.key, text=_(field.label or f"field_{field.key}"))
            self.table.column(field.key, width=120 if field.width >= 40 else min(field.width, 30) * 7, minwidth=50,
                              anchor="e" if field.kind in ("amount", "percent", "int") else "w",
                              stretch=field.width >= 40)
        self.table.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.table.bind("<Delete>", lambda _e: self.remove())
        buttons = ttk.Frame(self)
        buttons.pack(side="bottom", fill="x")
        form = ttk.Frame(self, padding=(0, 6, 0, 0))
        form.pack(side="bottom", fill="x")
        self.total = ttk.Label(self, text="", bootstyle="secondary")
        if section == "budget":  # the budget's amounts add up under the list
            self.total.pack(side="bottom", anchor="e")
        self.table.pack(fill="both", expand=True)
        self.editor = FieldEditor(form, view, fields, self._changed)
        self.editor.form.pack(fill="x")
        ttk.Button(buttons, text=_("apply"), bootstyle="primary", command=self.apply).pack(side="left")
        ttk.Button(buttons, text=_("add_new"), bootstyle="secondary-outline", command=self.new).pack(side="left",
                                                                                                   padx=6)
        ttk.Button(buttons, text=_("remove"), bootstyle="danger-outline", command=self.remove).pack(side="left")
        self.problems = ttk.Label(buttons, text="", bootstyle="danger", justify="left", wraplength=700)
        self.problems.pack(side="left", padx=12)
        for widget in self.editor.widgets.values():
            target = widget.entry if isinstance(widget, ttk.DateEntry) else widget
            target.bind("<Return>", lambda _e: self.apply(), add="+")
        self.editor.form.bind("<Configure>", lambda e: self.problems.configure(wraplength=max(300, e.width - 360)),
                              add="+")

    def refresh(self) -> None:
        _ = self.view.window._
        self.table.delete(*self.table.get_children())
        records = self.view.data.get(self.section, [])
        rows = [[display(f, record.get(f.key, f.default), _) for f in self.fields[:8]] for record in records]
        for i, values in enumerate(rows):
            self.table.insert("", "end", iid=str(i), values=values)
        font = tkfont.nametofont("TkDefaultFont")  # each column as wide as its heading and what it shows
        for index, field in enumerate(self.fields[:8]):
            if field.width < 40:
                shown = [font.measure(_(field.label or f"field_{field.key}"))] + [font.measure(str(r[index]))
                                                                                  for r in rows]
                width = min(260, max(shown)) + 14
                self.table.column(field.key, width=width, minwidth=min(width, 120))
        if self.section == "budget":
            self.total.configure(text=budget_total(records, _))
        self.editor.offer_choices()
        self.new()

    def _selected(self) -> None:
        selected = self.table.selection()
        if selected:
            self.index = int(selected[0])
            self.editor.show(self.view.data[self.section][self.index])
            self._changed()

    def select(self, index: int) -> None:
        if str(index) in self.table.get_children():
            self.table.selection_set(str(index))
            self.table.see(str(index))

    def new(self) -> None:
        self.index = None
        self.table.selection_remove(*self.table.selection())
        self.editor.show({})
        self.problems.configure(text="")
        self.editor.mark({})

    def _changed(self) -> None:
        self.view.schedule_check()

    def candidate(self) -> tuple[int, dict[str, Any]]:
        """Where the record in the form would go, and the record."""
        records = self.view.data.get(self.section, [])
        return (len(records) if self.index is None else self.index), self.editor.record()

    def show_problems(self, problems: list[tuple[str, str]], every: bool = False) -> None:
        """Problems of the record in the form: by field (red) and as text under the form; only of the fields
        typed into, unless `every` (the user tried to apply or save)."""
        by_field = {where.split(".", 1)[1].split("[", 1)[0] if "." in where else "": message
                    for where, message in problems}
        by_field = self.editor.mark(by_field, every or self.index is not None)
        _ = self.view.window._
        self.problems.configure(text="\n".join(
            f"{_(f'field_{key}') if key else _('record')}: {message}" for key, message in by_field.items()))

    def typed(self, record: dict[str, Any]) -> bool:
        """Whether anything but the defaults (of switches and choices) is in the form."""
        return any(record.get(f.key) not in (None, "", f.default) for f in self.fields if f.kind != "flag")

    def merged(self, previous: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
        """The form's record over the keys it has no field for (an activity's plan stays)."""
        keys = {f.key for f in self.fields}
        merged = {**{k: v for k, v in previous.items() if k not in keys}, **record}
        for field in self.fields:  # a label typed in one language keeps its words in the others
            if field.kind == "label" and isinstance(previous.get(field.key), dict) and field.key in record:
                merged[field.key] = {**previous[field.key], self.view.window._.lang: record[field.key]}
        return merged

    def apply(self) -> str:
        """Put the form's record into the project (not yet saved)."""
        records = self.view.data.setdefault(self.section, [])
        index, record = self.candidate()
        if self.index is None and not self.typed(record):
            return "break"  # Enter in an empty form adds nothing
        if self.index is None:
            records.append(record)
        else:
            records[index] = self.merged(records[index], record)
        self.view.changed()
        self.refresh()  # the form is empty again, ready for the next record
        if str(index) in self.table.get_children():
            self.table.see(str(index))
            self.table.focus(str(index))
        self.first_field().focus_set()
        return "break"

    def first_field(self) -> tk.Widget:
        widget = self.editor.widgets[self.fields[0].key]
        return widget.entry if isinstance(widget, ttk.DateEntry) else widget

    def remove(self) -> None:
        if self.index is not None:
            del self.view.data[self.section][self.index]
            self.view.changed()
            self.refresh()


class ProjectView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow") -> None:
        super().__init__(master, padding=8)
        self.window = window
        self.data: dict[str, Any] = {}
        self.saved_code: str | None = None  # the code under which the project in the forms is saved
        self.dirty = False
        self.templates = template_choices()
        self._check_job: str | None = None
        self._problems: list[tuple[str, str]] = []
        self._build()

    # Layout

    def _build(self) -> None:
        _ = self.window._
        top = ttk.Frame(self)
        top.pack(fill="x")
        ttk.Button(top, text=_("new_project"), bootstyle="secondary", command=self.new_project).pack(side="left")
        ttk.Button(top, text=_("save_project"), bootstyle="primary", command=self.save).pack(side="left", padx=6)
        ttk.Button(top, text=_("revert"), bootstyle="secondary-outline", command=self.revert).pack(side="left")
        self.status = ttk.Label(top, text="")
        self.status.pack(side="left", padx=12)

        # Below the buttons everything scrolls when the window is lower than it needs: no list collapses.
        self.scroll = ScrollableFrame(self)
        self.scroll.pack(fill="both", expand=True)
        page = self.scroll.inner
        upper = ttk.Frame(page, padding=(0, 8))
        upper.pack(fill="x")
        projects = ttk.Labelframe(upper, text=_("projects"), padding=6)
        projects.pack(side="left", fill="y")
        self.projects = ttk.Treeview(projects, columns=("code", "title", "expenditures"), show="headings", height=5)
        font = tkfont.nametofont("TkDefaultFont")
        for key, width, anchor in (("code", 95, "w"), ("title", 150, "w"),
                                   ("expenditures", font.measure(_("field_expenditures")) + 14, "e")):
            self.projects.heading(key, text=_(f"field_{key}"))
            self.projects.column(key, width=width, anchor=anchor, minwidth=width, stretch=key == "title")
        self.projects.pack(fill="both", expand=True)
        self.projects.bind("<Double-1>", lambda _e: self._open_selected_project())
        self.projects.bind("<Return>", lambda _e: self._open_selected_project())
        details = ttk.Labelframe(upper, text=_("project"), padding=6)
        details.pack(side="left", fill="both", expand=True, padx=(8, 0))
        self.details = FieldEditor(details, self, PROJECT_FIELDS, self._details_changed)
        self.details.form.pack(fill="x")
        self.details_problems = ttk.Label(details, text="", bootstyle="danger", justify="left", wraplength=560)
        self.details_problems.pack(fill="x")
        details.bind("<Configure>", lambda e: self.details_problems.configure(wraplength=max(300, e.width - 20)),
                     add="+")

        bottom = ttk.Labelframe(page, text=_("problems"), padding=6)
        bottom.pack(side="bottom", fill="x", pady=(8, 0))
        self.problem_list = ttk.Treeview(bottom, columns=("where", "message"), show="headings", height=3)
        self.problem_list.heading("where", text=_("where"))
        self.problem_list.heading("message", text=_("problem"))
        self.problem_list.column("where", width=240, stretch=False)
        self.problem_list.column("message", width=600)
        self.problem_list.pack(fill="x")
        self.problem_list.bind("<<TreeviewSelect>>", lambda _e: self._go_to_problem())

        self.sections = ttk.Notebook(page)
        self.sections.pack(fill="both", expand=True)
        self.tables: dict[str, RecordTable] = {}
        for section, fields in SECTIONS:
            table = RecordTable(self.sections, self, section, fields)
            self.sections.add(table, text=_(f"section_{section}"))
            self.tables[section] = table
        self.scroll.follow()
        view_keys(self, {"<Control-s>": lambda _e: self.save() or "break",
                         "<Control-S>": lambda _e: self.save() or "break"})

    # Projects

    def show_project(self, code: str | None) -> None:
        """Show the saved state of a project (or an empty new one when there is none)."""
        self._list_projects()
        if code:
            self._load(project_data(self.window.store, code), code)
        else:
            self._load(new_project_data(DEFAULT_TEMPLATE, self.window._.lang), None)

    def _list_projects(self) -> None:
        self.projects.delete(*self.projects.get_children())
        font = tkfont.nametofont("TkDefaultFont")
        width = max([font.measure(self.window._("field_code"))] +
                    [font.measure(p.code) for p in self.window.project_summaries]) + 14
        self.projects.column("code", width=width, minwidth=width)
        for p in self.window.project_summaries:
            self.projects.insert("", "end", iid=p.code, values=(p.code, p.title, p.expenditures))

    def _open_selected_project(self) -> None:
        selected = self.projects.selection()
        if selected:
            self.window.reload_projects(selected[0])

    def new_project(self) -> None:
        if self.dirty and Messagebox.yesno(self.window._("discard_changes"), title=self.window._("project_setup"),
                                           parent=self) != MessageCatalog.translate("Yes"):
            return
        self._load(new_project_data(DEFAULT_TEMPLATE, self.window._.lang), None)
        self.status.configure(text=self.window._("new_project_hint"), bootstyle="info")
        self.details.widgets["code"].focus_set()

    def keep_editing(self, other: "ProjectView") -> None:
        """Take over the unsaved forms of the view this one replaces (after a language switch)."""
        self._load(other.data, other.saved_code)
        self.changed()

    def revert(self) -> None:
        self.show_project(self.saved_code)

    def _load(self, data: dict[str, Any], code: str | None) -> None:
        self.data = data
        self.saved_code = code
        self.dirty = False
        self._loading = True
        self.details.show(data.get("project", {}))
        self.details.widgets["code"].configure(state="disabled" if code else "normal")
        self.details.widgets["template"].configure(state="disabled" if code else "readonly")
        self._loading = False
        for table in self.tables.values():
            table.refresh()
        self.status.configure(text="", bootstyle="default")
        self.check()

    def _details_changed(self) -> None:
        if getattr(self, "_loading", True):
            return
        project = self.details.record()
        if self.saved_code is None and project.get("template") != self.data["project"].get("template"):
            self.data["budget_lines"] = new_project_data(project["template"], self.window._.lang)["budget_lines"]
            self.tables["budget_lines"].refresh()
        self.data["project"] = project
        self.changed()

    # Checking and saving

    def changed(self) -> None:
        self.dirty = True
        self.status.configure(text=self.window._("unsaved"), bootstyle="warning")
        self.schedule_check()

    def schedule_check(self) -> None:
        if self._check_job:
            self.after_cancel(self._check_job)
        self._check_job = self.after(250, self.check)

    def check(self, every: bool = False) -> None:
        """Check the project with the record in the open form as it is typed, and show every problem: in the
        list below, and in red at the fields typed into (at every field of a saved project, or with `every`,
        once the user tried to save: no red "is required" before anything is typed)."""
        self._check_job = None
        every = every or self.saved_code is not None
        candidate = copy.deepcopy(self.data)
        current = self._current_table()
        index, record = current.candidate()
        if current.index is not None or current.typed(record):
            records = candidate.setdefault(current.section, [])
            if current.index is None:
                records.append(record)
            else:
                records[index] = current.merged(records[index], record)
        try:
            check_project_data(candidate)
            problems: list[tuple[str, str]] = []
        except ValidationError as error:
            problems = [(p.where, self.window._.problem(p, where="")) for p in error.problems]
        own = f"{current.section}[{index + 1}]"
        current.show_problems([(where, message) for where, message in problems
                               if where == own or where.startswith(own + ".")], every)
        marked = self.details.mark({where.split(".", 1)[1]: message for where, message in problems
                                    if where.startswith("project.")}, every)
        self.details_problems.configure(text="\n".join(f"{self.window._('field_' + key)}: {message}"
                                                        for key, message in marked.items()))
        self._problems = problems
        self.problem_list.delete(*self.problem_list.get_children())
        for i, (where, message) in enumerate(problems):
            self.problem_list.insert("", "end", iid=str(i), values=(self._place(where), message))

    def _place(self, where: str) -> str:
        """`budget[2].line` as a user reads it: "Budget 2 · Budget line"."""
        _ = self.window._
        found = re.fullmatch(r"(\w+)(?:\[(\d+)\])?(?:\.(\w+))?.*", where)
        if not found:
            return where
        section, row, key = found.groups()
        name = _("project") if section == "project" else _(f"section_{section}")
        return " · ".join(part for part in (f"{name} {row or ''}".strip(), _(f"field_{key}") if key else "") if part)

    def _current_table(self) -> RecordTable:
        return self.tables[SECTIONS[self.sections.index("current")][0]]

    def _go_to_problem(self) -> None:
        """Open the section and record a problem names (`budget[3].line`)."""
        selected = self.problem_list.selection()
        if not selected:
            return
        where = self._problems[int(selected[0])][0]
        found = re.match(r"(\w+)\[(\d+)\]", where)
        if found and found.group(1) in self.tables:
            self.sections.select(self.tables[found.group(1)])
            self.tables[found.group(1)].select(int(found.group(2)) - 1)

    def save(self) -> None:
        """Save the whole project as one transaction; with any problem nothing is saved."""
        try:
            result = save_project_data(self.window.store, self.data)
        except ValidationError:
            self.check(every=True)
            self.status.configure(text=self.window._("not_saved", count=len(self._problems)), bootstyle="danger")
            return
        self.dirty = False
        self.window.reload_projects(result.code)
        self.status.configure(text=self.window._("project_saved", code=result.code), bootstyle="success")
