"""Evidence bundles read back as an auditor reads them: unpacked, every hash checked, the CSV opened."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import SMALL_PROJECT
from reporter import cli, files
from reporter.domain.errors import UserError
from reporter.services import bundle as bundle_service
from reporter.domain.attachments import kept_file
from reporter.services.attachments import attachments_folder, keep_file
from reporter.services.bundle import make_bundle, verify_bundle
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import load_project_file
from reporter.services.reports import stored_hashes, submit_period
from reporter.store import Store

CODE = "LLI-501"
DAY = date(2026, 11, 21)
INVOICE = b"%PDF-1.4 the scanned invoice SF-2024/0117"
PAYROLL = b"%PDF-1.4 payroll sheet 2024-01"
# Office costs at a flat rate of staff costs for both partners: computed rows of two partners in one line.
OFFICE = "".join(f'\n[[budget]]\npartner = "{p}"\nline = "OFFICE"\namount = 6000.00\n' for p in ("LP", "PP2"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def database(tmp_path):
    """The small project in a database file, its attachments beside it: some found, some not."""
    path = tmp_path / "project.toml"
    path.write_text(SMALL_PROJECT + OFFICE, encoding="utf-8")
    store = Store.open(tmp_path / "grants.sqlite3")
    load_project_file(store, path)
    (tmp_path / "attachments" / "LP").mkdir(parents=True)
    (tmp_path / "attachments" / "LP" / "sf-0117.pdf").write_bytes(INVOICE)
    (tmp_path / "attachments" / "LP" / "du-2024-01.pdf").write_bytes(PAYROLL)
    payroll = {"line": "STAFF", "date": "2024-01-31", "document": "DU žiniaraštis 2024-01", "vat": "0"}
    rows = [
        {**payroll, "supplier": "Rūta Jankauskienė", "gross": "1170.36", "attachments": "LP/du-2024-01.pdf"},
        {**payroll, "supplier": "Dalia Petrauskienė", "gross": "549.56",
         "attachments": "LP/du-2024-01.pdf; archyvas Nr. 12"},
        {"line": "TRAVEL", "date": "2024-03-05", "document": "SF-2024/0117", "supplier": "UAB „Žalia knyga“",
         "gross": "1210.00", "vat": "210.00", "attachments": "LP/sf-0117.pdf; LP/missing.pdf",
         "accounting_ref": "VK-88", "supplier_code": "302912345", "description": "Kelionė į Jelgavą; nakvynė"},
        {"line": "TRAVEL", "date": "2024-03-06", "document": "Rēķins Nr. 2024/0042", "supplier": '=HYPERLINK("x")',
         "gross": "345.28", "vat": "0", "currency": "LTL", "attachments": "/etc/passwd"},
    ]
    for row in rows:
        add_expenditure(store, CODE, {"partner": "LP", "paid": row["date"], **row})
    add_expenditure(store, CODE, {"partner": "PP2", "line": "TRAVEL", "date": "2024-04-10", "supplier": "SIA „Rīgas "
                                  "viesnīca“", "document": "R-42", "gross": "263449.92", "vat": "0"})
    add_expenditure(store, CODE, {"partner": "PP2", "line": "STAFF", "date": "2024-04-30", "supplier": "Aija Kalniņa",
                                  "document": "Alga 2024-04", "gross": "980.00", "vat": "0"})  # PP2's flat rate too
    yield store
    store.close()


def unpack(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def manifest_of(files: dict[str, bytes]) -> dict:
    return json.loads(files["manifest.json"])


def csv_rows(files: dict[str, bytes]) -> list[dict[str, str]]:
    raw = files["expenditure.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the file as UTF-8
    delimiter = manifest_of(files)["expenditure"]["delimiter"]
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_bundle__submitted_period_round_trip_matches_the_hashes_recorded_at_submission(database, tmp_path):
    submit_period(database, CODE, 1, today=DAY, force=True)
    add_expenditure(database, CODE, {"partner": "LP", "line": "STAFF", "date": "2024-07-31", "document": "DU 07",
                                     "supplier": "Rūta Jankauskienė", "gross": "1170.36"})  # a later period moves on
    written = make_bundle(database, CODE, 1, tmp_path / "bundle.zip", partner="LP", lang="lt")
    files = unpack(tmp_path / "bundle.zip")
    manifest = manifest_of(files)

    assert set(files) == {*manifest["files"], "manifest.json", "SHA256SUMS"}
    assert all(sha256(files[name]) == digest for name, digest in manifest["files"].items())
    sums = dict(line.split("  ")[::-1] for line in files["SHA256SUMS"].decode().splitlines())
    assert sums == {**manifest["files"], "manifest.json": sha256(files["manifest.json"])}
    assert sha256((tmp_path / "bundle.zip").read_bytes()) == written.sha256

    recorded = {fmt: digest for partner, lang, fmt, digest in stored_hashes(database, CODE, 1)
                if (partner, lang) == ("LP", "lt")}
    assert sha256(files["report.pdf"]) == recorded["pdf"] and sha256(files["report.xlsx"]) == recorded["xlsx"]
    snapshot = database.reports.snapshot(database.projects.ids(CODE).project, 1, "LP",
                                         "interreg-lv-lt-2014-2020", "lt")
    assert sha256(files["report-data.json"]) == sha256(snapshot.encode("utf-8"))
    assert manifest["period"]["status"] == "submitted" and manifest["report"]["from_snapshot"]
    assert manifest["submission"] == {
        "snapshot_sha256": sha256(snapshot.encode("utf-8")),
        "recorded": {"report.pdf": recorded["pdf"], "report.xlsx": recorded["xlsx"]},
        "report_is_submitted": True, "note": "report.pdf and report.xlsx are the files recorded at submission"}
    checked = verify_bundle(tmp_path / "bundle.zip")
    assert checked.ok and checked.report_is_submitted and checked.files == len(manifest["files"])
    assert checked.snapshot_sha256 == sha256(snapshot.encode("utf-8"))


def test_bundle__a_report_for_another_funder_says_it_is_not_the_submitted_one(database, tmp_path):
    submit_period(database, CODE, 1, today=DAY, force=True)
    written = make_bundle(database, CODE, 1, tmp_path / "mun.zip", partner="LP", funder="MUN", lang="lt", today=DAY)
    submission = manifest_of(unpack(written.path))["submission"]
    assert not written.report_from_snapshot and written.report_is_submitted is False
    assert submission["report_is_submitted"] is False and "another funder" in submission["note"]
    assert verify_bundle(written.path).report_is_submitted is False


def test_bundle__a_report_rendered_otherwise_than_at_submission_is_not_claimed_to_be_the_submitted_one(
        database, tmp_path, monkeypatch):
    submit_period(database, CODE, 1, today=DAY, force=True)
    render = bundle_service.render

    def another_version(data, fmt, path):
        render(data, fmt, path)
        with open(path, "ab") as file:
            file.write(b"\n")  # as a later version of the program draws the same data

    monkeypatch.setattr(bundle_service, "render", another_version)
    written = make_bundle(database, CODE, 1, tmp_path / "bundle.zip", partner="LP", lang="lt")
    submission = manifest_of(unpack(written.path))["submission"]
    assert written.report_from_snapshot and not written.report_is_submitted
    assert "another version of the program" in submission["note"]
    checked = verify_bundle(written.path)
    assert [p.message_id for p in checked.problems] == ["bundle.not_submitted", "bundle.not_submitted"]
    assert checked.snapshot_sha256 == sha256(unpack(written.path)["report-data.json"])  # the data is the submitted


def test_bundle__an_open_period_says_not_submitted_and_has_no_snapshot_hash(database, tmp_path):
    written = make_bundle(database, CODE, 1, tmp_path / "open.zip", today=DAY)
    manifest = manifest_of(unpack(written.path))
    assert manifest["period"] == {"number": 1, "start": "2024-01-01", "end": "2024-06-30", "status": "not submitted"}
    assert manifest["submission"] is None and "snapshot" not in json.dumps(manifest["submission"])
    assert manifest["partner"] is None  # the consolidated project report, both partners' costs
    assert (written.submitted, written.report_is_submitted, written.expenditures) == (False, None, 6)
    checked = verify_bundle(written.path)
    assert checked.ok and not checked.submitted


def test_bundle__the_same_database_twice_gives_the_same_bytes(database, tmp_path):
    first = make_bundle(database, CODE, 1, tmp_path / "first.zip", lang="lv", today=DAY)
    again = make_bundle(database, CODE, 1, tmp_path / "again.zip", lang="lv", today=DAY)
    assert first.path.read_bytes() == again.path.read_bytes()
    submit_period(database, CODE, 1, today=DAY, force=True)
    submitted = [make_bundle(database, CODE, 1, tmp_path / f"{n}.zip", lang="lv").path.read_bytes() for n in (1, 2)]
    assert submitted[0] == submitted[1]
    with zipfile.ZipFile(tmp_path / "1.zip") as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_bundle__the_same_database_gives_the_same_bytes_in_every_process(database, tmp_path):
    """Python orders sets of text differently in every process: nothing in a bundle may follow that order."""
    written = set()
    for seed in ("0", "4"):  # two seeds that once put the partners' flat-rate rows in different orders
        out = tmp_path / f"{seed}.zip"
        subprocess.run([sys.executable, "-m", "reporter", "--db", str(database.path), "bundle", "--project", CODE,
                        "--period", "1", "--out", str(out)], check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)})
        written.add(out.read_bytes())
    assert len(written) == 1


def test_bundle__the_csv_opens_with_its_letters_numbers_and_every_field(database, tmp_path):
    files = unpack(make_bundle(database, CODE, 1, tmp_path / "lt.zip", lang="lt", today=DAY).path)
    rows = csv_rows(files)
    assert len(rows) == 6
    by_supplier = {r["supplier"]: r for r in rows}
    invoice = by_supplier["UAB „Žalia knyga“"]
    assert (invoice["document"], invoice["date"], invoice["paid"]) == ("SF-2024/0117", "2024-03-05", "2024-03-05")
    assert (invoice["gross"], invoice["vat"], invoice["eligible"]) == ("1210,00", "210,00", "1210,00")
    assert (invoice["accounting_ref"], invoice["supplier_code"], invoice["line"]) == ("VK-88", "302912345", "TRAVEL")
    assert invoice["description"] == "Kelionė į Jelgavą; nakvynė"  # quoted: the separator inside stays text
    assert invoice["attachments"] == "LP/sf-0117.pdf; LP/missing.pdf" and "notes" not in invoice
    litas = by_supplier["'=HYPERLINK(\"x\")"]  # text, never a formula
    assert (litas["currency"], litas["rate"], litas["eligible_project_currency"]) == ("LTL", "3,45280", "100,00")
    assert by_supplier["SIA „Rīgas viesnīca“"]["gross"] == "263449,92"
    assert [r["no"] for r in rows] == ["1", "2", "3", "4", "5", "6"] and len({r["id"] for r in rows}) == 6
    total = sum(Decimal(r["eligible_project_currency"].replace(",", ".")) for r in rows)
    assert total == Decimal("267459.84")
    assert manifest_of(files)["expenditure"]["eligible_project_currency_total"] == "267459.84"

    english = csv_rows(unpack(make_bundle(database, CODE, 1, tmp_path / "en.zip", lang="en", today=DAY).path))
    assert {r["supplier"]: r["gross"] for r in english}["SIA „Rīgas viesnīca“"] == "263449.92"


def test_bundle__attachments_found_are_packed_once_and_the_others_listed(database, tmp_path):
    written = make_bundle(database, CODE, 1, tmp_path / "lp.zip", partner="LP", lang="en", today=DAY)
    files = unpack(written.path)
    assert files["attachments/LP/sf-0117.pdf"] == INVOICE and files["attachments/LP/du-2024-01.pdf"] == PAYROLL
    attachments = manifest_of(files)["attachments"]
    assert attachments["included"] == [
        {"file": "attachments/LP/du-2024-01.pdf", "references": ["LP/du-2024-01.pdf"], "expenditures": [1, 2]},
        {"file": "attachments/LP/sf-0117.pdf", "references": ["LP/sf-0117.pdf"], "expenditures": [3]}]
    assert attachments["missing"] == [
        {"reference": "/etc/passwd", "expenditures": [4], "reason": "not-a-file-name"},
        {"reference": "LP/missing.pdf", "expenditures": [3], "reason": "not-found"},
        {"reference": "archyvas Nr. 12", "expenditures": [2], "reason": "not-found"}]
    assert written.attachments == 2 and len(written.missing_attachments) == 3


def test_bundle__a_kept_file_is_packed_under_its_hash_and_one_changed_since_is_listed_not_packed(database, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "SF-0201.pdf").write_bytes(b"%PDF-1.4 invoice SF-0201")
    (scans / "SF-0202.pdf").write_bytes(b"%PDF-1.4 invoice SF-0202")
    kept = [keep_file(database, scans / name) for name in ("SF-0201.pdf", "SF-0202.pdf")]
    for number, reference in enumerate(kept, 1):
        add_expenditure(database, CODE, {"partner": "LP", "line": "TRAVEL", "date": "2024-05-02", "vat": "0",
                                         "document": f"SF-020{number}", "supplier": "UAB Keliauk", "gross": "50.00",
                                         "attachments": reference})
    changed = attachments_folder(database) / kept_file(kept[1]).stored_name
    changed.write_bytes(b"%PDF-1.4 another invoice")
    files = unpack(make_bundle(database, CODE, 1, tmp_path / "kept.zip", partner="LP", today=DAY).path)
    stored = f"attachments/{kept_file(kept[0]).stored_name}"
    assert files[stored] == b"%PDF-1.4 invoice SF-0201" and sha256(files[stored]) == kept_file(kept[0]).sha256
    attachments = manifest_of(files)["attachments"]
    assert {"file": stored, "references": [kept[0]], "expenditures": [7]} in attachments["included"]
    assert {"reference": kept[1], "expenditures": [8], "reason": "changed"} in attachments["missing"]


def test_verify__a_changed_byte_anywhere_in_the_zip_is_found(database, tmp_path):
    path = make_bundle(database, CODE, 1, tmp_path / "bundle.zip", today=DAY).path
    original = path.read_bytes()
    for offset in (10, 40, len(original) // 2, len(original) - 200, len(original) - 1):  # a time, data, the seal
        changed = bytearray(original)
        changed[offset] ^= 0x01
        path.write_bytes(bytes(changed))
        try:
            assert not verify_bundle(path).ok, offset
        except UserError:
            pass  # so broken that it is no bundle any more: found all the same


def test_verify__an_edited_member_in_a_resealed_zip_is_named(database, tmp_path):
    path = make_bundle(database, CODE, 1, tmp_path / "bundle.zip", lang="lt", today=DAY).path
    files = unpack(path)
    assert b"263449,92" in files["expenditure.csv"]
    files["expenditure.csv"] = files["expenditure.csv"].replace(b"263449,92", b"263949,92")
    edited = tmp_path / "edited.zip"
    with open(edited, "w+b") as file:
        with zipfile.ZipFile(file, "w") as archive:
            for name, data in files.items():
                archive.writestr(name, data)
            archive.comment = bundle_service._SEAL + b"0" * 64
        bundle_service._seal(file)  # as someone who knows the format would reseal it
    checked = verify_bundle(edited)
    assert [str(p) for p in checked.problems] == [
        "expenditure.csv: 'expenditure.csv' was changed after the bundle was written (its SHA-256 is not the "
        "manifest's)"]


def test_bundle__refuses_bad_input_by_name_and_writes_nothing(database, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        (dict(code="NOPE", period=1, out=out / "b.zip"), "project: no project with code 'NOPE'"),
        (dict(code=CODE, period=9, out=out / "b.zip"), "period: LLI-501 has no reporting period 9"),
        (dict(code=CODE, period=1, out=out / "b.zip", partner="PP9"), "partner: LLI-501 has no partner 'PP9'"),
        (dict(code=CODE, period=1, out=out / "no" / "b.zip"),
         f"out: {out / 'no' / 'b.zip'}: the folder does not exist"),
        (dict(code=CODE, period=1, out=out), f"out: {out} is a folder: give the name of the ZIP file"),
    ]
    for given, message in cases:
        with pytest.raises(UserError) as refused:
            make_bundle(database, given.pop("code"), given.pop("period"), given.pop("out"), today=DAY, **given)
        assert str(refused.value).startswith(message)
    assert list(out.iterdir()) == []

    def no_permission(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", no_permission)
    with pytest.raises(UserError) as refused:
        make_bundle(database, CODE, 1, out / "b.zip", today=DAY)
    assert str(refused.value).startswith(f"file: {out / 'b.zip'} cannot be written (the file, its folder or the disk "
                                         "is read-only)")
    assert list(out.iterdir()) == []


def test_bundle__a_failure_while_writing_leaves_no_file_and_keeps_the_old_one(database, tmp_path, monkeypatch):
    target = tmp_path / "b.zip"
    target.write_bytes(b"the bundle of yesterday")

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(bundle_service, "render", broken)
    with pytest.raises(OSError):
        make_bundle(database, CODE, 1, target, today=DAY)
    assert target.read_bytes() == b"the bundle of yesterday"
    assert [p.name for p in tmp_path.iterdir() if "zip" in p.name] == ["b.zip"]  # no temporary file left


def test_cli__bundle_then_verify_then_a_tampered_copy(database, tmp_path, capsys):
    db = str(database.path)
    submit_period(database, CODE, 1, today=DAY, force=True)
    out = tmp_path / "LLI-501-P1.zip"
    assert cli.main(["--db", db, "bundle", "--project", CODE, "--period", "1", "--partner", "LP", "--lang", "lt",
                     "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"Bundle written: {out}" in text
    assert "LLI-501 period 1, LP report in lt: submitted; the report files are the ones recorded at submission" in text
    assert "4 expenditure(s), 2 attachment file(s); 3 reference(s) without a file, listed in manifest.json" in text
    assert cli.main(["bundle", "--verify", str(out)]) == 0
    assert "every hash matches, and the seal over the whole file holds" in capsys.readouterr().out
    changed = bytearray(out.read_bytes())
    changed[len(changed) // 2] ^= 0x01
    out.write_bytes(bytes(changed))
    assert cli.main(["bundle", "--verify", str(out), "--json"]) == 1
    assert not json.loads(capsys.readouterr().out)["ok"]
    assert cli.main(["--db", db, "bundle", "--project", CODE]) == 2
    assert "give --project, --period and --out" in capsys.readouterr().err
