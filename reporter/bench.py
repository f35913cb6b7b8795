"""`grant-reporter bench`: each task of the program timed beside the same raw work done by its library alone.

For each size a made-up project (`services.synthetic`) is exported as an accounting CSV and imported once (not
timed); its period-2 report's data set is built once and kept (not timed). Then every task runs in a process of
its own, so that the peak memory printed (the process's resident set, data set and libraries included) is the
task's own, and its time is the median of a few such processes (a task reading the database reads it once
untimed first: see `run_child`):

| task | the program | the library alone |
| --- | --- | --- |
| import | `import_file` of the export into the project (read, check, find duplicates, write with audit log) | one sqlite3 `executemany` of the rows it wrote, into the same table and indexes |
| check | `check_project` on an open database (every check and the split, records listed) | one GROUP BY of the sums per partner, period and line |
| integrity | open the database, verify the audit log's hash chain and the seals (what `check` adds in a process of its own) | sqlite3 reading the audit log and hashlib hashing it, chained |
| list, list-search, list-funder | the list's first page (100 rows), on an open database, as the window asks for it (with the count of all rows matching up to 20 000 rows in the project, else the count after): default order; text search; funder filter (after the checks, as in the window) | the first 100 rows by number of the same filter (a LIKE; the funder's partners), not counted |
| list-count | the count and total of the funder filter (the window's line under the list; with the engine's answer worked out, as the command line does) | count and sum of the funder's partners' rows |
| build | open the database, the consolidated report's data set of period 2 (`report_data`) | the period's rows in report order, and the sums |
| xlsx, pdf | the data set written by the program's renderer | openpyxl's write-only workbook / reportlab's canvas writing the same cells |
| window | open the database and the window until its first page is drawn | a bare Tk window with a Treeview of the same 100 rows, drawn |

The window task needs a screen (e.g. `xvfb-run`); without one it is left out.
"""

from __future__ import annotations

import compileall
import json
import os
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

from reporter import desktop
from reporter.domain.errors import UserError
from reporter.services import synthetic

SIZES = (1_000, 10_000, 100_000)
SLOW = 10.0  # seconds: a run this long is not repeated (its median would not move)
PAGE = 100  # rows on the window's page
SEARCH = "Rīgas grāmatnīca 7"  # a supplier's name, typed with its letters; found folded
FUNDER = "LV-STATE"  # pays two partners' costs of the four
TODAY = date(2026, 1, 15)  # the reports' date


@dataclass(frozen=True)
class Target:
    """What a task must stay within: seconds, a ratio to the raw library, or both (at the largest size)."""

    seconds: float | None = None
    ratio: float | None = None

    def __str__(self) -> str:
        parts = ([f"≤ {self.seconds * 1000:.0f} ms" if self.seconds < 1 else f"≤ {self.seconds:g} s"]
                 if self.seconds else []) + ([f"≤ {self.ratio:g}×"] if self.ratio else [])
        return ", ".join(parts)


@dataclass(frozen=True)
class Task:
    label: str
    target: Target  # at 100 000 rows; at 1 000 every task stays within 0.5 s
    program: Callable[["Files"], Callable[[], object]]  # prepares (not timed), returns what is timed
    baseline: Callable[["Files"], Callable[[], object]]
    warm: bool = True  # the same work done once before, on a connection of its own (see `run_child`)


@dataclass(frozen=True)
class Files:
    """The files of one size in the bench folder."""

    folder: Path
    rows: int

    @property
    def export(self) -> Path:
        return self.folder / f"export-{self.rows}.csv"

    @property
    def empty(self) -> Path:
        return self.folder / f"empty-{self.rows}.sqlite3"

    @property
    def database(self) -> Path:
        return self.folder / f"bench-{self.rows}.sqlite3"

    @property
    def data_set(self) -> Path:
        return self.folder / f"report-{self.rows}.pickle"

    def scratch(self, name: str) -> Path:
        return self.folder / f"scratch-{os.getpid()}-{name}"


@dataclass(frozen=True)
class Result:
    task: str
    rows: int
    program_seconds: float
    baseline_seconds: float
    ratio: float
    program_rss_mb: float | None
    baseline_rss_mb: float | None
    target: str
    within_target: bool


# Tasks: each side prepares what it needs (not timed) and returns the timed work.


def _import(files: Files) -> Callable[[], object]:
    from reporter.store import Store

    path = files.scratch("import.sqlite3")
    shutil.copyfile(files.empty, path)
    store = Store.open(path)
    return lambda: synthetic.import_export(store, files.export)


def _import_raw(files: Files) -> Callable[[], object]:
    from reporter.store import baseline

    columns, rows = baseline.expenditure_rows(files.database)
    path = files.scratch("import.sqlite3")
    shutil.copyfile(files.empty, path)
    conn = baseline.connect(path)
    return lambda: baseline.insert_rows(conn, columns, rows)


def _check(files: Files) -> Callable[[], object]:
    from reporter.services.checks import check_project
    from reporter.store import Store

    store = Store.open(files.database)
    _verify(store)  # the task of its own below; a process verifies it once
    return lambda: check_project(store, synthetic.CODE)


def _verify(store: Any) -> object:
    return store.integrity.audit_breaks(), store.integrity.seal_breaks(store.projects.ids(synthetic.CODE).project)


def _integrity(files: Files) -> Callable[[], object]:
    from reporter.store import Store

    return lambda: _verify(Store.open(files.database))


def _chain(files: Files) -> Callable[[], object]:
    from reporter.store import baseline

    return lambda: baseline.audit_chain(baseline.connect(files.database))


def _sums(files: Files) -> Callable[[], object]:
    from reporter.store import baseline

    return lambda: baseline.sums(baseline.connect(files.database), synthetic.CODE)


def _list(**query: Any) -> Callable[[Files], Callable[[], object]]:
    """The page as the window asks for it: with its count up to `COUNTED_AT_ONCE` rows, else the count later; a
    funder filter after the checks ran, as they do once the window is drawn and after every save."""
    def prepare(files: Files) -> Callable[[], object]:
        from reporter.services.checks import checks_and_financing
        from reporter.services.expenditures import COUNTED_AT_ONCE, list_expenditures
        from reporter.store import Store
        from reporter.store.expenditures import ExpenditureQuery

        store = Store.open(files.database)
        if "funder" in query:
            checks_and_financing(store, synthetic.CODE)
        return lambda: list_expenditures(store, synthetic.CODE, ExpenditureQuery(limit=PAGE, **query),
                                         count=files.rows <= COUNTED_AT_ONCE)
    return prepare


def _count(files: Files) -> Callable[[], object]:
    from reporter.services.expenditures import count_expenditures
    from reporter.store import Store
    from reporter.store.expenditures import ExpenditureQuery

    store = Store.open(files.database)
    return lambda: count_expenditures(store, synthetic.CODE, ExpenditureQuery(funder=FUNDER))


def _count_raw(files: Files) -> Callable[[], object]:
    from reporter.store import baseline

    conn = baseline.connect(files.database)
    return lambda: baseline.count(conn, synthetic.CODE, _funder_partners())


def _list_raw(**filters: Any) -> Callable[[Files], Callable[[], object]]:
    def prepare(files: Files) -> Callable[[], object]:
        from reporter.store import baseline

        conn = baseline.connect(files.database)
        return lambda: baseline.first_page(conn, synthetic.CODE, limit=PAGE, **filters)
    return prepare


def _funder_partners() -> tuple[str, ...]:
    return tuple(code for code, _, _, state, *_ in synthetic.PARTNERS if state == FUNDER)


def _build(files: Files) -> Callable[[], object]:
    from reporter.services.reports import report_data
    from reporter.store import Store

    def run() -> object:
        store = Store.open(files.database)
        return report_data(store, synthetic.CODE, synthetic.REPORTED_PERIOD, lang="lt", today=TODAY)
    return run


def _build_raw(files: Files) -> Callable[[], object]:
    from reporter.store import baseline

    return lambda: baseline.period_rows(baseline.connect(files.database), synthetic.CODE, synthetic.REPORTED_PERIOD)


def _xlsx(files: Files) -> Callable[[], object]:
    from reporter.reports.xlsx import render_xlsx

    data = pickle.loads(files.data_set.read_bytes())
    return lambda: render_xlsx(data, files.scratch("report.xlsx"))


def _xlsx_raw(files: Files) -> Callable[[], object]:
    """openpyxl's write-only workbook appending the tables' cell values, a sheet each, and nothing else."""
    from openpyxl import Workbook

    data = pickle.loads(files.data_set.read_bytes())

    def run() -> None:
        workbook = Workbook(write_only=True)
        for table in data.tables:
            sheet = workbook.create_sheet(table.key)
            sheet.append([table.title])
            sheet.append([column.label for column in table.columns])
            for row in table.rows:
                sheet.append(row.cells)
        workbook.save(files.scratch("raw.xlsx"))
    return run


def _pdf(files: Files) -> Callable[[], object]:
    from reporter.reports.pdf import render_pdf

    data = pickle.loads(files.data_set.read_bytes())
    return lambda: render_pdf(data, files.scratch("report.pdf"))


def _pdf_raw(files: Files) -> Callable[[], object]:
    """reportlab's canvas drawing every row of every table, each cell wrapped into its column by reportlab's
    `simpleSplit`, a rule under each row, a new page when one is full, in the report's embedded font; no
    formatting, sums, headers or page furniture."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from reporter.paths import resources_dir

    data = pickle.loads(files.data_set.read_bytes())
    font, size, leading, margin = "BenchSans", 8, 9.6, 42.0
    pdfmetrics.registerFont(TTFont(font, str(resources_dir() / "fonts" / "DejaVuSansCondensed.ttf")))

    def run() -> None:
        width, height = landscape(A4)
        canvas = Canvas(str(files.scratch("raw.pdf")), pagesize=(width, height), invariant=1)
        canvas.setFont(font, size)
        y = height - margin
        for table in data.tables:
            weight = sum(c.width for c in table.columns)
            widths = [(width - 2 * margin) * c.width / weight for c in table.columns]
            lefts = [margin + sum(widths[:i]) for i in range(len(widths))]
            for row in table.rows:
                cells = [simpleSplit("" if v is None else str(v), font, size, w - 6) for v, w in zip(row.cells, widths)]
                tall = max((len(lines) for lines in cells), default=1) * leading + 6
                if y - tall < margin:
                    canvas.showPage()
                    canvas.setFont(font, size)
                    y = height - margin
                for left, lines in zip(lefts, cells):
                    for n, text in enumerate(lines):
                        canvas.drawString(left + 3, y - size - n * leading, text)
                y -= tall
                canvas.line(margin, y, width - margin, y)
        canvas.save()
    return run


def _until_drawn(window: Any, widget: Any) -> None:
    """Run the window's event loop until `widget` is first drawn on the screen."""
    widget.bind("<Expose>", lambda _event: window.quit(), add="+")
    window.mainloop()


def _window(files: Files) -> Callable[[], object]:
    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    def run() -> object:
        window = ReporterWindow(Store.open(files.database), "lt")  # the first page is in the list when it returns
        _until_drawn(window, window.expenditure.table)
        return window
    return run


def _window_raw(files: Files) -> Callable[[], object]:
    import tkinter
    from tkinter import ttk

    from reporter.store import baseline

    def run() -> object:
        root = tkinter.Tk()
        rows = baseline.first_page(baseline.connect(files.database), synthetic.CODE, limit=PAGE)
        table = ttk.Treeview(root, columns=[str(i) for i in range(10)], show="headings")
        for row in rows:
            table.insert("", "end", values=row[:10])
        table.pack(fill="both", expand=True)
        _until_drawn(root, table)
        return root
    return run


TASKS = {
    "import": Task("import from CSV", Target(ratio=4), _import, _import_raw, warm=False),
    "check": Task("checks + split", Target(seconds=0.3), _check, _sums),
    "integrity": Task("audit chain + seals, afresh", Target(), _integrity, _chain),
    "list": Task("list: first page", Target(seconds=0.03), _list(), _list_raw()),
    "list-search": Task("list: text search", Target(seconds=0.03), _list(text=SEARCH),
                        _list_raw(text="rigas gramatnica 7")),
    "list-funder": Task("list: funder filter", Target(seconds=0.03), _list(funder=FUNDER),
                        _list_raw(partners=_funder_partners())),
    "list-count": Task("list: count, funder filter", Target(), _count, _count_raw),
    "build": Task("report build (data set)", Target(), _build, _build_raw),
    "xlsx": Task("XLSX", Target(ratio=1.3), _xlsx, _xlsx_raw, warm=False),
    "pdf": Task("PDF", Target(ratio=1.5), _pdf, _pdf_raw, warm=False),
    "window": Task("window: first page drawn", Target(seconds=0.5), _window, _window_raw),
}
MEMORY_MB = 400  # peak resident memory of any task at 100 000 rows
SMALL = 0.5  # seconds: any task at 1 000 rows


# Running


def peak_rss_mb() -> float | None:
    """This process's peak resident memory, in MB (None where the platform does not say).

    Linux's own count (`VmHWM`) first: `getrusage` keeps the peak of the process this one was forked from.
    """
    try:
        for status in Path("/proc/self/status").read_text().splitlines():
            if status.startswith("VmHWM:"):
                return int(status.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20 if sys.platform == "darwin" else 1 << 10)


def run_child(task: str, side: str, folder: Path, rows: int) -> dict[str, Any]:
    """One measurement in this (fresh) process: prepare, then time the work.

    A task that reads the database first does the same reading once on a connection of its own, untimed, so
    that the file is in the system's cache (as on a machine where the program has been working a while) while
    the connection timed starts with nothing cached of its own; the window warms up on the list's first page
    only, so that it is built and styled afresh like at a start."""
    files = Files(folder, rows)
    chosen = TASKS[task]
    prepare = chosen.program if side == "program" else chosen.baseline
    if chosen.warm:
        warming = TASKS["list"] if task == "window" else chosen
        (warming.program if side == "program" else warming.baseline)(files)()
    work = prepare(files)
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_mb": peak_rss_mb()}


def _command() -> list[str]:
    """How to start this program again (the built one, or Python on the package)."""
    return [sys.executable] if desktop.frozen() else [sys.executable, "-m", "reporter"]


def _measure(task: str, side: str, files: Files, repeat: int) -> tuple[float, float | None]:
    """Median seconds and the highest peak memory of up to `repeat` fresh processes."""
    runs = []
    for _ in range(repeat):
        child = subprocess.run([*_command(), "bench", "--child", task, side, str(files.folder), str(files.rows)],
                               capture_output=True, text=True)
        if child.returncode != 0:
            raise RuntimeError(f"bench {task} ({side}, {files.rows} rows) failed:\n{child.stderr[-3000:]}")
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
        if runs[-1]["seconds"] > SLOW:
            break
    memory = [r["rss_mb"] for r in runs if r["rss_mb"] is not None]
    return statistics.median(r["seconds"] for r in runs), max(memory) if memory else None


def prepare(files: Files) -> None:
    """The export, the empty and the imported database (kept when they are there)."""
    if files.database.exists():
        return
    from reporter.store import Store

    synthetic.write_export(files.export, files.rows)
    files.empty.unlink(missing_ok=True)
    store = Store.open(files.empty)
    synthetic.prepare(store, files.folder, files.rows)
    store.close()
    importing = files.folder / f"importing-{files.rows}.sqlite3"
    shutil.copyfile(files.empty, importing)
    store = Store.open(importing)
    result = synthetic.import_export(store, files.export)
    store.close()
    if result.imported != files.rows:
        raise RuntimeError(f"the bench's export did not import whole: {result.problem_lines()[:3]}")
    importing.rename(files.database)


def prepare_data_set(files: Files) -> None:
    """The report's data set, built once from the imported database and kept."""
    if files.data_set.exists():
        return
    from reporter.services.reports import report_data
    from reporter.store import Store

    store = Store.open(files.database)
    data, _ = report_data(store, synthetic.CODE, synthetic.REPORTED_PERIOD, lang="lt", today=TODAY)
    store.close()
    files.data_set.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


def has_screen() -> bool:
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return False
    import tkinter

    try:
        tkinter.Tk().destroy()
    except tkinter.TclError:
        return False
    return True


def _compile_program() -> None:
    """The program's own modules compiled once, as an installed or a packaged program has them, so that no
    process measured spends its time compiling what the window imports as it opens (with
    PYTHONDONTWRITEBYTECODE set, every one of them would)."""
    if not desktop.frozen():
        compileall.compile_dir(Path(__file__).parent, quiet=1)


def run(sizes: tuple[int, ...] = SIZES, tasks: tuple[str, ...] = tuple(TASKS), repeat: int = 3,
        folder: Path | None = None, report: Callable[[Result], None] = lambda _r: None) -> list[Result]:
    """Measure every task at every size; `report` is told each result as it comes."""
    if "window" in tasks and not has_screen():
        tasks = tuple(t for t in tasks if t != "window")
    _compile_program()
    kept = folder is not None
    folder = folder or Path(tempfile.mkdtemp(prefix="grant-reporter-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        for rows in sizes:
            files = Files(folder, rows)
            prepare(files)
            if {"xlsx", "pdf"} & set(tasks):
                prepare_data_set(files)
            for name in tasks:
                task = TASKS[name]
                program, program_rss = _measure(name, "program", files, repeat)
                raw, raw_rss = _measure(name, "baseline", files, repeat)
                result = Result(name, rows, program, raw, program / raw if raw else float("inf"), program_rss, raw_rss,
                                str(task.target), _within(task.target, rows, program, program / raw, program_rss))
                results.append(result)
                report(result)
            for scratch in folder.glob("scratch-*"):
                scratch.unlink()
    finally:
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)
    return results


def _within(target: Target, rows: int, seconds: float, ratio: float, rss: float | None) -> bool:
    if rows <= 1_000 and seconds > SMALL:
        return False
    if rows >= 100_000 and ((target.seconds and seconds > target.seconds) or (target.ratio and ratio > target.ratio)
                            or (rss is not None and rss > MEMORY_MB)):
        return False
    return True


HEADINGS = ("task", "rows", "program s", "library s", "ratio", "program MB", "library MB", "target at 100 000")


def row_text(result: Result) -> list[str]:
    def mb(value: float | None) -> str:
        return "–" if value is None else f"{value:.0f}"

    return [TASKS[result.task].label, f"{result.rows:,}".replace(",", " "), f"{result.program_seconds:.3f}",
            f"{result.baseline_seconds:.3f}", f"{result.ratio:.1f}", mb(result.program_rss_mb),
            mb(result.baseline_rss_mb), result.target + ("" if result.within_target else "  MISSED")]


def command(sizes: list[int], tasks: list[str] | None, repeat: int, folder: Path | None, as_json: bool) -> None:
    """`grant-reporter bench`: a line per result as it comes, or all of them as JSON at the end."""
    unknown = sorted(set(tasks or ()) - set(TASKS))
    if unknown or any(rows < 1 for rows in sizes) or repeat < 1:
        raise UserError(f"bench: the tasks are {', '.join(TASKS)}; sizes and --repeat are 1 or more")
    load = load_average()
    if not as_json:
        print(f"load average {load}" if load else "load average unknown")
        print(line(HEADINGS), flush=True)
    results = run(tuple(sizes), tuple(tasks or TASKS), repeat, folder,
                  report=(lambda _r: None) if as_json else lambda r: print(line(row_text(r)), flush=True))
    if as_json:
        print(json.dumps({"load_average": load, "results": [asdict(r) for r in results]}, indent=2))


def line(cells: list[str] | tuple[str, ...]) -> str:
    widths = (26, 8, 10, 10, 7, 11, 11, 20)
    return "  ".join(cell.ljust(w) if i in (0, 7) else cell.rjust(w) for i, (cell, w) in enumerate(zip(cells, widths)))


def load_average() -> str | None:
    try:
        return " ".join(f"{load:.2f}" for load in os.getloadavg())
    except (AttributeError, OSError):
        return None
