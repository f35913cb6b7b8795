"""Who really paid a cost (named payers), and what funders really paid (payments): as a user meets them."""

from __future__ import annotations

import json

import pytest

from conftest import SMALL_PROJECT, expense, row_counts
from reporter import cli
from reporter.domain.errors import Conflict, ValidationError
from reporter.domain.money import D
from reporter.services.checks import check_project, financing_view
from reporter.services.expenditures import add_expenditure, booked_split, edit_expenditure, fields_of, preview_split
from reporter.services.payments import add_payment, payment_position
from reporter.services.projects import load_project_file

# The small project with a third source that pays the staff line only.
WITH_STATE = SMALL_PROJECT.replace('''[[funding]]
funder = "ERDF"''', '''[[funders]]
code = "STATE"
name = "Valstybės biudžetas"
kind = "state"

[[funding]]
funder = "STATE"
share = 0
budget_lines = ["STAFF"]

[[funding]]
funder = "ERDF"''')


@pytest.fixture
def run(tmp_path, capsys):
    database = tmp_path / "cli.sqlite3"
    path = tmp_path / "project.toml"
    path.write_text(WITH_STATE, encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--db", str(database), *args])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("load", str(path))[0] == 0
    return run


def add(run, *extra: str) -> tuple[int, str, str]:
    return run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF", "--date",
               "2024-03-05", "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "1000.00", *extra)


def test_paid_by__named_payers_replace_the_agreements_mix_for_that_cost(run):
    code, out, _ = add(run, "--paid-by", "STATE=600, MUN=400", "--json")
    assert code == 0 and json.loads(out)["payers"] == [{"funder": "STATE", "amount": "600.00"},
                                                         {"funder": "MUN", "amount": "400.00"}]
    code, out, _ = run("financing", "--project", "LLI-501", "--partner", "LP", "--period", "1", "--json")
    funders = {f["funder"]: f for f in json.loads(out)["partners"][0]["funders"]}
    assert (funders["STATE"]["cumulative"], funders["ERDF"]["cumulative"], funders["MUN"]["cumulative"]) == (
        "600.00", "0.00", "400.00")
    assert funders["STATE"]["named"] == "600.00" and funders["ERDF"]["excluded"]["paid_by_others"] == "1000.00"
    code, out, _ = run("expense", "list", "--project", "LLI-501", "--funder", "ERDF")
    assert "No expenditure matches." in out
    code, out, _ = run("expense", "list", "--project", "LLI-501", "--funder", "STATE")
    assert "1–1 of 1" in out


def test_paid_by__one_payer_without_an_amount_pays_the_rest_and_a_decimal_comma_is_an_amount(store, project):
    saved = add_expenditure(store, project, expense(gross="1000.00", vat="0", paid_by="MUN=600,50; ERDF"))
    assert booked_split(store, project, saved.id) == {"ERDF": D("399.50"), "MUN": D("600.50")}
    assert fields_of(saved)["paid_by"] == "MUN=600.50, ERDF"


@pytest.mark.parametrize("paid_by, message", [
    ("KM", "paid_by: unknown funder 'KM' (known: ERDF, MUN)"),
    ("ERDF=600, MUN=300", "paid_by: the payers' amounts add up to 900.00, not to the eligible amount 1210.00"),
    ("ERDF, MUN", "paid_by: only one payer may be left without an amount (it pays what the others leave)"),
    ("ERDF=600, ERDF", "paid_by: ERDF is named twice"),
    ("ERDF=", "paid_by: 'ERDF=' is not a payer: write a funder code, or CODE=amount (e.g. KM=600, OWN=400)"),
    ("ERDF=1,234", "paid_by: '1,234' is ambiguous"),
    ("ERDF=2000, MUN", "paid_by: the payers' amounts add up to 2000.00, more than the eligible amount 1210.00"),
])
def test_paid_by__a_wrong_payer_is_refused_naming_the_field_and_nothing_is_saved(store, project, paid_by, message):
    before = row_counts(store)
    with pytest.raises(ValidationError) as refused:
        add_expenditure(store, project, expense(paid_by=paid_by))
    assert message in str(refused.value)
    assert row_counts(store) == before


def test_paid_by__a_payer_whose_agreement_does_not_pay_the_line_is_a_finding(tmp_path, store):
    path = tmp_path / "p.toml"
    path.write_text(WITH_STATE, encoding="utf-8")
    load_project_file(store, path)
    add_expenditure(store, "LLI-501", expense(partner="PP2", line="TRAVEL", vat="0", paid_by="STATE"))
    [found] = [f for f in check_project(store, "LLI-501").findings if f.rule == "payer"]
    assert found.severity == "error" and found.record_numbers == (1,)
    assert found.message == "#1 names STATE as its payer, but STATE's agreement does not pay budget line TRAVEL"


def test_paid_by__clearing_it_gives_the_cost_back_to_the_mix(store, project):
    saved = add_expenditure(store, project, expense(vat="0", paid_by="MUN"))
    assert booked_split(store, project, saved.id) == {"ERDF": D("0.00"), "MUN": D("1210.00")}
    edit_expenditure(store, project, saved.id, {"paid_by": ""})
    assert booked_split(store, project, saved.id) == {"ERDF": D("1028.50"), "MUN": D("181.50")}


def test_preview__follows_vat_and_dates_like_the_booked_split(store, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(SMALL_PROJECT.replace('rounding = "down"', 'rounding = "down"\nvat_eligible = false', 1),
                    encoding="utf-8")
    load_project_file(store, path)
    fields = expense(gross="1210.00", vat="210.00")
    assert dict(preview_split(store, "LLI-501", fields)) == {"ERDF": D("850.00"), "MUN": D("360.00")}
    saved = add_expenditure(store, "LLI-501", fields)
    assert booked_split(store, "LLI-501", saved.id) == {"ERDF": D("850.00"), "MUN": D("360.00")}
    late = expense(document="SF-2", date="2025-12-20", paid="2026-04-01")
    assert dict(preview_split(store, "LLI-501", late)) == {"ERDF": D("0.00"), "MUN": D("0.00")}


def test_a_funder_named_as_payer_cannot_be_removed_from_the_project(store, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(WITH_STATE, encoding="utf-8")
    load_project_file(store, path)
    add_expenditure(store, "LLI-501", expense(paid_by="STATE"))
    path.write_text(SMALL_PROJECT, encoding="utf-8")
    before = row_counts(store)
    with pytest.raises(Conflict, match="funder STATE cannot be removed: 1 named payer"):
        load_project_file(store, path)
    assert row_counts(store) == before


def test_payments__add_list_delete_and_the_position_where_the_grant_is_held(run):
    add(run, "--paid", "2024-03-10")
    code, out, _ = run("payment", "add", "--project", "LLI-501", "--funder", "ERDF", "--date", "2024-02-01",
                       "--amount", "500.00", "--kind", "prefinancing", "--note", "Nr. 17", "--json")
    assert code == 0
    payment = json.loads(out)
    assert (payment["funder"], payment["partner"], payment["amount"], payment["kind"]) == (
        "ERDF", None, "500.00", "prefinancing")
    code, out, _ = run("payment", "list", "--project", "LLI-501")
    assert "2024-02-01  ERDF    project  prefinancing  500.00  Nr. 17" in out
    assert ["ERDF", "project", "170,000.00", "850.00", "500.00", "350.00", "0.00", "–"] in [
        line.split() for line in out.splitlines()]
    code, out, _ = run("payment", "list", "--project", "LLI-501", "--json")
    [position] = [p for p in json.loads(out)["positions"] if p["funder"] == "ERDF"]
    assert (position["claimed"], position["paid"], position["due"]) == ("850.00", "500.00", "350.00")
    code, out, _ = run("payment", "delete", "--project", "LLI-501", payment["id"])
    assert code == 0 and out.startswith("Deleted payment")
    assert "No payments recorded." in run("payment", "list", "--project", "LLI-501")[1]


@pytest.mark.parametrize("args, message", [
    (("--funder", "ERDF", "--partner", "LP", "--date", "2024-02-01", "--amount", "5"),
     "partner: ERDF pays the project as a whole, not one partner: leave the partner out"),
    (("--funder", "XX", "--date", "2024-02-01", "--amount", "5"), "funder: unknown funder 'XX'"),
    (("--funder", "ERDF", "--date", "01.02.2024", "--amount", "5"),
     "date: '01.02.2024' is not a date written YYYY-MM-DD"),
    (("--funder", "ERDF", "--date", "2024-02-01", "--amount", "-5"), "amount: -5.00 is not a payment"),
    (("--funder", "ERDF", "--date", "2024-02-01", "--amount", "1,500"), "amount: '1,500' is ambiguous"),
])
def test_payments__a_wrong_payment_is_refused_with_its_place_and_reason(run, args, message):
    code, out, err = run("payment", "add", "--project", "LLI-501", *args)
    assert code == 2 and message in err
    assert "No payments recorded." in run("payment", "list", "--project", "LLI-501")[1]


def test_payments__a_partner_grant_is_paid_to_that_partner(store, project):
    position = payment_position(store, project)
    assert [(p.funder, p.partner) for p in position] == [("ERDF", None), ("MUN", None)]
    with pytest.raises(ValidationError, match="kind: 'gift' is not one of prefinancing, interim, balance, return"):
        add_payment(store, project, {"funder": "ERDF", "date": "2024-01-05", "amount": "10", "kind": "gift"})
    view = financing_view(store, project, "LP", 1)
    assert view.positions[0].claimed == D("0.00")


@pytest.mark.parametrize("terms", [
    'funder = "ERDF"\nshare = 85\nrounding = "down"\ncap = 2000.00',  # a cap reached in the middle of a line
    'funder = "ERDF"\namount = 2500.00',  # a fixed sum used up, the residual paying after it
])
def test_funder_filter__lists_exactly_the_costs_each_source_pays_something_of_when_a_limit_binds(store, tmp_path,
                                                                                                   terms):
    from reporter.domain.financing import cost_of
    from reporter.services.checks import gather_financing
    from reporter.services.expenditures import list_expenditures
    from reporter.store.expenditures import ExpenditureQuery

    path = tmp_path / "p.toml"
    path.write_text(SMALL_PROJECT.replace('funder = "ERDF"\nshare = 85\nrounding = "down"\ncap = 170000.00', terms),
                    encoding="utf-8")
    load_project_file(store, path)
    for n in range(12):
        add_expenditure(store, "LLI-501", expense(
            partner=("LP", "PP2")[n % 2], line=("STAFF", "TRAVEL")[n // 2 % 2], document=f"D-{n}", vat="0",
            gross=f"{300 + 37 * n}.{n:02d}", date=("2024-03-05", "2024-09-05")[n // 6]))
    _, financing, _ = gather_financing(store, "LLI-501")
    every = list_expenditures(store, "LLI-501", ExpenditureQuery(limit=100)).rows
    parts = {a.cost.id: a.parts for a in financing.allocate(cost_of(e) for e in every)}
    for funder in ("ERDF", "MUN"):
        listed = {e.id for e in list_expenditures(store, "LLI-501", ExpenditureQuery(funder=funder, limit=100)).rows}
        assert listed == {e.id for e in every if parts[e.id].get(funder)}, funder
        assert 0 < len(listed) < 12 or funder == "MUN" and terms.startswith('funder = "ERDF"\nshare')
