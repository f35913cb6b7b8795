"""What the tamper evidence found: breaks in the audit log's chain and in the seals of submitted periods.

The store recomputes the hashes (`reporter.store.integrity`) and hands these
records to the `integrity` check, which words them as findings.
"""

from __future__ import annotations

from dataclasses import dataclass

# The English wording of the `integrity` check's findings (merged into `checks.MESSAGES`; translations in
# resources/translations/findings.toml).
MESSAGES = {
    "integrity.audit-changed": "Audit log entry {entry} ({action} in {table}, {changed_at}) does not follow from the "
                               "entry before it: one of them was changed or inserted outside the program",
    "integrity.audit-deleted": "Audit log entries {first}–{last} are missing: deleted outside the program",
    "integrity.changed": "Submitted period {period}: {count} expenditure(s) were changed outside the program after "
                         "the submission: {numbers}",
    "integrity.added": "Submitted period {period}: {count} expenditure(s) were added outside the program after the "
                       "submission: {numbers}",
    "integrity.deleted": "Submitted period {period}: {count} expenditure(s) were deleted outside the program after "
                         "the submission: {numbers}",
    "integrity.reports": "Submitted period {period}: the stored data of the report(s) {reports} were changed or "
                         "deleted after the submission",
    "integrity.seal-changed": "Submitted period {period}: the seal of its submission was itself changed",
    "integrity.audit-cut": "Submitted period {period}: audit log entry {entry}, the last one when it was submitted, "
                           "is missing or changed",
    "integrity.seal-missing": "Period {period} is marked submitted, but has no seal: it was locked outside the program",
    "integrity.reopened-outside": "Period {period} was submitted and sealed, but is marked open: it was reopened "
                                  "outside the program, with no reason logged",
}


@dataclass(frozen=True, slots=True)
class AuditBreak:
    """An audit entry whose hash does not follow from the entry before it, or entries missing before it."""

    entry: int  # the entry's id
    table: str
    action: str
    changed_at: str
    missing: tuple[int, int] | None = None  # the ids deleted just before it (first, last)


@dataclass(frozen=True, slots=True)
class SealBreak:
    """A submitted period that no longer matches what its submission sealed."""

    period: int
    changed: tuple[tuple[str, int], ...] = ()  # (id, number) of expenditure rows changed since
    added: tuple[tuple[str, int], ...] = ()  # rows added to it since
    deleted: tuple[int, ...] = ()  # numbers of rows deleted since
    reports: tuple[str, ...] = ()  # report snapshots changed or deleted since ("LP interreg-… lt")
    seal_changed: bool = False  # the seal's own items do not add up to its digest
    audit_entry: int | None = None  # the last audit entry at submission, now missing or changed
    seal_missing: bool = False  # marked submitted, but with no seal
    reopened_outside: bool = False  # sealed, but marked open without a reopen
