"""Sessions against the emulator: login, reuse across kernels, expiry, sign-in errors."""

import pytest
from kit_helpers import bill_calls

import billhelpers as bh

EXPIRE = 36 * 60  # BILL: 35 idle minutes


def test_login_returns_session_and_masks_it(client):
    resp = client.login()
    assert resp.status_code == 200
    assert resp["organizationId"] == "00801DEMOORG00000001"
    assert resp["userId"].startswith("006")
    assert resp["sessionId"] not in repr(resp)
    assert client.is_logged_in and not client.is_trusted


def test_login_reuses_session_across_clients_without_second_login(make_client):
    first = make_client()
    first.login()
    first.emulator.clear_requests()
    second = make_client()  # a new notebook kernel, same cache
    resp = second.login()
    assert resp.note == "reused the cached session"
    assert ("POST", "/v3/login", 200) not in bill_calls(second)


def test_login_force_opens_new_session(client):
    client.login()
    old = client.session.id
    client.login(force=True)
    assert client.session.id != old


def test_first_call_logs_in_lazily(client):
    client.vendors.list(max=1)
    assert [c[1] for c in bill_calls(client)][:2] == ["/v3/login", "/v3/vendors"]


def test_session_expiry_relogs_in_and_repeats_call(client):
    client.login()
    old = client.session.id
    client.emulator.advance_clock(EXPIRE)
    client.emulator.clear_requests()
    resp = client.vendors.list(max=1)
    assert resp.status_code == 200
    assert client.session.id != old
    assert bill_calls(client) == [
        ("GET", "/v3/vendors", 401),
        ("POST", "/v3/login", 200),
        ("GET", "/v3/vendors", 200),
    ]


def test_session_expiry_between_kernels_adopts_refreshed_session(make_client):
    a, b = make_client(), make_client()
    a.login()
    b.login()
    a.emulator.advance_clock(EXPIRE)
    a.vendors.list(max=1)  # kernel A logs in again and caches the new session
    b.emulator.clear_requests()
    b.vendors.list(max=1)  # kernel B adopts it instead of logging in
    assert b.session.id == a.session.id
    assert ("POST", "/v3/login", 200) not in bill_calls(b)


def test_expired_cached_session_is_replaced_on_login(make_client):
    make_client().login()
    later = make_client()
    later.emulator.advance_clock(EXPIRE)
    resp = later.login()
    assert resp.method == "POST" and resp.path == "/v3/login"


def test_session_info_reports_mfa_status(client):
    info = client.session_info()
    assert info["mfaStatus"] in ("DISABLED", "SETUP", "CHALLENGE", "COMPLETE", "UNDEFINED")
    assert info["organizationId"] == "00801DEMOORG00000001"


def test_logout_ends_session_and_next_call_logs_in_again(client):
    client.login()
    old = client.session.id
    client.logout()
    assert not client.is_logged_in
    client.vendors.list(max=1)
    assert client.session.id != old


def test_login_wrong_password_raises_session_error(make_client):
    client = make_client(password="wrong-password")
    with pytest.raises(bh.SessionError) as info:
        client.login()
    assert info.value.code == "BDC_1101"
    assert info.value.message == "User name and/or password do not match our records."
    assert "wrong-password" not in str(info.value) + repr(info.value)


def test_login_wrong_dev_key_raises_session_error(make_client):
    client = make_client(dev_key="01WRONGKEY000000000000000000000000")
    with pytest.raises(bh.SessionError) as info:
        client.login()
    assert info.value.code == "BDC_1102"
    assert info.value.message == "Developer key is invalid."
    assert "01WRONGKEY000000000000000000000000" not in str(info.value)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"username": "   "}, "BILL_USERNAME"),
        ({"password": " "}, "BILL_PASSWORD"),
        ({"organization_id": "12301DEMOORG00000001"}, "BILL_ORGANIZATION_ID"),
        ({"dev_key": "01DEMO DEVKEY"}, "BILL_DEV_KEY"),
    ],
)
def test_login_bad_credentials_caught_before_sending(make_client, override, field):
    good, client = make_client(), make_client(**override)
    good.emulator.clear_requests()  # the emulator's controls need a valid devKey
    with pytest.raises(bh.InputError) as info:
        client.login()
    assert info.value.field == field
    assert bill_calls(good) == []


def test_cache_file_is_owner_only(client, isolated_env):
    import os
    import stat

    client.login()
    assert stat.S_IMODE(os.stat(isolated_env).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(isolated_env / "sessions.json").st_mode) == 0o600
