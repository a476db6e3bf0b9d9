"""Faults injected by the emulator: rate limits, 5xx, slow answers, a dropped payment POST."""

import time

import pytest
from client_bodies import bill_body, payment_body, vendor_body

import billhelpers as bh


@pytest.fixture
def bill(trusted):
    vendor = trusted.vendors.create(vendor_body())
    return trusted.bills.create(bill_body(vendor["id"], "25.00")).data


def _posts(client, path="/v3/payments"):
    log = reversed(client.emulator.requests())  # the emulator lists newest first
    return [r for r in log if r["method"] == "POST" and r["path"] == path]


def test_rate_limit_on_get_retried_with_backoff(client, sleeps):
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="GET", count=2, status=429, code="BDC_1322"
    )
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0, 2.0]


def test_rate_limit_hourly_code_retried(client, sleeps):
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="GET", count=1, status=429, code="BDC_1144"
    )
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0]


def test_rate_limit_exhausted_raises_rate_limit_error(make_client, sleeps):
    client = make_client(max_retries=2)
    client.login()
    client.emulator.add_fault(
        path="/v3/vendors", method="GET", count=5, status=429, code="BDC_1322"
    )
    with pytest.raises(bh.RateLimitError) as info:
        client.vendors.list(max=1)
    assert info.value.code == "BDC_1322"
    assert sleeps == [1.0, 2.0]


def test_server_error_on_get_retried(client, sleeps):
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=1, status=503)
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0]


def test_server_error_on_create_vendor_not_retried(client, sleeps):
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="POST", count=1, status=500)
    with pytest.raises(bh.ServerError):
        client.vendors.create(vendor_body())
    assert sleeps == []


def test_slow_answer_past_timeout_raises_connection_problem(make_client):
    client = make_client(timeout=(2.0, 0.3), max_retries=0)
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=1, delaySeconds=1)
    with pytest.raises(bh.ConnectionProblem) as info:
        client.vendors.list(max=1)
    assert "timeout" in str(info.value)


def test_slow_get_retried_after_timeout(make_client, sleeps):
    client = make_client(timeout=(2.0, 0.3))
    client.login()
    client.emulator.add_fault(path="/v3/vendors", method="GET", count=1, delaySeconds=1)
    assert client.vendors.list(max=1).status_code == 200
    assert sleeps == [1.0]


def test_dropped_payment_after_processing_is_recovered_not_repeated(trusted, bill):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", count=1, drop=True, afterProcessing=True
    )
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(bill["id"], "25.00"))
    assert resp.recovered and resp["id"].startswith("stp")
    assert len(_posts(trusted)) == 1
    assert trusted.bills.get(bill["id"])["dueAmount"] == 0
    recorded = [
        p
        for p in trusted.payments.list_all(progress=False)
        if p.get("transactionNumber") == resp["transactionNumber"]
    ]
    assert len(recorded) == 1


def test_dropped_payment_not_recorded_says_look_again_before_retrying(trusted, bill):
    # The request went out and the connection dropped: real BILL may still be processing it
    # (a lost connection does not stop the server), so an empty look-up is not proof yet.
    trusted.emulator.add_fault(path="/v3/payments", method="POST", count=1, drop=True)
    with pytest.raises(bh.UncertainPaymentError) as info:
        trusted.payments.create(payment_body(bill["id"], "25.00"))
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "Do NOT retry now" in str(err)
    assert f"client.payments.find({err.transaction_number!r}) again in a moment" in str(err)
    # what the message says: look again, and resend the same body only if still absent
    assert trusted.payments.find(err.transaction_number) is None
    resp = trusted.payments.create(err.body)
    assert resp["transactionNumber"] == err.transaction_number
    assert trusted.bills.get(bill["id"])["dueAmount"] == 0
    assert len(_posts(trusted)) == 2


def test_slow_payment_not_yet_recorded_is_not_safe_to_retry(make_client, trusted, bill):
    payer = make_client(timeout=(2.0, 0.2))
    payer.login()
    payer.emulator.add_fault(path="/v3/payments", method="POST", count=1, delaySeconds=0.5)
    with pytest.raises(bh.UncertainPaymentError) as info:
        payer.payments.create(payment_body(bill["id"], "25.00"))
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "may still be processing" in str(err) and err.body["transactionNumber"] in str(err)
    # a moment later BILL has it: find() says so, and nothing was sent twice
    deadline = time.monotonic() + 5
    while (found := payer.payments.find(err.transaction_number)) is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert found["amount"] == 25
    assert len(_posts(payer)) == 1


def test_payment_rate_limited_on_every_attempt_looks_up_before_giving_up(
    make_client, trusted, bill, sleeps
):
    payer = make_client(max_retries=1)
    payer.login()
    payer.emulator.add_fault(
        path="/v3/payments", method="POST", count=5, status=429, code="BDC_1322"
    )
    payer.emulator.clear_requests()
    with pytest.raises(bh.RateLimitError) as info:
        payer.payments.create(payment_body(bill["id"], "25.00"))
    err = info.value
    log = reversed(payer.emulator.requests())
    calls = [(r["method"], r["status"]) for r in log if r["path"] == "/v3/payments"]
    assert calls[-1] == ("GET", 200)  # the last 429 was looked up too
    # the first GET asks for the intended payment's transactionNumber before any POST
    assert [m for m, _ in calls] == ["GET", "POST", "GET", "POST", "GET"]
    assert err.transaction_number == err.body["transactionNumber"]
    assert "Nothing was paid" in err.hint and err.transaction_number in err.hint
    payer.emulator.clear_faults()
    assert payer.payments.create(err.body)["transactionNumber"] == err.transaction_number


def test_payment_rate_limited_last_attempt_recorded_is_recovered(make_client, trusted, bill):
    payer = make_client(max_retries=1)
    payer.login()
    add = payer.emulator.add_fault
    add(path="/v3/payments", method="POST", status=429, code="BDC_1144")
    add(path="/v3/payments", method="POST", status=429, code="BDC_1144", afterProcessing=True)
    resp = payer.payments.create(payment_body(bill["id"], "25.00"))
    assert resp.recovered and "rate limit" in resp.note
    assert payer.bills.get(bill["id"])["dueAmount"] == 0
    assert len(_posts(payer)) == 2


def test_payment_500_after_processing_returns_recorded_payment(trusted, bill):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", count=1, status=500, afterProcessing=True
    )
    resp = trusted.payments.create(payment_body(bill["id"], "25.00"))
    assert resp.recovered
    assert trusted.bills.get(bill["id"])["dueAmount"] == 0


def test_payment_rate_limited_before_processing_then_sent_once(trusted, bill, sleeps):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", count=1, status=429, code="BDC_1322"
    )
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(bill["id"], "25.00"))
    assert not resp.recovered
    assert [r["status"] for r in _posts(trusted)] == [429, 200]
    assert sleeps == [1.0]


def test_session_expiry_mid_payment_relogs_without_double_payment(trusted, bill):
    trusted.emulator.advance_clock(36 * 60)
    resp = trusted.payments.create(payment_body(bill["id"], "25.00"))
    assert resp["id"].startswith("stp")
    assert trusted.bills.get(bill["id"])["dueAmount"] == 0
