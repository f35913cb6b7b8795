"""Reopening a submitted reporting period (submitting one is `services.reports.submit_period`)."""

from __future__ import annotations

from reporter.domain.errors import Conflict, NotFound, UserError, problem
from reporter.domain.model import PERIOD_OPEN, ReportingPeriod
from reporter.services.maintenance import automatic_backup
from reporter.store import Store


def _period(store: Store, code: str, number: int) -> ReportingPeriod:
    period = store.projects.definition(code).period(number)
    if period is None:
        raise NotFound(problem("period", "period.unknown", project=code, number=number))
    return period


def reopen_period(store: Store, code: str, number: int, reason: str) -> ReportingPeriod:
    """Unlock a submitted period, on purpose and with a reason that the audit log keeps."""
    if not reason.strip():
        raise UserError(problem("reason", "period.reopen_reason"))
    if not _period(store, code, number).submitted:
        raise Conflict(problem("", "period.not_submitted", number=number, project=code))
    automatic_backup(store, "before-reopen")
    with store.transaction():
        store.projects.set_period_status(store.projects.ids(code).project, number, PERIOD_OPEN, None,
                                         note=f"reopened: {reason.strip()}")
    return _period(store, code, number)
