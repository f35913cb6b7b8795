"""The contract terms real projects sign: each rule holding and breaking, on small project files."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from conftest import row_counts
from reporter import cli
from reporter.domain.errors import ValidationError
from reporter.domain.money import D
from reporter.domain.payments import PAID, REDUCED, WAITING
from reporter.services.checks import check_project, financing_view
from reporter.services.currency import set_rate
from reporter.services.expenditures import add_expenditure
from reporter.services.payments import add_payment, payment_position
from reporter.services.projects import export_project, load_project_file
from reporter.services.reports import submit_period

# An Erasmus+ KA2 partnership on the template's rate tables: the coordinator in Latvia, partners in
# Lithuania (country group 4) and Norway (group 1).
ERASMUS = """\
[project]
code = "KA2-T"
title = "Reading mentors"
start = 2021-01-01
end = 2022-12-31
template = "erasmus-plus-ka2-2014-2020"

[[partners]]
code = "P1"
name = "Latvijas Bibliotekāru biedrība"
country = "LV"
role = "lead"

[[partners]]
code = "P2"
name = "Kauno apskrities viešoji biblioteka"
country = "LT"

[[partners]]
code = "P3"
name = "Deichman Oslo"
country = "NO"

[[funders]]
code = "EU"
name = "Erasmus+"
kind = "eu"

[[funding]]
funder = "EU"
share = 100
cap = 30000.00

[[budget]]
partner = "P1"
line = "PMI"
amount = 6000.00

[[budget]]
partner = "P2"
line = "PMI"
amount = 3000.00

[[budget]]
partner = "P1"
line = "TPM"
amount = 1150.00

[[budget]]
partner = "P2"
line = "TPM"
amount = 1150.00

[[budget]]
partner = "P2"
line = "IO"
amount = 2000.00

[[budget]]
partner = "P3"
line = "IO"
amount = 3000.00

[[budget]]
partner = "P1"
line = "EXC"
amount = 1000.00

[[budget]]
partner = "P2"
line = "SN"
amount = 500.00

[[periods]]
number = 1
start = 2021-01-01
end = 2021-12-31

[[periods]]
number = 2
start = 2022-01-01
end = 2022-12-31
"""


def load(store, tmp_path, text: str, *extra: str) -> str:
    path = tmp_path / "project.toml"
    path.write_text(text + "".join(extra), encoding="utf-8")
    return load_project_file(store, path).code


def declare(store, partner: str, line: str, units: str, rate_name: str = "", **fields: str):
    """A unit-cost declaration as a partner makes it: units, a date and a description, nothing invented."""
    values = {"partner": partner, "line": line, "date": "2021-06-30", "units": units, "rate_name": rate_name,
              "description": f"{line} {units} {rate_name}".strip(), **fields}
    return add_expenditure(store, "KA2-T", values)


def spend(store, code: str, **fields: str):
    values = {"date": "2021-05-10", "document": f"SF-{spend.counter}", "supplier": "UAB Tiekėjas", **fields}
    values.setdefault("paid", values["date"])
    spend.counter += 1
    return add_expenditure(store, code, values)


spend.counter = 1


def findings(store, code: str, rule: str):
    return [f for f in check_project(store, code).findings if f.rule == rule]


# 1. Rate tables


def test_rate_table__management_is_500_a_month_for_the_coordinator_and_250_for_a_partner(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    lead, partner = declare(store, "P1", "PMI", "12"), declare(store, "P2", "PMI", "12")
    assert (lead.eligible, lead.gross, lead.document_no) == (D("6000.00"), D("6000.00"), "")
    assert (partner.eligible, partner.gross) == (D("3000.00"), D("3000.00"))
    assert findings(store, "KA2-T", "unit-cost") == []


def test_rate_table__staff_days_by_category_and_the_partners_country_group(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    lithuania = declare(store, "P2", "IO", "10", "Manager")
    norway = declare(store, "P3", "IO", "10", "manager")  # case and spaces do not matter
    assert (lithuania.eligible, norway.eligible) == (D("880.00"), D("2940.00"))
    assert (lithuania.rate_name, norway.rate_name) == ("Manager", "Manager")


@pytest.mark.parametrize("rate_name, message", [
    ("", "rate_name: IO has several rates: name one of Manager, Teacher/Trainer/Researcher/Youth worker, "
         "Technician, Administrative staff"),
    ("Director", "rate_name: "),
])
def test_rate_table__a_line_with_categories_needs_one_of_them_named(store, tmp_path, rate_name, message):
    load(store, tmp_path, ERASMUS)
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        declare(store, "P2", "IO", "10", rate_name)
    assert message in str(raised.value)
    assert row_counts(store) == before


def test_rate_table__a_name_on_a_line_of_one_rate_is_refused(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    with pytest.raises(ValidationError, match="rate_name"):
        declare(store, "P2", "PMI", "12", "Manager")


def test_rate_table__a_project_file_overrides_the_templates_rates(store, tmp_path):
    load(store, tmp_path, ERASMUS, """
[[unit_costs]]
line = "PMI"
unit = "month"

[[unit_costs.rates]]
role = "lead"
rate = 600.00

[[unit_costs.rates]]
partner = "P2"
rate = 300.00
""")
    assert declare(store, "P1", "PMI", "2").eligible == D("1200.00")
    assert declare(store, "P2", "PMI", "2").eligible == D("600.00")
    with pytest.raises(ValidationError, match=r"units: PMI has no rate for partner P3 \(role partner, country group 1\)"):
        declare(store, "P3", "PMI", "2")


def test_rate_table__unknown_country_group_or_role_in_a_project_file_is_named(store, tmp_path):
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        load(store, tmp_path, ERASMUS, """
[[unit_costs]]
line = "PMI"

[[unit_costs.rates]]
country_group = "7"
rate = 100.00

[[unit_costs.rates]]
role = "coordinator"
rate = 100.00
""")
    text = str(raised.value)
    assert "unit_costs[1].rates[1].country_group" in text and "unit_costs[1].rates[2].role" in text
    assert row_counts(store) == before


def test_unit_declaration__needs_units_a_date_and_a_description_but_no_gross_or_document(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    with pytest.raises(ValidationError, match="description"):
        declare(store, "P2", "PMI", "12", description="")
    with pytest.raises(ValidationError, match="12 × 250.00 = 3000.00"):
        declare(store, "P2", "PMI", "12", gross="2500.00")
    assert declare(store, "P2", "PMI", "12", gross="3000.00").eligible == D("3000.00")


def test_unit_declaration__on_the_command_line_with_a_rate_name(tmp_path, capsys):
    path = tmp_path / "project.toml"
    path.write_text(ERASMUS, encoding="utf-8")
    database = str(tmp_path / "db.sqlite3")
    assert cli.main(["--db", database, "load", str(path)]) == 0
    capsys.readouterr()
    code = cli.main(["--db", database, "expense", "add", "--project", "KA2-T", "--partner", "P2", "--line", "TPM",
                     "--date", "2021-04-20", "--units", "2", "--rate-name", "100-1999 km",
                     "--description", "Meeting in Riga, 2 participants", "--json"])
    saved = json.loads(capsys.readouterr().out)
    assert code == 0 and (saved["eligible"], saved["rate_name"], saved["units"]) == ("1150.00", "100-1999 km", "2")


# 2. Transfers at the contract's level


def test_transfers__a_partners_overspent_line_is_fine_when_the_consortiums_category_is_within(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    declare(store, "P1", "TPM", "4", "100-1999 km")  # P1 2300 against its 1150, the consortium 2300 of 2300
    assert findings(store, "KA2-T", "transfer") == []


def test_transfers__judged_for_the_consortium_with_closed_and_exempt_lines(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    declare(store, "P1", "TPM", "6", "100-1999 km")  # 3450 against 2300: 1150 in, 20 % allows 460
    declare(store, "P1", "PMI", "13")  # 6500 + 3000 against 9000: into a closed line
    declare(store, "P2", "PMI", "12")
    spend(store, "KA2-T", partner="P2", line="SN", gross="900.00")  # exempt: 400 over, no transfer
    found = findings(store, "KA2-T", "transfer")
    assert "SN" not in {f.budget_line for f in found}
    assert [f.message for f in found if f.message_id != "transfer.out"] == [
        "the consortium PMI received 500.00 from other categories; nothing may be moved into it",
        "the consortium TPM received 1150.00 from other categories; at most 20 % of its budget (460.00) may be "
        "moved into it",
    ]


# 3. Line caps and eligible shares of real costs


def test_line_cap__of_the_project_holds_at_the_cap_and_breaks_above(store, tmp_path):
    load(store, tmp_path, ERASMUS, """
[[line_caps]]
line = "ME"
amount = 1000.00
""")
    declare(store, "P1", "ME", "3", "international")
    declare(store, "P2", "ME", "4", "local")
    assert findings(store, "KA2-T", "line-cap") == []
    declare(store, "P2", "ME", "1", "local", date="2022-03-01")
    [found] = findings(store, "KA2-T", "line-cap")
    assert found.message == "ME: 1100.00 declared for the project, above the 1000.00 the rules allow"


def test_cost_share__exceptional_costs_count_75_percent_of_the_real_cost(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    saved = spend(store, "KA2-T", partner="P1", line="EXC", gross="1000.01")
    assert (saved.gross, saved.eligible) == (D("1000.01"), D("750.00"))
    assert spend(store, "KA2-T", partner="P2", line="SN", gross="200.00").eligible == D("200.00")


@pytest.mark.parametrize("level, errors", [("project", 0), ("partner", 1)])
def test_transfers__the_level_the_rules_name_decides_whose_categories_are_judged(store, tmp_path, level, errors):
    load(store, tmp_path, ERASMUS, f'\n[rules]\ntransfer_level = "{level}"\n')
    declare(store, "P1", "TPM", "4", "100-1999 km")  # P1 2300 against its 1150; the consortium 2300 of 2300
    assert len([f for f in findings(store, "KA2-T", "transfer") if f.budget_line == "TPM"]) == errors


# 4. Payment schedules


def test_instalments__first_paid_second_waits_for_its_report_then_is_due_when_70_percent_is_used(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    add_payment(store, "KA2-T", {"funder": "EU", "date": "2021-01-20", "amount": "12000.00", "kind": "prefinancing"})
    declare(store, "P1", "PMI", "12")
    declare(store, "P2", "PMI", "12")
    declare(store, "P3", "IO", "0.5", "Manager")  # 6000 + 3000 + 147 = 9147: 76.2 % of 12 000
    [position] = payment_position(store, "KA2-T")
    first, second, final = position.instalments
    assert (first.status, first.amount, first.paid) == (PAID, D("12000.00"), D("12000.00"))
    assert (second.status, second.amount, second.used_percent) == (WAITING, D("12000.00"), D("76.2"))
    assert final.status == WAITING and position.next_due is second
    submit_period(store, "KA2-T", 1, today=date(2022, 1, 31), force=True)
    [position] = payment_position(store, "KA2-T")
    second = position.instalments[1]
    assert (second.status, second.amount, second.reduction) == ("due", D("12000.00"), D("0.00"))
    assert position.next_due is second and second.open == D("12000.00")


def test_instalments__below_the_threshold_the_next_is_reduced_by_the_shortfall(store, tmp_path, capsys):
    load(store, tmp_path, ERASMUS)
    add_payment(store, "KA2-T", {"funder": "EU", "date": "2021-01-20", "amount": "12000.00", "kind": "prefinancing"})
    declare(store, "P1", "PMI", "12")  # 6000: 50 % of the first instalment, 70 % (8400) needed
    submit_period(store, "KA2-T", 1, today=date(2022, 1, 31), force=True)
    second = payment_position(store, "KA2-T")[0].instalments[1]
    assert (second.status, second.used_percent, second.reduction, second.amount) == (
        REDUCED, D("50.0"), D("2400.00"), D("9600.00"))


def test_instalments__the_financing_command_shows_the_schedule_and_the_next_payment(tmp_path, capsys):
    path = tmp_path / "project.toml"
    path.write_text(ERASMUS, encoding="utf-8")
    database = str(tmp_path / "db.sqlite3")
    run = lambda *args: cli.main(["--db", database, *args])  # noqa: E731
    assert run("load", str(path)) == 0
    assert run("payment", "add", "--project", "KA2-T", "--funder", "EU", "--date", "2021-01-20", "--amount",
               "12000.00", "--kind", "prefinancing") == 0
    assert run("expense", "add", "--project", "KA2-T", "--partner", "P1", "--line", "PMI", "--date", "2021-06-30",
               "--units", "18", "--description", "Management, 18 months") == 0  # 9000: 75 %
    capsys.readouterr()
    assert run("financing", "--project", "KA2-T") == 0
    out = capsys.readouterr().out
    assert "75.0 % of the earlier instalments used, 70 % needed" in out
    assert "Next: instalment 2, 12,000.00 to be paid." in out


def test_instalments__an_incomplete_one_in_a_project_file_is_named(store, tmp_path):
    with pytest.raises(ValidationError, match=r"instalments\[1\]"):
        load(store, tmp_path, ERASMUS, '\n[[instalments]]\npercent = 40\ntrigger = "report"\n')  # no period


# 5. Contributions in kind


IN_KIND = """\
[project]
code = "KIND-1"
title = "Skaitymo savanoriai"
start = 2024-01-01
end = 2024-12-31
currency = "EUR"
template = "generic"

[[partners]]
code = "LP"
name = "Alytaus krašto biblioteka"
role = "lead"

[[funders]]
code = "FOUND"
name = "Fondas"
kind = "foundation"

[[funders]]
code = "OWN"
name = "Nuosavos lėšos"
kind = "own"

[[funding]]
funder = "FOUND"
share = 80
rounding = "down"

[[funding]]
funder = "OWN"
share = 20
residual = true
in_kind = true

[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31
"""


def test_in_kind__counts_for_the_source_whose_agreement_takes_it_and_is_kept_with_its_basis(store, tmp_path):
    load(store, tmp_path, IN_KIND)
    spend(store, "KIND-1", partner="LP", line="STAFF", date="2024-03-01", gross="1000.00")
    kind = spend(store, "KIND-1", partner="LP", line="STAFF", date="2024-03-02", gross="250.00", document="",
                 supplier="Savanoriai", in_kind="20 h × 12.50 EUR of volunteers' reading sessions")
    assert kind.in_kind == "20 h × 12.50 EUR of volunteers' reading sessions"
    [lp] = financing_view(store, "KIND-1", partner="LP").partners
    funders = {f.funder: f.cumulative for f in lp.funders}
    assert funders == {"FOUND": D("800.00"), "OWN": D("450.00")}  # the volunteers' work is the library's share


def test_in_kind__is_refused_where_no_agreement_takes_contributions_in_kind(store, tmp_path):
    load(store, tmp_path, IN_KIND.replace("in_kind = true\n", ""))
    before = row_counts(store)
    with pytest.raises(ValidationError, match="in_kind: no funding agreement of LP takes contributions in kind"):
        spend(store, "KIND-1", partner="LP", line="STAFF", date="2024-03-02", gross="250.00", document="",
              supplier="Savanoriai", in_kind="20 h × 12.50 EUR")
    assert row_counts(store) == before


# 6. Currencies: a document through the euro, agreements and reports in the funder's currency

# A national programme kept in US dollars: the foundation pays at most 75 %, the government's
# co-funding is granted in litas (converted at the rates of November 2008), the library the rest.
PROGRAMME = """\
[project]
code = "BP-T"
title = "Bibliotekos pažangai"
start = 2008-11-01
end = 2012-10-31
currency = "USD"
template = "foundation-budget-vs-actual"

[[partners]]
code = "LNB"
name = "Lietuvos nacionalinė Martyno Mažvydo biblioteka"
country = "LT"
role = "lead"

[[funders]]
code = "BMGF"
name = "Bill & Melinda Gates Foundation"
kind = "foundation"

[[funders]]
code = "LRV"
name = "Lietuvos Respublikos Vyriausybė"
kind = "state"

[[funders]]
code = "OWN"
name = "Nuosavos lėšos"
kind = "own"

[[funding]]
funder = "BMGF"
share = 75
rule = "max"
rounding = "down"
cap = 15200000.00

[[funding]]
funder = "LRV"
share = 25
currency = "LTL"
rate_month = "2008-11"
cap = 12500000.00

[[funding]]
funder = "OWN"
share = 0
residual = true

[[periods]]
number = 1
start = 2008-11-01
end = 2009-10-31
"""


@pytest.fixture
def programme(store, tmp_path) -> str:
    set_rate(store, "USD", "2008-11", "1.2732")
    set_rate(store, "USD", "2009-03", "1.3050")
    return load(store, tmp_path, PROGRAMME)


def test_currency__a_litas_document_in_a_dollar_project_goes_through_the_euro_with_both_rates_kept(store, programme):
    saved = spend(store, programme, partner="LNB", line="EQUIPMENT", date="2009-03-16", gross="3452.80",
                  currency="LTL")
    assert (saved.rate, saved.project_rate, saved.eligible_project_currency) == (
        Decimal("3.45280"), Decimal("1.3050"), D("1305.00"))  # 3 452.80 LTL = 1 000.00 EUR = 1 305.00 USD
    given = spend(store, programme, partner="LNB", line="EQUIPMENT", date="2009-03-17", gross="3452.80",
                  currency="LTL", project_rate="1.30")
    assert (given.project_rate, given.eligible_project_currency) == (Decimal("1.30"), D("1300.00"))


def test_currency__a_euro_document_and_a_one_step_document_refuse_a_second_rate(store, programme):
    assert spend(store, programme, partner="LNB", line="TRAVEL", date="2009-03-02", gross="100.00",
                 currency="EUR").eligible_project_currency == D("130.50")
    with pytest.raises(ValidationError, match="project_rate"):
        spend(store, programme, partner="LNB", line="TRAVEL", date="2009-03-02", gross="100.00", currency="EUR",
              project_rate="1.30")


def test_currency__a_cap_in_litas_is_converted_at_its_agreements_month(store, programme):
    # 12 500 000 LTL / 3.45280 = 3 620 250.23 EUR × 1.2732 = 4 609 302.59 USD
    lnb = financing_view(store, programme, partner="LNB").partners[0]
    assert {f.funder: f.cap for f in lnb.funders}["LRV"] == D("4609302.59")


def test_currency__an_agreement_whose_months_rate_is_not_stored_is_refused_until_it_is(store, tmp_path):
    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        load(store, tmp_path, PROGRAMME)
    assert ("funding[2].rate_month: no USD rate is stored for 2008-11, the month the agreement's amounts convert at; "
            "store it first: grant-reporter rate set USD 2008-11 RATE") in str(raised.value)
    assert row_counts(store) == before
    set_rate(store, "USD", "2008-11", "1.2732")
    assert load(store, tmp_path, PROGRAMME) == "BP-T"


def test_currency__the_governments_report_is_written_in_litas_with_the_rates_said(store, programme, tmp_path):
    from reporter.services.reports import report_data

    spend(store, programme, partner="LNB", line="EQUIPMENT", date="2009-03-16", gross="3452.80", currency="LTL")
    data, _ = report_data(store, programme, 1, funder="LRV", lang="en", today=date(2009, 11, 30))
    assert data.currency == "LTL"
    note = dict(data.header)["Conversion"]
    assert "1 EUR = 1.2732 USD" in note and "1 EUR = 3.45280 LTL" in note and "2008-11" in note
    budget = next(t for t in data.tables if t.key == "budget")
    # 1 305.00 USD at the agreement's rates: / 1.2732 = 1 024.98 EUR × 3.45280 = 3 539.05 LTL
    assert any(D("3539.05") in row.cells for row in budget.rows)
    listed = next(t for t in data.tables if t.key == "expenditure")
    assert any(D("3452.80") in row.cells and "LTL" in row.cells for row in listed.rows)  # the document as it is


def test_currency__a_report_addressed_to_a_named_funder_is_a_file_of_its_own(store, programme, tmp_path):
    from reporter.services.reports import write_report

    spend(store, programme, partner="LNB", line="EQUIPMENT", date="2009-03-16", gross="3452.80", currency="LTL")
    [default] = write_report(store, programme, 1, tmp_path, lang="en", formats=["xlsx"], today=date(2009, 11, 30))
    [addressed] = write_report(store, programme, 1, tmp_path, lang="en", formats=["xlsx"], funder="LRV",
                               today=date(2009, 11, 30))
    assert "-LRV-" in addressed.path.name and "-LRV-" not in default.path.name
    assert default.path.exists() and default.sha256 != addressed.sha256


# 7. Own templates


def test_templates__the_users_folder_and_templates_dir_come_before_the_programs_own(tmp_path, capsys, monkeypatch):
    from reporter.paths import templates_dir, user_templates_dir

    own = user_templates_dir()
    own.mkdir(parents=True)
    text = (templates_dir() / "generic.toml").read_text(encoding="utf-8")
    (own / "city-library-fund.toml").write_text(
        text.replace('id = "generic"', 'id = "city-library-fund"').replace(
            'name = "Generic', 'name = "City library fund'), encoding="utf-8")
    given = tmp_path / "given"
    given.mkdir()
    (given / "generic.toml").write_text(text.replace('name = "Generic', 'name = "Our generic'), encoding="utf-8")
    (given / "broken.toml").write_text('id = "broken"\nname = "Broken"\n[rules]\ntransfer_level = "region"\n',
                                       encoding="utf-8")
    assert cli.main(["templates", "--templates", str(given), "--json"]) == 0
    out, err = capsys.readouterr()
    listed = {t["id"]: t["name"] for t in json.loads(out)["templates"]}
    assert listed["city-library-fund"].startswith("City library fund")
    assert listed["generic"].startswith("Our generic") and "broken" not in listed
    assert "broken.toml" in json.dumps(json.loads(out)) + err and "rules.transfer_level" in json.dumps(
        json.loads(out)) + err


def test_templates__a_project_on_a_broken_template_is_refused_with_the_templates_problems(store, tmp_path):
    from reporter.paths import user_templates_dir

    user_templates_dir().mkdir(parents=True)
    (user_templates_dir() / "city-fund.toml").write_text(
        'id = "city-fund"\nname = "City fund"\n[[unit_costs]]\nline = "X"\nrate = 5\nrates = []\nprice = 3\n',
        encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        load(store, tmp_path, IN_KIND.replace('template = "generic"', 'template = "city-fund"'))
    text = str(raised.value)
    assert "project.template: template city-fund.toml:" in text
    assert "unit_costs[1].price: unknown key" in text and "unit_costs[1].rate: give one rate or a table" in text


# 8. Names per language


def test_labels__names_given_in_each_language_show_in_the_report_of_that_language(store, tmp_path):
    from reporter.services.reports import report_data

    code = load(store, tmp_path, IN_KIND, """
[[budget_lines]]
code = "KITS"
name = { en = "Digital mentoring kits", lt = "Skaitmeniniai rinkiniai", lv = "Digitālie komplekti" }

[[activities]]
code = "A1"
title = { en = "Reading clubs", lt = "Skaitymo klubai", lv = "Lasīšanas klubi" }
""")
    spend(store, code, partner="LP", line="KITS", date="2024-05-10", gross="400.00", activity="A1")
    latvian, _ = report_data(store, code, 1, lang="lv", template_id="foundation-budget-vs-actual",
                             today=date(2024, 12, 31))
    english, _ = report_data(store, code, 1, lang="en", template_id="foundation-budget-vs-actual",
                             today=date(2024, 12, 31))
    assert "Digitālie komplekti" in _words(latvian) and "Skaitmeniniai rinkiniai" not in _words(latvian)
    assert "Digital mentoring kits" in _words(english)
    exported = export_project(store, code)
    assert 'name = { en = "Digital mentoring kits", lt = "Skaitmeniniai rinkiniai", lv = "Digitālie komplekti" }' \
        in exported


def _words(data) -> str:
    return " ".join(str(cell) for table in data.tables for row in table.rows for cell in row.cells)


# 9. The plan and the budget agree


PLAN = """\
[project]
code = "PLAN-T"
title = "Draugijos veiklos planas"
start = 2024-01-01
end = 2025-12-31
currency = "EUR"
template = "multi-year-plan"

[[partners]]
code = "LBD"
name = "Lietuvos bibliotekininkų draugija"
role = "lead"

[[funders]]
code = "KM"
name = "Kultūros ministerija"
kind = "state"

[[funders]]
code = "OWN"
name = "Nuosavos lėšos"
kind = "own"

[[funding]]
funder = "KM"
share = 80
rounding = "down"

[[funding]]
funder = "OWN"
share = 20
residual = true

[[periods]]
number = 1
start = 2024-01-01
end = 2024-12-31

[[periods]]
number = 2
start = 2025-01-01
end = 2025-12-31

[[activities]]
code = "A1"
title = "Seminarai"

[[activities.planned]]
year = 2024
amount = 1000.00
line = "EVENTS"

[[activities]]
code = "A2"
title = "Leidinys"

[[activities.planned]]
year = 2025
amount = 2000.00
line = "PUBLICATIONS"
"""


def test_plan__kept_by_budget_line_is_the_budget_and_spending_within_it_raises_nothing(store, tmp_path):
    load(store, tmp_path, PLAN)
    definition = store.projects.definition("PLAN-T")
    assert {(b.line, b.amount) for b in definition.approved} == {("EVENTS", D("1000.00")),
                                                                 ("PUBLICATIONS", D("2000.00"))}
    spend(store, "PLAN-T", partner="LBD", line="EVENTS", date="2024-04-10", gross="1000.00", activity="A1")
    found = [f for f in check_project(store, "PLAN-T").findings if f.rule in ("plan", "budget-line", "activity")]
    assert found == []


def test_plan__an_activity_over_its_plan_or_without_one_in_a_year_is_named(store, tmp_path):
    load(store, tmp_path, PLAN)
    spend(store, "PLAN-T", partner="LBD", line="EVENTS", date="2024-04-10", gross="5000.00", activity="A1")
    spend(store, "PLAN-T", partner="LBD", line="PUBLICATIONS", date="2024-05-10", gross="300.00", activity="A2")
    messages = sorted(f.message for f in findings(store, "PLAN-T", "plan"))
    assert messages == [
        "A1 2024: 5000.00 spent against a plan of 1000.00, 4000.00 over (the flexibility allows 500.00)",
        "A2 2024: 300.00 spent, but the plan has nothing for it",
    ]


def test_plan__a_budget_entered_apart_that_disagrees_with_the_plan_is_named(store, tmp_path):
    by_source = PLAN.replace('amount = 1000.00\nline = "EVENTS"', 'amount = 1000.00\nfunder = "KM"')
    load(store, tmp_path, by_source, """
[[budget]]
partner = "LBD"
line = "EVENTS"
amount = 1200.00
year = 2024
activity = "A1"
""")
    [found] = findings(store, "PLAN-T", "plan")
    assert found.message == "A1 2024: the plan says 1000.00, the budget 1200.00"


def test_plan__by_line_and_a_budget_for_the_same_activity_and_year_is_refused(store, tmp_path):
    before = row_counts(store)
    with pytest.raises(ValidationError, match=r"activities\[1\].planned: A1 2024: the plan gives the budget by line"):
        load(store, tmp_path, PLAN, '\n[[budget]]\npartner = "LBD"\nline = "EVENTS"\namount = 1000.00\n'
                                    'year = 2024\nactivity = "A1"\n')
    assert row_counts(store) == before


def test_plan__an_unknown_line_or_partner_in_the_plan_is_named_by_its_key(store, tmp_path):
    with pytest.raises(ValidationError) as raised:
        load(store, tmp_path, PLAN.replace('line = "EVENTS"', 'line = "CONCERTS"\npartner = "VMS"'))
    assert "activities[1].planned[1].line: unknown budget line 'CONCERTS'" in str(raised.value)
    assert "activities[1].planned[1].partner: unknown partner 'VMS'" in str(raised.value)


def test_plan__the_template_wants_every_cost_in_an_activity(store, tmp_path):
    load(store, tmp_path, PLAN)
    spend(store, "PLAN-T", partner="LBD", line="EVENTS", date="2024-04-10", gross="100.00")
    [found] = findings(store, "PLAN-T", "activity")
    assert found.message == ("1 expenditure(s) of LBD belong to no activity; the template wants every cost in an "
                             "activity of the plan")
    load(store, tmp_path, PLAN.replace('template = "multi-year-plan"',
                                       'template = "multi-year-plan"\n\n[rules]\nactivity_required = false'))
    assert findings(store, "PLAN-T", "activity") == []


def test_export__a_template_term_set_back_to_the_general_default_survives_export_and_reload(store, tmp_path):
    path = tmp_path / "project.toml"
    path.write_text('line_caps = []\n\n' + ERASMUS + '\n[rules]\ntransfer_level = "partner"\nclosed_lines = []\n',
                    encoding="utf-8")
    load_project_file(store, path)
    rules = store.projects.definition("KA2-T").rules
    assert (rules.transfer_level, rules.closed_lines, rules.line_caps) == ("partner", (), ())
    exported = export_project(store, "KA2-T")
    assert "line_caps = []" in exported and 'transfer_level = "partner"' in exported
    assert "[[unit_costs]]" not in exported  # the template's rate tables, unchanged, are left to it
    path.write_text(exported, encoding="utf-8")
    again = load_project_file(store, path).summary
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert store.projects.definition("KA2-T").rules == rules


def test_transfers__a_partners_report_shows_the_consortiums_table_where_the_consortium_is_judged(store, tmp_path):
    from reporter.services.reports import report_data

    load(store, tmp_path, ERASMUS)
    declare(store, "P1", "TPM", "4", "100-1999 km")  # P1 2300 against its 1150; the consortium 2300 of 2300
    data, _ = report_data(store, "KA2-T", 1, partner="P1", lang="en", today=date(2021, 12, 31))
    table = next(t for t in data.tables if t.key == "transfers")
    meetings = next(row for row in table.rows if row.cells[0] == "Transnational project meetings")
    assert meetings.cells[1:4] == (D("2300.00"), D("2300.00"), D("0.00")) and meetings.cells[-1] == "yes"
    assert "judged for the whole partnership" in table.note and "Outside these limits: Special needs" in table.note


def test_in_kind__reports_show_them_apart_with_their_basis(store, tmp_path):
    from reporter.services.reports import report_data

    load(store, tmp_path, IN_KIND)
    spend(store, "KIND-1", partner="LP", line="STAFF", date="2024-03-01", gross="1000.00")
    spend(store, "KIND-1", partner="LP", line="STAFF", date="2024-03-02", gross="250.00", document="",
          supplier="Savanoriai", in_kind="20 h × 12.50 EUR of volunteers' reading sessions")
    data, _ = report_data(store, "KIND-1", 1, lang="en", today=date(2024, 12, 31))
    in_kind = next(t for t in data.tables if t.key == "in_kind")
    assert [row.cells for row in in_kind.rows] == [("LP – Nuosavos lėšos", D("250.00"), D("250.00"))]
    listed = next(t for t in data.tables if t.key == "expenditure")
    assert any("In kind: 20 h × 12.50 EUR of volunteers' reading sessions" in row.cells for row in listed.rows)


def test_template_currency__an_erasmus_project_is_kept_in_euro(store, tmp_path):
    with pytest.raises(ValidationError, match="project.currency: the template erasmus-plus-ka2-2014-2020 keeps its "
                                              "projects in EUR, not NOK"):
        load(store, tmp_path, ERASMUS.replace('template = "erasmus', 'currency = "NOK"\ntemplate = "erasmus'))


def test_cost_share__an_eligible_amount_above_the_share_is_refused(store, tmp_path):
    load(store, tmp_path, ERASMUS)
    before = row_counts(store)
    with pytest.raises(ValidationError, match="eligible: EXC counts 75 % of the real cost: at most 750.00 is eligible"):
        spend(store, "KA2-T", partner="P1", line="EXC", gross="1000.00", eligible="800.00")
    assert row_counts(store) == before
    assert spend(store, "KA2-T", partner="P1", line="EXC", gross="1000.00", eligible="600.00").eligible == D("600.00")


def test_labels__a_funder_named_in_each_language_is_named_so_in_the_report(store, tmp_path):
    from reporter.services.reports import report_data

    code = load(store, tmp_path, IN_KIND.replace(
        'name = "Fondas"', 'name = { lt = "Regioninės plėtros fondas", lv = "Reģionālās attīstības fonds", '
                           'en = "Regional development fund" }'))
    spend(store, code, partner="LP", line="STAFF", date="2024-05-10", gross="400.00")
    latvian, _ = report_data(store, code, 1, lang="lv", today=date(2024, 12, 31))
    assert dict(latvian.header)["Finansētājs"] == "Reģionālās attīstības fonds"
    assert "Reģionālās attīstības fonds" in _words(latvian) and "Regioninės" not in _words(latvian)
    assert 'name = { lt = "Regioninės plėtros fondas"' in export_project(store, code)


def test_plan_report__a_year_to_come_shows_its_plan_only_and_funds_are_carried_over_by_source(store, tmp_path):
    from reporter.services.reports import report_data

    load(store, tmp_path, PLAN)
    spend(store, "PLAN-T", partner="LBD", line="EVENTS", date="2024-04-10", gross="500.00", activity="A1")
    add_payment(store, "PLAN-T", {"funder": "KM", "date": "2024-02-15", "amount": "1000.00"})
    data, _ = report_data(store, "PLAN-T", 1, lang="en", today=date(2024, 12, 31))
    coming = next(t for t in data.tables if t.key == "plan_2025")
    # no actual, no deviation, nothing to explain
    assert [row.cells[2:] for row in coming.rows if row.kind == "data"] == [(None, None, "")]
    assert coming.note == "A year still to come: planned only."
    funds = next(t for t in data.tables if t.key == "source_funds")
    assert [row.cells for row in funds.rows if row.kind == "data"] == [
        ("2024", D("0.00"), D("1000.00"), D("400.00"), D("600.00"))]  # KM pays 80 % of the 500.00
