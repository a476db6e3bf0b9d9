"""Faults the emulator injects, that tests/client/test_faults.py does not already cover.

Sessions that expire between chapters (a new kernel, clock moved 36 minutes) and mid-call (a
401 BDC_1109 on the next call); each rate-limit code on a payment POST; a 5xx that outlasts the
retries; a slow payment POST past the timeout; a payment POST whose outcome cannot even be looked
up. After each, the kit recovers by itself or says what happened, and the emulator shows that
the bill was paid at most once. No test sleeps for real: back-off goes to the ``sleeps`` list,
and only the slow-answer tests wait (a fraction of a second) for the emulator's delayed call.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from client_bodies import payment_body

import billhelpers as bh

from .safety_helpers import bill_calls, payments_for, posts, wait_until

EXPIRE = 36 * 60  # BILL ends a session after 35 idle minutes


def _payment_calls(client) -> list[tuple[str, int]]:
    """POST (create) and GET (look-up) calls on /v3/payments, oldest first."""
    return [(m, s) for m, p, s in bill_calls(client) if p == "/v3/payments"]


def _paid_once(client, bill, amount="25.00"):
    """The emulator recorded exactly one payment for the bill, and the bill's dueAmount shows it."""
    recorded = payments_for(client, bill["id"])
    assert len(recorded) == 1, recorded
    assert recorded[0]["amount"] == Decimal(amount)
    assert client.bills.get(bill["id"])["dueAmount"] == Decimal(bill["amount"]) - Decimal(amount)
    return recorded[0]


# -- session expiry ----------------------------------------------------------------------------


def test_new_chapter_after_expiry_relogs_trusted_without_new_mfa(trusted, make_client):
    trusted.vendors.list(max=1)  # the last call of the previous chapter
    trusted.close()
    trusted.emulator.advance_clock(EXPIRE)
    texts = len(trusted.emulator.outbox())
    trusted.emulator.clear_requests()
    chapter = make_client()  # the next notebook: a new kernel, the same session cache
    assert chapter.vendors.list(max=1).status_code == 200
    assert bill_calls(chapter) == [
        ("GET", "/v3/login/session", 401),  # the cached session is gone...
        ("POST", "/v3/login", 200),  # ...so one login, with the remembered device
        ("GET", "/v3/vendors", 200),
    ]
    assert chapter.is_trusted
    assert len(chapter.emulator.outbox()) == texts  # no new MFA text message
    assert chapter.cache.get(chapter._key)["sessionId"] == chapter._session_id


def test_session_expired_mid_call_relogs_and_repeats(client):
    client.login()
    old = client._session_id
    client.emulator.add_fault(path="/v3/vendors", method="GET", status=401, code="BDC_1109")
    client.emulator.clear_requests()
    assert client.vendors.list(max=1).status_code == 200
    assert bill_calls(client) == [
        ("GET", "/v3/vendors", 401),
        ("POST", "/v3/login", 200),
        ("GET", "/v3/vendors", 200),
    ]
    assert client._session_id != old
    assert client.cache.get(client._key)["sessionId"] == client._session_id


def test_payment_session_expired_before_processing_relogs_and_pays_once(trusted, unpaid_bill):
    trusted.emulator.add_fault(path="/v3/payments", method="POST", status=401, code="BDC_1109")
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert not resp.recovered
    assert _payment_calls(trusted) == [("GET", 200), ("POST", 401), ("GET", 200), ("POST", 200)]
    assert ("POST", "/v3/login", 200) in bill_calls(trusted)
    assert trusted.is_trusted  # the remembered device trusted the new session
    assert _paid_once(trusted, unpaid_bill)["id"] == resp["id"]


def test_payment_session_expired_after_processing_is_recovered_not_repeated(trusted, unpaid_bill):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", status=401, code="BDC_1109", afterProcessing=True
    )
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp.recovered and "not sent again" in resp.note
    assert _payment_calls(trusted) == [("GET", 200), ("POST", 401), ("GET", 200)]
    assert _paid_once(trusted, unpaid_bill)["id"] == resp["id"]


# -- rate limits on a payment ------------------------------------------------------------------


@pytest.mark.parametrize("code", ["BDC_1144", "BDC_1322"])
def test_payment_rate_limited_throughout_raises_without_blind_repeat(
    trusted, make_client, unpaid_bill, sleeps, code
):
    payer = make_client(max_retries=2)  # reuses the trusted session from the cache
    payer.login()
    payer.emulator.add_fault(path="/v3/payments", method="POST", count=10, status=429, code=code)
    payer.emulator.clear_requests()
    with pytest.raises(bh.RateLimitError) as info:
        payer.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    err = info.value
    assert (err.code, err.http_status, err.path) == (code, 429, "/v3/payments")
    assert str(err).startswith(f"{code}: Max number of ") and "hint: " in str(err)
    # every repeat, and the final refusal, came only after a look-up had found nothing
    assert _payment_calls(payer) == [("GET", 200)] + [("POST", 429), ("GET", 200)] * 3
    assert err.transaction_number and err.body["transactionNumber"] == err.transaction_number
    assert sleeps == [1.0, 2.0]
    payer.emulator.clear_faults()
    assert payments_for(payer, unpaid_bill["id"]) == []
    assert payer.bills.get(unpaid_bill["id"])["dueAmount"] == Decimal("25.00")


def test_payment_rate_limit_after_processing_is_recovered_not_repeated(
    trusted, unpaid_bill, sleeps
):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", status=429, code="BDC_1144", afterProcessing=True
    )
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp.recovered
    assert _payment_calls(trusted) == [("GET", 200), ("POST", 429), ("GET", 200)]
    assert sleeps == []
    _paid_once(trusted, unpaid_bill)


def test_payment_rate_limited_on_last_attempt_is_never_paid_twice(
    trusted, make_client, unpaid_bill
):
    payer = make_client(max_retries=1)
    payer.login()
    add = payer.emulator.add_fault
    add(path="/v3/payments", method="POST", status=429, code="BDC_1322")  # refused
    add(path="/v3/payments", method="POST", status=429, code="BDC_1322", afterProcessing=True)
    body = payment_body(unpaid_bill["id"], "10.00")  # part of the bill: no AlreadyPaidError
    try:
        payer.payments.create(body)
    except bh.RateLimitError:
        payer.payments.create(body)  # the learner runs the cell again
    _paid_once(payer, unpaid_bill, "10.00")


# -- 5xx, slow answers, a failed look-up -------------------------------------------------------


def test_server_error_outlasting_retries_raises_server_error(make_client, sleeps):
    client = make_client(max_retries=2)
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=5, status=503)
    client.emulator.clear_requests()
    with pytest.raises(bh.ServerError) as info:
        client.vendors.list(max=1)
    err = info.value
    assert (err.code, err.http_status, err.message) == ("BDC_1001", 503, "System error occurred.")
    assert "try again later" in err.hint
    assert bill_calls(client) == [("GET", "/v3/vendors", 503)] * 3
    assert sleeps == [1.0, 2.0]


def test_slow_payment_recorded_before_timeout_is_recovered(trusted, make_client, unpaid_bill):
    payer = make_client(timeout=(2.0, 0.2))
    payer.login()
    payer.emulator.add_fault(
        path="/v3/payments", method="POST", delaySeconds=0.5, afterProcessing=True
    )
    payer.emulator.clear_requests()
    resp = payer.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp.recovered and "timeout" in resp.note
    wait_until(lambda: len(posts(payer, "/v3/payments")) == 1)  # the slow call has ended
    _paid_once(payer, unpaid_bill)


def test_slow_payment_still_in_flight_is_never_paid_twice(trusted, make_client, unpaid_bill):
    payer = make_client(timeout=(2.0, 0.2))
    payer.login()
    payer.emulator.add_fault(path="/v3/payments", method="POST", delaySeconds=0.5)
    payer.emulator.clear_requests()
    body = payment_body(unpaid_bill["id"], "10.00")
    with pytest.raises(bh.UncertainPaymentError) as info:
        payer.payments.create(body)
    err = info.value
    sent = 1
    if err.safe_to_retry:  # what the message tells the learner to do
        payer.payments.create(err.body)
        sent = 2
    wait_until(lambda: len(posts(payer, "/v3/payments")) == sent)  # the slow call has ended
    _paid_once(payer, unpaid_bill, "10.00")


def test_payment_outcome_unknown_when_lookup_fails_says_do_not_retry(
    trusted, make_client, unpaid_bill
):
    payer = make_client(max_retries=1)
    payer.login()
    payer.emulator.add_fault(path="/v3/payments", method="POST", drop=True)
    choose = payer.payments._choose_number

    def choose_then_break_lookups(*args, **kwargs):  # the look-ups after the POST fail
        made = choose(*args, **kwargs)
        payer.emulator.add_fault(path="/v3/payments", method="GET", count=2, drop=True)
        return made

    payer.payments._choose_number = choose_then_break_lookups
    payer.emulator.clear_requests()
    with pytest.raises(bh.UncertainPaymentError) as info:
        payer.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    payer.payments._choose_number = choose
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "do NOT retry" in str(err) and err.transaction_number in str(err)
    assert _payment_calls(payer) == [("GET", 200), ("POST", 0), ("GET", 0), ("GET", 0)]
    # what the message says to do: look it up, and resend the same body only if it is absent
    assert payer.payments.find(err.transaction_number) is None
    payer.payments.create(err.body)
    assert _paid_once(payer, unpaid_bill)["transactionNumber"] == err.transaction_number
