"""MFA: challenge, validate, rememberMe, step-up and the trusted login, without HTTP."""

from __future__ import annotations

import pytest
from emulator_helpers import db_bytes, login_body

from bill_emulator import seed
from bill_emulator.backend.errors import (
    ExpiredMfaToken,
    TextLimitReached,
    ValidationFailed,
    WrongMfaToken,
)


def _challenge(backend, caller) -> tuple[str, str]:
    challenge_id = backend.mfa_challenge(caller, {})["challengeId"]
    return challenge_id, backend.outbox()[0]["token"]


def _session_id(backend, caller) -> str:
    return backend._test_sessions[caller.session_hash]


def _is_trusted(backend, caller) -> bool:
    return backend.authenticate(seed.DEV_KEY, _session_id(backend, caller)).trusted


def test_challenge_sends_six_digits_to_the_outbox(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    assert len(token) == 6 and token.isdigit()
    assert backend.outbox()[0]["challengeId"] == challenge_id


def test_validate_trusts_the_session(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    # BILL's answer holds only rememberMeId, and only when the device is remembered
    assert backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token}) == {}
    assert _is_trusted(backend, caller)


def test_validate_wrong_token_leaves_session_untrusted(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    wrong = f"{(int(token) + 1) % 1_000_000:06d}"
    with pytest.raises(WrongMfaToken) as err:
        backend.mfa_validate(caller, {"challengeId": challenge_id, "token": wrong})
    assert (err.value.code, err.value.message) == ("BDC_1355", "Invalid MFA token.")
    assert not _is_trusted(backend, caller)


def test_validate_token_is_single_use(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token})
    with pytest.raises(ExpiredMfaToken) as err:
        backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token})
    assert err.value.code == "BDC_1356"


def test_validate_token_expires_after_ten_minutes(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    backend.advance_clock({"advanceSeconds": 601})
    with pytest.raises(ExpiredMfaToken):
        backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token})
    assert not _is_trusted(backend, caller)


@pytest.mark.parametrize("token", ["12345", "1234567", "12a456", ""])
def test_validate_malformed_token_names_the_field(backend, caller, token):
    challenge_id, _ = _challenge(backend, caller)
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token})
    assert err.value.message.startswith("token: ")


def test_validate_remember_me_needs_a_device(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_validate(
            caller, {"challengeId": challenge_id, "token": token, "rememberMe": True}
        )
    assert err.value.message == "device: must not be blank when rememberMe is true"


def test_validate_challenge_of_another_session_is_refused(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    other = backend.authenticate(seed.DEV_KEY, backend.login(login_body())["sessionId"])
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_validate(other, {"challengeId": challenge_id, "token": token})
    assert err.value.message == "challengeId: is not a challenge of this session"


def test_challenge_limit_is_five_a_minute(backend, caller):
    for _ in range(5):
        backend.mfa_challenge(caller, {})
    with pytest.raises(TextLimitReached) as err:
        backend.mfa_challenge(caller, {})
    assert (err.value.code, err.value.http_status) == ("BDC_1145", 429)
    assert len(backend.outbox()) == 5
    backend.advance_clock({"advanceSeconds": 61})
    assert backend.mfa_challenge(caller, {})["challengeId"]


def _remember(backend, caller) -> str:
    challenge_id, token = _challenge(backend, caller)
    body = {
        "challengeId": challenge_id,
        "token": token,
        "rememberMe": True,
        "device": seed.MFA_DEVICE,
        "machineName": "laptop",
    }
    result = backend.mfa_validate(caller, body)
    assert set(result) == {"rememberMeId"}
    return result["rememberMeId"]


def test_login_with_remember_me_id_starts_trusted(backend, caller):
    remember_me_id = _remember(backend, caller)
    session = backend.login(login_body(rememberMeId=remember_me_id, device=seed.MFA_DEVICE))
    assert session["trusted"] is True


def test_login_with_remember_me_id_other_device_is_untrusted(backend, caller):
    remember_me_id = _remember(backend, caller)
    session = backend.login(login_body(rememberMeId=remember_me_id, device="other"))
    assert session["trusted"] is False


def test_remember_me_id_expires_after_30_days(backend, caller):
    remember_me_id = _remember(backend, caller)
    backend.advance_clock({"advanceSeconds": 30 * 86400 + 1})
    session = backend.login(login_body(rememberMeId=remember_me_id, device=seed.MFA_DEVICE))
    assert session["trusted"] is False


def test_step_up_with_remembered_id_trusts_a_new_session(backend, caller):
    remember_me_id = _remember(backend, caller)
    session_id = backend.login(login_body())["sessionId"]
    fresh = backend.authenticate(seed.DEV_KEY, session_id)
    assert not fresh.trusted
    body = {"rememberMeId": remember_me_id, "device": seed.MFA_DEVICE}
    assert backend.mfa_step_up(fresh, body) == {"trusted": True}
    assert backend.authenticate(seed.DEV_KEY, session_id).trusted


def test_step_up_unknown_id_answers_untrusted(backend, caller):
    body = {"rememberMeId": "unknown", "device": seed.MFA_DEVICE}
    assert backend.mfa_step_up(caller, body) == {"trusted": False}
    assert not _is_trusted(backend, caller)


def test_remember_me_ids_are_not_stored_in_clear(backend, caller):
    remember_me_id = _remember(backend, caller)
    assert remember_me_id.encode() not in db_bytes(backend)


def test_challenge_is_used_up_after_five_wrong_tokens(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    wrong = f"{(int(token) + 1) % 1_000_000:06d}"
    for _ in range(5):
        with pytest.raises(WrongMfaToken):
            backend.mfa_validate(caller, {"challengeId": challenge_id, "token": wrong})
    with pytest.raises(ExpiredMfaToken):
        backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token})
    assert not _is_trusted(backend, caller)


def test_wrong_token_then_right_token_trusts(backend, caller):
    challenge_id, token = _challenge(backend, caller)
    wrong = f"{(int(token) + 1) % 1_000_000:06d}"
    with pytest.raises(WrongMfaToken):
        backend.mfa_validate(caller, {"challengeId": challenge_id, "token": wrong})
    backend.mfa_validate(caller, {"challengeId": challenge_id, "token": token})
    assert _is_trusted(backend, caller)
