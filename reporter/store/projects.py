"""Projects and everything a project file defines: saved by code, idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable

from reporter.domain.errors import Conflict, NotFound, Problem, problem
from reporter.domain.model import (
    Activity,
    BudgetAmount,
    BudgetLine,
    Funder,
    FundingAgreement,
    Partner,
    PERIOD_SUBMITTED,
    PlannedAmount,
    Project,
    ProjectDefinition,
    ReportingPeriod,
)
from reporter.domain.money import from_cents, to_cents
from reporter.domain.rules import rules_from_mapping, rules_to_mapping
from reporter.store import integrity

if TYPE_CHECKING:
    from reporter.store.database import Store


@dataclass
class SaveSummary:
    """How many rows a save inserted, updated and deleted (all zero: nothing changed)."""

    created: bool = False
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


@dataclass(frozen=True)
class ProjectIds:
    """The stable ids behind a project's codes."""

    project: str
    partners: dict[str, str] = field(default_factory=dict)
    funders: dict[str, str] = field(default_factory=dict)
    budget_lines: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    periods: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProjectSummary:
    code: str
    title: str
    start: date
    end: date
    currency: str
    template: str
    partners: int
    expenditures: int
    eligible_total: Decimal


# Which expenditure column refers to each kind of record a project file defines.
_REFERENCED_BY_EXPENDITURES = {
    "partners": ("partner_id", "in_use.partner"),
    "budget_lines": ("budget_line_id", "in_use.budget_line"),
    "activities": ("activity_id", "in_use.activity"),
    "reporting_periods": ("period_id", "in_use.period"),
}


class ProjectStore:
    def __init__(self, store: "Store") -> None:
        self.store = store
        self.db = store.db

    # Reading

    def list(self) -> list[ProjectSummary]:
        rows = self.db.query("""
            SELECT p.code, p.title, p.start_date, p.end_date, p.currency, p.template,
                   (SELECT count(*) FROM partners WHERE project_id = p.id) AS partners,
                   (SELECT count(*) FROM expenditures WHERE project_id = p.id) AS expenditures,
                   (SELECT coalesce(sum(eligible_project_currency_cents), 0)
                      FROM expenditures WHERE project_id = p.id) AS eligible_cents
            FROM projects p ORDER BY p.code""")
        return [
            ProjectSummary(r["code"], r["title"], date.fromisoformat(r["start_date"]),
                           date.fromisoformat(r["end_date"]), r["currency"], r["template"],
                           r["partners"], r["expenditures"], from_cents(r["eligible_cents"]))
            for r in rows
        ]

    def exists(self, code: str) -> bool:
        return self._project_row(code) is not None

    def ids(self, code: str) -> ProjectIds:
        row = self._project_row(code)
        if row is None:
            raise NotFound(problem("project", "project.unknown", code=repr(code)))
        pid = row["id"]

        def codes(table: str, key: str = "code") -> dict[Any, str]:
            return {r[key]: r["id"] for r in self.db.query(f"SELECT id, {key} FROM {table} WHERE project_id = ?", [pid])}

        return ProjectIds(pid, codes("partners"), codes("funders"), codes("budget_lines"), codes("activities"),
                          codes("reporting_periods", "number"))

    def definition(self, code: str) -> ProjectDefinition:
        row = self._project_row(code)
        if row is None:
            raise NotFound(problem("project", "project.unknown", code=repr(code)))
        pid = row["id"]
        q = self.db.query
        lines_by_agreement: dict[str, list[str]] = {}
        for r in q("""SELECT fal.funding_agreement_id AS agreement, bl.code FROM funding_agreement_lines fal
                      JOIN budget_lines bl ON bl.id = fal.budget_line_id
                      WHERE bl.project_id = ? ORDER BY bl.position""", [pid]):
            lines_by_agreement.setdefault(r["agreement"], []).append(r["code"])
        plans: dict[str, list[PlannedAmount]] = {}
        for r in q("""SELECT ap.activity_id, ap.year, ap.amount_cents, f.code AS funder FROM activity_plan ap
                      JOIN activities a ON a.id = ap.activity_id LEFT JOIN funders f ON f.id = ap.funder_id
                      WHERE a.project_id = ? ORDER BY ap.position""", [pid]):
            plans.setdefault(r["activity_id"], []).append(
                PlannedAmount(r["year"], from_cents(r["amount_cents"]), r["funder"]))
        return ProjectDefinition(
            project=_project(row),
            partners=tuple(Partner(r["code"], r["name"], r["country"], r["role"], bool(r["vat_recoverable"]))
                           for r in q("SELECT * FROM partners WHERE project_id = ? ORDER BY position", [pid])),
            funders=tuple(Funder(r["code"], r["name"], r["kind"])
                          for r in q("SELECT * FROM funders WHERE project_id = ? ORDER BY position", [pid])),
            funding=tuple(
                FundingAgreement(
                    funder=r["funder"], share_percent=Decimal(r["share_percent"]), partner=r["partner"],
                    rule=r["rule"], rounding=r["rounding"], residual=bool(r["is_residual"]),
                    cap=None if r["cap_cents"] is None else from_cents(r["cap_cents"]),
                    budget_lines=tuple(lines_by_agreement.get(r["id"], ())), contract_number=r["contract_number"],
                    eligible_from=_day(r["eligible_from"]), eligible_to=_day(r["eligible_to"]),
                    vat_eligible=bool(r["vat_eligible"]), part_of=r["part_of"],
                    prefinancing=None if r["prefinancing_cents"] is None else from_cents(r["prefinancing_cents"]),
                )
                for r in q("""SELECT fa.*, f.code AS funder, p.code AS partner, parent.code AS part_of
                              FROM funding_agreements fa
                              JOIN funders f ON f.id = fa.funder_id LEFT JOIN partners p ON p.id = fa.partner_id
                              LEFT JOIN funders parent ON parent.id = fa.part_of_funder_id
                              WHERE fa.project_id = ? ORDER BY fa.position""", [pid])
            ),
            budget_lines=tuple(BudgetLine(r["code"], r["name"])
                               for r in q("SELECT * FROM budget_lines WHERE project_id = ? ORDER BY position", [pid])),
            budget=tuple(
                BudgetAmount(r["partner"], r["line"], from_cents(r["amount_cents"]), r["year"], r["activity"])
                for r in q("""SELECT b.*, p.code AS partner, bl.code AS line, a.code AS activity FROM budgets b
                              JOIN partners p ON p.id = b.partner_id JOIN budget_lines bl ON bl.id = b.budget_line_id
                              LEFT JOIN activities a ON a.id = b.activity_id
                              WHERE b.project_id = ? ORDER BY b.position""", [pid])
            ),
            periods=tuple(
                ReportingPeriod(r["number"], date.fromisoformat(r["start_date"]), date.fromisoformat(r["end_date"]),
                                r["status"])
                for r in q("SELECT * FROM reporting_periods WHERE project_id = ? ORDER BY number", [pid])
            ),
            activities=tuple(Activity(r["code"], r["title"], tuple(plans.get(r["id"], ())))
                             for r in q("SELECT * FROM activities WHERE project_id = ? ORDER BY position", [pid])),
            rules=rules_from_mapping(json.loads(row["rules"]), "", []),
        )

    def _project_row(self, code: str) -> dict[str, Any] | None:
        return next(self.db.query("SELECT * FROM projects WHERE code = ?", [code]), None)

    # Writing

    def save_definition(self, definition: ProjectDefinition) -> SaveSummary:
        """Create or update a project so that it matches `definition` exactly.

        Call inside a transaction. Records missing from the definition are
        deleted, unless expenditure refers to them or their period is submitted:
        then a `Conflict` is raised and the caller's transaction rolls back.
        """
        from reporter.store.database import new_id, now

        summary = SaveSummary()
        p = definition.project
        values = {"code": p.code, "title": p.title, "start_date": p.start.isoformat(), "end_date": p.end.isoformat(),
                  "currency": p.currency, "template": p.template, "contract_number": p.contract_number,
                  "rules": json.dumps(rules_to_mapping(definition.rules), default=str, sort_keys=True)}
        existing = self._project_row(p.code)
        if existing is None:
            pid = new_id()
            self.store.insert("projects", {"id": pid, **values, "created_at": now(), "updated_at": now()})
            summary.created = True
            summary.inserted += 1
        else:
            pid = existing["id"]
            changes = {k: v for k, v in values.items() if existing[k] != v}
            if changes:
                self.store.update("projects", existing, {**changes, "updated_at": now()})
                summary.updated += 1

        sync = _Sync(self.store, pid, summary)
        partners = sync.rows("partners", ("code",), [
            {"code": x.code, "name": x.name, "country": x.country, "role": x.role,
             "vat_recoverable": int(x.vat_recoverable), "position": i}
            for i, x in enumerate(definition.partners)])
        funders = sync.rows("funders", ("code",), [
            {"code": x.code, "name": x.name, "kind": x.kind, "position": i} for i, x in enumerate(definition.funders)])
        lines = sync.rows("budget_lines", ("code",), [
            {"code": x.code, "name": x.name, "position": i} for i, x in enumerate(definition.budget_lines)])
        activities = sync.rows("activities", ("code",), [
            {"code": x.code, "title": x.title, "position": i} for i, x in enumerate(definition.activities)])
        sync.rows("reporting_periods", ("number",), [
            {"number": x.number, "start_date": x.start.isoformat(), "end_date": x.end.isoformat()}
            for x in definition.periods], guard=_submitted_period_guard)
        agreements = sync.rows("funding_agreements", ("partner_id", "funder_id"), [
            {"partner_id": partners[a.partner] if a.partner else None, "funder_id": funders[a.funder],
             "share_percent": str(a.share_percent), "rule": a.rule, "rounding": a.rounding,
             "is_residual": int(a.residual), "cap_cents": None if a.cap is None else to_cents(a.cap),
             "contract_number": a.contract_number, "position": i,
             "eligible_from": a.eligible_from.isoformat() if a.eligible_from else None,
             "eligible_to": a.eligible_to.isoformat() if a.eligible_to else None,
             "vat_eligible": int(a.vat_eligible), "part_of_funder_id": funders[a.part_of] if a.part_of else None,
             "prefinancing_cents": None if a.prefinancing is None else to_cents(a.prefinancing)}
            for i, a in enumerate(definition.funding)])
        sync.agreement_lines({
            agreements[(partners[a.partner] if a.partner else None, funders[a.funder])]:
                {lines[code] for code in a.budget_lines}
            for a in definition.funding})
        sync.rows("budgets", ("partner_id", "budget_line_id", "year", "activity_id"), [
            {"partner_id": partners[b.partner], "budget_line_id": lines[b.line], "year": b.year,
             "activity_id": activities[b.activity] if b.activity else None,
             "amount_cents": to_cents(b.amount), "position": i}
            for i, b in enumerate(definition.budget)])
        sync.rows("activity_plan", ("activity_id", "year", "funder_id"), [
            {"activity_id": activities[a.code], "year": x.year, "funder_id": funders[x.funder] if x.funder else None,
             "amount_cents": to_cents(x.amount), "position": i}
            for a in definition.activities for i, x in enumerate(a.plan)],
            scope="activity_id IN (SELECT id FROM activities WHERE project_id = ?)")
        sync.delete_stale()
        return summary

    def set_period_status(self, project_id: str, number: int, status: str, submitted_at: str | None,
                          note: str = "") -> None:
        row = next(self.db.query("SELECT * FROM reporting_periods WHERE project_id = ? AND number = ?",
                                 [project_id, number]), None)
        if row is None:
            raise NotFound(problem("period", "period.no_such", number=number))
        self.store.update("reporting_periods", row, {"status": status, "submitted_at": submitted_at,
                                                     "status_note": note})
        if status == PERIOD_SUBMITTED:  # what it holds now is sealed with it, and unsealed when it is reopened
            integrity.seal_period(self.store, row["id"], submitted_at or "")
        else:
            integrity.unseal_period(self.store, row["id"])


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _project(row: dict[str, Any]) -> Project:
    return Project(row["code"], row["title"], date.fromisoformat(row["start_date"]),
                   date.fromisoformat(row["end_date"]), row["currency"], row["template"], row["contract_number"])


def _submitted_period_guard(row: dict[str, Any]) -> Problem | None:
    if row.get("status") == "submitted":
        return problem("", "period.locked_setup", number=row["number"])
    return None


class _Sync:
    """Makes the rows of one project match the wanted rows: insert, update, and delete last."""

    def __init__(self, store: "Store", project_id: str, summary: SaveSummary) -> None:
        self.store = store
        self.project_id = project_id
        self.summary = summary
        self.stale: list[tuple[str, dict[str, Any]]] = []

    def rows(self, table: str, key: tuple[str, ...], wanted: list[dict[str, Any]],
             scope: str = "project_id = ?", guard: Callable[[dict[str, Any]], Problem | None] | None = None
             ) -> dict[Any, str]:
        """Sync `table`; return the ids by key (a single key column gives plain values)."""
        from reporter.store.database import new_id

        existing = {tuple(r[k] for k in key): r
                    for r in self.store.db.query(f"SELECT * FROM {table} WHERE {scope}", [self.project_id])}
        ids: dict[Any, str] = {}
        seen = set()
        for row in wanted:
            row_key = tuple(row[k] for k in key)
            seen.add(row_key)
            old = existing.get(row_key)
            if old is None:
                record_id = new_id()
                extra = {"project_id": self.project_id} if scope == "project_id = ?" else {}
                self.store.insert(table, {"id": record_id, **extra, **row})
                self.summary.inserted += 1
            else:
                record_id = old["id"]
                changes = {k: v for k, v in row.items() if old[k] != v}
                if changes:
                    problem = guard(old) if guard else None
                    if problem:
                        raise Conflict(problem)
                    self.store.update(table, old, changes)
                    self.summary.updated += 1
            ids[row_key[0] if len(key) == 1 else row_key] = record_id
        stale = [old for row_key, old in existing.items() if row_key not in seen]
        for old in stale:
            if guard and (problem := guard(old)):
                raise Conflict(problem)
        self.stale += [(table, old) for old in stale]
        return ids

    def agreement_lines(self, wanted: dict[str, set[str]]) -> None:
        """Which budget lines each funding agreement pays (none listed: all lines)."""
        db = self.store.db
        for agreement_id, line_ids in wanted.items():
            current = {r["budget_line_id"] for r in db.query(
                "SELECT budget_line_id FROM funding_agreement_lines WHERE funding_agreement_id = ?", [agreement_id])}
            for line_id in sorted(current - line_ids):
                db.execute("DELETE FROM funding_agreement_lines WHERE funding_agreement_id = ? AND budget_line_id = ?",
                           [agreement_id, line_id])
                self.store.audit("delete", "funding_agreement_lines", agreement_id, old={"budget_line_id": line_id})
                self.summary.deleted += 1
            for line_id in sorted(line_ids - current):
                db.execute("INSERT INTO funding_agreement_lines (funding_agreement_id, budget_line_id) VALUES (?, ?)",
                           [agreement_id, line_id])
                self.store.audit("insert", "funding_agreement_lines", agreement_id, new={"budget_line_id": line_id})
                self.summary.inserted += 1

    def delete_stale(self) -> None:
        """Delete what the definition no longer has: children before the records they point to."""
        order = ["activity_plan", "budgets", "funding_agreements", "reporting_periods", "activities",
                 "budget_lines", "funders", "partners"]
        for table, old in sorted(self.stale, key=lambda item: order.index(item[0])):
            if table in _REFERENCED_BY_EXPENDITURES:
                column, message_id = _REFERENCED_BY_EXPENDITURES[table]
                used = self.store.db.execute(f"SELECT count(*) FROM expenditures WHERE {column} = ?",
                                             [old["id"]]).fetchone()[0]
                if used:
                    name = old.get("code") or old.get("number")
                    raise Conflict(problem("", message_id, name=name, count=used))
            self.store.delete(table, old)
            self.summary.deleted += 1
