"""The command line as a user meets it: output, --json, exit codes and one-line errors."""

import json
import subprocess
import sys

import pytest

from reporter import cli
from reporter.paths import default_database, log_file


@pytest.fixture
def run(tmp_path, capsys):
    database = tmp_path / "cli.sqlite3"

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main(["--db", str(database), *args])
        out, err = capsys.readouterr()
        return code, out, err

    run.database = database
    return run


def test_overview__shows_the_default_database_and_its_projects(capsys):
    assert cli.main(["overview"]) == 0
    out = capsys.readouterr().out
    assert "No projects yet" in out and str(default_database()) in out
    assert default_database().exists()


def test_load_then_projects__lists_the_project(run, project_file):
    assert run("load", str(project_file))[1].strip() == "Project LLI-501 created (17 added, 0 changed, 0 removed)"
    assert run("load", str(project_file))[1].strip() == "Project LLI-501 unchanged"
    code, out, _ = run("projects", "--json")
    projects = json.loads(out)
    assert code == 0
    assert projects[0]["code"] == "LLI-501" and projects[0]["eligible_total"] == "0.00"


def test_expense_add_and_list__in_text_and_json(run, project_file):
    run("load", str(project_file))
    code, out, _ = run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF",
                       "--date", "2024-03-05", "--document", "SF-1", "--supplier", "UAB „Žalia knyga“",
                       "--gross", "1 210,00", "--vat", "210,00", "--attachment", "sf-1.pdf")
    assert code == 0
    assert out.startswith("Saved #1 2024-03-05 SF-1 UAB „Žalia knyga“: eligible 1,210.00 EUR")
    code, out, _ = run("expense", "list", "--project", "LLI-501", "--json")
    listed = json.loads(out)
    assert listed["total"] == 1 and listed["total_eligible"] == "1210.00"
    assert listed["rows"][0]["gross"] == "1210.00" and listed["rows"][0]["attachments"] == ["sf-1.pdf"]
    code, out, _ = run("expense", "list", "--project", "LLI-501", "--search", "žalia")
    assert "UAB „Žalia knyga“" in out and "1–1 of 1" in out
    code, out, _ = run("expense", "list", "--project", "LLI-501", "--funder", "ERDF")
    assert code == 0 and "1–1 of 1" in out


def test_expense_edit_and_delete(run, project_file):
    run("load", str(project_file))
    run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF", "--date", "2024-03-05",
        "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "100")
    code, out, _ = run("expense", "edit", "--project", "LLI-501", "1", "--gross", "150,00", "--json")
    assert code == 0 and json.loads(out)["eligible"] == "150.00"
    code, out, _ = run("expense", "delete", "--project", "LLI-501", "1", "--yes")
    assert code == 0 and out.startswith("Deleted #1")
    assert json.loads(run("expense", "list", "--project", "LLI-501", "--json")[1])["total"] == 0


def test_expense_add_and_edit__the_procurement_or_contract_reference(run, project_file):
    run("load", str(project_file))
    code, out, _ = run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF",
                       "--date", "2024-03-05", "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "100",
                       "--procurement-ref", "VP-2024/07", "--json")
    assert code == 0 and json.loads(out)["procurement_ref"] == "VP-2024/07"
    code, out, _ = run("expense", "edit", "--project", "LLI-501", "1", "--procurement-ref", "Sutartis Nr. 2024-15",
                       "--json")
    assert code == 0 and json.loads(out)["procurement_ref"] == "Sutartis Nr. 2024-15"
    code, out, _ = run("expense", "edit", "--project", "LLI-501", "1", "--procurement-ref", "", "--json")
    assert code == 0 and json.loads(out)["procurement_ref"] == ""


def test_bad_amount__prints_one_clear_error_and_exits_non_zero(run, project_file):
    run("load", str(project_file))
    code, out, err = run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF",
                         "--date", "2024-03-05", "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "1,210")
    assert code == cli.EXIT_USER_ERROR
    assert err.startswith("error: The expenditure has 1 problem(s); nothing was saved:")
    assert "gross: '1,210' is ambiguous" in err and "Traceback" not in err
    assert json.loads(run("expense", "list", "--project", "LLI-501", "--json")[1])["total"] == 0


def test_unknown_project__is_a_user_error(run):
    code, _, err = run("export-project", "NOPE")
    assert code == cli.EXIT_USER_ERROR and err.strip() == "error: project: no project with code 'NOPE'"


def test_convert__prints_the_euro_amount(run):
    code, out, _ = run("convert", "1 234,56", "PLN", "--rate", "4.3150")
    assert out.strip() == "1,234.56 PLN = 286.11 EUR (rate 4.3150 per euro, given)"
    run("rate", "set", "PLN", "2024-03", "4.3150", "--source", "EC")
    code, out, _ = run("convert", "1234.56", "PLN", "--month", "2024-03", "--json")
    assert json.loads(out) == {"amount": "1234.56", "currency": "PLN", "rate": "4.3150", "rate_source": "stored",
                               "month": "2024-03", "euro": "286.11"}


def test_export_project__writes_a_file_that_loads_unchanged(run, project_file, tmp_path):
    run("load", str(project_file))
    target = tmp_path / "out.toml"
    assert run("export-project", "LLI-501", "-o", str(target))[0] == 0
    assert run("load", str(target))[1].strip() == "Project LLI-501 unchanged"


def test_backup_and_restore(run, project_file):
    run("load", str(project_file))
    code, out, _ = run("backup", "--json")
    backup = json.loads(out)["backup"]
    run("expense", "add", "--project", "LLI-501", "--partner", "LP", "--line", "STAFF", "--date", "2024-03-05",
        "--document", "SF-1", "--supplier", "UAB Knyga", "--gross", "100")
    code, out, _ = run("restore", backup)
    assert code == 0 and "Restored" in out
    assert json.loads(run("expense", "list", "--project", "LLI-501", "--json")[1])["total"] == 0


def test_internal_error__says_so_and_logs_the_details(run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("reporter.services.projects.list_projects", broken)
    code, _, err = run("projects")
    assert code == cli.EXIT_INTERNAL_ERROR
    assert "internal error: RuntimeError: disk on fire" in err and str(log_file()) in err
    assert "disk on fire" in log_file().read_text(encoding="utf-8")


def test_every_command_has_help_that_mentions_it():
    for args in (["init"], ["load"], ["export-project"], ["projects"], ["templates"], ["expense", "add"],
                 ["expense", "edit"], ["expense", "delete"], ["expense", "list"], ["convert"], ["rate", "set"],
                 ["rate", "list"], ["backup"], ["restore"], ["demo"]):
        result = subprocess.run([sys.executable, "-m", "reporter", *args, "--help"], capture_output=True, text=True)
        assert result.returncode == 0 and "usage: grant-reporter" in result.stdout, args


def test_a_closed_pipe_ends_the_output_quietly(tmp_path, project_file):
    database = str(tmp_path / "pipe.sqlite3")
    assert cli.main(["--db", database, "load", str(project_file)]) == 0
    process = subprocess.Popen([sys.executable, "-m", "reporter", "--db", database, "templates"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # like `grant-reporter templates | head -0`: nobody reads
    _, err = process.communicate(timeout=60)
    assert process.returncode == cli.EXIT_OUTPUT_CLOSED and err == b""  # 141, as the shell reports SIGPIPE
