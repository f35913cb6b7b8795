"""The one translation mechanism: message ids looked up in `resources/translations/`.

The window's words are in `ui.toml` and follow the interface language the user
picks. Findings of the checks (`findings.toml`) are worded in the language of
whatever shows them: the window's, or a report's. Reports have their own
words (`report-labels.toml`), chosen per report.
"""

from __future__ import annotations

import tomllib
from collections import ChainMap
from functools import lru_cache
from typing import Any

from reporter.domain.checks import MESSAGES, Finding, render
from reporter.paths import resources_dir

LANGUAGES = {"en": "English", "lt": "Lietuvių", "lv": "Latviešu"}


@lru_cache(maxsize=None)
def _load(name: str) -> dict[str, Any]:
    with open(resources_dir() / "translations" / name, "rb") as file:
        return tomllib.load(file)


def finding_text(finding: Finding, lang: str) -> str:
    """The finding's message in `lang`, amounts and shares written as that language writes them.

    A message without a translation is shown in English rather than not at all.
    """
    templates = ChainMap(_load("findings.toml").get(lang, {}), MESSAGES)
    return render(finding.message_id, finding.params, templates, lang)


def rule_name(rule: str, lang: str) -> str:
    """The name of a check's rule in `lang` ("budget-line" → "Biudžeto eilutė")."""
    names = _load("findings.toml")["rule_names"]
    return names.get(lang, {}).get(rule) or names["en"].get(rule) or rule


class Translator:
    """`_("saved", number=3)`: the message in the current language, English where it has none."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    def __call__(self, key: str, **values: Any) -> str:
        catalog = _load("ui.toml")
        text = catalog.get(self.lang, {}).get(key) or catalog["en"].get(key) or key
        return text.format(**values) if values else text

    def finding(self, finding: Finding) -> str:
        """A check's finding in the window's language."""
        return finding_text(finding, self.lang)

    def rule(self, rule: str) -> str:
        return rule_name(rule, self.lang)

    def toolkit_messages(self) -> dict[str, str]:
        """Translations of the toolkit's own words (dialog buttons), for its message catalog."""
        return dict(_load("ui.toml").get("toolkit", {}).get(self.lang, {}))
