"""Monthly exchange rates: the list, one rate added (or corrected), a month's rates imported from a CSV file.

A foreign-currency document takes the stored rate of its month unless a rate is typed on it; the
expenditure form shows that rate, grey, as soon as the currency and the date are known.
"""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING

import ttkbootstrap as ttk

from reporter.domain.errors import UserError, ValidationError
from reporter.gui.widgets import FlowForm, select_on_focus
from reporter.services.rates import add_rate, import_rates_csv, list_rates

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

FIELDS = ("rate_currency", "rate_month", "rate_value", "rate_source")


class RatesView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow") -> None:
        super().__init__(master, padding=8)
        self.window = window
        _ = window._
        ttk.Label(self, text=_("rates_intro"), justify="left", wraplength=900).pack(fill="x")
        form_frame = ttk.Labelframe(self, text=_("rate_add"), padding=6)
        form_frame.pack(fill="x", pady=(6, 0))
        form = FlowForm(form_frame, cell_width=170)
        form.pack(fill="x")
        self.vars = {name: tk.StringVar() for name in FIELDS}
        self.entries: dict[str, ttk.Entry] = {}
        for name in FIELDS:
            cell = form.cell(2 if name == "rate_source" else 1)
            ttk.Label(cell, text=_(name)).pack(anchor="w")
            entry = ttk.Entry(cell, textvariable=self.vars[name], width=12)
            entry.pack(fill="x")
            entry.bind("<Return>", lambda _e: self.add() or "break")
            entry.bind("<KP_Enter>", lambda _e: self.add() or "break")
            select_on_focus(entry)
            self.entries[name] = entry
        buttons = ttk.Frame(form_frame)
        buttons.pack(fill="x", pady=(4, 0))
        ttk.Button(buttons, text=_("rate_store"), bootstyle="primary", command=self.add).pack(side="left")
        ttk.Button(buttons, text=_("rate_import"), bootstyle="secondary", command=self.import_csv).pack(side="left",
                                                                                                      padx=6)
        self.status = ttk.Label(self, text="", justify="left", wraplength=900)
        self.status.pack(fill="x", pady=4)
        table_frame = ttk.Frame(self)
        table_frame.pack(fill="both", expand=True)
        self.table = ttk.Treeview(table_frame, columns=("currency", "month", "rate", "source"), show="headings",
                                  height=8)
        for key, width, anchor, stretch in (("currency", 90, "w", False), ("month", 100, "w", False),
                                            ("rate", 130, "e", False), ("source", 300, "w", True)):
            self.table.heading(key, text=_(f"rate_list_{key}"))
            self.table.column(key, width=width, minwidth=width if not stretch else 120, anchor=anchor,
                              stretch=stretch)
        scroll = ttk.Scrollbar(table_frame, orient="vertical", command=self.table.yview)
        self.table.configure(yscrollcommand=scroll.set)
        scroll.pack(side="right", fill="y")
        self.table.pack(fill="both", expand=True)
        self.table.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        self.bind("<Configure>", lambda e: self.status.configure(wraplength=max(400, e.width - 30)), add="+")

    def show_project(self, code: str | None) -> None:
        """Rates belong to the database, not to a project: the list is the same for every project."""
        self.refresh()

    def refresh(self) -> None:
        self.table.delete(*self.table.get_children())
        for rate in reversed(list_rates(self.window.store)):
            self.table.insert("", "end", iid=f"{rate.currency}/{rate.month}",
                              values=(rate.currency, rate.month, str(rate.rate), rate.source))

    def prefill(self, currency: str, month: str) -> None:
        """Ready to add the rate a document is missing (from the expenditure form)."""
        self.vars["rate_currency"].set(currency)
        self.vars["rate_month"].set(month)
        self.vars["rate_value"].set("")
        self.entries["rate_value"].focus_set()

    def _selected(self) -> None:
        selected = self.table.selection()
        if selected:
            currency, month, rate, source = self.table.item(selected[0])["values"]
            for name, value in zip(FIELDS, (currency, month, rate, source)):
                self.vars[name].set(str(value))

    def add(self) -> None:
        _ = self.window._
        values = {name: var.get().strip() for name, var in self.vars.items()}
        try:
            rate = add_rate(self.window.store, values["rate_currency"], values["rate_month"], values["rate_value"],
                            values["rate_source"])
        except UserError as error:
            self.status.configure(text=_.error(error), bootstyle="danger")
            where = error.problem.where if error.problem else ""
            target = {"currency": "rate_currency", "month": "rate_month", "rate": "rate_value"}.get(where)
            if target:
                self.entries[target].focus_set()
            return
        self.status.configure(text=_("rate_stored", currency=rate.currency, month=rate.month, rate=str(rate.rate)),
                              bootstyle="success")
        self.refresh()
        self.vars["rate_value"].set("")
        self.entries["rate_month"].focus_set()
        self.window.rates_changed()  # a document waiting for this rate sees it at once

    def import_csv(self, name: str | None = None) -> None:
        _ = self.window._
        name = name or filedialog.askopenfilename(parent=self, title=_("rate_import_title"), filetypes=[
            (_("csv_files"), "*.csv *.CSV *.txt"), (_("all_files"), "*")])
        if not name:
            return
        try:
            result = import_rates_csv(self.window.store, Path(name))
        except ValidationError as error:
            self.status.configure(text=_.error(error), bootstyle="danger")
            return
        self.status.configure(text=_("rates_imported", count=len(result.rates), changed=result.changed,
                                     file=Path(name).name), bootstyle="success")
        self.refresh()
        self.window.rates_changed()
