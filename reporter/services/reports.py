"""Funder reports: build the data set, write the PDF and the workbook, submit a period.

A submitted period keeps a snapshot of each of its reports' data sets and the
SHA-256 of the files made from it; the same report is later rendered from the
snapshot, so it stays identical however the data of later periods changes.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Sequence

from reporter.crash_points import crash_point
from reporter.domain.checks import ERROR
from reporter.domain.conversion import funder_rates
from reporter.domain.errors import Conflict, NotFound, Problem, UserError, not_one_of, problem
from reporter.domain.model import FundingAgreement, ProjectDefinition
from reporter.domain.payments import grant_funds, payment_positions
from reporter.domain.subgrants import sub_grant_positions
from reporter.files import atomic_file
from reporter.reports.build import ReportInput, build_report, in_funder_currency, report_identifier
from reporter.reports.model import ReportData, from_json, to_json
from reporter.services.checks import check_project, financing_and_findings
from reporter.services.controls import partner_controls
from reporter.services.maintenance import automatic_backup
from reporter.store import Store
from reporter.store.database import now
from reporter.templates import load_template

FORMATS = ("pdf", "xlsx")


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    format: str
    sha256: str
    from_snapshot: bool  # rendered from the data stored when the period was submitted, and identical to that file
    submitted_sha256: str | None = None  # the SHA-256 the submission recorded for this file, when there is one

    @property
    def differs_from_submission(self) -> bool:
        """A submitted report rendered again that is not the file submitted: its stored data or the program changed."""
        return self.submitted_sha256 is not None and self.submitted_sha256 != self.sha256


@dataclass(frozen=True)
class Submission:
    period: int
    snapshots: int
    files: list[tuple[str, str, str, str]]  # partner (or ""), lang, format, sha256
    forced_errors: int = 0  # open errors the submission went ahead with


def report_data(store: Store, code: str, period: int, partner: str | None = None, template_id: str | None = None,
                lang: str | None = None, funder: str | None = None, today: date | None = None) -> tuple[ReportData, bool]:
    """The report's data set, and whether it comes from the snapshot of a submitted period."""
    definition = store.projects.definition(code)
    template = load_template(template_id or definition.project.template)
    lang = _language(template.languages, lang)
    _require(definition, period, partner)
    partner = partner or _only_partner(definition)
    submitted = definition.period(period).submitted  # type: ignore[union-attr]
    stored = store.reports.snapshot(store.projects.ids(code).project, period, partner, template.id, lang)
    if submitted and stored is not None and funder is None:
        return from_json(stored), True
    return _build(store, definition, template.id, lang, period, partner, funder, today or date.today()), False


def _build(store: Store, definition: ProjectDefinition, template_id: str, lang: str, period: int,
           partner: str | None, funder: str | None, today: date) -> ReportData:
    code = definition.project.code
    project_id = store.projects.ids(code).project
    data, findings = financing_and_findings(store, code, partner, period)
    template = load_template(template_id)
    sections = set(template.report.sections) | set(template.report.consolidated_sections)
    addressed = _funder(definition, partner, funder)
    rates = funder_rates(definition, addressed, store.rates.get) if addressed else None
    if isinstance(rates, Problem):
        raise UserError(rates)
    report = build_report(ReportInput(
        definition=data.definition,  # the agreements' amounts in the project's currency, as the engine has them
        template=template,
        lang=lang,
        period=period,
        partner=partner,
        funder=_funder(data.definition, partner, funder),
        financing=data.financing,
        expenditures=store.expenditures.of_period(project_id, period, partner),
        findings=findings,
        positions=payment_positions(data.financing, data.payments, period, paid_by=today),
        plan_costs=store.analysis.costs(project_id, partner, period) if "activity_plan" in sections else [],
        sub_grants=sub_grant_positions(data.financing, store.sub_grants.list(project_id), period)
        if "sub_grants" in sections and partner is None else [],
        in_kind_costs=store.analysis.costs(project_id, partner, period, in_kind_only=True)
        if any(a.in_kind for a in definition.funding) else [],
        generated=today,
        funder_rates=rates,
        explanations={x.line: x.text for x in store.explanations.list(project_id, period)
                      if x.partner == partner and x.line},
        plan_explanations=_plan_explanations(store, definition, period, partner) if "activity_plan" in sections
        else {},
        funds=grant_funds(data.financing, data.payments, period) if "funds" in sections else [],
        controls=partner_controls(definition, store.controls.list(project_id, period), period)
        if "partner_reports" in sections else [],
    ))
    if funder:
        report = replace(report, identifier=report_identifier(code, period, partner, template.id, lang, funder))
    return in_funder_currency(report, rates) if rates else report


def _plan_explanations(store: Store, definition: ProjectDefinition, period: int,
                       partner: str | None) -> dict[tuple[int, str], str]:
    """The explanations of activities' deviations from their plan, by year and activity: each given in the report
    of a period up to this one, for the years that period reports on (a later one's words replace an earlier's)."""
    found: dict[tuple[int, str], str] = {}
    for x in store.explanations.list(store.projects.ids(definition.project.code).project):  # in period order
        reported = definition.period(x.period)
        if x.activity and x.partner == partner and x.period <= period and reported is not None:
            found.update({(year, x.activity): x.text for year in reported.years})
    return found


def write_report(store: Store, code: str, period: int, out_dir: Path, partner: str | None = None,
                 template_id: str | None = None, lang: str | None = None, formats: Sequence[str] = FORMATS,
                 funder: str | None = None, today: date | None = None) -> list[WrittenFile]:
    """Write the report's files into `out_dir`; their names say project, period, partner, template and language."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UserError(problem("format", "format.unknown", formats=", ".join(unknown), choices=", ".join(FORMATS))
                        if unknown else problem("format", "format.none", choices=", ".join(FORMATS)))
    partner = partner or _only_partner(store.projects.definition(code))
    data, from_snapshot = report_data(store, code, period, partner, template_id, lang, funder, today)
    stem = data.identifier or report_identifier(code, period, partner, data.template, data.lang)  # older snapshots
    submitted = {fmt: digest for p, lang_, fmt, digest in stored_hashes(store, code, period)
                 if p == (partner or "") and lang_ == data.lang} if from_snapshot else {}
    written = []
    for fmt in formats:
        path = out_dir / f"{stem}.{fmt}"
        with atomic_file(path) as temporary:  # a crash or a full disk leaves no truncated report under its name
            render(data, fmt, temporary)
        digest = sha256(path)
        written.append(WrittenFile(path, fmt, digest, from_snapshot and submitted.get(fmt) == digest,
                                   submitted.get(fmt)))
    return written


def render(data: ReportData, fmt: str, path: Path) -> None:
    """Draw a data set as PDF or XLSX (the renderers load reportlab/openpyxl only when needed)."""
    if fmt == "pdf":
        from reporter.reports.pdf import render_pdf

        render_pdf(data, path)
    else:
        from reporter.reports.xlsx import render_xlsx

        render_xlsx(data, path)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def submit_period(store: Store, code: str, period: int, today: date | None = None, force: bool = False) -> Submission:
    """Lock a period and keep, for each of its reports, the data set and the hashes of its files.

    The reports kept are the project template's partner reports and the
    consolidated one, in each language of the template. The reading, the
    snapshots, the lock and the seal of the period are one write transaction:
    an expenditure saved by another window at the same moment is either in the
    submitted reports or refused as locked, never in between. The files are
    rendered before the transaction; if the data changed meanwhile they are
    rendered again inside it. The database is backed up first. A period with
    open errors is only submitted with `force`, and the lock says so.
    """
    definition = store.projects.definition(code)
    _require_submittable(definition, code, period)
    errors = [f for f in check_project(store, code, period=period, with_records=False).findings if f.severity == ERROR]
    if errors and not force:
        raise Conflict(problem("", "period.open_errors", number=period, count=len(errors),
                               errors="; ".join(f.message for f in errors[:5]) + (" …" if len(errors) > 5 else "")))
    template = load_template(definition.project.template)
    today = today or date.today()
    automatic_backup(store, "before-submit")
    languages = template.languages
    prepared = _prepared_reports(store, definition, template.id, languages, period, today, with_files=True)
    with store.transaction():
        definition = store.projects.definition(code)  # as it is now, under the write lock
        _require_submittable(definition, code, period)
        current = _prepared_reports(store, definition, template.id, languages, period, today, with_files=False)
        if [item[:3] for item in current] != [item[:3] for item in prepared]:  # changed meanwhile: render again
            prepared = _prepared_reports(store, definition, template.id, languages, period, today, with_files=True)
        ids = store.projects.ids(code)
        for partner, lang, data_json, hashes in prepared:
            store.reports.save_snapshot(ids, period, partner, template.id, lang, data_json, hashes)
        crash_point("submit.snapshots-saved")
        store.projects.set_period_status(ids.project, period, "submitted", now(),
                                         note=f"submitted with {len(errors)} open error(s)" if errors else "")
        crash_point("submit.before-commit")
    return Submission(period, len(prepared), [(partner or "", lang, fmt, digest)
                                              for partner, lang, _, hashes in prepared
                                              for fmt, digest in hashes.items()], len(errors))


def _require_submittable(definition: ProjectDefinition, code: str, period: int) -> None:
    _require(definition, period, None)
    if definition.period(period).submitted:  # type: ignore[union-attr]
        raise Conflict(problem("", "period.already_submitted", number=period, project=code))


def _prepared_reports(store: Store, definition: ProjectDefinition, template_id: str, languages: Sequence[str],
                      period: int, today: date, with_files: bool) -> list[tuple[str | None, str, str, dict[str, str]]]:
    """(partner, lang, data set as JSON, file hashes) of each report a submission keeps; the files only `with_files`."""
    partners = [p.code for p in definition.partners] if _only_partner(definition) else \
        [None, *(p.code for p in definition.partners)]
    prepared = []
    with tempfile.TemporaryDirectory() as folder:
        for partner in partners:
            for lang in languages:
                data = _build(store, definition, template_id, lang, period, partner, None, today)
                hashes = {}
                for fmt in FORMATS if with_files else ():
                    path = Path(folder) / f"report.{fmt}"
                    render(data, fmt, path)
                    hashes[fmt] = sha256(path)
                prepared.append((partner, lang, to_json(data), hashes))
    return prepared


def stored_hashes(store: Store, code: str, period: int) -> list[tuple[str, str, str, str]]:
    """(partner, lang, format, sha256) of every report file kept when the period was submitted."""
    return store.reports.hashes(store.projects.ids(code).project, period)


def _only_partner(definition: ProjectDefinition) -> str | None:
    """A project of one partner has no consolidated report: its report is that partner's."""
    return definition.partners[0].code if len(definition.partners) == 1 else None


def _language(languages: Sequence[str], lang: str | None) -> str:
    if lang is None:
        return languages[0]
    if lang not in ("en", "lt", "lv"):
        raise UserError(not_one_of("lang", lang, ("en", "lt", "lv")))
    return lang


def _require(definition: ProjectDefinition, period: int, partner: str | None) -> None:
    if definition.period(period) is None:
        raise NotFound(problem("period", "period.unknown", project=definition.project.code, number=period))
    if partner is not None and definition.partner(partner) is None:
        raise NotFound(problem("partner", "partner.unknown", project=definition.project.code, partner=repr(partner)))


def _funder(definition: ProjectDefinition, partner: str | None, funder: str | None) -> FundingAgreement | None:
    """The funder a report is addressed to: the one named, else the one granting most (a fixed sum, or the
    largest share), own funds last."""
    agreements = definition.agreements_for(partner) if partner else [a for a in definition.funding]
    if funder is not None:
        found = next((a for a in agreements if a.funder == funder), None)
        if found is None:
            raise NotFound(problem("funder", "funder.no_agreement", project=definition.project.code,
                                   funder=repr(funder)))
        return found
    own = {f.code for f in definition.funders if f.kind == "own"}
    top = [a for a in agreements if a.part_of is None]
    return max(top, key=lambda a: (a.funder not in own, a.fixed, a.amount or a.share), default=None)
