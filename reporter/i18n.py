"""The one translation mechanism of the window: message ids looked up in `resources/translations/ui.toml`.

Reports have their own words (`report-labels.toml`), chosen per report; the
window follows the interface language the user picks.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from reporter.paths import resources_dir

LANGUAGES = {"en": "English", "lt": "Lietuvių", "lv": "Latviešu"}


@lru_cache(maxsize=None)
def _catalog() -> dict[str, Any]:
    with open(resources_dir() / "translations" / "ui.toml", "rb") as file:
        return tomllib.load(file)


class Translator:
    """`_("saved", number=3)`: the message in the current language, English where it has none."""

    def __init__(self, lang: str = "en") -> None:
        self.lang = lang

    def __call__(self, key: str, **values: Any) -> str:
        catalog = _catalog()
        text = catalog.get(self.lang, {}).get(key) or catalog["en"].get(key) or key
        return text.format(**values) if values else text

    def toolkit_messages(self) -> dict[str, str]:
        """Translations of the toolkit's own words (dialog buttons), for its message catalog."""
        return dict(_catalog().get("toolkit", {}).get(self.lang, {}))
