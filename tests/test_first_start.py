"""A clean machine: the window in the system's language, the demo one click away, errors in a dialog, the self-test."""

from __future__ import annotations

import sys

import pytest

from reporter import cli, desktop
from reporter.paths import default_database, demo_database, log_file
from reporter.services.demo import DEMO_FILES

tkinter = pytest.importorskip("tkinter")


@pytest.mark.parametrize("environ, platform, expected", [
    ({"LANG": "lt_LT.UTF-8"}, "linux", "lt"),
    ({"LANG": "lv_LV.UTF-8"}, "linux", "lv"),
    ({"LANG": "en_US.UTF-8"}, "linux", None),
    ({"LANG": "C.UTF-8"}, "linux", None),
    ({"LANGUAGE": "lv:en", "LANG": "en_GB.UTF-8"}, "linux", "lv"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "lt_LT.UTF-8"}, "linux", None),  # LC_ALL wins, as for every program
    ({"LC_MESSAGES": "lt_LT", "LANG": "en_US.UTF-8"}, "linux", "lt"),
    ({}, "linux", None),
])
def test_system_language__from_the_environment(environ, platform, expected):
    assert desktop.system_language(environ, platform) == expected


@pytest.mark.parametrize("tag, expected", [
    ("lt", "lt"), ("lt-LT", "lt"), ("Lithuanian_Lithuania.1257", "lt"), ("lv_LV@euro", "lv"),
    ("Latvian_Latvia.1257", "lv"), ("lto", None), ("en-LT", None), ("", None), (None, None),
])
def test_language_of__reads_the_usual_ways_of_naming_a_locale(tag, expected):
    assert desktop.language_of(tag) == expected


def test_window__follows_the_system_language_unless_the_user_chose_one(monkeypatch, tmp_path):
    from reporter.gui import app
    from reporter.paths import settings_file
    from reporter.services.settings import Settings, save_settings

    opened = []
    monkeypatch.setattr(app, "ReporterWindow", lambda store, lang, *args: opened.append(lang) or
                        type("Shown", (), {"mainloop": lambda self: None})())
    monkeypatch.setenv("LANG", "lv_LV.UTF-8")
    assert cli.main([]) == 0
    save_settings(Settings(language="en"), settings_file())
    assert cli.main([]) == 0
    assert opened == ["lv", "en"]
    assert default_database().exists()  # made in the user's data folder on the first start


@pytest.fixture
def dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr(desktop, "show_error_dialog", lambda title, message: shown.append(message))
    return shown


def test_window_start__an_unexpected_error_is_shown_in_a_dialog_with_the_log(monkeypatch, dialogs, capsys):
    from reporter.gui import app

    def broken(database, lang):
        raise RuntimeError("the theme is missing")

    monkeypatch.setattr(app, "run", broken)
    assert cli.main([]) == cli.EXIT_INTERNAL_ERROR
    assert len(dialogs) == 1 and "the theme is missing" in dialogs[0] and str(log_file()) in dialogs[0]
    assert "RuntimeError: the theme is missing" in log_file().read_text(encoding="utf-8")


def test_windowed_build__prints_nowhere_and_shows_errors_in_a_dialog(monkeypatch, dialogs, tmp_path):
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert cli.main(["--db", str(tmp_path / "x.sqlite3"), "financing", "--project", "NONE"]) == cli.EXIT_USER_ERROR
    assert len(dialogs) == 1 and "NONE" in dialogs[0]


def test_command_with_a_console__errors_stay_on_the_console(dialogs, tmp_path, capsys):
    assert cli.main(["--db", str(tmp_path / "x.sqlite3"), "financing", "--project", "NONE"]) == cli.EXIT_USER_ERROR
    assert not dialogs and "NONE" in capsys.readouterr().err


@pytest.fixture
def empty_window(tmp_path, monkeypatch):
    from ttkbootstrap.dialogs import Messagebox

    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    shown = []
    monkeypatch.setattr(Messagebox, "show_error", staticmethod(lambda message, *args, **kwargs: shown.append(message)))
    store = Store.open(tmp_path / "mine.sqlite3")
    window = ReporterWindow(store, "en")
    window.update()
    yield window
    window.destroy()
    window.store.close()
    assert not shown, f"the window showed an error: {shown}"


def file_menu_labels(window) -> list[str]:
    menu = window.nametowidget(window.cget("menu"))
    first = next(i for i in range(menu.index("end") + 1) if menu.type(i) == "cascade")
    file_menu = window.nametowidget(menu.entrycget(first, "menu"))
    return [file_menu.entrycget(i, "label") for i in range(file_menu.index("end") + 1)
            if file_menu.type(i) == "command"]


def test_empty_database__points_at_the_demo_and_one_click_opens_it(empty_window):
    window = empty_window
    assert "No projects yet" in window.hint.cget("text")
    assert window.demo_button.winfo_ismapped() and window.demo_button.cget("text") == "Open the demo"
    assert "Open the demo" in file_menu_labels(window)

    window.demo_button.invoke()
    window.update()
    assert window.store.path == demo_database() and demo_database().exists()
    assert len(window.project_box.cget("values")) == len(DEMO_FILES)
    assert "demo database" in window.hint.cget("text") and not window.demo_button.winfo_ismapped()
    assert "Back to my database" in file_menu_labels(window)
    assert window.expenditure.table.get_children()

    window.open_my_database()
    window.update()
    assert window.store.path.name == "mine.sqlite3"
    assert window.project.get() == "" and window.project_box.cget("values") in ("", ())
    assert window.demo_button.winfo_ismapped()

    window.open_demo()  # the second time the demo is opened as it was left, not made again
    assert len(window.project_box.cget("values")) == len(DEMO_FILES)


def test_selftest__from_source_passes_and_leaves_the_users_database_alone(tmp_path, capsys):
    assert cli.main(["--selftest", str(tmp_path / "check")]) == 0
    out = capsys.readouterr().out
    assert "self-test passed" in out and "window: opened" in out
    assert sorted(p.suffix for p in (tmp_path / "check").iterdir() if p.suffix in (".pdf", ".xlsx")) == \
        [".pdf", ".xlsx"]
    assert not default_database().exists() and not demo_database().exists()


def test_selftest__names_the_step_that_failed(tmp_path, capsys, monkeypatch):
    from reporter.services import reports

    monkeypatch.setattr(reports, "write_report", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    assert cli.main(["--selftest", str(tmp_path / "check")]) == 1
    assert "SELF-TEST FAILED at report: OSError: disk full" in capsys.readouterr().out
