"""bill_emulator.backend.mfa
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Multi-factor authentication: challenge, validate (with rememberMe), step-up.

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
    TextLimitReached,
    ValidationFailed,
    WrongMfaToken,
)

TOKEN_LIFETIME_MS = 10 * 60 * 1000
REMEMBER_ME_MS = 30 * 24 * 3600 * 1000
TEXTS_PER_MINUTE = 5
#: Wrong tokens a challenge takes before it is used up (BILL's number is undocumented).
WRONG_TRIES = 5


class MfaMixin(BackendBase):
    def mfa_challenge(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body if body is not None else {})
        v.boolean(body, "useBackup")
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

    def outbox(self) -> list[dict]:
        from bill_emulator.backend.clock import iso

        return [
            {"challengeId": cid, "token": token, "sentTime": iso(ms)}
            for cid, token, ms in self.store.outbox()
        ]
