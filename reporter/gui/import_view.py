"""The import wizard (File → Import expenditure…): pick a file, see its first rows as read, map the columns, set
values for every row, translate codes, save the mapping as a profile, check every row, then import.

Reading the file and the import run in a worker thread with its own database
connection; the worker never touches Tk: it puts its progress and its result on
a queue the dialog drains with `after()`. Cancel stops the worker between two
chunks and its transaction rolls back: nothing is left.
"""

from __future__ import annotations

import queue
import threading
import tkinter as tk
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING, Any

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox, Querybox

from reporter.domain.errors import UserError
from reporter.i18n import problem_templates
from reporter.importers.layout import place
from reporter.importers.mapping import WHATS, ImportMapping, import_fields
from reporter.importers.table import ENCODINGS
from reporter.services.imports import (
    ImportResult,
    Preview,
    import_file,
    preview_file,
    profile_names,
    read_profile,
    write_profile,
)
from reporter.store import Store

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow

PREVIEW_ROWS = 30
# The window's word for each field: the expenditure form's where it has one, else the import's own.
_FORM_WORDS = {"partner", "line", "date", "document", "supplier", "gross", "vat", "eligible", "currency", "period",
               "activity", "description", "paid", "paid_by", "person_document", "travel_route", "travel_from",
               "travel_to", "travellers", "procurement_ref"}
_SETUP_WORDS = {"code": "field_code", "title": "field_title", "year": "field_year", "amount": "field_amount",
                "funder": "field_funder"}


class ProblemList(tk.Text):
    """The problems and duplicates, one a line, wrapped to the width and read-only (Listbox-like `get` and `insert`)."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, width=40, height=3, wrap="word", state="disabled", relief="flat")

    def delete(self, first: Any = 0, last: Any = "end") -> None:  # type: ignore[override]
        self.configure(state="normal")
        super().delete("1.0", "end")
        self.configure(state="disabled")

    def insert(self, index: Any, text: str, *tags: Any) -> None:  # type: ignore[override]
        self.configure(state="normal")
        super().insert("end", ("\n" if self.lines() else "") + text)
        self.configure(state="disabled")

    def lines(self) -> list[str]:
        text = super().get("1.0", "end-1c")
        return text.split("\n") if text else []

    def get(self, index: Any, *rest: Any) -> str:  # type: ignore[override]
        return self.lines()[int(index)]


class ImportWizard(ttk.Toplevel):
    def __init__(self, window: "ReporterWindow", what: str = "expenditure") -> None:
        self.size = size = (min(window.winfo_screenwidth() - 40, 1200), min(window.winfo_screenheight() - 60, 820))
        super().__init__(title=window._("import_title"), master=window, size=size, minsize=(900, 560))
        self.window = window
        self._ = window._
        self.events: queue.Queue = queue.Queue()
        self.cancel_flag = threading.Event()
        self.preview: Preview | None = None
        self.result: ImportResult | None = None
        self.busy = False
        self.path = tk.StringVar()
        self.what = tk.StringVar(value=what)
        self.sheet = tk.StringVar()
        self.encoding = tk.StringVar(value=self._("automatic"))
        self.profile = tk.StringVar()
        self.date_order = tk.StringVar(value=self._("automatic"))
        self.valid_only = tk.BooleanVar(value=False)
        self.keep_duplicates = tk.BooleanVar(value=False)
        self.columns: dict[str, tk.StringVar] = {}
        self.constants: dict[str, tk.StringVar] = {}
        self._build()
        self.transient(window)
        self.bind("<Escape>", lambda _e: self.cancel() if self.busy else self.destroy())

    # Layout

    def _build(self) -> None:
        _ = self._
        top = ttk.Frame(self, padding=(10, 8, 10, 2))
        top.pack(fill="x")
        ttk.Label(top, text=_("import_what")).grid(row=0, column=0, sticky="w")
        self.what_names = {_(f"what_{w}"): w for w in WHATS}
        self.what_box = ttk.Combobox(top, values=list(self.what_names), state="readonly", width=16)
        self.what_box.set(_(f"what_{self.what.get()}"))
        self.what_box.grid(row=1, column=0, sticky="w", padx=(0, 8))
        self.what_box.bind("<<ComboboxSelected>>", lambda _e: self.change_what(self.what_names[self.what_box.get()]))
        ttk.Label(top, text=_("import_file")).grid(row=0, column=1, sticky="w")
        file_entry = ttk.Entry(top, textvariable=self.path)
        file_entry.grid(row=1, column=1, sticky="ew")
        file_entry.bind("<Return>", lambda _e: self.reload())
        ttk.Button(top, text=_("choose_folder"), command=self.choose_file, bootstyle="secondary").grid(
            row=1, column=2, padx=(4, 0))
        top.columnconfigure(1, weight=1)
        options = ttk.Frame(self, padding=(10, 2, 10, 4))
        options.pack(fill="x")
        ttk.Label(options, text=_("import_sheet")).pack(side="left")
        self.sheet_box = ttk.Combobox(options, textvariable=self.sheet, state="readonly", width=18)
        self.sheet_box.pack(side="left", padx=(4, 12))
        self.sheet_box.bind("<<ComboboxSelected>>", lambda _e: self.reload())
        ttk.Label(options, text=_("import_encoding")).pack(side="left")
        encoding = ttk.Combobox(options, textvariable=self.encoding, values=(_("automatic"), *ENCODINGS), width=13)
        encoding.pack(side="left", padx=(4, 12))
        encoding.bind("<<ComboboxSelected>>", lambda _e: self.reload())
        ttk.Label(options, text=_("import_profile")).pack(side="left")
        self.profile_box = ttk.Combobox(options, textvariable=self.profile, values=profile_names(), state="readonly",
                                        width=18)
        self.profile_box.pack(side="left", padx=4)
        self.profile_box.bind("<<ComboboxSelected>>", lambda _e: self.use_profile())
        ttk.Button(options, text=_("import_save_profile"), command=self.save_profile,
                   bootstyle="secondary-outline").pack(side="left", padx=4)

        # The buttons and the progress at the bottom first: they keep their place however small the window.
        status = ttk.Frame(self, padding=(10, 0, 10, 8))
        status.pack(side="bottom", fill="x")
        self.progress = ttk.Progressbar(status, maximum=100, bootstyle="info-striped")
        self.progress.pack(fill="x")
        self.status = ttk.Label(status, text="", justify="left", wraplength=self.size[0] - 40)
        self.status.pack(fill="x")
        bottom = ttk.Frame(self, padding=(10, 4))
        bottom.pack(side="bottom", fill="x")
        choices = ttk.Frame(self, padding=(10, 4, 10, 0))
        choices.pack(side="bottom", fill="x")
        ttk.Checkbutton(choices, text=_("import_valid_only"), variable=self.valid_only).pack(side="left")
        ttk.Checkbutton(choices, text=_("import_keep_duplicates"), variable=self.keep_duplicates).pack(
            side="left", padx=12)
        ttk.Label(choices, text=_("import_date_order")).pack(side="left")
        ttk.Combobox(choices, textvariable=self.date_order, values=(_("automatic"), "DMY", "MDY"), state="readonly",
                     width=12).pack(side="left", padx=4)
        ttk.Button(bottom, text=_("close"), command=self.destroy, bootstyle="secondary").pack(side="right")
        self.cancel_button = ttk.Button(bottom, text=_("cancel"), command=self.cancel, bootstyle="danger-outline",
                                        state="disabled")
        self.cancel_button.pack(side="right", padx=4)
        self.import_button = ttk.Button(bottom, text=_("import_run"), command=lambda: self.start(False),
                                        bootstyle="primary")
        self.import_button.pack(side="right", padx=4)
        self.check_button = ttk.Button(bottom, text=_("import_check"), command=lambda: self.start(True),
                                       bootstyle="info")
        self.check_button.pack(side="right")

        body = ttk.Panedwindow(self, orient="vertical")
        body.pack(fill="both", expand=True, padx=10)
        shown = ttk.Labelframe(body, text=_("import_preview"), padding=4)
        self.layout_label = ttk.Label(shown, text="", bootstyle="secondary")
        self.layout_label.pack(side="bottom", fill="x")
        scroll = ttk.Scrollbar(shown, orient="horizontal")
        scroll.pack(side="bottom", fill="x")
        self.table = ttk.Treeview(shown, show="headings", height=3, xscrollcommand=scroll.set)
        scroll.configure(command=self.table.xview)
        self.table.pack(fill="both", expand=True)
        body.add(shown, weight=2)

        mapping = ttk.Labelframe(body, text=_("import_mapping"), padding=4)
        canvas = tk.Canvas(mapping, highlightthickness=0, height=120, background=self.window.style.colors.bg)
        bar = ttk.Scrollbar(mapping, orient="vertical", command=canvas.yview)
        self.grid_frame = ttk.Frame(canvas)
        self.grid_frame.bind("<Configure>", lambda _e: canvas.configure(scrollregion=canvas.bbox("all")))
        canvas.create_window((0, 0), window=self.grid_frame, anchor="nw")
        canvas.configure(yscrollcommand=bar.set)
        bar.pack(side="right", fill="y")
        canvas.pack(side="left", fill="both", expand=True)
        self.canvas = canvas
        # Bound to the wizard's window, whose tag every widget in it carries: gone with it, and no other view's.
        for sequence, step in (("<Button-4>", -1), ("<Button-5>", 1)):
            self.bind(sequence, lambda _e, step=step: self._scroll(step), add="+")
        self.bind("<MouseWheel>", lambda e: self._scroll(-1 if e.delta > 0 else 1), add="+")
        body.add(mapping, weight=3)

        lower = ttk.Frame(body)
        values = ttk.Labelframe(lower, text=_("import_value_map"), padding=4)
        values.pack(side="right", fill="y", padx=(8, 0))
        results = ttk.Labelframe(lower, text=_("problems"), padding=4)
        results.pack(side="left", fill="both", expand=True)
        self.problem_list = ProblemList(results)
        self.problem_list.pack(fill="both", expand=True)
        ttk.Label(values, text=_("import_value_map_hint"), bootstyle="secondary", wraplength=300).pack(
            side="bottom", anchor="w")
        self.value_text = tk.Text(values, width=32, height=3)
        self.value_text.pack(fill="both", expand=True)
        body.add(lower, weight=2)
        self.body = body
        body.bind("<Configure>", self._share_height, add="+")
        self._fill_grid({})

    def _share_height(self, event: tk.Event) -> None:
        """The rows shown, the field list and the problems share the height (the fields get the most)."""
        if event.height > 100:
            self.body.sashpos(0, int(event.height * 0.28))
            self.body.sashpos(1, int(event.height * 0.68))

    def _scroll(self, step: int) -> None:
        """The wheel scrolls the field list when the pointer is over it."""
        widget = self.winfo_containing(*self.winfo_pointerxy())
        if widget is not None and str(widget).startswith(str(self.canvas)):
            self.canvas.yview_scroll(step, "units")

    def label(self, name: str) -> str:
        _ = self._
        base, _sep, rest = name.partition(":")
        if rest:
            return f"{_('field_amount')} {rest.replace(':', ' ')}"
        if self.what.get() == "expenditure" and name in _FORM_WORDS:
            return _(name)
        if self.what.get() != "expenditure" and name in _SETUP_WORDS:
            return _(_SETUP_WORDS[name])
        if name in ("partner", "line", "activity"):
            return _(name)
        return _(f"import_field_{name}")

    def _fill_grid(self, columns: dict[str, str], constants: dict[str, str] | None = None) -> None:
        """One line a field: its label, the column it is read from, and a value for every row."""
        for child in self.grid_frame.winfo_children():
            child.destroy()
        constants = constants or {}
        fields = list(import_fields(self.what.get())) + sorted(n for n in columns if ":" in n)
        choices = ("", *(self.preview.layout.columns if self.preview else ()))
        _ = self._
        for i, heading in enumerate((_("import_field"), _("import_column"), _("import_constant"))):
            for half in (0, 3):
                ttk.Label(self.grid_frame, text=heading, bootstyle="secondary").grid(row=0, column=half + i,
                                                                                     sticky="w", padx=4)
        self.columns, self.constants = {}, {}
        for index, name in enumerate(fields):
            row, half = index // 2 + 1, (index % 2) * 3
            ttk.Label(self.grid_frame, text=self.label(name)).grid(row=row, column=half, sticky="w", padx=4)
            self.columns[name] = tk.StringVar(value=columns.get(name, ""))
            ttk.Combobox(self.grid_frame, textvariable=self.columns[name], values=choices, width=17,
                         state="readonly").grid(row=row, column=half + 1, padx=4, pady=1)
            self.constants[name] = tk.StringVar(value=constants.get(name, ""))
            ttk.Entry(self.grid_frame, textvariable=self.constants[name], width=11).grid(row=row, column=half + 2,
                                                                                          padx=(4, 14), pady=1)

    # The mapping

    def change_what(self, what: str) -> None:
        """Another kind of data: its own fields, mapped afresh from the header."""
        self.what.set(what)
        self.what_box.set(self._(f"what_{what}"))
        self._fill_grid({})
        self.reload()

    def mapping(self) -> ImportMapping:
        values: dict[str, dict[str, str]] = {}
        for line in self.value_text.get("1.0", "end").splitlines():
            name, sep, pair = line.partition(":")
            source, eq, target = pair.partition("=")
            if sep and eq and name.strip() and source.strip():
                values.setdefault(name.strip(), {})[source.strip()] = target.strip()
        automatic = self._("automatic")
        return ImportMapping(
            what=self.what.get(),
            columns={n: v.get() for n, v in self.columns.items() if v.get()},
            constants={n: v.get().strip() for n, v in self.constants.items() if v.get().strip()},
            values=values, sheet=self.sheet.get() or None,
            encoding=None if self.encoding.get() in ("", automatic) else self.encoding.get(),
            date_order=None if self.date_order.get() in ("", automatic) else self.date_order.get())

    def show_mapping(self, mapping: ImportMapping) -> None:
        self.what.set(mapping.what)
        self.what_box.set(self._(f"what_{mapping.what}"))
        self._fill_grid(mapping.columns, mapping.constants)
        self.value_text.delete("1.0", "end")
        self.value_text.insert("1.0", "\n".join(f"{name}: {source} = {target}" for name, pairs in
                                                mapping.values.items() for source, target in pairs.items()))
        if mapping.date_order:
            self.date_order.set(mapping.date_order)
        if mapping.encoding:
            self.encoding.set(mapping.encoding)

    def choose_file(self) -> None:
        name = filedialog.askopenfilename(parent=self, filetypes=[(
            self._("import_files"), "*.csv *.txt *.tsv *.xlsx *.xls *.ods"), ("*", "*")])
        if name:
            self.open(Path(name))

    def open(self, path: Path) -> None:
        self.path.set(str(path))
        self.sheet.set("")
        self.reload()

    def reload(self) -> None:
        """Read the file again (another sheet, encoding or kind of data) in the worker."""
        if self.path.get():
            self._run("preview", self.mapping(), suggest=not any(v.get() for v in self.columns.values()))

    def use_profile(self) -> None:
        mapping = read_profile(self.profile.get())
        if mapping.sheet:
            self.sheet.set(mapping.sheet)
        self.show_mapping(mapping)
        self.reload()

    def save_profile(self) -> None:
        name = Querybox.get_string(self._("import_profile_name"), title=self._("import_save_profile"), parent=self,
                                   initialvalue=self.profile.get())
        if name:
            write_profile(name.strip(), self.mapping())
            self.profile_box.configure(values=profile_names())
            self.profile.set(name.strip())
            self.status.configure(text=self._("import_profile_saved", name=name.strip()))

    # The worker

    def start(self, dry_run: bool) -> None:
        if not self.path.get() or self.busy:
            return
        self._run("import", self.mapping(), dry_run=dry_run, mode="valid" if self.valid_only.get() else "all",
                  keep_duplicates=self.keep_duplicates.get())

    def cancel(self) -> None:
        self.cancel_flag.set()

    def _run(self, job: str, mapping: ImportMapping, **options: Any) -> None:
        self.busy = True
        self.cancel_flag.clear()
        for button in (self.check_button, self.import_button):
            button.configure(state="disabled")
        self.cancel_button.configure(state="normal" if job == "import" else "disabled")
        self.progress.configure(value=0)
        self.status.configure(text=self._("import_reading"))
        code = self.window.project_code()
        arguments = (job, self.window.store.path, code, Path(self.path.get()), mapping, options)
        if self.window.store.path is None:  # an in-memory database cannot be shared with a worker
            self._work(*arguments, store=self.window.store)
        else:
            threading.Thread(target=self._work, args=arguments, daemon=True).start()
        self.after(50, self._drain)

    def _work(self, job: str, database: Path | None, code: str | None, path: Path, mapping: ImportMapping,
              options: dict[str, Any], store: Store | None = None) -> None:
        """In the worker: its own connection, no Tk; everything goes on the queue."""
        try:
            if job == "preview":
                self.events.put(("preview", (preview_file(path, mapping, PREVIEW_ROWS), options["suggest"])))
                return
            own = store is None
            store = store or Store.open(database)  # type: ignore[arg-type]
            try:
                result = import_file(
                    store, code, path, mapping, mode=options["mode"], dry_run=options["dry_run"],
                    keep_duplicates=options["keep_duplicates"],
                    progress=lambda phase, done, total: self.events.put(("progress", (phase, done, total))),
                    cancelled=self.cancel_flag.is_set)
            finally:
                if own:
                    store.close()
            self.events.put(("done", result))
        except Exception as error:  # noqa: BLE001 - handed to the dialog, which shows or logs it
            self.events.put(("failed", error))

    def _drain(self) -> None:
        try:
            while True:
                kind, value = self.events.get_nowait()
                if kind == "progress":
                    phase, done, total = value
                    share = done / total if total else 1
                    self.progress.configure(value=(share * 50) if phase == "checking" else 50 + share * 50)
                    self.status.configure(text=self._(f"import_{phase}", done=done, total=total))
                    continue
                self._finish()
                if kind == "failed":
                    self.status.configure(text=self.window._.error(value) if isinstance(value, UserError) else "")
                    raise value
                if kind == "preview":
                    self.show_preview(*value)
                else:
                    self.show_result(value)
                return
        except queue.Empty:
            self.after(50, self._drain)

    def _finish(self) -> None:
        self.busy = False
        for button in (self.check_button, self.import_button):
            button.configure(state="normal")
        self.cancel_button.configure(state="disabled")

    def show_preview(self, preview: Preview, suggest: bool) -> None:
        self.preview = preview
        table, layout = preview.table, preview.layout
        self.sheet_box.configure(values=table.sheets, state="readonly" if table.sheets else "disabled")
        if table.sheet:
            self.sheet.set(table.sheet)
        columns = [f"c{i}" for i in range(len(layout.columns))]
        self.table.configure(columns=["row", *columns])
        self.table.heading("row", text="#")
        self.table.column("row", width=48, anchor="e", stretch=False)
        for key, name in zip(columns, layout.columns):
            self.table.heading(key, text=name)
            self.table.column(key, width=130, stretch=False)
        self.table.delete(*self.table.get_children())
        for number, cells in preview.rows:
            self.table.insert("", "end", values=[number, *cells])
        self.layout_label.configure(text=self._(
            "import_layout", header=layout.header_row or "–", skipped=len(layout.skipped),
            source=f"{table.encoding}, '{table.delimiter}'" if table.encoding else table.sheet or ""))
        current = {n: v.get() for n, v in self.columns.items() if v.get()}
        constants = {n: v.get() for n, v in self.constants.items() if v.get()}
        self._fill_grid(preview.suggested if suggest else current, constants)
        self.status.configure(text="")

    def show_result(self, result: ImportResult) -> None:
        self.result = result
        self.progress.configure(value=100)
        _ = self._
        self.problem_list.delete(0, "end")
        lang = self.window._.lang
        words = problem_templates(lang)
        for rows, column, name, found in result.grouped():
            field = self.label(name) if name and column is None else name
            self.problem_list.insert("end", found.worded(words, lang, where=place(words, rows, column, field, lang)))
        for d in result.duplicates:
            self.problem_list.insert("end", _("import_duplicate", row=d.row, number=d.number) if d.number else
                                     _("import_duplicate_row", row=d.row, earlier=d.earlier_row))
        counts = {"rows": result.rows, "valid": result.valid, "bad": len(result.bad_rows),
                  "duplicates": len(result.duplicates), "skipped": len(result.skipped), "imported": result.imported}
        if result.dry_run:
            key = "import_checked"
        elif result.refused:
            key = "import_refused"
        else:
            key = "import_done"
        self.status.configure(text=_(key, **counts))
        if result.imported:
            self.window.reload_projects(self.window.project_code())


def import_package_dialog(window: "ReporterWindow") -> None:
    """File → Import partner package…: merge it, then say what was added."""
    from reporter.services.packages import import_package

    name = filedialog.askopenfilename(parent=window, filetypes=[(window._("package_files"), "*.zip"), ("*", "*")])
    if not name:
        return
    merged = import_package(window.store, Path(name))
    window.reload_projects(merged.project)
    Messagebox.show_info(window._("package_merged", partner=merged.partner, period=merged.period, added=merged.added,
                                  unchanged=merged.unchanged), title=window._("import_package"), parent=window)
