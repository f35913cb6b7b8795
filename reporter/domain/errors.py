"""Errors a user can cause and fix.

Bad user data is reported, not crashed on: validators return `Problem` values
and the boundary (CLI, window) shows them all together. `UserError` is the one
exception type the front ends show as a plain message; anything else is an
internal error.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence


class Problem(NamedTuple):
    """One thing wrong with the input: where it is and why it is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class UserError(Exception):
    """The input or the request is wrong; the message says what to change."""


class ValidationError(UserError):
    """The input has one or more problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem], heading: str = "") -> None:
        self.problems = list(problems)
        self.heading = heading
        super().__init__(self._text())

    def _text(self) -> str:
        lines = [str(problem) for problem in self.problems]
        if self.heading:
            return "\n".join([self.heading, *("  " + line for line in lines)])
        return "\n".join(lines)


class NotFound(UserError):
    """The named record does not exist."""


class Conflict(UserError):
    """The change would break data that is already saved (a lock or a reference)."""
