"""Text as people search for it: without case and without diacritics.

An accountant typing "siauliu" must find "Šiaulių", and "SF 0117" must match
"SF-0117": SQLite's own LIKE and lower() fold ASCII letters only.
"""

from __future__ import annotations

import re
import unicodedata


class _Folded(dict):
    """Each character's folded form, worked out the first time it is met (casefold and NFKD act on characters one
    by one, and the marks they leave are dropped): `str.translate` then folds a text in one pass."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code).casefold())
        folded = self[code] = "".join(c for c in decomposed if not unicodedata.combining(c))
        return folded


_FOLDED = _Folded()
_NOT_ALPHANUMERIC = re.compile(r"[\W_]")  # \w is str.isalnum() and '_'


def fold(text: str) -> str:
    """Lower case, diacritics removed: 'Šiaulių Ąžuolas' → 'siauliu azuolas'."""
    return text.translate(_FOLDED)


def search_text(*parts: str) -> str:
    """What a text search looks in: the parts folded, one space apart."""
    return " ".join(fold(part) for part in parts if part)


def document_key(supplier: str, number: str) -> str:
    """The same document however it was typed: 'UAB „Knyga“ / SF-0117' = 'uab knyga / sf 0117'."""
    return f"{compact_key(supplier)}|{compact_key(number)}"


def compact_key(text: str) -> str:
    """Letters and digits only, folded: 'UAB „Žalia knyga“' = 'uab zalia knyga' = 'UAB Žalia Knyga'."""
    return _NOT_ALPHANUMERIC.sub("", fold(text))
