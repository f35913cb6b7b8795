"""How long the window takes to open a database and show the first page (prints numbers; not a test).

Run under a display, e.g. with the 100 000-row database bench_100k.py leaves behind:

    xvfb-run -a .venv/bin/python benchmarks/bench_window.py /tmp/tmpXXXX/bench.sqlite3
"""

from __future__ import annotations

import sys
import time

from reporter.gui.app import ReporterWindow
from reporter.store import Store


def main(database: str) -> None:
    for attempt in range(3):
        started = time.perf_counter()
        store = Store.open(database)
        window = ReporterWindow(store, "lt")  # the first page is in the list when this returns
        shown = time.perf_counter() - started
        rows = len(window.expenditure.table.get_children())
        total = window.expenditure._total
        started = time.perf_counter()
        window.update()  # drawing, then the checks, which wait for idle time
        drawn = time.perf_counter() - started
        started = time.perf_counter()
        window.checks.refresh()
        window.update()
        checks = time.perf_counter() - started
        window.destroy()
        store.close()
        print(f"run {attempt + 1}: database open and the first page ({rows} of {total} rows) in the list "
              f"{shown * 1000:.0f} ms; drawn with the checks {drawn * 1000:.0f} ms more; "
              f"checks and financing bars again, as after every save, {checks * 1000:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1])
