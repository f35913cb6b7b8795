"""The findings of the contract checks (errors red, warnings amber), and each funder's share as a bar.

Re-checked after every save; a click on a finding lists the expenditures it concerns.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from decimal import Decimal
from typing import TYPE_CHECKING

import ttkbootstrap as ttk

from ttkbootstrap.dialogs import Querybox

from reporter.domain.errors import UserError
from reporter.domain.money import format_amount, format_percent, round_half_up
from reporter.services.checks import FinancingView, checks_and_financing, finding_records
from reporter.services.explanations import explain
from reporter.services.lookup import expenditures_by_id

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow


RECORDS_SHOWN = 200
# key, heading, the widest text it usually holds (empty: it takes the rest), anchor
RECORD_COLUMNS = (("number", "number", "99999", "e"), ("date", "list_date", "2024-12-31", "w"),
                  ("partner", "partner", "WWWW", "w"), ("line", "list_line", "EQUIPMENT", "w"),
                  ("supplier", "supplier", "", "w"), ("document", "document", "", "w"),
                  ("amount", "list_eligible", "99,999.99", "e"))


class ChecksView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow") -> None:
        super().__init__(master, padding=8)
        self.window = window
        self.code: str | None = None
        self.findings = []
        _ = window._
        panes = ttk.Panedwindow(self, orient="horizontal")
        panes.pack(fill="both", expand=True)
        left = ttk.Labelframe(panes, text=_("findings"), padding=6)
        self.summary = ttk.Label(left, text="")
        self.summary.pack(fill="x")
        self.table = ttk.Treeview(left, columns=("severity", "rule", "message"), show="headings", height=6)
        for key, width in (("severity", 80), ("rule", 150), ("message", 400)):
            self.table.heading(key, text=_(key))
            self.table.column(key, width=width, stretch=key == "message")
        self.table.tag_configure("error", foreground="#c0392b")
        self.table.tag_configure("warning", foreground="#b9770e")
        self.table.tag_configure("info", foreground="#566573")
        self.table.pack(fill="both", expand=True)
        self.table.bind("<<TreeviewSelect>>", lambda _e: self.show_records())
        # A variance the funder wants explained is explained here, into that period's report.
        actions = ttk.Frame(left)
        actions.pack(fill="x", pady=(4, 0))
        self.explain_button = ttk.Button(actions, text=_("explain_variance"), command=self.explain, state="disabled",
                                         bootstyle="secondary")
        self.explain_button.pack(side="left")
        self.explain_status = ttk.Label(left, text="", justify="left")
        self.explain_status.pack(fill="x")
        self.explain_status.bind("<Configure>", lambda e: e.widget.configure(wraplength=max(200, e.width - 4)))
        # A finding's records with what identifies them; Enter or a double click opens one in the expenditure form.
        self.records = ttk.Label(left, text="", wraplength=700, justify="left")
        self.records.pack(fill="x", pady=(6, 0))
        self.record_list = ttk.Treeview(left, columns=[c[0] for c in RECORD_COLUMNS], show="headings", height=5)
        font = tkfont.nametofont("TkDefaultFont")
        for key, label, sample, anchor in RECORD_COLUMNS:
            self.record_list.heading(key, text=_(label))
            if sample:
                width = max(font.measure(sample), font.measure(_(label))) + 12
                self.record_list.column(key, width=width, minwidth=width, anchor=anchor, stretch=False)
            else:
                self.record_list.column(key, width=80, minwidth=60, anchor=anchor, stretch=True)
        self.record_list.pack(fill="both", expand=True)
        for sequence in ("<Double-1>", "<Return>", "<KP_Enter>"):
            self.record_list.bind(sequence, lambda _e: self.open_record())
        panes.add(left, weight=3)
        self.bars = ttk.Labelframe(panes, text=_("financing"), padding=6)
        panes.add(self.bars, weight=2)
        # The findings' columns ask for most of the width; give the bars two fifths once the window has a size
        # (once only: a sash the user moves stays where it is when the tab is shown again).
        self._first_map = panes.bind("<Map>", lambda _e: self._place_sash(panes), add="+")

    def _place_sash(self, panes: ttk.Panedwindow) -> None:
        panes.unbind("<Map>", self._first_map)
        panes.after_idle(lambda: panes.sashpos(0, panes.winfo_width() * 3 // 5))

    def show_project(self, code: str | None) -> None:
        self.code = code
        self.refresh()

    def refresh(self) -> None:
        """Re-run every check (fast: records of findings about sums are fetched on a click)."""
        self.table.delete(*self.table.get_children())
        for child in self.bars.winfo_children():
            child.destroy()
        self.records.configure(text="")
        self.record_list.delete(*self.record_list.get_children())
        if not self.code:
            self.summary.configure(text="")
            return
        _ = self.window._
        result, financing = checks_and_financing(self.window.store, self.code)
        self.findings = result.findings
        for index, finding in enumerate(self.findings):
            self.table.insert("", "end", iid=str(index), tags=(finding.severity,),
                              values=(_(finding.severity), _.rule(finding.rule), _.finding(finding)))
        errors = sum(f.severity == "error" for f in self.findings)
        self.summary.configure(text=_("no_findings") if not self.findings else
                               f"{len(self.findings)} · {_('error')}: {errors}",
                               bootstyle="success" if not errors else "danger")
        self._financing_bars(financing)

    def _financing_bars(self, view: FinancingView) -> None:
        """Each funder's cumulative share against its contract rate (a fixed sum: how much of it is used), and its
        amount against its cap."""
        lang = self.window._.lang
        for partner in view.partners:
            ttk.Label(self.bars, text=f"{partner.partner} {partner.name}", font=("-weight", "bold"),
                      wraplength=380).pack(anchor="w", pady=(6, 0))
            for funder in partner.funders:
                whole = funder.cap if funder.fixed else partner.eligible_cumulative
                share = funder.cumulative / whole * 100 if whole else Decimal(0)
                row = ttk.Frame(self.bars)
                row.pack(fill="x")
                ttk.Label(row, text=funder.funder, width=12).pack(side="left")
                off = share - funder.share_percent  # within a point of the rate, or on the side the rule allows
                on_track = funder.fixed or abs(off) < 1 or (funder.rule == "min" and off > 0) or (
                    funder.rule == "max" and off < 0)
                bar = ttk.Progressbar(row, maximum=100, value=float(min(share, Decimal(100))),  # float-ok: a bar
                                      bootstyle="success" if on_track else "warning")
                bar.pack(side="left", fill="x", expand=True, padx=4)
                shown = (self.window._("fixed_used", percent=format_percent(round_half_up(share), lang))
                         if funder.fixed else
                         f"{format_percent(round_half_up(share), lang)} % / {format_percent(funder.share_percent, lang)} %")
                ttk.Label(row, text=shown, width=18).pack(side="left")
                cap = f" / {format_amount(funder.cap, lang)}" if funder.cap is not None else ""
                ttk.Label(self.bars, text=f"{format_amount(funder.cumulative, lang)}{cap}", bootstyle="secondary",
                          font=("-size", 8)).pack(anchor="e")

    def selected_finding(self):
        selected = self.table.selection()
        return self.findings[int(selected[0])] if selected and self.code else None

    def explain(self, text: str | None = None) -> None:
        """Ask for the explanation of the selected variance (`text` given: a test's answer) and keep it: a budget
        line's, or an activity's deviation from its plan for a year."""
        finding, _ = self.selected_finding(), self.window._
        if finding is None or finding.rule != "variance":
            return
        activity = None if finding.budget_line else str(finding.params.get("activity", "")) or None
        if text is None:
            prompt = _("explain_plan_prompt", activity=activity, year=finding.params.get("year"),
                       period=finding.period) if activity else \
                _("explain_prompt", line=finding.budget_line, period=finding.period)
            text = Querybox.get_string(prompt, title=_("explain_variance"), parent=self)
            if text is None:  # cancelled
                return
        try:
            explain(self.window.store, self.code, finding.period, finding.budget_line, text, finding.partner,
                    activity)
        except UserError as error:
            self.explain_status.configure(text=_.error(error), bootstyle="danger")
            return
        self.refresh()
        self.explain_status.configure(text=_("explained", line=finding.budget_line or activity, period=finding.period),
                                      bootstyle="success")

    def show_records(self) -> None:
        """The selected finding in full, and its records with date, supplier and amount."""
        selected = self.table.selection()
        self.record_list.delete(*self.record_list.get_children())
        finding = self.selected_finding()
        self.explain_button.configure(state="normal" if finding and finding.rule == "variance" else "disabled")
        if not selected or not self.code:
            return
        _ = self.window._
        finding = finding_records(self.window.store, self.findings[int(selected[0])])
        shown = expenditures_by_id(self.window.store, self.code, finding.records, RECORDS_SHOWN)
        count = len(finding.records)
        self.records.configure(text=_.finding(finding) + "\n" + (
            _("finding_records", count=count) if count <= RECORDS_SHOWN else
            _("finding_records_more", count=count, shown=RECORDS_SHOWN)) if count else _.finding(finding))
        lang = _.lang
        for e in shown:
            self.record_list.insert("", "end", iid=e.id, values=(
                e.number, e.document_date.isoformat(), e.partner, e.budget_line, e.supplier or e.description,
                e.document_no, format_amount(e.eligible_project_currency, lang)))

    def open_record(self) -> None:
        selected = self.record_list.focus() or next(iter(self.record_list.selection()), "")
        if selected:
            self.window.show_expenditure(selected)
