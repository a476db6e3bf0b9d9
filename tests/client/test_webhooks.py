"""Webhooks end to end: the client's resource, the emulator's signed delivery, the receiver."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
import requests
from client_bodies import bill_body, pay_date, vendor_body

from bill_emulator.delivery import wait_for
from billhelpers.exceptions import BillAPIError, InputError
from billhelpers.notebook.receiver import Receiver
from billhelpers.rules.signatures import sign, verify_signature

BANK_ID = "bac01DEMOVERIFIED001"


@pytest.fixture
def receiver():
    with Receiver() as rx:
        yield rx


def _subscribe(client, receiver, events=("payment.updated",)):
    created = client.webhooks.subscribe("tests", list(events), receiver.url).data
    receiver.security_key = created["securityKey"]
    return created


def _pay(client, amount=None):
    vendor = client.vendors.create(vendor_body()).data
    bill = client.bills.create(bill_body(vendor["id"])).data
    body = {
        "billId": bill["id"],
        "amount": Decimal(amount) if amount else bill["amount"],
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": BANK_ID},
        "processingOptions": {"requestPayFaster": False},
        "processDate": pay_date(),  # past BILL's 2 business days for the new bank account
    }
    return client.request("POST", "/v3/payments", json=body).data, bill


def test_signature_round_trip_and_tamper():
    body = b'{"metadata":{"eventId":"1"}}'
    sig = sign(body, "key")
    assert verify_signature(body, sig, "key")
    assert not verify_signature(body + b" ", sig, "key")
    assert not verify_signature(body, sig, "other")
    assert not verify_signature(body, "", "key")


def test_base_url_beside_bills_gateway(client):
    assert client.webhooks.base_url == client.base_url + "/connect-events"
    client.base_url = "https://gateway.stage.bill.com/connect"
    assert client.webhooks.base_url == "https://gateway.stage.bill.com/connect-events"


def test_a_payment_life_arrives_signed_in_order(trusted, receiver):
    sub = _subscribe(trusted, receiver, ("payment.updated", "bill.updated"))
    assert "securityKey" not in trusted.webhooks.get(sub["id"]).data
    assert "securityKey" not in repr(trusted.last_response)  # masked in displays
    payment, bill = _pay(trusted)
    trusted.emulator.run_payment_until(payment["id"], "CLEARED")
    events = receiver.wait_for(6, where=lambda e: e["metadata"]["eventType"] == "payment.updated")
    statuses = [e["payment"]["status"] for e in events]
    assert statuses == ["SCHEDULED", "FUNDING_STARTED", "PROCESSED", "SENT", "DELIVERED", "CLEARED"]
    assert events[0]["metadata"]["subscriptionId"] == sub["id"]
    paid = receiver.wait_for(where=lambda e: e.get("bill", {}).get("paymentStatus") == "PAID")
    assert paid[0]["bill"]["id"] == bill["id"]
    assert receiver.rejected == []
    got = trusted.request("GET", f"/v3/payments/{payment['id']}").data
    assert got["singleStatus"] == events[-1]["payment"]["status"]  # reconciled
    listed = trusted.webhooks.events(sub["id"], entity_id=payment["id"]).data["results"]
    assert [json.loads(e["payload"])["payment"]["status"] for e in listed] == statuses
    assert {e["statusCode"] for e in listed} == {200}


def test_rotated_key_old_receiver_refuses_then_resend(trusted, receiver):
    sub = _subscribe(trusted, receiver, ("vendor.created",))
    old = receiver.security_key
    new_key = trusted.webhooks.rotate_key(sub["id"]).data["securityKey"]
    assert new_key != old
    trusted.vendors.create(vendor_body())
    rejected = receiver.wait_for_rejected(1)
    assert rejected[0]["reason"] == "bad signature"
    receiver.security_key = new_key
    event_id = rejected[0]["eventId"]
    trusted.webhooks.resend(sub["id"], event_id)
    got = receiver.wait_for(1)
    assert got[0]["metadata"]["eventId"] == event_id
    trusted.webhooks.resend(sub["id"], event_id)  # a duplicate: dropped by the receiver
    receiver.wait_until(lambda rx: rx.duplicates >= 1)  # (a retry may have come first)
    assert len(receiver.events) == 1


def _clock_until(client, receiver, condition):
    """Move the emulator's clock in 20 s steps until ``condition(receiver)`` holds (retries
    are due on the emulator's clock, so no test waits for real back-off)."""
    for _ in range(100):
        try:
            receiver.wait_until(condition, timeout=0.1)
            return
        except TimeoutError:
            client.emulator.advance_clock(20)
    receiver.wait_until(condition, timeout=1)


@pytest.mark.realtime  # libfaketime makes its many sleeps fail with EINVAL, even at +0
def test_retries_then_disable(trusted, receiver):
    sub = _subscribe(trusted, receiver, ("vendor.created",))
    receiver.fail_next(3)
    trusted.vendors.create(vendor_body())
    # each retry is due 2, 4, 8 s later on the emulator's clock
    _clock_until(trusted, receiver, lambda rx: len(rx.events) == 1)
    assert receiver.failed_on_purpose == 3
    assert receiver.events[0]["metadata"]["eventType"] == "vendor.created"
    receiver.fail_next(6)
    trusted.vendors.create(vendor_body(name="Never"))
    # the first attempt and five resends (BILL's notification rules), 2 to 32 s apart
    _clock_until(trusted, receiver, lambda rx: rx.failed_on_purpose == 9)
    # the last result is recorded just after the receiver answered: wait for it
    assert wait_for(lambda: not trusted.webhooks.get(sub["id"]).data["status"]["enabled"])
    listed = trusted.webhooks.events(sub["id"]).data["results"]
    assert [e["statusCode"] for e in listed] == [200, 500]
    trusted.webhooks.enable(sub["id"])
    assert trusted.webhooks.get(sub["id"]).data["status"]["enabled"] is True


def test_failing_payment_and_payment_failed(trusted, receiver):
    _subscribe(trusted, receiver, ("payment.updated", "payment.failed"))
    payment, bill = _pay(trusted, "25.14")
    trusted.emulator.run_payment_until(payment["id"], "DISBURSEMENT_ON_HOLD")
    held = receiver.wait_for(where=lambda e: e["payment"].get("status") == "DISBURSEMENT_ON_HOLD")
    assert held[0]["payment"]["id"] == payment["id"]
    with pytest.raises(BillAPIError):
        trusted.request(
            "POST",
            "/v3/payments",
            json={
                "billId": bill["id"],
                "amount": Decimal("99999"),
                "fundingAccount": {"type": "BANK_ACCOUNT", "id": BANK_ID},
                "processingOptions": {"requestPayFaster": False},
            },
        )
    failed = receiver.wait_for(where=lambda e: e["metadata"]["eventType"] == "payment.failed")
    assert failed[0]["payment"]["errors"][0]["message"].startswith("amount")


def test_idempotent_key_rules(trusted, receiver, emulator):
    url = f"{emulator.url}/connect-events/v3/subscriptions"
    headers = {"devKey": trusted.config.dev_key, "sessionId": trusted.session.id}
    body = {
        "name": "x",
        "status": {"enabled": True},
        "events": [{"type": "bill.created", "version": "1"}],
        "notificationUrl": receiver.url,
    }
    missing = requests.post(url, json=body, headers=headers, timeout=10)
    assert missing.status_code == 400 and "X-Idempotent-Key" in missing.text
    key = str(uuid.uuid4())
    first = requests.post(url, json=body, headers={**headers, "X-Idempotent-Key": key}, timeout=10)
    again = requests.post(url, json=body, headers={**headers, "X-Idempotent-Key": key}, timeout=10)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()  # the first answer, not a second subscription
    other = requests.post(
        url, json={**body, "name": "y"}, headers={**headers, "X-Idempotent-Key": key}, timeout=10
    )
    assert other.status_code == 400
    assert len(trusted.webhooks.subscriptions().data["results"]) == 1
    not_v4 = requests.post(
        url, json=body, headers={**headers, "X-Idempotent-Key": "abc"}, timeout=10
    )
    assert not_v4.status_code == 400


@pytest.mark.parametrize(
    ("events", "url", "field"),
    [
        (["payment.sent"], None, "events"),
        (["bill.created"], "http://example.com/hook", "notificationUrl"),
        (["bill.created"], "ftp://127.0.0.1/x", "notificationUrl"),
    ],
)
def test_bad_subscriptions_are_refused_before_sending(client, receiver, events, url, field):
    with pytest.raises(InputError) as err:
        client.webhooks.subscribe("bad", events, url or receiver.url)
    assert err.value.field == field
    assert client.webhooks.subscriptions().data["results"] == []


def test_emulator_refuses_non_loopback_and_unknown_types(trusted, emulator):
    url = f"{emulator.url}/connect-events/v3/subscriptions"
    headers = {"devKey": trusted.config.dev_key, "sessionId": trusted.session.id}
    for events, target in (
        (["bill.created"], "https://example.com/x"),
        (["nope"], "http://127.0.0.1:9/x"),
    ):
        body = {
            "name": "x",
            "status": {"enabled": True},
            "events": [{"type": t, "version": "1"} for t in events],
            "notificationUrl": target,
        }
        resp = requests.post(
            url, json=body, timeout=10, headers={**headers, "X-Idempotent-Key": str(uuid.uuid4())}
        )
        assert resp.status_code == 400, resp.text
    assert trusted.webhooks.subscriptions().data["results"] == []


def test_https_required_against_bill(make_client):
    client = make_client()
    client.config = client.config.__class__(**{**client.config.__dict__, "environment": "sandbox"})
    with pytest.raises(InputError, match="https"):
        client.webhooks.check_url("http://127.0.0.1:8000/x")
    assert (
        client.webhooks.check_url("https://hooks.example.com/bill")
        == "https://hooks.example.com/bill"
    )


def test_clock_backwards_is_an_input_error(client):
    with pytest.raises(InputError):
        client.emulator.advance_business_days(-1)
    with pytest.raises(BillAPIError):
        client.emulator.move_clock_to("2000-01-01")


def test_receiver_refuses_unsigned_and_wrong_path(receiver):
    receiver.security_key = "k"
    body = b'{"metadata":{"eventId":"e1"}}'
    assert requests.post(receiver.url, data=body, timeout=5).status_code == 401
    good = {"x-bill-sha-signature": sign(body, "k")}
    assert requests.post(receiver.url + "x", data=body, headers=good, timeout=5).status_code == 404
    assert requests.post(receiver.url, data=body, headers=good, timeout=5).status_code == 200
    assert requests.post(receiver.url, data=body, headers=good, timeout=5).status_code == 200
    assert len(receiver.events) == 1 and receiver.duplicates == 1
    assert "k" not in repr(receiver).split("key")[1][:3] or repr(receiver)
