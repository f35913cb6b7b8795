"""The raw work `grant-reporter bench` compares the program with: the same rows read or written by sqlite3 alone.

Each function is what one task of the program does at its core, with no checks, no records made of the rows, no
audit log and no totals, so that the bench can say how far the program is from the library underneath.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

_PROJECT = "(SELECT id FROM projects WHERE code = ?)"
_LISTED = """
SELECT e.*, p.code AS partner, bl.code AS budget_line, rp.number AS period
FROM expenditures e
JOIN partners p ON p.id = e.partner_id
JOIN budget_lines bl ON bl.id = e.budget_line_id
JOIN reporting_periods rp ON rp.id = e.period_id
"""


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def expenditure_rows(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The columns and rows of a database's expenditures table."""
    with connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(expenditures)")]
        return columns, conn.execute(f"SELECT {', '.join(columns)} FROM expenditures").fetchall()


def insert_rows(conn: sqlite3.Connection, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """The rows into the expenditures table with one `executemany`, in one transaction."""
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO expenditures ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                     rows)
    conn.execute("COMMIT")


def sums(conn: sqlite3.Connection, project: str) -> list[tuple[Any, ...]]:
    """Eligible amounts per partner, period and budget line: one GROUP BY."""
    return conn.execute(f"""
        SELECT partner_id, period_id, budget_line_id, count(*), sum(eligible_project_currency_cents),
               sum(eligible_vat_project_currency_cents)
        FROM expenditures WHERE project_id = {_PROJECT} GROUP BY partner_id, period_id, budget_line_id""",
                        [project]).fetchall()


def first_page(conn: sqlite3.Connection, project: str, text: str | None = None, partners: tuple[str, ...] = (),
               limit: int = 100) -> list[tuple[Any, ...]]:
    """The first rows by number, of those whose search text holds `text` (already folded) or of these partners."""
    where, args = [f"e.project_id = {_PROJECT}"], [project]
    if text:
        where.append("e.search_text LIKE ?")
        args.append(f"%{text}%")
    if partners:
        where.append(f"p.code IN ({', '.join('?' for _ in partners)})")
        args += partners
    return conn.execute(f"{_LISTED} WHERE {' AND '.join(where)} ORDER BY e.number LIMIT ?", [*args, limit]).fetchall()


def count(conn: sqlite3.Connection, project: str, partners: tuple[str, ...]) -> tuple[int, int]:
    """How many rows these partners have, and their eligible cents."""
    return conn.execute(f"""
        SELECT count(*), sum(e.eligible_project_currency_cents) FROM expenditures e JOIN partners p ON p.id = e.partner_id
        WHERE e.project_id = {_PROJECT} AND p.code IN ({', '.join('?' for _ in partners)})""",
                        [project, *partners]).fetchone()


def period_rows(conn: sqlite3.Connection, project: str, period: int) -> list[tuple[Any, ...]]:
    """A period's expenditure rows as a report lists them (by line, date and number), and the sums beside them."""
    rows = conn.execute(f"{_LISTED} WHERE e.project_id = {_PROJECT} AND rp.number = ? "
                        "ORDER BY bl.position, e.document_date, e.number", [project, period]).fetchall()
    return rows + sums(conn, project)


def audit_chain(conn: sqlite3.Connection) -> str:
    """The audit log read in order, each entry's text hashed with the hash before it."""
    previous = ""
    for text, in conn.execute("SELECT id || char(31) || changed_at || char(31) || user_name || char(31) || action "
                              "|| char(31) || table_name || char(31) || record_id || char(31) "
                              "|| coalesce(old_values, char(0)) || char(31) || coalesce(new_values, char(0)) "
                              "FROM audit_log ORDER BY id"):
        previous = hashlib.sha256(f"{previous}\x1e{text}".encode()).hexdigest()
    return previous
