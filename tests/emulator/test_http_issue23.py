"""Bad input over HTTP that used to answer 500 or the wrong thing (issue 23): list paging of
the connect-events API, subscription URLs, disabled subscriptions, the outbox of another
organization, and a verified bank account given a wrong deposit."""

from __future__ import annotations

import uuid

import pytest
from emulator_helpers import error_of

from bill_emulator import seed

EVENTS = "/connect-events/v3"


def _subscribe(api, url="http://127.0.0.1:9/hook", enabled=True, events=("vendor.created",)):
    body = {
        "name": "hook",
        "status": {"enabled": enabled},
        "notificationUrl": url,
        "events": [{"type": t, "version": "1"} for t in events],
    }
    return api.http.post(
        api.url + f"{EVENTS}/subscriptions",
        json=body,
        headers={**api.headers(), "X-Idempotent-Key": str(uuid.uuid4())},
        timeout=10,
    )


@pytest.mark.parametrize(
    "query",
    [
        {"max": "²"},
        {"max": "١٠"},
        {"max": "9" * 20},
        {"page": "p" + "9" * 20},
        {"page": "p²"},
    ],
)
def test_subscription_list_paging_garbage_is_a_bill_400(signed_in, query):
    status, code, message = error_of(signed_in.get(f"{EVENTS}/subscriptions", **query))
    assert (status, code) == (400, "BDC_1000")
    assert message.split(":")[0] in query


@pytest.mark.parametrize("query", [{"max": "²"}, {"page": "p" + "1" * 20}])
def test_event_list_paging_garbage_is_a_bill_400(signed_in, query):
    sub = _subscribe(signed_in).json()
    status, code, _ = error_of(signed_in.get(f"{EVENTS}/events/subscription/{sub['id']}", **query))
    assert (status, code) == (400, "BDC_1000")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999/hook", "http://127.0.0.1:0/hook", "http://localhost:x/"]
)
def test_a_notification_url_with_an_impossible_port_is_refused(signed_in, url):
    status, code, message = error_of(_subscribe(signed_in, url))
    assert (status, code) == (400, "BDC_1000")
    assert message.startswith("notificationUrl:")
    assert signed_in.get(f"{EVENTS}/subscriptions").json()["results"] == []


def test_a_disabled_subscription_sends_no_test_event_and_no_resend(signed_in):
    sub = _subscribe(signed_in).json()
    sent = signed_in.post(f"{EVENTS}/subscriptions/{sub['id']}/test", {})
    assert sent.status_code == 200, sent.text
    event_id = sent.json()["id"]
    off = signed_in.patch(f"{EVENTS}/subscriptions/{sub['id']}", {"status": {"enabled": False}})
    assert off.status_code == 200, off.text
    for path in (
        f"{EVENTS}/subscriptions/{sub['id']}/test",
        f"{EVENTS}/events/subscription/{sub['id']}/event/{event_id}",
    ):
        status, code, message = error_of(signed_in.post(path, {}))
        assert (status, code) == (400, "BDC_1000")
        assert "disabled" in message
    events = signed_in.get(f"{EVENTS}/events/subscription/{sub['id']}").json()["results"]
    assert [e["id"] for e in events] == [event_id]


def test_the_outbox_shows_only_the_callers_organization(signed_in):
    assert signed_in.post("/v3/mfa/challenge", {}).status_code == 200
    assert len(signed_in.get("/_emulator/outbox").json()) == 1
    fresh = signed_in.post("/_emulator/organizations", {"fresh": True}).json()
    other = signed_in.http.get(
        signed_in.url + "/_emulator/outbox", headers={"devKey": fresh["devKey"]}, timeout=10
    )
    assert (other.status_code, other.json()) == (200, [])


def test_a_wrong_deposit_on_a_verified_account_is_refused(signed_in):
    path = f"/v3/funding-accounts/banks/{seed.VERIFIED_BANK_ID}/verify"
    status, code, message = error_of(signed_in.post(path, {"depositAmount": 0.51}))
    assert (status, code) == (400, "BDC_1000")
    assert "already verified" in message
    again = signed_in.post(path, {"depositAmount": 0.5})
    assert (again.status_code, again.json()) == (200, {"verified": True})
