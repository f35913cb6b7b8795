"""Finding messages in English, Lithuanian and Latvian: one message id, its typed values, worded per language."""

import json
import string
from datetime import date

import openpyxl
import pdfplumber
import pytest

from conftest import SMALL_PROJECT
from reporter import cli, i18n
from reporter.domain.checks import MESSAGES
from reporter.i18n import finding_text
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import load_project_file
from reporter.services.reports import write_report
from test_checks import BUDGET, HEAD, SPLIT_85_15, WINDOW, findings, load, spend

FLEX = """
[rules]
line_flexibility_percent = 20
"""
PLAN_97_5 = SPLIT_85_15.replace("share = 15\nresidual = true", "share = 12.5")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("lang", ["lt", "lv"])
def test_translations__every_message_id_has_one_with_the_same_placeholders(lang):
    translated = i18n._load("findings.toml")[lang]
    assert set(translated) == set(MESSAGES)
    for message_id, english in MESSAGES.items():
        assert placeholders(translated[message_id]) == placeholders(english), message_id


def test_finding_text__lithuanian_and_latvian_budget_line_message_use_locale_amounts(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, FLEX)
    spend(store, gross="1200.01")
    [found] = findings(store, "budget-line")
    assert finding_text(found, "lt").replace("\u00a0", " ") == (
        "LP, biudžeto eilutė STAFF: išleista 1 200,01, biudžetas 1 000,00, viršyta 200,01 "
        "(leidžiamas nuokrypis – 200,00)")
    assert finding_text(found, "lv").replace("\u00a0", " ") == (
        "LP, budžeta pozīcija STAFF: izlietoti 1 200,01, budžets 1 000,00, pārsniegums 200,01 "
        "(pieļaujamā novirze – 200,00)")


def test_finding_text__english_groups_thousands_while_the_message_stays_as_the_checks_wrote_it(store, tmp_path):
    load(store, tmp_path, SPLIT_85_15, BUDGET, FLEX)
    spend(store, gross="1200.01")
    [found] = findings(store, "budget-line")
    assert found.message == "LP STAFF: 1200.01 spent against a budget of 1000.00, 200.01 over " \
                            "(the flexibility allows 200.00)"
    assert finding_text(found, "en") == "LP STAFF: 1,200.01 spent against a budget of 1,000.00, 200.01 over " \
                                        "(the flexibility allows 200.00)"


def test_finding_text__shares_take_the_decimal_comma_in_lithuanian_and_latvian(store, tmp_path):
    load(store, tmp_path, PLAN_97_5, BUDGET)
    [plan] = [f for f in findings(store, "share", partner="LP") if f.message_id == "share.plan"]
    assert plan.message == "The financing plan of LP adds up to 97.5 %, not 100 %"
    assert finding_text(plan, "lt") == "Partnerio LP finansavimo plano dalys sudaro 97,5 %, o ne 100 %"
    assert finding_text(plan, "lv") == "Partnera LP finansēšanas plāna daļas kopā veido 97,5 %, nevis 100 %"


def test_finding_text__eligibility_reasons_are_worded_in_the_language_with_iso_dates(store, tmp_path):
    load(store, tmp_path, WINDOW, BUDGET)
    spend(store, date="2024-01-15", paid="2024-01-20")
    spend(store, date="2024-11-20", paid="2024-12-31")
    [outside] = findings(store, "eligibility")
    assert finding_text(outside, "lt") == (
        "Partnerio LP išlaidų įrašai (2) nepatenka į EU tinkamumo finansuoti laikotarpį: "
        "#1: dokumento data 2024-01-15 ankstesnė nei tinkamumo laikotarpio pradžia 2024-02-01; "
        "#2: apmokėta 2024-12-31, vėliau nei paskutinė tinkama apmokėjimo data 2024-12-30")
    assert finding_text(outside, "lv") == (
        "Partnera LP izdevumu ieraksti (2) neietilpst EU attiecināmības periodā: "
        "#1: dokumenta datums 2024-01-15 ir pirms attiecināmības perioda sākuma 2024-02-01; "
        "#2: apmaksāts 2024-12-31, pēc pēdējā pieļaujamā apmaksas datuma 2024-12-30")


def test_finding_text__a_message_without_translation_falls_back_to_english_words(store, tmp_path, monkeypatch):
    load(store, tmp_path, SPLIT_85_15, BUDGET, FLEX)
    spend(store, gross="1200.01")
    [found] = findings(store, "budget-line")
    monkeypatch.setattr(i18n, "_load", lambda name: {"lt": {}})
    assert finding_text(found, "lt").replace("\u00a0", " ") == (
        "LP STAFF: 1 200,01 spent against a budget of 1 000,00, 200,01 over (the flexibility allows 200,00)")


def test_check_command__json_keeps_the_english_message_and_adds_its_id_and_params(tmp_path, capsys):
    db, path = tmp_path / "cli.sqlite3", tmp_path / "p.toml"
    path.write_text(HEAD + SPLIT_85_15 + BUDGET + FLEX, encoding="utf-8")
    cli.main(["--db", str(db), "load", str(path)])
    cli.main(["--db", str(db), "expense", "add", "--project", "CHK-1", "--partner", "LP", "--line", "STAFF",
              "--date", "2024-03-01", "--document", "A", "--supplier", "B", "--gross", "1300.00"])
    capsys.readouterr()
    assert cli.main(["--db", str(db), "check", "--project", "CHK-1", "--json"]) == 1
    [line] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["rule"] == "budget-line"]
    assert line["message"] == "LP STAFF: 1300.00 spent against a budget of 1000.00, 300.00 over " \
                              "(the flexibility allows 200.00)"
    assert line["message_id"] == "budget-line.over"
    assert line["params"] == {"partner": "LP", "line": "STAFF", "spent": "1300.00", "budget": "1000.00",
                              "over": "300.00", "allowance": "200.00"}


@pytest.fixture
def overspent(store, tmp_path):
    """The small project with PP2 over its travel budget: a finding with amounts in the thousands."""
    path = tmp_path / "project.toml"
    path.write_text(SMALL_PROJECT, encoding="utf-8")
    code = load_project_file(store, path).code
    add_expenditure(store, code, {"partner": "PP2", "line": "TRAVEL", "date": "2024-04-10", "document": "R-1",
                                  "supplier": "SIA „Rīgas viesnīca“", "gross": "6000.00", "paid": "2024-04-12"})
    return code


def test_report__lithuanian_pdf_and_workbook_show_the_lithuanian_finding(store, overspent, tmp_path):
    expected = "Partneris PP2 išleido 6 000,00, nors visas jo biudžetas – 5 000,00"
    pdf, xlsx = write_report(store, overspent, 1, tmp_path, partner="PP2", lang="lt", formats=["pdf", "xlsx"],
                             today=date(2026, 11, 21))
    with pdfplumber.open(pdf.path) as document:
        text = " ".join(" ".join(page.extract_text() or "" for page in document.pages).replace("\u00a0", " ").split())
    assert expected in text
    assert "has spent" not in text
    book = openpyxl.load_workbook(xlsx.path)
    cells = [str(c.value).replace("\u00a0", " ") for sheet in book for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert expected in cells


def test_report__latvian_workbook_shows_the_latvian_finding(store, overspent, tmp_path):
    [xlsx] = write_report(store, overspent, 1, tmp_path, partner="PP2", lang="lv", formats=["xlsx"],
                          today=date(2026, 11, 21))
    book = openpyxl.load_workbook(xlsx.path)
    cells = [str(c.value).replace("\u00a0", " ") for sheet in book for row in sheet.iter_rows() for c in row
             if c.value is not None]
    assert "Partneris PP2 izlietojis 6 000,00, lai gan tā kopējais budžets ir 5 000,00" in cells


def test_rule_name__every_rule_is_named_in_every_language():
    from reporter.domain.checks import RULES
    from reporter.i18n import rule_name

    for lang in ("en", "lt", "lv"):
        assert all(rule_name(rule, lang) != rule for rule in RULES), lang
    assert rule_name("budget-line", "lt") == "Biudžeto eilutė"
