"""How fast an accounting export is imported, beside a plain sqlite3 executemany of the same rows (not a test).

The program reads the CSV, checks every row with the rules of a typed entry,
looks for duplicates and writes the rows and their audit entries in one
transaction. The baseline writes the very rows it produced (the same columns,
into the same table and indexes of a fresh database) with one `executemany`
in one transaction, and nothing else.

    .venv/bin/python benchmarks/bench_import.py [ROWS]
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from reporter.importers.mapping import ImportMapping
from reporter.services.imports import import_file
from reporter.services.projects import load_project_file
from reporter.store import Store

PROJECT = """
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
[[funding]]
funder = "OWN"
share = 15
residual = true
[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31
[[periods]]
number = 2
start = 2025-01-01
end = 2025-12-31
"""

MAPPING = ImportMapping(columns={"date": "Data", "document": "Dok. Nr.", "accounting_ref": "Buh. Nr.",
                                 "supplier": "Tiekėjas", "description": "Aprašymas", "gross": "Suma", "vat": "PVM",
                                 "line": "Sąskaita", "paid": "Apmokėta"},
                        constants={"partner": "LP"}, values={"line": {"6110": "STAFF", "6310": "TRAVEL",
                                                                      "6410": "EQUIPMENT"}})


def export(path: Path, rows: int) -> None:
    rng = random.Random(7)
    lines = ["Šiaulių apskrities Povilo Višinskio viešoji biblioteka", "Išlaidų žurnalas 2024–2025 m.", "",
             "Data;Dok. Nr.;Buh. Nr.;Tiekėjas;Aprašymas;Suma;PVM;Sąskaita;Apmokėta"]
    for i in range(rows):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(700))
        cents = rng.randrange(100, 5_000_000)
        vat = cents * 21 // 121
        lines.append(f"{day:%Y.%m.%d};SF-{i:06d};BU-{i:06d};UAB „Tiekėjas {i % 997}“;Prekės ir paslaugos {i};"
                     f"{cents // 100:,}".replace(",", " ") + f",{cents % 100:02d};{vat // 100},{vat % 100:02d};"
                     f"{rng.choice(['6110', '6310', '6410'])};{day + timedelta(days=rng.randrange(30)):%Y-%m-%d}")
    lines.append(";;;;Iš viso:;;;;")
    path.write_text("\r\n".join(lines) + "\r\n", encoding="windows-1257")


def fresh(folder: Path, name: str) -> Store:
    project = folder / "project.toml"
    project.write_text(PROJECT, encoding="utf-8")
    store = Store.open(folder / name)
    load_project_file(store, project)
    return store


def main(rows: int) -> None:
    folder = Path(tempfile.mkdtemp())
    source = folder / "export.csv"
    export(source, rows)
    print(f"{rows} rows, {source.stat().st_size / 1e6:.1f} MB CSV in Windows-1257")

    store = fresh(folder, "program.sqlite3")
    started = time.perf_counter()
    result = import_file(store, "BENCH", source, MAPPING)
    program = time.perf_counter() - started
    assert result.imported == rows, (result.imported, result.problem_lines()[:5])
    columns = [r[1] for r in store.db.execute("PRAGMA table_info(expenditures)")]
    written = store.db.execute(f"SELECT {', '.join(columns)} FROM expenditures").fetchall()
    store.close()

    baseline = fresh(folder, "baseline.sqlite3")
    baseline.close()
    connection = sqlite3.connect(folder / "baseline.sqlite3")
    sql = f"INSERT INTO expenditures ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    started = time.perf_counter()
    with connection:
        connection.executemany(sql, written)
    raw = time.perf_counter() - started
    connection.close()
    bare = sqlite3.connect(folder / "bare.sqlite3")
    bare.execute(f"CREATE TABLE expenditures ({', '.join(columns)})")
    started = time.perf_counter()
    with bare:
        bare.executemany(sql, written)
    unindexed = time.perf_counter() - started
    bare.close()
    print(f"program: read, check every row, find duplicates, write rows + audit log   {program:6.2f} s")
    print(f"plain sqlite3 executemany of the same rows, one transaction              {raw:6.2f} s")
    print(f"ratio {program / raw:.2f} (target: at most 4)")
    print(f"(the same executemany into a table without the program's indexes         {unindexed:6.2f} s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
