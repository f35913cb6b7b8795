"""What the program takes from the desktop it runs on, and what it does there without a console.

- The system's language: the window starts in Lithuanian or Latvian when the
  system says so (the language the user picked last time still wins, see
  `reporter.gui.app.run`).
- A windowed build (the Windows `.exe` staff start from the Start menu) has no
  console: `sys.stdout` and `sys.stderr` are None there. Writes to them must not
  fail, and an error nobody would read on a console is shown in a dialog that
  names the log file instead.

Nothing here imports Tk until a dialog is shown.
"""

from __future__ import annotations

import os
import sys
from typing import Callable

LANGUAGES = ("lt", "lv")  # the languages taken from the system; anything else starts in English

# Windows language ids (the low ten bits of a LANGID): LANG_LITHUANIAN, LANG_LATVIAN.
_WINDOWS_LANGUAGES = {0x27: "lt", 0x26: "lv"}


def frozen() -> bool:
    """True in a PyInstaller build."""
    return bool(getattr(sys, "frozen", False))


def has_console() -> bool:
    """False in a windowed build, where nothing printed reaches anyone."""
    return sys.stderr is not None and sys.stdout is not None


def ensure_streams() -> None:
    """Give a windowed build somewhere harmless to print (`--version`, argparse's errors); the log keeps the rest."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def language_of(tag: str | None) -> str | None:
    """"lt_LT.UTF-8", "lt-LT", "Lithuanian_Lithuania.1257", "lv" → "lt" or "lv"; anything else → None."""
    if not tag:
        return None
    tag = tag.strip().lower()
    for code, name in (("lt", "lithuanian"), ("lv", "latvian")):
        if tag == code or tag[:3] in (f"{code}_", f"{code}-", f"{code}.", f"{code}@") or tag.startswith(name):
            return code
    return None


def system_language(environ: dict[str, str] | None = None, platform: str | None = None) -> str | None:
    """"lt" or "lv" when the system's language or locale is Lithuanian or Latvian, else None.

    The environment first (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: the first one
    set decides, as for any program on Linux), then what Windows or macOS says
    when the program was started from a menu rather than a terminal.
    """
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable)
        if value:
            return language_of(value.split(":")[0])
    if platform == "win32":
        return _windows_language()
    if platform == "darwin":
        return _macos_language()
    return None


def _windows_language() -> str | None:
    """The user's display language, else the regional format (an English Windows set to Lithuanian formats)."""
    try:
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        for langid in (kernel32.GetUserDefaultUILanguage(), kernel32.GetUserDefaultLangID()):
            if langid & 0x3FF in _WINDOWS_LANGUAGES:
                return _WINDOWS_LANGUAGES[langid & 0x3FF]
    except (AttributeError, OSError):
        pass
    return None


def _macos_language() -> str | None:
    """The first of the user's preferred languages (System Settings → Language & Region)."""
    import subprocess

    try:
        answer = subprocess.run(["defaults", "read", "-g", "AppleLanguages"], capture_output=True, text=True,
                                timeout=2).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    first = answer.strip("()\n ").split(",")[0].strip().strip('"')
    return language_of(first)


def show_error_dialog(title: str, message: str, show: Callable[[str, str], object] | None = None) -> None:
    """A plain error dialog, for when the program has no window of its own yet (or any more).

    Without a screen there is nothing to show it on: the log has the details anyway.
    """
    try:
        if show is None:
            import tkinter
            from tkinter import messagebox

            root = tkinter.Tk()
            root.withdraw()
            try:
                messagebox.showerror(title, message, parent=root)
            finally:
                root.destroy()
        else:
            show(title, message)
    except Exception:  # noqa: BLE001 - no screen, no Tk: the message is in the log already
        pass
