"""Hostile and unlucky input, generated: nothing accepted can break a later command.

Hypothesis mutates the demo's own project files (values of every type TOML can
write, keys removed and added) and gives random values to the command line. Every
outcome is a success or a refusal with a message (exit 2), never an internal error;
after a success `projects`, `check`, `financing`, `report` and `export-project` still
work; after a refusal the database holds exactly what it held.

The default run tries a few hundred cases; `pytest -m nightly` tries thousands.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import shutil
import sqlite3
import string
import tempfile
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from reporter import cli
from reporter.services.demo import create_demo
from reporter.store import Store

DEMO = Path(__file__).resolve().parent.parent / "resources" / "demo"
DEMO_FILES = sorted(DEMO.glob("*.toml"))
FAST = settings(max_examples=125, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
NIGHTLY = settings(FAST, max_examples=2500, derandomize=False)


# What a user could type or a file could hold: the shapes that broke the program before, and random ones.

NASTY_TEXT = [
    "", " ", "0", "-1", "1e400", "nan", "inf", "-0", "1,234", "1.234,56", "1 234,56", "１２３", "٣", "²", "0x10",
    "20240305", "2024-03-05", "2024-3-5", "0001-01-01", "9999-12-31", "2025-12-31T23:59:59Z", "２０２４-03",
    "2024-02-30", "2024-03", "1990-01", "92233720368547758.07", "999999999.99", "-999999999.99", "1000000000.00",
    "0.000001", "1000000.000001", "EUR", "XXX", "XAU", "eur", "LTL", "USD", "/etc/passwd", "../x", "C:\\x",
    "a" * 301, "ž" * 1001, "x" * 10_800, "line\nbreak", "tab\there", "nul\x00byte", "\u202eevil", "\udcc5",
    "=SUM(A1)", "<b>bold</b>", "&amp;", "DROP TABLE expenditures;", "'", '"', "\\", "#1", "%_",
]
texts = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40),
                  st.text(alphabet=string.digits + ".,- ", max_size=25))
toml_values = st.recursive(
    st.one_of(
        texts,
        st.integers(min_value=-2**70, max_value=2**70),
        st.decimals(allow_nan=True, allow_infinity=True).filter(lambda d: not d.is_snan()),
        st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-0.0"), Decimal("1E+999999"),
                         Decimal("0.001"), Decimal("100.0001"), Decimal("-5")]),
        st.booleans(),
        st.dates(min_value=date(1, 1, 1)),
        st.datetimes(timezones=st.sampled_from([None, timezone.utc])),
        st.times(),
    ),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.sampled_from(["code", "x", "share", "amount"]), children,
                                               max_size=2)),
    max_leaves=6,
)


def _like(value: Any) -> st.SearchStrategy:
    """A value of the same TOML type as `value`, often one the program should accept."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(-3, 3000) | st.integers(min_value=-2**70, max_value=2**70)
    if isinstance(value, Decimal):
        return st.decimals(min_value=-1000, max_value=10**6, places=2) | st.decimals(places=4, allow_nan=False)
    if isinstance(value, date):
        return st.dates(min_value=date(1985, 1, 1), max_value=date(2105, 12, 31))
    if isinstance(value, str):
        return st.text(max_size=30) | texts
    return toml_values


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a parsed TOML document: keys of tables, indexes of arrays."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


def _parent(document: Any, path: tuple) -> Any:
    for step in path[:-1]:
        document = document[step]
    return document


@st.composite
def mutated_project_files(draw) -> str:
    source = draw(st.sampled_from(DEMO_FILES))
    document = tomllib.loads(source.read_text(encoding="utf-8"), parse_float=Decimal)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["alike"] * 6 + ["replace", "replace", "delete", "add"]))
        paths = _paths(document)
        if action == "alike":  # a value, not a table or an array
            paths = [p for p in paths if not isinstance(_parent(document, p)[p[-1]], (dict, list))] or paths
        path = paths[draw(st.integers(0, 2**31)) * 2654435761 % len(paths)]  # any place alike, not mostly the first
        parent = _parent(document, path)
        if action == "alike":
            parent[path[-1]] = draw(_like(parent[path[-1]]))
        elif action == "replace":
            parent[path[-1]] = draw(toml_values)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "delete":
            parent.pop(path[-1])
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "share", "cap", "start", "eligible_to", "year", "number"]))] = \
                draw(toml_values)
    try:
        text = tomli_w.dumps(document)
    except (TypeError, ValueError):  # a value TOML cannot write (a key of the wrong shape): not a file anyone has
        assume(False)
    # What tomli_w never writes but a person might: numbers in other bases, arrays nested very deep.
    extra = draw(st.sampled_from([""] * 10 + ["\nextra = 0x10\n", "\ndeep = " + "[" * 800 + "]" * 800 + "\n"]))
    return extra + text if extra.startswith("\ndeep") else text + extra


# Running the program as a user would


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "demo.sqlite3"
    store = Store.open(path)
    create_demo(store)
    store.close()
    return path


def _content(database: Path) -> str:
    """A digest of everything the database holds, schema included (not the file's bytes: WAL moves them)."""
    conn = sqlite3.connect(database)
    try:
        digest = hashlib.sha256()
        for line in conn.iterdump():
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        conn.close()


def _run(database: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--db", str(database), *args])
    return code, out.getvalue(), err.getvalue()


def _refused_cleanly(code: int, err: str) -> None:
    assert code == cli.EXIT_USER_ERROR, err
    assert err.startswith("error: ") and "internal error" not in err and "Traceback" not in err


def _still_works(database: Path, project: str, period: int, fmt: str, folder: Path) -> None:
    """After a change was accepted, every reading command works on what was saved."""
    for args in (("projects",), ("check", "--project", project), ("financing", "--project", project),
                 ("report", "--project", project, "--period", str(period), "--format", fmt, "--out", str(folder)),
                 ("export-project", project, "-o", str(folder / "exported.toml"))):
        code, _, err = _run(database, *args)
        assert code in (0, 1) if args[0] == "check" else code == 0, (args, err)
    code, out, err = _run(database, "load", str(folder / "exported.toml"), "--json")
    assert code == 0 and json.loads(out)["result"] == "unchanged", (out, err)


def _copy(demo_database: Path, folder: Path) -> Path:
    database = folder / "db.sqlite3"
    shutil.copyfile(demo_database, database)
    return database


def _first_period(database: Path, project: str) -> int:
    conn = sqlite3.connect(database)
    try:
        return conn.execute("SELECT min(rp.number) FROM reporting_periods rp JOIN projects p ON p.id = rp.project_id "
                            "WHERE p.code = ?", [project]).fetchone()[0] or 1
    finally:
        conn.close()


def _load_mutated(demo_database: Path, text: str, fmt: str) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = _copy(demo_database, folder)
        before = _content(database)
        project_file = folder / "mutated.toml"
        project_file.write_bytes(text.encode("utf-8", "surrogateescape"))  # '\udcc5': a byte that is no UTF-8
        code, out, err = _run(database, "load", str(project_file), "--json")
        event("load accepted" if code == 0 else "load refused")
        if code != 0:
            _refused_cleanly(code, err)
            assert _content(database) == before
            return
        project = json.loads(out)["project"]
        _still_works(database, project, _first_period(database, project), fmt, folder)


@FAST
@given(text=mutated_project_files(), fmt=st.sampled_from(["pdf", "xlsx"]))
def test_load__a_mutated_demo_project_file_is_loaded_whole_or_refused_with_a_message(demo_database, text, fmt):
    _load_mutated(demo_database, text, fmt)


@pytest.mark.nightly
@NIGHTLY
@given(text=mutated_project_files(), fmt=st.sampled_from(["pdf", "xlsx"]))
def test_load__many_mutated_demo_project_files(demo_database, text, fmt):
    _load_mutated(demo_database, text, fmt)


# Random values on the command line

EXPENSE_OPTIONS = ["partner", "line", "date", "document", "supplier", "gross", "vat", "eligible", "currency", "rate",
                   "period", "units", "activity", "description", "paid", "notes", "attachment"]
PLAUSIBLE = {
    "date": st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    "paid": st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat),
    "gross": st.decimals(min_value=-10**4, max_value=10**9, places=2).map(str),
    "vat": st.decimals(min_value=0, max_value=500, places=2).map(lambda d: f"{d}".replace(".", ",")),
    "eligible": st.decimals(min_value=0, max_value=10**4, places=2).map(str),
    "currency": st.sampled_from(["EUR", "USD", "PLN", "LTL", "GBP", "eur"]),
    "rate": st.decimals(min_value=Decimal("0.5"), max_value=5, places=4).map(str),
    "period": st.integers(0, 6).map(str),
    "units": st.integers(0, 60).map(str),
    "partner": st.sampled_from(["LP", "PP2", "P1", "P2", "LCZB", "LBD"]),
    "line": st.sampled_from(["STAFF", "TRAVEL", "TPM", "IO", "PERSONNEL", "EVENTS", "OFFICE"]),
    "activity": st.sampled_from(["V1", "A1", ""]),
}
words = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=60)
PROJECTS = {"LLI-537": ("LP", "STAFF", "2025-09-05"), "KA204-077512": ("P1", "EXC", "2022-03-10"),
            "BRF-2024-LV07": ("LCZB", "PERSONNEL", "2024-11-05"), "LBD-2024-2026": ("LBD", "EVENTS", "2026-05-05")}


@st.composite
def command_lines(draw) -> tuple[str, tuple[str, ...], str | None]:
    """A command with random values; returns it, and the project a success changes (None: it changes none)."""
    project = draw(st.sampled_from(sorted(PROJECTS)))
    partner, line, day = PROJECTS[project]
    kind = draw(st.sampled_from(["add", "add", "add", "edit", "rate", "convert", "list", "report", "financing",
                                 "check", "backup", "reopen"]))
    if kind in ("add", "edit"):
        values = {"partner": partner, "line": line, "date": day, "document": "FUZZ-1", "supplier": "UAB Fuzz",
                  "gross": "12.10"} if kind == "add" else {}
        own = {"partner": st.just(partner), "line": st.just(line), "date": st.just(day)}
        for option in draw(st.lists(st.sampled_from(EXPENSE_OPTIONS), min_size=1, max_size=4, unique=True)):
            values[option] = draw(own.get(option, st.nothing()) | PLAUSIBLE.get(option, words) | texts)
        args = [f"--{option}={value}" for option, value in values.items()]
        reference = draw(st.integers(1, 40).map(str) | st.sampled_from(["0", "-1", "99999999999999999999", "#3",
                                                                         "x", "１"]))
        head = ("expense", "add", "--project", project) if kind == "add" else \
            ("expense", "edit", "--project", project, reference)
        return kind, (*head, *args), project
    if kind == "rate":
        return kind, ("rate", "set", draw(st.sampled_from(["USD", "PLN", "XXX", "ltl"]) | texts),
                      draw(st.sampled_from(["2024-03", "２０２４-03", "1989-12", "2024-13"]) | texts),
                      draw(texts)), "BRF-2024-LV07"
    if kind == "convert":
        return kind, ("convert", draw(texts), draw(st.sampled_from(["USD", "LTL"]) | texts), "--rate",
                      draw(texts)), None
    if kind == "list":
        option = draw(st.sampled_from(["--from", "--to", "--period", "--limit", "--page", "--search", "--funder",
                                       "--partner", "--sort"]))
        return kind, ("expense", "list", "--project", project, f"{option}={draw(texts)}"), None
    if kind in ("report", "financing", "check"):
        options = {"report": ["--period", "--lang", "--format", "--funder", "--template", "--partner"],
                   "financing": ["--period", "--partner"], "check": ["--period", "--partner"]}[kind]
        option = draw(st.sampled_from(options))
        args = [kind, "--project", project, f"{option}={draw(texts)}"]
        if kind == "report":
            args += ["--out", "{out}"] + ([] if option == "--period" else ["--period", "1"])
        return kind, tuple(args), None
    if kind == "backup":
        return kind, ("backup", f"--keep={draw(texts)}"), None
    return kind, ("reopen", "--project", project, "--period", draw(texts), "--reason", draw(texts)), project


def _command(demo_database: Path, command: tuple[str, tuple[str, ...], str | None], fmt: str) -> None:
    kind, args, changed = command
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database = _copy(demo_database, folder)
        before = _content(database)
        args = tuple(arg.replace("{out}", str(folder / "out")) for arg in args)
        try:
            code, out, err = _run(database, *args)
        except SystemExit as exit_:  # argparse refuses an option it cannot read (e.g. --period=x), exit 2
            assert exit_.code == 2
            event(f"{kind}: refused by the option parser")
            return
        event(f"{kind}: {'refused' if code == 2 else 'done'}")
        if code not in (0, 1) or (code == 1 and kind != "check"):
            _refused_cleanly(code, err)
            if kind != "backup" or "keep" in err:
                assert _content(database) == before, args
            return
        if changed is not None:
            _still_works(database, changed, _first_period(database, changed), fmt, folder)


@FAST
@given(command=command_lines(), fmt=st.sampled_from(["pdf", "xlsx"]))
def test_commands__random_values_succeed_or_are_refused_with_a_message(demo_database, command, fmt):
    _command(demo_database, command, fmt)


@pytest.mark.nightly
@NIGHTLY
@given(command=command_lines(), fmt=st.sampled_from(["pdf", "xlsx"]))
def test_commands__many_random_values(demo_database, command, fmt):
    _command(demo_database, command, fmt)


def test_hypothesis_values__cover_what_broke_the_program_before():
    """The generated values include every case issue 11 names (so the default run keeps trying them)."""
    for case in ("2025-12-31T23:59:59Z", "92233720368547758.07", "x" * 10_800, "20240305", "0001-01-01", "XXX",
                 "0.000001", "0x10", "２０２４-03", "a" * 301, "nan", "inf"):
        assert case in NASTY_TEXT
    assert datetime(2025, 12, 31, 23, 59, 59, tzinfo=timezone.utc) - timedelta(0) and time(12)  # TOML date-times
