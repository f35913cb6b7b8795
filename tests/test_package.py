"""The program as staff get it: the wheel installed in a fresh environment, and the PyInstaller build.

Tests marked `package` build the program (the wheel in seconds, the frozen
one-folder program in about half a minute) and run it the way a user would:
from another folder, with a fresh home folder, under the virtual screen that
pytest-xvfb starts. `make test` runs them with the rest; alone:
`make test PYTEST_ARGS="-m package"`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

import reporter
from reporter.paths import resources_dir, templates_dir

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(reporter.__file__).parent
EXE = ".exe" if sys.platform == "win32" else ""

# What a user sees in the self-test's report (the demo's Interreg project, period 1, in Lithuanian).
REPORT_PROJECT, REPORT_PERIOD = "LLI-537", 1


def fresh_user(tmp: Path, lang: str = "C.UTF-8") -> dict[str, str]:
    """The environment of a user who never ran the program: an empty home, no XDG folders set."""
    home = tmp / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("XDG_", "PYTHON", "LC_", "LANG"))}
    env.update(HOME=str(home), LANG=lang)
    return env


def plain_spaces(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# Fast checks of the packaging set-up


def test_pyproject__lists_every_package_folder_of_reporter():
    """A new folder of reporter/ that pyproject.toml does not list would be missing from the wheel and the build."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    folders = {".".join(path.parent.relative_to(ROOT).parts) for path in PACKAGE.rglob("*.py")
               if "__pycache__" not in path.parts}
    assert folders <= set(config["packages"])
    assert config["package-dir"] == {"reporter._resources": "resources", "reporter._templates": "templates"}


def test_data_files__are_found_through_importlib_resources():
    from importlib import resources

    assert resources_dir() == resources.files("reporter._resources") == ROOT / "resources"
    assert templates_dir() == resources.files("reporter._templates") == ROOT / "templates"
    assert (resources_dir() / "fonts" / "DejaVuSans.ttf").is_file()


def test_package_data__declares_every_kind_of_file_there_is():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for package, folder in config["package-dir"].items():
        globs = config["package-data"][package]
        files = [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                 and p.suffix != ".py"]
        undeclared = [str(p.relative_to(ROOT)) for p in files
                      if not any(p.relative_to(ROOT / folder).match(glob) for glob in globs)]
        assert not undeclared, f"add a glob for these to [tool.setuptools.package-data] {package}"


def test_version__answers_without_loading_the_database_or_report_libraries():
    code = ("import sys, contextlib, io\n"
            "from reporter.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try: main(['--version'])\n"
            "    except SystemExit: pass\n"
            "heavy = sorted(m for m in ('sqlite_utils', 'reportlab', 'openpyxl', 'tkinter') if m in sys.modules)\n"
            "print(out.getvalue().strip(), heavy)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == f"grant-reporter {reporter.__version__} []"


def test_window__opens_without_the_report_libraries():
    """reportlab and openpyxl cost start-up time; they are imported when a report is written."""
    code = ("import sys\n"
            "import reporter.gui.app, reporter.gui.checks_view, reporter.gui.expenditure_view\n"
            "import reporter.gui.project_view, reporter.gui.reports_view, reporter.gui.settings_view\n"
            "print(sorted(m for m in ('reportlab', 'openpyxl') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_version__is_written_once_and_the_wheel_reads_it_from_there():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "reporter.__version__"}


def test_readme__tells_staff_how_to_install_and_maintainers_how_to_build():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for words in ("## Installing it on an office PC", "--selftest", "### Building the program", "make package",
                  "make package-onefile", ".github/workflows/build.yml", "Open the demo"):
        assert words in readme
    assert (ROOT / ".github" / "workflows" / "build.yml").is_file()


# The wheel


def _build_wheel(tmp: Path) -> Path:
    """Build from a copy of the checkout, so nothing a previous build left in build/ can slip in."""
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", "tests"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-cache-dir", "--disable-pip-version-check", "-w", str(tmp / "wheels"), str(source)], check=True)
    (wheel,) = (tmp / "wheels").glob("grant_reporter-*.whl")
    return wheel


@pytest.mark.package
def test_wheel__installed_in_a_fresh_environment_makes_the_demo_and_a_report(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("reporter/gui/app.py", "reporter/_resources/fonts/DejaVuSans.ttf",
                 "reporter/_resources/translations/ui.toml", "reporter/_resources/demo/interreg-lv-lt.toml",
                 "reporter/_resources/icons/grant-reporter-64.png", "reporter/_templates/generic.toml"):
        assert name in names, f"{name} is not in the wheel"
    assert not [n for n in names if n.startswith(("tests/", "resources/", "templates/"))]

    # A fresh environment with nothing but the wheel; its dependencies come from this test
    # environment (a .pth file), so the test needs no network, and `pip check` proves the
    # wheel's declared requirements are what it runs with.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts" if sys.platform == "win32" else "bin") / f"python{EXE}"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", "--no-cache-dir", "--disable-pip-version-check", str(wheel)], check=True)
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "test-dependencies.pth").write_text("\n".join(sorted(here)) + "\n", encoding="utf-8")
    env = fresh_user(tmp_path)
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str) -> str:
        result = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout

    installed = run(str(python), "-c", "import reporter, reporter.paths as p; "
                                       "print(reporter.__file__); print(p.resources_dir()); print(p.templates_dir())")
    assert all(Path(line).is_relative_to(venv) for line in installed.split()), installed
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "check", "--disable-pip-version-check"],
                   cwd=work, env=env, check=True, capture_output=True)
    program = str(python.parent / f"grant-reporter{EXE}")
    assert run(program, "--version").strip() == f"grant-reporter {reporter.__version__}"
    assert "interreg-lv-lt-2014-2020" in run(program, "templates")
    assert re.search(r"; \d+ expenditures", run(program, "demo", "--db", "demo.sqlite3"))
    files = run(program, "report", "--db", "demo.sqlite3", "--project", REPORT_PROJECT, "--period",
                str(REPORT_PERIOD), "--lang", "lt", "--out", "reports")
    (pdf,) = (work / "reports").glob("*.pdf")
    assert pdf.name in files
    total = _partner_total(work / "demo.sqlite3")
    text = _pdf_text(pdf)
    assert "Projekto pažangos ataskaita" in text and "Šiaulių apskrities Povilo Višinskio" in text
    assert total in text


def _pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return plain_spaces("\n".join(page.extract_text() or "" for page in pdf.pages))


def _partner_total(database: Path) -> str:
    """The period's eligible total of all partners, as the Lithuanian report writes it (from this checkout's code)."""
    from reporter.domain.money import format_amount
    from reporter.services.checks import financing_view
    from reporter.store import Store

    with closing(Store.open(database)) as store:
        view = financing_view(store, REPORT_PROJECT, None, REPORT_PERIOD)
    return plain_spaces(format_amount(sum((p.eligible_this_period for p in view.partners), Decimal(0)), "lt"))


# The frozen program (PyInstaller, one folder)


@pytest.fixture(scope="module")
def frozen(tmp_path_factory) -> Path:
    """`build.spec` built into a temporary folder; PyInstaller's cache kept there too, not in the home folder."""
    tmp = tmp_path_factory.mktemp("pyinstaller")
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(tmp / "config"))
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(tmp / "dist"), "--workpath", str(tmp / "build"), str(ROOT / "build.spec")],
        cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    print(f"PyInstaller one-folder build: {time.perf_counter() - started:.0f} s")
    program = tmp / "dist" / "grant-reporter" / f"grant-reporter{EXE}"
    assert program.is_file()
    return program


def _bundle_state(program: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in program.parent.rglob("*")}


@pytest.mark.package
def test_frozen__version(frozen, tmp_path):
    result = subprocess.run([str(frozen), "--version"], cwd=tmp_path, env=fresh_user(tmp_path),
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == f"grant-reporter {reporter.__version__}"


@pytest.mark.package
def test_frozen__selftest_writes_a_report_a_user_can_read(frozen, tmp_path):
    before = _bundle_state(frozen)
    out = tmp_path / "selftest"
    result = subprocess.run([str(frozen), "--selftest", str(out)], cwd=tmp_path, env=fresh_user(tmp_path),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(built program)" in result.stdout and "self-test passed" in result.stdout
    assert "window: opened" in result.stdout
    assert _bundle_state(frozen) == before, "the program wrote into its own folder"

    total = _partner_total(out / "selftest.sqlite3")
    (pdf,) = out.glob("*.pdf")
    text = _pdf_text(pdf)
    assert "Projekto pažangos ataskaita" in text and "Ataskaitinis laikotarpis 1" in text
    assert "Šiaulių apskrities Povilo Višinskio viešoji biblioteka" in text and "Jelgavas pilsētas bibliotēka" in text
    assert f"Iš viso 149 900,00 0,00 {total} {total}" in text  # the partners' total row

    # The workbook as a spreadsheet shows it: LibreOffice recalculates the total row's formulas.
    import openpyxl
    from libreoffice import recalculate_with_libreoffice

    (xlsx,) = out.glob("*.xlsx")
    sheet = "Suvestinė apžvalga pagal"  # sheet names are shortened at a word to 31 characters
    recalculated = openpyxl.load_workbook(recalculate_with_libreoffice(xlsx, tmp_path), data_only=True)
    rows = list(recalculated[sheet].iter_rows(values_only=True))
    assert rows[4][0] == "PP3 Jelgavas pilsētas bibliotēka"
    assert rows[5][0] == "Iš viso"
    assert Decimal(str(rows[5][3])) == Decimal(total.replace(" ", "").replace(",", "."))


@pytest.mark.package
def test_frozen__first_start_makes_the_database_in_the_data_folder_in_the_system_language(frozen, tmp_path):
    env = fresh_user(tmp_path, lang="lt_LT.UTF-8")
    home = Path(env["HOME"])
    process = subprocess.Popen([str(frozen)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    database = home / ".local" / "share" / "grant-reporter" / "grant-reporter.sqlite3"
    log = home / ".local" / "state" / "grant-reporter" / "log" / "grant-reporter.log"
    try:
        deadline = time.monotonic() + 60
        while not (database.exists() and log.exists() and "the window on" in log.read_text(encoding="utf-8")):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "no window after a minute"
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert f"the window on {database}, system language lt" in log.read_text(encoding="utf-8")
