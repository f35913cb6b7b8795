"""How fast the period's workbook is written, beside openpyxl writing the same rows raw (prints numbers; not a test).

For each size, a project with several partners, funders and budget lines gets
N expenditures in one period (Lithuanian and Latvian suppliers, descriptions
short and long). One process builds the lead partner's report data set from the
database as `report` does and saves it (its time and peak RSS are printed as
"build"). Then, each in a fresh process that loads that data set (not timed),
so that its peak memory is its own:

- program: `render_xlsx` of the data set (formulas with cached values, styles,
  row heights, print setup);
- raw: openpyxl's write-only workbook appending the same tables' cell values,
  one sheet per table, with nothing else (no styles, widths, formulas).

Printed: median seconds of the writing, the ratio, and the peak RSS of each process.

    .venv/bin/python benchmarks/bench_xlsx.py [--rows N ...] [--repeat K] [--folder DIR]

--folder keeps the databases there and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT = """
[project]
code = "BENCH"
title = "Bibliotekos be sienų / Bibliotēkas bez sienām"
start = 2024-01-01
end = 2025-12-31
template = "interreg-lv-lt-2014-2020"
contract_number = "LLI-999/2024"
[[partners]]
code = "LP"
name = "Šiaulių apskrities Povilo Višinskio viešoji biblioteka"
role = "lead"
[[partners]]
code = "PP2"
name = "Jelgavas pilsētas bibliotēka"
[[funders]]
code = "ERDF"
name = "European Regional Development Fund"
kind = "eu"
[[funders]]
code = "STATE"
name = "Valstybės biudžetas"
kind = "state"
[[funders]]
code = "OWN"
name = "Own funds"
kind = "own"
[[funding]]
funder = "ERDF"
share = 85
rounding = "down"
[[funding]]
funder = "STATE"
share = 5
[[funding]]
funder = "OWN"
share = 10
residual = true
[[budget]]
partner = "LP"
line = "STAFF"
amount = 90000000.00
[[budget]]
partner = "LP"
line = "TRAVEL"
amount = 40000000.00
[[budget]]
partner = "LP"
line = "EQUIPMENT"
amount = 30000000.00
[[budget]]
partner = "LP"
line = "EXTERNAL"
amount = 20000000.00
[[periods]]
number = 1
start = 2024-01-01
end = 2025-12-31
"""

LINES = ["STAFF", "TRAVEL", "EQUIPMENT", "EXTERNAL"]
SUPPLIERS = ([f"UAB „Knygų namai {i}“" for i in range(300)] + [f"SIA „Rīgas grāmatnīca {i}“" for i in range(300)]
             + [f"Vardenis Pavardenis {i}" for i in range(100)])
DESCRIPTIONS = ["Knygos", "Darbo užmokestis už projekto veiklas", "Komandiruotė į Jelgavą ir atgal; nakvynė "
                "viešbutyje „Rīga“, dienpinigiai ir kelionės bilietai pagal komandiruotės įsakymą Nr. {i}",
                "Kompiuterinė įranga bibliotekos skaityklai", "Seminaro „Bibliotekos be sienų“ organizavimas, "
                "salės nuoma ir kavos pertraukos {i}"]


def build(folder: Path, rows: int) -> Path:
    """A database with `rows` expenditures of LP in period 1 (kept if it is there already)."""
    from reporter.domain.model import Expenditure
    from reporter.domain.money import from_cents
    from reporter.services.projects import load_project_file
    from reporter.store import Store

    database = folder / f"bench-{rows}.sqlite3"
    if database.exists():
        return database
    project = folder / "project.toml"
    project.write_text(PROJECT, encoding="utf-8")
    store = Store.open(database)
    code = load_project_file(store, project).code
    ids = store.projects.ids(code)
    rng = random.Random(1)
    with store.transaction():
        for i in range(rows):
            day = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
            cents = rng.randrange(100, 5_000_000)
            vat = cents * 21 // 121 if rng.random() < 0.3 else 0
            store.expenditures.insert(ids, Expenditure(
                partner="LP", budget_line=rng.choice(LINES), period=1, document_date=day,
                document_no=f"SF-{i:06d}", supplier=rng.choice(SUPPLIERS), currency="EUR", gross=from_cents(cents),
                vat=from_cents(vat), eligible=from_cents(cents - vat), rate=None,
                eligible_project_currency=from_cents(cents - vat),
                description=rng.choice(DESCRIPTIONS).format(i=i), payment_date=day + timedelta(days=rng.randrange(40))))
    store.close()
    return database


def run(which: str, source: Path, out: Path) -> dict[str, float]:
    """One run in this process: "data" builds the report's data set from the database `source` and saves it
    at `out`; "program" and "raw" load the saved data set `source`, then write the workbook `out`."""
    started = time.perf_counter()
    if which == "data":
        from reporter.services.reports import report_data
        from reporter.store import Store

        store = Store.open(source)
        data, _ = report_data(store, "BENCH", 1, partner="LP", lang="lt", today=date(2026, 1, 15))
        store.close()
        seconds = time.perf_counter() - started
        out.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        return {"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    from openpyxl import Workbook

    from reporter.reports.xlsx import render_xlsx  # both libraries loaded before the clock starts

    data = pickle.loads(source.read_bytes())
    started = time.perf_counter()
    if which == "program":
        render_xlsx(data, out)
    else:
        workbook = Workbook(write_only=True)
        for table in data.tables:
            sheet = workbook.create_sheet(table.key)
            sheet.append([table.title])
            sheet.append([column.label for column in table.columns])
            for row in table.rows:
                sheet.append(row.cells)
        workbook.save(out)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def measure(which: str, source: Path, out: Path, repeat: int) -> tuple[float, float]:
    """Median seconds and the highest peak RSS of `repeat` runs, each in a fresh process."""
    results = []
    for _ in range(repeat):
        output = subprocess.run([sys.executable, __file__, "--child", which, str(source), str(out)], check=True,
                                capture_output=True, text=True).stdout
        results.append(json.loads(output))
    return statistics.median(r["seconds"] for r in results), max(r["rss_mb"] for r in results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="keep the databases here and reuse them")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        which, source, out = args.child
        print(json.dumps(run(which, Path(source), Path(out))))
        return

    folder = args.folder or Path(tempfile.mkdtemp())
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'rows':>8}  {'program s':>9}  {'raw s':>7}  {'ratio':>5}  {'program RSS':>11}  {'raw RSS':>8}"
          f"  {'build s':>7}  {'build RSS':>9}")
    for rows in args.rows:
        saved = folder / f"data-{rows}.pickle"
        build_seconds, build_rss = measure("data", build(folder, rows), saved, 1)
        program, program_rss = measure("program", saved, folder / "program.xlsx", args.repeat)
        raw, raw_rss = measure("raw", saved, folder / "raw.xlsx", args.repeat)
        print(f"{rows:>8}  {program:9.2f}  {raw:7.2f}  {program / raw:5.2f}  {program_rss:8.0f} MB  {raw_rss:5.0f} MB"
              f"  {build_seconds:7.2f}  {build_rss:6.0f} MB", flush=True)
    print("ratio target at 100 000 rows: at most 1.3; peak RSS under 400 MB")


if __name__ == "__main__":
    main()
