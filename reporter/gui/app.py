"""The main window: a header to switch project and language, and the views in tabs.

The window holds no SQL and no business rule: every view calls the services
with the one open `Store`. A user error is shown plainly; any other error says
"internal error" with the log file, and what was typed stays in the form.
"""

from __future__ import annotations

import logging
import tkinter as tk
from dataclasses import replace
from pathlib import Path
from tkinter import filedialog
from typing import TYPE_CHECKING, Callable

import ttkbootstrap as ttk
from ttkbootstrap.dialogs import Messagebox
from ttkbootstrap.localization import MessageCatalog

from reporter.domain.errors import UserError
from reporter.i18n import LANGUAGES, Translator
from reporter.paths import demo_database, log_file, resources_dir, settings_file
from reporter.services.projects import export_project, list_projects, load_project_file, read_project_file
from reporter.services.settings import Settings, load_settings, save_settings
from reporter.store import Store
from reporter.files import write_text
from reporter.store.failures import user_error
from reporter.store.projects import ProjectSummary

if TYPE_CHECKING:
    from reporter.gui.budget_view import BudgetView
    from reporter.gui.checks_view import ChecksView
    from reporter.gui.project_view import ProjectView
    from reporter.gui.rates_view import RatesView
    from reporter.gui.reports_view import ReportsView
    from reporter.gui.settings_view import SettingsView

log = logging.getLogger("reporter.gui")
TK_THEMES = {"light": "bootstrap-light", "dark": "bootstrap-dark"}
FIRST_PAINT_MS = 2000  # the checks start at the latest this long after the window was made
# The views behind the other tabs, in tab order after the expenditure: each is made when first shown or asked for.
LATER_VIEWS = (("budget", "budget_tab"), ("checks", "checks"), ("reports", "reports"), ("rates", "rates_tab"),
               ("project_setup", "project_setup"), ("settings", "settings"))


class ReporterWindow(ttk.Window):
    """The window; with `settings_file`, the language, theme and report folder chosen are remembered there."""

    def __init__(self, store: Store, lang: str = "en", settings: Settings = Settings(),
                 settings_file: Path | None = None) -> None:
        super().__init__(themename=TK_THEMES[settings.theme], title="Grant Reporter", minsize=(1000, 640))
        # As large as it was designed for, but never larger than the screen (1024×700 holds everything).
        self.geometry(f"{min(1280, self.winfo_screenwidth())}x{min(800, self.winfo_screenheight() - 60)}+0+0")
        self.store = store
        self.home_database = store.path  # the one it opened on; File → Open the demo leaves it for a while
        self.preferences = replace(settings, language=lang)
        self.settings_file = settings_file
        self._ = Translator(lang)
        self.project = tk.StringVar()
        self._shown_project: str | None = None
        self._project_known = False  # a view made later shows `_shown_project` once the switch has chosen one
        self.project_summaries: list[ProjectSummary] = []  # read once per reload, for the switch and the setup view
        self._checks_job: str | None = None
        self._painted = False  # the checks wait for the first page to be drawn (see `_first_paint`)
        self.report_callback_exception = self._callback_error  # type: ignore[assignment]
        self._set_icon()
        self._set_toolkit_language(lang)
        self._build()
        self.expenditure.when_drawn(self._first_paint)
        self._unpainted_job = self.after(FIRST_PAINT_MS, self._first_paint)  # a window never shown checks too
        self.reload_projects()
        self.after_idle(self._first_focus)

    def _first_paint(self) -> None:
        """The first page is on the screen: now the checks, which read every row of a large project (and verify
        the audit log once), so that they do not keep it from being drawn. Tk draws at idle time, and the drawing
        an exposure asks for is queued before the checks asked for here."""
        if self._painted:
            return
        self._painted = True
        self.after_cancel(self._unpainted_job)
        if self._checks_job is None:
            self._checks_job = self.after_idle(self._show_checks, self.project_code())

    def _first_focus(self) -> None:
        """The cursor starts where the work starts: the expenditure form's first field."""
        if self.tabs.winfo_ismapped() and self.tabs.select() == str(self.expenditure):
            self.expenditure.widgets["partner"].focus_set()

    # Language

    def _set_toolkit_language(self, lang: str) -> None:
        """ttkbootstrap's own dialogs follow the interface language too."""
        for source, translated in self._.toolkit_messages().items():
            MessageCatalog.set(lang, source, translated)
        MessageCatalog.locale(lang)

    def remember(self, **changes: object) -> None:
        """Keep a changed preference for the next start."""
        self.preferences = replace(self.preferences, **changes)
        if self.settings_file is not None:
            save_settings(self.preferences, self.settings_file)

    def set_theme(self, theme: str) -> None:
        self.style.theme_use(TK_THEMES[theme])
        self.remember(theme=theme)

    def set_language(self, lang: str) -> None:
        """Rebuild every view in the new language; the project and what is open stay as they are."""
        self.remember(language=lang)
        self._ = Translator(lang)
        self._set_toolkit_language(lang)
        setup = self._views.get("project_setup")
        self._rebuild()
        if setup is not None and setup.dirty:  # what is typed into the project setup survives the language switch
            self.project_setup.keep_editing(setup)

    def _set_icon(self) -> None:
        try:
            self._icon = tk.PhotoImage(master=self, file=str(resources_dir() / "icons" / "grant-reporter-64.png"))
            self.iconphoto(True, self._icon)
        except tk.TclError as error:  # a missing icon is no reason not to start
            log.warning("no window icon: %s", error)

    # Layout

    def _rebuild(self) -> None:
        """Every view anew (a new language, another database); the project shown stays if it is there."""
        if self._checks_job:  # the checks view it would fill is about to go
            self.after_cancel(self._checks_job)
            self._checks_job = None
        code = self.project_code()
        for child in self.winfo_children():
            child.destroy()
        self._build()
        self.reload_projects(code)

    def _menu(self, master: tk.Misc) -> tk.Menu:
        """A menu drawn with a border, so that it stands out from the window under it."""
        return tk.Menu(master, tearoff=False, relief="solid", borderwidth=1, activeborderwidth=0)

    def _build(self) -> None:
        from reporter.gui.expenditure_view import ExpenditureView

        _ = self._
        self.title(_("app_title"))
        menu = tk.Menu(self, relief="flat", borderwidth=0)
        file_menu = self._menu(menu)
        file_menu.add_command(label=_("new_project_menu"), command=self.create_project)
        file_menu.add_command(label=_("load_project"), command=self.load_project)
        file_menu.add_command(label=_("export_project"), command=self.export_project)
        file_menu.add_command(label=_("import"), command=self.import_wizard)
        file_menu.add_command(label=_("import_package"), command=self.import_package)
        file_menu.add_separator()
        if self.showing_demo() and self.home_database not in (None, demo_database()):
            file_menu.add_command(label=_("open_my_database"), command=self.open_my_database)
        elif not self.showing_demo():
            file_menu.add_command(label=_("open_demo"), command=self.open_demo)
        file_menu.add_separator()
        file_menu.add_command(label=_("quit"), command=self.destroy)
        menu.add_cascade(label=_("file"), menu=file_menu)
        language_menu = self._menu(menu)
        for code, name in LANGUAGES.items():
            language_menu.add_command(label=name, command=lambda code=code: self.set_language(code))
        menu.add_cascade(label=_("language"), menu=language_menu)
        self.configure(menu=menu)

        self.header = header = ttk.Frame(self, padding=(12, 6))
        header.pack(fill="x")
        ttk.Label(header, text=_("app_title"), font=("-size", 14, "-weight", "bold")).pack(side="left")
        self.project_box = ttk.Combobox(header, textvariable=self.project, state="readonly", width=60)
        self.project_box.pack(side="right", fill="x", expand=True, padx=(12, 0))
        self.project_box.bind("<<ComboboxSelected>>", lambda _event: self.project_changed())
        ttk.Label(header, text=_("project")).pack(side="right", padx=(24, 6))
        self.hint_row = ttk.Frame(self, padding=(12, 0))  # shown while there is something to say
        self.hint = ttk.Label(self.hint_row, text="", bootstyle="secondary")
        self.hint.pack(side="left")

        # An empty database (the first start): a welcome with the three ways in, none needing the command line.
        self.welcome = ttk.Frame(self, padding=24)
        ttk.Label(self.welcome, text=_("welcome_title"), font=("-size", 16, "-weight", "bold")).pack(anchor="w")
        ttk.Label(self.welcome, text=_("welcome_text"), wraplength=700, justify="left").pack(anchor="w", pady=(6, 18))
        choices = ttk.Frame(self.welcome)
        choices.pack(anchor="w")
        self.create_button = ttk.Button(choices, text=_("create_project"), bootstyle="primary",
                                        command=self.create_project)
        self.create_button.pack(side="left")
        self.demo_button = ttk.Button(choices, text=_("open_demo"), command=self.open_demo, bootstyle="info")
        self.demo_button.pack(side="left", padx=12)
        self.load_button = ttk.Button(choices, text=_("load_project_button"), command=self.load_project,
                                      bootstyle="secondary")
        self.load_button.pack(side="left")

        self.tabs = ttk.Notebook(self)
        self.tabs.pack(fill="both", expand=True, padx=8, pady=(4, 8))
        self.tabs.enable_traversal()  # Ctrl+Tab and Ctrl+Shift+Tab go from view to view
        self.hint.bind("<Configure>", lambda _e: self._show_hint(), add="+")
        self.expenditure = ExpenditureView(self.tabs, self, on_saved=self.data_changed)
        self.tabs.add(self.expenditure, text=_("expenditure"))
        self._views: dict[str, tk.Widget] = {}
        self._placeholders: dict[str, ttk.Frame] = {}
        for name, label in LATER_VIEWS:
            self._placeholders[name] = placeholder = ttk.Frame(self.tabs)
            self.tabs.add(placeholder, text=_(label))
        self.tabs.bind("<<NotebookTabChanged>>", lambda _e: self._make_selected_view(), add="+")

    # The views behind the other tabs are made when first shown or asked for: a window opens with the expenditure
    # list alone (the project setup's forms are half of all its widgets), and a view not made yet needs no news.

    def _make_selected_view(self) -> None:
        selected = self.tabs.select()
        for name, placeholder in list(self._placeholders.items()):
            if selected == str(placeholder):
                self._view(name)

    def _view(self, name: str) -> tk.Widget:
        view = self._views.get(name)
        if view is None:
            from reporter.gui.budget_view import BudgetView
            from reporter.gui.checks_view import ChecksView
            from reporter.gui.project_view import ProjectView
            from reporter.gui.rates_view import RatesView
            from reporter.gui.reports_view import ReportsView
            from reporter.gui.settings_view import SettingsView

            kinds = {"budget": BudgetView, "checks": ChecksView, "reports": ReportsView, "rates": RatesView,
                     "project_setup": ProjectView, "settings": SettingsView}
            placeholder = self._placeholders.pop(name)
            view = self._views[name] = kinds[name](self.tabs, self)
            shown = self.tabs.select() == str(placeholder)
            self.tabs.insert(placeholder, view, text=self.tabs.tab(placeholder, "text"))
            placeholder.destroy()
            if shown:
                self.tabs.select(view)
            if self._project_known and name in ("budget", "reports", "rates", "project_setup"):
                view.show_project(self._shown_project)  # type: ignore[attr-defined]
        return view  # (the checks view is filled by `_show_checks`, once the first page is drawn)

    @property
    def budget(self) -> "BudgetView":
        return self._view("budget")  # type: ignore[return-value]

    @property
    def checks(self) -> "ChecksView":
        return self._view("checks")  # type: ignore[return-value]

    @property
    def reports(self) -> "ReportsView":
        return self._view("reports")  # type: ignore[return-value]

    @property
    def rates(self) -> "RatesView":
        return self._view("rates")  # type: ignore[return-value]

    @property
    def project_setup(self) -> "ProjectView":
        return self._view("project_setup")  # type: ignore[return-value]

    @property
    def settings(self) -> "SettingsView":
        return self._view("settings")  # type: ignore[return-value]

    def say(self, text: str) -> None:
        """A line under the header: what just happened (a project loaded), or what this database is (the demo)."""
        self.hint.configure(text=text)
        self._show_hint()

    def _show_hint(self) -> None:
        if self.hint.cget("text") and not self.hint_row.winfo_ismapped():
            self.hint_row.pack(fill="x", after=self.header)
        elif not self.hint.cget("text") and self.hint_row.winfo_ismapped():
            self.hint_row.pack_forget()

    # What one view tells the others goes through here: the views do not reach into each other.

    def data_changed(self) -> None:
        """An expenditure was saved or deleted: the figures built on it follow (in the views made so far)."""
        if "checks" in self._views:
            self.checks.refresh()
        if "budget" in self._views:
            self.budget.changed()

    def budget_changed(self) -> None:
        """The approved budget was typed in the grid (and saved): the setup forms, checks and grid follow."""
        if "project_setup" in self._views:
            self.project_setup.show_project(self.project_code())
        if "checks" in self._views:
            self.checks.refresh()
        self.budget.changed()

    def rates_changed(self) -> None:
        """Exchange rates were stored: a foreign-currency document in the form takes its month's rate."""
        self.expenditure.update_preview()

    def add_rate(self, currency: str, month: str) -> None:
        """Go to the Rates view, ready to store the rate a document is missing."""
        self.tabs.select(self.rates)
        self.rates.prefill(currency, month)

    def setup_unsaved(self) -> bool:
        setup = self._views.get("project_setup")
        return setup is not None and setup.dirty  # type: ignore[attr-defined]

    def show_expenditure(self, reference: str) -> None:
        """Jump to an expenditure (from a finding or a budget cell): its row in the list, open in the form."""
        self.tabs.select(self.expenditure)
        self.expenditure.show_expenditure(reference)

    def create_project(self) -> None:
        """Start a new project in the project setup (the first start's "Create a project")."""
        self._show_welcome(False)
        self.tabs.select(self.project_setup)
        self.project_setup.new_project()

    def _show_welcome(self, shown: bool) -> None:
        if shown and not self.welcome.winfo_ismapped():
            self.tabs.pack_forget()
            self.welcome.pack(fill="both", expand=True)
        elif not shown and self.welcome.winfo_ismapped():
            self.welcome.pack_forget()
            self.tabs.pack(fill="both", expand=True, padx=8, pady=(4, 8))

    # Projects

    def project_code(self) -> str | None:
        return self.project.get().split(" ", 1)[0] or None

    def reload_projects(self, code: str | None = None) -> None:
        """Fill the project switch afresh and show `code` (or the first project)."""
        self.project_summaries = list_projects(self.store)
        choices = [f"{p.code} {p.title}" for p in self.project_summaries]
        self.project_box.configure(values=choices)
        self.say(self._("no_projects") if not choices else self._("demo_open") if self.showing_demo() else "")
        self._show_welcome(not choices and not self.showing_demo() and not self.setup_unsaved())
        self.project.set(next((c for c in choices if c.split(" ", 1)[0] == code), choices[0]) if choices else "")
        self.project_changed()

    def project_changed(self) -> None:
        """Show the project's first page at once; its checks follow as soon as the window is idle."""
        code = self.project_code()
        if code != self._shown_project and self.setup_unsaved():
            if Messagebox.yesno(self._("discard_changes"), title=self._("project_setup"), parent=self) != \
                    MessageCatalog.translate("Yes"):
                self.project.set(next((c for c in self.project_box.cget("values")
                                       if c.split(" ", 1)[0] == self._shown_project), ""))
                return
        self._shown_project, self._project_known = code, True
        self.expenditure.show_project(code)
        for name in ("reports", "rates", "budget", "project_setup"):
            if name in self._views:
                self._views[name].show_project(code)  # type: ignore[attr-defined]
        if self._checks_job:
            self.after_cancel(self._checks_job)
        self._checks_job = self.after_idle(self._show_checks, code) if self._painted else None

    def _show_checks(self, code: str | None) -> None:
        self._checks_job = None
        self.checks.show_project(code)

    def load_project(self, name: str | None = None) -> None:
        """Load a project file; one whose project is here already replaces it only when the user says so."""
        _ = self._
        name = name or filedialog.askopenfilename(parent=self, title=_("load_project_title"), filetypes=[
            (_("project_files"), "*.toml"), (_("all_files"), "*")])
        if not name:
            return
        code = read_project_file(Path(name)).project.code
        if code in {p.code for p in self.project_summaries} and Messagebox.yesno(
                _("replace_project", code=code), title=_("load_project_title"), parent=self,
                default="No") != MessageCatalog.translate("Yes"):
            return
        result = load_project_file(self.store, Path(name))
        self.reload_projects(result.code)
        self.say(_("project_loaded", code=result.code))

    def export_project(self) -> None:
        code = self.project_code()
        if code:
            name = filedialog.asksaveasfilename(parent=self, title=self._("export_project_title"),
                                                defaultextension=".toml", initialfile=f"{code}.toml",
                                                filetypes=[(self._("project_files"), "*.toml")])
            if name:
                write_text(Path(name), export_project(self.store, code))
                self.say(self._("project_exported", code=code, path=name))

    # Databases

    def showing_demo(self) -> bool:
        return self.store.path == demo_database()

    def open_demo(self) -> None:
        """Open the demo database, creating it the first time, in place of the user's own until they go back."""
        from reporter.services.demo import create_demo

        self.open_database(demo_database(), fill=lambda store: None if list_projects(store) else create_demo(store))

    def open_my_database(self) -> None:
        if self.home_database is not None:
            self.open_database(self.home_database)

    def open_database(self, path: Path, fill: Callable[[Store], object] = lambda store: None) -> None:
        """Show another database; what is typed into the project setup is not lost without asking."""
        if self.setup_unsaved() and Messagebox.yesno(self._("discard_changes"), title=self._("project_setup"),
                                                         parent=self) != MessageCatalog.translate("Yes"):
            return
        self.configure(cursor="watch")
        self.update_idletasks()
        try:
            store = Store.open(path)
            try:
                fill(store)
            except BaseException:
                store.close()
                raise
        finally:
            self.configure(cursor="")
        self.store.close()
        self.store = store
        self._shown_project = None
        self._rebuild()

    def import_wizard(self) -> "object":
        """File → Import expenditure…: the import wizard, over the window."""
        from reporter.gui.import_view import ImportWizard

        return ImportWizard(self)

    def import_package(self) -> None:
        from reporter.gui.import_view import import_package_dialog

        import_package_dialog(self)

    def reopen(self, change: Callable[[], object]) -> None:
        """Run a change that replaces the database file (a restore) with the database closed, then reopen it."""
        path = self.store.path
        self.store.close()
        try:
            change()
        finally:
            self.store = Store.open(path)
            self.reload_projects(self.project_code())

    def destroy(self) -> None:
        """Close the window; work waiting for idle time (a preview, a check) is dropped, not run on dead widgets."""
        try:
            for job in self.tk.splitlist(self.tk.call("after", "info")):
                self.tk.call("after", "cancel", job)  # its command goes with the widget that made it
        except tk.TclError:
            pass
        super().destroy()

    # Errors

    def _callback_error(self, kind, error, traceback) -> None:  # noqa: ANN001 - Tk's signature
        error = user_error(error) or error  # a full disk, a read-only folder, a database in use: said plainly
        if isinstance(error, UserError):
            Messagebox.show_error(self._.error(error), title=self._("error"), parent=self)
            return
        log.error("internal error in the window", exc_info=(kind, error, traceback))
        Messagebox.show_error(self._("internal_error", error=f"{type(error).__name__}: {error}", log=log_file()),
                              title=self._("error"), parent=self)


def run(database: Path, lang: str = "en") -> int:
    """Open the window; the language chosen last time wins over `lang` (the system's)."""
    preferences_file = settings_file()
    settings = load_settings(preferences_file)
    store = Store.open(database)
    try:
        window = ReporterWindow(store, settings.language or lang, settings, preferences_file)
        window.mainloop()
    finally:
        store.close()
    return 0
