"""Problems with the input in English, Lithuanian and Latvian: one message id, its typed values, worded per language."""

import gc
import sqlite3
import tomllib
from decimal import Decimal

import pytest

from conftest import SMALL_PROJECT, expense
from reporter import i18n
from reporter.domain.errors import PROBLEMS, UserError, ValidationError
from reporter.domain.money import parse_amount
from reporter.i18n import Translator, error_text, problem_text
from reporter.services.expenditures import add_expenditure
from reporter.services.maintenance import restore
from reporter.services.projects import check_project_data
from reporter.services.reports import write_report
from test_finding_messages import placeholders


def refusal(action, *args, **kwargs) -> UserError:
    with pytest.raises(UserError) as caught:
        action(*args, **kwargs)
    return caught.value


def project_data(**project) -> dict:
    data = tomllib.loads(SMALL_PROJECT, parse_float=Decimal)
    data["project"].update(project)
    return data


def readable(text: str) -> str:
    """Babel groups thousands with a no-break space in lt and lv."""
    return text.replace("\u00a0", " ")


def test_translations__every_problem_id_has_lithuanian_and_latvian_wording_with_the_same_placeholders():
    catalog = i18n._load("problems.toml")
    assert set(catalog) == {"lt", "lv"} and all(set(catalog[lang]) == set(PROBLEMS) for lang in catalog)
    mismatched = [(lang, message_id) for lang in catalog for message_id, english in PROBLEMS.items()
                  if placeholders(catalog[lang][message_id]) != placeholders(english)]
    assert not mismatched


def test_problem_text__ambiguous_amount_in_lithuanian_and_latvian_writes_the_decimal_reading_with_a_comma():
    error = refusal(parse_amount, "1,210", "gross")
    assert str(error) == ("gross: '1,210' is ambiguous (1210 or 1.210?): write 1210.00 for the first, "
                          "or give at most two decimals")
    assert error_text(error, "lt") == ("gross: dviprasmiška suma '1,210' (1210 ar 1,210?): jei turite omenyje 1210, "
                                       "rašykite 1210,00, kitaip nurodykite ne daugiau kaip du skaitmenis po kablelio")
    assert error_text(error, "lv") == ("gross: neviennozīmīga summa '1,210' (1210 vai 1,210?): ja domāts 1210, "
                                       "rakstiet 1210,00, citādi norādiet ne vairāk kā divas decimālzīmes")


def test_problem_text__a_project_ending_before_it_starts_keeps_its_key_and_iso_dates():
    error = refusal(check_project_data, project_data(end="2023-12-31"))
    [ends] = [p for p in error.problems if p.where == "project.end"]
    assert str(ends) == "project.end: the project ends (2023-12-31) before it starts (2024-01-01)"
    assert problem_text(ends, "lt") == "project.end: projektas baigiasi (2023-12-31) anksčiau, nei prasideda (2024-01-01)"
    assert problem_text(ends, "lv") == "project.end: projekts beidzas (2023-12-31) agrāk, nekā sākas (2024-01-01)"


def test_problem_text__an_amount_refused_in_the_project_file_carries_its_message_id_to_its_key():
    data = project_data()
    data["budget"][0]["amount"] = "1,234"
    error = refusal(check_project_data, data)
    [amount] = [p for p in error.problems if p.where == "budget[1].amount"]
    assert amount.message_id == "amount.ambiguous"
    assert problem_text(amount, "lv").startswith("budget[1].amount: neviennozīmīga summa '1,234' (1234 vai 1,234?)")


def test_error_text__an_unknown_budget_line_of_an_expenditure_under_the_translated_heading(store, project):
    error = refusal(add_expenditure, store, project, expense(line="NOPE"))
    assert isinstance(error, ValidationError)
    known = "STAFF, OFFICE, TRAVEL, EXTERNAL, EQUIPMENT, INFRA"
    assert error_text(error, "lt") == ("Išlaidų įraše rasta klaidų: 1; niekas neišsaugota:\n"
                                       f"  line: projekte LLI-501 nėra biudžeto eilutės 'NOPE' (galimos reikšmės: {known})")
    assert error_text(error, "lv") == ("Izdevumu ierakstā atrastas kļūdas: 1; nekas netika saglabāts:\n"
                                       f"  line: projektā LLI-501 nav budžeta pozīcijas 'NOPE' (iespējamās vērtības: {known})")


def test_error_text__amounts_are_grouped_with_the_languages_separators(store, project):
    error = refusal(add_expenditure, store, project, expense(gross="1210.00", vat="2000.00"))
    [vat] = error.problems
    assert vat.message == "2000.00 must have the sign of the gross amount 1210.00 and not exceed it"
    assert problem_text(vat, "en") == "vat: 2,000.00 must have the sign of the gross amount 1,210.00 and not exceed it"
    assert readable(problem_text(vat, "lt")) == ("vat: 2 000,00 turi būti to paties ženklo kaip bendra suma 1 210,00 "
                                                 "ir jos neviršyti")
    assert readable(problem_text(vat, "lv")) == ("vat: 2 000,00 jābūt ar tādu pašu zīmi kā kopsummai 1 210,00, "
                                                 "un tā nedrīkst pārsniegt kopsummu")


def test_error_text__a_rate_keeps_its_digits_and_takes_the_decimal_comma(store, project):
    error = refusal(add_expenditure, store, project, expense(currency="LTL", rate="3.5"))
    [rate] = error.problems
    assert rate.message == "LTL converts at the fixed euro rate 3.45280, not 3.5"
    assert problem_text(rate, "lt") == "rate: valiuta LTL perskaičiuojama fiksuotu euro kursu 3,45280, o ne 3,5"
    assert problem_text(rate, "lv") == "rate: valūtu LTL pārrēķina pēc fiksētā euro kursa 3,45280, nevis 3,5"


def test_error_text__a_missing_record_is_named_in_the_language(store, project, tmp_path):
    error = refusal(write_report, store, project, 9, tmp_path)
    assert str(error) == "period: LLI-501 has no reporting period 9"
    assert error_text(error, "lt") == "period: projekte LLI-501 nėra ataskaitinio laikotarpio Nr. 9"
    assert error_text(error, "lv") == "period: projektā LLI-501 nav pārskata perioda Nr. 9"


def test_error_text__a_file_that_is_no_backup_is_refused_in_the_users_language(tmp_path):
    backup = tmp_path / "backup.sqlite3"
    backup.write_text("not a database", encoding="utf-8")
    database = tmp_path / "current.sqlite3"
    sqlite3.connect(database).close()
    error = refusal(restore, database, backup)
    assert str(error) == (f"restore: {backup} cannot be restored, and the database was not changed: "
                          f"{backup}: not a Grant Reporter database (not an SQLite file at all)")
    assert error_text(error, "lt") == (f"restore: {backup} atkurti negalima, duomenų bazė nepakeista: "
                                       f"{backup}: tai ne Grant Reporter duomenų bazė (ir apskritai ne SQLite failas)")
    assert error_text(error, "lv") == (f"restore: {backup} nevar atjaunot, datubāze netika mainīta: "
                                       f"{backup}: tā nav Grant Reporter datubāze (un vispār nav SQLite fails)")


def test_translator__words_problems_and_errors_in_its_language_with_a_label_for_the_place():
    error = refusal(parse_amount, "", "gross")
    _ = Translator("lv")
    assert _.error(error) == "gross: jānorāda summa"
    assert _.problem(error.problem, where="Kopsumma") == "Kopsumma: jānorāda summa"
    assert _.problem(error.problem, where="") == "jānorāda summa"


@pytest.fixture
def lithuanian_window(store, project):
    pytest.importorskip("tkinter")
    from reporter.gui.app import ReporterWindow

    window = ReporterWindow(store, "lt")
    window.update()
    yield window
    window.destroy()
    gc.collect()  # Tk variables must be freed in this thread


def test_window__a_refused_lithuanian_entry_is_explained_in_lithuanian_under_the_fields_labels(lithuanian_window):
    from test_gui import type_into

    view = lithuanian_window.expenditure
    type_into(view, partner="LP", line="STAFF", date="2024-03-05", document="SF-1", supplier="UAB Knyga",
              gross="1,210")
    view.save()
    assert view.problems.cget("text") == (
        "Bendra suma: dviprasmiška suma '1,210' (1210 ar 1,210?): jei turite omenyje 1210, rašykite 1210,00, "
        "kitaip nurodykite ne daugiau kaip du skaitmenis po kablelio")
    assert not view.table.get_children()


def test_window__an_error_raised_in_a_lithuanian_window_is_shown_in_lithuanian(lithuanian_window, monkeypatch):
    from ttkbootstrap.dialogs import Messagebox

    shown = []
    monkeypatch.setattr(Messagebox, "show_error", staticmethod(lambda message, *args, **kwargs: shown.append(message)))
    error = refusal(parse_amount, "", "gross")
    lithuanian_window._callback_error(type(error), error, None)
    assert shown == ["gross: būtina nurodyti sumą"]
