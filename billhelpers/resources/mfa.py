"""
billhelpers.resources.mfa
~~~~~~~~~~~~~~~~~~~~~~~~~

MFA: challenge → validate (with rememberMe) → step-up, and the remembered device.

Why remember the device: payments need an MFA-trusted session, and BILL texts a token for each
challenge (at most 5 a minute). With ``remember_me=True`` BILL returns a ``rememberMeId`` valid
30 days; the client keeps it in the owner-only session cache and sends it with every later
login, so the next chapter's session is trusted without a new token.
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.http.response import ApiResponse
from billhelpers.resources.setup import MfaSetupMixin
from billhelpers.rules import checks


class Mfa(MfaSetupMixin):
    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return f"<Mfa remembered_device={self.remembered_device}>"

    @property
    def remembered_device(self) -> bool:
        """Whether a ``rememberMeId`` for this environment/org/user is cached."""
        return self.client.session.remembered_device is not None

    def challenge(self, *, use_backup: bool = False) -> ApiResponse:
        """``POST /v3/mfa/challenge``: BILL texts a 6-digit token; keep ``["challengeId"]``.

        Not retried automatically: each attempt sends another text message. ``use_backup=True``
        is refused before sending: BILL answers it with HTTP 400 since 2026-04-03 (changelog
        "MFA API changes": only the primary phone is texted).
        """
        if use_backup:
            raise InputError(
                "BILL no longer texts a backup phone (400 since 2026-04-03)",
                field="useBackup",
                hint="call client.mfa.challenge() without use_backup: the primary phone gets it",
            )
        return self.client.request("POST", "/v3/mfa/challenge", json={})

    def validate(
        self,
        challenge_id: str,
        token,
        remember_me: bool = True,
        *,
        device: str | None = None,
        machine_name: str | None = None,
    ) -> ApiResponse:
        """``POST /v3/mfa/challenge/validate``: trusts the session; with ``remember_me`` the
        returned ``rememberMeId`` is cached for later logins and :meth:`step_up`."""
        if not challenge_id or not str(challenge_id).strip():
            raise InputError(
                "is blank",
                field="challengeId",
                hint="use the challengeId from client.mfa.challenge()",
            )
        device = device or self.client.config.mfa_device
        body = {
            "challengeId": str(challenge_id).strip(),
            "token": checks.check_token(token),
            "rememberMe": bool(remember_me),
        }
        if remember_me:
            if not device:
                raise InputError(
                    "is required with remember_me=True",
                    field="device",
                    hint="set BILL_MFA_DEVICE or pass device=...",
                )
            body["device"] = device
            body["machineName"] = machine_name or device
        resp = self.client.request("POST", "/v3/mfa/challenge/validate", json=body)
        remember_id = resp.get("rememberMeId") or resp.get("mfaId")
        if remember_id:
            self.client.session.remember_device(remember_id, device)
        else:
            self.client.session.set_trusted(True)
        return resp

    def step_up(self) -> ApiResponse:
        """``POST /v3/mfa/step-up`` with the remembered ``rememberMeId`` + device: trusts the
        current session without a token. An expired device answers ``trusted: false`` (BILL
        sends no error); the client then forgets it, and a new challenge is needed."""
        body = self.client.session.remembered_device
        if body is None:
            raise InputError(
                "no remembered MFA device for this user",
                field="rememberMeId",
                hint="run client.mfa.challenge() and client.mfa.validate(challenge_id,"
                " token, remember_me=True) once",
            )
        resp = self.client.request("POST", "/v3/mfa/step-up", json=body)
        trusted = bool(resp.get("trusted"))
        self.client.session.set_trusted(trusted)
        if not trusted:
            self.client.session.forget_device()
            resp.note = "the remembered device has expired; run client.mfa.challenge()"
        return resp

    def forget_device(self) -> None:
        """Drop the cached ``rememberMeId`` (e.g. on a shared machine)."""
        self.client.session.forget_device()
