"""Build a funder report's data set from the project's figures and the funder template.

Each section a template lists is made by one function here; the words come
from `resources/translations/report-labels.toml`, overridden by the template.
The inputs are gathered by the report service; this module only arranges them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any, Callable

from reporter.domain.allocation import ShareTerms, split
from reporter.domain.checks import Finding, transfer_positions
from reporter.domain.financing import PartnerFinancing
from reporter.domain.model import Expenditure, FundingAgreement, ProjectDefinition
from reporter.domain.money import CENT, ZERO, format_amount, tidy_percent
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
    financing: dict[str, PartnerFinancing]
    expenditures: list[Expenditure]  # the period's, of the partner (or of all)
    findings: list[Finding]
    activity_years: list[tuple[str, str | None, int, Decimal]] = field(default_factory=list)
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
    funder_name = next((f.name for f in definition.funders if given.funder and f.code == given.funder.funder), "")
    period_text = words["period_value"].format(number=period.number, start=period.start, end=period.end)
    return ReportData(
        template=given.template.id,
        lang=given.lang,
        title=titles.get(given.lang) or titles.get("en") or next(iter(titles.values()), given.template.name),
        subtitle=f"{definition.project.code} · {words['period']} {period.number}",
        currency=definition.project.currency,
        header=(
            (words["project"], f"{definition.project.code} {definition.project.title}"),
            (words["partner"], f"{partner.code} {partner.name}" if partner else words["all_partners"]),
            (words["funder"], funder_name),
            (words["contract"], (given.funder.contract_number if given.funder else "")
             or definition.project.contract_number),
            (words["period"], period_text),
            (words["currency"], definition.project.currency),
            (words["generated"], given.generated.isoformat()),
        ),
        tables=tuple(table for name in sections for table in report.section(name)),
        findings_title=words["findings"],
        findings=tuple(_finding_line(f, words, given.lang) for f in given.findings),
        no_findings=words["no_findings"],
        signature_title=words["signatures"],
        signature_fields=tuple(words["signature_fields"]),
        page_label=words["page"],
        author="Grant Reporter",
        orientation=layout.orientation,
        labels={key: str(words[key]) for key in ("total", "subtotal", "summary_sheet")},
    )


def _finding_line(finding: Finding, words: dict[str, Any], lang: str) -> FindingLine:
    numbers = finding.record_numbers
    records = ", ".join(f"#{n}" for n in numbers[:20]) + (f" … (+{len(numbers) - 20})" if len(numbers) > 20 else "")
    return FindingLine(finding.severity, words[finding.severity], rule_name(finding.rule, lang),
                       finding_text(finding, lang), records)


def _percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole * 100).quantize(CENT) if whole else None


class _Builder:
    def __init__(self, given: ReportInput, words: dict[str, Any]) -> None:
        self.given = given
        self.words = words
        self.definition = given.definition
        self.period = given.period
        self.partners = [p.code for p in self.definition.partners if given.partner in (None, p.code)]

    def section(self, name: str) -> list[Table]:
        builders: dict[str, Callable[[], list[Table]]] = {
            "line_overview": self.line_overview, "cofinancing": self.cofinancing,
            "expenditure_list": self.expenditure_list, "partner_overview": self.partner_overview,
            "category_overview": self.category_overview, "transfers": self.transfers,
            "payment_position": self.payment_position, "estimate_execution": self.estimate_execution,
            "documents": self.documents, "budget_vs_actual": self.budget_vs_actual,
            "exchange_rates": self.exchange_rates, "activity_plan": self.activity_plan,
        }
        assert set(builders) == set(SECTIONS)
        return builders[name]()

    # Figures shared by the sections

    def money(self, amount: Decimal) -> str:
        return format_amount(amount, self.given.lang)

    def line_name(self, code: str) -> str:
        name = self.given.template.line_name(code, self.given.lang)
        return name or next((b.name for b in self.definition.budget_lines if b.code == code), code)

    def approved(self, partners: list[str]) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for b in self.definition.budget:
            if b.partner in partners:
                totals[b.line] = totals.get(b.line, ZERO) + b.amount
        return totals

    def actual(self, partners: list[str], through: int) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for code in partners:
            for line, amount in self.given.financing[code].line_totals(through).items():
                totals[line] = totals.get(line, ZERO) + amount
        return totals

    def used_lines(self) -> list[str]:
        approved, actual = self.approved(self.partners), self.actual(self.partners, self.period)
        return [b.code for b in self.definition.budget_lines if b.code in approved or b.code in actual]

    def progress_columns(self, first: Column) -> tuple[Column, ...]:
        w = self.words
        return (first, Column("approved", w["approved"], MONEY, 1.3, True),
                Column("previously", w["previously"], MONEY, 1.3, True),
                Column("this_period", w["this_period"], MONEY, 1.3, True),
                Column("so_far", w["so_far"], MONEY, 1.3, True), Column("used", w["used"], PERCENT, 0.9),
                Column("remaining", w["remaining"], MONEY, 1.3, True))

    def progress_row(self, label: str, approved: Decimal, previously: Decimal, this_period: Decimal) -> Row:
        so_far = previously + this_period
        return Row((label, approved, previously, this_period, so_far, _percent_of(so_far, approved),
                    approved - so_far))

    # Sections

    def line_overview(self) -> list[Table]:
        approved = self.approved(self.partners)
        before, now = self.actual(self.partners, self.period - 1), self.actual(self.partners, self.period)
        rows = [self.progress_row(self.line_name(line), approved.get(line, ZERO), before.get(line, ZERO),
                                  now.get(line, ZERO) - before.get(line, ZERO)) for line in self.used_lines()]
        return [Table("lines", self.words["line_overview"],
                      self.progress_columns(Column("line", self.words["budget_line"], TEXT, 3)), tuple(rows),
                      self.words["total"])]

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

    def funder_amounts(self) -> list[tuple[FundingAgreement, Decimal, Decimal, Decimal]]:
        """Per funder: approved (its split of the budget), previously reported and this period."""
        result: dict[str, list] = {}
        for code in self.partners:
            financing = self.given.financing[code]
            budget_total = sum(self.approved([code]).values(), ZERO)
            planned = split(budget_total, [ShareTerms(a.funder, a.share_percent, a.rounding, a.residual,
                                                      part_of=a.part_of) for a in financing.agreements])
            for agreement in financing.agreements:
                entry = result.setdefault(agreement.funder, [agreement, ZERO, ZERO, ZERO])
                entry[1] += planned.amount_of(agreement.funder)
                entry[2] += financing.cumulative(agreement.funder, self.period - 1)
                entry[3] += financing.cumulative(agreement.funder, self.period) - financing.cumulative(
                    agreement.funder, self.period - 1)
        return [tuple(entry) for entry in result.values()]  # type: ignore[misc]

    def cofinancing(self) -> list[Table]:
        names = {f.code: f.name for f in self.definition.funders}
        amounts = self.funder_amounts()

        def row(agreement: FundingAgreement, approved: Decimal, before: Decimal, now: Decimal) -> Row:
            label = ("   " if agreement.part_of else "") + names.get(agreement.funder, agreement.funder)
            progress = self.progress_row(label, approved, before, now)
            return Row((progress.cells[0], agreement.share_percent, *progress.cells[1:]))

        rows = []  # a source within another funder's part comes right under it
        for entry in amounts:
            if entry[0].part_of is None:
                rows.append(row(*entry))
                rows += [row(*inner) for inner in amounts if inner[0].part_of == entry[0].funder]
        first = Column("fund", self.words["fund"], TEXT, 3)
        columns = (first, Column("share", self.words["share"], PERCENT, 0.8), *self.progress_columns(first)[1:])
        nested = any(entry[0].part_of for entry in amounts)  # a total would count those sources twice
        return [Table("cofinancing", self.words["cofinancing"], columns, tuple(rows),
                      None if nested else self.words["total"])]

    def expenditure_list(self) -> list[Table]:
        w, currency = self.words, self.definition.project.currency
        consolidated = self.given.partner is None
        same_currency = all(e.currency == currency for e in self.given.expenditures)
        columns = [Column("no", w["row_no"], TEXT, 0.55), Column("ref", w["reference"], TEXT, 0.8)]
        if consolidated:
            columns.append(Column("partner", w["partner"], TEXT, 0.9))
        columns += [Column("document", w["document"], TEXT, 1.4),
                    Column("document_date", w["document_date"], DATE, 1.2),
                    Column("supplier", w["supplier"], TEXT, 1.9), Column("description", w["description"], TEXT, 2.3),
                    Column("paid", w["payment_date"], DATE, 1.2),
                    Column("gross", w["gross"], MONEY, 1.1, same_currency),
                    Column("vat", w["vat"], MONEY, 0.9, same_currency),
                    Column("declared", w["declared"], MONEY, 1.25, same_currency),
                    Column("currency", w["currency"], TEXT, 0.8), Column("rate", w["rate"], NUMBER, 0.8),
                    Column("converted", w["converted"].format(currency=currency), MONEY, 1.2, True)]
        rows: list[Row] = []
        blank = (None,) * (len(columns) - 1)
        current_line = None
        for n, e in enumerate(self.given.expenditures, 1):
            if e.budget_line != current_line:
                if current_line is not None:
                    rows.append(Row((w["subtotal"],) + blank, SUBTOTAL))
                current_line = e.budget_line
                rows.append(Row((self.line_name(e.budget_line),) + blank, GROUP))
            cells: list[Any] = [str(n), f"#{e.number}"]
            if consolidated:
                cells.append(e.partner)
            cells += [e.document_no, e.document_date, e.supplier, e.description, e.payment_date, e.gross, e.vat,
                      e.eligible, e.currency, e.rate, e.eligible_project_currency]
            rows.append(Row(tuple(cells)))
        if current_line is not None:
            rows.append(Row((w["subtotal"],) + blank, SUBTOTAL))
        return [Table("expenditure", w["expenditure_list"], tuple(columns), tuple(rows), w["total"])]

    def category_overview(self) -> list[Table]:
        w, rules = self.words, self.definition.rules
        units: dict[str, Decimal] = {}
        for e in self.given.expenditures:
            if e.units is not None:
                units[e.budget_line] = units.get(e.budget_line, ZERO) + e.units
        approved = self.approved(self.partners)
        before, now = self.actual(self.partners, self.period - 1), self.actual(self.partners, self.period)
        rows = []
        for line in self.used_lines():
            unit_cost, flat = rules.unit_cost(line), rules.flat_rate(line)
            kind = w["unit_cost"] if unit_cost else w["flat_rate"] if flat else w["real_cost"]
            progress = self.progress_row(self.line_name(line), approved.get(line, ZERO), before.get(line, ZERO),
                                         now.get(line, ZERO) - before.get(line, ZERO))
            rows.append(Row((progress.cells[0], kind, units.get(line) if unit_cost else None,
                             unit_cost.rate if unit_cost else None, *progress.cells[1:])))
        first = Column("category", w["category"], TEXT, 3)
        columns = (first, Column("type", w["cost_type"], TEXT, 1.1), Column("units", w["units"], NUMBER, 0.8),
                   Column("unit_rate", w["unit_rate"], MONEY, 1), *self.progress_columns(first)[1:])
        return [Table("categories", w["category_overview"], columns, tuple(rows), w["total"])]

    def transfers(self) -> list[Table]:
        w, rules = self.words, self.definition.rules
        positions = transfer_positions(self.approved(self.partners), self.actual(self.partners, self.period), rules)
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
        return [Table("transfers", w["transfers"], columns, rows, w["total"], note)]

    def payment_position(self) -> list[Table]:
        w = self.words
        funder = self.given.funder
        if funder is None:
            return []
        reported = sum((self.given.financing[p].cumulative(funder.funder, self.period) for p in self.partners), ZERO)
        agreements = [a for a in self.definition.funding if a.funder == funder.funder
                      and (a.partner is None or a.partner in self.partners)]
        maximum = sum((a.cap for a in agreements if a.cap is not None), ZERO)
        prefinancing = sum((a.prefinancing for a in agreements if a.prefinancing is not None), ZERO)
        rows = (Row((w["grant_maximum"], maximum)), Row((w["grant_reported"], reported)),
                Row((w["prefinancing"], prefinancing)), Row((w["amount_due"], reported - prefinancing)))
        return [Table("payment", w["payment_position"],
                      (Column("item", w["item"], TEXT, 3), Column("amount", w["amount"], MONEY, 1.5)), rows)]

    def estimate_execution(self) -> list[Table]:
        """Per estimate item: what the funder's money paid and what other sources paid."""
        w, funder = self.words, self.given.funder
        approved = self.approved(self.partners)
        funder_part: dict[str, Decimal] = {}
        totals: dict[str, Decimal] = {}
        for code in self.partners:
            financing = self.given.financing[code]
            terms = [ShareTerms(a.funder, a.share_percent, a.rounding, a.residual, part_of=a.part_of)
                     for a in financing.agreements]
            for number, period in financing.periods.items():
                if number > self.period:
                    continue
                for line, amount in period.lines.items():
                    paid = split(amount, terms).amount_of(funder.funder) if funder else ZERO
                    funder_part[line] = funder_part.get(line, ZERO) + paid
                    totals[line] = totals.get(line, ZERO) + amount
        rows = tuple(Row((self.line_name(line), approved.get(line, ZERO), funder_part.get(line, ZERO),
                          totals.get(line, ZERO) - funder_part.get(line, ZERO), totals.get(line, ZERO),
                          approved.get(line, ZERO) - totals.get(line, ZERO))) for line in self.used_lines())
        columns = (Column("item", w["estimate_item"], TEXT, 3), Column("planned", w["planned"], MONEY, 1.3, True),
                   Column("funder", w["funder_used"], MONEY, 1.3, True),
                   Column("other", w["other_sources"], MONEY, 1.3, True),
                   Column("actual", w["actual"], MONEY, 1.3, True), Column("deviation", w["deviation"], MONEY, 1.3, True))
        return [Table("estimate", w["estimate_execution"], columns, rows, w["total"])]

    def documents(self) -> list[Table]:
        w, lang = self.words, self.given.lang
        types = self.given.template.report.document_types

        def kind(number: str) -> str:
            found = next((t for t in types if t.match.casefold() in number.casefold()), None)
            return (found.names.get(lang) or found.names.get("en", "")) if found else ""

        rows = tuple(Row((str(n), e.document_date, e.document_no, kind(e.document_no), e.supplier,
                          self.line_name(e.budget_line), e.eligible_project_currency))
                     for n, e in enumerate(sorted(self.given.expenditures,
                                                  key=lambda e: (e.document_date, e.number)), 1))
        columns = (Column("no", w["row_no"], TEXT, 0.6), Column("date", w["document_date"], DATE, 1),
                   Column("document", w["document"], TEXT, 1.6), Column("type", w["document_type"], TEXT, 1.6),
                   Column("supplier", w["supplier"], TEXT, 2.2), Column("item", w["estimate_item"], TEXT, 2),
                   Column("amount", w["amount"], MONEY, 1.2, True))
        return [Table("documents", w["documents"], columns, rows, w["total"])]

    def budget_vs_actual(self) -> list[Table]:
        w, rules = self.words, self.definition.rules
        approved, actual = self.approved(self.partners), self.actual(self.partners, self.period)
        rows = tuple(Row((self.line_name(line), approved.get(line, ZERO), actual.get(line, ZERO),
                          approved.get(line, ZERO) - actual.get(line, ZERO),
                          _percent_of(approved.get(line, ZERO) - actual.get(line, ZERO), approved.get(line, ZERO)),
                          "")) for line in self.used_lines())
        note = ""
        if rules.indirect_cap_percent is not None and rules.indirect_lines:
            indirect = sum((a for line, a in actual.items() if line in rules.indirect_lines), ZERO)
            base = sum((a for line, a in actual.items()
                        if line not in rules.indirect_lines and line not in rules.indirect_base_excludes), ZERO)
            cap = (base * rules.indirect_cap_percent / 100).quantize(CENT)
            note = w["indirect_note"].format(indirect=self.money(indirect), cap=self.money(cap),
                                             percent=tidy_percent(rules.indirect_cap_percent), base=self.money(base))
        columns = (Column("line", w["budget_line"], TEXT, 2.6), Column("budget", w["budget"], MONEY, 1.3, True),
                   Column("actual", w["actual"], MONEY, 1.3, True), Column("variance", w["variance"], MONEY, 1.3, True),
                   Column("variance_percent", w["variance_percent"], PERCENT, 1),
                   Column("explanation", w["explanation"], TEXT, 3.5))
        return [Table("budget", w["budget_vs_actual"], columns, rows, w["total"], note)]

    def exchange_rates(self) -> list[Table]:
        w = self.words
        groups: dict[tuple[str, str, Decimal], list[Expenditure]] = {}
        for e in self.given.expenditures:
            if e.rate is not None:
                groups.setdefault((e.document_date.isoformat()[:7], e.currency, e.rate), []).append(e)
        rows = tuple(Row((month, currency, rate, len(items), sum((e.eligible for e in items), ZERO),
                          sum((e.eligible_project_currency for e in items), ZERO)))
                     for (month, currency, rate), items in sorted(groups.items()))
        currency = self.definition.project.currency
        columns = (Column("month", w["month"], TEXT, 1), Column("currency", w["currency"], TEXT, 0.8),
                   Column("rate", w["rate"], NUMBER, 1), Column("documents", w["documents_count"], INTEGER, 0.9),
                   Column("document_amount", w["in_document_currency"], MONEY, 1.4),
                   Column("converted", w["converted"].format(currency=currency), MONEY, 1.4, True))
        return [Table("rates", w["exchange_rates"], columns, rows, w["total"])]

    def activity_sources(self, partner: str, plan: tuple, year: int) -> list[ShareTerms]:
        """How an activity's actual costs of a year divide among the sources: as its plan for that
        year divides them, or, without a plan by source, as the funding agreements do."""
        planned = [p for p in plan if p.year == year and p.funder is not None and p.amount]
        total = sum((p.amount for p in planned), ZERO)
        if total:
            return [ShareTerms(p.funder, p.amount / total * 100, "half-up", residual=(i == len(planned) - 1))
                    for i, p in enumerate(planned)]
        return [ShareTerms(a.funder, a.share_percent, a.rounding, a.residual, part_of=a.part_of)
                for a in self.definition.agreements_for(partner)]

    def activity_plan(self) -> list[Table]:
        """One table a year: per activity and funding source, planned against actual; the year's total last."""
        w, definition = self.words, self.definition
        names = {f.code: f.name for f in definition.funders}
        actual: dict[tuple[str | None, int, str | None], Decimal] = {}  # activity, year, funder (None: all)
        plans = {a.code: a.plan for a in definition.activities}
        for partner, activity, year, amount in self.given.activity_years:
            if partner not in self.partners:
                continue
            for part in split(amount, self.activity_sources(partner, plans.get(activity, ()), year)).parts:
                if part.part_of is None:
                    key = (activity, year, part.funder)
                    actual[key] = actual.get(key, ZERO) + part.amount
            actual[(activity, year, None)] = actual.get((activity, year, None), ZERO) + amount
        years = sorted({year for _, year, _ in actual} | {p.year for a in definition.activities for p in a.plan})
        activities = [(a.code, f"{a.code} {a.title}", a.plan) for a in definition.activities]
        if any(activity is None for activity, _, _ in actual):
            activities.append((None, w["no_activity"], ()))
        columns = (Column("source", w["activity"], TEXT, 3), Column("planned", w["planned_total"], MONEY, 1.3, True),
                   Column("actual", w["actual_total"], MONEY, 1.3, True),
                   Column("deviation", w["deviation"], MONEY, 1.3, True))
        tables = []
        for year in years:
            rows: list[Row] = []
            for code, title, plan in activities:
                planned = [p for p in plan if p.year == year]
                if not planned and (code, year, None) not in actual:
                    continue
                rows.append(Row((title, None, None, None), GROUP))
                sources = [f.code for f in definition.funders
                           if any(p.funder == f.code for p in planned) or (code, year, f.code) in actual]
                for source in sources:
                    plan_amount = sum((p.amount for p in planned if p.funder == source), ZERO)
                    spent = actual.get((code, year, source), ZERO)
                    rows.append(Row((names.get(source, source), plan_amount, spent, plan_amount - spent)))
                unassigned = sum((p.amount for p in planned if p.funder is None), ZERO)
                if unassigned:
                    rows.append(Row((w["other_sources"], unassigned, ZERO, unassigned)))
                rows.append(Row((w["subtotal"], None, None, None), SUBTOTAL))
            tables.append(Table(f"plan_{year}", f"{w['activity_plan']}: {year}", columns, tuple(rows),
                                f"{w['total']} {year}"))
        return tables
