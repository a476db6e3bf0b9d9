"""bill_emulator.backend.sessions
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Sign-in, sign-out, session info, and the per-call checks (devKey, session, hourly limits).

BILL's rules (developer.bill.com/reference/auth-login, /docs/api-rate-limits): a session expires
after 35 minutes without a call and every call resets the timer; logins are limited to 200 an
hour per devKey and all calls to 20,000. Session ids are random and only their SHA-256 is
stored, so the database file holds no usable session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller
from bill_emulator.backend.errors import (
    HourlyLimitReached,
    InvalidCredentials,
    InvalidDevKey,
    InvalidSession,
    ValidationFailed,
)

#: A session ends after this long without a call.
SESSION_IDLE_MS = 35 * 60 * 1000
#: The idle timer is stored when it is at least this old (one write a second per busy session).
TIMER_RESOLUTION_MS = 1000
_HOUR_MS = 3_600_000
_PBKDF2_ROUNDS = 2_000  # the only user is the public demo one; cheap keeps tests fast


def hash_password(password: str, salt: bytes | None = None) -> tuple[bytes, bytes]:
    salt = salt or secrets.token_bytes(16)
    return salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, _PBKDF2_ROUNDS)


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "MfaMixin": ("_phone",),
}


class SessionsMixin(BackendBase):
    """``POST /v3/login``, ``POST /v3/logout``, ``GET /v3/login/session`` and call checks."""

    def _count(self, dev_key: str, kind: str, limit: int) -> None:
        """Count a call in this hour of the emulator's clock; refuse it beyond ``limit``."""
        if self.books.count((dev_key, kind, self.clock.now_ms() // _HOUR_MS)) > limit:
            raise HourlyLimitReached(limit)

    def login(self, body: object) -> dict:
        body = v.body_object(body)
        username = v.string(body, "username", required=True, max_len=255)
        password = v.string(body, "password", required=True, max_len=255)
        org_id = v.string(body, "organizationId", required=True)
        dev_key = v.string(body, "devKey", required=True)
        remember_me_id = v.string(body, "rememberMeId")
        device = v.string(body, "device", max_len=100)
        if not (org_id.startswith("008") and len(org_id) == 20):
            raise ValidationFailed("organizationId", "must be 20 characters beginning with 008")
        if remember_me_id is not None and device is None:
            raise ValidationFailed("device", "must not be null when rememberMeId is given")
        key_org = self.dev_key_org(dev_key)
        if key_org is None:
            raise InvalidDevKey()
        limits = self.store.control()
        try:  # counted even when the login then fails, as attempts are
            self._count(dev_key, "api", limits["requests_per_hour"])
            self._count(dev_key, "login", limits["logins_per_hour"])
        finally:
            self.books.flush()
        if not self.store.org_exists(org_id):
            raise InvalidCredentials()
        if key_org != org_id:
            raise InvalidDevKey()
        user = self.store.user_by_email(org_id, username)
        if user is None:
            hash_password(password)  # same work either way, so timing does not reveal users
            raise InvalidCredentials()
        _, digest = hash_password(password, user["salt"])
        if not hmac.compare_digest(digest, user["hash"]):
            raise InvalidCredentials()
        trusted = False
        now = self.clock.now_ms()
        if remember_me_id is not None:
            remembered = self.store.remembered(ids.digest(remember_me_id))
            trusted = bool(
                remembered
                and remembered["user_id"] == user["id"]
                and remembered["device"] == device
                and remembered["expires_ms"] > now
            )
        session_id = ids.session_id()
        with self.store.write():
            self.store.insert_session(
                id_hash=ids.digest(session_id),
                org_id=org_id,
                user_id=user["id"],
                dev_key=dev_key,
                trusted=trusted,
                now_ms=now,
            )
        return {
            "sessionId": session_id,
            "organizationId": org_id,
            "userId": user["id"],
            "trusted": trusted,
        }

    def authenticate(self, dev_key: str | None, session_id: str | None) -> Caller:
        """The checks before every signed-in call; resets the session's idle timer.

        The timer is written when it is a second or more old, so a busy session costs one
        write a second, and the expiry is exact to within one second of the emulator's clock.
        """
        if self.dev_key_org(dev_key) is None:
            raise InvalidDevKey()
        if not session_id:
            raise InvalidSession()
        self._count(dev_key, "api", self.store.control()["requests_per_hour"])
        id_hash = ids.digest(session_id)
        session = self.store.session(id_hash)
        now = self.clock.now_ms()
        if session is None or session["ended"]:
            raise InvalidSession()
        if session["dev_key"] != dev_key:
            raise InvalidDevKey()
        idle = now - session["last_seen_ms"]
        if idle > SESSION_IDLE_MS:
            with self.store.write():  # ended for good, whatever the clock does later
                self.store.end_session(id_hash)
                self.books.flush()
            raise InvalidSession()
        if idle >= TIMER_RESOLUTION_MS or self.books.due():
            with self.store.write():
                self.store.touch_session(id_hash, now)
                self.books.flush()
        return Caller(
            org_id=session["org_id"],
            user_id=session["user_id"],
            dev_key=dev_key,
            session_hash=id_hash,
            trusted=bool(session["trusted"]),
        )

    def end_session(self, session_id: str | None) -> None:
        """End a session as 35 idle minutes would (fault profile ``session-expiry``); the
        clock does not move. Unknown ids are ignored."""
        if session_id:
            with self.store.write():
                self.store.end_session(ids.digest(session_id))

    def logout(self, caller: Caller) -> dict:
        with self.store.write():
            self.store.end_session(caller.session_hash)
        return {}

    def session_info(self, caller: Caller) -> dict:
        return {
            "organizationId": caller.org_id,
            "userId": caller.user_id,
            "mfaStatus": (
                "COMPLETE" if caller.trusted else "CHALLENGE" if self._phone(caller) else "SETUP"
            ),
            "mfaBypass": False,
        }

    def check_dev_key(self, dev_key: str | None) -> str:
        """For the emulator's controls: a known devKey, no session needed."""
        if self.dev_key_org(dev_key) is None:
            raise InvalidDevKey()
        return dev_key
