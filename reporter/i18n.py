"""The one translation mechanism: message ids looked up in `resources/translations/`.

The window's words are in `ui.toml` and follow the interface language the user
picks. Findings of the checks (`findings.toml`) are worded in the language of
whatever shows them: the window's, or a report's. Problems with what the user
typed or loaded (`problems.toml`) are worded in the window's language. Reports
have their own words (`report-labels.toml`), chosen per report.
"""

from __future__ import annotations

import tomllib
from collections import ChainMap
from functools import lru_cache
from typing import Any, Mapping

from reporter.domain.checks import MESSAGES, Finding
from reporter.domain.errors import PROBLEMS, Problem, UserError
from reporter.domain.messages import render
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


def _problem_templates(lang: str) -> Mapping[str, str]:
    """Problems in `lang`, in English where a message has no translation (rather than not at all)."""
    return ChainMap(_load("problems.toml").get(lang, {}), PROBLEMS)


problem_templates = _problem_templates  # for wording a problem's place itself (an import's rows and column)


def problem_text(problem: Problem, lang: str, where: str | None = None) -> str:
    """`where: why` with the why in `lang`; the place stays the key it is unless `where` names it ("" leaves it out)."""
    return problem.worded(_problem_templates(lang), lang, where)


def error_text(error: UserError, lang: str) -> str:
    """A refused input or request in `lang`: a validation error's heading and each of its problems, or the message."""
    return error.worded(_problem_templates(lang), lang)


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

    def problem(self, problem: Problem, where: str | None = None) -> str:
        """A problem with the input in the window's language, at its key or at `where` (a form's label)."""
        return problem_text(problem, self.lang, where)

    def error(self, error: UserError) -> str:
        """A refused input or request in the window's language."""
        return error_text(error, self.lang)

    def toolkit_messages(self) -> dict[str, str]:
        """Translations of the toolkit's own words (dialog buttons), for its message catalog."""
        return dict(_load("ui.toml").get("toolkit", {}).get(self.lang, {}))


def report_words(lang: str) -> Mapping[str, Any]:
    """The words of a report (`report-labels.toml`) in `lang`, in English where it has none."""
    words = _load("report-labels.toml")
    return ChainMap(words.get(lang, {}), words["en"])
