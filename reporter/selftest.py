"""`grant-reporter --selftest DIR`: proves that this copy of the program works, end to end.

Meant for a built program (CI runs it on the frozen build under a virtual
screen) and for a support call ("run this and send me what it prints"). Every
step is one a user takes: a database is created in DIR, the demo is loaded,
the window opens and closes, the checks run, and a report is written there as
PDF and workbook. It prints a line per step and exits 0 only when all worked;
the first step that fails is named, with its error, and the rest are skipped.
It leaves the user's own database, settings and report folder alone.
"""

from __future__ import annotations

import logging
import time
import zipfile
from contextlib import closing
from pathlib import Path
from typing import Callable

from reporter import __version__

log = logging.getLogger("reporter.selftest")

DATABASE = "selftest.sqlite3"
REPORT_PROJECT, REPORT_PERIOD, REPORT_LANG = "LLI-537", 1, "lt"  # the demo's Interreg project, in Lithuanian


def run_selftest(folder: Path, out: Callable[[str], None] = print) -> int:
    from reporter import desktop
    from reporter.services.checks import check_project
    from reporter.services.demo import create_demo
    from reporter.services.reports import write_report
    from reporter.store import Store

    started = time.perf_counter()
    folder.mkdir(parents=True, exist_ok=True)
    database = folder / DATABASE
    out(f"Grant Reporter {__version__} self-test{' (built program)' if desktop.frozen() else ''} in {folder}")
    for stale in (database, database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")):
        stale.unlink(missing_ok=True)
    step = "database"
    try:
        with closing(Store.open(database)) as store:
            out(f"database: created {database}")
            step = "demo"
            summary = create_demo(store)
            out(f"demo: {len(summary.projects)} projects, {summary.expenditures} expenditures")
            step = "window"
            out(f"window: {_open_and_close_window(store)}")
            step = "checks"
            findings = {code: check_project(store, code).findings for code in summary.projects}
            out("checks: " + ", ".join(f"{code} {len(found)}" for code, found in findings.items()) + " finding(s)")
            step = "report"
            files = write_report(store, REPORT_PROJECT, REPORT_PERIOD, folder, lang=REPORT_LANG)
            for written in files:
                _looks_whole(written.path)
                out(f"report: {written.path} ({written.path.stat().st_size} bytes)")
            if sorted(f.path.suffix for f in files) != [".pdf", ".xlsx"]:
                raise RuntimeError(f"expected a PDF and a workbook, got {[f.path.name for f in files]}")
    except Exception as error:  # noqa: BLE001 - the answer to "does it work" is this line, not a traceback
        log.exception("self-test failed at %s", step)
        out(f"SELF-TEST FAILED at {step}: {type(error).__name__}: {error}")
        return 1
    out(f"self-test passed in {time.perf_counter() - started:.1f} s")
    return 0


def _open_and_close_window(store) -> str:  # noqa: ANN001 - a Store
    """Open the window on the demo (not the user's settings), let it draw and run the checks, close it."""
    from reporter.gui.app import ReporterWindow
    from reporter.services.demo import DEMO_FILES

    window = ReporterWindow(store, REPORT_LANG)
    try:
        window.update()
        window.update()  # the checks view fills when the window is first idle
        if not window.winfo_viewable():
            raise RuntimeError("the window did not appear")
        projects = len(window.project_box.cget("values"))
        size = f"{window.winfo_width()}×{window.winfo_height()}"
        if projects != len(DEMO_FILES):
            raise RuntimeError(f"the window lists {projects} projects, not the demo's {len(DEMO_FILES)}")
        return f"opened ({size}, {projects} projects, title {window.title()!r}) and closed"
    finally:
        window.destroy()


def _looks_whole(path: Path) -> None:
    """A PDF that ends as a PDF does, a workbook that is a readable zip with a workbook in it."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        if not (data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]):
            raise RuntimeError(f"{path.name} is not a complete PDF")
    elif path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as archive:
            if archive.testzip() is not None or "xl/workbook.xml" not in archive.namelist():
                raise RuntimeError(f"{path.name} is not a complete workbook")
