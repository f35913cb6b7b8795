"""Messages as an id and typed values, worded only when shown.

Findings of the checks and problems with the input are kept this way so that
the command line can print them in English while the window and the reports
word them in their own language. The wordings themselves are mappings of id →
template passed in by the caller (English in the domain, translations read by
`reporter.i18n`): nothing here reads a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Mapping, Union

from babel.numbers import get_decimal_symbol


class Amount(Decimal):
    """Money in a message: grouped and with the decimal comma where the language writes it so."""

    __slots__ = ()


class Number(Decimal):
    """A share, rate or count of units in a message: its digits as given, with the language's decimal separator."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Message:
    """A message id and its typed parameters: a finding's, or one reason listed within it; worded when shown."""

    id: str
    args: tuple[tuple[str, "Param"], ...] = ()

    @property
    def params(self) -> dict[str, "Param"]:
        return dict(self.args)


# Dates are written ISO in every language; text (codes, names) and counts as they are.
Param = Union[Amount, Number, date, int, str, Message, tuple[Message, ...]]


def render(message_id: str, params: Mapping[str, Param], templates: Mapping[str, str], lang: str | None = None) -> str:
    """The message in the wording of `templates`, its values written for `lang`.

    Without a language, amounts stay plain ("1200.01"): the English `Finding.message`
    and `Problem.message` the command line and its JSON have always carried.
    """
    from reporter.domain.money import format_amount  # money's own errors are worded here: imported when used

    def shown(value: Param) -> str:
        if isinstance(value, Amount):
            return format_amount(value, lang) if lang else str(value)
        if isinstance(value, Number):
            return str(value).replace(".", get_decimal_symbol(lang)) if lang else str(value)
        if isinstance(value, Message):
            return render(value.id, value.params, templates, lang)
        if isinstance(value, tuple):
            return "; ".join(shown(item) for item in value)
        return str(value)

    return templates[message_id].format(**{name: shown(value) for name, value in params.items()})
