"""Build a funder report's data set from the project's figures and the funder template.

Each section a template lists is made by one function here; the words come
from `resources/translations/report-labels.toml`, overridden by the template.
The inputs are gathered by the report service; this module only arranges them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Callable

from babel.dates import format_date

from reporter.domain.checks import Finding, transfer_positions
from reporter.domain.contribution import by_legal_status
from reporter.domain.conversion import FunderRates
from reporter.domain.financing import (
    ACTIVITY_NOT_PAID,
    INDIRECT_OVER_CAP,
    LINE_NOT_PAID,
    NO_SOURCE,
    VAT_NOT_PAID,
    Allocation,
    Cost,
    Financing,
    Terms,
    cost_of,
    covering_funders,
    partner_terms,
)
from reporter.domain.model import LEGAL_STATUSES, Expenditure, FundingAgreement, PartnerReportControl, ProjectDefinition
from reporter.domain.payments import GrantFunds, PaymentPosition
from reporter.domain.records import Label
from reporter.domain.money import CENT, ZERO, format_amount, format_percent, tidy_percent
from reporter.i18n import finding_text, rule_name
from reporter.paths import resources_dir
from reporter.reports.model import (
    DATE,
    GROUP,
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    SUBTOTAL,
    TEXT,
    Column,
    FindingLine,
    ReportData,
    Row,
    Table,
)
from reporter.domain.subgrants import SubGrantPosition
from reporter.templates import SECTIONS, Template


@dataclass(frozen=True)
class ReportInput:
    """Everything one report is made of, gathered by the service."""

    definition: ProjectDefinition
    template: Template
    lang: str
    period: int
    partner: str | None  # None: the consolidated project report
    funder: FundingAgreement | None  # the funder the report is addressed to
    financing: Financing
    expenditures: list[Expenditure]  # the period's, of the partner (or of all)
    findings: list[Finding]
    positions: list[PaymentPosition] = field(default_factory=list)
    plan_costs: list[Cost] = field(default_factory=list)  # every cost through the period (for the activity plan)
    sub_grants: list[SubGrantPosition] = field(default_factory=list)  # through the period
    in_kind_costs: list[Cost] = field(default_factory=list)  # the contributions in kind through the period
    funder_rates: FunderRates | None = None  # a report in the funder's currency: amounts in text converted too
    explanations: dict[str, str] = field(default_factory=dict)  # by budget line: the coordinator's, this report's
    plan_explanations: dict[tuple[int, str], str] = field(default_factory=dict)  # by year and activity
    funds: list[GrantFunds] = field(default_factory=list)  # each grant's money at the period's end (and before)
    controls: list[PartnerReportControl] = field(default_factory=list)  # the period's partner reports (drafts too)
    generated: date = date(2000, 1, 1)


@lru_cache(maxsize=None)
def _translations() -> dict[str, dict[str, Any]]:
    with open(resources_dir() / "translations" / "report-labels.toml", "rb") as file:
        return tomllib.load(file)


def labels_for(template: Template, lang: str) -> dict[str, Any]:
    """The report words in a language: the shared ones, with the template's own on top."""
    translations = _translations()
    if lang not in translations:
        raise ValueError(f"no report labels for language {lang!r}")
    return {**translations["en"], **translations[lang], **template.report.labels.get(lang, {})}


def build_report(given: ReportInput) -> ReportData:
    words = labels_for(given.template, given.lang)
    definition, layout = given.definition, given.template.report
    period = definition.period(given.period)
    assert period is not None
    consolidated = given.partner is None
    last = period.number == max(p.number for p in definition.periods)
    titles = (layout.consolidated_titles if consolidated and layout.consolidated_titles
              else layout.final_titles if last and layout.final_titles else layout.titles)
    sections = layout.consolidated_sections if consolidated and layout.consolidated_sections else layout.sections
    report = _Builder(given, words)
    partner = definition.partner(given.partner) if given.partner else None
    funder_name = next((_in_language(f.name, given.lang) for f in definition.funders
                        if given.funder and f.code == given.funder.funder), "")

    day = report.day
    period_text = words["period_value"].format(number=period.number, start=day(period.start), end=day(period.end))
    partner_text = f"{partner.code} {partner.name}" if partner else words["all_partners"]
    return ReportData(
        template=given.template.id,
        lang=given.lang,
        title=titles.get(given.lang) or titles.get("en") or next(iter(titles.values()), given.template.name),
        subtitle=f"{definition.project.code} · {words['period']} {period.number}",
        currency=definition.project.currency,
        header=(
            (words["project"], f"{definition.project.code} {definition.project.title}"),
            (words["partner"], partner_text),
            (words["funder"], funder_name),
            (words["contract"], (given.funder.contract_number if given.funder else "")
             or definition.project.contract_number),
            (words["period"], period_text),
            (words["currency"], definition.project.currency),
            (words["generated"], day(given.generated)),
            *(((words["language"], words["language_fallback"].format(languages=", ".join(given.template.languages))),)
              if given.lang not in given.template.languages else ()),
        ),
        tables=tuple(table for name in sections for table in report.section(name)),
        findings_title=words["findings"],
        findings=tuple(_finding_line(f, words, given.lang, report.line_name) for f in given.findings),
        no_findings=words["no_findings"],
        signature_title=words["signatures"],
        signature_fields=tuple(words["signature_fields"]),
        statement=_in(layout.statements, given.lang),
        signatories=tuple(_in(layout.signatories, given.lang) or ()),
        page_label=words["page"],
        author="Grant Reporter",
        orientation=layout.orientation,
        labels={key: str(words[key]) for key in ("total", "subtotal", "summary_sheet", "generated", "date_format")},
        identifier=report_identifier(definition.project.code, period.number, given.partner, given.template.id,
                                     given.lang),
        page_context=f"{definition.project.code} · {words['period']} {period_text} · {partner_text}",
    )


def report_identifier(code: str, period: int, partner: str | None, template: str, lang: str,
                      funder: str | None = None) -> str:
    """A report's name, on its pages and as its files' name: what no file system refuses. A report addressed to
    a funder the user named carries the funder's code, so that it does not take the place of the default one."""
    addressed = f"-{funder}" if funder else ""
    return re.sub(r'[<>:"/\\|?*]', "_", f"{code}-P{period}-{partner or 'project'}{addressed}-{template}-{lang}")


def in_funder_currency(data: ReportData, rates: FunderRates) -> ReportData:
    """The report in the funder's own currency: every amount converted through the euro at the agreement's
    rates, each table's totals then adding the converted amounts, and a note saying at which rates."""
    words = {**_translations()["en"], **_translations().get(data.lang, {})}

    def cells(table: Table) -> Table:
        """Amounts in the project's currency converted, and so named; a document's own amounts stay as they are."""
        money = [c.kind == MONEY and not c.original for c in table.columns]
        rows = tuple(Row(tuple(rates.to_funder(v) if is_money and isinstance(v, Decimal) else v
                               for v, is_money in zip(row.cells, money)), row.kind) for row in table.rows)
        columns = tuple(replace(c, label=c.label.replace(rates.project_currency, rates.currency)) if is_money else c
                        for c, is_money in zip(table.columns, money))
        return replace(table, columns=columns, rows=rows)

    steps = [f"1 EUR = {rate} {code}" for code, rate in ((rates.project_currency, rates.project_rate),
                                                          (rates.currency, rates.rate)) if rate is not None]
    note = words["converted_note"].format(project=rates.project_currency, funder=rates.currency,
                                          rates=", ".join(steps), month=rates.month or "–")
    header = tuple((label, rates.currency if value == data.currency else value) for label, value in data.header)
    return replace(data, currency=rates.currency, header=header + ((words["conversion"], note),),
                   tables=tuple(cells(t) for t in data.tables))


def _finding_line(finding: Finding, words: dict[str, Any], lang: str, line_name: Callable[[str], str]) -> FindingLine:
    """A finding as the report says it: budget lines by their names in the report's language, not their codes."""
    numbers = finding.record_numbers
    records = ", ".join(f"#{n}" for n in numbers[:20]) + (f" … (+{len(numbers) - 20})" if len(numbers) > 20 else "")
    named = replace(finding, args=tuple((key, line_name(value) if key == "line" and isinstance(value, str) else value)
                                        for key, value in finding.args))
    return FindingLine(finding.severity, words[finding.severity], rule_name(finding.rule, lang),
                       finding_text(named, lang), records)


def _in(words: dict[str, Any], lang: str) -> Any:
    """A template's words in the report's language, else in English, else in its first language."""
    return words.get(lang) or words.get("en") or next(iter(words.values()), "")


def _in_language(label: str, lang: str) -> str:
    return label.in_language(lang) if isinstance(label, Label) else label


def _percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(CENT) if whole else None


class _Builder:
    def __init__(self, given: ReportInput, words: dict[str, Any]) -> None:
        self.given = given
        self.words = words
        self.definition = given.definition
        self.period = given.period
        self.partners = [p.code for p in self.definition.partners if given.partner in (None, p.code)]
        self.funder_names = {f.code: _in_language(f.name, given.lang) for f in self.definition.funders}
        self._allocations: list[Allocation] | None = None
        self._terms: dict[str, dict[str, Terms]] = {}

    def section(self, name: str) -> list[Table]:
        builders: dict[str, Callable[[], list[Table]]] = {
            "line_overview": self.line_overview, "cofinancing": self.cofinancing,
            "expenditure_list": self.expenditure_list, "partner_overview": self.partner_overview,
            "category_overview": self.category_overview, "transfers": self.transfers,
            "payment_position": self.payment_position, "estimate_execution": self.estimate_execution,
            "documents": self.documents, "budget_vs_actual": self.budget_vs_actual,
            "exchange_rates": self.exchange_rates, "activity_plan": self.activity_plan,
            "sub_grants": self.sub_grants, "organisation_overview": self.organisation_overview,
            "funds": self.funds,
            "partner_contribution": self.partner_contribution, "partner_reports": self.partner_reports,
        }
        assert set(builders) == set(SECTIONS)
        return builders[name]()

    # Figures shared by the sections

    def money(self, amount: Decimal) -> str:
        """An amount in a sentence, in the report's currency (`in_funder_currency` converts the tables)."""
        rates = self.given.funder_rates
        return format_amount(rates.to_funder(amount) if rates else amount, self.given.lang)

    def day(self, value: date) -> str:
        """A date in the report language's form (the template may state its own)."""
        return format_date(value, self.words["date_format"], locale=self.given.lang)

    def line_name(self, code: str) -> str:
        """A budget line in the report's language: the project's own words for it, else the template's."""
        lang = self.given.lang
        own = next((b.name for b in self.definition.budget_lines if b.code == code), None)
        if isinstance(own, Label) and lang in dict(own.translations):
            return own.in_language(lang)
        return self.given.template.line_name(code, lang) or (str(own) if own is not None else code)

    def approved(self, partners: list[str]) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for b in self.definition.approved:
            if b.partner in partners:
                totals[b.line] = totals.get(b.line, ZERO) + b.amount
        return totals

    def actual(self, partners: list[str], through: int) -> dict[str, Decimal]:
        """Declared per line (flat rates included), through a period."""
        totals: dict[str, Decimal] = {}
        for code in partners:
            for line, amount in self.given.financing[code].line_totals(through).items():
                totals[line] = totals.get(line, ZERO) + amount
        return totals

    def used_lines(self) -> list[str]:
        approved, actual = self.approved(self.partners), self.actual(self.partners, self.period)
        return [b.code for b in self.definition.budget_lines if b.code in approved or b.code in actual]

    def allocations(self) -> list[Allocation]:
        """What each source pays of each cost of the period (and of its flat rates), from the engine."""
        if self._allocations is None:
            self._allocations = self.given.financing.allocate(cost_of(e) for e in self.given.expenditures)
        return self._allocations

    def progress_columns(self, first: Column) -> tuple[Column, ...]:
        w = self.words
        return (first, Column("approved", w["approved"], MONEY, 1.3, True),
                Column("previously", w["previously"], MONEY, 1.3, True),
                Column("this_period", w["this_period"], MONEY, 1.3, True),
                Column("so_far", w["so_far"], MONEY, 1.3, True), Column("used", w["used"], PERCENT, 0.9),
                Column("remaining", w["remaining"], MONEY, 1.3, True))

    def progress_row(self, label: str, approved: Decimal | None, previously: Decimal, this_period: Decimal) -> Row:
        so_far = previously + this_period
        return Row((label, approved, previously, this_period, so_far,
                    _percent_of(so_far, approved) if approved is not None else None,
                    approved - so_far if approved is not None else None))

    # Sections

    def line_overview(self) -> list[Table]:
        approved = self.approved(self.partners)
        before, now = self.actual(self.partners, self.period - 1), self.actual(self.partners, self.period)
        rows = [self.progress_row(self.line_name(line), approved.get(line, ZERO), before.get(line, ZERO),
                                  now.get(line, ZERO) - before.get(line, ZERO)) for line in self.used_lines()]
        return [Table("lines", self.words["line_overview"],
                      self.progress_columns(Column("line", self.words["budget_line"], TEXT, 3)), tuple(rows),
                      self.words["total"]), *self.reconciliation()]

    def reconciliation(self) -> list[Table]:
        """From the costs declared to the costs the sources share, when the two differ: by how much and why."""
        w = self.words

        def through(period: int) -> tuple[Decimal, dict[str, Decimal], Decimal, Decimal]:
            declared, not_claimed, eligible, unallocated = ZERO, {}, ZERO, ZERO
            for code in self.partners:
                financing = self.given.financing[code]
                declared += sum(financing.line_totals(period).values(), ZERO)
                for reason, amount in financing.not_claimed(period).items():
                    not_claimed[reason] = not_claimed.get(reason, ZERO) + amount
                eligible += financing.total(period)
                unallocated += financing.unallocated(period)
            return declared, not_claimed, eligible, unallocated

        (d0, n0, e0, u0), (d1, n1, e1, u1) = through(self.period - 1), through(self.period)
        if not any(n1.values()) and not u1:
            return []
        rows = [Row((w["declared_costs"], d1 - d0, d1))]
        for reason, label in ((NO_SOURCE, w["not_eligible_any"]), (INDIRECT_OVER_CAP, w["indirect_over_cap"])):
            if n1.get(reason):
                rows.append(Row((label, -(n1[reason] - n0.get(reason, ZERO)), -n1[reason])))
        rows.append(Row((w["eligible_costs"], e1 - e0, e1), SUBTOTAL))
        if u1:
            rows.append(Row((w["paid_by_no_source"], -(u1 - u0), -u1)))
            rows.append(Row((w["shared_costs"], (e1 - u1) - (e0 - u0), e1 - u1), SUBTOTAL))
        columns = (Column("item", w["item"], TEXT, 4), Column("this_period", w["this_period"], MONEY, 1.3),
                   Column("so_far", w["so_far"], MONEY, 1.3))
        return [Table("reconciliation", w["reconciliation"], columns, tuple(rows), None, w["reconciliation_note"])]

    def partner_overview(self) -> list[Table]:
        rows = []
        for partner in self.definition.partners:
            approved = sum(self.approved([partner.code]).values(), ZERO)
            financing = self.given.financing[partner.code]
            before, now = financing.total(self.period - 1), financing.total(self.period)
            rows.append(self.progress_row(f"{partner.code} {partner.name}", approved, before, now - before))
        return [Table("partners", self.words["partner_overview"],
                      self.progress_columns(Column("partner", self.words["partner"], TEXT, 3)), tuple(rows),
                      self.words["total"])]

    def sub_grants(self) -> list[Table]:
        """Each sub-grant: granted, paid to the sub-grantee, its costs reported and accepted, and the balance."""
        w = self.words
        amounts = ("granted", "paid", "reported", "accepted", "balance", "unused")
        columns = (Column("sub_grantee", w["sub_grantee"], TEXT, 3),
                   Column("agreement", w["sub_grant_number"], TEXT, 1.4), *(Column(name, w[f"sub_grant_{name}"], MONEY, 1.2, True) for name in amounts))
        rows = tuple(Row((f"{p.sub_grant.partner} {p.name}", p.sub_grant.number, *(getattr(p, k) for k in amounts)))
                     for p in self.given.sub_grants)
        return [Table("sub_grants", w["sub_grants"], columns, rows, w["total"], w["sub_grants_note"])]

    def funder_rows(self, partner: str) -> list[tuple[FundingAgreement | None, str, Decimal | None, Decimal, Decimal]]:
        """Per source of a partner: its agreement (None: a named payer without one), name, approved (its part of
        the partner's budget, or its fixed sum), previously and this period."""
        financing = self.given.financing[partner]
        planned = self.given.financing.planned(partner, self.approved([partner]))
        rows = []
        funders = [(a, a.funder) for a in financing.agreements]
        funders += [(None, f) for f in sorted({f for p in financing.periods.values() for f in p.named}
                                              - {a.funder for a in financing.agreements})]
        for agreement, funder in funders:
            before = financing.cumulative(funder, self.period - 1)
            now = financing.cumulative(funder, self.period)
            approved = agreement.amount if agreement and agreement.fixed else planned.get(funder)
            rows.append((agreement, funder, approved, before, now - before))
        return rows

    def cofinancing(self) -> list[Table]:
        """Per source: its share, its part of the budget and what it paid. A consolidated report lists each
        partner's sources under the partner (their shares differ), then every source's total."""
        w = self.words
        first = Column("fund", w["fund"], TEXT, 3)
        columns = (first, Column("share", w["share"], PERCENT, 0.8), *self.progress_columns(first)[1:])

        def row(agreement: FundingAgreement | None, funder: str, approved: Decimal | None, before: Decimal,
                now: Decimal) -> Row:
            label = ("   " if agreement and agreement.part_of else "") + self.funder_names.get(funder, funder)
            progress = self.progress_row(label, approved, before, now)
            share = agreement.share_percent if agreement and not agreement.fixed else None
            return Row((progress.cells[0], share, *progress.cells[1:]))

        def ordered(entries: list) -> list[Row]:
            rows = []  # a source within another's part comes right under it
            for entry in entries:
                if entry[0] is None or entry[0].part_of is None:
                    rows.append(row(*entry))
                    rows += [row(*inner) for inner in entries if inner[0] and inner[0].part_of == entry[1]]
            return rows

        nested = any(a.part_of for a in self.definition.funding)  # a total would count those sources twice
        if self.given.partner is not None or len(self.partners) == 1:
            rows = ordered(self.funder_rows(self.partners[0]))
            return [Table("cofinancing", w["cofinancing"], columns, tuple(rows), None if nested else w["total"]),
                    *self.in_kind()]
        grouped: list[Row] = []
        totals: dict[str, list] = {}
        for partner in self.definition.partners:
            entries = self.funder_rows(partner.code)
            grouped.append(Row((f"{partner.code} {partner.name}",) + (None,) * (len(columns) - 1), GROUP))
            grouped += ordered(entries)
            grouped.append(Row((w["subtotal"],) + (None,) * (len(columns) - 1), SUBTOTAL))
            for agreement, funder, approved, before, now in entries:
                entry = totals.setdefault(funder, [agreement, funder, ZERO, ZERO, ZERO])
                entry[2] += approved or ZERO
                entry[3] += before
                entry[4] += now
        summary_columns = (first, *self.progress_columns(first)[1:])
        summary = [Row((r.cells[0], *r.cells[2:])) for r in ordered([tuple(e) for e in totals.values()])]
        return [Table("cofinancing", w["cofinancing"], columns, tuple(grouped), None if nested else w["total"]),
                Table("cofinancing_funds", w["cofinancing_funds"], summary_columns, tuple(summary),
                      None if nested else w["total"]), *self.in_kind()]

    def partner_contribution(self) -> list[Table]:
        """The partner contribution (what the programme funds leave to the other sources) by the legal status of
        each source: public, automatic public and private, as Jems adds them up. A consolidated report lists each
        partner's, then the project's. The figures are the co-financing's, grouped (`by_legal_status`)."""
        w = self.words
        first = Column("status", w["legal_status"], TEXT, 3)
        columns = self.progress_columns(first)

        def split(partner: str) -> list[tuple[str, Decimal, Decimal, Decimal]]:
            entries = self.funder_rows(partner)
            approved, before, now = ({funder: entry[i] or ZERO for _, funder, *entry in entries} for i in range(3))
            parts = [by_legal_status(self.definition, partner, amounts) for amounts in (approved, before, now)]
            return [(status, *(part[status] for part in parts)) for status in LEGAL_STATUSES]

        def rows(entries: list[tuple[str, Decimal, Decimal, Decimal]]) -> list[Row]:
            return [self.progress_row(w[f"legal_status_{status}"], *amounts) for status, *amounts in entries]

        note = w["partner_contribution_note"]
        if self.given.partner is not None or len(self.partners) == 1:
            return [Table("contribution", w["partner_contribution"], columns, tuple(rows(split(self.partners[0]))),
                          w["partner_contribution_total"], note)]
        grouped: list[Row] = []
        totals = {status: [ZERO, ZERO, ZERO] for status in LEGAL_STATUSES}
        for partner in self.definition.partners:
            entries = split(partner.code)
            grouped.append(Row((f"{partner.code} {partner.name}",) + (None,) * (len(columns) - 1), GROUP))
            grouped += rows(entries)
            grouped.append(Row((w["partner_contribution_total"],) + (None,) * (len(columns) - 1), SUBTOTAL))
            for status, *amounts in entries:
                totals[status] = [a + b for a, b in zip(totals[status], amounts)]
        return [Table("contribution", w["partner_contribution"], columns, tuple(grouped), w["total"], note),
                Table("contribution_project", w["partner_contribution_project"], columns,
                      tuple(rows([(status, *amounts) for status, amounts in totals.items()])),
                      w["partner_contribution_total"])]

    def partner_reports(self) -> list[Table]:
        """The period's partner reports: each one's name (as its files are named), the costs it declares (its
        line overview's this period) and where it stands with the first-level controller."""
        w, given = self.words, self.given
        project = self.definition.project.code
        controls = {c.partner: c for c in given.controls if c.period == self.period}
        rows = []
        for partner in (p for p in self.definition.partners if p.code in self.partners):
            declared = sum(self.actual([partner.code], self.period).values(), ZERO) \
                - sum(self.actual([partner.code], self.period - 1).values(), ZERO)
            control = controls.get(partner.code) or PartnerReportControl(self.period, partner.code)
            rows.append(Row((f"{partner.code} {partner.name}",
                             report_identifier(project, self.period, partner.code, given.template.id, given.lang),
                             declared, w[f"control_{control.status}"], control.certified, control.certificate,
                             control.controller)))
        columns = (Column("partner", w["partner"], TEXT, 2.6), Column("report", w["partner_report"], TEXT, 3.3),
                   Column("declared", w["declared_this_period"], MONEY, 1.3, True),
                   Column("status", w["control_status"], TEXT, 1.1),
                   Column("certified", w["certificate_date"], DATE, 1.1),
                   Column("certificate", w["certificate"], TEXT, 1.3),
                   Column("controller", w["controller"], TEXT, 1.9))
        return [Table("partner_reports", w["partner_reports"], columns, tuple(rows), w["total"],
                      w["partner_reports_note"])]

    def in_kind(self) -> list[Table]:
        """The contributions in kind apart: each source's figures above include them, this table says how much."""
        totals: dict[tuple[str, str], list[Decimal]] = {}
        for cost in self.given.in_kind_costs:
            taker = next(iter(covering_funders(self.definition, cost)), "")
            entry = totals.setdefault((cost.partner, taker), [ZERO, ZERO])
            entry[1] += cost.eligible
            if cost.period == self.period:
                entry[0] += cost.eligible
        if not totals:
            return []
        w = self.words
        rows = tuple(Row((f"{partner} – {self.funder_names.get(funder, funder) or w['no_source']}", now, so_far))
                     for (partner, funder), (now, so_far) in sorted(totals.items()))
        columns = (Column("source", w["fund"], TEXT, 4), Column("this_period", w["this_period"], MONEY, 1.3, True),
                   Column("so_far", w["so_far"], MONEY, 1.3, True))
        return [Table("in_kind", w["in_kind"], columns, rows, w["total"], w["in_kind_note"])]

    def expenditure_list(self) -> list[Table]:
        """Every expenditure of the period, grouped by budget line, with the columns the template asks for beyond
        the usual ones (activity, procurement or contract, units × unit price, attachments, notes); the computed rows
        last in their line."""
        w, currency = self.words, self.definition.project.currency
        consolidated = self.given.partner is None
        funder = self.given.funder.funder if self.given.funder else None
        same_currency = all(e.currency == currency for e in self.given.expenditures)
        expenditures = self.given.expenditures
        filled = {"activity": any(e.activity for e in expenditures),
                  "procurement": any(e.procurement_ref for e in expenditures),
                  "units": any(e.units is not None for e in expenditures),
                  "attachments": any(e.attachments for e in expenditures), "notes": any(e.notes for e in expenditures)}
        extra = [c for c in self.given.template.report.expenditure_columns if filled[c]]  # an empty column: left out
        two_step = any(e.project_rate is not None for e in self.given.expenditures)
        notes = {e.id: "; ".join(filter(None, (self.why_not_paid(e, funder) if funder else "",
                                               w["in_kind_row"].format(basis=e.in_kind) if e.in_kind else "")))
                 for e in self.given.expenditures}
        columns = [Column("no", w["row_no"], TEXT, 0.55), Column("ref", w["reference"], TEXT, 0.8),
                   *([Column("partner", w["partner"], TEXT, 0.9)] if consolidated else []),
                   *([Column("activity", w["activity"], TEXT, 1.0)] if "activity" in extra else []),
                   Column("document", w["document"], TEXT, 1.4), Column("document_date", w["document_date"], DATE, 1.2),
                   Column("supplier", w["supplier"], TEXT, 1.9),
                   *([Column("procurement", w["procurement"], TEXT, 1.5)] if "procurement" in extra else []),
                   Column("description", w["description"], TEXT, 2.3),
                   Column("paid", w["payment_date"], DATE, 1.2),
                   *([Column("units", w["units"], NUMBER, 0.7), Column("unit_rate", w["unit_rate"], MONEY, 0.9)]
                     if "units" in extra else []),
                   Column("gross", w["gross"], MONEY, 1.1, same_currency, original=True),
                   Column("vat", w["vat"], MONEY, 0.9, same_currency, original=True),
                   Column("declared", w["declared"], MONEY, 1.25, same_currency, original=True),
                   Column("currency", w["currency"], TEXT, 0.8), Column("rate", w["rate"], NUMBER, 0.8),
                   # documents in a third currency: the euro's rate into the project's currency as well
                   *([Column("project_rate", w["project_rate"].format(currency=currency), NUMBER, 0.8)]
                     if two_step else []),
                   Column("converted", w["converted"].format(currency=currency), MONEY, 1.2, True),
                   *([Column("funder_part", w["funder_pays"].format(funder=funder), MONEY, 1.2, True)]
                     if funder else []),
                   *([Column("attachments", w["attachments"], TEXT, 1.6)] if "attachments" in extra else []),
                   *([Column("comment", w["comment"], TEXT, 1.8)] if "notes" in extra else []),
                   # the note says why the funder pays less of a cost, when it does
                   *([Column("note", w["note"], TEXT, 1.8)] if any(notes.values()) else [])]
        keys = [c.key for c in columns]
        parts = {a.cost.id: a.parts for a in self.allocations() if a.kind == "cost"}
        computed: dict[tuple[str, str], list[Allocation]] = {}
        for a in self.allocations():
            if a.kind != "cost":
                computed.setdefault((a.cost.partner, a.cost.line), []).append(a)
        rows: list[Row] = []
        blank = (None,) * (len(columns) - 1)
        current_line = None
        n = 0

        shared: dict[Any, Any] = {}  # one object per text or date the rows repeat (partner, supplier, day…)

        def row(values: dict[str, Any]) -> Row:
            cells = (values.get(key, "" if column.kind == TEXT else None) for key, column in zip(keys, columns))
            return Row(tuple(shared.setdefault(v, v) if isinstance(v, (str, date)) else v for v in cells))

        def close_line(line: str) -> None:
            for partner in self.partners:
                rows.extend(row(self.computed_cells(a, funder)) for a in computed.pop((partner, line), []))
            rows.append(Row((w["subtotal"],) + blank, SUBTOTAL))

        for e in self.given.expenditures:
            if e.budget_line != current_line:
                if current_line is not None:
                    close_line(current_line)
                current_line = e.budget_line
                rows.append(Row((self.line_name(e.budget_line),) + blank, GROUP))
            n += 1
            rate = self.unit_rate(e.budget_line, e.partner, e.rate_name) if e.units is not None else None
            rows.append(row({
                # The internal reference: the program's number, and the accounting system's own where it was imported.
                "no": str(n), "ref": f"#{e.number} {e.accounting_ref}".strip(), "partner": e.partner,
                "activity": e.activity or "", "document": e.document_no, "document_date": e.document_date,
                "supplier": e.supplier, "procurement": e.procurement_ref, "description": e.description,
                "paid": e.payment_date, "units": e.units,
                "unit_rate": rate, "gross": e.gross, "vat": e.vat, "declared": e.eligible, "currency": e.currency,
                "rate": e.rate, "project_rate": e.project_rate, "converted": e.eligible_project_currency,
                "funder_part": parts[e.id].get(funder, ZERO) if funder else None,
                "attachments": "; ".join(PurePath(a).name for a in e.attachments), "comment": e.notes,
                "note": notes[e.id]}))
        if current_line is not None:
            close_line(current_line)
        for (partner, line), items in sorted(computed.items(), key=lambda item: self._line_position(item[0][1])):
            rows.append(Row((self.line_name(line),) + blank, GROUP))
            rows += [row(self.computed_cells(a, funder)) for a in items]
            rows.append(Row((w["subtotal"],) + blank, SUBTOTAL))
        return [Table("expenditure", w["expenditure_list"], tuple(columns), tuple(rows), w["total"])]

    def _line_position(self, line: str) -> int:
        return next((i for i, b in enumerate(self.definition.budget_lines) if b.code == line), 0)

    def computed_cells(self, allocation: Allocation, funder: str | None) -> dict[str, Any]:
        """A flat rate, or indirect costs held back above their cap, as the cells of a row of the list."""
        w, rules = self.words, self.definition.rules
        if allocation.kind == INDIRECT_OVER_CAP:
            label = w["indirect_over_cap"]
        else:
            flat = rules.flat_rate(allocation.cost.line)
            label = w["flat_rate_row"].format(percent=tidy_percent(flat.percent) if flat else "",
                                              lines=", ".join(self.line_name(line) for line in flat.of_lines)
                                              if flat else "")
        return {"partner": allocation.cost.partner, "description": label, "converted": allocation.cost.eligible,
                "funder_part": allocation.parts.get(funder, ZERO) if funder else None}

    def terms(self, partner: str) -> dict[str, Terms]:
        """A partner's terms by funder, worked out once for the report."""
        if partner not in self._terms:
            self._terms[partner] = {t.funder: t for t in partner_terms(self.definition, partner)}
        return self._terms[partner]

    def why_not_paid(self, expenditure: Expenditure, funder: str) -> str:
        """Why the report's funder pays nothing (or less) of a cost: its lines, dates, VAT, or named payers."""
        w = self.words
        if expenditure.payers:
            if any(p.funder == funder for p in expenditure.payers):
                return ""
            return w["paid_by_named"].format(payers=", ".join(p.funder for p in expenditure.payers))
        terms = self.terms(expenditure.partner).get(funder)
        if terms is None:
            return w["no_agreement"].format(funder=funder)
        reason = terms.excludes(cost_of(expenditure))
        if reason is None:
            return w["vat_not_paid"].format(funder=funder) if not terms.agreement.vat_eligible and \
                expenditure.eligible_vat_project_currency else ""
        return {LINE_NOT_PAID: w["line_not_paid"], ACTIVITY_NOT_PAID: w["activity_not_paid"],
                VAT_NOT_PAID: w["vat_not_paid"]}.get(reason, w["outside_dates"]).format(funder=funder)

    def category_overview(self) -> list[Table]:
        """Per budget category: unit cost, flat rate or real cost, units and rate, then the progress columns; a
        unit-cost line with bands or categories (distance, staff category) gets a row per band and rate used."""
        w, rules = self.words, self.definition.rules
        units: dict[str, Decimal] = {}
        bands: dict[str, dict[tuple[str, Decimal], Decimal]] = {}
        for e in self.given.expenditures:
            if e.units is not None:
                units[e.budget_line] = units.get(e.budget_line, ZERO) + e.units
                rate = self.unit_rate(e.budget_line, e.partner, e.rate_name)
                if e.rate_name and rate is not None:
                    band = bands.setdefault(e.budget_line, {})
                    band[(e.rate_name, rate)] = band.get((e.rate_name, rate), ZERO) + e.units
        approved = self.approved(self.partners)
        before, now = self.actual(self.partners, self.period - 1), self.actual(self.partners, self.period)
        rows = []
        blank = (None,) * (len(self.progress_columns(Column("", ""))) - 1)
        for line in self.used_lines():
            unit_cost, flat = rules.unit_cost(line), rules.flat_rate(line)
            kind = w["unit_cost"] if unit_cost else w["flat_rate"] if flat else w["real_cost"]
            progress = self.progress_row(self.line_name(line), approved.get(line, ZERO), before.get(line, ZERO),
                                         now.get(line, ZERO) - before.get(line, ZERO))
            rates = {self.unit_rate(line, partner, "") for partner in self.partners} if unit_cost else set()
            single = rates.pop() if len(rates) == 1 else None  # the one rate every partner here is paid
            rows.append(Row((progress.cells[0], kind, units.get(line) if unit_cost else None, single,
                             *progress.cells[1:])))
            rows += [Row((f"   {name}", "", count, rate, *blank))
                     for (name, rate), count in sorted(bands.get(line, {}).items())]
        first = Column("category", w["category"], TEXT, 3)
        columns = (first, Column("type", w["cost_type"], TEXT, 1.1), Column("units", w["units"], NUMBER, 0.8),
                   Column("unit_rate", w["unit_rate"], MONEY, 1), *self.progress_columns(first)[1:])
        return [Table("categories", w["category_overview"], columns, tuple(rows), w["total"])]

    def organisation_overview(self) -> list[Table]:
        """Per organisation and budget item (the Mobility Tool's budget): approved, the units and amounts of
        this period, and the totals so far against the approved amount."""
        w = self.words
        units: dict[tuple[str, str], Decimal] = {}
        for e in self.given.expenditures:
            if e.units is not None:
                units[(e.partner, e.budget_line)] = units.get((e.partner, e.budget_line), ZERO) + e.units
        rows: list[Row] = []
        first = Column("category", w["category"], TEXT, 3)
        columns = (first, Column("units", w["units"], NUMBER, 0.8), *self.progress_columns(first)[1:])
        for partner in self.definition.partners:
            approved = self.approved([partner.code])
            before, now = self.actual([partner.code], self.period - 1), self.actual([partner.code], self.period)
            lines = [b.code for b in self.definition.budget_lines if b.code in approved or b.code in now]
            if not lines:
                continue
            rows.append(Row((f"{partner.code} {partner.name}",) + (None,) * (len(columns) - 1), GROUP))
            for line in lines:
                progress = self.progress_row(self.line_name(line), approved.get(line, ZERO), before.get(line, ZERO),
                                             now.get(line, ZERO) - before.get(line, ZERO))
                rows.append(Row((progress.cells[0], units.get((partner.code, line)), *progress.cells[1:])))
            rows.append(Row((w["subtotal"],) + (None,) * (len(columns) - 1), SUBTOTAL))
        return [Table("organisations", w["organisation_overview"], columns, tuple(rows), w["total"])]

    def unit_rate(self, line: str, partner: str, name: str) -> Decimal | None:
        """The rate of a unit-cost line a partner is paid for a band (or, without one, its only rate)."""
        rules, found = self.definition.rules, self.definition.partner(partner)
        unit_cost = rules.unit_cost(line)
        if unit_cost is None or found is None:
            return None
        choice = unit_cost.choose(found.code, found.role, rules.country_group(found.country), name)
        return choice.rate.rate if choice.rate else None

    def transfers(self) -> list[Table]:
        w, rules = self.words, self.definition.rules
        # Judged where the contract judges them: each partner's categories, or the consortium's together.
        scope = [p.code for p in self.definition.partners] if rules.transfer_level == "project" else self.partners
        positions = transfer_positions(self.approved(scope), self.actual(scope, self.period), rules)
        rows = tuple(Row((self.line_name(p.line), p.approved, p.actual, p.actual - p.approved,
                          p.moved_in or (-p.moved_out if p.moved_out else ZERO), p.limit,
                          w["yes"] if p.within else w["no"])) for p in positions)
        columns = (Column("category", w["category"], TEXT, 3), Column("approved", w["approved"], MONEY, 1.3, True),
                   Column("actual", w["actual"], MONEY, 1.3, True),
                   Column("difference", w["difference"], MONEY, 1.3, True),
                   Column("moved", w["transfers"], MONEY, 1.3), Column("limit", w["transfer_limit"], MONEY, 1.2),
                   Column("within", w["within_limit"], TEXT, 0.9))
        closed = ", ".join(self.line_name(line) for line in rules.closed_lines) or "–"
        note = w["transfer_note"].format(out=tidy_percent(rules.transfer_out_percent or ZERO),
                                         into=tidy_percent(rules.transfer_in_percent or ZERO),
                                         closed=closed)
        if rules.exempt_lines:
            note += " " + w["transfer_exempt_note"].format(
                lines=", ".join(self.line_name(line) for line in rules.exempt_lines))
        if rules.transfer_level == "project":
            note += " " + w["transfer_consortium_note"]
        return [Table("transfers", w["transfers"], columns, rows, w["total"], note)]

    def payment_position(self) -> list[Table]:
        """Where the grant stands, at the level it is held: a partner's own grant in its report, a grant held by
        the project in the project report. A partner's report of a project-held grant shows its own claim only."""
        w, funder = self.words, self.given.funder
        if funder is None:
            return []
        partner = self.given.partner if len(self.definition.partners) > 1 else None
        position = next((p for p in self.given.positions if p.funder == funder.funder and p.partner == funder.partner),
                        None)
        columns = (Column("item", w["item"], TEXT, 3), Column("date", w["payment_date"], DATE, 1.2),
                   Column("amount", w["amount"], MONEY, 1.5))
        if position is None:
            return []
        if partner is not None and position.partner is None:
            claimed = self.given.financing[partner].cumulative(funder.funder, self.period)
            rows = (Row((w["partner_claim"], None, claimed)),)
            return [Table("payment", w["payment_position"], columns, rows, None, w["held_by_project"])]
        rows = [Row((w["grant_fixed"] if position.fixed else w["grant_maximum"], None, position.granted))]
        if position.prefinancing is not None:
            rows.append(Row((w["prefinancing_contract"], None, position.prefinancing)))
        rows.append(Row((w["grant_reported"], None, position.claimed)))
        if position.fixed:
            rows.append(Row((w["unused"], None, position.unused)))
        rows += [Row((w[f"payment_{p.kind}"] + (f" ({p.note})" if p.note else ""), p.date, p.received))
                 for p in position.payments]
        rows.append(Row((w["paid_total"], None, position.paid)))
        if position.ahead:
            rows.append(Row((w["paid_ahead"], None, position.ahead)))
        rows.append(Row((w["amount_due"], None, position.due)))
        tables = [Table("payment", w["payment_position"], columns, tuple(rows), None, w["payment_note"])]
        if position.instalments:
            tables.append(self.schedule(position))
        return tables

    def schedule(self, position: PaymentPosition) -> Table:
        """The grant's instalments: what each pays, what settled it, and whether it is due."""
        w = self.words
        rows = []
        for state in position.instalments:
            i = state.instalment
            when = w[f"trigger_{i.trigger}"].format(period=i.period)
            status = w[f"state_{state.status}"].format(reduction=self.money(state.reduction))
            note = w["usage"].format(used=format_percent(state.used_percent, self.given.lang),
                                     threshold=format_percent(i.threshold, self.given.lang)) \
                if state.used_percent is not None and i.threshold is not None else ""
            rows.append(Row((f"{state.number}: {when}", i.percent, state.amount, state.paid, status, note)))
        columns = (Column("instalment", w["instalment"], TEXT, 2.4), Column("percent", w["share"], PERCENT, 0.8),
                   Column("amount", w["amount"], MONEY, 1.3, True), Column("paid", w["paid"], MONEY, 1.3, True),
                   Column("status", w["status"], TEXT, 1.6), Column("note", w["note"], TEXT, 3))
        following = position.next_due
        note = w["next_due"].format(number=following.number, amount=self.money(following.open)) if following else ""
        return Table("schedule", w["payment_schedule"], columns, tuple(rows), None, note)

    def estimate_execution(self) -> list[Table]:
        """Per estimate item: what the funder's money paid and what other sources paid."""
        w, funder = self.words, self.given.funder
        approved = self.approved(self.partners)
        actual = self.actual(self.partners, self.period)
        funder_part: dict[str, Decimal] = {}
        for code in self.partners:
            if funder:
                for line, amount in self.given.financing[code].line_parts(funder.funder, self.period).items():
                    funder_part[line] = funder_part.get(line, ZERO) + amount
        rows = tuple(Row((self.line_name(line), approved.get(line, ZERO), funder_part.get(line, ZERO),
                          actual.get(line, ZERO) - funder_part.get(line, ZERO), actual.get(line, ZERO),
                          approved.get(line, ZERO) - actual.get(line, ZERO))) for line in self.used_lines())
        columns = (Column("item", w["estimate_item"], TEXT, 3), Column("planned", w["planned"], MONEY, 1.3, True),
                   Column("funder", w["funder_used"], MONEY, 1.3, True),
                   Column("other", w["other_sources"], MONEY, 1.3, True),
                   Column("actual", w["actual"], MONEY, 1.3, True), Column("deviation", w["deviation"], MONEY, 1.3, True))
        tables = [Table("estimate", w["estimate_execution"], columns, rows, w["total"])]
        position = next((p for p in self.given.positions if funder and p.funder == funder.funder and p.fixed
                         and p.partner == funder.partner), None)
        if position is not None:
            use = (Row((w["grant_fixed"], position.granted)), Row((w["used_so_far"], position.claimed)),
                   Row((w["unused"], position.unused)))
            tables.append(Table("grant_use", w["grant_use"], (Column("item", w["item"], TEXT, 3),
                                                               Column("amount", w["amount"], MONEY, 1.5)), use))
        return [*tables, *self.reconciliation()]

    def documents(self) -> list[Table]:
        w, lang = self.words, self.given.lang
        types = self.given.template.report.document_types

        def kind(number: str) -> str:
            found = next((t for t in types if t.match.casefold() in number.casefold()), None)
            return (found.names.get(lang) or found.names.get("en", "")) if found else ""

        expenditures = sorted(self.given.expenditures, key=lambda e: (e.document_date, e.number))
        # The details the template asks for, each column only where some cost of the period gives it.
        asked = self.given.template.report.document_columns
        person = "person_document" in asked and any(e.person_document for e in expenditures)
        travel = {key: "travel" in asked and any(getattr(e, key) for e in expenditures)
                  for key in ("travel_route", "travel_from", "travellers")}
        columns = (Column("no", w["row_no"], TEXT, 0.6), Column("date", w["document_date"], DATE, 1),
                   Column("document", w["document"], TEXT, 1.6), Column("type", w["document_type"], TEXT, 1.6),
                   Column("supplier", w["supplier"], TEXT, 2.2),
                   *([Column("person_document", w["person_document"], TEXT, 1.6)] if person else []),
                   Column("item", w["estimate_item"], TEXT, 2),
                   *([Column("travel_route", w["travel_route"], TEXT, 2.4)] if travel["travel_route"] else []),
                   *([Column("travel_from", w["travel_from"], DATE, 1), Column("travel_to", w["travel_to"], DATE, 1)]
                     if travel["travel_from"] else []),
                   *([Column("travellers", w["travellers"], TEXT, 1.7)] if travel["travellers"] else []),
                   Column("amount", w["amount"], MONEY, 1.2, True))
        rows = tuple(Row(tuple({
            "no": str(n), "date": e.document_date, "document": e.document_no, "type": kind(e.document_no),
            "supplier": e.supplier, "person_document": e.person_document, "item": self.line_name(e.budget_line),
            "travel_route": e.travel_route, "travel_from": e.travel_from, "travel_to": e.travel_to,
            "travellers": e.travellers, "amount": e.eligible_project_currency}[c.key] for c in columns))
            for n, e in enumerate(expenditures, 1))
        return [Table("documents", w["documents"], columns, rows, w["total"])]

    def budget_vs_actual(self) -> list[Table]:
        w, rules = self.words, self.definition.rules
        approved, actual = self.approved(self.partners), self.actual(self.partners, self.period)
        before = self.actual(self.partners, self.period - 1)
        rows = [Row((self.line_name(line), approved.get(line, ZERO), actual.get(line, ZERO) - before.get(line, ZERO),
                     actual.get(line, ZERO), approved.get(line, ZERO) - actual.get(line, ZERO),
                     _percent_of(approved.get(line, ZERO) - actual.get(line, ZERO), approved.get(line, ZERO)),
                     self.given.explanations.get(line, ""))) for line in self.used_lines()]
        note = ""
        if rules.indirect_cap_percent is not None and rules.indirect_lines:
            excess = sum((self.given.financing[p].not_claimed(self.period).get(INDIRECT_OVER_CAP, ZERO)
                          for p in self.partners), ZERO)
            indirect = sum((a for line, a in actual.items() if line in rules.indirect_lines), ZERO)
            base = sum((a for line, a in actual.items()
                        if line not in rules.indirect_lines and line not in rules.indirect_base_excludes), ZERO)
            cap = (base * rules.indirect_cap_percent / 100).quantize(CENT)
            if excess:
                excess_before = sum((self.given.financing[p].not_claimed(self.period - 1).get(INDIRECT_OVER_CAP, ZERO)
                                     for p in self.partners), ZERO)
                rows.append(Row((w["indirect_over_cap"], None, -(excess - excess_before), -excess, excess, None, "")))
            note = w["indirect_note"].format(indirect=self.money(indirect), cap=self.money(cap),
                                             percent=tidy_percent(rules.indirect_cap_percent), base=self.money(base),
                                             claimed=self.money(indirect - excess), excess=self.money(excess))
        columns = (Column("line", w["budget_line"], TEXT, 2.6), Column("budget", w["budget"], MONEY, 1.3, True),
                   Column("this_period", w["this_period"], MONEY, 1.3, True),
                   Column("actual", w["actual_to_date"], MONEY, 1.3, True),
                   Column("variance", w["variance"], MONEY, 1.3, True),
                   Column("variance_percent", w["variance_percent"], PERCENT, 1),
                   Column("explanation", w["explanation"], TEXT, 3.5))
        return [Table("budget", w["budget_vs_actual"], columns, tuple(rows), w["total"], note)]

    def funds(self) -> list[Table]:
        """The report's funder's grant money at the period's end: received, the interest the bank paid on it, what
        the costs used of it (the funder's share, the engine's) and the balance on hand; then the project's other
        sources. In a partner's report of a grant the project holds, neither: the money is the project's."""
        w, funder = self.words, self.given.funder
        found = next((f for f in self.given.funds
                      if funder and f.funder == funder.funder and f.partner == funder.partner), None)
        if found is None or (found.partner is None and self.given.partner is not None
                             and len(self.definition.partners) > 1):
            return []
        before, now, to_date = found.before, found.this_period, found.to_date
        rows = (Row((w["funds_opening"], before.balance, None)),
                Row((w["funds_received"], now.received, to_date.received)),
                Row((w["funds_interest"], now.interest, to_date.interest)),
                Row((w["funds_used"], now.used, to_date.used)),
                Row((w["funds_balance"], to_date.balance, to_date.balance)))
        columns = (Column("item", w["item"], TEXT, 4), Column("this_period", w["this_period"], MONEY, 1.3),
                   Column("so_far", w["so_far"], MONEY, 1.3))
        others = self.other_sources(found.funder)
        period = self.definition.period(self.period)
        assert period is not None
        note = w["funds_note"].format(end=self.day(period.end),
                                      funder=self.funder_names.get(found.funder, found.funder))
        if not others:
            note += " " + w["no_other_sources"]
        return [Table("funds", w["funds"], columns, rows, None, note), *others]

    def other_sources(self, funder: str) -> list[Table]:
        """Every source of the project but the report's funder: what it pays of the eligible costs this period and
        so far (the engine's split)."""
        w = self.words
        totals: dict[str, list] = {}  # by source: its agreement (None: a named payer without one), before, this period
        for partner in self.partners:
            for agreement, source, _, before, now in self.funder_rows(partner):
                if source != funder:
                    entry = totals.setdefault(source, [agreement, ZERO, ZERO])
                    entry[1] += before
                    entry[2] += now
        if not totals:
            return []
        rows = tuple(Row((("   " if agreement and agreement.part_of else "") + self.funder_names.get(source, source),
                          now, before + now)) for source, (agreement, before, now) in totals.items())
        columns = (Column("fund", w["fund"], TEXT, 4), Column("this_period", w["this_period"], MONEY, 1.3, True),
                   Column("so_far", w["so_far"], MONEY, 1.3, True))
        nested = any(a.part_of for a in self.definition.funding)  # a total would count those sources twice
        return [Table("other_funders", w["other_funders"], columns, rows, None if nested else w["total"],
                      w["other_funders_note"])]

    def exchange_rates(self) -> list[Table]:
        """The rates the period's documents in other currencies were converted at; none, no table."""
        w = self.words
        groups: dict[tuple[str, str, Decimal, Decimal | None], list[Expenditure]] = {}
        for e in self.given.expenditures:
            if e.rate is not None:
                groups.setdefault((e.document_date.isoformat()[:7], e.currency, e.rate, e.project_rate), []).append(e)
        if not groups:
            return []
        two_step = any(project_rate is not None for *_, project_rate in groups)
        rows = tuple(Row((month, currency, rate, *([project_rate] if two_step else []), len(items),
                          sum((e.eligible for e in items), ZERO), sum((e.eligible_project_currency for e in items), ZERO)))
                     for (month, currency, rate, project_rate), items in
                     sorted(groups.items(), key=lambda item: (item[0][:3], item[0][3] or ZERO)))
        currency = self.definition.project.currency
        columns = (Column("month", w["month"], TEXT, 1), Column("currency", w["currency"], TEXT, 0.8),
                   Column("rate", w["rate"], NUMBER, 1),
                   *([Column("project_rate", w["project_rate"].format(currency=currency), NUMBER, 1)] if two_step
                     else []),
                   Column("documents", w["documents_count"], INTEGER, 0.9),
                   Column("document_amount", w["in_document_currency"], MONEY, 1.4, original=True),
                   Column("converted", w["converted"].format(currency=currency), MONEY, 1.4, True))
        return [Table("rates", w["exchange_rates"], columns, rows, w["total"])]

    def activity_plan(self) -> list[Table]:
        """One table a year: per activity and funding source, planned against what each source really paid (named
        payers, else the engine's split of each cost); the year's total last."""
        w, definition = self.words, self.definition
        actual: dict[tuple[str | None, int, str | None], Decimal] = {}  # activity, year, funder (None: all)
        top = {a.funder for a in definition.funding if a.part_of is None}
        costs = [c for c in self.given.plan_costs if c.partner in self.partners]
        for allocation in self.given.financing.allocate(costs):
            cost = allocation.cost
            if cost.document_date is None:
                continue  # a flat rate of the plan's costs: not an activity's
            year = cost.document_date.year
            for funder, amount in allocation.parts.items():
                if funder in top or not any(a.funder == funder for a in definition.funding):
                    actual[(cost.activity, year, funder)] = actual.get((cost.activity, year, funder), ZERO) + amount
            actual[(cost.activity, year, None)] = actual.get((cost.activity, year, None), ZERO) + cost.eligible
        years = sorted({year for _, year, _ in actual} | {p.year for a in definition.activities for p in a.plan})
        activities = [(a.code, f"{a.code} {_in_language(a.title, self.given.lang)}", a.plan)
                      for a in definition.activities]
        if any(activity is None for activity, _, _ in actual):
            activities.append((None, w["no_activity"], ()))
        explained = self.given.plan_explanations
        # The coordinator's explanation of an activity's deviation, on its subtotal: where the rules ask for them
        explaining = explained or definition.rules.explain_variance_percent is not None
        columns = (Column("source", w["activity"], TEXT, 3), Column("planned", w["planned_total"], MONEY, 1.3, True),
                   Column("actual", w["actual_total"], MONEY, 1.3, True),
                   Column("deviation", w["deviation"], MONEY, 1.3, True),
                   *([Column("explanation", w["explanation"], TEXT, 3.5)] if explaining else []))
        blank = ("",) if explaining else ()
        tables = []
        last_year = self.definition.period(self.period).end.year  # type: ignore[union-attr]
        for year in years:
            future = year > last_year  # planned, not yet spent: no deviation to show
            rows: list[Row] = []
            for code, title, plan in activities:
                planned = [p for p in plan if p.year == year]
                if not planned and (code, year, None) not in actual:
                    continue
                rows.append(Row((title, None, None, None, *blank), GROUP))
                sources = [f.code for f in definition.funders
                           if any(p.funder == f.code for p in planned) or actual.get((code, year, f.code))]
                for source in sources:
                    plan_amount = sum((p.amount for p in planned if p.funder == source), ZERO)
                    spent = actual.get((code, year, source), ZERO)
                    rows.append(Row((self.funder_names.get(source, source), plan_amount,
                                     *((None, None) if future else (spent, plan_amount - spent)), *blank)))
                unassigned = sum((p.amount for p in planned if p.funder is None), ZERO)
                if unassigned:
                    rows.append(Row((w["other_sources"], unassigned, *((None, None) if future else (ZERO, unassigned)),
                                     *blank)))
                why = (explained.get((year, code), "") if code is not None else "",) if explaining else ()
                rows.append(Row((w["subtotal"], None, None, None, *why), SUBTOTAL))
            tables.append(Table(f"plan_{year}", f"{w['activity_plan']}: {year}", columns, tuple(rows),
                                f"{w['total']} {year}", w["plan_future_note"] if future else ""))
        return tables + self.plan_sources(actual, [y for y in years if y <= last_year])

    def plan_sources(self, actual: dict[tuple[str | None, int, str | None], Decimal], years: list[int]) -> list[Table]:
        """Per funding source and year: what it paid in (its payments that year), what the plan's costs used of it,
        and the balance carried into the next year."""
        w = self.words
        own = {f.code for f in self.definition.funders if f.kind == "own"}
        sources = [a.funder for a in self.definition.funding if a.part_of is None and a.funder not in own]
        payments = [p for position in self.given.positions for p in position.payments]
        if not sources or not years:
            return []
        rows: list[Row] = []
        for source in dict.fromkeys(sources):
            carried = ZERO
            rows.append(Row((self.funder_names.get(source, source), None, None, None, None), GROUP))
            for year in years:
                received = sum((p.received for p in payments if p.funder == source and p.date.year == year), ZERO)
                used = sum((amount for (_, y, funder), amount in actual.items() if funder == source and y == year),
                           ZERO)
                rows.append(Row((str(year), carried, received, used, carried + received - used)))
                carried += received - used
        columns = (Column("year", w["year"], TEXT, 2), Column("carried_in", w["carried_in"], MONEY, 1.3),
                   Column("received", w["received"], MONEY, 1.3), Column("used", w["used_of_source"], MONEY, 1.3),
                   Column("carried_over", w["carried_over"], MONEY, 1.3))
        return [Table("source_funds", w["plan_sources"], columns, tuple(rows), None, w["plan_sources_note"])]
