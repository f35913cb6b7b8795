"""How fast the program stays with 100 000 expenditures (prints numbers; not a test).

Measures the expenditure list (paging, filtering, sorting in SQL) and the
contract checks with the co-financing split, which the window re-runs after
every edit, in more variants than `grant-reporter bench` times, on the same
made-up project (`reporter.services.synthetic`).

    .venv/bin/python benchmarks/bench_100k.py [ROWS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from reporter.bench import Files, prepare
from reporter.services.checks import check_project, financing_view
from reporter.services.expenditures import list_expenditures
from reporter.services.synthetic import CODE
from reporter.store import Store
from reporter.store.expenditures import ExpenditureQuery


def main(rows: int) -> None:
    files = Files(Path(tempfile.mkdtemp()), rows)
    started = time.perf_counter()
    prepare(files)  # the bench's made-up project, its accounting export imported
    print(f"{rows} rows exported and imported: {time.perf_counter() - started:.1f} s")
    database, code = files.database, CODE

    queries = {
        "open database + first page (100 rows)": ExpenditureQuery(limit=100),
        "last page": ExpenditureQuery(limit=100, offset=rows - 100),
        "sort by amount, descending": ExpenditureQuery(sort="amount", descending=True),
        "sort by supplier": ExpenditureQuery(sort="supplier"),
        "filter partner + period": ExpenditureQuery(partner="PP2", period=2),
        "text search 'rīgas grāmatnīca 42'": ExpenditureQuery(text="rīgas grāmatnīca 42"),
        "text search 'uab' (a fifth of the rows)": ExpenditureQuery(text="uab"),
        "filter funder (ERDF, capped)": ExpenditureQuery(funder="ERDF"),
        "filter funder, sort by amount": ExpenditureQuery(funder="ERDF", sort="amount", descending=True),
        "filter funder (SIAULIAI, a residual)": ExpenditureQuery(funder="SIAULIAI"),
    }
    for label, query in queries.items():
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            store = Store.open(database)
            page = list_expenditures(store, code, query)
            timings.append(time.perf_counter() - started)
            store.close()
        print(f"{label:40s} best {min(timings) * 1000:7.1f} ms   median {sorted(timings)[2] * 1000:7.1f} ms"
              f"   ({page.total} matching)")

    store = Store.open(database)
    for label, run in (("all checks, as the window re-runs them", lambda: check_project(store, code,
                                                                                        with_records=False)),
                       ("all checks, every record listed (CLI)", lambda: check_project(store, code)),
                       ("all checks, one partner and period", lambda: check_project(store, code, "LP", 2,
                                                                                    with_records=False)),
                       ("financing view (split)", lambda: financing_view(store, code))):
        timings = []
        for _ in range(5):
            store._remembered = ((-1, -1), {})  # as after a save: the engine's answer worked out again
            started = time.perf_counter()
            result = run()
            timings.append(time.perf_counter() - started)
        print(f"{label:40s} best {min(timings) * 1000:7.1f} ms   median {sorted(timings)[2] * 1000:7.1f} ms"
              + (f"   ({len(result.findings)} findings)" if hasattr(result, "findings") else ""))
    with store.transaction():  # seal period 1 as a submission does (without rendering its reports)
        store.projects.set_period_status(store.projects.ids(code).project, 1, "submitted", "2026-01-01")
    store.close()

    # Tamper evidence: what `check` verifies in a process of its own (the window verifies once, then only
    # what was added since).
    audit_entries = sealed = 0
    timings = []
    for _ in range(3):
        store = Store.open(database)
        started = time.perf_counter()
        store.integrity.audit_breaks()
        store.integrity.seal_breaks(store.projects.ids(code).project)
        timings.append(time.perf_counter() - started)
        audit_entries = store.db["audit_log"].count
        sealed = store.db.execute("SELECT count(*) FROM seal_items").fetchone()[0]
        store.close()
    print(f"{'hash chain + seals, verified afresh':40s} best {min(timings) * 1000:7.1f} ms"
          f"   ({audit_entries} audit entries, {sealed} sealed rows)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
