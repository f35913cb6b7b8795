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

from reporter.domain.money import ZERO
from reporter.domain.records import AMOUNT, CHOICE, CODE, CODES, CURRENCY, DAY, FLAG, INTEGER, LABEL, PERCENT, spec
from reporter.domain.rules import ContractRules

ROLES = ("lead", "partner")
FUNDER_KINDS = ("eu", "state", "municipality", "foundation", "own", "sponsor", "other")
SHARE_RULES = ("exact", "max", "min")
ROUNDINGS = ("down", "half-up")
ROUNDING_BASES = ("cumulative", "period")
PERIOD_OPEN, PERIOD_SUBMITTED = "open", "submitted"
# The legal status of a source of partner contribution, as Interreg's monitoring system (Jems) has it: public
# funds of the partner or of another public body, public funds a Member State's own co-financing scheme grants
# automatically (the national state budget co-financing of an Interreg project), and private funds.
LEGAL_STATUSES = ("public", "automatic_public", "private")


@dataclass(frozen=True, slots=True)
class Project:
    code: str = spec("code")
    title: str = spec("title")
    start: date = spec("start", DAY, column="start_date")
    end: date = spec("end", DAY, column="end_date")
    currency: str = spec("currency", CURRENCY, default="EUR")
    template: str = spec("template", default="generic")
    contract_number: str = spec("contract_number", default="")


@dataclass(frozen=True, slots=True)
class Partner:
    code: str = spec("code")
    name: str = spec("name")
    country: str = spec("country", default="")
    role: str = spec("role", CHOICE, default="partner", options=ROLES)
    vat_recoverable: bool = spec("vat_recoverable", FLAG, default=False)


@dataclass(frozen=True, slots=True)
class Funder:
    code: str = spec("code")
    name: str = spec("name", LABEL)  # a `Label` where the words are given per language
    kind: str = spec("kind", CHOICE, default="other", options=FUNDER_KINDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingAgreement:
    """What one funder pays of a partner's (or of every partner's) eligible costs.

    Either a share of them (`share_percent`) or a fixed sum (`amount`): the
    funder then pays the costs it covers until the sum is used, and what
    exceeds it falls to the residual source.
    """

    funder: str = spec("funder", CODE, refers_to="funders")
    partner: str | None = spec("partner", CODE, default=None, refers_to="partners")  # None: every partner
    share_percent: Decimal | None = spec("share", PERCENT, default=None, column="share_percent")
    amount: Decimal | None = spec("amount", AMOUNT, default=None)  # a fixed-sum grant, instead of a share
    rule: str = spec("rule", CHOICE, default="exact", options=SHARE_RULES)
    rounding: str = spec("rounding", CHOICE, default="half-up", options=ROUNDINGS)
    cap: Decimal | None = spec("cap", AMOUNT, default=None)
    residual: bool = spec("residual", FLAG, default=False, column="is_residual")
    part_of: str | None = spec("part_of", CODE, default=None, column="part_of_funder_id", refers_to="funders")
    budget_lines: tuple[str, ...] = spec("budget_lines", CODES, default=(), column="funding_agreement_lines",
                                         refers_to="budget_lines")  # empty: every line of the project
    activities: tuple[str, ...] = spec("activities", CODES, default=(), column="funding_agreement_activities",
                                       refers_to="activities")  # empty: every activity (and none)
    eligible_from: date | None = spec("eligible_from", DAY, default=None)  # None: the project's start
    eligible_to: date | None = spec("eligible_to", DAY, default=None)  # None: the project's end
    vat_eligible: bool = spec("vat_eligible", FLAG, default=True)  # False: VAT within eligible amounts is no base
    in_kind: bool = spec("in_kind", FLAG, default=False)  # it takes contributions in kind as its own part
    # Of a partner contribution's source: None: as its funder's kind says (`reporter.domain.contribution`)
    legal_status: str | None = spec("legal_status", CHOICE, default=None, options=LEGAL_STATUSES)
    rounding_basis: str = spec("rounding_basis", CHOICE, default="cumulative", options=ROUNDING_BASES)
    prefinancing: Decimal | None = spec("prefinancing", AMOUNT, default=None)  # the contract's advance payment
    currency: str | None = spec("currency", CURRENCY, default=None)  # of cap, amount, prefinancing; None: the project's
    rate_month: str = spec("rate_month", default="")  # whose stored rates convert them (e.g. the month it was signed)
    contract_number: str = spec("contract_number", default="")

    @property
    def fixed(self) -> bool:
        return self.amount is not None

    @property
    def share(self) -> Decimal:
        """The rate of the costs it covers that it pays: a fixed-sum grant pays them whole, until used."""
        return Decimal(100) if self.share_percent is None else self.share_percent


@dataclass(frozen=True, slots=True)
class BudgetLine:
    code: str = spec("code")
    name: str = spec("name", LABEL)  # a `Label` where the words are given per language


@dataclass(frozen=True, slots=True)
class BudgetAmount:
    """Approved amount for one partner and budget line (optionally per year and activity)."""

    partner: str = spec("partner", CODE, refers_to="partners")
    line: str = spec("line", CODE, refers_to="budget_lines")
    amount: Decimal = spec("amount", AMOUNT)
    year: int | None = spec("year", INTEGER, default=None)
    activity: str | None = spec("activity", CODE, default=None, refers_to="activities")


@dataclass(frozen=True, slots=True)
class ReportingPeriod:
    number: int = spec("number", INTEGER)
    start: date = spec("start", DAY, column="start_date")
    end: date = spec("end", DAY, column="end_date")
    status: str = PERIOD_OPEN  # kept by the store: a project file does not submit periods

    @property
    def submitted(self) -> bool:
        return self.status == PERIOD_SUBMITTED

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def years(self) -> range:
        """The plan years the period reports on: an activity's deviation from its plan for one of them is judged,
        and explained, in the period's report."""
        return range(self.start.year, self.end.year + 1)


@dataclass(frozen=True, slots=True)
class PlannedAmount:
    """An activity's planned amount for a year (from a source); with a budget line it is the budget as well."""

    year: int = spec("year", INTEGER)
    amount: Decimal = spec("amount", AMOUNT)
    funder: str | None = spec("funder", CODE, default=None, refers_to="funders")
    line: str | None = spec("line", CODE, default=None, refers_to="budget_lines")
    partner: str | None = spec("partner", CODE, default=None, refers_to="partners")  # None: the lead partner


@dataclass(frozen=True, slots=True)
class Activity:
    code: str = spec("code")
    title: str = spec("title", LABEL)  # a `Label` where the words are given per language
    plan: tuple[PlannedAmount, ...] = ()  # the project file's [[activities.planned]]


@dataclass(frozen=True, slots=True)
class SubGrant:
    """A grant the project passes on to a sub-grantee: a partner that reports its own costs (a local library
    re-granted by the national library), up to the agreement's amount."""

    partner: str = spec("partner", CODE, refers_to="partners")
    amount: Decimal = spec("amount", AMOUNT)
    number: str = spec("number", default="")  # the sub-grant agreement's number
    signed: date | None = spec("signed", DAY, default=None, column="signed_date")


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
    sub_grants: tuple[SubGrant, ...] = ()

    def partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners if p.code == code), None)

    @property
    def lead(self) -> str | None:
        """The lead partner (or the only one)."""
        return next((p.code for p in self.partners if p.role == "lead"), self.partners[0].code if self.partners else None)

    @property
    def approved(self) -> tuple[BudgetAmount, ...]:
        """The approved budget: the `budget` entries, and the activity plan's amounts that name a budget line
        (a plan kept by line is the budget too, entered once)."""
        planned: dict[tuple[str, str, int, str], Decimal] = {}
        for activity in self.activities:
            for p in activity.plan:
                if p.line is not None:
                    key = (p.partner or self.lead or "", p.line, p.year, activity.code)
                    planned[key] = planned.get(key, Decimal(0)) + p.amount
        return self.budget + tuple(BudgetAmount(partner, line, amount, year, activity)
                                   for (partner, line, year, activity), amount in planned.items())

    def funder(self, code: str) -> Funder | None:
        return next((f for f in self.funders if f.code == code), None)

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
class Payer:
    """A source named as having really paid (part of) a cost; it replaces the agreements' mix for that cost."""

    funder: str
    amount: Decimal | None = None  # in the project's currency; None: what the other payers leave


@dataclass(frozen=True, slots=True)
class ExpenditureDraft:
    """An expenditure as entered, parsed but not yet checked against its project."""

    partner: str
    budget_line: str
    document_date: date
    document_no: str
    supplier: str
    gross: Decimal | None  # None: a unit-cost declaration's units × rate
    vat: Decimal = Decimal("0.00")
    eligible: Decimal | None = None  # None: gross, less VAT the partner recovers (× a line's eligible share)
    currency: str | None = None  # None: the project's currency
    rate: Decimal | None = None  # None: the stored rate for the document's month
    project_rate: Decimal | None = None  # a third-currency document: the project currency's rate per euro
    period: int | None = None  # None: the period that contains the document date
    units: Decimal | None = None  # for unit-cost lines: eligible = units × the rate of the template's table
    rate_name: str = ""  # the band or category of the rate (where the line's table has several)
    activity: str | None = None
    description: str = ""
    payment_date: date | None = None
    attachments: tuple[str, ...] = ()
    notes: str = ""
    payers: tuple[Payer, ...] = ()
    in_kind: str = ""  # a contribution in kind: the basis of its value ("40 h × 12.50 EUR of volunteers' work")
    accounting_ref: str = ""  # the accounting system's own reference of the entry (journal or voucher number)
    supplier_code: str = ""  # the supplier's company (or personal) code
    # What a funder may ask of a payment to a natural person: the document it is made under (an individual-activity
    # certificate, a business licence, an author's contract), by its number.
    person_document: str = ""
    # What a funder may ask of a trip: the route ("Vilnius–Kaunas–Vilnius"), its first and last day, and the persons
    # travelling (their names, or how many they were).
    travel_route: str = ""
    travel_from: date | None = None
    travel_to: date | None = None
    travellers: str = ""
    # What Interreg (Jems/eMS) lists of each cost: the procurement procedure or the contract it was incurred under,
    # by its number ("VP-2024/07", "Sutartis Nr. 2024-15").
    procurement_ref: str = ""


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
    rate: Decimal | None  # per euro: the document currency's (a euro document's: the project currency's)
    eligible_project_currency: Decimal
    eligible_vat_project_currency: Decimal = Decimal("0.00")  # VAT included in the eligible amount
    project_rate: Decimal | None = None  # a third-currency document: the project currency's rate per euro
    units: Decimal | None = None
    rate_name: str = ""
    activity: str | None = None
    description: str = ""
    payment_date: date | None = None
    attachments: tuple[str, ...] = ()
    notes: str = ""
    payers: tuple[Payer, ...] = ()  # empty: the funding agreements' mix pays it
    in_kind: str = ""  # a contribution in kind: the basis of its value
    accounting_ref: str = ""  # the accounting system's own reference of the entry (journal or voucher number)
    supplier_code: str = ""  # the supplier's company (or personal) code
    # What a funder may ask of a payment to a natural person: the document it is made under (an individual-activity
    # certificate, a business licence, an author's contract), by its number.
    person_document: str = ""
    # What a funder may ask of a trip: the route ("Vilnius–Kaunas–Vilnius"), its first and last day, and the persons
    # travelling (their names, or how many they were).
    travel_route: str = ""
    travel_from: date | None = None
    travel_to: date | None = None
    travellers: str = ""
    # What Interreg (Jems/eMS) lists of each cost: the procurement procedure or the contract it was incurred under,
    # by its number ("VP-2024/07", "Sutartis Nr. 2024-15").
    procurement_ref: str = ""
    id: str = ""
    number: int = 0  # the internal reference users see: 1, 2, 3… per project


PAYMENT_KINDS = ("prefinancing", "interim", "balance", "return", "interest")
"""A payment from a funder, (`return`) money paid back to it, or (`interest`) what the bank paid on the funder's
money while the grantee held it: the grantee accounts for it, but the funder did not pay it."""


@dataclass(frozen=True, slots=True)
class Payment:
    """Money a funder really transferred, at the level its grant is held (the project, or one partner)."""

    funder: str
    partner: str | None  # None: paid to the project (the lead partner) for every partner
    date: date
    amount: Decimal  # positive; a `return` counts against what was paid
    kind: str = "interim"
    note: str = ""
    id: str = ""

    @property
    def received(self) -> Decimal:
        """What the funder paid by it: a return counts against what was paid, interest is not the funder's."""
        if self.kind == "interest":
            return ZERO
        return -self.amount if self.kind == "return" else self.amount

    @property
    def interest(self) -> Decimal:
        """What the bank paid on the funder's money by it."""
        return self.amount if self.kind == "interest" else ZERO


@dataclass(frozen=True, slots=True)
class Explanation:
    """The coordinator's words, in one period's report, on why spending differs from what was foreseen: a budget
    line's from its budget, or an activity's (of an activity plan) from its plan for the period's year."""

    period: int
    partner: str | None  # None: the consolidated report
    line: str | None  # the budget line explained; None where it is an activity
    text: str
    activity: str | None = None  # the activity explained; None where it is a budget line


CONTROL_STATUSES = ("draft", "submitted", "in_control", "certified")
"""Where a partner's report of a period stands with its first-level controller (Jems' partner report statuses)."""


@dataclass(frozen=True, slots=True)
class PartnerReportControl:
    """The first-level control of one partner's report of one period; nothing recorded: a draft."""

    period: int
    partner: str
    status: str = "draft"
    certified: date | None = None  # the date of the controller's certificate (a certified report only)
    certificate: str = ""  # its number
    controller: str = ""  # who controls it (a report in control or certified)

    @property
    def recorded(self) -> bool:
        """Anything beyond the draft that nothing recorded is."""
        return self != PartnerReportControl(self.period, self.partner)


SUB_GRANT_PAYMENT_KINDS = ("advance", "balance", "return")
"""Money the project pays a sub-grantee, or (`return`) money the sub-grantee pays back."""


@dataclass(frozen=True, slots=True)
class SubGrantPayment:
    partner: str  # the sub-grantee
    date: date
    amount: Decimal  # positive; a `return` counts against what was paid
    kind: str = "advance"
    note: str = ""
    id: str = ""

    @property
    def paid(self) -> Decimal:
        return -self.amount if self.kind == "return" else self.amount


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    currency: str
    month: str  # YYYY-MM
    rate: Decimal  # units of the currency per euro
    source: str = ""
