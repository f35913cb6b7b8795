"""Projects and everything a project file defines: saved by code, idempotently."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

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
    SubGrant,
)
from reporter.domain.money import from_cents, to_cents
from reporter.domain.records import (
    AMOUNT,
    CODE,
    CODES,
    DAY,
    FLAG,
    ID_COLUMNS,
    LABEL,
    PERCENT,
    FieldSpec,
    Label,
    record_fields,
)
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


# Where the records a project file defines are referred to by what users enter: (table, column, message).
_IN_USE = {
    "partners": (("expenditures", "partner_id", "in_use.partner"), ("payments", "partner_id", "in_use.partner_payments"),
                 ("explanations", "partner_id", "in_use.explanations"),
                 ("partner_report_controls", "partner_id", "in_use.partner_controls")),
    "budget_lines": (("expenditures", "budget_line_id", "in_use.budget_line"),
                     ("explanations", "budget_line_id", "in_use.explanations")),
    "activities": (("expenditures", "activity_id", "in_use.activity"),
                   ("explanations", "activity_id", "in_use.explanations")),
    "reporting_periods": (("expenditures", "period_id", "in_use.period"),
                          ("explanations", "period_id", "in_use.explanations"),
                          ("partner_report_controls", "period_id", "in_use.partner_controls")),
    "funders": (("expenditure_payers", "funder_id", "in_use.funder"), ("payments", "funder_id", "in_use.funder")),
    "sub_grants": (("sub_grant_payments", "sub_grant_id", "in_use.sub_grant"),),
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
                   coalesce(e.expenditures, 0) AS expenditures, coalesce(e.eligible_cents, 0) AS eligible_cents
            FROM projects p LEFT JOIN (  -- one pass over an index holding both
                SELECT project_id, count(*) AS expenditures, sum(eligible_project_currency_cents) AS eligible_cents
                FROM expenditures GROUP BY project_id) e ON e.project_id = p.id
            ORDER BY p.code""")
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

        def rows(table: str, order: str = "position") -> list[dict[str, Any]]:
            return list(q(f"SELECT * FROM {table} WHERE project_id = ? ORDER BY {order}", [pid]))

        tables = {name: rows(name) for name in ("partners", "funders", "budget_lines", "activities")}
        codes = {name: {r["id"]: r["code"] for r in found} for name, found in tables.items()}
        links: dict[str, dict[str, list[str]]] = {}  # by link table and agreement: the codes it names
        for table, column, section in _AGREEMENT_LINKS:
            for r in q(f"""SELECT link.funding_agreement_id, link.{column} FROM {table} link
                           JOIN {section} target ON target.id = link.{column}
                           WHERE target.project_id = ? ORDER BY target.position""", [pid]):
                links.setdefault(table, {}).setdefault(r["funding_agreement_id"], []).append(
                    codes[section][r[column]])
        plans: dict[str, list[PlannedAmount]] = {}
        for r in q("""SELECT ap.* FROM activity_plan ap JOIN activities a ON a.id = ap.activity_id
                      WHERE a.project_id = ? ORDER BY ap.position""", [pid]):
            plans.setdefault(r["activity_id"], []).append(_record(PlannedAmount, r, codes))
        return ProjectDefinition(
            project=_record(Project, row, codes),
            partners=tuple(_record(Partner, r, codes) for r in tables["partners"]),
            funders=tuple(_record(Funder, r, codes) for r in tables["funders"]),
            funding=tuple(_record(FundingAgreement, r, codes, {table: found.get(r["id"], ())
                                                                for table, found in links.items()})
                          for r in rows("funding_agreements")),
            budget_lines=tuple(_record(BudgetLine, r, codes) for r in tables["budget_lines"]),
            budget=tuple(_record(BudgetAmount, r, codes) for r in rows("budgets")),
            periods=tuple(replace(_record(ReportingPeriod, r, codes), status=r["status"])
                          for r in rows("reporting_periods", "number")),
            activities=tuple(replace(_record(Activity, r, codes), plan=tuple(plans.get(r["id"], ())))
                             for r in tables["activities"]),
            rules=rules_from_mapping(json.loads(row["rules"]), "", []),
            sub_grants=tuple(_record(SubGrant, r, codes) for r in rows("sub_grants")),
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
        values = {**_columns(p, {}), "rules": json.dumps(rules_to_mapping(definition.rules), default=str,
                                                         sort_keys=True)}
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
        ids: dict[str, dict[Any, str]] = {}

        def records(items: Sequence[Any]) -> list[dict[str, Any]]:
            return [{**_columns(item, ids), "position": i} for i, item in enumerate(items)]

        ids["partners"] = sync.rows("partners", ("code",), records(definition.partners))
        ids["funders"] = sync.rows("funders", ("code",), records(definition.funders))
        ids["budget_lines"] = sync.rows("budget_lines", ("code",), records(definition.budget_lines))
        ids["activities"] = sync.rows("activities", ("code",), records(definition.activities))
        sync.rows("reporting_periods", ("number",), [_columns(x, ids) for x in definition.periods],
                  guard=_submitted_period_guard)
        agreements = sync.rows("funding_agreements", ("partner_id", "funder_id"), records(definition.funding))
        for table, column, section in _AGREEMENT_LINKS:
            name = next(f.name for f in record_fields(FundingAgreement) if f.column == table)
            sync.links(table, column, {
                agreements[(ids["partners"][a.partner] if a.partner else None, ids["funders"][a.funder])]:
                    {ids[section][code] for code in getattr(a, name)}
                for a in definition.funding})
        sync.rows("budgets", ("partner_id", "budget_line_id", "year", "activity_id"), records(definition.budget))
        sync.rows("activity_plan", ("activity_id", "year", "funder_id", "budget_line_id", "partner_id"), [
            {"activity_id": ids["activities"][a.code], **_columns(x, ids), "position": i}
            for a in definition.activities for i, x in enumerate(a.plan)],
            scope="activity_id IN (SELECT id FROM activities WHERE project_id = ?)")
        sync.rows("sub_grants", ("partner_id",), records(definition.sub_grants))
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


# The link tables of an agreement's CODES fields: (table, the linked record's column, its section).
_AGREEMENT_LINKS = tuple((f.column, ID_COLUMNS[f.refers_to], f.refers_to)
                         for f in record_fields(FundingAgreement) if f.kind == CODES)


def _columns(record: Any, ids: Mapping[str, Mapping[Any, str]]) -> dict[str, Any]:
    """A record's store columns, from its declared fields; codes become the ids in `ids`, and a label's
    words in other languages go to `<column>_translations` (JSON)."""
    columns = {}
    for f in record_fields(type(record)):
        value = getattr(record, f.name)
        if f.kind == LABEL:
            translations = getattr(value, "translations", ())
            columns[f"{f.column}_translations"] = json.dumps(dict(translations), ensure_ascii=False) \
                if translations else None
        if f.kind != CODES:
            columns[f.column] = _to_column(f, value, ids)
    return columns


def _to_column(f: FieldSpec, value: Any, ids: Mapping[str, Mapping[Any, str]]) -> Any:
    if value is None:
        return None
    if f.kind == AMOUNT:
        return to_cents(value)
    if f.kind == PERCENT:
        return str(value)
    if f.kind == DAY:
        return value.isoformat()
    if f.kind == FLAG:
        return int(value)
    if f.kind == CODE:
        return ids[f.refers_to][value]
    if f.kind == LABEL:
        return str(value)
    return value


def _record(record_type: type, row: Mapping[str, Any], codes: Mapping[str, Mapping[str, str]],
            links: Mapping[str, Sequence[str]] = {}) -> Any:
    """A record from its store row; ids become codes, and CODES fields come from `links` by table."""
    values = {}
    for f in record_fields(record_type):
        if f.kind == CODES:
            values[f.name] = tuple(links.get(f.column, ()))
            continue
        value = row[f.column]
        if value is not None:
            if f.kind == AMOUNT:
                value = from_cents(value)
            elif f.kind == PERCENT:
                value = Decimal(value)
            elif f.kind == DAY:
                value = date.fromisoformat(value)
            elif f.kind == FLAG:
                value = bool(value)
            elif f.kind == CODE:
                value = codes[f.refers_to][value]
            elif f.kind == LABEL:
                translations = row[f"{f.column}_translations"]
                value = Label(value, tuple(json.loads(translations).items()) if translations else ())
        values[f.name] = value
    return record_type(**values)


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

    def links(self, table: str, column: str, wanted: dict[str, set[str]]) -> None:
        """Which records (lines, activities) each funding agreement names (none: all of them)."""
        db = self.store.db
        for agreement_id, linked in wanted.items():
            current = {r[column] for r in db.query(
                f"SELECT {column} FROM {table} WHERE funding_agreement_id = ?", [agreement_id])}
            for record_id in sorted(current - linked):
                db.execute(f"DELETE FROM {table} WHERE funding_agreement_id = ? AND {column} = ?",
                           [agreement_id, record_id])
                self.store.audit("delete", table, agreement_id, old={column: record_id})
                self.summary.deleted += 1
            for record_id in sorted(linked - current):
                db.execute(f"INSERT INTO {table} (funding_agreement_id, {column}) VALUES (?, ?)",
                           [agreement_id, record_id])
                self.store.audit("insert", table, agreement_id, new={column: record_id})
                self.summary.inserted += 1

    def _partner_code(self, partner_id: str | None) -> str:
        row = self.store.db.execute("SELECT code FROM partners WHERE id = ?", [partner_id]).fetchone()
        return row[0] if row else ""

    def delete_stale(self) -> None:
        """Delete what the definition no longer has: children before the records they point to."""
        order = ["sub_grants", "activity_plan", "budgets", "funding_agreements", "reporting_periods", "activities",
                 "budget_lines", "funders", "partners"]
        for table, old in sorted(self.stale, key=lambda item: order.index(item[0])):
            for referring, column, message_id in _IN_USE.get(table, ()):
                used = self.store.db.execute(f"SELECT count(*) FROM {referring} WHERE {column} = ?",
                                             [old["id"]]).fetchone()[0]
                if used:
                    name = old.get("code") or old.get("number") or self._partner_code(old.get("partner_id"))
                    raise Conflict(problem("", message_id, name=name, count=used))
            self.store.delete(table, old)
            self.summary.deleted += 1
