"""How fast the program stays with 100 000 expenditures (prints numbers; not a test).

Measures the expenditure list (paging, filtering, sorting in SQL) and the
contract checks with the co-financing split, which the window re-runs after
every edit.

    .venv/bin/python benchmarks/bench_100k.py [ROWS]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from reporter.domain.money import from_cents
from reporter.domain.model import Expenditure
from reporter.services.checks import check_project, financing_view
from reporter.services.expenditures import list_expenditures
from reporter.services.projects import load_project_file
from reporter.store import Store
from reporter.store.expenditures import ExpenditureQuery



def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    store = Store.open(folder / "bench.sqlite3")
    code = _load(store, folder)
    definition = store.projects.definition(code)
    ids = store.projects.ids(code)
    rng = random.Random(1)
    suppliers = [f"UAB Tiekėjas {i}" for i in range(500)] + [f"SIA Piegādātājs {i}" for i in range(500)]
    started = time.perf_counter()
    with store.transaction():
        for i in range(rows):
            day = definition.project.start + timedelta(days=rng.randrange(730))
            period = definition.period_of(day)
            cents = rng.randrange(100, 5_000_000)
            store.expenditures.insert(ids, Expenditure(
                partner=rng.choice(["LP", "PP2"]), budget_line=rng.choice(["STAFF", "TRAVEL", "EQUIPMENT"]),
                period=period.number, document_date=day, document_no=f"SF-{i:06d}", supplier=rng.choice(suppliers),
                currency="EUR", gross=from_cents(cents), vat=from_cents(0), eligible=from_cents(cents), rate=None,
                eligible_project_currency=from_cents(cents), description=f"Prekės ir paslaugos {i}",
                payment_date=day + timedelta(days=rng.randrange(40))))
    print(f"insert {rows} rows (one transaction, with audit log): {time.perf_counter() - started:.1f} s")
    store.db.execute("ANALYZE")
    store.close()

    queries = {
        "open database + first page (100 rows)": ExpenditureQuery(limit=100),
        "last page": ExpenditureQuery(limit=100, offset=rows - 100),
        "sort by amount, descending": ExpenditureQuery(sort="amount", descending=True),
        "sort by supplier": ExpenditureQuery(sort="supplier"),
        "filter partner + period": ExpenditureQuery(partner="PP2", period=2),
        "text search 'piegādātājs 42'": ExpenditureQuery(text="piegādātājs 42"),
        "filter funder (ERDF, its cap reached)": ExpenditureQuery(funder="ERDF"),
        "filter funder, sort by amount": ExpenditureQuery(funder="ERDF", sort="amount", descending=True),
        "filter funder (OWN, the residual)": ExpenditureQuery(funder="OWN"),
    }
    for label, query in queries.items():
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            store = Store.open(folder / "bench.sqlite3")
            page = list_expenditures(store, code, query)
            timings.append(time.perf_counter() - started)
            store.close()
        print(f"{label:40s} best {min(timings) * 1000:7.1f} ms   median {sorted(timings)[2] * 1000:7.1f} ms"
              f"   ({page.total} matching)")

    store = Store.open(folder / "bench.sqlite3")
    for label, run in (("all checks, as the window re-runs them", lambda: check_project(store, code,
                                                                                        with_records=False)),
                       ("all checks, every record listed (CLI)", lambda: check_project(store, code)),
                       ("all checks, one partner and period", lambda: check_project(store, code, "LP", 2,
                                                                                    with_records=False)),
                       ("financing view (split)", lambda: financing_view(store, code))):
        timings = []
        for _ in range(5):
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
        store = Store.open(folder / "bench.sqlite3")
        started = time.perf_counter()
        store.integrity.audit_breaks()
        store.integrity.seal_breaks(store.projects.ids(code).project)
        timings.append(time.perf_counter() - started)
        audit_entries = store.db["audit_log"].count
        sealed = store.db.execute("SELECT count(*) FROM seal_items").fetchone()[0]
        store.close()
    print(f"{'hash chain + seals, verified afresh':40s} best {min(timings) * 1000:7.1f} ms"
          f"   ({audit_entries} audit entries, {sealed} sealed rows)")


def _load(store: Store, folder: Path) -> str:
    path = folder / "bench.toml"
    path.write_text("""
[project]
code = "BENCH"
title = "Benchmark"
start = 2024-01-01
end = 2025-12-31
template = "interreg-lv-lt-2014-2020"
[[partners]]
code = "LP"
name = "Lead"
role = "lead"
[[partners]]
code = "PP2"
name = "Partner"
[[funders]]
code = "ERDF"
name = "ERDF"
kind = "eu"
[[funders]]
code = "OWN"
name = "Own"
kind = "own"
[[funding]]
funder = "ERDF"
share = 85
rounding = "down"
cap = 40000000.00
budget_lines = ["STAFF", "TRAVEL"]
[[funding]]
funder = "OWN"
share = 15
residual = true
[[budget]]
partner = "LP"
line = "STAFF"
amount = 10000000.00
[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31
[[periods]]
number = 2
start = 2025-01-01
end = 2025-12-31
""", encoding="utf-8")
    return load_project_file(store, path).code


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
