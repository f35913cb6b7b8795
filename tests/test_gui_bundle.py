"""The reports view's evidence bundle under a virtual screen: the button writes a bundle `bundle --verify` accepts,
says what it wrote, refuses by name and leaves no file; "Verify a bundle…" lists a changed file."""

import errno
import gc
import hashlib
import zipfile

import pytest

from conftest import SMALL_PROJECT
from reporter import cli
from reporter.gui.reports_view import file_size
from reporter.services import bundle as bundle_service
from reporter.services.expenditures import add_expenditure
from reporter.services.projects import load_project_file
from reporter.services.reports import submit_period

tkinter = pytest.importorskip("tkinter")

CODE = "LLI-501"
INVOICE = b"%PDF-1.4 the scanned invoice SF-2024/0117"


@pytest.fixture
def shown_errors(monkeypatch):
    """The error dialogs the window showed (a real one would wait for a click for ever)."""
    from ttkbootstrap.dialogs import Messagebox

    shown = []
    monkeypatch.setattr(Messagebox, "show_error", staticmethod(lambda message, *args, **kwargs: shown.append(message)))
    return shown


@pytest.fixture
def window(tmp_path):
    """The window on a database file (the worker opens its own connection) holding the small project, a cost of
    LP with one attachment found beside the database and one not, and period 1 submitted."""
    from reporter.gui.app import ReporterWindow
    from reporter.store import Store

    project = tmp_path / "project.toml"
    project.write_text(SMALL_PROJECT, encoding="utf-8")
    store = Store.open(tmp_path / "grants.sqlite3")
    load_project_file(store, project)
    (tmp_path / "attachments" / "LP").mkdir(parents=True)
    (tmp_path / "attachments" / "LP" / "sf-0117.pdf").write_bytes(INVOICE)
    add_expenditure(store, CODE, {"partner": "LP", "line": "TRAVEL", "date": "2024-03-05", "paid": "2024-03-05",
                                  "document": "SF-2024/0117", "supplier": "UAB „Žalia knyga“", "gross": "1210.00",
                                  "vat": "210.00", "attachments": "LP/sf-0117.pdf; LP/missing.pdf"})
    submit_period(store, CODE, 1, force=True)
    window = ReporterWindow(store, "en")
    view = window.reports
    view.period.set(next(p for p in view.period.cget("values") if p.startswith("1:")))
    view.partner.set(next(p for p in view.partner.cget("values") if p.startswith("LP ")))
    window.update()
    yield window
    window.destroy()
    store.close()
    gc.collect()  # Tk variables must be freed in this thread, not later in a worker


def finish(window) -> str:
    """Keep the window running until the worker's result is shown; the view's status then."""
    view = window.reports
    for _ in range(400):
        window.update()
        if str(view.bundle_button.cget("state")) == "normal":
            break
        window.after(50)
    assert str(view.bundle_button.cget("state")) == "normal", "the worker did not finish"
    return view.status.cget("text")


def save_as(monkeypatch, folder):
    """The save dialog answers with the name it offered, in `folder`; what it was asked is kept."""
    from reporter.gui import reports_view

    asked = {}

    def dialog(**options):
        asked.update(options)
        return str(folder / options["initialfile"])

    monkeypatch.setattr(reports_view.filedialog, "asksaveasfilename", dialog)
    return asked


def test_window__the_bundle_button_writes_a_bundle_verify_accepts_and_says_what_it_holds(
        window, tmp_path, monkeypatch, shown_errors, capsys):
    asked = save_as(monkeypatch, tmp_path)
    window.reports.folder.set(str(tmp_path / "reports"))  # not made yet
    window.reports.bundle_button.invoke()
    assert str(window.reports.generate_button.cget("state")) == "disabled"  # one worker at a time
    status = finish(window)
    assert not shown_errors
    assert asked["initialdir"] == str(tmp_path / "reports") and (tmp_path / "reports").is_dir()  # not the program's
    assert asked["initialfile"] == "LLI-501-P1-LP-interreg-lv-lt-2014-2020-en-bundle.zip"  # the report's name
    out = tmp_path / asked["initialfile"]
    with zipfile.ZipFile(out) as archive:
        files = len(archive.namelist()) - 2  # the manifest and SHA256SUMS list the others
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    assert status.splitlines() == [
        f"Evidence bundle written: {out}",
        f"{files} files, {file_size(out.stat().st_size, 'en')}; SHA-256 {digest[:16]}…",
        "Period 1 is submitted: the report files are the ones recorded at submission, drawn from the submitted data.",
        "1 expenditure(s), 1 attachment file(s), 1 finding(s), 1 error(s)",  # submitted over an error
        "1 attachment reference(s) without a file, listed in manifest.json: LP/missing.pdf (#1)"]
    assert window.reports.written == [out]

    assert cli.main(["bundle", "--verify", str(out)]) == 0
    assert "every hash matches, and the seal over the whole file holds" in capsys.readouterr().out


def test_window__verify_a_bundle_says_it_holds_or_names_the_changed_file(window, tmp_path, monkeypatch,
                                                                         shown_errors):
    from reporter.gui import reports_view

    save_as(monkeypatch, tmp_path)
    window.reports.bundle_button.invoke()
    finish(window)
    out = next(tmp_path.glob("*-bundle.zip"))
    monkeypatch.setattr(reports_view.filedialog, "askopenfilename", lambda **options: str(out))
    window.reports.verify_button.invoke()
    assert finish(window).splitlines() == [
        f"{out}: 7 files checked: every hash matches the manifest, and the seal over the whole file holds.",
        "Period 1 of LLI-501 was submitted; report.pdf and report.xlsx are the files recorded at submission."]

    with zipfile.ZipFile(out) as archive:  # a row of the CSV edited, the ZIP resealed by someone who knows how
        members = {name: archive.read(name) for name in archive.namelist()}
    members["expenditure.csv"] = members["expenditure.csv"].replace(b"1210.00", b"1910.00")
    with open(out, "w+b") as file:
        with zipfile.ZipFile(file, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
            archive.comment = bundle_service._SEAL + b"0" * 64
        bundle_service._seal(file)
    window.reports.verify_button.invoke()
    assert finish(window).splitlines() == [
        f"{out}: 7 files checked: 1 problem(s), the bundle is not as it was written:",
        "• expenditure.csv: 'expenditure.csv' was changed after the bundle was written (its SHA-256 is not the "
        "manifest's)",
        "Period 1 of LLI-501 was submitted; report.pdf and report.xlsx are the files recorded at submission."]
    assert not shown_errors


def test_window__a_bundle_that_cannot_be_written_is_refused_by_name_and_leaves_no_file(window, tmp_path, monkeypatch,
                                                                                       shown_errors):
    save_as(monkeypatch, tmp_path / "no such folder")
    window.reports.bundle_button.invoke()
    assert finish(window) == ""
    assert len(shown_errors) == 1 and "no such folder" in shown_errors[0] and "does not exist" in shown_errors[0]
    assert not (tmp_path / "no such folder").exists()

    def full_disk(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    shown_errors.clear()
    monkeypatch.setattr(bundle_service, "render", full_disk)  # the disk fills while the report is drawn
    asked = save_as(monkeypatch, tmp_path)
    window.reports.bundle_button.invoke()
    assert finish(window) == ""
    assert len(shown_errors) == 1 and asked["initialfile"] in shown_errors[0] and "disk" in shown_errors[0]
    assert [p.name for p in tmp_path.iterdir() if "zip" in p.name] == []  # neither the bundle nor a part of it
    assert str(window.reports.generate_button.cget("state")) == "normal"
