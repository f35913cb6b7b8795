"""The first-level control of the partners' reports: where each partner's report of a period stands."""

from __future__ import annotations

from reporter.domain.errors import Conflict, NotFound, Problem, UserError, ValidationError, problem
from reporter.domain.limits import parse_date
from reporter.domain.model import PartnerReportControl, ProjectDefinition
from reporter.domain.validation import control_problems
from reporter.store import Store


def set_control(store: Store, code: str, period: int, partner: str | None, status: str, certified: str | None = None,
                certificate: str = "", controller: str = "") -> PartnerReportControl:
    """Keep where a partner's report of a period stands: draft, submitted, in control, or certified (with the
    date and number of the controller's certificate). Refused whole, with every problem, when any is wrong; a
    submitted period's controls are part of what was submitted. Draft is what nothing recorded is."""
    definition = store.projects.definition(code)
    if partner is None and len(definition.partners) == 1:  # a one-partner project's report is that partner's
        partner = definition.partners[0].code
    problems: list[Problem] = []
    day = None
    if certified is not None and certified.strip():
        try:
            day = parse_date(certified, "date")
        except UserError as error:
            problems.append(error.placed("date"))
    control = PartnerReportControl(period, (partner or "").strip(), status.strip(), day, certificate.strip(),
                                   controller.strip())
    failed = {p.where for p in problems}  # a date that could not be read is not missing as well
    problems += [p for p in control_problems(definition, control) if p.where not in failed]
    if problems:
        raise ValidationError(problems, problem("", "control.problems", count=len(problems)))
    if definition.period(period).submitted:  # type: ignore[union-attr]
        raise Conflict(problem("period", "period.locked", number=period))
    with store.transaction():
        store.controls.set(store.projects.ids(code), control)
    return control


def list_controls(store: Store, code: str, period: int | None = None) -> list[PartnerReportControl]:
    """Each partner's report of each period (or of one), recorded or not: one never recorded is a draft."""
    definition = store.projects.definition(code)
    if period is not None and definition.period(period) is None:
        raise NotFound(problem("period", "period.unknown", project=code, number=period))
    return partner_controls(definition, store.controls.list(store.projects.ids(code).project, period), period)


def partner_controls(definition: ProjectDefinition, recorded: list[PartnerReportControl],
                     period: int | None = None) -> list[PartnerReportControl]:
    """The recorded controls completed with a draft for every partner's report not recorded, period by period."""
    kept = {(c.period, c.partner): c for c in recorded}
    return [kept.get((p.number, partner.code), PartnerReportControl(p.number, partner.code))
            for p in sorted(definition.periods, key=lambda p: p.number) if period in (None, p.number)
            for partner in definition.partners]
