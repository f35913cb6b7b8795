"""Partner packages: three partners' databases → packages → the lead's consolidated report, as if kept in one."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from conftest import row_counts
from reporter.domain.errors import UserError, ValidationError
from reporter.importers.package import PackageContent, read_package, write_package
from reporter.paths import resources_dir
from reporter.reports.model import to_json
from reporter.services.demo import create_demo
from reporter.services.expenditures import add_expenditure, edit_expenditure, fields_of, list_expenditures
from reporter.services.packages import export_package, import_package
from reporter.services.projects import load_project_file
from reporter.services.reports import report_data, submit_period
from reporter.store import Store
from reporter.store.expenditures import ExpenditureQuery

CODE = "LLI-537"
PROJECT_FILE = resources_dir() / "demo" / "interreg-lv-lt.toml"
PARTNERS = ("LP", "PP2", "PP3")
PERIODS = (1, 2, 3, 4)
ALL = ExpenditureQuery(limit=10_000)
DAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def demo_rows():
    """The demo's Interreg expenditure, as typed (text fields), in the order a lead merges packages: by period, by
    partner, and within a partner's period as a report lists it."""
    store = Store.in_memory()
    create_demo(store)
    definition = store.projects.definition(CODE)
    lines = [b.code for b in definition.budget_lines]
    rows = sorted(list_expenditures(store, CODE, ALL).rows,
                  key=lambda e: (e.period, PARTNERS.index(e.partner), lines.index(e.budget_line), e.document_date,
                                 e.number))
    store.close()
    return [fields_of(e) for e in rows]


def database(path: Path, rows: list[dict[str, str]] = ()) -> Path:
    store = Store.open(path)
    load_project_file(store, PROJECT_FILE)
    for fields in rows:
        add_expenditure(store, CODE, fields)
    store.close()
    return path


def reports(path: Path) -> dict:
    store = Store.open(path)
    try:
        return {(period, partner): to_json(report_data(store, CODE, period, partner, lang="lt", today=DAY)[0])
                for period in PERIODS for partner in (None, *PARTNERS)}
    finally:
        store.close()


def test_round_trip__three_partner_databases_packages_and_the_leads_report_equals_one_database(tmp_path, demo_rows):
    everything = database(tmp_path / "everything.sqlite3", demo_rows)
    partners = {p: database(tmp_path / f"{p}.sqlite3", [r for r in demo_rows if r["partner"] == p]) for p in PARTNERS}
    lead = database(tmp_path / "lead.sqlite3")
    packages = []
    for period in PERIODS:
        for partner in PARTNERS:
            store = Store.open(partners[partner])
            try:
                packages.append(export_package(store, CODE, partner, period, tmp_path / f"{partner}-{period}.zip"))
            finally:
                store.close()
    store = Store.open(lead)
    try:
        added = [import_package(store, p.path).added for p in packages]
        assert sum(added) == len(demo_rows) and all(added)
        before = row_counts(store)
        again = [import_package(store, p.path) for p in packages]  # twice: nothing changes
        assert [r.added for r in again] == [0] * len(packages) and row_counts(store) == before
    finally:
        store.close()
    assert reports(lead) == reports(everything)


@pytest.fixture
def setup(tmp_path):
    """A partner's database with two expenditures of period 1, its package, and a lead's database."""
    partner = database(tmp_path / "pp2.sqlite3", [
        {"partner": "PP2", "line": "STAFF", "date": "2024-02-05", "document": "DU-2024/01", "supplier": "Aušra",
         "gross": "997.35", "attachments": "PP2/2024-02/du-01.pdf; archyvo Nr. 17"},
        {"partner": "PP2", "line": "TRAVEL", "date": "2024-03-11", "document": "SF-88", "supplier": "SIA Ceļš",
         "gross": "120.00", "vat": "20.83"}])
    attachments = tmp_path / "attachments"
    (attachments / "PP2" / "2024-02").mkdir(parents=True)
    (attachments / "PP2" / "2024-02" / "du-01.pdf").write_bytes(b"%PDF-1.4 payslip")
    store = Store.open(partner)
    try:
        exported = export_package(store, CODE, "PP2", 1, tmp_path / "PP2-1.zip", attachments)
    finally:
        store.close()
    assert (exported.expenditures, exported.attachments, exported.missing_attachments) == (2, 1, ["archyvo Nr. 17"])
    return {"partner": partner, "package": exported.path, "lead": database(tmp_path / "lead.sqlite3"),
            "lead_files": tmp_path / "lead-attachments"}


def test_package__merges_with_its_attachments_and_twice_changes_nothing(setup):
    store = Store.open(setup["lead"])
    try:
        result = import_package(store, setup["package"], setup["lead_files"])
        assert (result.added, result.unchanged, result.attachments) == (2, 0, 1)
        assert (setup["lead_files"] / "PP2" / "2024-02" / "du-01.pdf").read_bytes() == b"%PDF-1.4 payslip"
        before = row_counts(store)
        again = import_package(store, setup["package"], setup["lead_files"])
        assert (again.added, again.unchanged, row_counts(store)) == (0, 2, before)
        merged = list_expenditures(store, CODE, ALL).rows
        assert [(e.number, e.document_no) for e in merged] == [(1, "DU-2024/01"), (2, "SF-88")]
    finally:
        store.close()


def test_package__a_changed_byte_anywhere_is_refused(setup, tmp_path):
    data = setup["package"].read_bytes()
    store = Store.open(setup["lead"])
    try:
        before = row_counts(store)
        for position in range(0, len(data), max(1, len(data) // 97)):
            changed = bytearray(data)
            changed[position] ^= 0x01
            path = tmp_path / "changed.zip"
            path.write_bytes(bytes(changed))
            with pytest.raises(UserError):
                import_package(store, path, setup["lead_files"])
        assert row_counts(store) == before and not setup["lead_files"].exists()
    finally:
        store.close()


def test_package__a_member_changed_and_resealed_is_caught_by_the_manifest(setup, tmp_path):
    with zipfile.ZipFile(setup["package"]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    path = tmp_path / "forged.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data.replace(b"997.35", b"999.35") if name == "expenditures.json" else data)
    from reporter.importers import package

    body = path.read_bytes()
    path.write_bytes(body[:-22] + body[-22:-2] + len(package._SEAL + b"0" * 64).to_bytes(2, "little"))
    body = path.read_bytes()
    path.write_bytes(body + package._SEAL + package.sha256(body).encode())  # a seal made again by hand
    with pytest.raises(UserError, match="expenditures.json' was changed after the package was written"):
        read_package(path.read_bytes(), path.name)


def test_package__same_record_with_other_content_is_a_conflict_and_nothing_is_merged(setup, tmp_path):
    store = Store.open(setup["lead"])
    import_package(store, setup["package"], setup["lead_files"])
    store.close()
    store = Store.open(setup["partner"])  # the partner corrects an amount and sends the period again
    try:
        first = list_expenditures(store, CODE, ALL).rows[0]
        edit_expenditure(store, CODE, first.id, {"gross": "1000.00"})
        add_expenditure(store, CODE, {"partner": "PP2", "line": "TRAVEL", "date": "2024-04-01", "document": "SF-90",
                                      "supplier": "SIA Ceļš", "gross": "60.00"})
        again = export_package(store, CODE, "PP2", 1, tmp_path / "PP2-1-again.zip")
    finally:
        store.close()
    store = Store.open(setup["lead"])
    try:
        before = row_counts(store)
        with pytest.raises(ValidationError) as refused:
            import_package(store, again.path, setup["lead_files"])
        assert str(refused.value).splitlines() == [
            "PP2-1-again.zip: The package conflicts with 1 record(s) here; nothing was merged:",
            f"  #1: expenditure {first.id} (Aušra DU-2024/01) is already here with other content (gross, eligible)"]
        assert row_counts(store) == before
    finally:
        store.close()


def test_package__another_partners_data_is_never_touched(setup, tmp_path):
    store = Store.open(setup["lead"])
    try:
        mine = add_expenditure(store, CODE, {"partner": "LP", "line": "STAFF", "date": "2024-02-01",
                                             "document": "DU-1", "supplier": "Rasa", "gross": "10.00"})
        content = read_package(setup["package"].read_bytes(), "p.zip")
        records = [{**content.expenditures[0], "id": mine.id}, *content.expenditures[1:]]
        forged = tmp_path / "forged.zip"
        forged.write_bytes(write_package(replace(content, expenditures=records)))
        before = row_counts(store)
        with pytest.raises(ValidationError, match=f"expenditure {mine.id} is already here as partner LP's"):
            import_package(store, forged, setup["lead_files"])
        wrong = tmp_path / "wrong.zip"
        records = [{**content.expenditures[0], "fields": {**content.expenditures[0]["fields"], "partner": "LP"}}]
        wrong.write_bytes(write_package(PackageContent(content.header, records)))
        with pytest.raises(ValidationError, match="is partner LP's, but the package is partner PP2"):
            import_package(store, wrong, setup["lead_files"])
        assert row_counts(store) == before
    finally:
        store.close()


def test_package__for_a_submitted_period_of_the_lead_is_refused(setup):
    store = Store.open(setup["lead"])
    try:
        submit_period(store, CODE, 1, today=DAY)
        before = row_counts(store)
        with pytest.raises(UserError, match="period 1 of LLI-537 is submitted here"):
            import_package(store, setup["package"], setup["lead_files"])
        assert row_counts(store) == before
    finally:
        store.close()


def test_package__not_a_package(setup, tmp_path):
    path = tmp_path / "plain.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    store = Store.open(setup["lead"])
    try:
        with pytest.raises(UserError, match="not a Grant Reporter package"):
            import_package(store, path)
    finally:
        store.close()
