"""Project definition files: load, export, round trip, and refusal of bad files with nothing written."""

import dataclasses

import pytest

from conftest import SMALL_PROJECT, expense, row_counts
from reporter.domain.errors import Conflict, ValidationError
from reporter.domain.model import Partner, SubGrant
from reporter.domain.money import D
from reporter.domain.records import record_fields
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import export_project, load_project_file, project_definition


def _write(tmp_path, text, name="project.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load__creates_the_project_with_its_template_budget_lines(store, project_file):
    result = load_project_file(store, project_file)
    assert result.summary.created
    definition = project_definition(store, "LLI-501")
    assert [b.code for b in definition.budget_lines] == ["STAFF", "OFFICE", "TRAVEL", "EXTERNAL", "EQUIPMENT", "INFRA"]
    assert definition.partner("LP").name == "Šiaulių apskrities Povilo Višinskio viešoji biblioteka"
    assert definition.partner("PP2").vat_recoverable
    erdf = definition.funding[0]
    assert (erdf.funder, erdf.share_percent, erdf.rounding, erdf.cap) == ("ERDF", 85, "down", D("170000.00"))
    assert [(b.partner, b.line, b.amount) for b in definition.budget] == [("LP", "STAFF", D("40000.00")),
                                                                         ("PP2", "TRAVEL", D("5000.00"))]


def test_load__twice_changes_nothing(store, project_file):
    load_project_file(store, project_file)
    audit_before = len(store.audit_entries())
    counts_before = row_counts(store)
    again = load_project_file(store, project_file)
    assert not again.summary.changed and not again.summary.created
    assert len(store.audit_entries()) == audit_before
    assert row_counts(store) == counts_before


def test_export__round_trips_through_load(store, project_file, tmp_path):
    load_project_file(store, project_file)
    exported = export_project(store, "LLI-501")
    assert "[[partners]]" in exported and 'name = "Jelgavas pilsētas bibliotēka"' in exported
    path = _write(tmp_path, exported, "exported.toml")
    result = load_project_file(store, path)
    assert not result.summary.changed
    from reporter.store import Store

    fresh = Store.in_memory()
    load_project_file(fresh, path)
    assert project_definition(fresh, "LLI-501") == project_definition(store, "LLI-501")
    assert export_project(fresh, "LLI-501") == exported


def test_export__keeps_activities_plans_and_optional_keys(store, tmp_path):
    text = SMALL_PROJECT + """
[[activities]]
code = "A1"
title = "Skaitmeninių paslaugų mokymai"

[[activities.planned]]
year = 2024
amount = 1500.50
funder = "ERDF"

[[activities.planned]]
year = 2025
amount = 700

[[budget]]
partner = "LP"
line = "EXTERNAL"
amount = 1200.00
year = 2025
activity = "A1"
"""
    load_project_file(store, _write(tmp_path, text))
    definition = project_definition(store, "LLI-501")
    assert [(p.year, p.amount, p.funder) for p in definition.activities[0].plan] == [
        (2024, D("1500.50"), "ERDF"), (2025, D("700.00"), None)]
    fresh_path = _write(tmp_path, export_project(store, "LLI-501"), "again.toml")
    assert not load_project_file(store, fresh_path).summary.changed


def test_load__updates_what_changed_and_removes_what_is_gone(store, project_file, tmp_path):
    load_project_file(store, project_file)
    changed = SMALL_PROJECT.replace("amount = 40000.00", "amount = 42000.00").replace(
        '[[budget]]\npartner = "PP2"\nline = "TRAVEL"\namount = "5 000,00"\n', "")
    result = load_project_file(store, _write(tmp_path, changed, "changed.toml"))
    assert (result.summary.updated, result.summary.deleted) == (1, 1)
    budget = project_definition(store, "LLI-501").budget
    assert [(b.partner, b.amount) for b in budget] == [("LP", D("42000.00"))]


def test_load__refuses_to_remove_a_partner_that_has_expenditure_and_keeps_everything(store, project_file, tmp_path):
    load_project_file(store, project_file)
    add_expenditure(store, "LLI-501", expense(partner="PP2", line="TRAVEL"))
    without_pp2 = SMALL_PROJECT.replace(
        '[[partners]]\ncode = "PP2"\nname = "Jelgavas pilsētas bibliotēka"\ncountry = "LV"\nvat_recoverable = true\n',
        "").replace('[[budget]]\npartner = "PP2"\nline = "TRAVEL"\namount = "5 000,00"\n', "")
    before = row_counts(store)
    with pytest.raises(Conflict, match="partner PP2 cannot be removed: 1 expenditure"):
        load_project_file(store, _write(tmp_path, without_pp2, "smaller.toml"))
    assert row_counts(store) == before


BAD_PROJECT = """\
[project]
code = "BAD-1"
title = "Blogas projektas"
start = 2025-01-01
end = 2024-12-31
template = "generic"

[[partners]]
code = "LP"
name = "Biblioteka"
role = "lead"

[[partners]]
code = "LP"
name = "Kita biblioteka"

[[funders]]
code = "STATE"
name = "Valstybės biudžetas"
kind = "state"

[[funding]]
funder = "STATE"
partner = "PX"
share = 85
cap = "12.345,678"

[[budget]]
partner = "NOPE"
line = "CATERING"
amount = "1,234"
"""


def test_load__lists_every_problem_of_a_bad_file_and_writes_nothing(store, tmp_path):
    before = row_counts(store)
    with pytest.raises(ValidationError) as caught:
        load_project_file(store, _write(tmp_path, BAD_PROJECT))
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("funding[1].cap:") for m in messages)
    assert any(m.startswith("budget[1].amount:") and "ambiguous" in m for m in messages)
    assert "project.end: the project ends (2024-12-31) before it starts (2025-01-01)" in messages
    assert "partners: code 'LP' appears 2 times" in messages
    assert "funding[1].partner: unknown partner 'PX'" in messages
    assert "budget[1].partner: unknown partner 'NOPE'" in messages
    assert "budget[1].line: unknown budget line 'CATERING'" in messages
    assert len(messages) == 7
    assert str(caught.value).startswith(f"{tmp_path / 'project.toml'}: The project file has")
    assert row_counts(store) == before


@pytest.mark.parametrize("change, where, reason", [
    (("share = 85", "share = 185"), "funding[1].share", "not between 0 and 100"),
    (("share = 85", 'share = "lots"'), "funding[1].share", "not a number"),
    (('rounding = "down"', 'rounding = "up"'), "funding[1].rounding", "not one of down, half-up"),
    (('kind = "eu"', 'kind = "bank"'), "funders[1].kind", "not one of"),
    (("start = 2024-07-01", "start = 2024-06-01"), "periods", "overlap"),
    (('currency = "EUR"', 'currency = "EURO"'), "project.currency", "ISO 4217"),
    (('template = "interreg-lv-lt-2014-2020"', 'template = "nope"'), "project.template", "no funder template"),
    (('code = "LP"\n', 'code = "LP"\nshare = 5\n'), "partners[1].share", "unknown key"),
    (("residual = true", "residual = true\n[[funding]]\nfunder = \"MUN\"\npartner = \"LP\"\nshare = 1\n"
                         "residual = true\n[[funding]]\nfunder = \"ERDF\"\npartner = \"LP\"\nshare = 1\nresidual = true"),
     "funding", "2 residual sources"),
])
def test_load__refuses_each_kind_of_mistake_by_its_key(store, tmp_path, change, where, reason):
    before = row_counts(store)
    with pytest.raises(ValidationError) as caught:
        load_project_file(store, _write(tmp_path, SMALL_PROJECT.replace(*change, 1)))
    assert any(p.where == where and reason in p.message for p in caught.value.problems), caught.value.problems
    assert row_counts(store) == before


def test_load__reports_a_toml_syntax_error_with_its_line(store, tmp_path):
    with pytest.raises(ValidationError, match=r"not valid TOML: .*line 3"):
        load_project_file(store, _write(tmp_path, '[project]\ncode = "X"\ntitle = unquoted text\n'))


def test_load__refuses_a_file_that_is_not_text(store, tmp_path):
    path = tmp_path / "budget.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    with pytest.raises(Exception, match="not a text file|not valid TOML"):
        load_project_file(store, path)


def test_record_fields__are_worked_out_once_per_type_and_are_the_declared_ones():
    assert record_fields(SubGrant) is record_fields(SubGrant)  # cached: a definition asks for them for every row
    assert [f.key for f in record_fields(SubGrant)] == ["partner", "amount", "number", "signed"]
    assert record_fields(Partner) == record_fields.__wrapped__(Partner)
    assert [f.name for f in record_fields(Partner)] == [f.name for f in dataclasses.fields(Partner)]
