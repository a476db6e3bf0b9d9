"""
billhelpers.notebook.forms.mfa
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

:class:`MfaForm`: the 6-digit MFA token of chapter 2, with the demo phone in demo mode.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from billhelpers.notebook.forms._base import (
    _LABEL_LAYOUT,
    _TOKEN_RE,
    _auto,
    _error_text,
    _Form,
    _StatusLine,
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
