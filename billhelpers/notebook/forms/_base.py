"""
billhelpers.notebook.forms._base
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

What every form shares: the status line (a ``bh-state-*`` class a browser test can
wait for), the common form with its safe repr, and small text helpers.
"""

from __future__ import annotations

import html
import re
from typing import Any

import ipywidgets as widgets

_STATES = ("idle", "busy", "ok", "error")
_ENVIRONMENTS = (
    ("demo: the kit's local BILL emulator", "demo"),
    ("sandbox: BILL's test environment", "sandbox"),
    ("production: real money", "production"),
)
_TOKEN_RE = re.compile(r"\d{6}")
_LABEL_LAYOUT = {"description_width": "11em"}
_WIDE = widgets.Layout(width="32em")


def _auto() -> widgets.Layout:
    """A layout as wide as the widget's own text (ipywidgets' default cuts long labels)."""
    return widgets.Layout(width="auto")


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _error_text(err: BaseException) -> str:
    """One line for a status: the error's own message (BillError's str carries code and hint)."""
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]


class _StatusLine(widgets.HTML):
    """A one-line status with a ``bh-state-*`` class that says idle, busy, ok or error."""

    def __init__(self, css_class: str, text: str = "") -> None:
        super().__init__()
        self.add_class(css_class)
        self.set("idle", text)

    def set(self, state: str, text: str) -> None:
        if state not in _STATES:
            raise ValueError(f"unknown state {state!r}")
        for other in _STATES:
            self.remove_class(f"bh-state-{other}")
        self.add_class(f"bh-state-{state}")
        self.kind = state
        self.text = text
        self.value = html.escape(text)


class _Form(widgets.VBox):
    """Common parts: a safe repr and an Output that shows the last API response."""

    _title = "form"

    def __init__(self, children: list[widgets.Widget], *, css_class: str, output_class: str):
        self.output = widgets.Output()
        self.output.add_class(output_class)
        super().__init__(children=[*children, self.output])
        self.add_class(css_class)
        #: the last ApiResponse a callable returned (or None)
        self.last_response: Any = None

    def _show(self, response: Any) -> None:
        # Set the Output's state directly rather than ``with self.output: display(...)``: no
        # display message goes out on the cell's channel, so a form submitted from a cell (demo
        # auto-fill) adds nothing to that cell's saved outputs, and nbval compares the same.
        self.last_response = response
        self.output.outputs = ()
        if response is not None:
            self.output.append_display_data(response)

    def __repr__(self) -> str:  # the text/plain stored in notebooks: no field values
        return f"{type(self).__name__}: {self.status.text} (run the cell to use the form)"
