"""
billhelpers.notebook.forms.payments
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

:class:`PaymentConfirmation` (chapter 5's one payment) and :class:`BatchConfirmation`
(a run, a bulk call, a few singles): nothing is paid until a person confirms.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from billhelpers.notebook.forms._base import _auto, _error_text, _Form, _StatusLine


class PaymentConfirmation(_Form):
    """Shows what a payment will do and calls ``pay()`` only when confirmed.

    ``summary`` holds ``amount``, ``vendor``, ``funding_account``, ``process_date`` and
    ``environment`` (shown in the box). ``pay()`` creates the payment and returns the response
    (anything with ``["id"]`` and ``["status"]`` or ``.get``); it is called at most once per
    form: after a success the button is disabled, so a second click cannot pay twice.
    """

    def __init__(self, summary: Mapping[str, Any], pay: Callable[[], Any]) -> None:
        self._pay = pay
        self.summary = dict(summary)
        #: the payment response once confirmed
        self.payment: Any = None
        self.summary_box = widgets.HTML(self._summary_html(self.summary))
        self.summary_box.add_class("bh-pay-summary")
        self.confirm_button = widgets.Button(
            description="Confirm payment", button_style="warning", icon="check", layout=_auto()
        )
        self.confirm_button.add_class("bh-pay-confirm")
        self.status = _StatusLine(
            "bh-pay-status", "Waiting for your confirmation: nothing has been paid yet."
        )
        self.confirm_button.on_click(lambda _button: self.confirm())
        super().__init__(
            [
                widgets.HTML("<b>Confirm this payment</b>"),
                self.summary_box,
                self.confirm_button,
                self.status,
            ],
            css_class="bh-payment",
            output_class="bh-pay-output",
        )

    @staticmethod
    def _summary_html(summary: Mapping[str, Any]) -> str:
        rows = (
            ("Amount", summary.get("amount")),
            ("Vendor", summary.get("vendor")),
            ("Funding account", summary.get("funding_account")),
            ("Process date", summary.get("process_date")),
            ("Environment", summary.get("environment")),
        )
        return _table(rows)

    @property
    def confirmed(self) -> bool:
        return self.payment is not None

    def __repr__(self) -> str:
        """The saved text fallback: the payment's summary and its outcome when the cell ran
        (a later confirmation shows in the cell that confirms it, not here)."""
        s = self.summary
        outcome = (
            f"paid: payment {self.payment.get('id')}, status {self.payment.get('status')}"
            if self.payment is not None
            else "not confirmed yet when this cell ran (the confirming cell below shows the "
            "payment)"
        )
        return (
            f"{type(self).__name__}: {s.get('amount')} to {s.get('vendor')} from "
            f"{s.get('funding_account')}, process date {s.get('process_date')} "
            f"({s.get('environment')}). Outcome: {outcome}."
        )

    def mark_done(self, payment: Any, text: str) -> None:
        """Show a payment made earlier (e.g. a re-run): the button is disabled, nothing is paid."""
        self.payment = payment
        self.confirm_button.disabled = True
        self.status.set("ok", text)

    def confirm(self, *, note: str = "") -> Any:
        """Create the payment (what the button does); a second call returns the same payment."""
        if self.payment is not None:
            return self.payment
        self.confirm_button.disabled = True
        self.status.set("busy", "Creating the payment…")
        try:
            response = self._pay()
        except Exception as err:
            self.confirm_button.disabled = False
            self.status.set("error", f"❌ {_error_text(err)}")
            return None
        self.payment = response
        self._show(response)
        self.status.set(
            "ok",
            f"✅ Payment {response['id']} created — status: {response['status']}{note}",
        )
        return response


class BatchConfirmation(_Form):
    """A gate in front of a cell that moves money: says how many payments, their total and the
    environment, and calls ``send()`` only when confirmed.

    ``summary`` holds ``what`` (one line: which payments), ``count``, ``total`` (formatted),
    ``environment`` and optionally ``process_date``. ``send()`` sends exactly those payments
    and returns what the cell needs afterwards (a response, a run's expected payments); it is
    called at most once per gate: after a success the button is disabled. A click captures what
    ``send()`` prints in the form's output area; a call from a cell (``confirm()``, as demo
    mode does) prints in the cell, as the cell did before it had a gate.
    """

    def __init__(self, summary: Mapping[str, Any], send: Callable[[], Any]) -> None:
        self._sender = send
        self.summary = dict(summary)
        self.confirmed = False
        #: what ``send()`` returned, once confirmed
        self.result: Any = None
        self.summary_box = widgets.HTML(self._summary_html(self.summary))
        self.summary_box.add_class("bh-batch-summary")
        self.confirm_button = widgets.Button(
            description=f"Confirm {self.headline()}",
            button_style="warning",
            icon="check",
            layout=_auto(),
        )
        self.confirm_button.add_class("bh-batch-confirm")
        self.status = _StatusLine(
            "bh-batch-status", "Waiting for your confirmation: nothing has been sent yet."
        )
        self.confirm_button.on_click(lambda _button: self._click())
        super().__init__(
            [
                widgets.HTML("<b>Confirm these payments</b>"),
                self.summary_box,
                self.confirm_button,
                self.status,
            ],
            css_class="bh-batch",
            output_class="bh-batch-output",
        )

    def resend_with(self, send: Callable[[], Any]) -> None:
        """Send with ``send`` instead when confirmed (a re-run cell's own variables); a gate
        already confirmed keeps what it sent."""
        if not self.confirmed:
            self._sender = send

    def headline(self) -> str:
        """``"15 payments, $12,345.00 total, in sandbox"``: what the person confirms."""
        s = self.summary
        count = s.get("count", 0)
        noun = "payment" if count == 1 else "payments"
        return f"{count} {noun}, {s.get('total')} total, in {s.get('environment')}"

    @staticmethod
    def _summary_html(summary: Mapping[str, Any]) -> str:
        rows = (
            ("Payments", summary.get("what")),
            ("Count", summary.get("count")),
            ("Total", summary.get("total")),
            ("Process date", summary.get("process_date")),
            ("Environment", summary.get("environment")),
        )
        return _table(rows)

    def __repr__(self) -> str:
        outcome = "sent" if self.confirmed else "not confirmed yet when this cell ran"
        return f"{type(self).__name__}: {self.headline()}. Outcome: {outcome}."

    def _click(self) -> Any:
        with self.output:  # what send() prints shows under the form, not in the log console
            return self.confirm()

    def confirm(self, *, note: str = "") -> Any:
        """Send the payments (what the button does); a second call returns the first result."""
        if self.confirmed:
            return self.result
        self.confirm_button.disabled = True
        self.status.set("busy", f"Sending {self.headline()}…")
        try:
            result = self._sender()
        except Exception as err:
            self.confirm_button.disabled = False
            self.status.set("error", f"❌ {_error_text(err)}")
            raise
        self.confirmed, self.result = True, result
        self.status.set("ok", f"✅ Sent: {self.headline()}{note}")
        return result


def _table(rows) -> str:
    """The summary box of a confirmation: one row per (label, value), empty values left out."""
    cells = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{label}</th>"
        f"<td>{html.escape(str(value))}</td></tr>"
        for label, value in rows
        if value is not None
    )
    return f"<table>{cells}</table>"
