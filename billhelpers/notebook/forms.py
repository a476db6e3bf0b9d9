"""billhelpers.notebook.forms
~~~~~~~~~~~~~~~~~

Provides the tutorial's ipywidgets forms: sign-in credentials, the MFA token, the payment
confirmation, and the confirmation of a batch of payments (a run, a bulk call, a few singles).

The forms only collect input and show status. They know nothing of HTTP or of BILL's rules: each
form is given the functions to call (``sign_in``, ``validate``, ``resend``, ``pay``), normally
built by :mod:`billhelpers.notebook.tutorial` from a client's methods, and shows what those
return or
raise. That keeps the widgets testable without a server (``tests/test_forms.py`` drives them
through their Python API: set ``.value``, call ``.click()``) and keeps BILL's rules in one place.

Secrets never leave the kernel. The password and devKey boxes start empty (their placeholder
says that the value from ``.env`` is used when left blank), the password box is cleared after a
sign-in, and each form's ``repr`` (the ``text/plain`` that Jupyter stores in a notebook) shows
no field values, so no secret reaches a saved notebook or the browser unless the learner types it.

CSS classes (stable selectors for the real-browser test and for styling). ipywidgets puts the
class on the widget's outer element; the ``<input>``/``<select>``/``<button>`` is inside it
(for buttons, the element itself is the ``<button>``):

============================  =====================================================
selector                      what it is
============================  =====================================================
``.bh-credentials``           the whole credentials form
``.bh-cred-environment``      environment dropdown (``select`` inside)
``.bh-cred-username``         username / e-mail (``input`` inside)
``.bh-cred-password``         password (``input[type=password]`` inside)
``.bh-cred-org``              organization id (``input`` inside)
``.bh-cred-devkey``           developer key (``input[type=password]`` inside)
``.bh-cred-signin``           the "Sign in" ``button``
``.bh-cred-status``           status line, e.g. "Signed in to demo as demo@example.com
                              — session trusted: no"
``.bh-cred-output``           the login request and response after a sign-in
``.bh-mfa``                   the whole MFA form
``.bh-mfa-phone``             demo only: "📱 Demo phone: your code is 123456"
``.bh-mfa-phone-code``        inside it, the 6 digits alone (a ``<b>``)
``.bh-mfa-token``             6-digit token (``input`` inside)
``.bh-mfa-remember``          "Remember this device" checkbox (``input`` inside)
``.bh-mfa-submit``            the "Submit" ``button``
``.bh-mfa-resend``            the "Send a new code" ``button``
``.bh-mfa-status``            status line, e.g. "✅ Verified — session trusted: yes"
``.bh-mfa-output``            the validate request and response after a submit
``.bh-payment``               the whole payment confirmation
``.bh-pay-summary``           amount, vendor, funding account, process date
``.bh-pay-confirm``           the "Confirm payment" ``button``
``.bh-pay-status``            status line, e.g. "✅ Payment stp… created — status: SCHEDULED"
``.bh-pay-output``            the payment request and response after a confirm
``.bh-batch``                 the whole batch confirmation
``.bh-batch-summary``         what, count, total, process date, environment
``.bh-batch-confirm``         the "Confirm N payments" ``button``
``.bh-batch-status``          status line, e.g. "✅ Sent: 15 payments, $12,345.00 (sandbox)"
``.bh-batch-output``          what the confirmed sending printed
============================  =====================================================

Every status line also carries a state class: ``bh-state-idle``, ``bh-state-busy``,
``bh-state-ok`` or ``bh-state-error``, so a test can wait for ``.bh-mfa-status.bh-state-ok``.

In the chapters, the cell that shows a form names its class in a comment (``bh.CredentialsForm``
in chapter 0, ``bh.MfaForm`` in chapter 2, ``bh.PaymentConfirmation`` in chapter 5), so a test
can find that cell by its source.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

__all__ = ("BatchConfirmation", "CredentialsForm", "MfaForm", "PaymentConfirmation")

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


class CredentialsForm(_Form):
    """Sign-in form: environment, username, password, organization id, devKey, Sign in.

    ``defaults`` holds what to prefill: ``environment``, ``username``, ``organization_id``,
    and, for the placeholders only, ``password_set`` (bool) and ``dev_key_hint`` (e.g. the last
    four characters). Secrets are never prefilled: a blank password or devKey means "use the one
    from ``.env``".

    ``sign_in(settings)`` is called on click with a dict of the non-blank fields (keys
    ``environment``, ``username``, ``password``, ``organization_id``, ``dev_key``). It returns
    a signed-in client (anything with ``.config.environment``, ``.config.username`` and
    ``.is_trusted``) and may also return ``(client, response)`` to show the login response.
    Exceptions it raises are shown on the status line.
    """

    def __init__(
        self,
        defaults: Mapping[str, Any],
        sign_in: Callable[[dict[str, str]], Any],
        *,
        on_signed_in: Callable[[Any], None] | None = None,
    ) -> None:
        self._sign_in = sign_in
        self._on_signed_in = on_signed_in
        #: the client returned by the last successful sign-in
        self.client: Any = None
        self.environment = widgets.Dropdown(
            options=_ENVIRONMENTS,
            value=defaults.get("environment") or "demo",
            description="Environment",
            style=_LABEL_LAYOUT,
            layout=_WIDE,
        )
        self.username = widgets.Text(
            value=defaults.get("username") or "",
            description="Username (e-mail)",
            placeholder="you@example.com",
            style=_LABEL_LAYOUT,
            layout=_WIDE,
        )
        self.password = widgets.Password(
            value="",
            description="Password",
            placeholder=self._secret_placeholder(defaults.get("password_set"), None),
            style=_LABEL_LAYOUT,
            layout=_WIDE,
        )
        self.organization_id = widgets.Text(
            value=defaults.get("organization_id") or "",
            description="Organization id",
            placeholder="008…",
            style=_LABEL_LAYOUT,
            layout=_WIDE,
        )
        self.dev_key = widgets.Password(
            value="",
            description="Developer key",
            placeholder=self._secret_placeholder(
                bool(defaults.get("dev_key_hint")), defaults.get("dev_key_hint")
            ),
            style=_LABEL_LAYOUT,
            layout=_WIDE,
        )
        self.sign_in_button = widgets.Button(
            description="Sign in", button_style="primary", icon="sign-in", layout=_auto()
        )
        self.status = _StatusLine("bh-cred-status", "Not signed in yet.")
        for widget, css in (
            (self.environment, "bh-cred-environment"),
            (self.username, "bh-cred-username"),
            (self.password, "bh-cred-password"),
            (self.organization_id, "bh-cred-org"),
            (self.dev_key, "bh-cred-devkey"),
            (self.sign_in_button, "bh-cred-signin"),
        ):
            widget.add_class(css)
        self.sign_in_button.on_click(lambda _button: self.submit())
        super().__init__(
            [
                widgets.HTML("<b>BILL sign-in</b>"),
                self.environment,
                self.username,
                self.password,
                self.organization_id,
                self.dev_key,
                self.sign_in_button,
                self.status,
            ],
            css_class="bh-credentials",
            output_class="bh-cred-output",
        )

    @staticmethod
    def _secret_placeholder(is_set: Any, hint: str | None) -> str:
        if not is_set:
            return "type it here"
        if hint:
            return f"…{hint} from your settings (leave blank to use it)"
        return "from your settings (leave blank to use it)"

    @property
    def signed_in(self) -> bool:
        return self.client is not None

    def settings(self) -> dict[str, str]:
        """The fields as keyword settings; blank fields are left out (settings decide)."""
        values = {
            "environment": self.environment.value,
            "username": self.username.value.strip(),
            "password": self.password.value,
            "organization_id": self.organization_id.value.strip(),
            "dev_key": self.dev_key.value.strip(),
        }
        return {key: value for key, value in values.items() if value}

    def submit(self) -> Any:
        """Sign in with the fields' values (what the button does). Returns the client or None."""
        self.sign_in_button.disabled = True
        self.status.set("busy", f"Signing in to {self.environment.value}…")
        try:
            result = self._sign_in(self.settings())
        except Exception as err:  # shown to the learner; the notebook keeps running
            self.client = None
            self.status.set("error", f"❌ Sign-in failed: {_error_text(err)}")
            return None
        finally:
            self.sign_in_button.disabled = False
        client, response = result if isinstance(result, tuple) else (result, None)
        self.client = client
        self.password.value = ""  # keep the secret in the client only
        self.dev_key.value = ""
        self._show(response)
        self.refresh_status()
        if self._on_signed_in is not None:
            self._on_signed_in(client)
        return client

    def refresh_status(self) -> None:
        """Re-read the client's environment, user and trust (e.g. after MFA in this kernel)."""
        if self.client is None:
            return
        config = self.client.config
        self.status.set(
            "ok",
            f"Signed in to {config.environment} as {config.username} "
            f"— session trusted: {_yes_no(bool(self.client.is_trusted))}",
        )


class MfaForm(_Form):
    """MFA token form: the demo phone, a 6-digit token, remember-this-device, Submit, Resend.

    ``validate(challenge_id, token, remember_me)`` is called on Submit and returns the API
    response (anything; shown below the form) or raises. ``resend()`` sends a new challenge and
    returns its ``challengeId`` (optionally ``(challenge_id, response)``). ``phone(challenge_id)``,
    given only in demo mode, returns the token the simulated phone received (or None).
    ``is_trusted()`` says whether the session is trusted already; a Submit then does nothing
    more than say so, so typing a code after Run All's auto-fill is harmless.
    """

    def __init__(
        self,
        challenge_id: str | None,
        *,
        validate: Callable[[str, str, bool], Any],
        resend: Callable[[], Any] | None = None,
        phone: Callable[[str], str | None] | None = None,
        is_trusted: Callable[[], bool] | None = None,
        remember_me: bool = True,
        device: str | None = None,
    ) -> None:
        self.challenge_id = challenge_id
        self._validate = validate
        self._resend = resend
        self._phone = phone
        self._is_trusted = is_trusted or (lambda: False)
        #: True once this form (or the session before it) made the session trusted
        self.verified = False
        self.phone = widgets.HTML()
        self.phone.add_class("bh-mfa-phone")
        self.phone.layout.display = "flex" if phone else "none"
        self.token = widgets.Text(
            value="", description="6-digit code", placeholder="123456", style=_LABEL_LAYOUT
        )
        self.token.add_class("bh-mfa-token")
        device_note = f" ({device})" if device else ""
        self.remember = widgets.Checkbox(
            value=remember_me,
            description=f"Remember this device for 30 days{device_note}",
            indent=False,
            layout=_auto(),
        )
        self.remember.add_class("bh-mfa-remember")
        self.submit_button = widgets.Button(
            description="Submit", button_style="primary", layout=_auto()
        )
        self.submit_button.add_class("bh-mfa-submit")
        self.resend_button = widgets.Button(
            description="Send a new code", icon="refresh", layout=_auto()
        )
        self.resend_button.add_class("bh-mfa-resend")
        self.resend_button.disabled = resend is None
        self.status = _StatusLine("bh-mfa-status")
        self.submit_button.on_click(lambda _button: self.submit())
        self.resend_button.on_click(lambda _button: self.send_new_code())
        super().__init__(
            [
                widgets.HTML("<b>Multi-factor authentication</b>"),
                self.phone,
                self.token,
                self.remember,
                widgets.HBox([self.submit_button, self.resend_button]),
                self.status,
            ],
            css_class="bh-mfa",
            output_class="bh-mfa-output",
        )
        if self._is_trusted():
            self._mark_verified("✅ This session is trusted already — no code needed.")
        elif challenge_id is None:
            self.status.set("idle", "No code sent yet: press “Send a new code”.")
        else:
            self.status.set("idle", "Enter the 6-digit code BILL sent, then press Submit.")
            self.refresh_phone()

    def refresh_phone(self) -> str | None:
        """Demo only: show the simulated phone's newest code for this challenge."""
        if self._phone is None or self.challenge_id is None:
            return None
        code = self._phone(self.challenge_id)
        if code:
            self.phone.value = (
                "<span style='font-size:1.1em'>📱 Demo phone: your code is "
                f"<b class='bh-mfa-phone-code'>{html.escape(code)}</b></span>"
            )
        else:
            self.phone.value = "📱 Demo phone: no message yet."
        return code

    def _mark_verified(self, text: str) -> None:
        self.verified = True
        self.submit_button.disabled = True
        self.resend_button.disabled = True
        self.status.set("ok", text)

    def submit(self) -> Any:
        """Validate the typed token (what Submit does). Returns the response or None."""
        if self.verified or self._is_trusted():
            self._mark_verified("✅ Verified — session trusted: yes (nothing more to do).")
            return None
        token = re.sub(r"[\s-]", "", self.token.value)
        if not _TOKEN_RE.fullmatch(token):
            self.status.set("error", "Please type the 6 digits of the code (numbers only).")
            return None
        if self.challenge_id is None:
            self.status.set("error", "No code was sent yet: press “Send a new code” first.")
            return None
        self.submit_button.disabled = True
        self.status.set("busy", "Checking the code…")
        try:
            response = self._validate(self.challenge_id, token, bool(self.remember.value))
        except Exception as err:
            self.submit_button.disabled = False
            self.status.set("error", f"❌ {_error_text(err)}")
            return None
        self._show(response)
        remembered = " This device is remembered for 30 days." if self.remember.value else ""
        self._mark_verified(f"✅ Verified — session trusted: yes.{remembered}")
        return response

    def send_new_code(self) -> str | None:
        """Ask for a new challenge (what Resend does). Returns the new challengeId or None."""
        if self._resend is None or self.verified:
            return None
        self.status.set("busy", "Sending a new code…")
        try:
            result = self._resend()
        except Exception as err:
            self.status.set("error", f"❌ {_error_text(err)}")
            return None
        challenge_id, response = result if isinstance(result, tuple) else (result, None)
        self.challenge_id = challenge_id
        self.token.value = ""
        self.submit_button.disabled = False
        self._show(response)
        self.status.set("idle", "A new code is on its way. Enter it, then press Submit.")
        self.refresh_phone()
        return challenge_id


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
        cells = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{label}</th>"
            f"<td>{html.escape(str(value))}</td></tr>"
            for label, value in rows
            if value is not None
        )
        return f"<table>{cells}</table>"

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
        cells = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{label}</th>"
            f"<td>{html.escape(str(value))}</td></tr>"
            for label, value in rows
            if value is not None
        )
        return f"<table>{cells}</table>"

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
