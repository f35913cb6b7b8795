"""The window on 100 000 expenditures: the first page, the budget grid, and the form's preview (prints numbers;
not a test).

Builds the database once (as bench_100k.py does) or reuses one given, then times, each a few times:
- the budget grid's data (`services.budget_grid.budget_grid`) and the Budget tab drawn with it;
- opening the window on the database until the first page is in the list;
- the expenditure form's live preview (derived values and the split) of a typed document.

    xvfb-run -a .venv/bin/python benchmarks/bench_budget_grid.py [DATABASE]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_100k import _load  # noqa: E402  the benchmark project

from reporter.domain.model import Expenditure  # noqa: E402
from reporter.domain.money import from_cents  # noqa: E402
from reporter.services.budget_grid import budget_grid  # noqa: E402
from reporter.services.entry import entry_state  # noqa: E402
from reporter.store import Store  # noqa: E402

ROWS = 100_000


def build() -> Path:
    folder = Path(tempfile.mkdtemp())
    store = Store.open(folder / "bench.sqlite3")
    code = _load(store, folder)
    definition = store.projects.definition(code)
    ids = store.projects.ids(code)
    rng = random.Random(1)
    suppliers = [f"UAB Tiekėjas {i}" for i in range(500)] + [f"SIA Piegādātājs {i}" for i in range(500)]
    with store.transaction():
        for i in range(ROWS):
            day = definition.project.start + timedelta(days=rng.randrange(730))
            cents = rng.randrange(100, 5_000_000)
            store.expenditures.insert(ids, Expenditure(
                partner=rng.choice(["LP", "PP2"]), budget_line=rng.choice(["STAFF", "TRAVEL", "EQUIPMENT"]),
                period=definition.period_of(day).number, document_date=day, document_no=f"SF-{i:06d}",
                supplier=rng.choice(suppliers), currency="EUR", gross=from_cents(cents), vat=from_cents(0),
                eligible=from_cents(cents), rate=None, eligible_project_currency=from_cents(cents),
                description=f"Prekės ir paslaugos {i}", payment_date=day + timedelta(days=rng.randrange(40))))
    store.db.execute("ANALYZE")
    store.close()
    return folder / "bench.sqlite3"


def timed(label: str, run, times: int = 5) -> None:
    timings = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    timings.sort()
    print(f"{label:58s} best {timings[0] * 1000:7.1f} ms   median {timings[len(timings) // 2] * 1000:7.1f} ms")


def main(database: Path) -> None:
    store = Store.open(database)
    code = store.projects.list()[0].code
    print(f"{store.db['expenditures'].count} expenditures in {database}")
    timed("budget grid: data (engine figures and the checks)", lambda: budget_grid(store, code, 2))
    fields = {"partner": "LP", "line": "STAFF", "date": "2025-03-05", "document": "SF-X", "supplier": "UAB Knyga",
              "gross": "1210.00", "vat": "210.00"}
    timed("expenditure form: preview of a typed document", lambda: entry_state(store, code, fields))
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
    timed("budget tab: grid read and drawn", lambda: (window.budget.refresh(), window.update_idletasks()))
    window.destroy()
    opened.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else build())
    # the database stays where it was built, to be given again
