"""
billhelpers.notebook.forms.sign_in
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

:class:`CredentialsForm`: the sign-in form of chapter 0 (a password field, never shown).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from billhelpers.notebook.forms._base import (
    _ENVIRONMENTS,
    _LABEL_LAYOUT,
    _WIDE,
    _auto,
    _error_text,
    _Form,
    _StatusLine,
    _yes_no,
)


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
