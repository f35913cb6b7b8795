"""Documentation that drifts from the program is a failing test."""

import re
from pathlib import Path

from reporter.cli import _parser
from reporter.services.projects import load_project_file, project_definition

ROOT = Path(__file__).resolve().parent.parent


def test_project_file_doc__full_example_loads_and_exports_unchanged(store, tmp_path):
    text = (ROOT / "docs" / "project-file.md").read_text(encoding="utf-8")
    example = re.search(r"## A full example\s+```toml\n(.*?)```", text, re.S).group(1)
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    assert load_project_file(store, path).summary.created
    definition = project_definition(store, "LLI-501")
    assert [a.funder for a in definition.funding if a.partner == "PP2"] == ["ERDF", "MUN"]
    assert definition.funding[1].share_percent == 7.5
    assert (definition.rules.line_flexibility_percent, definition.rules.payment_grace_days) == (15, 45)
    assert [f.line for f in definition.rules.flat_rates] == ["OFFICE"]  # kept from the template


def test_readme__documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = _parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        nested = [a for a in sub._actions if a.__class__.__name__ == "_SubParsersAction"]
        names = [f"{name} {child}" for child in nested[0].choices] if nested else [name]
        for command in names:
            assert f"grant-reporter {command}" in readme, f"README does not mention 'grant-reporter {command}'"
