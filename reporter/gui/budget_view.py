"""Budget against actual at a glance: per partner × budget line (and year or activity where the budget is split),
approved, spent this period and to date, remaining and % used, with totals; red where a rule breaks.

The approved amount is typed into the grid (Enter or F2 on a row, or a double click); it is saved through the
project services with the setup forms' checks. Selecting a row lists its costs below (this period's when the
click was in that column); a double click on a cost opens it in the Expenditure view.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from datetime import date
from typing import TYPE_CHECKING

import ttkbootstrap as ttk

from reporter.domain.errors import UserError, ValidationError
from reporter.domain.money import format_amount, format_percent, plain
from reporter.gui.widgets import select_on_focus
from reporter.services.budget_grid import BudgetGrid, BudgetRow, budget_grid, set_approved
from reporter.services.expenditures import list_expenditures
from reporter.services.projects import project_definition
from reporter.store.expenditures import ExpenditureQuery

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

COLUMNS = ("approved", "this_period", "to_date", "remaining", "used")
COST_COLUMNS = (("number", "99999", "e"), ("list_date", "2024-12-31", "w"), ("period_short", "99", "e"),
                ("document", "", "w"), ("supplier", "", "w"), ("list_eligible", "99,999.99", "e"))
COSTS_SHOWN = 200


class BudgetView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow") -> None:
        super().__init__(master, padding=8)
        self.window = window
        self.code: str | None = None
        self.grid_data: BudgetGrid | None = None
        self.rows: dict[str, BudgetRow] = {}
        self._editor: ttk.Entry | None = None
        self._scope = "to_date"
        self._stale = True  # read again when next shown (the grid is read only while its tab is in view)
        self.bind("<Map>", lambda _e: self._stale and self.refresh(), add="+")
        _ = window._
        top = ttk.Frame(self)
        top.pack(fill="x")
        ttk.Label(top, text=_("through_period")).pack(side="left")
        self.period = ttk.Combobox(top, state="readonly", width=30)
        self.period.pack(side="left", padx=6)
        self.period.bind("<<ComboboxSelected>>", lambda _e: self.refresh())
        self.summary = ttk.Label(top, text="")
        self.summary.pack(side="left", padx=12)
        ttk.Label(top, text=_("budget_legend"), bootstyle="secondary", font=("-size", 8)).pack(side="right")

        panes = ttk.Panedwindow(self, orient="vertical")
        panes.pack(fill="both", expand=True, pady=(6, 0))
        upper = ttk.Frame(panes)
        self.table = ttk.Treeview(upper, columns=COLUMNS, show="tree headings", height=8, selectmode="browse")
        font = heading = tkfont.nametofont("TkDefaultFont")
        self.bold = font.copy()
        self.bold.configure(weight="bold")
        self.table.heading("#0", text=_("partner_and_line"), anchor="w")
        self.table.column("#0", width=300, minwidth=200, stretch=True)
        for key in COLUMNS:
            self.table.heading(key, text=_(f"budget_{key}"), anchor="e")
            width = max(self.bold.measure("9,999,999.99"), heading.measure(_(f"budget_{key}"))) + 18
            self.table.column(key, width=width, minwidth=width, anchor="e", stretch=False)
        self.table.tag_configure("error", foreground="#c0392b")
        self.table.tag_configure("warning", foreground="#b9770e")
        self.table.tag_configure("partner", font=self.bold)
        self.table.tag_configure("total", font=self.bold)
        scroll = ttk.Scrollbar(upper, orient="vertical", command=self.table.yview)
        self.table.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.table.pack(fill="both", expand=True)
        self.why = ttk.Label(upper, text="", bootstyle="danger", justify="left", wraplength=900)
        self.why.pack(fill="x")
        self.status = ttk.Label(upper, text="", justify="left", wraplength=900)
        self.status.pack(fill="x")
        panes.add(upper, weight=3)
        lower = ttk.Labelframe(panes, text=_("cell_costs"), padding=4)
        self.costs_title = ttk.Label(lower, text="", bootstyle="secondary")
        self.costs_title.pack(fill="x")
        self.costs = ttk.Treeview(lower, columns=[c[0] for c in COST_COLUMNS], show="headings", height=4)
        for key, sample, anchor in COST_COLUMNS:
            self.costs.heading(key, text=_(key))
            if sample:
                width = max(font.measure(sample), heading.measure(_(key))) + 14
                self.costs.column(key, width=width, minwidth=width, anchor=anchor, stretch=False)
            else:
                self.costs.column(key, width=200, minwidth=90, anchor=anchor, stretch=True)
        cost_scroll = ttk.Scrollbar(lower, orient="vertical", command=self.costs.yview)
        self.costs.configure(yscrollcommand=cost_scroll.set)
        cost_scroll.pack(side="right", fill="y")
        self.costs.pack(fill="both", expand=True)
        panes.add(lower, weight=2)
        self.costs.bind("<Double-1>", lambda _e: self._open_cost())
        self.costs.bind("<Return>", lambda _e: self._open_cost())
        self.table.bind("<<TreeviewSelect>>", lambda _e: self.show_costs())
        self.table.bind("<ButtonRelease-1>", self._clicked, add="+")
        self.table.bind("<Double-1>", lambda _e: self.edit_approved() or "break")
        for key in ("<Return>", "<KP_Enter>", "<F2>"):
            self.table.bind(key, lambda _e: self.edit_approved() or "break")
        self.bind("<Configure>", lambda e: (self.why.configure(wraplength=max(400, e.width - 30)),
                                            self.status.configure(wraplength=max(400, e.width - 30))), add="+")

    # Project

    def show_project(self, code: str | None) -> None:
        self.code = code
        choices: list[str] = []
        if code:
            definition = project_definition(self.window.store, code)
            choices = [f"{p.number}: {p.start} – {p.end}" for p in definition.periods]
        self.period.configure(values=choices)
        self.period.set("")
        self.changed()

    def changed(self) -> None:
        """The data under the grid changed: read it again now if it is in view, else when it is shown."""
        self._stale = True
        if self.winfo_ismapped():
            self.refresh()

    def _period(self) -> int | None:
        chosen = self.period.get()
        return int(chosen.split(":", 1)[0]) if chosen else None

    def refresh(self) -> None:
        """Read the grid again (after a save, a change of period or budget)."""
        self._stale = False
        self._close_editor()
        selected = self.table.focus()
        self.table.delete(*self.table.get_children())
        self.rows = {}
        if not self.code:
            self.summary.configure(text="")
            return
        grid = self.grid_data = budget_grid(self.window.store, self.code, self._period())
        if grid.period is not None and not self.period.get():
            self.period.set(next((v for v in self.period.cget("values") if v.split(":", 1)[0] == str(grid.period)),
                                 ""))
        for partner in grid.partners:
            iid = self._insert("", partner, ("partner",))
            for line in partner.children:
                line_iid = self._insert(iid, line)
                for split in line.children:
                    self._insert(line_iid, split)
            self.table.item(iid, open=True)
        self._insert("", grid.total, ("total",), label=self.window._("total_row", currency=grid.currency))
        self._fit_columns()
        errors = sum(f.severity == "error" for f in grid.findings)
        self.summary.configure(text=self.window._("budget_summary", errors=errors) if errors else "",
                               bootstyle="danger")
        if selected in self.rows:
            self.table.focus(selected)
            self.table.selection_set(selected)
            self.table.see(selected)

    def _fit_columns(self) -> None:
        """Each column as wide as its heading and its widest figure (in bold, as totals are), the labels the rest."""
        font = tkfont.nametofont("TkDefaultFont")
        items = [(iid, self.table.item(iid)) for iid in self.rows]
        for index, key in enumerate(COLUMNS):
            widest = max([font.measure(self.table.heading(key)["text"])] +
                         [self.bold.measure(str(item["values"][index])) for _iid, item in items if item["values"]])
            self.table.column(key, width=widest + 16, minwidth=widest + 16)
        depth = {iid: 0 if not self.table.parent(iid) else 1 if not self.table.parent(self.table.parent(iid)) else 2
                 for iid, _item in items}
        label = max([font.measure(self.table.heading("#0")["text"])] +
                    [self.bold.measure(str(item["text"])) + 24 + 20 * depth[iid] for iid, item in items])
        self.table.column("#0", minwidth=min(label, 420), width=min(label, 420))

    def _insert(self, parent: str, row: BudgetRow, tags: tuple[str, ...] = (), label: str | None = None) -> str:
        lang = self.window._.lang
        used = row.used_percent
        severity = row.severity
        iid = self.table.insert(parent, "end", text=label or row.label, tags=tags + ((severity,) if severity else ()),
                                values=(format_amount(row.approved, lang),
                                        "" if row.this_period is None else format_amount(row.this_period, lang),
                                        format_amount(row.to_date, lang), format_amount(row.remaining, lang),
                                        "" if used is None else f"{format_percent(used, lang)} %"))
        self.rows[iid] = row
        return iid

    # A row's costs

    def _clicked(self, event: tk.Event) -> None:
        column = self.table.identify_column(event.x)
        index = int(column[1:]) if column.startswith("#") and column[1:].isdigit() else 0
        scope = "this_period" if index and COLUMNS[index - 1] == "this_period" else "to_date"
        if scope != self._scope:
            self._scope = scope
            self.show_costs()

    def show_costs(self) -> None:
        """The costs of the selected row: through the period, or of the period itself."""
        self.costs.delete(*self.costs.get_children())
        row = self.rows.get(self.table.focus())
        _ = self.window._
        self.why.configure(text="\n".join(_.finding(f) for f in row.findings) if row else "")
        if row is None or not self.code or not row.partner:
            self.costs_title.configure(text="")
            return
        period = self._period()
        numbers = [p for p in (int(v.split(":", 1)[0]) for v in self.period.cget("values"))
                   if period is None or (p == period if self._scope == "this_period" else p <= period)]
        shown, total = [], 0
        for number in numbers:
            query = ExpenditureQuery(partner=row.partner, budget_line=row.line, period=number, activity=row.activity,
                                     date_from=date(row.year, 1, 1) if row.year else None,
                                     date_to=date(row.year, 12, 31) if row.year else None,
                                     sort="date", limit=max(1, COSTS_SHOWN - len(shown)))
            page = list_expenditures(self.window.store, self.code, query)
            total += page.total
            if len(shown) < COSTS_SHOWN:
                shown += page.rows
        lang = _.lang
        for e in shown:
            self.costs.insert("", "end", iid=e.id, values=(e.number, e.document_date.isoformat(), e.period,
                                                           e.document_no, e.supplier or e.description,
                                                           format_amount(e.eligible_project_currency, lang)))
        scope = _("scope_this_period", period=period) if self._scope == "this_period" else \
            _("scope_to_date", period=period)
        self.costs_title.configure(text=_("cell_costs_of", row=row.label, scope=scope, shown=len(shown), total=total))

    def _open_cost(self) -> None:
        selected = self.costs.focus()
        if selected:
            self.window.show_expenditure(selected)

    # Typing the approved budget

    def edit_approved(self) -> None:
        """An entry over the approved cell of the selected row: Enter saves it, Esc leaves it."""
        iid = self.table.focus()
        row = self.rows.get(iid)
        if row is None or not self.code or row.line is None:
            return
        _ = self.window._
        if not row.editable:
            self.status.configure(text=_("budget_not_editable"), bootstyle="secondary")
            return
        if self.window.setup_unsaved():
            self.status.configure(text=_("budget_setup_dirty"), bootstyle="danger")
            return
        self._close_editor()
        self.table.see(iid)
        self.table.update_idletasks()
        x, y, width, height = self.table.bbox(iid, "approved")
        editor = self._editor = ttk.Entry(self.table, justify="right")
        editor.insert(0, plain(row.approved) if row.approved or row.split else "")
        editor.place(x=x, y=y, width=width, height=height)
        select_on_focus(editor)
        editor.focus_set()
        editor.bind("<Return>", lambda _e: self._commit(row) or "break")
        editor.bind("<KP_Enter>", lambda _e: self._commit(row) or "break")
        editor.bind("<Escape>", lambda _e: self._close_editor(focus=True) or "break")

    def _commit(self, row: BudgetRow) -> None:
        assert self._editor is not None and self.code is not None and row.line is not None
        _ = self.window._
        try:
            set_approved(self.window.store, self.code, row.partner, row.line, self._editor.get(), row.year,
                         row.activity)
        except ValidationError as error:
            self.status.configure(text="\n".join(_.problem(p, where=_("budget_approved") if p.where.endswith("amount")
                                                             else None) for p in error.problems), bootstyle="danger")
            self._editor.selection_range(0, "end")  # typing again replaces what was refused
            return
        except UserError as error:
            self.status.configure(text=_.error(error), bootstyle="danger")
            return
        self._close_editor(focus=True)
        self.status.configure(text=_("budget_saved", row=f"{row.partner} {row.label}"), bootstyle="success")
        self.window.budget_changed()

    def _close_editor(self, focus: bool = False) -> None:
        if self._editor is not None:
            self._editor.destroy()
            self._editor = None
            if focus:
                self.table.focus_set()
