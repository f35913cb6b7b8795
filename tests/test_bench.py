"""The bench keeps working: every task, program and library alone, at 200 rows (no timing is asserted)."""

import json

from reporter import bench
from reporter.cli import main
from reporter.services import synthetic


def test_bench__measures_every_task_beside_its_library_at_200_rows(tmp_path, capsys):
    assert main(["bench", "--rows", "200", "--repeat", "1", "--folder", str(tmp_path), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert [r["task"] for r in results] == [t for t in bench.TASKS if t != "window" or bench.has_screen()]
    assert all(r["rows"] == 200 and r["program_seconds"] > 0 and r["baseline_seconds"] > 0 for r in results)
    assert all(r["program_rss_mb"] > 0 for r in results)


def test_synthetic_export__imports_whole_with_lithuanian_and_latvian_letters(store, tmp_path):
    export = tmp_path / "export.csv"
    synthetic.write_export(export, 300)
    text = export.read_text(encoding=synthetic.ENCODING)
    assert "„Knygų namai" in text and "Rīgas grāmatnīca" in text
    synthetic.prepare(store, tmp_path, 300)
    result = synthetic.import_export(store, export)
    assert (result.imported, result.problems, result.duplicates) == (300, [], [])
    assert store.expenditures.of_period(store.projects.ids(synthetic.CODE).project, 1)  # both periods hold rows
