"""The period PDF against reportlab alone, at 1 000, 10 000 and 100 000 expenditures (prints numbers; not a test).

For each size, one project with every expenditure in one period (three
partners, five budget lines, Lithuanian and Latvian suppliers) is built once,
and the consolidated report's data set made from it (`report_data`, Lithuanian)
is kept beside it in the temporary folder as a pickle: building the data set is
another task's time. Each measurement runs in a fresh process that loads that
data set, then times:

- program: `render_pdf` of the data set (what `report --format pdf` does after the build);
- raw: reportlab's canvas drawing the same rows, each cell's value wrapped into its column by
  reportlab's own `simpleSplit`, a rule under each row, the same embedded font and page size; no
  formatting, sums, headers, hyphenation, keeping rules or page furniture;
- raw, unwrapped: the same with one string per cell whatever its length (cells run into each
  other: the floor of what reportlab costs for these rows, not a readable report).

It prints program seconds, raw seconds, their ratio and the program's peak
resident memory (the data set included: Linux's VmHWM, reset after the data set
is loaded), medians of the runs (the memory: the largest), then the unwrapped
run and the program's ratio to it. The machine is shared: compare the ratios.

    .venv/bin/python benchmarks/bench_pdf.py [--runs N] [ROWS ...]     (default 1000 10000 100000)
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import pickle
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

PROJECT = "BENCH-PDF"
SUPPLIERS = ["UAB „Šiaulių spaustuvė“", "AB Lietuvos geležinkeliai", "UAB Kelionių ekspertai",
             "Panevėžio apskrities Gabrielės Petkevičaitės-Bitės viešoji biblioteka",
             'SIA "Jelgavas tipogrāfija"', "SIA Rīgas viesnīca", "Latvijas Nacionālā bibliotēka",
             "VšĮ Tarptautinio bendradarbiavimo centras"]
DESCRIPTIONS = ["Komandiruotė į Jelgavą ir atgal; nakvynė viešbutyje „Rīga“", "Knygos", "Projektijuhtimise kursused",
                "Bibliotēkas darbinieku apmācības par digitālo prasmju attīstīšanu senioriem", "Darbo užmokestis",
                "Tarptautinio bendradarbiavimo renginio organizavimas", "Kanceliarinės prekės"]


def database(rows: int) -> Path:
    """The benchmark database of that many expenditures, built once per temporary folder."""
    path = Path(tempfile.gettempdir()) / f"bench-pdf-{rows}.sqlite3"
    if path.exists():
        return path
    from reporter.domain.model import Expenditure
    from reporter.domain.money import from_cents
    from reporter.services.projects import load_project_file
    from reporter.store import Store

    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    store = Store.open(building)
    project_file = building.with_suffix(".toml")
    project_file.write_text(_PROJECT_FILE, encoding="utf-8")
    load_project_file(store, project_file)
    ids = store.projects.ids(PROJECT)
    rng = random.Random(1)
    lines = ["STAFF", "TRAVEL", "EXTERNAL", "EQUIPMENT", "INFRA"]
    expenditures = []
    for i in range(rows):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(360))
        cents = rng.randrange(100, 2_000_000)
        expenditures.append(Expenditure(
            partner=rng.choice(["LP", "PP2", "PP3"]), budget_line=rng.choice(lines), period=1, document_date=day,
            document_no=f"SF-{i:06d}", supplier=rng.choice(SUPPLIERS), currency="EUR", gross=from_cents(cents),
            vat=from_cents(0), eligible=from_cents(cents), rate=None, eligible_project_currency=from_cents(cents),
            description=rng.choice(DESCRIPTIONS), payment_date=day + timedelta(days=rng.randrange(40)),
            accounting_ref=f"DK-{i:06d}"))
    with store.transaction():
        store.expenditures.insert_many(ids, expenditures)
    store.close()
    building.rename(path)
    return path


_PROJECT_FILE = f"""
[project]
code = "{PROJECT}"
title = "Bibliotekos be sienų: skaitmeninio raštingumo tinklas / Bibliotēkas bez robežām"
start = 2024-01-01
end = 2025-12-31
template = "interreg-lv-lt-2014-2020"
contract_number = "LLI-900/2024/1"
[[partners]]
code = "LP"
name = "Šiaulių apskrities Povilo Višinskio viešoji biblioteka"
role = "lead"
[[partners]]
code = "PP2"
name = "Jelgavas pilsētas bibliotēka"
[[partners]]
code = "PP3"
name = "Panevėžio apskrities Gabrielės Petkevičaitės-Bitės viešoji biblioteka"
[[funders]]
code = "ERDF"
name = "Europos regioninės plėtros fondas"
kind = "eu"
[[funders]]
code = "STATE"
name = "Valstybės biudžetas"
kind = "state"
[[funders]]
code = "OWN"
name = "Nuosavos lėšos"
kind = "own"
[[funding]]
funder = "ERDF"
share = 85
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
[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31
[[periods]]
number = 2
start = 2025-01-01
end = 2025-12-31
"""


def dataset(rows: int) -> Path:
    """The consolidated report's data set of the benchmark database, pickled once per version of its model."""
    import reporter.reports.model

    model = hashlib.sha256(Path(reporter.reports.model.__file__).read_bytes()).hexdigest()[:8]
    path = Path(tempfile.gettempdir()) / f"bench-pdf-{rows}-{model}.pickle"
    if not path.exists():
        from reporter.services.reports import report_data
        from reporter.store import Store

        store = Store.open(database(rows))
        data, _ = report_data(store, PROJECT, 1, None, None, "lt", today=date(2025, 1, 15))
        store.close()
        path.with_suffix(".part").write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
        path.with_suffix(".part").rename(path)
    return path


def _peak_reset() -> None:
    """Start the peak resident memory (VmHWM) afresh from here (Linux; elsewhere the peak is the process's)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(rows: int) -> dict[str, float]:
    """In this process: the data set loaded, then the program's render and the raw canvas run, timed."""
    from reporter.reports.pdf import render_pdf

    data = pickle.loads(dataset(rows).read_bytes())
    folder = Path(tempfile.mkdtemp())
    gc.collect()
    _peak_reset()
    started = time.perf_counter()
    render_pdf(data, folder / "program.pdf")
    program = time.perf_counter() - started
    peak = _peak_mb()
    gc.collect()
    started = time.perf_counter()
    raw_canvas(data, folder / "raw.pdf")
    raw = time.perf_counter() - started
    started = time.perf_counter()
    raw_canvas(data, folder / "raw-unwrapped.pdf", wrap=False)
    unwrapped = time.perf_counter() - started
    return {"program": program, "raw": raw, "unwrapped": unwrapped, "rss": peak}


def raw_canvas(data, path: Path, wrap: bool = True) -> int:
    """reportlab alone: every row of every table onto a canvas, each cell's text wrapped into its column by
    reportlab's own `simpleSplit` (or, with wrap=False, one string per cell whatever its length), a rule under
    each row, a new page when one is full. No formatting, sums, headers, hyphenation or page furniture."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfgen.canvas import Canvas

    from reporter.reports.pdf import CONDENSED, register_fonts

    register_fonts()
    width, height = landscape(A4)
    canvas = Canvas(str(path), pagesize=(width, height), invariant=1)
    margin, leading, size = 42.0, 9.6, 8
    pages, y = 1, height - margin
    canvas.setFont(CONDENSED, size)
    for table in data.tables:
        weight = sum(c.width for c in table.columns)
        widths = [(width - 2 * margin) * c.width / weight for c in table.columns]
        lefts = [margin + sum(widths[:i]) for i in range(len(widths))]
        for row in table.rows:
            cells = [("" if v is None else str(v)) for v in row.cells]
            lines = [simpleSplit(text, CONDENSED, size, w - 6) if wrap else [text] for text, w in zip(cells, widths)]
            tall = max((len(cell) for cell in lines), default=1) * leading + 6
            if y - tall < margin:
                canvas.showPage()
                canvas.setFont(CONDENSED, size)
                pages, y = pages + 1, height - margin
            for left, cell in zip(lines and lefts, lines):
                for n, text in enumerate(cell):
                    canvas.drawString(left + 3, y - size - n * leading, text)
            y -= tall
            canvas.line(margin, y, width - margin, y)
    canvas.save()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="*", type=int, default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians printed)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child)))
        return
    print(f"{'rows':>8} {'program s':>10} {'raw s':>8} {'ratio':>6} {'peak RSS MB':>12}   "
          f"{'raw, unwrapped s':>16} {'ratio':>6}")
    for rows in args.rows:
        dataset(rows)
        runs = [json.loads(subprocess.run([sys.executable, __file__, "--child", str(rows)], check=True,
                                          capture_output=True, text=True).stdout) for _ in range(args.runs)]
        program = statistics.median(r["program"] for r in runs)
        raw = statistics.median(r["raw"] for r in runs)
        ratio = statistics.median(r["program"] / r["raw"] for r in runs)
        rss = max(r["rss"] for r in runs)
        unwrapped = statistics.median(r["unwrapped"] for r in runs)
        print(f"{rows:>8} {program:>10.2f} {raw:>8.2f} {ratio:>6.2f} {rss:>12.0f}   {unwrapped:>16.2f} "
              f"{statistics.median(r['program'] / r['unwrapped'] for r in runs):>6.2f}", flush=True)


if __name__ == "__main__":
    main()
