"""Small widgets the views share."""

from __future__ import annotations

import tkinter as tk
from typing import Iterable

import ttkbootstrap as ttk

from reporter.domain.text import fold

# Keys that move within the picker rather than type into it.
_NAVIGATION = {"Up", "Down", "Left", "Right", "Tab", "ISO_Left_Tab", "Return", "KP_Enter", "Escape", "Home", "End",
               "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R"}


class SearchablePicker(ttk.Combobox):
    """A combobox whose list narrows to the choices containing what is typed, accents and case ignored.

    Typing "kelion" offers "TRAVEL Kelionės"; leaving the field with a text that
    only one choice contains picks that choice, so the code is always whole.
    """

    def __init__(self, master: tk.Misc, choices: Iterable[str] = (), **options: object) -> None:
        super().__init__(master, **options)
        self.choices: list[str] = []
        self.set_choices(choices)
        self.bind("<KeyRelease>", self._narrow, add="+")
        self.bind("<FocusOut>", lambda _event: self.complete(), add="+")

    def set_choices(self, choices: Iterable[str]) -> None:
        self.choices = list(choices)
        self.configure(values=self.choices)

    def matches(self, typed: str) -> list[str]:
        wanted = fold(typed.strip())
        return [c for c in self.choices if wanted in fold(c)] if wanted else list(self.choices)

    def _narrow(self, event: tk.Event) -> None:
        if event.keysym not in _NAVIGATION:
            self.configure(values=self.matches(self.get()) or self.choices)

    def resolve(self, typed: str) -> str:
        """The choice a typed text names: its code exactly, or the only choice containing it (else the text)."""
        typed = typed.strip()
        if not typed or typed in self.choices:
            return typed
        by_code = [c for c in self.choices if fold(c.split(" ", 1)[0]) == fold(typed)]
        found = by_code or self.matches(typed)
        return found[0] if len(found) == 1 else typed

    def complete(self) -> None:
        """Show the whole choice for what is typed, once the user moves on."""
        chosen = self.resolve(self.get())
        if chosen != self.get():
            self.set(chosen)
        self.configure(values=self.choices)
