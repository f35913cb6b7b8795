"""The user's preferences (interface language, theme, report folder), kept in a small TOML file.

Preferences are a convenience: a missing or damaged file gives the defaults
and is logged, never an error that keeps the program from starting.
"""

from __future__ import annotations

import logging
import os
import tomllib
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import tomli_w

from reporter.paths import default_report_folder

log = logging.getLogger("reporter.settings")

LANGUAGE_CODES = ("en", "lt", "lv")
THEMES = ("light", "dark")


@dataclass(frozen=True)
class Settings:
    language: str | None = None  # None: from the system's locale
    theme: str = "light"
    report_folder: str = ""  # empty: the default folder under the user's data folder

    def report_dir(self) -> Path:
        return Path(self.report_folder) if self.report_folder else default_report_folder()


def load_settings(path: Path) -> Settings:
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        return Settings()
    except (OSError, tomllib.TOMLDecodeError) as error:
        log.warning("settings %s not read, using the defaults: %s", path, error)
        return Settings()
    settings = Settings()
    if data.get("language") in LANGUAGE_CODES:
        settings = replace(settings, language=data["language"])
    if data.get("theme") in THEMES:
        settings = replace(settings, theme=data["theme"])
    if isinstance(data.get("report_folder"), str):
        settings = replace(settings, report_folder=data["report_folder"])
    return settings


def save_settings(settings: Settings, path: Path) -> None:
    """Write the whole file at once: a crash mid-write leaves the previous file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    values = {key: value for key, value in asdict(settings).items() if value not in (None, "")}
    partial.write_text(tomli_w.dumps(values), encoding="utf-8")
    os.replace(partial, path)
