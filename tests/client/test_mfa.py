"""MFA against the emulator: challenge, validate, remembered device, step-up, errors."""

import pytest
from client_bodies import payment_body

import billhelpers as bh


def test_validate_trusts_session(client):
    challenge = client.mfa.challenge()
    assert challenge["challengeId"]
    token = client.emulator.latest_token(challenge["challengeId"])
    resp = client.mfa.validate(challenge["challengeId"], token, remember_me=True)
    assert client.is_trusted
    assert "rememberMeId" not in resp or resp["rememberMeId"] not in repr(resp)
    assert client.session_info()["mfaStatus"] == "COMPLETE"


def test_remembered_device_makes_next_login_trusted(trusted, make_client):
    later = make_client()
    assert later.mfa.remembered_device
    resp = later.login(force=True)
    assert resp["trusted"] is True
    assert later.is_trusted


def test_step_up_trusts_untrusted_session(make_client):
    first = make_client()
    first.login()
    assert not first.is_trusted
    second = make_client()
    second.login(force=True)  # another session of the same user
    challenge = second.mfa.challenge()
    token = second.emulator.latest_token(challenge["challengeId"])
    second.mfa.validate(challenge["challengeId"], token, remember_me=True)
    resp = first.mfa.step_up()  # uses the rememberMeId + device the cache now holds
    assert resp["trusted"] is True
    assert first.is_trusted


def test_step_up_with_unknown_device_forgets_it(client):
    client.cache.update(client.session.key, rememberMeId="unknown-remember-me-id", device="x")
    resp = client.mfa.step_up()
    assert resp["trusted"] is False
    assert not client.is_trusted and not client.mfa.remembered_device


def test_step_up_without_remembered_device_raises_input_error(client):
    with pytest.raises(bh.InputError) as info:
        client.mfa.step_up()
    assert info.value.field == "rememberMeId"


def test_validate_wrong_token_raises_mfa_error(client):
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    wrong = f"{(int(token) + 1) % 1000000:06d}"
    with pytest.raises(bh.MFAError) as info:
        client.mfa.validate(challenge["challengeId"], wrong)
    assert info.value.code and info.value.hint
    assert not client.is_trusted


@pytest.mark.parametrize("token", ["12345", "abcdef", "1234567"])
def test_validate_malformed_token_caught_before_sending(client, token):
    challenge = client.mfa.challenge()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.mfa.validate(challenge["challengeId"], token)
    assert info.value.field == "token"
    assert client.emulator.requests() == []


def test_payment_on_untrusted_session_raises_mfa_error(client, bill):
    with pytest.raises(bh.MFAError) as info:
        client.payments.create(payment_body(bill["id"], bill["dueAmount"]))
    assert info.value.code == "BDC_1361"
    assert info.value.message == "Untrusted session."
    assert info.value.http_status == 403


def test_a_backup_phone_challenge_is_refused_before_sending(client):
    # BILL answers useBackup: true with HTTP 400 since 2026-04-03 (changelog "MFA API changes")
    with pytest.raises(bh.InputError) as err:
        client.mfa.challenge(use_backup=True)
    assert err.value.field == "useBackup"
    assert client.emulator.outbox() == []  # nothing was sent, so nothing was texted
