"""The emulator's controls under /_emulator/, over real HTTP."""

from __future__ import annotations

import json

import requests
from emulator_helpers import error_of, vendor_body

from bill_emulator import seed


def test_health_is_open(server):
    body = requests.get(server.url + "/_emulator/health", timeout=5).json()
    assert body["status"] == "ok"
    assert body["instance"] == server.instance


def test_outbox_shows_the_token_newest_first(signed_in):
    first = signed_in.post("/v3/mfa/challenge", {}).json()["challengeId"]
    second = signed_in.post("/v3/mfa/challenge", {}).json()["challengeId"]
    outbox = signed_in.get("/_emulator/outbox").json()
    assert [m["challengeId"] for m in outbox] == [second, first]
    assert all(len(m["token"]) == 6 and m["token"].isdigit() for m in outbox)


def test_controls_need_the_dev_key(server):
    resp = requests.get(server.url + "/_emulator/outbox", timeout=5)
    assert error_of(resp) == (401, "BDC_1102", "Developer key is invalid.")


def test_request_log_has_no_secrets(signed_in):
    signed_in.post("/v3/vendors", vendor_body())
    signed_in.get("/v3/nope")
    log = signed_in.get("/_emulator/requests").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/v3/nope", 404),
        ("POST", "/v3/vendors", 201),
        ("POST", "/v3/login", 200),
    ]
    text = json.dumps(log)
    for secret in (signed_in.session_id, seed.PASSWORD, seed.DEV_KEY, "000123456789"):
        assert secret not in text
    signed_in.call("DELETE", "/_emulator/requests")
    assert signed_in.get("/_emulator/requests").json() == []


def test_clock_control_moves_time(signed_in):
    before = signed_in.get("/_emulator/clock").json()["now"]
    after = signed_in.post("/_emulator/clock", {"advanceSeconds": 86400}).json()["now"]
    assert after[:10] > before[:10]


def test_reset_returns_to_the_seeded_organization(signed_in):
    signed_in.post("/v3/vendors", vendor_body())
    assert signed_in.post("/_emulator/reset").json() == {"status": "reset"}
    assert error_of(signed_in.get("/v3/vendors"))[1] == "BDC_1109"
    signed_in.login()
    assert signed_in.get("/v3/vendors").json()["results"] == []
    assert signed_in.post("/v3/vendors", vendor_body()).json()["id"] == "00901SBX000000000001"


def test_limits_get_and_put(signed_in):
    assert signed_in.get("/_emulator/limits").json() == {
        "requestsPerHour": 20000,
        "loginsPerHour": 200,
        "concurrentRequests": 3,
    }
    resp = signed_in.call("PUT", "/_emulator/limits", {"requestsPerHour": 1000000})
    assert resp.json()["requestsPerHour"] == 1000000


def test_seed_vendors_over_http(signed_in):
    resp = signed_in.post("/_emulator/seed/vendors", {"count": 120, "namePrefix": "Bulk"})
    assert resp.json()["created"] == 120
    page = signed_in.get("/v3/vendors", max=100).json()
    assert len(page["results"]) == 100 and "nextPage" in page


def test_seed_bills_over_http(signed_in):
    resp = signed_in.post("/_emulator/seed/bills", {"count": 150, "payments": True})
    assert resp.status_code == 200
    body = resp.json()
    assert (body["created"], body["payments"]) == (150, 150)
    page = signed_in.get("/v3/bills", max=100, filters='paymentStatus:eq:"SCHEDULED"').json()
    assert len(page["results"]) == 100 and "nextPage" in page
    paid = signed_in.get("/v3/payments", filters=f'billId:eq:"{body["lastId"]}"').json()
    assert [p["amount"] for p in paid["results"]] == [100.0]
    status, code, message = error_of(signed_in.post("/_emulator/seed/bills", {"count": "many"}))
    assert (status, code) == (400, "BDC_1000")
    assert message == "count: must be a whole number from 1 to 100000"
