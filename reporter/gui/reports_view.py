"""Generate a funder report in a worker thread (the window never freezes), open it, or submit the period.

The worker opens its own connection to the database file (an SQLite connection
belongs to one thread) and never touches Tk: it puts its progress and result
on a queue that the window drains with `after()`.
"""

from __future__ import annotations

import queue
import threading
import tkinter as tk
from pathlib import Path
from typing import TYPE_CHECKING

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.errors import UserError
from reporter.gui.widgets import FlowForm, open_with_system
from reporter.i18n import LANGUAGES, Translator
from reporter.services.checks import check_project
from reporter.services.projects import project_definition
from reporter.services.reports import FORMATS, Submission, submit_period, write_report
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
        form = FlowForm(self, cell_width=280)  # as many choices a row as the width holds: none is cut
        form.pack(fill="x")
        self.period = self._pick(form, _("period"))
        self.partner = self._pick(form, _("partner"))
        self.template = self._pick(form, _("template"))
        self.lang = self._pick(form, _("language"))
        self.lang.configure(values=[f"{code} {name}" for code, name in LANGUAGES.items()])
        self.formats = {fmt: tk.BooleanVar(value=True) for fmt in FORMATS}
        cell = form.cell()
        ttk.Label(cell, text=_("formats")).pack(anchor="w")
        boxes = ttk.Frame(cell)
        boxes.pack(anchor="w", pady=(4, 0))
        for fmt, var in self.formats.items():
            ttk.Checkbutton(boxes, text=fmt.upper(), variable=var).pack(side="left", padx=(0, 12))
        cell = form.cell(3)
        ttk.Label(cell, text=_("folder")).pack(anchor="w")
        ttk.Entry(cell, textvariable=self.folder, width=40).pack(fill="x")
        actions = ttk.Frame(self, padding=(0, 12))
        actions.pack(fill="x")
        self.generate_button = ttk.Button(actions, text=_("generate"), bootstyle="primary", command=self.generate)
        self.generate_button.pack(side="left")
        ttk.Button(actions, text=_("open_file"), command=self.open_file, bootstyle="secondary").pack(side="left", padx=6)
        ttk.Button(actions, text=_("open_folder"), command=self.open_folder, bootstyle="secondary").pack(side="left")
        ttk.Button(actions, text=_("submit_period"), command=self.submit, bootstyle="danger-outline").pack(side="right")
        self.progress = ttk.Progressbar(self, maximum=100, bootstyle="info-striped")
        self.progress.pack(fill="x")
        self.status = ttk.Label(self, text="", justify="left", wraplength=900)
        self.status.pack(fill="x", pady=8)
        self.bind("<Configure>", lambda e: self.status.configure(wraplength=max(400, e.width - 30)), add="+")

    @staticmethod
    def _pick(form: FlowForm, label: str) -> ttk.Combobox:
        cell = form.cell()
        ttk.Label(cell, text=label).pack(anchor="w")
        box = ttk.Combobox(cell, state="readonly", width=24)
        box.pack(fill="x")
        return box

    def show_project(self, code: str | None) -> None:
        """Offer a project's periods and partners; the same project shown again (after a submission) keeps the
        choices made."""
        same = code is not None and code == self.code
        kept = (self.period.get().split(":", 1)[0], self.partner.get(), self.template.get(), self.lang.get())
        self.code = code
        if not code:
            return
        _ = self.window._
        definition = project_definition(self.window.store, code)
        periods = [f"{p.number}: {p.start} – {p.end}" + (f" · {_('locked')}" if p.submitted else "")
                   for p in definition.periods]
        self.period.configure(values=periods)
        if periods:
            self.period.set(next((p for p in periods if same and p.split(":", 1)[0] == kept[0]), periods[-1]))
        partners = [_("all_partners")] + [f"{p.code} {p.name}" for p in definition.partners]
        self.partner.configure(values=partners)
        self.partner.set(kept[1] if same and kept[1] in partners else partners[0])
        templates = [t.id for t in list_templates()]
        self.template.configure(values=templates)
        self.template.set(kept[2] if same and kept[2] else definition.project.template)
        self.lang.set(kept[3] if same and kept[3] else
                      next(v for v in self.lang.cget("values") if v.startswith(_.lang)))

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
            open_with_system(self.written[0])

    def open_folder(self) -> None:
        open_with_system(Path(self.folder.get()))

    # Submitting

    def submit(self) -> None:
        """Lock the period after the user has seen its open findings: with errors open, "No" is the default and
        the errors are listed first; the lock goes ahead over them (force) only on "Yes"."""
        if not self.code or not self.period.get():
            return
        _ = self.window._
        period = int(self.period.get().split(":", 1)[0])
        findings = check_project(self.window.store, self.code, period=period, with_records=False).findings
        errors = [f for f in findings if f.severity == "error"]
        listed = (errors + [f for f in findings if f.severity != "error"])[:12]
        shown = "\n".join(f"• {_(f.severity)}: {_.finding(f)}" for f in listed) or _("no_findings")
        if len(findings) > len(listed):
            shown += "\n" + _("more_findings", count=len(findings) - len(listed))
        message = _("submit_confirm_errors", period=period, errors=len(errors), findings=shown) if errors else \
            _("submit_confirm", period=period, findings=shown)
        answer = Messagebox.yesno(message, title=_("submit_period"), parent=self,
                                  default="No" if errors else "Yes", alert=bool(errors))
        if answer != MessageCatalog.translate("Yes"):
            self.status.configure(text=_("not_submitted", period=period))
            return
        submission = submit_period(self.window.store, self.code, period, force=True)  # the user saw the errors
        self.status.configure(text=submission_summary(submission, _))
        self.window.project_changed()


def submission_summary(submission: Submission, _: Translator) -> str:
    """What a submission kept: each report (consolidated or a partner's, per language) with its files' hashes."""
    reports: dict[tuple[str, str], list[str]] = {}
    for partner, lang, fmt, digest in submission.files:
        reports.setdefault((partner, lang), []).append(f"{fmt.upper()} {digest[:12]}…")
    lines = [_("submitted", period=submission.period, snapshots=submission.snapshots)]
    if submission.forced_errors:
        lines.append(_("submitted_with_errors", count=submission.forced_errors))
    lines += [f"• {partner or _('consolidated')} ({lang}): {', '.join(files)}"
              for (partner, lang), files in reports.items()]
    return "\n".join(lines)
