"""Generate a funder report or an evidence bundle in a worker thread (the window never freezes), open it, check a
bundle, or submit the period.

The worker opens its own connection to the database file (an SQLite connection
belongs to one thread) and never touches Tk: it puts its progress and result
on a queue that the window drains with `after()`.
"""

from __future__ import annotations

import queue
import threading
import tkinter as tk
from decimal import Decimal
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING, Any, Callable

import ttkbootstrap as ttk
from babel.numbers import format_decimal
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.errors import UserError
from reporter.gui.widgets import FlowForm, open_with_system
from reporter.i18n import LANGUAGES, Translator
from reporter.services.bundle import Bundle, Verification, bundle_name, make_bundle, verify_bundle
from reporter.services.checks import check_project
from reporter.services.projects import project_definition
from reporter.services.reports import FORMATS, Submission, submit_period, write_report
from reporter.store import Store
from reporter.templates import list_templates

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

MISSING_SHOWN = 5  # attachment references without a file named in the result; the manifest lists every one


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
        self.bundle_button = ttk.Button(actions, text=_("bundle_button"), command=self.bundle, bootstyle="info-outline")
        self.bundle_button.pack(side="left", padx=(18, 6))
        self.verify_button = ttk.Button(actions, text=_("verify_bundle_button"), command=self.verify,
                                        bootstyle="secondary-outline")
        self.verify_button.pack(side="left")
        ttk.Button(actions, text=_("submit_period"), command=self.submit, bootstyle="danger-outline").pack(side="right")
        self.busy_buttons = (self.generate_button, self.bundle_button, self.verify_button)  # one worker at a time
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

    # Work in a worker thread: a report, a bundle, a bundle's check

    def generate(self) -> None:
        if not self.code or not self.period.get():
            return
        choice = self._choice()
        code, folder = self.code, Path(self.folder.get())
        self._start(self.window._("generating"), self._with_store(
            lambda store: write_report(store, code, choice.pop("period"), folder, **choice)), self._show_written)

    def _show_written(self, files: list) -> None:
        self.written = [f.path for f in files]
        self.status.configure(text="\n".join(
            f"{f.path}   SHA-256 {f.sha256[:16]}…" + (
                "\n    " + self.window._("not_as_submitted", sha=f.submitted_sha256[:16])
                if f.differs_from_submission else "") for f in files))

    def bundle(self) -> None:
        """Ask where to save the period's evidence bundle (named after its report), then write it in the worker."""
        if not self.code or not self.period.get():
            return
        _ = self.window._
        self._database()  # refused before the dialog, not after it
        choice = self._choice()
        code, period, partner, lang = self.code, choice["period"], choice["partner"], choice["lang"]
        name = filedialog.asksaveasfilename(
            parent=self, title=_("bundle_title"), defaultextension=".zip", initialdir=self._report_folder(),
            initialfile=bundle_name(self.window.store, code, period, partner, lang=lang),
            filetypes=[(_("bundle_files"), "*.zip"), (_("all_files"), "*")])
        if not name:
            return
        out = Path(name)
        self._start(_("bundle_writing"), self._with_store(
            lambda store: make_bundle(store, code, period, out, partner=partner, lang=lang)), self._show_bundle)

    def _report_folder(self) -> str:
        """Where the file dialogs open: the folder for reports (made, as a report makes it, on first use), else the
        nearest folder of it there is; never the program's working folder."""
        folder = Path(self.folder.get()).expanduser().absolute()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # an unwritable or mistyped folder: the dialog lets the user choose another
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        return str(folder)

    def _show_bundle(self, b: Bundle) -> None:
        _ = self.window._
        state = ("bundle_not_submitted" if not b.submitted else
                 "bundle_is_submitted" if b.report_is_submitted else "bundle_not_as_submitted")
        lines = [_("bundle_written", path=b.path),
                 _("bundle_contents", files=b.files, size=file_size(b.size, _.lang), sha=b.sha256[:16]),
                 _(state, period=b.period),
                 _("bundle_counts", expenditures=b.expenditures, attachments=b.attachments, findings=b.findings,
                   errors=b.errors)]
        if b.missing_attachments:
            shown = [f"{m.reference} ({', '.join(f'#{n}' for n in m.expenditures)})"
                     for m in b.missing_attachments[:MISSING_SHOWN]]
            if len(b.missing_attachments) > MISSING_SHOWN:
                shown.append(_("more_missing", count=len(b.missing_attachments) - MISSING_SHOWN))
            lines.append(_("bundle_missing", count=len(b.missing_attachments), references="; ".join(shown)))
        self.written = [b.path]
        self.status.configure(text="\n".join(lines))

    def verify(self) -> None:
        """Check a bundle (its seal, every file's hash, the submission's hashes) and list what does not match."""
        _ = self.window._
        name = filedialog.askopenfilename(parent=self, title=_("verify_bundle_title"), initialdir=self._report_folder(),
                                          filetypes=[(_("bundle_files"), "*.zip"), (_("all_files"), "*")])
        if name:
            path = Path(name)
            self._start(_("bundle_verifying"), lambda: verify_bundle(path), self._show_verification)

    def _show_verification(self, checked: Verification) -> None:
        _ = self.window._
        lines = [_("verify_ok", path=checked.path, files=checked.files) if checked.ok else
                 _("verify_problems", path=checked.path, files=checked.files, count=len(checked.problems))]
        lines += [f"• {_.problem(p)}" for p in checked.problems]
        if checked.submitted:
            lines.append(_("verify_submitted" if checked.report_is_submitted else "verify_not_submitted_files",
                           period=checked.period, project=checked.project))
        elif checked.period is not None:
            lines.append(_("verify_open", period=checked.period, project=checked.project))
        self.status.configure(text="\n".join(lines))

    def _with_store(self, work: Callable[[Store], Any]) -> Callable[[], Any]:
        """`work` on the worker's own connection to the database file (a connection belongs to one thread)."""
        database = self._database()

        def run() -> Any:
            store = Store.open(database)
            try:
                return work(store)
            finally:
                store.close()
        return run

    def _database(self) -> Path:
        if self.window.store.path is None:
            raise UserError("reports: an in-memory database cannot be shared with the report worker")
        return self.window.store.path

    def _start(self, message: str, work: Callable[[], Any], show: Callable[[Any], None]) -> None:
        """Run `work` in a worker thread; `show` its result here, in the window's thread, once it is done."""
        for button in self.busy_buttons:
            button.configure(state="disabled")
        self.progress.configure(value=10)
        self.status.configure(text=message)
        self._show = show
        threading.Thread(target=self._work, args=(work,), daemon=True).start()
        self.after(100, self._drain)

    def _work(self, work: Callable[[], Any]) -> None:
        """Runs in the worker thread: no Tk; the result goes on the queue."""
        try:
            self.events.put(("progress", 40))
            self.events.put(("done", work()))
        except Exception as error:  # noqa: BLE001 - handed to the window, which shows or logs it
            self.events.put(("failed", error))

    def _drain(self) -> None:
        try:
            while True:
                kind, value = self.events.get_nowait()
                if kind == "progress":
                    self.progress.configure(value=value)
                    continue
                for button in self.busy_buttons:
                    button.configure(state="normal")
                self.progress.configure(value=100 if kind == "done" else 0)
                if kind == "failed":
                    self.status.configure(text="")
                    raise value
                self._show(value)
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


def file_size(size: int, lang: str) -> str:
    """A file's size as the language writes it: `1.2 MB`, `1,2 MB`, `836 KB`."""
    if size >= 1_048_576:
        return format_decimal(Decimal(size) / 1_048_576, format="#,##0.0", locale=lang) + " MB"
    return f"{(size + 1023) // 1024} KB" if size >= 1024 else f"{size} B"


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
