"""LibreOffice as an independent spreadsheet: it recalculates a generated workbook's formulas."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# A LibreOffice profile that recalculates every formula of an .xlsx on load (its default keeps cached values).
_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">\
<value>0</value></prop></item>
</oor:items>
"""


def soffice_command() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail("LibreOffice (soffice) is not on PATH, but CI is set: the CI image must install LibreOffice "
                    "to recalculate the report workbook")
    pytest.skip("LibreOffice (soffice) is not installed; CI runs this test")


def recalculate_with_libreoffice(source: Path, work: Path) -> Path:
    soffice = soffice_command()
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")
    out = work / "recalculated"
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", "xlsx", "--outdir", str(out), str(source)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    converted = out / source.name
    assert result.returncode == 0 and converted.exists(), (result.stdout, result.stderr)
    return converted
