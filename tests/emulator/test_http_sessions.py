"""Sign-in, sessions and the call checks, over real HTTP."""

from __future__ import annotations

import requests
from emulator_helpers import error_of

from bill_emulator import seed


def test_login_returns_session_and_ids(api):
    resp = api.login()
    assert resp.status_code == 200
    body = resp.json()
    assert body["organizationId"] == seed.ORGANIZATION_ID
    assert body["userId"] == seed.USER_ID
    assert body["trusted"] is False
    assert len(body["sessionId"]) >= 32


def test_login_session_ids_are_unique(api):
    first = api.login().json()["sessionId"]
    second = api.login().json()["sessionId"]
    assert first != second


def test_login_wrong_password_is_bdc_1101(api):
    resp = api.login(password="nope")
    assert error_of(resp) == (
        401,
        "BDC_1101",
        "User name and/or password do not match our records.",
    )


def test_login_wrong_dev_key_is_bdc_1102(api):
    resp = api.login(devKey="wrong")
    assert error_of(resp) == (401, "BDC_1102", "Developer key is invalid.")


def test_login_blank_username_names_the_field(api):
    resp = api.login(username="  ")
    assert error_of(resp) == (400, "BDC_1000", "username: must not be blank")


def test_login_bad_organization_id_names_the_field(api):
    resp = api.login(organizationId="12345")
    status, code, message = error_of(resp)
    assert (status, code) == (400, "BDC_1000")
    assert message.startswith("organizationId: ")


def test_session_info_reports_untrusted(signed_in):
    body = signed_in.get("/v3/login/session").json()
    assert body == {
        "organizationId": seed.ORGANIZATION_ID,
        "userId": seed.USER_ID,
        "mfaStatus": "CHALLENGE",
        "mfaBypass": False,
    }


def test_call_without_session_id_is_bdc_1109(api):
    resp = api.get("/v3/vendors", max=1)
    assert error_of(resp) == (401, "BDC_1109", "Session is invalid.  Please log in.")


def test_call_with_unknown_session_is_bdc_1109(api):
    api.session_id = "made-up"
    resp = api.get("/v3/login/session")
    assert error_of(resp) == (401, "BDC_1109", "Session is invalid.  Please log in.")


def test_call_without_dev_key_is_bdc_1102(signed_in):
    resp = requests.get(
        signed_in.url + "/v3/login/session",
        headers={"sessionId": signed_in.session_id},
        timeout=5,
    )
    assert error_of(resp) == (401, "BDC_1102", "Developer key is invalid.")


def test_logout_ends_the_session(signed_in):
    assert signed_in.post("/v3/logout").status_code == 200
    resp = signed_in.get("/v3/login/session")
    assert error_of(resp)[1] == "BDC_1109"


def test_session_expires_after_35_idle_minutes(signed_in):
    signed_in.post("/_emulator/clock", {"advanceSeconds": 35 * 60 + 1})
    resp = signed_in.get("/v3/login/session")
    assert error_of(resp) == (401, "BDC_1109", "Session is invalid.  Please log in.")


def test_session_timer_resets_on_every_call(signed_in):
    for _ in range(3):
        signed_in.post("/_emulator/clock", {"advanceSeconds": 30 * 60})
        assert signed_in.get("/v3/login/session").status_code == 200


def test_unknown_path_is_bdc_1121(signed_in):
    resp = signed_in.get("/v3/vendorz")
    assert error_of(resp) == (404, "BDC_1121", "API not supported.")


def test_keep_alive_reuses_one_connection(server, signed_in):
    for _ in range(5):
        resp = signed_in.get("/v3/login/session")
        assert resp.headers.get("Connection") != "close"
    assert len(server._server._conns) == 1  # one TCP connection served all six calls
