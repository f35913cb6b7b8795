"""Generate a funder report in a worker thread (the window never freezes), open it, or submit the period.

The worker opens its own connection to the database file (an SQLite connection
belongs to one thread) and never touches Tk: it puts its progress and result
on a queue that the window drains with `after()`.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import tkinter as tk
from pathlib import Path
from typing import TYPE_CHECKING

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.errors import UserError
from reporter.i18n import LANGUAGES
from reporter.services.checks import check_project
from reporter.services.projects import project_definition
from reporter.services.reports import FORMATS, submit_period, write_report
from reporter.store import Store
from reporter.templates import list_templates

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow


class ReportsView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow") -> None:
        super().__init__(master, padding=12)
        self.window = window
        self.code: str | None = None
        self.events: queue.Queue = queue.Queue()
        self.written: list[Path] = []
        self.folder = tk.StringVar(value=str(window.preferences.report_dir()))
        _ = window._
        form = ttk.Frame(self)
        form.pack(fill="x")
        self.period = self._pick(form, 0, _("period"))
        self.partner = self._pick(form, 1, _("partner"))
        self.template = self._pick(form, 2, _("template"))
        self.lang = self._pick(form, 3, _("language"))
        self.lang.configure(values=[f"{code} {name}" for code, name in LANGUAGES.items()])
        self.formats = {fmt: tk.BooleanVar(value=True) for fmt in FORMATS}
        ttk.Label(form, text=_("formats")).grid(row=2, column=3, sticky="w", padx=6, pady=(8, 0))
        boxes = ttk.Frame(form)
        boxes.grid(row=3, column=3, sticky="w", padx=6)
        for fmt, var in self.formats.items():
            ttk.Checkbutton(boxes, text=fmt.upper(), variable=var).pack(side="left", padx=(0, 12))
        ttk.Label(form, text=_("folder")).grid(row=2, column=0, sticky="w", padx=6, pady=(8, 0))
        ttk.Entry(form, textvariable=self.folder, width=70).grid(row=3, column=0, columnspan=3, sticky="ew", padx=6)
        for column in range(4):
            form.columnconfigure(column, weight=1)
        actions = ttk.Frame(self, padding=(0, 12))
        actions.pack(fill="x")
        self.generate_button = ttk.Button(actions, text=_("generate"), bootstyle="primary", command=self.generate)
        self.generate_button.pack(side="left")
        ttk.Button(actions, text=_("open_file"), command=self.open_file, bootstyle="secondary").pack(side="left", padx=6)
        ttk.Button(actions, text=_("open_folder"), command=self.open_folder, bootstyle="secondary").pack(side="left")
        ttk.Button(actions, text=_("submit_period"), command=self.submit, bootstyle="danger-outline").pack(side="right")
        self.progress = ttk.Progressbar(self, maximum=100, bootstyle="info-striped")
        self.progress.pack(fill="x")
        self.status = ttk.Label(self, text="", justify="left")
        self.status.pack(fill="x", pady=8)

    @staticmethod
    def _pick(form: ttk.Frame, column: int, label: str) -> ttk.Combobox:
        ttk.Label(form, text=label).grid(row=0, column=column, sticky="w", padx=6)
        box = ttk.Combobox(form, state="readonly", width=28)
        box.grid(row=1, column=column, sticky="ew", padx=6)
        return box

    def show_project(self, code: str | None) -> None:
        self.code = code
        if not code:
            return
        definition = project_definition(self.window.store, code)
        periods = [f"{p.number}: {p.start} – {p.end}" + (" 🔒" if p.submitted else "") for p in definition.periods]
        self.period.configure(values=periods)
        if periods:
            self.period.set(periods[-1])
        partners = [self.window._("all_partners")] + [f"{p.code} {p.name}" for p in definition.partners]
        self.partner.configure(values=partners)
        self.partner.set(partners[0])
        templates = [t.id for t in list_templates()]
        self.template.configure(values=templates)
        self.template.set(definition.project.template)
        self.lang.set(next(v for v in self.lang.cget("values") if v.startswith(self.window._.lang)))

    def _choice(self) -> dict:
        partner = self.partner.get()
        return {
            "period": int(self.period.get().split(":", 1)[0]),
            "partner": None if partner == self.window._("all_partners") else partner.split(" ", 1)[0],
            "template_id": self.template.get(),
            "lang": self.lang.get().split(" ", 1)[0],
            "formats": [fmt for fmt, var in self.formats.items() if var.get()],
        }

    # Generating in a worker thread

    def generate(self) -> None:
        if not self.code or not self.period.get():
            return
        if self.window.store.path is None:
            raise UserError("reports: an in-memory database cannot be shared with the report worker")
        choice = self._choice()
        self.generate_button.configure(state="disabled")
        self.progress.configure(value=10)
        self.status.configure(text=self.window._("generating"))
        worker = threading.Thread(target=self._work, args=(self.window.store.path, self.code, choice,
                                                           Path(self.folder.get())), daemon=True)
        worker.start()
        self.after(100, self._drain)

    def _work(self, database: Path, code: str, choice: dict, folder: Path) -> None:
        """Runs in the worker thread: its own connection, no Tk; results go on the queue."""
        try:
            store = Store.open(database)
            try:
                self.events.put(("progress", 40))
                files = write_report(store, code, choice.pop("period"), folder, **choice)
            finally:
                store.close()
            self.events.put(("done", files))
        except Exception as error:  # noqa: BLE001 - handed to the window, which shows or logs it
            self.events.put(("failed", error))

    def _drain(self) -> None:
        try:
            while True:
                kind, value = self.events.get_nowait()
                if kind == "progress":
                    self.progress.configure(value=value)
                    continue
                self.generate_button.configure(state="normal")
                self.progress.configure(value=100 if kind == "done" else 0)
                if kind == "failed":
                    raise value
                self.written = [f.path for f in value]
                self.status.configure(text="\n".join(
                    f"{f.path}   SHA-256 {f.sha256[:16]}…" + (
                        "\n    " + self.window._("not_as_submitted", sha=f.submitted_sha256[:16])
                        if f.differs_from_submission else "") for f in value))
                return
        except queue.Empty:
            self.after(100, self._drain)

    def open_file(self) -> None:
        if self.written:
            _open_with_system(self.written[0])

    def open_folder(self) -> None:
        _open_with_system(Path(self.folder.get()))

    # Submitting

    def submit(self) -> None:
        """Lock the period after the user has seen its open findings."""
        if not self.code or not self.period.get():
            return
        _ = self.window._
        period = int(self.period.get().split(":", 1)[0])
        findings = check_project(self.window.store, self.code, period=period, with_records=False).findings
        shown = "\n".join(f"• {_(f.severity)}: {_.finding(f)}" for f in findings[:12]) or _("no_findings")
        answer = Messagebox.yesno(_("submit_confirm", period=period, findings=shown), title=_("submit_period"),
                                  parent=self)
        if answer == MessageCatalog.translate("Yes"):  # the user saw the open errors, if any, and went ahead
            submission = submit_period(self.window.store, self.code, period, force=True)
            self.status.configure(text=_("submitted", period=period, snapshots=submission.snapshots))
            self.window.project_changed()


def _open_with_system(path: Path) -> None:
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]
    else:
        subprocess.Popen(["open" if sys.platform == "darwin" else "xdg-open", str(path)])
