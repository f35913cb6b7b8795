"""Settings: interface language and theme, where the database is, backup now and restore."""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.gui.app import TK_THEMES
from reporter.i18n import LANGUAGES
from reporter.services.maintenance import backup_now, list_backups, restore

if TYPE_CHECKING:
    from reporter.gui.app import ReporterWindow


class SettingsView(ttk.Frame):
    def __init__(self, master: tk.Misc, window: "ReporterWindow") -> None:
        super().__init__(master, padding=16)
        self.window = window
        _ = window._
        grid = ttk.Frame(self)
        grid.pack(fill="x")
        ttk.Label(grid, text=_("language")).grid(row=0, column=0, sticky="w", pady=4)
        language = ttk.Combobox(grid, state="readonly", values=[f"{c} {n}" for c, n in LANGUAGES.items()], width=20)
        language.set(f"{_.lang} {LANGUAGES[_.lang]}")
        language.bind("<<ComboboxSelected>>", lambda _e: window.after_idle(window.set_language,
                                                                           language.get().split(" ", 1)[0]))
        language.grid(row=0, column=1, sticky="w", padx=8)
        ttk.Label(grid, text=_("theme")).grid(row=1, column=0, sticky="w", pady=4)
        theme = ttk.Combobox(grid, state="readonly", values=[_(name) for name in TK_THEMES], width=20)
        theme.set(_("dark") if "dark" in window.style.theme.name else _("light"))
        theme.bind("<<ComboboxSelected>>", lambda _e: window.set_theme("dark" if theme.get() == _("dark") else "light"))
        theme.grid(row=1, column=1, sticky="w", padx=8)
        ttk.Label(grid, text=_("report_folder_default")).grid(row=2, column=0, sticky="w", pady=4)
        self.report_folder = ttk.Label(grid, text=str(window.preferences.report_dir()))
        self.report_folder.grid(row=2, column=1, sticky="w", padx=8)
        ttk.Button(grid, text=_("choose_folder"), bootstyle="secondary-outline",
                   command=self.choose_report_folder).grid(row=2, column=2, sticky="w")
        ttk.Label(grid, text=_("database")).grid(row=3, column=0, sticky="w", pady=4)
        ttk.Label(grid, text=str(window.store.path or ":memory:")).grid(row=3, column=1, sticky="w", padx=8)
        actions = ttk.Frame(self, padding=(0, 16))
        actions.pack(fill="x")
        ttk.Button(actions, text=_("backup_now"), command=self.backup, bootstyle="primary").pack(side="left")
        ttk.Button(actions, text=_("restore"), command=self.restore, bootstyle="danger-outline").pack(side="left",
                                                                                                    padx=8)
        self.status = ttk.Label(self, text="", justify="left")
        self.status.pack(fill="x")

    def choose_report_folder(self, folder: str | None = None) -> None:
        """Where reports go from now on (the Reports view can still pick another for one report)."""
        folder = folder or filedialog.askdirectory(parent=self, initialdir=str(self.window.preferences.report_dir()),
                                                   mustexist=False)
        if folder:
            self.window.remember(report_folder=folder)
            self.report_folder.configure(text=folder)
            self.window.reports.folder.set(folder)

    def backup(self) -> None:
        path = backup_now(self.window.store)
        self.status.configure(text=self.window._("backup_written", path=path))

    def restore(self) -> None:
        """Replace the database with a backup; the state it replaces is backed up first."""
        _ = self.window._
        database = self.window.store.path
        if database is None:
            return
        backups = list_backups(database)
        name = filedialog.askopenfilename(parent=self, initialdir=str(backups[0].parent) if backups else None,
                                          filetypes=[("SQLite", "*.sqlite3"), ("*", "*")])
        if not name:
            return
        if Messagebox.yesno(_("restore_confirm", path=name), title=_("restore"), parent=self) != \
                MessageCatalog.translate("Yes"):
            return
        self.window.reopen(lambda: restore(database, Path(name)))
        self.window.settings.status.configure(text=_("restored", path=name))
