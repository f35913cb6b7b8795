"""The layers stay apart: the domain core imports nothing of the GUI, SQLite or file formats."""

import ast
import subprocess
import sys
from pathlib import Path

import reporter

FORBIDDEN_IN_DOMAIN = {"tkinter", "ttkbootstrap", "sqlite3", "sqlite_utils", "reportlab", "openpyxl", "tomllib",
                       "tomli_w", "csv"}
PACKAGE = Path(reporter.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_domain__source_imports_no_gui_storage_or_file_format_module():
    for path in (PACKAGE / "domain").glob("*.py"):
        assert not _imported_modules(path) & FORBIDDEN_IN_DOMAIN, path.name


def test_domain__importing_it_loads_no_gui_storage_or_file_format_module():
    code = ("import sys, reporter.domain.money, reporter.domain.currency, reporter.domain.model, "
            "reporter.domain.validation, reporter.domain.errors; "
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN_IN_DOMAIN)!r}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_only_the_store_writes_sql():
    for path in PACKAGE.rglob("*.py"):
        if "store" in path.relative_to(PACKAGE).parts:
            continue
        assert not {"sqlite3", "sqlite_utils"} & _imported_modules(path), path
