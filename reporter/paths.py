"""Where things live: the bundled data files and the user's own folders.

Bundled files (templates, resources) are the packages `reporter._templates` and
`reporter._resources`, found through `importlib.resources` wherever the program
runs: a checkout (pyproject.toml maps the top-level `templates/` and `resources/`
folders to them), an installed wheel, or a frozen build (PyInstaller's folder).
Nothing is ever written there. User data (the database, backups, the log) lives
in the platform's data folder.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from platformdirs import user_config_path, user_data_path, user_log_path

APP_NAME = "grant-reporter"


@lru_cache(maxsize=None)
def _package_folder(package: str, checkout_folder: str) -> Path:
    try:
        folder = resources.files(package)
    except ModuleNotFoundError:  # a checkout run without being installed (python -m reporter in the checkout)
        return Path(__file__).resolve().parent.parent / checkout_folder
    if not isinstance(folder, Path):  # e.g. a zipped install: the readers here need real files
        raise RuntimeError(f"{package} is not a folder on disk ({folder}); install the program unzipped")
    return folder


TEMPLATES_VARIABLE = "GRANT_REPORTER_TEMPLATES"  # more template folders (os.pathsep-separated); --templates sets it


def templates_dir() -> Path:
    """The templates that come with the program."""
    return _package_folder("reporter._templates", "templates")


def user_templates_dir() -> Path:
    """A user's own funder templates (a new funder's format is a file here, not new code)."""
    return user_data_dir() / "templates"


def template_folders() -> list[Path]:
    """Where templates are looked for, first match wins: folders given (`--templates DIR`), the user's own
    folder, then the program's."""
    given = [Path(p) for p in os.environ.get(TEMPLATES_VARIABLE, "").split(os.pathsep) if p]
    return [*given, user_templates_dir(), templates_dir()]


def resources_dir() -> Path:
    return _package_folder("reporter._resources", "resources")


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
