"""Evidence bundles: one period's report and everything an auditor checks it against, in one ZIP file.

The bundle holds the report as PDF and workbook and the data set they were drawn
from (for a submitted period: the snapshot kept at submission, so the files are
the submitted ones), the period's expenditure as CSV, the attachment files found
for those costs, the findings of the checks, and `manifest.json`: the SHA-256 of
every file, of the submitted snapshot and of the files recorded at submission.
`SHA256SUMS` repeats the hashes as `sha256sum -c` reads them, so the files can be
checked without this program; the ZIP comment seals the archive's bytes as a
partner package's does, so `verify_bundle` finds a changed byte anywhere.

The same database gives the same bytes: members in a fixed order with fixed
times and attributes, nothing in the manifest that depends on the day or the
machine. Two things make bytes differ all the same, and the manifest says so: an
open period's report carries the day it is made (and the payment position of that
day), and a submitted report rendered again by another version of the program can
differ from the file submitted (its data, the snapshot, is still the same).

The hashes carry no secret: they show that a file was changed, not who made it.
What ties a bundle to the submitted report is a hash kept outside it: the ones
`grant-reporter submit` printed, or the file the funder received.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Iterator

from reporter import __version__
from reporter.domain.attachments import kept_file
from reporter.domain.checks import ERROR, Finding
from reporter.domain.errors import Problem, UserError, problem
from reporter.domain.messages import Message
from reporter.domain.model import Expenditure
from reporter.domain.money import ZERO, plain
from reporter.domain.validation import EXPENDITURE_FIELDS
from reporter.files import StorageError, atomic_file
from reporter.i18n import finding_text, rule_name
from reporter.importers.package import safe_name
from reporter.reports.build import labels_for, report_identifier
from reporter.reports.model import to_json
from reporter.services.attachments import sha256_of
from reporter.services.checks import check_project
from reporter.services.expenditures import fields_of
from reporter.services.packages import attachments_folder
from reporter.services.reports import FORMATS, _language, _only_partner, render, report_data, stored_hashes
from reporter.store import Store
from reporter.templates import load_template

FORMAT = "grant-reporter-bundle/1"
MANIFEST, SUMS = "manifest.json", "SHA256SUMS"
REPORT = {fmt: f"report.{fmt}" for fmt in FORMATS}
REPORT_DATA, EXPENDITURE, FINDINGS_JSON, FINDINGS_TEXT = (
    "report-data.json", "expenditure.csv", "findings.json", "findings.txt")
ATTACHMENTS = "attachments/"
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # every entry's time: the same data, the same bytes
_SEAL = b"grant-reporter-bundle sha256="
_SEAL_LENGTH = len(_SEAL) + 64
_CHUNK = 1 << 20

# The CSV's columns: the row of the report's list, the internal number and the stable id; the expenditure's fields
# but the accountant's internal notes (not evidence); the amounts in the project's currency.
CSV_COLUMNS = ("no", "number", "id", *(f for f in EXPENDITURE_FIELDS if f != "notes"), "eligible_project_currency",
               "eligible_vat_project_currency")
# CSV columns holding a number, written with the language's decimal separator (Excel reads them as numbers).
_NUMBERS = ("gross", "vat", "eligible", "rate", "project_rate", "units", "eligible_project_currency",
            "eligible_vat_project_currency")
# Characters that make a spreadsheet read a text cell as a formula; such a cell gets Excel's leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel opens a CSV with the separators of the computer's language: ';' and ',' in Lithuania and Latvia.
_CSV_SEPARATORS = {"en": (",", "."), "lt": (";", ","), "lv": (";", ",")}

REPRODUCIBLE = ("The same database gives a byte-identical bundle with the same version of the program. An open "
                "period's report carries the day it was made (and the payment position of that day), so its bundle "
                "differs from day to day; a submitted period's report is rendered from the submitted snapshot.")
VERIFY = ("Unpack the bundle and run 'sha256sum -c SHA256SUMS' in its folder, or run 'grant-reporter bundle "
          "--verify FILE.zip' (which also checks the seal over the whole ZIP). Compare submission.recorded with "
          "the hashes 'grant-reporter submit' printed, or with the SHA-256 of the file the funder received.")


@dataclass(frozen=True)
class AttachmentFile:
    member: str  # its name in the bundle
    path: Path
    references: tuple[str, ...]  # as the expenditures name it
    expenditures: tuple[int, ...]  # the internal numbers of the costs that name it


@dataclass(frozen=True)
class MissingAttachment:
    reference: str
    expenditures: tuple[int, ...]  # the internal numbers of the costs that name it
    # "not-found"; "changed": a kept file whose content is no longer the one attached; "not-a-file-name": an
    # absolute path or one leaving the folder; "no-folder": a database in memory
    reason: str


@dataclass(frozen=True)
class Bundle:
    path: Path
    sha256: str
    size: int
    project: str
    period: int
    partner: str | None  # None: the consolidated project report
    lang: str
    submitted: bool
    report_from_snapshot: bool
    report_is_submitted: bool | None  # the report files' hashes are those recorded at submission; None: not submitted
    expenditures: int
    attachments: int
    missing_attachments: list[MissingAttachment]
    findings: int
    errors: int
    files: int  # members listed in the manifest


@dataclass(frozen=True)
class Verification:
    path: Path
    files: int  # members whose hash was checked
    problems: list[Problem]
    project: str = ""
    period: int | None = None
    submitted: bool = False
    report_is_submitted: bool | None = None
    snapshot_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def make_bundle(store: Store, code: str, period: int, out: Path, partner: str | None = None,
                funder: str | None = None, lang: str | None = None, attachments: Path | None = None,
                today: date | None = None) -> Bundle:
    """Write the evidence bundle of one report of one period to `out`: whole, or (on any error) not at all."""
    if out.is_dir():
        raise UserError(problem("out", "bundle.out_is_folder", path=str(out)))
    if not out.parent.is_dir():  # a typing mistake, not a folder to create
        raise StorageError(problem("out", "storage.no_such_folder", file=str(out)))
    with atomic_file(out) as temporary, open(temporary, "w+b") as file:
        written = _write(store, code, period, file, partner, funder, lang, attachments, today)
        sealed = _seal(file)
        size = file.tell()
    return replace(written, path=out, sha256=sealed, size=size)


def bundle_name(store: Store, code: str, period: int, partner: str | None = None, funder: str | None = None,
                lang: str | None = None) -> str:
    """The file name a bundle is offered under: its report's identifier (as the report's files are named) and
    "-bundle.zip", e.g. `LLI-537-P2-project-interreg-lv-lt-2014-2020-lt-bundle.zip`."""
    definition = store.projects.definition(code)
    template = definition.project.template
    return report_identifier(code, period, partner or _only_partner(definition), template,
                             _language(load_template(template).languages, lang), funder) + "-bundle.zip"


def _write(store: Store, code: str, period: int, file: IO[bytes], partner: str | None, funder: str | None,
           lang: str | None, attachments: Path | None, today: date | None) -> Bundle:
    """Every member into the archive, the manifest last; the seal's place is left for `_seal`."""
    definition = store.projects.definition(code)
    data, from_snapshot = report_data(store, code, period, partner, None, lang, funder, today)
    partner = partner or _only_partner(definition)
    project_id = store.projects.ids(code).project
    submitted = definition.period(period).submitted  # type: ignore[union-attr]
    snapshot = store.reports.snapshot(project_id, period, partner, data.template, data.lang) if submitted else None
    expenditures = store.expenditures.of_period(project_id, period, partner)
    findings = check_project(store, code, partner, period).findings
    found, missing = _attachments(expenditures, attachments if attachments is not None else attachments_folder(store))
    hashes: dict[str, str] = {}
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive, tempfile.TemporaryDirectory() as work:
        for fmt, name in REPORT.items():
            render(data, fmt, Path(work) / name)
            hashes[name] = _add_file(archive, name, Path(work) / name)
        data_json = snapshot if from_snapshot and snapshot is not None else to_json(data)
        hashes[REPORT_DATA] = _add(archive, REPORT_DATA, data_json.encode("utf-8"))
        hashes[EXPENDITURE] = _add(archive, EXPENDITURE, expenditure_csv(expenditures, data.lang))
        hashes[FINDINGS_JSON] = _add(archive, FINDINGS_JSON, _json([_finding_json(f, data.lang) for f in findings]))
        hashes[FINDINGS_TEXT] = _add(archive, FINDINGS_TEXT, _findings_text(findings, data.template, data.lang))
        for attached in found:
            hashes[attached.member] = _add_file(archive, attached.member, attached.path)
        submission = None
        if submitted:
            recorded = {fmt: digest for who, in_lang, fmt, digest in stored_hashes(store, code, period)
                        if who == (partner or "") and in_lang == data.lang}
            submission = _submission(snapshot, recorded, hashes, from_snapshot)
        errors = sum(f.severity == ERROR for f in findings)
        who, dates = definition.partner(partner) if partner else None, definition.period(period)
        manifest = _json({
            "format": FORMAT,
            "program": f"Grant Reporter {__version__}",
            "project": {"code": code, "title": definition.project.title, "currency": definition.project.currency},
            "partner": {"code": who.code, "name": who.name} if who else None,
            "period": {"number": period, "start": dates.start.isoformat(),  # type: ignore[union-attr]
                       "end": dates.end.isoformat(),  # type: ignore[union-attr]
                       "status": "submitted" if submitted else "not submitted"},
            "report": {"template": data.template, "lang": data.lang, "funder": funder, "files": dict(REPORT),
                       "data": REPORT_DATA, "from_snapshot": from_snapshot},
            "submission": submission,
            "expenditure": _csv_description(expenditures, data.lang),
            "attachments": {"included": [{"file": a.member, "references": list(a.references),
                                          "expenditures": list(a.expenditures)} for a in found],
                            "missing": [{"reference": m.reference, "expenditures": list(m.expenditures),
                                         "reason": m.reason} for m in missing]},
            "findings": {"json": FINDINGS_JSON, "text": FINDINGS_TEXT, "count": len(findings), "errors": errors,
                         "note": "the contract checks of the period as run when the bundle was made"},
            "reproducible": REPRODUCIBLE,
            "verify": VERIFY,
            "files": hashes,
        })
        _add(archive, MANIFEST, manifest)
        _add(archive, SUMS, sums_text({**hashes, MANIFEST: _sha256(manifest)}))
        archive.comment = _SEAL + b"0" * 64  # replaced by the seal once every other byte is written
    return Bundle(Path(), "", 0, code, period, partner, data.lang, submitted, from_snapshot,
                  submission["report_is_submitted"] if submission else None, len(expenditures), len(found), missing,
                  len(findings), errors, len(hashes))


def _submission(snapshot: str | None, recorded: dict[str, str], hashes: dict[str, str],
                from_snapshot: bool) -> dict[str, Any]:
    """What the bundle can say about the submitted report, and why where it cannot say it is that report."""
    same = bool(recorded) and all(hashes[REPORT[fmt]] == recorded.get(fmt) for fmt in FORMATS)
    if same:
        note = "report.pdf and report.xlsx are the files recorded at submission"
    elif snapshot is None:
        note = "no report in this partner and language was kept at submission"
    elif not from_snapshot:
        note = "the report is addressed to another funder than the submitted one: rendered from the current data"
    else:
        note = ("rendered from the submitted snapshot, but not to the bytes recorded at submission (another "
                "version of the program); report-data.json is the submitted data")
    return {"snapshot_sha256": _sha256(snapshot.encode("utf-8")) if snapshot is not None else None,
            "recorded": {REPORT[fmt]: recorded[fmt] for fmt in FORMATS if fmt in recorded},
            "report_is_submitted": same, "note": note}


# --- members ----------------------------------------------------------------------------------------------------

def _info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # the same bytes whichever system writes it
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> str:
    archive.writestr(_info(name), data)
    return _sha256(data)


def _add_file(archive: zipfile.ZipFile, name: str, path: Path) -> str:
    """Copy a file into the archive a chunk at a time (attachments can be large), hashing what is copied."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    with open(path, "rb") as source, archive.open(_info(name), "w", force_zip64=size > zipfile.ZIP64_LIMIT) as target:
        for chunk in iter(lambda: source.read(_CHUNK), b""):
            digest.update(chunk)
            target.write(chunk)
    return digest.hexdigest()


def _seal(file: IO[bytes]) -> str:
    """Write the SHA-256 of every byte before the seal into the archive's comment; the whole file's SHA-256."""
    file.seek(0, os.SEEK_END)
    end = file.tell()
    body = hashlib.sha256()
    file.seek(0)
    for chunk in _chunks(file, end - 64):
        body.update(chunk)
    file.seek(end - 64)
    file.write(body.hexdigest().encode("ascii"))
    file.seek(0)
    whole = hashlib.sha256()
    for chunk in _chunks(file, end):
        whole.update(chunk)
    return whole.hexdigest()


def _chunks(file: IO[bytes], length: int) -> Iterator[bytes]:
    while length > 0:
        chunk = file.read(min(_CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def sums_text(hashes: dict[str, str]) -> bytes:
    """The hashes as `sha256sum -c` reads them."""
    return "".join(f"{digest}  {name}\n" for name, digest in sorted(hashes.items())).encode("utf-8")


# --- attachments ------------------------------------------------------------------------------------------------

def _attachments(expenditures: list[Expenditure],
                 folder: Path | None) -> tuple[list[AttachmentFile], list[MissingAttachment]]:
    """The attachment files found, each once, and the references without their file."""
    costs: dict[str, set[int]] = {}
    for e in expenditures:
        for reference in e.attachments:
            costs.setdefault(reference, set()).add(e.number)
    found: dict[str, tuple[Path, list[str], set[int]]] = {}
    missing = []
    for reference, numbers in sorted(costs.items()):
        located = _locate(reference, folder)
        if isinstance(located, str):
            missing.append(MissingAttachment(reference, tuple(sorted(numbers)), located))
            continue
        name, path = located
        _, references, all_numbers = found.setdefault(ATTACHMENTS + name, (path, [], set()))
        references.append(reference)
        all_numbers.update(numbers)
    return [AttachmentFile(member, path, tuple(references), tuple(sorted(numbers)))
            for member, (path, references, numbers) in sorted(found.items())], missing


def _locate(reference: str, folder: Path | None) -> tuple[str, Path] | str:
    """Where a reference's file is (its name inside the bundle's attachments, its path), or why it is not there.

    A file the program keeps is stored under the hash its reference names, and is only that file while its
    content has that hash; any other reference is a path relative to the attachments folder.
    """
    if folder is None:
        return "no-folder"
    kept = kept_file(reference)
    if kept is not None:
        path = folder / kept.stored_name
        if not path.is_file():
            return "not-found"
        return (kept.stored_name, path) if sha256_of(path) == kept.sha256 else "changed"
    try:
        name = safe_name(reference)
    except UserError:
        return "not-a-file-name"
    return (name, folder / name) if (folder / name).is_file() else "not-found"


# --- the expenditure list ---------------------------------------------------------------------------------------

def expenditure_csv(expenditures: list[Expenditure], lang: str) -> bytes:
    """The period's expenditure as Excel opens it in `lang`: UTF-8 with a BOM, its separators, numbers as numbers.

    The columns are named as the program names the fields (`expense add`, `import`): see `CSV_COLUMNS`.
    """
    delimiter, decimal = _CSV_SEPARATORS[lang]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row, e in enumerate(expenditures, 1):
        fields = {"no": str(row), "number": str(e.number), "id": e.id, **fields_of(e),
                  "eligible_project_currency": plain(e.eligible_project_currency),
                  "eligible_vat_project_currency": plain(e.eligible_vat_project_currency)}
        writer.writerow([fields[k].replace(".", decimal) if k in _NUMBERS else _text(fields[k])
                         for k in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _text(value: str) -> str:
    """User text never becomes a formula when the file is opened in a spreadsheet."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_description(expenditures: list[Expenditure], lang: str) -> dict[str, Any]:
    delimiter, decimal = _CSV_SEPARATORS[lang]
    return {"file": EXPENDITURE, "rows": len(expenditures), "encoding": "UTF-8 with BOM", "delimiter": delimiter,
            "decimal_separator": decimal,
            "eligible_project_currency_total": plain(sum((e.eligible_project_currency for e in expenditures), ZERO)),
            "note": "text beginning with = + - @ is written after an apostrophe, so a spreadsheet shows it as text"}


# --- findings ---------------------------------------------------------------------------------------------------

def _finding_json(finding: Finding, lang: str) -> dict[str, Any]:
    return {"rule": finding.rule, "rule_name": rule_name(finding.rule, lang), "severity": finding.severity,
            "message": finding.message, "message_in_language": finding_text(finding, lang),
            "message_id": finding.message_id, "params": {k: _param(v) for k, v in finding.params.items()},
            "partner": finding.partner, "funder": finding.funder, "budget_line": finding.budget_line,
            "period": finding.period, "expected": _param(finding.expected), "actual": _param(finding.actual),
            "records": list(finding.records), "record_numbers": list(finding.record_numbers)}


def _param(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message_id": value.id, "params": {k: _param(v) for k, v in value.params.items()}}
    if isinstance(value, tuple):
        return [_param(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return str(value)
    return value


def _findings_text(findings: list[Finding], template: str, lang: str) -> bytes:
    words = labels_for(load_template(template), lang)
    if not findings:
        return (str(words["no_findings"]) + "\n").encode("utf-8")
    lines = []
    for f in findings:
        records = f"  [{', '.join(f'#{n}' for n in f.record_numbers)}]" if f.record_numbers else ""
        lines.append(f"{words[f.severity]}: {rule_name(f.rule, lang)}: {finding_text(f, lang)}{records}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- verification -----------------------------------------------------------------------------------------------

def verify_bundle(path: Path) -> Verification:
    """Check a bundle as an auditor would, needing nothing but the file: the seal, every member's hash against
    the manifest, and (for a submitted period) the report and its data against the hashes of the submission."""
    try:
        with open(path, "rb") as file:
            sealed = _seal_holds(file)
            if sealed is None:
                raise UserError(problem(path.name, "bundle.unreadable", detail="no bundle seal at its end"))
            problems = [] if sealed else [problem(path.name, "bundle.tampered")]
            try:
                with zipfile.ZipFile(file) as archive:
                    return _verify_members(path, archive, problems)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
                raise UserError(problem(path.name, "bundle.unreadable", detail=str(error)[:200])) from None
    except FileNotFoundError:
        raise UserError(problem(path.name, "file.does_not_exist", file=str(path))) from None
    except OSError as error:  # a folder, no permission
        raise UserError(problem(path.name, "bundle.unreadable", detail=error.strerror or str(error))) from None


def _seal_holds(file: IO[bytes]) -> bool | None:
    """Whether the seal matches the bytes before it; None when the file has no seal."""
    end = file.seek(0, os.SEEK_END)
    if end < _SEAL_LENGTH:
        return None
    file.seek(end - _SEAL_LENGTH)
    tail = file.read()
    if tail[:-64] != _SEAL:
        return None
    file.seek(0)
    body = hashlib.sha256()
    for chunk in _chunks(file, end - 64):
        body.update(chunk)
    return body.hexdigest().encode("ascii") == tail[-64:]


def _verify_members(path: Path, archive: zipfile.ZipFile, problems: list[Problem]) -> Verification:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (KeyError, UnicodeDecodeError, json.JSONDecodeError, zipfile.BadZipFile) as error:
        raise UserError(problem(path.name, "bundle.unreadable", detail=f"{MANIFEST}: {error}"[:200])) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"),
                                                                                              dict):
        raise UserError(problem(path.name, "bundle.unreadable", detail=f"{MANIFEST} is not a bundle manifest"))
    listed: dict[str, str] = manifest["files"]
    members = [info.filename for info in archive.infolist()]
    actual: dict[str, str] = {}
    for name in members:
        if name in (MANIFEST, SUMS):
            continue
        if name not in listed:
            problems.append(problem(name, "bundle.unlisted", member=repr(name)))
            continue
        try:
            actual[name] = _member_hash(archive, name)
        except zipfile.BadZipFile:  # its bytes no longer match the CRC the ZIP keeps
            actual[name] = ""
        if actual[name] != listed[name]:
            problems.append(problem(name, "bundle.changed", member=repr(name)))
    problems += [problem(name, "bundle.member_missing", member=repr(name)) for name in sorted(listed)
                 if name not in members]
    sums = sums_text({**listed, MANIFEST: _sha256(archive.read(MANIFEST))})
    if SUMS not in members or archive.read(SUMS) != sums:
        problems.append(problem(SUMS, "bundle.changed", member=repr(SUMS)))
    submission = manifest.get("submission")
    project, period = manifest.get("project", {}).get("code", ""), manifest.get("period", {}).get("number")
    if not isinstance(submission, dict):
        return Verification(path, len(actual), problems, project, period)
    for fmt, name in REPORT.items():
        recorded = submission.get("recorded", {}).get(name)
        if recorded is not None and actual.get(name) != recorded:
            problems.append(problem(name, "bundle.not_submitted", member=repr(name), period=period,
                                    recorded=recorded))
    snapshot = submission.get("snapshot_sha256")
    if manifest.get("report", {}).get("from_snapshot") and actual.get(REPORT_DATA) != snapshot:
        problems.append(problem(REPORT_DATA, "bundle.not_snapshot", member=repr(REPORT_DATA), snapshot=snapshot))
    matches = bool(submission.get("recorded")) and all(actual.get(name) == submission["recorded"].get(name)
                                                       for name in REPORT.values())
    return Verification(path, len(actual), problems, project, period, True, matches, snapshot)


def _member_hash(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        for chunk in iter(lambda: member.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
