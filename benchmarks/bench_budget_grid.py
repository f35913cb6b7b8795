"""The window on 100 000 expenditures: the first page, the budget grid, and the form's preview (prints numbers;
not a test).

Builds the database once (the made-up project of `grant-reporter bench`) or reuses one given, then times, each a
few times (the engine's answer worked out again each time, as after a save):
- the budget grid's data (`services.budget_grid.budget_grid`) and the Budget tab drawn with it;
- opening the window on the database until the first page is in the list;
- the expenditure form's live preview (derived values and the split) of a typed document.

    xvfb-run -a .venv/bin/python benchmarks/bench_budget_grid.py [DATABASE]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from reporter.bench import Files, prepare
from reporter.services.budget_grid import budget_grid
from reporter.services.entry import entry_state
from reporter.store import Store

ROWS = 100_000


def build() -> Path:
    """The bench's made-up project with its accounting export of 100 000 rows imported."""
    files = Files(Path(tempfile.mkdtemp()), ROWS)
    prepare(files)
    return files.database


def timed(label: str, run, times: int = 5, store: Store | None = None) -> None:
    timings = []
    for _ in range(times):
        if store is not None:
            store._remembered = ((-1, -1), {})  # as after a save
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(f"{label:58s} best {timings[0] * 1000:7.1f} ms   median {timings[len(timings) // 2] * 1000:7.1f} ms")


def main(database: Path) -> None:
    store = Store.open(database)
    code = store.projects.list()[0].code
    print(f"{store.db['expenditures'].count} expenditures in {database}")
    timed("budget grid: data (engine figures and the checks)", lambda: budget_grid(store, code, 2), store=store)
    fields = {"partner": "LP", "line": "STAFF", "date": "2025-03-05", "document": "SF-X", "supplier": "UAB Knyga",
              "gross": "1210.00", "vat": "210.00"}
    timed("expenditure form: preview of a typed document", lambda: entry_state(store, code, fields), store=store)
    store.close()

    from reporter.gui.app import ReporterWindow

    def open_window(keep: bool = False) -> None:
        opened = Store.open(database)
        window = ReporterWindow(opened, "lt")  # the first page is in the list when this returns
        assert window.expenditure.table.get_children()
        if keep:
            kept.append((window, opened))
        else:
            window.destroy()
            opened.close()

    kept: list = []
    timed("window: open the database, first page in the list", open_window, 3)
    open_window(keep=True)
    window, opened = kept[0]
    window.update()
    timed("budget tab: grid read and drawn", lambda: (window.budget.refresh(), window.update_idletasks()),
          store=opened)
    window.destroy()
    opened.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else build())
    # the database stays where it was built, to be given again
