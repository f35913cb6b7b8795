"""The records of a project, as plain immutable values.

Inside a project every record is named by its human code (partner "LP",
budget line "STAFF", period 2); the store adds the stable ids that let two
databases be merged later. Amounts are `Decimal` in the project's currency
unless a field says otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reporter.domain.rules import ContractRules

ROLES = ("lead", "partner")
FUNDER_KINDS = ("eu", "state", "municipality", "foundation", "own", "sponsor", "other")
SHARE_RULES = ("exact", "max", "min")
ROUNDINGS = ("down", "half-up")
PERIOD_OPEN, PERIOD_SUBMITTED = "open", "submitted"


@dataclass(frozen=True, slots=True)
class Project:
    code: str
    title: str
    start: date
    end: date
    currency: str
    template: str
    contract_number: str = ""


@dataclass(frozen=True, slots=True)
class Partner:
    code: str
    name: str
    country: str = ""
    role: str = "partner"
    vat_recoverable: bool = False


@dataclass(frozen=True, slots=True)
class Funder:
    code: str
    name: str
    kind: str = "other"


@dataclass(frozen=True, slots=True)
class FundingAgreement:
    """What one funder pays: a share of the eligible costs of a partner (or of all partners)."""

    funder: str
    share_percent: Decimal
    partner: str | None = None
    rule: str = "exact"
    rounding: str = "half-up"
    residual: bool = False
    cap: Decimal | None = None
    budget_lines: tuple[str, ...] = ()  # empty: every line of the project
    contract_number: str = ""
    eligible_from: date | None = None  # None: the project's start
    eligible_to: date | None = None  # None: the project's end
    vat_eligible: bool = True  # False: VAT within eligible amounts is no base for this funder
    part_of: str | None = None  # a source within another funder's part (e.g. the partner contribution)
    prefinancing: Decimal | None = None  # paid in advance by the funder (for the payment position)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class BudgetAmount:
    """Approved amount for one partner and budget line (optionally per year and activity)."""

    partner: str
    line: str
    amount: Decimal
    year: int | None = None
    activity: str | None = None


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    number: int
    start: date
    end: date
    status: str = PERIOD_OPEN

    @property
    def submitted(self) -> bool:
        return self.status == PERIOD_SUBMITTED

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class PlannedAmount:
    year: int
    amount: Decimal
    funder: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    code: str
    title: str
    plan: tuple[PlannedAmount, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectDefinition:
    """Everything a coordinator sets up once: the content of a project file."""

    project: Project
    partners: tuple[Partner, ...] = ()
    funders: tuple[Funder, ...] = ()
    funding: tuple[FundingAgreement, ...] = ()
    budget_lines: tuple[BudgetLine, ...] = ()
    budget: tuple[BudgetAmount, ...] = ()
    periods: tuple[ReportingPeriod, ...] = ()
    activities: tuple[Activity, ...] = ()
    rules: ContractRules = ContractRules()

    def partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners if p.code == code), None)

    def period(self, number: int) -> ReportingPeriod | None:
        return next((p for p in self.periods if p.number == number), None)

    def period_of(self, day: date) -> ReportingPeriod | None:
        return next((p for p in self.periods if p.contains(day)), None)

    def agreements_for(self, partner: str) -> tuple[FundingAgreement, ...]:
        """A partner's own agreements, plus the project-wide ones of funders it has none with."""
        own = tuple(a for a in self.funding if a.partner == partner)
        covered = {a.funder for a in own}
        return own + tuple(a for a in self.funding if a.partner is None and a.funder not in covered)


@dataclass(frozen=True, slots=True)
class ExpenditureDraft:
    """An expenditure as entered, parsed but not yet checked against its project."""

    partner: str
    budget_line: str
    document_date: date
    document_no: str
    supplier: str
    gross: Decimal
    vat: Decimal = Decimal("0.00")
    eligible: Decimal | None = None  # None: gross, less VAT the partner recovers
    currency: str | None = None  # None: the project's currency
    rate: Decimal | None = None  # None: the stored rate for the document's month
    period: int | None = None  # None: the period that contains the document date
    units: Decimal | None = None  # for unit-cost lines: eligible = units × the template's rate
    activity: str | None = None
    description: str = ""
    payment_date: date | None = None
    attachments: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Expenditure:
    """One cost document as the project counts it."""

    partner: str
    budget_line: str
    period: int
    document_date: date
    document_no: str
    supplier: str
    currency: str
    gross: Decimal  # in the document's currency, like vat and eligible
    vat: Decimal
    eligible: Decimal
    rate: Decimal | None  # units of the document currency per euro; None in project currency
    eligible_project_currency: Decimal
    eligible_vat_project_currency: Decimal = Decimal("0.00")  # VAT included in the eligible amount
    units: Decimal | None = None
    activity: str | None = None
    description: str = ""
    payment_date: date | None = None
    attachments: tuple[str, ...] = ()
    notes: str = ""
    id: str = ""
    number: int = 0  # the internal reference users see: 1, 2, 3… per project


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    currency: str
    month: str  # YYYY-MM
    rate: Decimal  # units of the currency per euro
    source: str = ""
