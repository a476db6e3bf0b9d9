"""
billhelpers.http.sessions
~~~~~~~~~~~~~~~~~~~~

:class:`Session`: the client's BILL session: its id, whether it is MFA-trusted, its entry in the
session cache, and the remembered MFA device (``rememberMeId`` + ``device``).

Why its own object: logging in, reusing a cached session, renewing after BDC_1109 and trusting
through MFA all read and write the same few facts; the resources (``client.mfa``,
``client.payments``) and the request pipeline use this public surface instead of reaching into
the client. Calls still go through :meth:`Client.request <billhelpers.client.Client.request>`.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from billhelpers.exceptions import SessionError
from billhelpers.http.response import ApiResponse
from billhelpers.masking import mask_secret
from billhelpers.rules import checks

log = logging.getLogger("billhelpers")

_DEVICE_FIELDS = ("rememberMeId", "device")


class Session:
    """One client's session. ``id`` is ``None`` until logged in; ``key`` names the cache entry
    (environment, organization, user, devKey: see
    :func:`billhelpers.http.session_cache.cache_key`)."""

    def __init__(self, client, key: str):
        self.client = client
        self.key = key
        self.id: str | None = None
        self.trusted = False
        self.lock = threading.RLock()

    def __repr__(self) -> str:
        state = f"id {mask_secret(self.id)}" if self.id else "not logged in"
        return f"<Session {state} trusted={self.is_trusted}>"

    # -- state -----------------------------------------------------------------------------------
    @property
    def is_logged_in(self) -> bool:
        return self.id is not None

    @property
    def is_trusted(self) -> bool:
        """Whether the current session is MFA-trusted, as last reported by BILL."""
        return bool(self.id) and self.trusted

    def entry(self) -> dict:
        """This session's cache entry (a copy; empty when nothing is cached)."""
        return self.client.cache.get(self.key)

    def set_trusted(self, trusted: bool, **cache_fields: Any) -> None:
        """Record what BILL said about trust (and e.g. a new remembered device) in the cache."""
        self.trusted = trusted
        self.client.cache.update(self.key, sessionId=self.id, trusted=trusted, **cache_fields)

    # -- the remembered MFA device ---------------------------------------------------------------
    @property
    def remembered_device(self) -> dict | None:
        """``{"rememberMeId": ..., "device": ...}`` when a device is cached, else ``None``."""
        entry = self.entry()
        if entry.get("rememberMeId") and entry.get("device"):
            return {field: entry[field] for field in _DEVICE_FIELDS}
        return None

    def remember_device(self, remember_me_id: str, device: str) -> None:
        self.set_trusted(True, rememberMeId=remember_me_id, device=device)

    def forget_device(self) -> None:
        self.client.cache.forget(self.key, *_DEVICE_FIELDS)

    # -- login, resume, renew, logout ------------------------------------------------------------
    def login(self, *, force: bool = False) -> ApiResponse:
        """Open a session, or reuse the cached one while BILL still accepts it.

        Reuse is checked with ``GET /v3/login/session`` (one cheap call that also says whether
        the session is trusted). A remembered MFA device in the cache is sent along, so the new
        session is trusted without a token. ``force=True`` always opens a new session.
        """
        with self.lock:
            if not force:
                cached = self.entry().get("sessionId")
                for candidate in dict.fromkeys(c for c in (self.id, cached) if c):
                    reused = self._try(candidate)
                    if reused is not None:
                        return reused
            return self._login_fresh()

    def resume(self) -> bool:
        """Adopt the session an earlier kernel cached, without a call; False if none is cached.

        Why no check: it saves a ``GET /v3/login/session`` per notebook. If BILL has ended the
        session since, the next call answers BDC_1109 and the pipeline renews it by itself
        (trusted again through a remembered device). Use :meth:`login` to check now.
        """
        with self.lock:
            if self.id:
                return True
            entry = self.entry()
            if not entry.get("sessionId"):
                return False
            self.id = entry["sessionId"]
            self.trusted = bool(entry.get("trusted"))
            return True

    def renew(self, failed_id: str | None) -> None:
        """After BDC_1109: adopt a session another kernel already refreshed, else log in."""
        with self.lock:
            if self.id and self.id != failed_id:
                return  # another thread of this process already did it
            cached = self.entry().get("sessionId")
            if cached and cached != failed_id and self._try(cached):
                return
            self._login_fresh()

    def logout(self) -> ApiResponse:
        """End the session at BILL and drop it from the cache (the remembered device stays)."""
        with self.lock:
            try:
                return self.client.request("POST", "/v3/logout", relogin=False)
            finally:
                self.id, self.trusted = None, False
                self.client.cache.forget(self.key, "sessionId", "trusted", "userId")

    def info(self, *, relogin: bool = True) -> ApiResponse:
        """``GET /v3/login/session``: organization, user and ``mfaStatus`` (COMPLETE = trusted)."""
        resp = self.client.request("GET", "/v3/login/session", relogin=relogin)
        self.trusted = resp.get("mfaStatus") == "COMPLETE"
        return resp

    def _try(self, session_id: str) -> ApiResponse | None:
        previous = self.id
        self.id = session_id
        try:
            resp = self.info(relogin=False)
        except SessionError:
            self.id = previous if previous != session_id else None
            return None
        resp.note = "reused the cached session"
        return resp

    def _login_fresh(self) -> ApiResponse:
        c = self.client.config
        checks.check_credentials(
            username=c.username,
            password=c.password,
            organization_id=c.organization_id,
            dev_key=c.dev_key,
        )
        body = {
            "username": c.username.strip(),
            "password": c.password,
            "organizationId": c.organization_id.strip(),
            "devKey": c.dev_key.strip(),
        }
        device = self.remembered_device
        if device:
            body.update(device)
        self.id = None
        resp = self.client.request("POST", "/v3/login", json=body, auth=False)
        self.id = resp.get("sessionId")
        self.trusted = bool(resp.get("trusted"))
        self.client.cache.update(
            self.key, sessionId=self.id, userId=resp.get("userId"), trusted=self.trusted
        )
        if device and not self.trusted:  # BILL no longer honours that device
            self.forget_device()
            resp.note = "the remembered MFA device has expired; run client.mfa.challenge()"
        elif device:
            resp.note = "trusted through the remembered MFA device"
        log.info("logged in to %s (trusted=%s)", c.environment, self.trusted)
        return resp
