"""Small widgets and helpers the views share.

- `SearchablePicker`: a combobox that resolves what is typed to one choice, or says it cannot.
- `FlowForm`: labelled fields that re-flow into as many columns as the width allows (nothing cut).
- `ScrollableFrame`: content that scrolls when the window is lower than it needs, and stretches when not.
- `view_keys`: shortcuts that belong to one view (a bind tag on its widgets), never to the whole application.
- `select_on_focus`, `skip_calendar_button`: entering a field selects its text; Tab passes calendar buttons.
- `date_field`: a date entry with its calendar button, made without a layout pass of the whole window.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tkinter as tk
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import ttkbootstrap as ttk

from reporter.domain.text import fold

log = logging.getLogger("reporter.gui")

# Keys that move within the picker rather than type into it.
_NAVIGATION = {"Up", "Down", "Left", "Right", "Tab", "ISO_Left_Tab", "Return", "KP_Enter", "Escape", "Home", "End",
               "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R"}


def select_on_focus(entry: tk.Widget) -> None:
    """Entering a field (Tab, Enter, a click, the program moving on) selects its text, so typing replaces it."""
    def select(_event: tk.Event) -> None:
        try:
            entry.selection_range(0, "end")  # type: ignore[attr-defined]
            entry.icursor("end")  # type: ignore[attr-defined]
        except tk.TclError:
            pass

    entry.bind("<FocusIn>", select, add="+")


def skip_calendar_button(date_entry: ttk.DateEntry) -> None:
    """Tab goes from a date field to the next field, not to its calendar button (still there for the mouse)."""
    date_entry.button.configure(takefocus=0)


_calendar_button_width: list[int] = []  # measured once: every date field's button is the same


def date_field(master: tk.Misc, width: int) -> ttk.DateEntry:
    """A YYYY-MM-DD date field with its calendar button (Tab passes the button; entering selects the text).

    ttkbootstrap's DateEntry lays out the whole window as it is made, to measure its button
    (update_idletasks: some 20 ms each, most of the window's start with a dozen date fields in its forms);
    the button is measured on the first field only and the others keep the same room for it.
    """
    if not _calendar_button_width:
        field = ttk.DateEntry(master, date_format="%Y-%m-%d", first_weekday=0, value=None, width=width)
        _calendar_button_width.append(max(0, field.button.winfo_reqwidth() - 3))  # its overlap with the entry
    else:
        with _no_layout_pass():
            field = ttk.DateEntry(master, date_format="%Y-%m-%d", first_weekday=0, value=None, width=width)
        field.entry.pack_configure(padx=(0, _calendar_button_width[0]))
    skip_calendar_button(field)
    select_on_focus(field.entry)
    return field


@contextmanager
def _no_layout_pass() -> Iterator[None]:
    update_idletasks = tk.Misc.update_idletasks
    tk.Misc.update_idletasks = lambda _self: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        tk.Misc.update_idletasks = update_idletasks  # type: ignore[method-assign]


class SearchablePicker(ttk.Combobox):
    """A combobox whose list narrows to the choices containing what is typed, accents and case ignored.

    Typing "kelion" offers "TRAVEL Kelionės"; leaving the field with a text that
    only one choice contains picks that choice, so the code is always whole. A
    text that names no choice, or several, is left as typed and `resolve` says
    so (None): the form refuses it rather than keep an older value.

    `choices` may be a function, asked each time: a picker then knows a record
    added a moment ago (a new funder) from its first use.
    """

    def __init__(self, master: tk.Misc, choices: Iterable[str] | Callable[[], Iterable[str]] = (),
                 **options: object) -> None:
        self._provider: Callable[[], Iterable[str]] | None = None
        super().__init__(master, postcommand=self._refresh_choices, **options)
        self.choices: list[str] = []
        if callable(choices):
            self._provider = choices
            self._refresh_choices()
        else:
            self.set_choices(choices)
        self.bind("<KeyRelease>", self._narrow, add="+")
        self.bind("<FocusOut>", lambda _event: self.complete(), add="+")
        select_on_focus(self)

    def set_choices(self, choices: Iterable[str]) -> None:
        self.choices = list(choices)
        self.configure(values=self.choices)

    def _refresh_choices(self) -> None:
        if self._provider is not None:
            self.choices = list(self._provider())
            wanted = self.get()
            self.configure(values=(self.matches(wanted) if wanted and wanted not in self.choices else None)
                           or self.choices)

    def matches(self, typed: str) -> list[str]:
        wanted = fold(typed.strip())
        return [c for c in self.choices if wanted in fold(c)] if wanted else list(self.choices)

    def _narrow(self, event: tk.Event) -> None:
        if event.keysym not in _NAVIGATION:
            if self._provider is not None:
                self.choices = list(self._provider())
            self.configure(values=self.matches(self.get()) or self.choices)

    def resolve(self, typed: str | None = None) -> str | None:
        """The one choice a typed text names: the choice itself, its code (any case or accents), or the only
        choice containing it. "" for an empty field; None when it names no choice or several."""
        if self._provider is not None:
            self.choices = list(self._provider())
        typed = (self.get() if typed is None else typed).strip()
        if not typed or typed in self.choices:
            return typed
        wanted = fold(typed)
        for found in ([c for c in self.choices if fold(c) == wanted],
                      [c for c in self.choices if c and fold(c.split(" ", 1)[0]) == wanted],
                      self.matches(typed)):
            if len(found) == 1:
                return found[0]
            if found:
                return None
        return None

    def code(self) -> str:
        """The code (first word) of the choice the text names; the text as typed when it names none, so that
        the check refuses it by what the user typed."""
        chosen = self.resolve()
        return chosen.split(" ", 1)[0] if chosen else self.get().strip()

    def complete(self) -> bool:
        """Show the whole choice for what is typed, once the user moves on; False when it names no one choice."""
        chosen = self.resolve()
        if chosen is not None and chosen != self.get():
            self.set(chosen)
        self.configure(values=self.choices)
        return chosen is not None


class FlowForm(ttk.Frame):
    """Labelled fields in as many columns as the width allows: a narrow window gives more rows, never
    cut fields. Each cell is a label (with an optional marker beside it) above its field."""

    def __init__(self, master: tk.Misc, cell_width: int = 190, **options: object) -> None:
        super().__init__(master, **options)
        self.cell_width = cell_width
        self.cells: list[tuple[ttk.Frame, int]] = []
        self.hidden: set[ttk.Frame] = set()  # cells left out, the others flowing as if they were not there
        self._columns = 0
        self.bind("<Configure>", lambda event: self._reflow(event.width), add="+")

    def show(self, cell: ttk.Frame, shown: bool) -> None:
        """Show a cell, or leave it out of the flow."""
        if (cell not in self.hidden) == shown:
            return
        (self.hidden.discard if shown else self.hidden.add)(cell)
        self._columns = 0
        self._reflow(self.winfo_width() if self.winfo_width() > 1 else self.cell_width * 5)

    def cell(self, span: int = 1) -> ttk.Frame:
        """A new cell to put a label and a field into (packed top to bottom)."""
        frame = ttk.Frame(self)
        self.cells.append((frame, span))
        self._columns = 0
        self._reflow(self.winfo_width() if self.winfo_width() > 1 else self.cell_width * 5)
        return frame

    def _reflow(self, width: int) -> None:
        columns = max(1, width // self.cell_width)
        if columns == self._columns:
            return
        self._columns = columns
        position = 0
        for frame, span in self.cells:
            if frame in self.hidden:
                frame.grid_remove()
                continue
            span = min(span, columns)
            if position % columns + span > columns:
                position += columns - position % columns
            row, column = divmod(position, columns)
            frame.grid(row=row, column=column, columnspan=span, sticky="ew", padx=4, pady=(0, 4))
            position += span
        for column in range(max(columns, 12)):
            self.columnconfigure(column, weight=1 if column < columns else 0, uniform="cell" if column < columns
                                 else "")


class ScrollableFrame(ttk.Frame):
    """A frame whose `inner` frame scrolls up and down when the window is lower than its content needs, and
    fills the height when it is not (so lists inside still grow with the window)."""

    def __init__(self, master: tk.Misc, **options: object) -> None:
        super().__init__(master, **options)
        self.canvas = tk.Canvas(self, highlightthickness=0, borderwidth=0)
        self.scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=self.scrollbar.set)
        self.canvas.pack(side="left", fill="both", expand=True)
        self.inner = ttk.Frame(self.canvas)
        self._window = self.canvas.create_window(0, 0, window=self.inner, anchor="nw")
        self._fit_job: str | None = None
        self.canvas.bind("<Configure>", lambda _e: self._fit(), add="+")
        self.inner.bind("<Configure>", lambda _e: self._fit(), add="+")
        self._wheel_tag = f"wheel{id(self)}"
        for sequence, step in (("<Button-4>", -1), ("<Button-5>", 1)):
            self.bind_class(self._wheel_tag, sequence, lambda _e, step=step: self._scroll(step))
        self.bind_class(self._wheel_tag, "<MouseWheel>", lambda e: self._scroll(-1 if e.delta > 0 else 1))
        self.canvas.after_idle(self._style)

    def _style(self) -> None:
        try:
            self.canvas.configure(background=ttk.Style().lookup("TFrame", "background"))
        except tk.TclError:
            pass

    def _fit_later(self) -> None:
        if not self._fit_job:
            self._fit_job = self.after_idle(self._fit)

    def _fit(self) -> None:
        self._fit_job = None
        width, height = self.canvas.winfo_width(), self.canvas.winfo_height()
        needed = self.inner.winfo_reqheight()
        self.canvas.itemconfigure(self._window, width=width, height=max(height, needed))
        self.canvas.configure(scrollregion=(0, 0, width, max(height, needed)))
        if needed > height + 1:
            if not self.scrollbar.winfo_ismapped():
                self.scrollbar.pack(side="right", fill="y", before=self.canvas)
        elif self.scrollbar.winfo_ismapped():
            self.scrollbar.pack_forget()
            self.canvas.yview_moveto(0)

    def _scroll(self, step: int) -> None:
        if self.scrollbar.winfo_ismapped():
            self.canvas.yview_scroll(step * 3, "units")

    def follow(self) -> None:
        """Call once the content is built: the wheel scrolls the frame over any of its widgets but those that
        scroll themselves, and a field that gets the focus (Tab) is scrolled into view."""
        add_tag(self.inner, self._wheel_tag, skip=(ttk.Treeview, tk.Text, tk.Listbox))
        focus_tag = f"focus{id(self)}"
        self.bind_class(focus_tag, "<FocusIn>", lambda e: self.after_idle(self.show, e.widget), add="+")
        # A form inside that re-flows (fewer columns, more rows) asks for more height: fit it in again.
        self.bind_class(focus_tag, "<Configure>", lambda _e: self._fit_later(), add="+")
        add_tag(self.inner, focus_tag)

    def show(self, widget: tk.Widget) -> None:
        """Scroll so that `widget` (inside) is in view, e.g. a field that just got focus."""
        if not self.scrollbar.winfo_ismapped() or not widget.winfo_exists():
            return
        top = widget.winfo_rooty() - self.inner.winfo_rooty()
        bottom = top + widget.winfo_height()
        total = max(1, self.inner.winfo_height())
        shown_top = self.canvas.canvasy(0)
        shown_bottom = shown_top + self.canvas.winfo_height()
        if top < shown_top:
            self.canvas.yview_moveto(top / total)
        elif bottom > shown_bottom:
            self.canvas.yview_moveto((bottom - self.canvas.winfo_height()) / total)


def add_tag(widget: tk.Misc, tag: str, skip: tuple[type, ...] = ()) -> None:
    """Put a bind tag on a widget and every widget inside it, just before their toplevel's tag."""
    if not isinstance(widget, skip):
        tags = list(widget.bindtags())
        if tag not in tags:
            tags.insert(max(0, len(tags) - 2), tag)
            widget.bindtags(tuple(tags))
    for child in widget.winfo_children():
        add_tag(child, tag, skip)


def view_keys(view: tk.Misc, keys: dict[str, Callable[[tk.Event], object]]) -> str:
    """Bind shortcuts to one view: they work wherever the focus is inside it, and nowhere else (not in
    another tab, not in a dropdown list or a calendar popup, which close themselves on Esc first).

    Returns the bind tag; call `add_tag(widget, tag)` for widgets made later.
    """
    tag = f"keys{id(view)}"
    for sequence, command in keys.items():
        view.bind_class(tag, sequence, command)
    add_tag(view, tag)
    return tag


class ReasonDialog(ttk.Toplevel):
    """Ask for a short text (a reason) in the window's language; `result` is None when cancelled."""

    def __init__(self, master: tk.Misc, title: str, prompt: str, ok: str, cancel: str) -> None:
        super().__init__(title=title, resizable=(False, False), transient=master.winfo_toplevel(), master=master)
        self.result: str | None = None
        body = ttk.Frame(self, padding=12)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=prompt, wraplength=420, justify="left").pack(anchor="w")
        self.text = tk.StringVar()
        entry = ttk.Entry(body, textvariable=self.text, width=50)
        entry.pack(fill="x", pady=8)
        buttons = ttk.Frame(body)
        buttons.pack(fill="x")
        ttk.Button(buttons, text=cancel, bootstyle="secondary", command=self.destroy).pack(side="right")
        self.ok = ttk.Button(buttons, text=ok, bootstyle="primary", command=self._done)
        self.ok.pack(side="right", padx=6)
        entry.bind("<Return>", lambda _e: self._done())
        self.bind("<Escape>", lambda _e: self.destroy())
        entry.focus_set()

    def _done(self) -> None:
        if self.text.get().strip():
            self.result = self.text.get().strip()
            self.destroy()

    def ask(self) -> str | None:
        master = self.master.winfo_toplevel()
        self.update_idletasks()
        x = master.winfo_rootx() + max(0, (master.winfo_width() - self.winfo_reqwidth()) // 2)
        y = master.winfo_rooty() + max(0, (master.winfo_height() - self.winfo_reqheight()) // 3)
        self.geometry(f"+{x}+{y}")  # over the middle of the window
        self.grab_set()
        self.wait_window()
        return self.result


def icon_image(master: tk.Misc, name: str, size: int, colour: str) -> tk.PhotoImage | None:
    """A Bootstrap Icons glyph as an image (for a list row), or None where it cannot be drawn."""
    try:
        from PIL import ImageTk
        from ttkbootstrap.style.icons import IconRenderer

        return ImageTk.PhotoImage(IconRenderer.render(name, size, colour), master=master)
    except Exception as error:  # noqa: BLE001 - an icon is no reason to fail; the row says it in text instead
        log.warning("no %s icon: %s", name, error)
        return None


def open_with_system(path: Path) -> None:
    """Open a file or folder with the program the system uses for it."""
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]
    else:
        subprocess.Popen(["open" if sys.platform == "darwin" else "xdg-open", str(path)])
