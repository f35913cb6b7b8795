"""A record's fields, declared once on the dataclass that holds them.

Each field of a project-file record says its key in the file (and the setup
form), the kind of value it holds, the section its codes name and its store
column. The project file's reader and writer, the store's row mapping and the
setup form are derived from these declarations, so a field added here is read,
written, saved and edited everywhere at once.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import MISSING, dataclass
from typing import Any

# Kinds of value: how a field is read, written, stored and typed.
TEXT, CHOICE, CODE, CODES, PERCENT, AMOUNT, DAY, FLAG, INTEGER, CURRENCY, LABEL = (
    "text", "choice", "code", "codes", "percent", "amount", "day", "flag", "integer", "currency", "label")


class Label(str):
    """A name as people read it, with its words in other languages where they were given.

    It is the name in its first language (English, when given), so it reads as a plain string; a project
    file writes it as `name = { en = "Staff costs", lt = "Personalo išlaidos" }`.
    """

    translations: tuple[tuple[str, str], ...]

    def __new__(cls, text: str, translations: tuple[tuple[str, str], ...] = ()) -> "Label":
        label = super().__new__(cls, text)
        label.translations = tuple(translations)
        return label

    @classmethod
    def of(cls, names: dict[str, str]) -> "Label":
        """From the words per language; its own text is the English, else the first given."""
        return cls(names.get("en") or next(iter(names.values()), ""), tuple(names.items()))

    def in_language(self, lang: str) -> str:
        return dict(self.translations).get(lang) or str(self)

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other) and self.translations == getattr(other, "translations", ())

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:  # as its text's: a label without other words equals, and finds, the plain string
        return str.__hash__(self)

    def __reduce__(self):  # copies and pickles keep the translations
        return (Label, (str(self), self.translations))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str  # the attribute of the record
    key: str  # in the project file and the setup form
    kind: str
    column: str  # in the store; for CODES the link table
    required: bool
    default: Any
    options: tuple[str, ...] = ()  # the values of a CHOICE
    refers_to: str = ""  # the section whose codes a CODE or CODES field names ("partners", "funders"…)


def spec(key: str, kind: str = TEXT, *, default: Any = MISSING, column: str = "", options: tuple[str, ...] = (),
         refers_to: str = "") -> Any:
    """A dataclass field with its declaration (no default: the field is required)."""
    metadata = {"spec": (key, kind, column, options, refers_to)}
    if default is MISSING:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


ID_COLUMNS = {"partners": "partner_id", "funders": "funder_id", "budget_lines": "budget_line_id",
               "activities": "activity_id"}


def _column(key: str, kind: str, refers_to: str) -> str:
    if kind == AMOUNT:
        return f"{key}_cents"
    if kind == CODE:
        return ID_COLUMNS[refers_to]
    return key


@functools.lru_cache(maxsize=None)
def record_fields(record_type: type) -> tuple[FieldSpec, ...]:
    """The declared fields of a record type, in declaration order.

    Worked out once per type (a type's declaration never changes): loading a project's definition asks
    for them for every row, and a programme with 45 sub-grantees has hundreds of rows.
    """
    found = []
    for field in dataclasses.fields(record_type):
        if "spec" not in field.metadata:
            continue
        key, kind, column, options, refers_to = field.metadata["spec"]
        required = field.default is MISSING and field.default_factory is MISSING  # type: ignore[misc]
        found.append(FieldSpec(field.name, key, kind, column or _column(key, kind, refers_to), required,
                               None if required else field.default, options, refers_to))
    return tuple(found)
