"""Contract checks: for each rule the holding and the breaking case, on small projects from project files."""

import json
from decimal import Decimal

import pytest

from conftest import row_counts
from reporter import cli
from reporter.domain.errors import UserError, ValidationError
from reporter.domain.money import D
from reporter.services.checks import check_project, financing_view
from reporter.services.currency import set_rate
from reporter.services.expenditures import add_expenditure, edit_expenditure
from reporter.services.periods import reopen_period
from reporter.services.reports import submit_period
from reporter.services.projects import load_project_file

HEAD = """\
[project]
code = "CHK-1"
title = "Patikros projektas"
start = 2024-01-01
end = 2024-12-31
currency = "EUR"
template = "generic"

[[partners]]
code = "LP"
name = "Panevėžio apskrities Gabrielės Petkevičaitės-Bitės viešoji biblioteka"
role = "lead"

[[partners]]
code = "PP2"
name = "Valmieras bibliotēka"

[[funders]]
code = "EU"
name = "ERDF"
kind = "eu"

[[funders]]
code = "OWN"
name = "Nuosavos lėšos"
kind = "own"

[[periods]]
number = 1
start = 2024-01-01
end = 2024-06-30

[[periods]]
number = 2
start = 2024-07-01
end = 2024-12-31
"""

SPLIT_85_15 = """
[[funding]]
funder = "EU"
share = 85
rounding = "down"

[[funding]]
funder = "OWN"
share = 15
residual = true
"""

BUDGET = """
[[budget]]
partner = "LP"
line = "STAFF"
amount = 1000.00

[[budget]]
partner = "LP"
line = "TRAVEL"
amount = 1000.00

[[budget]]
partner = "PP2"
line = "STAFF"
amount = 1000.00
"""


def load(store, tmp_path, *parts: str) -> str:
    path = tmp_path / "chk.toml"
    path.write_text(HEAD + "".join(parts), encoding="utf-8")
    return load_project_file(store, path).code


def spend(store, code="CHK-1", **fields) -> str:
    values = {"partner": "LP", "line": "STAFF", "date": "2024-03-01", "document": f"D-{spend.counter}",
              "supplier": "UAB Tiekėjas", "gross": "100.00", "paid": "2024-03-10"}
    spend.counter += 1
    values.update(fields)
    return add_expenditure(store, code, values).id


spend.counter = 1


def findings(store, rule=None, **filters):
    return [f for f in check_project(store, "CHK-1", **filters).findings if rule is None or f.rule == rule]


# The split in the financing view


def test_financing__splits_each_partner_by_period_and_cumulatively(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    spend(store, gross="100.01")
    spend(store, gross="200.00", date="2024-08-01", paid="2024-08-05")
    view = financing_view(store, "CHK-1", partner="LP", period=2)
    lp = view.partners[0]
    assert (lp.eligible_this_period, lp.eligible_cumulative) == (D("200.00"), D("300.01"))
    eu, own = lp.funders
    assert (eu.this_period, eu.cumulative) == (D("170.00"), D("255.00"))  # 85.00 (down) + 170.00
    assert (own.this_period, own.cumulative) == (D("30.00"), D("45.01"))
    assert not findings(store, "share")


def test_financing__excludes_lines_a_funder_does_not_pay_and_says_so(store, tmp_path):
    load(store, tmp_path, """
[[funding]]
funder = "EU"
share = 85
rounding = "down"
budget_lines = ["STAFF"]

[[funding]]
funder = "OWN"
share = 15
residual = true
rule = "min"
""", BUDGET)
    spend(store, line="STAFF", gross="1000.00")
    spend(store, line="TRAVEL", gross="200.00")
    eu, own = financing_view(store, "CHK-1", partner="LP", period=1).partners[0].funders
    assert (eu.cumulative, eu.excluded.lines_not_paid) == (D("850.00"), D("200.00"))
    assert own.cumulative == D("350.00")


def test_financing__excludes_vat_from_a_funder_that_does_not_pay_it(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15.replace('rounding = "down"\n', 'rounding = "down"\nvat_eligible = false\n', 1),
         BUDGET)
    spend(store, gross="121.00", vat="21.00")
    eu = financing_view(store, "CHK-1", partner="LP", period=1).partners[0].funders[0]
    assert (eu.excluded.ineligible_vat, eu.cumulative) == (D("21.00"), D("85.00"))


def test_financing__json_amounts_are_strings_with_two_decimals(store, tmp_path, capsys):
    db = tmp_path / "cli.sqlite3"
    path = tmp_path / "p.toml"
    path.write_text(HEAD + SPLIT_85_15 + BUDGET, encoding="utf-8")
    cli.main(["--db", str(db), "load", str(path)])
    cli.main(["--db", str(db), "expense", "add", "--project", "CHK-1", "--partner", "LP", "--line", "STAFF",
              "--date", "2024-03-01", "--document", "A", "--supplier", "B", "--gross", "10000.01"])
    capsys.readouterr()
    assert cli.main(["--db", str(db), "financing", "--project", "CHK-1", "--period", "1", "--json"]) == 0
    view = json.loads(capsys.readouterr().out)
    eu = view["partners"][0]["funders"][0]
    assert (eu["funder"], eu["this_period"], eu["cumulative"], eu["share_percent"]) == ("EU", "8500.00", "8500.00", "85")
    assert view["partners"][0]["funders"][1]["this_period"] == "1500.01"


# 1. Shares and the financing plan


def test_share__a_plan_that_adds_up_holds(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    spend(store, gross="333.33")
    assert findings(store, "share") == []


def test_share__an_exact_residual_may_absorb_a_cent_from_each_rounded_source(store, tmp_path):
    # 1 000.07: EU 85 % down 850.05 (short by 0.0095), STATE 5 % 50.00 (short by 0.0035), OWN 100.02 for 100.007.
    load(store, tmp_path, """
[[funders]]
code = "STATE"
name = "Valstybės biudžetas"
kind = "state"

[[funding]]
funder = "EU"
share = 85
rounding = "down"

[[funding]]
funder = "STATE"
share = 5

[[funding]]
funder = "OWN"
share = 10
residual = true
""", BUDGET)
    spend(store, gross="1000.07")
    assert findings(store, "share") == []


def test_share__a_plan_below_100_percent_is_an_error_and_leaves_costs_unpaid(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15.replace("share = 15\nresidual = true", "share = 10"), BUDGET)
    spend(store, gross="100.00")
    found = findings(store, "share", partner="LP")
    assert [(f.severity, f.message) for f in found] == [
        ("error", "The financing plan of LP adds up to 95 %, not 100 %"),
        ("warning", "5.00 of LP's eligible costs is paid by no funder (no residual source takes it)"),
    ]


def test_share__a_residual_that_must_stay_at_most_its_rate_breaks_when_others_pay_less(store, tmp_path):
    load(store, tmp_path, """
[[funding]]
funder = "EU"
share = 85
rounding = "down"
budget_lines = ["TRAVEL"]

[[funding]]
funder = "OWN"
share = 15
residual = true
rule = "max"
""", BUDGET)
    first = spend(store, gross="100.00")
    [found] = findings(store, "share", partner="LP")
    assert (found.funder, found.records, found.expected, found.actual) == ("OWN", (first,), D("15.00"), D("100.00"))
    assert found.message == "OWN pays 100.00 % of LP's eligible costs in all periods; the agreement says at most 15 %"


def test_own_contribution__rule_min_breaks_when_others_take_too_much(store, tmp_path):
    load(store, tmp_path, """
[[funding]]
funder = "EU"
share = 90
rounding = "down"

[[funding]]
funder = "OWN"
share = 15
residual = true
rule = "min"
""", BUDGET)
    spend(store, gross="100.00")
    found = findings(store, "own-contribution")
    assert [(f.partner, f.expected, f.actual) for f in found] == [("LP", D("15.00"), D("10.00"))]


# 2. Caps


def test_cap__holds_below_and_above_it_the_residual_takes_what_the_cap_holds_back(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15.replace('rounding = "down"', 'rounding = "down"\ncap = 170.00', 1), BUDGET)
    spend(store, gross="100.00")
    spend(store, partner="PP2", gross="100.00")
    assert findings(store, "cap") == []
    spend(store, partner="PP2", gross="0.02")
    [found] = findings(store, "cap")
    assert (found.severity, found.funder, found.partner, found.actual) == ("warning", "EU", "PP2", D("0.01"))
    assert found.message == "EU has reached its cap of 170.00 for PP2: 0.01 of its share is left to OWN"
    pp2 = financing_view(store, "CHK-1", partner="PP2", period=1).partners[0]
    assert [(f.funder, f.cumulative) for f in pp2.funders] == [("EU", D("85.00")), ("OWN", D("15.02"))]


def test_cap__a_residual_above_its_cap_is_an_error(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15.replace("residual = true", "residual = true\ncap = 15.00"), BUDGET)
    spend(store, gross="100.00")
    assert findings(store, "cap") == []
    spend(store, gross="0.07")  # OWN takes 0.02 of it: 15.02 in all
    [found] = findings(store, "cap")
    assert (found.severity, found.funder, found.expected, found.actual) == ("error", "OWN", D("15.00"), D("15.02"))


# 3. Budget lines


FLEX = """
[rules]
line_flexibility_percent = 20
"""


def test_budget_line__within_flexibility_is_information_only(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, FLEX)
    spend(store, gross="1150.00")
    [found] = findings(store, "budget-line")
    assert found.severity == "info" and found.budget_line == "STAFF"


def test_budget_line__beyond_flexibility_is_an_error_with_its_records(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, FLEX)
    first = spend(store, gross="1000.00")
    second = spend(store, gross="200.01", date="2024-08-01", paid="2024-08-02")
    [found] = findings(store, "budget-line")
    assert (found.severity, found.expected, found.actual) == ("error", D("1200.00"), D("1200.01"))
    assert found.records == (first, second)
    assert findings(store, "budget-line", period=1) == []


def test_budget_total__over_the_partner_budget_is_an_error(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, FLEX)
    spend(store, partner="PP2", gross="1100.00")
    spend(store, partner="PP2", line="TRAVEL", gross="10.00")
    found = findings(store, "budget-total")
    assert [(f.partner, f.expected, f.actual) for f in found] == [("PP2", D("1000.00"), D("1110.00"))]


TRANSFERS = """
[rules]
transfer_out_percent = 20
transfer_in_percent = 20
closed_lines = ["SERVICES"]

[[budget]]
partner = "LP"
line = "SERVICES"
amount = 1000.00
"""


def test_transfers__within_the_limits_hold(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, TRANSFERS)
    spend(store, line="STAFF", gross="1200.00")
    spend(store, line="TRAVEL", gross="800.00")
    assert findings(store, "transfer") == [] and findings(store, "budget-line") == []


def test_transfers__too_much_in_too_much_out_and_into_a_closed_category(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, TRANSFERS)
    spend(store, line="STAFF", gross="1300.00")
    spend(store, line="TRAVEL", gross="500.00")
    spend(store, line="SERVICES", gross="1000.01")
    messages = [f.message for f in findings(store, "transfer")]
    assert messages == [
        "LP SERVICES received 0.01 from other categories; nothing may be moved into it",
        "LP STAFF received 300.00 from other categories; at most 20 % of its budget (200.00) may be moved into it",
        "LP TRAVEL gave 300.01 to other categories; at most 20 % of its budget (200.00) may be moved out",
    ]


# 4. Flat rates


FLAT = """
[[budget_lines]]
code = "STAFF"
name = "Personalas"

[[budget_lines]]
code = "OFFICE"
name = "Biuro išlaidos"

[[budget_lines]]
code = "STAFF20"
name = "Personalas (20 % fiksuota norma)"

[[budget_lines]]
code = "TRAVEL"
name = "Kelionės"

[[flat_rates]]
line = "OFFICE"
percent = 15
of = ["STAFF"]
rounding = "down"

[[flat_rates]]
line = "STAFF20"
percent = 20
of = ["TRAVEL"]
excludes = ["OFFICE"]

[[budget]]
partner = "LP"
line = "STAFF"
amount = 20000.00

[[budget]]
partner = "LP"
line = "OFFICE"
amount = 3000.00
"""


def test_flat_rate__is_computed_from_its_base_and_truncated(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, FLAT)
    spend(store, line="STAFF", gross="12345.67")
    lp = financing_view(store, "CHK-1", partner="LP", period=1).partners[0]
    assert lp.flat_rates_this_period == {"OFFICE": D("1851.85")}
    assert lp.eligible_this_period == D("14197.52")
    assert findings(store, "flat-rate") == []


def test_flat_rate__cannot_be_entered_by_hand(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, FLAT)
    with pytest.raises(ValidationError, match="OFFICE is a flat rate"):
        spend(store, line="OFFICE", gross="50.00")


def test_flat_rate__a_row_put_there_by_another_tool_is_an_error(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, FLAT)
    row = spend(store, line="STAFF", gross="50.00")
    office = store.projects.ids("CHK-1").budget_lines["OFFICE"]
    store.db.execute("UPDATE expenditures SET budget_line_id = ? WHERE id = ?", [office, row])
    [found] = findings(store, "flat-rate")
    assert found.records == (row,) and "entered on it by hand" in found.message


def test_flat_rate__two_that_exclude_each_other_are_refused(store, tmp_path):
    before = row_counts(store)
    with pytest.raises(ValidationError, match="flat rates OFFICE and STAFF20 exclude each other"):
        load(store, tmp_path, SPLIT_85_15, FLAT, """
[[budget]]
partner = "LP"
line = "STAFF20"
amount = 100.00
""")
    assert row_counts(store) == before


# 5. Unit costs


UNITS = """
[[unit_costs]]
line = "SERVICES"
rate = 33.33
unit = "hour"
"""


def test_unit_cost__units_times_rate_truncated(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, UNITS)
    add = {"line": "SERVICES", "units": "7,5", "description": "Konsultacijos, 7,5 val."}
    row = spend(store, **add, gross="")
    saved = store.expenditures.get(store.projects.ids("CHK-1").project, row)
    assert (saved.eligible, saved.gross) == (D("249.97"), D("249.97"))
    assert findings(store, "unit-cost") == []
    with pytest.raises(ValidationError, match=r"counts 7.5 × 33.33 = 249.97; leave the gross out \(or give 249.97\)"):
        spend(store, **add, gross="0")


def test_unit_cost__needs_units_and_a_matching_amount(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, UNITS)
    with pytest.raises(ValidationError, match="give the number of units"):
        spend(store, line="SERVICES", gross="249.97", description="Konsultacijos")
    row = spend(store, line="SERVICES", units="7.5", gross="", eligible="260.00", description="Konsultacijos")
    [found] = findings(store, "unit-cost")
    assert (found.records, found.expected, found.actual) == ((row,), D("249.97"), D("260.00"))


# 6. Indirect cost cap


INDIRECT = """
[rules]
indirect_cap_percent = 10
indirect_lines = ["OTHER"]
indirect_base_excludes = ["EQUIPMENT"]
"""


def test_indirect_cap__holds_at_the_cap(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, INDIRECT)
    spend(store, line="STAFF", gross="1000.00")
    spend(store, line="EQUIPMENT", gross="5000.00")
    spend(store, line="OTHER", gross="100.00")
    assert findings(store, "indirect-cap") == []


def test_indirect_cap__above_it_is_an_error_without_counting_excluded_bases(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, INDIRECT)
    spend(store, line="STAFF", gross="1000.00")
    spend(store, line="EQUIPMENT", gross="5000.00")
    other = spend(store, line="OTHER", gross="100.01")
    [found] = findings(store, "indirect-cap")
    assert (found.expected, found.actual, found.records) == (D("100.00"), D("100.01"), (other,))


# 7. Eligibility


WINDOW = SPLIT_85_15.replace('rounding = "down"', 'rounding = "down"\neligible_from = 2024-02-01\neligible_to = 2024-11-30',
                             1) + """
[rules]
payment_grace_days = 30
"""


def test_eligibility__documents_and_payments_inside_the_window_hold(store, tmp_path):
    load(store, tmp_path, WINDOW, BUDGET)
    spend(store, date="2024-02-01", paid="2024-02-03")
    spend(store, date="2024-11-30", paid="2024-12-30")
    assert findings(store, "eligibility") == []


def test_eligibility__outside_the_funders_window_is_excluded_and_named(store, tmp_path):
    load(store, tmp_path, WINDOW, BUDGET)
    early = spend(store, date="2024-01-15", paid="2024-01-20")
    late_payment = spend(store, date="2024-11-20", paid="2024-12-31")
    unpaid = spend(store, date="2024-05-05", paid="")
    found = findings(store, "eligibility")
    assert [(f.severity, f.funder, f.records) for f in found] == [
        ("error", "EU", (early, late_payment)), ("warning", None, (unpaid,))]
    assert "before the eligible start 2024-02-01" in found[0].message
    assert "after the last eligible payment date 2024-12-30" in found[0].message
    eu = financing_view(store, "CHK-1", partner="LP", period=2).partners[0].funders[0]
    assert eu.excluded.ineligible_expenditure == D("200.00")


def test_eligibility__a_document_outside_its_reporting_period_is_a_warning(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    assert findings(store, "reporting-period") == []
    late = spend(store, date="2024-03-01", period="2")
    [found] = findings(store, "reporting-period")
    assert (found.severity, found.records, found.period) == ("warning", (late,), 2)


# 8. Double funding


def test_double_funding__one_document_split_across_partners_holds_up_to_its_gross(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    spend(store, partner="LP", document="SF-0117", supplier="UAB „Knyga“", gross="300.00", eligible="150.00")
    spend(store, partner="PP2", document="SF 0117", supplier="uab knyga", gross="300.00", eligible="150.00")
    assert findings(store, "double-funding") == []


def test_double_funding__the_same_document_claimed_twice_is_an_error(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    first = spend(store, partner="LP", document="SF-0117", supplier="UAB „Knyga“", gross="300.00")
    second = spend(store, partner="PP2", document="sf 0117", supplier="UAB Knyga", gross="300.00",
                   date="2024-08-01", paid="2024-08-03")
    [found] = findings(store, "double-funding")
    assert (found.records, found.expected, found.actual) == ((first, second), D("300.00"), D("600.00"))


# 9. Currency


def test_currency__a_rate_changed_after_entry_is_a_warning_until_the_row_follows(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    set_rate(store, "PLN", "2024-03", "4.3150")
    row = spend(store, currency="PLN", gross="431.50")
    assert findings(store, "currency") == []
    set_rate(store, "PLN", "2024-03", "4.3000")
    [found] = findings(store, "currency")
    assert (found.severity, found.records, found.expected, found.actual) == ("warning", (row,), "4.3000", "4.3150")
    edit_expenditure(store, "CHK-1", row, {"rate": "4.3000"})
    assert findings(store, "currency") == []


def test_currency__a_foreign_row_without_a_rate_is_an_error(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    row = spend(store, gross="100.00")
    store.db.execute("UPDATE expenditures SET currency = 'SEK' WHERE id = ?", [row])
    [found] = findings(store, "currency")
    assert (found.severity, found.records) == ("error", (row,))


def test_currency__the_rate_of_a_submitted_period_stays_frozen(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    set_rate(store, "PLN", "2024-03", "4.3150")
    row = spend(store, currency="PLN", gross="431.50")
    submit_period(store, "CHK-1", 1)
    set_rate(store, "PLN", "2024-03", "4.3000")
    assert findings(store, "currency") == []
    assert store.expenditures.get(store.projects.ids("CHK-1").project, row).rate == Decimal("4.3150")


# 10. Period lock


def test_period_lock__a_submitted_period_changed_behind_the_programs_back_is_an_error(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    row = spend(store)
    submit_period(store, "CHK-1", 1)
    assert findings(store, "period-lock") == []
    store.db.execute("DROP TRIGGER locked_expenditure_update")  # a tool that knows the schema's guard
    store.db.execute("UPDATE expenditures SET description = 'changed', updated_at = '2999-01-01T00:00:00+00:00' "
                     "WHERE id = ?", [row])
    [found] = findings(store, "period-lock")
    assert (found.records, found.period) == ((row,), 1)


def test_period_lock__reopen_needs_a_reason_and_is_logged(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET)
    row = spend(store)
    submit_period(store, "CHK-1", 1)
    with pytest.raises(UserError, match="say why"):
        reopen_period(store, "CHK-1", 1, " ")
    reopen_period(store, "CHK-1", 1, "auditor asked to correct #1")
    edit_expenditure(store, "CHK-1", row, {"gross": "90.00"})
    last = [e for e in store.audit_entries("reporting_periods")][-1]
    assert last["new_values"]["status"] == "open"
    assert last["new_values"]["status_note"] == "reopened: auditor asked to correct #1"


# The command


def test_check_command__exits_1_on_errors_and_0_when_rules_hold(tmp_path, capsys):
    db = tmp_path / "cli.sqlite3"
    path = tmp_path / "p.toml"
    path.write_text(HEAD + SPLIT_85_15.replace("share = 15\nresidual = true", "share = 10") + BUDGET, encoding="utf-8")
    cli.main(["--db", str(db), "load", str(path)])
    capsys.readouterr()
    assert cli.main(["--db", str(db), "check", "--project", "CHK-1", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["findings"][0]["rule"] == "share"
    assert set(result["findings"][0]) >= {"rule", "severity", "message", "project", "partner", "funder", "budget_line",
                                          "period", "expected", "actual", "records"}
    path.write_text(HEAD + SPLIT_85_15 + BUDGET, encoding="utf-8")
    cli.main(["--db", str(db), "load", str(path)])
    capsys.readouterr()
    assert cli.main(["--db", str(db), "check", "--project", "CHK-1"]) == 0
    assert capsys.readouterr().out.strip() == "No findings: every contract rule holds."


def test_own_contribution__at_or_above_its_minimum_holds(store, tmp_path):
    load(store, tmp_path, """
[[funding]]
funder = "EU"
share = 85
rounding = "down"

[[funding]]
funder = "OWN"
share = 15
residual = true
rule = "min"
""", BUDGET)
    spend(store, gross="99.99")
    assert findings(store, "own-contribution") == [] and findings(store, "share") == []


def test_financing__partner_contribution_sources_as_the_interreg_monitoring_system_shows_them(store, tmp_path):
    load(store, tmp_path, """
[[funders]]
code = "AUTO"
name = "Automatic public contribution"
kind = "state"

[[funders]]
code = "PUB"
name = "Public contribution"
kind = "municipality"

[[funding]]
funder = "EU"
share = 85
rounding = "down"

[[funding]]
funder = "OWN"
share = 15
residual = true

[[funding]]
funder = "AUTO"
share = 5
part_of = "OWN"

[[funding]]
funder = "PUB"
share = 10
part_of = "OWN"
""", BUDGET.replace("amount = 1000.00", "amount = 20000.00"))
    spend(store, gross="10000.01")
    lp = financing_view(store, "CHK-1", partner="LP", period=1).partners[0]
    assert [(f.funder, f.part_of, f.this_period) for f in lp.funders] == [
        ("EU", None, D("8500.00")), ("OWN", None, D("1500.01")), ("AUTO", "OWN", D("500.00")),
        ("PUB", "OWN", D("1000.00"))]
    assert findings(store, "share") == []


def test_funding__sources_within_a_part_taking_more_than_it_are_refused_naming_the_share(store, tmp_path):
    from conftest import row_counts

    before = row_counts(store)
    with pytest.raises(ValidationError) as raised:
        load(store, tmp_path, SPLIT_85_15 + """
[[funders]]
code = "AUTO"
name = "Automatic public contribution"
kind = "state"

[[funders]]
code = "PUB"
name = "Public contribution"
kind = "municipality"

[[funding]]
funder = "AUTO"
share = 12
part_of = "OWN"

[[funding]]
funder = "PUB"
share = 5
part_of = "OWN"
""", BUDGET)
    assert "funding[4].share: the sources within OWN's part take 17 % of the costs, more than its own 15 %" in str(
        raised.value)
    assert row_counts(store) == before


def test_funding__part_of_an_unknown_source_is_refused(store, tmp_path):
    with pytest.raises(ValidationError, match="part_of"):
        load(store, tmp_path, SPLIT_85_15 + '\n[[funding]]\nfunder = "OWN"\npartner = "LP"\nshare = 5\npart_of = "XX"\n',
             BUDGET)


def test_financing__worked_out_again_after_any_write_by_this_or_another_connection(tmp_path, project_file):
    import sqlite3

    from conftest import expense
    from reporter.store import Store

    store = Store.open(tmp_path / "db.sqlite3")
    code = load_project_file(store, project_file).code
    add_expenditure(store, code, expense(gross="100.00", vat="0"))
    first = financing_view(store, code, period=1).partners[0].eligible_cumulative
    add_expenditure(store, code, expense(gross="50.00", vat="0", document="SF-2"))
    second = financing_view(store, code, period=1).partners[0].eligible_cumulative
    other = sqlite3.connect(tmp_path / "db.sqlite3")
    with other:
        other.execute("UPDATE expenditures SET eligible_project_currency_cents = 1000 WHERE number = 2")
    other.close()
    third = financing_view(store, code, period=1).partners[0].eligible_cumulative
    store.close()
    assert (first, second, third) == (D("100.00"), D("150.00"), D("110.00"))


# What a funder asks of a trip and of a payment to a person (the culture funders' templates list the lines)

DETAILS = """
[rules]
travel_lines = ["TRAVEL"]
person_document_lines = ["SERVICES"]
"""
TRIP = {"line": "TRAVEL", "travel_route": "Panevėžys–Vilnius–Panevėžys", "travel_from": "2024-02-27",
        "travel_to": "2024-02-28", "travellers": "2"}


def test_details__trips_with_route_dates_and_persons_and_fees_naming_the_persons_certificate_hold(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15.replace("residual = true", "residual = true\nin_kind = true"), DETAILS)
    spend(store, **TRIP)
    spend(store, **{**TRIP, "travel_to": "", "travellers": "Rasa Petraitienė"})  # a one-day trip
    spend(store, line="SERVICES", supplier="Vaiva Rimkutė", person_document="Autorinė sutartis Nr. AS-24/007")
    spend(store, line="SERVICES", supplier="Talkininkai", document="", in_kind="20 h × 10.00 EUR")
    spend(store, line="TRAVEL", gross="-40.00", document="KR-1")  # a correction refers to its trip
    spend(store, line="STAFF")  # a line the rules do not list
    assert findings(store, "details") == []


def test_details__a_trip_lacking_route_dates_or_persons_and_a_fee_without_the_persons_document_are_warnings(
        store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, DETAILS)
    spend(store, **TRIP)
    no_route = spend(store, **{**TRIP, "travel_route": ""})
    no_days = spend(store, **{**TRIP, "travel_from": "", "travel_to": ""})
    no_persons = spend(store, **{**TRIP, "travellers": "", "date": "2024-08-01", "paid": "2024-08-05"})
    fee = spend(store, line="SERVICES", supplier="Vaiva Rimkutė")
    travel, person = sorted(findings(store, "details"), key=lambda f: f.message_id, reverse=True)
    assert (travel.severity, travel.partner, travel.budget_line, set(travel.records)) == (
        "warning", "LP", "TRAVEL", {no_route, no_days, no_persons})
    assert travel.message == ("3 cost(s) of LP on TRAVEL lack some of what the funder asks of a trip (its route, its "
                              "first and last day, the persons travelling): #2, #3, #4")
    assert (person.records, person.message) == ((fee,), (
        "1 payment(s) of LP on SERVICES do not name the individual-activity certificate, business licence or "
        "author's contract of the person paid, which the funder asks of payments to natural persons: #5"))
    assert [f.records for f in findings(store, "details", period=2)] == [(no_persons,)]
    edit_expenditure(store, "CHK-1", "5", {"person_document": "IVP Nr. 1187342"})
    assert [f.message_id for f in findings(store, "details")] == ["details.travel"]


def test_details__a_rule_naming_a_line_the_project_lacks_is_refused(store, tmp_path):
    with pytest.raises(ValidationError, match="rules.travel_lines: .*'CATERING'"):
        load(store, tmp_path, SPLIT_85_15, DETAILS.replace('"TRAVEL"', '"CATERING"'))
    assert row_counts(store)["projects"] == 0
