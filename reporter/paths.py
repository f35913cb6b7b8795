"""Where things live: the bundled data files and the user's own folders.

Bundled files (templates, resources) are read from the source tree, or from
PyInstaller's unpack folder when frozen; nothing is ever written there.
User data (the database, backups, the log) lives in the platform's data folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

APP_NAME = "grant-reporter"


def bundle_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    return Path(frozen_root) if frozen_root else Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    return bundle_root() / "templates"


def resources_dir() -> Path:
    return bundle_root() / "resources"


def user_data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False)


def default_database() -> Path:
    return user_data_dir() / "grant-reporter.sqlite3"


def demo_database() -> Path:
    return user_data_dir() / "demo.sqlite3"


def settings_file() -> Path:
    return user_config_path(APP_NAME, appauthor=False) / "settings.toml"


def default_report_folder() -> Path:
    return user_data_dir() / "reports"


def log_file() -> Path:
    return user_log_path(APP_NAME, appauthor=False) / "grant-reporter.log"
