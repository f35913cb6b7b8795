"""Text as people search for it: without case and without diacritics.

An accountant typing "siauliu" must find "Šiaulių", and "SF 0117" must match
"SF-0117": SQLite's own LIKE and lower() fold ASCII letters only.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, diacritics removed: 'Šiaulių Ąžuolas' → 'siauliu azuolas'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_text(*parts: str) -> str:
    """What a text search looks in: the parts folded, one space apart."""
    return " ".join(fold(part) for part in parts if part)


def document_key(supplier: str, number: str) -> str:
    """The same document however it was typed: 'UAB „Knyga“ / SF-0117' = 'uab knyga / sf 0117'."""
    return f"{compact_key(supplier)}|{compact_key(number)}"


def compact_key(text: str) -> str:
    """Letters and digits only, folded: 'UAB „Žalia knyga“' = 'uab zalia knyga' = 'UAB Žalia Knyga'."""
    return "".join(c for c in fold(text) if c.isalnum())
