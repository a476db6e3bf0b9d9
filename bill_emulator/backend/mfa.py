"""bill_emulator.backend.mfa
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Multi-factor authentication: phone set-up (``/v3/mfa/setup``, ``/setup/validate``,
``/phones``), then challenge, validate (with rememberMe), step-up.

``useBackup: true`` is refused (400), as BILL has refused it since 2026-04-03 (changelog "MFA
API changes": the backup phone is gone). A user with no registered phone gets no challenge
(BILL: set-up comes before sign-in). A set-up texts its token like a challenge (same outbox,
lifetime, wrong-try and per-minute limits); its ``setupId`` is marked so it can never pass as a
``challengeId``.

The demo user's "phone" is the outbox (``GET /_emulator/outbox``). Tokens are 6 random digits,
single use, valid 10 minutes (BILL documents no lifetime: assumed), used up after 5 wrong tries
(assumed; without a limit a million-code space falls to guessing); at most 5 challenges a minute
(BILL's limit for endpoints that send a text). A remembered device (``rememberMeId``) is valid 30
days and only its SHA-256 is stored.
"""

from __future__ import annotations

import re

from bill_emulator.backend import ids
from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller
from bill_emulator.backend.errors import (
    ExpiredMfaToken,
    MfaNotSetUp,
    TextLimitReached,
    UntrustedSession,
    ValidationFailed,
    WrongMfaToken,
)

TOKEN_LIFETIME_MS = 10 * 60 * 1000
REMEMBER_ME_MS = 30 * 24 * 3600 * 1000
TEXTS_PER_MINUTE = 5
#: How a set-up token is delivered (BILL's collection sends ``TEXT``).
SETUP_TYPES = ("TEXT", "VOICE")
#: Wrong tokens a challenge takes before it is used up (BILL's number is undocumented).
WRONG_TRIES = 5


class MfaMixin(BackendBase):
    def mfa_challenge(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body if body is not None else {})
        if v.boolean(body, "useBackup"):  # BILL's changelog 2026-04-03: HTTP 400
            raise ValidationFailed(
                "useBackup", "can only be false: BILL no longer sends to a backup phone"
            )
        if self._phone(caller) is None:
            raise MfaNotSetUp()
        challenge_id, token = ids.challenge_id(), ids.mfa_token()
        with self.store.write():
            now = self.clock.now_ms()
            if self.store.challenges_since(caller.user_id, now - 60_000) >= TEXTS_PER_MINUTE:
                raise TextLimitReached(TEXTS_PER_MINUTE)
            self.store.insert_challenge(
                challenge_id=challenge_id,
                session_hash=caller.session_hash,
                user_id=caller.user_id,
                token=token,
                now_ms=now,
            )
        return {"challengeId": challenge_id}

    def mfa_validate(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        challenge_id = v.string(body, "challengeId", required=True)
        token = v.string(body, "token", required=True)
        remember = v.boolean(body, "rememberMe")
        device = v.string(body, "device", max_len=100)
        machine_name = v.string(body, "machineName", max_len=100)
        if not re.fullmatch(r"[0-9]{6}", token):  # not \d: that takes any script's digits
            raise ValidationFailed("token", "must be the 6-digit code sent to your phone")
        if remember and not (device and device.strip()):
            raise ValidationFailed("device", "must not be blank when rememberMe is true")
        with self.store.write():
            challenge = self.store.challenge(challenge_id)
            if challenge_id.startswith(ids.SETUP_PREFIX):
                challenge = None  # a phone set-up is validated with /v3/mfa/setup/validate
            if challenge is None or challenge["session_hash"] != caller.session_hash:
                raise ValidationFailed("challengeId", "is not a challenge of this session")
            now = self.clock.now_ms()
            if challenge["used"] or now - challenge["created_ms"] > TOKEN_LIFETIME_MS:
                raise ExpiredMfaToken()
            wrong = challenge["token"] != token
            result: dict = {}  # BILL's answer holds only rememberMeId (when remembered)
            if wrong:
                self.store.wrong_try(challenge_id, WRONG_TRIES)
            else:
                self.store.use_challenge(challenge_id)
                self.store.trust_session(caller.session_hash)
            if remember and not wrong:
                remember_me_id = ids.remember_me_id()
                self.store.insert_remembered(
                    id_hash=ids.digest(remember_me_id),
                    user_id=caller.user_id,
                    device=device,
                    machine_name=machine_name,
                    now_ms=now,
                    expires_ms=now + REMEMBER_ME_MS,
                )
                result["rememberMeId"] = remember_me_id
        if wrong:  # raised after the commit, so the wrong try is counted
            raise WrongMfaToken()
        return result

    def mfa_step_up(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        remember_me_id = v.string(body, "rememberMeId", required=True)
        device = v.string(body, "device", required=True)
        remembered = self.store.remembered(ids.digest(remember_me_id))
        ok = bool(
            remembered
            and remembered["user_id"] == caller.user_id
            and remembered["device"] == device
            and remembered["expires_ms"] > self.clock.now_ms()
        )
        if ok:
            with self.store.write():
                self.store.trust_session(caller.session_hash)
        return {"trusted": ok}

    # -- phone set-up (before any challenge) ------------------------------------------------

    def _phone(self, caller: Caller, *, setup_id: str | None = None) -> dict | None:
        """The user's validated phone, or the phone pending under ``setup_id``."""
        if setup_id is None:
            conditions = [("$.userId", "eq", caller.user_id), ("$._validated", "eq", True)]
        else:
            conditions = [("$._setupId", "eq", setup_id)]
        rows = self.store.list_objects(
            "mfaPhone", caller.org_id, conditions=conditions, sort=[], limit=1, offset=0
        )
        return rows[0] if rows else None

    def mfa_setup(self, caller: Caller, body: object) -> dict:
        """``POST /v3/mfa/setup``: text a token to ``phone``; ``{"setupId"}``.

        A user who has a phone already is resetting MFA, which BILL lists among the
        MFA-trusted operations. ``primary`` may only be true (BILL's changelog 2026-04-03).
        """
        body = v.body_object(body)
        phone = v.string(body, "phone", required=True, max_len=30)
        digits = re.sub(r"[\s().+-]", "", phone)
        if not re.fullmatch(r"\d{10,15}", digits):
            raise ValidationFailed("phone", "must be a phone number of 10 to 15 digits")
        kind = v.enum(body, "type", SETUP_TYPES, default="TEXT")
        if body.get("primary") is not None and v.boolean(body, "primary") is not True:
            raise ValidationFailed("primary", "can only be true (BILL has no backup phone)")
        if self._phone(caller) is not None and not caller.trusted:
            raise UntrustedSession()
        setup_id, token = ids.setup_id(), ids.mfa_token()
        with self.store.write():
            now = self.clock.now_ms()
            if self.store.challenges_since(caller.user_id, now - 60_000) >= TEXTS_PER_MINUTE:
                raise TextLimitReached(TEXTS_PER_MINUTE)
            self.store.insert_challenge(
                challenge_id=setup_id,
                session_hash=caller.session_hash,
                user_id=caller.user_id,
                token=token,
                now_ms=now,
            )
            doc = {
                "userId": caller.user_id,
                "type": "MOBILE" if kind == "TEXT" else "WORK",
                "last4digits": digits[-4:],
                "primary": True,
                "_setupId": setup_id,
                "_validated": False,
            }
            self._insert("mfaPhone", caller.org_id, doc)
        return {"setupId": setup_id}

    def mfa_setup_validate(self, caller: Caller, body: object) -> dict:
        """``POST /v3/mfa/setup/validate``: the token texted by set-up registers the phone."""
        body = v.body_object(body)
        setup_id = v.string(body, "setupId", required=True)
        token = v.string(body, "token", required=True)
        v.enum(body, "type", SETUP_TYPES)
        if not re.fullmatch(r"\d{6}", token):
            raise ValidationFailed("token", "must be the 6-digit code sent to your phone")
        with self.store.write():
            challenge = self.store.challenge(setup_id)
            phone = self._phone(caller, setup_id=setup_id)
            if (
                challenge is None
                or phone is None
                or challenge["session_hash"] != caller.session_hash
            ):
                raise ValidationFailed("setupId", "is not a phone set-up of this session")
            age = self.clock.now_ms() - challenge["created_ms"]
            if challenge["used"] or age > TOKEN_LIFETIME_MS:
                raise ExpiredMfaToken()
            wrong = challenge["token"] != token
            if wrong:
                self.store.wrong_try(setup_id, WRONG_TRIES)
            else:
                self.store.use_challenge(setup_id)
                old = self._phone(caller)
                if old is not None:  # one phone a user: the new one replaces it
                    old["_validated"] = False
                    old["archived"] = True
                    self._save(old)
                phone["_validated"] = True
                self._save(phone)
        if wrong:  # raised after the commit, so the wrong try is counted
            raise WrongMfaToken()
        return {"status": "SUCCESS"}

    def mfa_phones(self, caller: Caller) -> dict:
        """``GET /v3/mfa/phones``: the user's registered phone (last four digits only)."""
        phone = self._phone(caller)
        keep = ("type", "last4digits", "primary")
        return {"results": [{k: phone[k] for k in keep}] if phone else []}

    def add_phone(self, org_id: str, user_id: str, last4: str) -> None:
        """Seeding only: a validated phone for ``user_id``."""
        doc = {
            "userId": user_id,
            "type": "MOBILE",
            "last4digits": last4,
            "primary": True,
            "_validated": True,
        }
        self._insert("mfaPhone", org_id, doc)

    def outbox(self, org_id: str | None = None) -> list[dict]:
        """The texts sent to the phones of ``org_id``'s users (``GET /_emulator/outbox`` passes
        the caller's organization: another organization's codes are not its to read). ``None``
        (backend tests) reads every organization's."""
        from bill_emulator.backend.clock import iso

        return [
            {"challengeId": cid, "token": token, "sentTime": iso(ms)}
            for cid, token, ms in self.store.outbox(org_id)
        ]
