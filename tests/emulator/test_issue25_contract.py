"""The contract differences issue 25 found against BILL's own material (its v3 collection and
developer.bill.com), each checked where the emulator now follows BILL."""

from __future__ import annotations

import json
import threading
import uuid
from decimal import Decimal

import pytest
from emulator_helpers import error_of, vendor_body

from bill_emulator.backend.errors import EmulatorError, ValidationFailed

# -- MFA: no backup phone since 2026-04-03 (changelog "MFA API changes") -------------------------


@pytest.mark.parametrize("value", [True, "true"])
def test_a_challenge_to_the_backup_phone_is_refused(backend, caller, value):
    with pytest.raises(ValidationFailed) as err:
        backend.mfa_challenge(caller, {"useBackup": value})
    assert err.value.http_status == 400
    assert err.value.message.startswith("useBackup:")
    assert backend.outbox() == []  # nothing was texted


@pytest.mark.parametrize("body", [{}, {"useBackup": False}, {"useBackup": "false"}])
def test_a_challenge_to_the_primary_phone_is_taken(backend, caller, body):
    assert backend.mfa_challenge(caller, body)["challengeId"]


def test_a_backup_challenge_over_http_is_a_400(signed_in):
    status, code, message = error_of(signed_in.post("/v3/mfa/challenge", {"useBackup": True}))
    assert (status, code) == (400, "BDC_1000")
    assert message.startswith("useBackup:")


# -- list parameters BILL's collection lists ("Get list of bank account users", "... accounts") --


def _second_bank_user(backend, trusted) -> str:
    """A second bank account user of the demo user: a new account, verified and nominated."""
    body = {"nameOnAccount": "Demo", "accountNumber": "12345678", "routingNumber": "011000015"}
    bank_id = backend.create_bank(trusted, body)["id"]
    deposit = {"depositAmount": Decimal("0.50")}
    assert backend.verify_bank(trusted, bank_id, deposit) == {"verified": True}
    backend.nominate_bank_user(trusted, {"bankAccountId": bank_id, "userId": trusted.user_id})
    return bank_id


def test_bank_account_users_take_sort_filters_and_page(backend, trusted):
    bank_id = _second_bank_user(backend, trusted)
    everyone = backend.list_bank_users(trusted, {})["results"]
    assert len(everyone) == 2
    first = backend.list_bank_users(trusted, {"max": ["1"], "sort": ["bankAccountId:desc"]})
    assert first["results"][0]["bankAccountId"] == bank_id and "nextPage" in first
    params = {"max": ["1"], "sort": ["bankAccountId:desc"], "page": [first["nextPage"]]}
    second = backend.list_bank_users(trusted, params)
    assert second["results"][0]["bankAccountId"] == "bac01DEMOVERIFIED001"
    assert "nextPage" not in second and "prevPage" in second
    wanted = everyone[0]["id"]
    only = backend.list_bank_users(trusted, {"filters": [f'id:eq:"{wanted}"']})["results"]
    assert [u["id"] for u in only] == [wanted]
    nominated = {"filters": ['verificationStatus:eq:"NOMINATED"'], "currentUser": ["true"]}
    assert [u["bankAccountId"] for u in backend.list_bank_users(trusted, nominated)["results"]] == [
        bank_id
    ]
    assert len(backend.list_bank_users(trusted, {"sort": ["archived"]})["results"]) == 2


def test_bank_account_users_over_http_take_bills_example_parameters(signed_in):
    users = signed_in.get("/v3/funding-accounts/banks/users").json()["results"]
    query = {"max": "10", "sort": "archived", "filters": f"id:eq:{users[0]['id']}"}
    resp = signed_in.get("/v3/funding-accounts/banks/users", currentUser="false", **query)
    assert resp.status_code == 200, resp.text
    assert [u["id"] for u in resp.json()["results"]] == [users[0]["id"]]
    status, code, _ = error_of(signed_in.get("/v3/funding-accounts/banks/users", filter="x"))
    assert (status, code) == (400, "BDC_1001")  # a misspelt parameter is still refused


def test_banks_take_the_bank_account_id_filter_of_bills_example(signed_in):
    resp = signed_in.get(
        "/v3/funding-accounts/banks", filters='bankAccountId:eq:"bac01DEMOVERIFIED001"'
    )
    assert resp.status_code == 200, resp.text
    assert [b["id"] for b in resp.json()["results"]] == ["bac01DEMOVERIFIED001"]


# -- connect-events: a missing header is 400, an invalid one 401 (webhook API error responses) --

EVENTS = "/connect-events/v3"


@pytest.mark.parametrize("missing", ["devKey", "sessionId"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/events/catalog"), ("GET", "/subscriptions"), ("POST", "/subscriptions")],
)
def test_a_missing_header_on_the_events_api_is_a_400(signed_in, missing, method, path):
    headers = {k: v for k, v in signed_in.headers().items() if k != missing}
    resp = signed_in.http.request(
        method, signed_in.url + EVENTS + path, headers=headers, timeout=10
    )
    status, code, message = error_of(resp)
    assert (status, code) == (400, "BDC_1000")
    assert message.startswith(f"{missing}: ")


@pytest.mark.parametrize(("header", "code"), [("devKey", "BDC_1102"), ("sessionId", "BDC_1109")])
def test_an_invalid_header_on_the_events_api_is_a_401(signed_in, header, code):
    headers = {**signed_in.headers(), header: "x" * 34}
    resp = signed_in.http.get(
        signed_in.url + EVENTS + "/events/catalog", headers=headers, timeout=10
    )
    assert error_of(resp)[:2] == (401, code)


def test_a_missing_session_on_the_v3_api_stays_a_401(api):
    assert error_of(api.get("/v3/vendors"))[:2] == (401, "BDC_1109")  # S9: BILL's /v3 API


# -- webhook rules: five resends; a key whose first request still runs is 429 ---------------------


def _subscribe(backend, caller, key=None, name="hook"):
    body = {
        "name": name,
        "status": {"enabled": True},
        "notificationUrl": "http://127.0.0.1:9/hook",
        "events": [{"type": "vendor.created", "version": "1"}],
    }
    return backend.create_subscription(caller, body, key or str(uuid.uuid4()))


def test_a_failed_notification_is_resent_five_times_then_the_subscription_stops(backend, caller):
    sub = _subscribe(backend, caller)
    backend.create_vendor(caller, vendor_body())
    waits = []
    for attempt in range(1, 7):
        (event,) = backend.claim_deliveries("test")
        backend.delivery_result(event, 500)
        enabled = backend.get_subscription(caller, sub["id"])["status"]["enabled"]
        assert enabled is (attempt < 6), attempt  # the first attempt and five resends
        row = backend.store.event(sub["id"], event["id"])
        if row["next_ms"] is not None:
            waits.append((row["next_ms"] - backend.clock.now_ms()) // 1000)
            with backend.store.write():
                backend.clock.advance(waits[-1])
    assert waits == [2, 4, 8, 16, 32]  # exponential back-off
    assert backend.claim_deliveries("test") == []


def test_a_key_whose_first_request_still_runs_is_429(backend, caller, monkeypatch):
    key = str(uuid.uuid4())
    started, finish = threading.Event(), threading.Event()
    check = backend._check_subscription

    def slow_check(body, *, partial):
        started.set()
        assert finish.wait(10)
        return check(body, partial=partial)

    monkeypatch.setattr(backend, "_check_subscription", slow_check)
    answers = []
    first = threading.Thread(target=lambda: answers.append(_subscribe(backend, caller, key)))
    first.start()
    try:
        assert started.wait(10)
        with pytest.raises(EmulatorError) as err:
            _subscribe(backend, caller, key)
        assert (err.value.http_status, err.value.code) == (429, "BDC_1000")
        assert err.value.message.startswith("X-Idempotent-Key:")
    finally:
        finish.set()
        first.join(10)
    monkeypatch.setattr(backend, "_check_subscription", check)
    assert _subscribe(backend, caller, key) == answers[0]  # once answered: the first answer
    assert len(backend.list_subscriptions(caller, {})["results"]) == 1


# -- bank-account.updated carries id, archived, status, updatedTime (bank account payloads page) --


def test_a_bank_account_update_notification_carries_what_changed(backend, trusted):
    body = {
        "name": "banks",
        "status": {"enabled": True},
        "notificationUrl": "http://127.0.0.1:9/hook",
        "events": [
            {"type": "bank-account.created", "version": "1"},
            {"type": "bank-account.updated", "version": "1"},
        ],
    }
    sub = backend.create_subscription(trusted, body, str(uuid.uuid4()))
    new = {"nameOnAccount": "Demo", "accountNumber": "12345678", "routingNumber": "011000015"}
    bank = backend.create_bank(trusted, new)
    wrong = {"depositAmount": Decimal("0.51")}
    assert backend.verify_bank(trusted, bank["id"], wrong) == {"verified": False}
    deposit = {"depositAmount": Decimal("0.50")}
    assert backend.verify_bank(trusted, bank["id"], deposit) == {"verified": True}
    events = backend.list_events(trusted, sub["id"], {})["results"]
    assert [e["type"] for e in events] == ["bank-account.created", "bank-account.updated"]
    created, updated = (json.loads(e["payload"])["bank-account"] for e in events)
    assert created["nameOnAccount"] == "Demo"  # a created account is sent whole
    verified = backend.get_bank(trusted, bank["id"])
    assert updated == {
        "id": bank["id"],
        "archived": False,
        "status": "VERIFIED",
        "updatedTime": verified["updatedTime"],
    }


# -- the event list takes the parameters of BILL's reference page, and no others -----------------


def test_the_event_list_takes_bills_parameters_only(backend, caller):
    sub = _subscribe(backend, caller)
    backend.create_vendor(caller, vendor_body())
    times = {"createdTimeFrom": ["2000-01-01T00:00:00Z"], "createdTimeTo": ["2999-01-01T00:00:00"]}
    listed = backend.list_events(caller, sub["id"], {"max": ["5"], **times})["results"]
    assert [e["type"] for e in listed] == ["vendor.created"]
    with pytest.raises(ValidationFailed) as err:
        backend.list_events(caller, sub["id"], {"ascending": ["false"]})
    assert err.value.message == "ascending: unknown parameter"
