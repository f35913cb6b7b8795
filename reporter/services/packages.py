"""Partner packages: a partner exports its expenditure of a period from its own database; the lead merges it.

Both databases hold the same project (loaded from the same project file). The
records keep their stable ids, so the merge is by id: a record the lead does not
have is added (with the lead's next internal number), the same record again
changes nothing, and the same id with other content is a conflict: every
conflict is listed and nothing is merged. Records of another partner are never
touched, and a period the lead has submitted takes no package. Each record is
checked with the rules of a typed entry against the lead's project before
anything is written, and everything is written in one transaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from reporter import __version__
from reporter.domain.errors import Conflict, NotFound, Problem, UserError, ValidationError, problem
from reporter.domain.model import Expenditure, ProjectDefinition
from reporter.domain.validation import complete_expenditure, parse_expenditure_fields, reference_problems
from reporter.importers.package import FORMAT, PackageContent, read_package, safe_name, sha256, write_package
from reporter.services.expenditures import fields_of
from reporter.store import Store


@dataclass(frozen=True)
class ExportedPackage:
    path: Path
    sha256: str
    project: str
    partner: str
    period: int
    expenditures: int
    attachments: int
    missing_attachments: list[str] = field(default_factory=list)  # references with no file to pack (archive numbers…)


@dataclass
class MergeResult:
    project: str
    partner: str
    period: int
    added: int = 0
    unchanged: int = 0
    attachments: int = 0
    not_in_package: list[int] = field(default_factory=list)  # the lead's numbers of this partner's period it lacks
    dry_run: bool = False


def attachments_folder(store: Store) -> Path | None:
    """Attachment references are paths relative to `attachments/` beside the database."""
    return store.path.parent / "attachments" if store.path is not None else None


def export_package(store: Store, code: str, partner: str, period: int, out: Path,
                   attachments: Path | None = None) -> ExportedPackage:
    """Write one partner's expenditure of one period, with the attachment files found, as one package file."""
    definition = store.projects.definition(code)
    if definition.partner(partner) is None:
        raise NotFound(problem("partner", "partner.unknown", project=code, partner=partner))
    found_period = definition.period(period)
    if found_period is None:
        raise NotFound(problem("period", "period.unknown", project=code, number=period))
    expenditures = store.expenditures.of_period(store.projects.ids(code).project, period, partner)
    folder = attachments if attachments is not None else attachments_folder(store)
    files: dict[str, bytes] = {}
    missing: list[str] = []
    for e in expenditures:
        for reference in e.attachments:
            try:
                name = safe_name(reference)
            except UserError:
                missing.append(reference)
                continue
            path = folder / name if folder is not None else None
            if path is not None and path.is_file():
                files[name] = path.read_bytes()
            else:
                missing.append(reference)
    p, who = definition.project, definition.partner(partner)
    header = {
        "format": FORMAT,
        "program": f"Grant Reporter {__version__}",
        "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "project": {"code": p.code, "title": p.title, "currency": p.currency, "start": p.start.isoformat(),
                    "end": p.end.isoformat()},
        "partner": {"code": partner, "name": who.name},  # type: ignore[union-attr]
        "period": {"number": period, "start": found_period.start.isoformat(), "end": found_period.end.isoformat()},
        "references": _references(expenditures),
    }
    records = [{"id": e.id, "number": e.number, "fields": fields_of(e)} for e in expenditures]
    data = write_package(PackageContent(header, records, files))
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, out)
    return ExportedPackage(out, sha256(data), code, partner, period, len(records), len(files), missing)


def _references(expenditures: list[Expenditure]) -> dict[str, list[str]]:
    """The codes the records name: the lead's project must know every one."""
    return {"budget_lines": sorted({e.budget_line for e in expenditures}),
            "activities": sorted({e.activity for e in expenditures if e.activity}),
            "funders": sorted({p.funder for e in expenditures for p in e.payers})}


def import_package(store: Store, path: Path, attachments: Path | None = None,
                   dry_run: bool = False) -> MergeResult:
    """Merge a package into this database; all of it, or (with a list of reasons) nothing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError(problem(path.name, "file.does_not_exist", file=str(path))) from None
    content = read_package(data, path.name)
    header = content.header
    try:
        code, partner, number = header["project"]["code"], header["partner"]["code"], int(header["period"]["number"])
        start, end = header["period"]["start"], header["period"]["end"]
    except (KeyError, TypeError, ValueError):
        raise UserError(problem(path.name, "package.unreadable", detail="package.json lacks the project, partner "
                                                                      "or period")) from None
    definition = store.projects.definition(code)
    ids = store.projects.ids(code)
    if definition.partner(partner) is None:
        raise Conflict(problem(path.name, "package.reference", what="partner", code=repr(partner), project=code))
    period = definition.period(number)
    if period is None:
        raise Conflict(problem(path.name, "package.reference", what="period", code=str(number), project=code))
    if (period.start.isoformat(), period.end.isoformat()) != (start, end):
        raise Conflict(problem(path.name, "package.period_dates", number=number, start=start, end=end,
                               here_start=period.start, here_end=period.end))
    if period.submitted:
        raise Conflict(problem(path.name, "package.period_submitted", number=number, project=code))

    records, problems = _checked(content, definition, partner, number, store)
    if problems:
        raise ValidationError(problems, problem(path.name, "package.problems", count=len(problems)))
    existing = store.expenditures.by_ids([e.id for e in records])
    conflicts: list[Problem] = []
    new: list[Expenditure] = []
    result = MergeResult(code, partner, number, dry_run=dry_run)
    for e in records:
        here = existing.get(e.id)
        if here is None:
            new.append(e)
        elif here[0] != ids.project or here[1].partner != partner:
            conflicts.append(problem(f"expenditure {e.id}", "package.other_partner", id=e.id,
                                     partner=here[1].partner if here[0] == ids.project else "(another project)"))
        else:
            differing = [k for k, v in fields_of(e).items() if fields_of(here[1])[k] != v]
            if differing:
                conflicts.append(problem(f"#{here[1].number}", "package.conflict", id=e.id,
                                         document=f"{e.supplier} {e.document_no}", fields=", ".join(differing)))
            else:
                result.unchanged += 1
    folder = attachments if attachments is not None else attachments_folder(store)
    written = _attachment_plan(content.attachments, folder, conflicts)
    if conflicts:
        raise ValidationError(conflicts, problem(path.name, "package.conflicts", count=len(conflicts)))
    packaged = {e.id for e in records}
    result.not_in_package = [e.number for e in store.expenditures.of_period(ids.project, number, partner)
                             if e.id not in packaged]
    result.added = len(new)
    result.attachments = len(written)
    if dry_run or (not new and not written):
        return result
    created: list[Path] = []
    try:
        for target, data_bytes in written.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data_bytes)
            created.append(target)
        with store.transaction():
            store.expenditures.insert_many(ids, new, keep_ids=True)
    except BaseException:
        for target in created:  # the files of a merge that did not happen go too
            target.unlink(missing_ok=True)
        raise
    return result


def _checked(content: PackageContent, definition: ProjectDefinition, partner: str, period: int,
             store: Store) -> tuple[list[Expenditure], list[Problem]]:
    """Each record read and checked as a typed entry of the lead's project; every problem at its record."""
    records: list[Expenditure] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, record in enumerate(content.expenditures, 1):
        where = f"expenditures[{i}]"
        fields, identity = record.get("fields"), record.get("id")
        if not isinstance(fields, dict) or not isinstance(identity, str) or not identity or identity in seen:
            problems.append(problem(where, "package.unreadable", detail="a record without fields or a unique id"))
            continue
        seen.add(identity)
        fields = {k: str(v) for k, v in fields.items()}
        if fields.get("partner") != partner or fields.get("period") != str(period):
            problems.append(problem(where, "package.wrong_partner", id=identity, partner=fields.get("partner", ""),
                                    package_partner=f"{partner} ({period})"))
            continue
        draft, found = parse_expenditure_fields(fields)
        if draft is None:
            found += reference_problems(fields, definition)
            problems += [problem_at(p, where) for p in found]
            continue
        expenditure, found = complete_expenditure(draft, definition, store.rates.get)
        if found:
            problems += [problem_at(p, where) for p in found]
            continue
        records.append(replace(expenditure, id=identity))  # type: ignore[arg-type]
    return records, problems


def problem_at(found: Problem, where: str) -> Problem:
    return replace(found, where=f"{where}.{found.where}" if found.where else where)


def _attachment_plan(files: dict[str, bytes], folder: Path | None, conflicts: list[Problem]) -> dict[Path, bytes]:
    """The attachment files to write: new ones; one already there with the same bytes is kept; with other bytes, a
    conflict."""
    if folder is None or not files:
        return {}
    wanted: dict[Path, bytes] = {}
    for name, data in files.items():
        target = folder / safe_name(name)
        if target.exists():
            if target.read_bytes() != data:
                conflicts.append(problem(name, "package.attachment_conflict", name=repr(name)))
            continue
        wanted[target] = data
    return wanted
