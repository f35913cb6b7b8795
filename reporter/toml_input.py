"""What a TOML file can hold that a project file must not, found before it is read as one.

TOML writes integers in hexadecimal, octal and binary too, and `tomllib` hands
them over as ordinary numbers: `amount = 0x10` would be read as 16.00. The
reader of project files refuses such numbers by their line, and names a value of
the wrong type briefly (a date-time, an array) however long or deep it is.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

# Strings and comments, consumed whole so that nothing inside them is taken for a number, and the
# hexadecimal, octal and binary integers TOML allows (0x10, 0o20, 0b10000), which read as ordinary numbers.
_TOKENS = re.compile(r'''
      """(?:[^\\]|\\.)*?"""
    | \'\'\'.*?\'\'\'
    | "(?:[^"\\\n]|\\.)*"
    | '[^'\n]*'
    | \#[^\n]*
    | (?P<number>(?<![\w.+-])[+-]?0[xob][0-9A-Fa-f_]+)
''', re.S | re.X)


def non_decimal_numbers(text: str) -> list[tuple[int, str]]:
    """Each number of a valid TOML text written other than in decimal, with its line: amounts are never hexadecimal."""
    return [(text.count("\n", 0, found.start()) + 1, found.group("number"))
            for found in _TOKENS.finditer(text) if found.group("number")]


def shown(value: Any) -> str:
    """A value of the wrong type as the file has it (a TOML date-time, an array), briefly."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, (date, time)):
        shown = value.isoformat()
    elif isinstance(value, list):
        shown = "[…]"
    elif isinstance(value, dict):
        shown = "{…}"
    else:
        shown = repr(value)
    return shown if len(shown) <= 60 else shown[:60] + "…"
