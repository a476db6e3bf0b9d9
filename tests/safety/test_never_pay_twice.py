"""Never pay twice: every scenario where a payment POST's outcome is uncertain, in one place.

BILL has no idempotency key, so the client looks a payment's transactionNumber up before any
repeat (``billhelpers.resources.payments.PaymentRecovery``, applied by the one request pipeline;
the decision "safe to repeat?" is ``billhelpers.http.retry``). First with a scripted transport
(exact
control of timeouts and dropped connections), then against the emulator's injected faults
(rate limits, 5xx, slow answers, expired sessions, a dropped POST, a failed look-up), where the
emulator's own records show that the bill was paid at most once. No test sleeps for real:
back-off goes to the ``sleeps`` list, and only the slow-answer tests wait (a fraction of a
second) for the emulator's delayed call.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
import requests
from client_bodies import VERIFIED_BANK, bill_body, pay_date, payment_body, vendor_body
from fake_bill import EXPIRED, LOGIN_OK, FakeBill, error
from kit_helpers import bill_calls, payments_for, posts, wait_until

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config

# -- with a scripted transport ------------------------------------------------------------------

BILL_ID = "00n01DEMOBILL0000001"
BODY = {
    "billId": BILL_ID,
    "amount": Decimal("10.00"),
    "fundingAccount": {"type": "BANK_ACCOUNT", "id": "bac01DEMOVERIFIED001"},
    "processingOptions": {},
}
NONE = (200, {"results": []})
UNPAID = (
    200,
    {
        "id": BILL_ID,
        "vendorId": "00901DEMOVENDOR00001",
        "amount": 10,
        "dueAmount": Decimal("10.00"),
        "paymentStatus": "UNPAID",
    },
)


@pytest.fixture
def fake():
    fake = FakeBill()
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", f"/v3/bills/{BILL_ID}", UNPAID)
    fake.on("GET", "/v3/payments", NONE)  # the look-up before the POST finds nothing
    # read for BILL's 2-business-day wait; no bank account, so there is none
    fake.on("GET", "/v3/vendors/00901DEMOVENDOR00001", (200, {"id": "00901DEMOVENDOR00001"}))
    return fake


@pytest.fixture
def fake_client(fake, tmp_path):
    http = requests.Session()
    http.mount("http://fake", fake)
    c = Client(
        Config(base_url="http://fake", cache_dir=tmp_path), transport=http, sleep=lambda s: None
    )
    return c


def _fake_posts(fake):
    return [c for c in fake.calls if c[0] == "POST" and c[1] == "/v3/payments"]


def _recorded_list(request):
    import json

    sent = json.loads(_recorded_list.body)
    row = {
        "id": "stp01DEMOPAYMENT0001",
        "transactionNumber": sent["transactionNumber"],
        "billId": sent["billId"],
        "amount": sent["amount"],
        "singleStatus": "SCHEDULED",
    }
    return (200, {"results": [row]})


def test_payment_gets_generated_transaction_number(fake, fake_client):
    fake.on("POST", "/v3/payments", lambda r: (200, {"id": "stp1", "status": "SCHEDULED"}))
    fake_client.payments.create(BODY)
    import json

    sent = json.loads(_fake_posts(fake)[0][3])
    assert sent["transactionNumber"].startswith("bh-")
    assert sent["amount"] == 10.0 and b'"amount": 10.00' in _fake_posts(fake)[0][3]


def test_payment_500_not_recorded_raises_safe_to_retry(fake, fake_client):
    fake.on("POST", "/v3/payments", (500, [{"code": "BDC_1001", "message": "System error."}]))
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    with pytest.raises(bh.UncertainPaymentError) as info:
        fake_client.payments.create(BODY)
    err = info.value
    assert err.recorded is False and err.safe_to_retry
    assert "safe to retry" in str(err)
    assert err.body["transactionNumber"] == err.transaction_number
    assert len(_fake_posts(fake)) == 1


def test_payment_timeout_recorded_returns_payment(fake, fake_client):
    def post(request):
        _recorded_list.body = request.body
        raise requests.ReadTimeout("slow")

    fake.on("POST", "/v3/payments", post)
    fake.script[("GET", "/v3/payments")] = [NONE, _recorded_list]
    fake.on("GET", "/v3/payments/stp01DEMOPAYMENT0001", (200, {"id": "stp01DEMOPAYMENT0001"}))
    resp = fake_client.payments.create(BODY)
    assert resp.recovered and resp["id"] == "stp01DEMOPAYMENT0001"
    assert "not sent again" in resp.note
    assert len(_fake_posts(fake)) == 1


def test_payment_lookup_failing_says_do_not_retry(fake, fake_client):
    fake.on("POST", "/v3/payments", requests.ConnectionError("dropped"))
    fake.script[("GET", "/v3/payments")] = [NONE, requests.ConnectionError("still down")]
    with pytest.raises(bh.UncertainPaymentError) as info:
        fake_client.payments.create(BODY)
    assert info.value.recorded is None and not info.value.safe_to_retry
    assert "do NOT retry" in str(info.value)
    assert len(_fake_posts(fake)) == 1


def test_payment_rate_limited_then_repeated_after_lookup(fake, fake_client):
    fake.on(
        "POST", "/v3/payments", error("BDC_1322", "Max concurrent.", 429), (200, {"id": "stp2"})
    )
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    assert fake_client.payments.create(BODY)["id"] == "stp2"
    assert len(_fake_posts(fake)) == 2
    gets = [c for c in fake.calls if c[1].startswith("/v3/payments?")]
    assert len(gets) == 2  # before the first POST, and between the two


def test_payment_session_expired_relogs_and_looks_up(fake, fake_client):
    fake.on("POST", "/v3/payments", EXPIRED, (200, {"id": "stp3"}))
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    fake_client.login()
    assert fake_client.payments.create(BODY)["id"] == "stp3"
    assert [c[1].split("?")[0] for c in fake.calls if c[0] == "POST"] == [
        "/v3/login",
        "/v3/payments",
        "/v3/login",
        "/v3/payments",
    ]


def test_payment_refused_for_covered_bill(fake, fake_client):
    fake.script[("GET", f"/v3/bills/{BILL_ID}")] = [
        (200, {"id": BILL_ID, "dueAmount": 0, "paymentStatus": "SCHEDULED"})
    ]
    with pytest.raises(bh.AlreadyPaidError) as info:
        fake_client.payments.create(BODY)
    assert info.value.field == "billId"
    assert _fake_posts(fake) == []


def test_payment_above_due_amount_refused(fake, fake_client):
    with pytest.raises(bh.InputError) as info:
        fake_client.payments.create({**BODY, "amount": "10.01"})
    assert info.value.field == "amount" and "10.00" in info.value.hint
    assert _fake_posts(fake) == []


def test_payment_for_another_vendors_bill_refused(fake, fake_client):
    with pytest.raises(bh.InputError) as info:
        fake_client.payments.create({**BODY, "vendorId": "00901DEMOVENDOR00002"})
    assert info.value.field == "vendorId"


def _refused() -> requests.ConnectionError:
    """The exception requests really raises when nothing listens on the port."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    try:
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
    except requests.ConnectionError as err:
        return err
    raise AssertionError("something listens on a port that was just free")


def test_payment_connection_refused_is_safe_to_retry_without_lookup(fake, fake_client):
    fake.on("POST", "/v3/payments", _refused())
    with pytest.raises(bh.UncertainPaymentError) as info:
        fake_client.payments.create(BODY)
    err = info.value
    assert err.recorded is False and err.safe_to_retry
    assert "never reached BILL" in str(err) and "safe to retry" in str(err)
    # only the look-up before the POST: after a refused connection there is nothing to find
    assert len([c for c in fake.calls if c[1].startswith("/v3/payments?")]) == 1


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(requests.ReadTimeout("slow"), id="read-timeout"),
        pytest.param(requests.ConnectionError("Connection aborted."), id="dropped"),
        pytest.param((504, [{"code": "BDC_1001", "message": "Gateway timeout."}]), id="504"),
    ],
)
def test_payment_sent_without_answer_and_not_yet_recorded_is_not_safe(fake, fake_client, failure):
    fake.on("POST", "/v3/payments", failure)
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    with pytest.raises(bh.UncertainPaymentError) as info:
        fake_client.payments.create(BODY)
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "may still be processing" in str(err) and "Do NOT retry now" in str(err)
    assert f"client.payments.find({err.transaction_number!r}) again in a moment" in str(err)
    assert len(_fake_posts(fake)) == 1


def test_connection_problem_says_whether_the_request_left(fake, fake_client):
    fake.script[("POST", "/v3/vendors")] = [_refused()]
    with pytest.raises(bh.ConnectionProblem) as info:
        fake_client.request("POST", "/v3/vendors", json={})
    assert info.value.sent is False and "never reached BILL" in str(info.value)
    fake.script[("POST", "/v3/vendors")] = [requests.ConnectionError("Connection aborted.")]
    with pytest.raises(bh.ConnectionProblem) as info:
        fake_client.request("POST", "/v3/vendors", json={})
    assert info.value.sent is True and "may or may not have processed" in str(info.value)
    fake.script[("POST", "/v3/vendors")] = [requests.ConnectTimeout("no SYN-ACK")]
    with pytest.raises(bh.ConnectionProblem) as info:
        fake_client.request("POST", "/v3/vendors", json={})
    assert info.value.sent is False


# -- against the emulator's faults ---------------------------------------------------------------


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


def test_payment_session_expired_before_processing_relogs_and_pays_once(trusted, unpaid_bill):
    trusted.emulator.add_fault(path="/v3/payments", method="POST", status=401, code="BDC_1109")
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert not resp.recovered
    assert _payment_calls(trusted) == [("GET", 200), ("POST", 401), ("GET", 200), ("POST", 201)]
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
    # each look-up waits as the 429 asked (1 s without Retry-After, then longer): the last one
    # too, though no repeat follows it (issue 26's backoff check)
    assert sleeps == [1.0, 2.0, 4.0]
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
    assert sleeps == [1.0]  # the look-up waited as the 429 asked (1 s without Retry-After)
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


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
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
    sent = 1
    try:
        payer.payments.create(body)  # a busy machine: the look-up may already find it
    except bh.UncertainPaymentError as err:
        if err.safe_to_retry:  # what the message tells the learner to do
            payer.payments.create(err.body)
            sent = 2
    wait_until(lambda: len(posts(payer, "/v3/payments")) == sent)  # the slow call has ended
    _paid_once(payer, unpaid_bill, "10.00")


def test_payment_outcome_unknown_when_lookup_fails_says_do_not_retry(
    trusted, make_client, unpaid_bill, clock
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
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "do NOT retry" in str(err) and err.transaction_number in str(err)
    payer.payments._choose_number = choose
    assert _payment_calls(payer) == [("GET", 200), ("POST", 0), ("GET", 0), ("GET", 0)]
    # what the message says to do: wait until it cannot be in flight, look it up, and resend
    # the same body only if it is absent
    clock[0] += payer.config.total_timeout
    assert payer.payments.find(err.transaction_number) is None
    payer.payments.create(err.body)
    assert _paid_once(payer, unpaid_bill)["transactionNumber"] == err.transaction_number


@pytest.fixture
def clock(monkeypatch):
    """The clock the client's in-flight holds are measured on, moved by the test (no sleep)."""
    from billhelpers.resources import inflight as inflight_module

    now = [1000.0]
    monkeypatch.setattr(inflight_module, "_now", lambda: now[0])
    return now


def _logged_posts(client, path="/v3/payments"):
    log = reversed(client.emulator.requests())  # the emulator lists newest first
    return [r for r in log if r["method"] == "POST" and r["path"] == path]


def test_dropped_payment_after_processing_is_recovered_not_repeated(trusted, unpaid_bill):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", count=1, drop=True, afterProcessing=True
    )
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp.recovered and resp["id"].startswith("stp")
    assert len(_logged_posts(trusted)) == 1
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0
    recorded = [
        p
        for p in trusted.payments.list_all(progress=False)
        if p.get("transactionNumber") == resp["transactionNumber"]
    ]
    assert len(recorded) == 1


def test_dropped_payment_not_recorded_says_look_again_before_retrying(trusted, unpaid_bill, clock):
    # The request went out and the connection dropped: real BILL may still be processing it
    # (a lost connection does not stop the server), so an empty look-up is not proof yet.
    trusted.emulator.add_fault(path="/v3/payments", method="POST", count=1, drop=True)
    with pytest.raises(bh.UncertainPaymentError) as info:
        trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "Do NOT retry now" in str(err)
    assert f"client.payments.find({err.transaction_number!r}) again in a moment" in str(err)
    # what the message says: look again once it cannot be in flight, and resend the same body
    # only if still absent
    clock[0] += trusted.config.total_timeout
    assert trusted.payments.find(err.transaction_number) is None
    resp = trusted.payments.create(err.body)
    assert resp["transactionNumber"] == err.transaction_number
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0
    assert len(_logged_posts(trusted)) == 2


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_slow_payment_not_yet_recorded_is_not_safe_to_retry(make_client, trusted, unpaid_bill):
    payer = make_client(timeout=(2.0, 0.2))
    payer.login()
    payer.emulator.add_fault(path="/v3/payments", method="POST", count=1, delaySeconds=0.5)
    with pytest.raises(bh.UncertainPaymentError) as info:
        payer.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "may still be processing" in str(err) and err.body["transactionNumber"] in str(err)
    # a moment later BILL has it: find() says so, and nothing was sent twice
    deadline = time.monotonic() + 5
    while (found := payer.payments.find(err.transaction_number)) is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert found["amount"] == 25
    assert len(_logged_posts(payer)) == 1


def test_payment_rate_limited_on_every_attempt_looks_up_before_giving_up(
    make_client, trusted, unpaid_bill, sleeps
):
    payer = make_client(max_retries=1)
    payer.login()
    payer.emulator.add_fault(
        path="/v3/payments", method="POST", count=5, status=429, code="BDC_1322"
    )
    payer.emulator.clear_requests()
    with pytest.raises(bh.RateLimitError) as info:
        payer.payments.create(payment_body(unpaid_bill["id"], "25.00"))
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


def test_payment_rate_limited_last_attempt_recorded_is_recovered(make_client, trusted, unpaid_bill):
    payer = make_client(max_retries=1)
    payer.login()
    add = payer.emulator.add_fault
    add(path="/v3/payments", method="POST", status=429, code="BDC_1144")
    add(path="/v3/payments", method="POST", status=429, code="BDC_1144", afterProcessing=True)
    resp = payer.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp.recovered and "rate limit" in resp.note
    assert payer.bills.get(unpaid_bill["id"])["dueAmount"] == 0
    assert len(_logged_posts(payer)) == 2


def test_payment_500_after_processing_returns_recorded_payment(trusted, unpaid_bill):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", count=1, status=500, afterProcessing=True
    )
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp.recovered
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0


def test_payment_rate_limited_before_processing_then_sent_once(trusted, unpaid_bill, sleeps):
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", count=1, status=429, code="BDC_1322"
    )
    trusted.emulator.clear_requests()
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert not resp.recovered
    assert [r["status"] for r in _logged_posts(trusted)] == [429, 201]
    assert sleeps == [1.0]


def test_session_expiry_mid_payment_relogs_without_double_payment(trusted, unpaid_bill):
    trusted.emulator.advance_clock(36 * 60)
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert resp["id"].startswith("stp")
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0


# -- a covered bill, a bulk payment -------------------------------------------------------------


def test_second_payment_for_covered_bill_refused(trusted, unpaid_bill):
    trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    with pytest.raises(bh.AlreadyPaidError):
        trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    assert len(payments_for(trusted, unpaid_bill["id"])) == 1


def test_bulk_payment_dropped_after_processing_is_recovered(trusted):
    vendor = trusted.vendors.create(vendor_body())
    bill = trusted.bills.create(bill_body(vendor["id"], "30.00")).data
    trusted.emulator.add_fault(
        path="/v3/payments/bulk", method="POST", count=1, drop=True, afterProcessing=True
    )
    resp = trusted.payments.bulk_create(
        {
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
            "processingOptions": {},
            "processDate": pay_date(),
            "payments": [{"billId": bill["id"], "amount": "30.00"}],
        }
    )
    assert resp.recovered
    assert len(payments_for(trusted, bill["id"])) == 1


def _a_third_of_a_bill(trusted):
    """A new bill of 30.00 and a bulk body that pays 10.00 of it."""
    vendor = trusted.vendors.create(vendor_body())
    bill = trusted.bills.create(bill_body(vendor["id"], "30.00")).data
    body = {
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
        "processingOptions": {},
        "processDate": pay_date(),
        "payments": [{"billId": bill["id"], "amount": "10.00"}],
    }
    return bill, body


def test_bulk_with_known_bills_still_finds_a_partial_payment(trusted):
    # known_bills spares the look-up only for bills nothing has touched; a bill already partly
    # paid under the same intended transactionNumber is looked up and not paid again.
    bill, body = _a_third_of_a_bill(trusted)
    untouched = {bill["id"]: bill}
    first = trusted.payments.bulk_create(body, known_bills=untouched)
    assert not first.recovered
    fresh = {bill["id"]: trusted.bills.get(bill["id"]).data}
    again = trusted.payments.bulk_create(body, known_bills=fresh)
    assert again.recovered
    assert len(payments_for(trusted, bill["id"])) == 1


def test_bulk_with_a_stale_known_bill_does_not_pay_again(trusted):
    # The caller's copy of the bill was read before its first payment (dueAmount the whole
    # amount): the client must still look the transactionNumber up, not trust that copy.
    bill, body = _a_third_of_a_bill(trusted)
    stale = {bill["id"]: bill}
    first = trusted.payments.bulk_create(body, known_bills=stale)
    again = trusted.payments.bulk_create(body, known_bills=stale)
    assert not first.recovered and again.recovered
    assert len(payments_for(trusted, bill["id"])) == 1


# -- an uncertain payment is not sent again while it may be in flight (issue 23) -----------------


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_uncertain_payment_resent_at_once_is_refused_not_paid_twice(
    trusted, make_client, unpaid_bill
):
    # The read timeout (0.2 s) is shorter than BILL's processing (0.5 s): the first POST is
    # still being processed when the caller calls the same create again.
    payer = make_client(timeout=(2.0, 0.2))
    payer.login()
    payer.emulator.add_fault(path="/v3/payments", method="POST", count=1, delaySeconds=0.5)
    body = payment_body(unpaid_bill["id"], "10.00")
    with pytest.raises(bh.UncertainPaymentError) as info:
        payer.payments.create(body)
    assert not info.value.safe_to_retry
    for again in (body, info.value.body):  # the same cell again, or the error's own body
        with pytest.raises(bh.UncertainPaymentError) as refused:
            payer.payments.create(again)
        err = refused.value
        assert err.recorded is None and not err.safe_to_retry
        assert err.transaction_number == info.value.transaction_number
        assert "nothing was sent" in str(err) and "find(" in str(err)
    wait_until(lambda: len(posts(payer, "/v3/payments")) == 1)  # the slow call has ended
    _paid_once(payer, unpaid_bill, "10.00")
    resp = payer.payments.create(body)  # once BILL shows it, the re-run finds it
    assert resp.recovered
    _paid_once(payer, unpaid_bill, "10.00")


def test_uncertain_payment_may_be_resent_after_its_bound_when_a_fresh_look_up_finds_nothing(
    trusted, unpaid_bill, clock
):
    now = clock
    trusted.emulator.add_fault(path="/v3/payments", method="POST", count=1, drop=True)
    with pytest.raises(bh.UncertainPaymentError) as info:
        trusted.payments.create(payment_body(unpaid_bill["id"], "25.00"))
    bound = trusted.config.total_timeout
    now[0] += bound - 0.5  # not yet: the request could still be in flight
    with pytest.raises(bh.UncertainPaymentError):
        trusted.payments.create(info.value.body)
    assert len(_logged_posts(trusted)) == 1
    now[0] += 1.0  # past the bound: a look-up made now finds nothing, so it is safe
    resp = trusted.payments.create(info.value.body)
    assert resp["transactionNumber"] == info.value.transaction_number and not resp.recovered
    assert len(_logged_posts(trusted)) == 2
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_uncertain_bulk_payment_resent_at_once_is_refused(trusted, make_client):
    payer = make_client(timeout=(2.0, 0.2))
    payer.login()
    vendor = payer.vendors.create(vendor_body())
    bill = payer.bills.create(bill_body(vendor["id"], "30.00")).data
    payer.emulator.add_fault(path="/v3/payments/bulk", method="POST", count=1, delaySeconds=0.5)
    body = {
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
        "processingOptions": {},
        "processDate": pay_date(),
        "payments": [{"billId": bill["id"], "amount": "10.00"}],
    }
    with pytest.raises(bh.UncertainPaymentError):
        payer.payments.bulk_create(body)
    with pytest.raises(bh.UncertainPaymentError) as refused:
        payer.payments.bulk_create(body)
    assert "nothing was sent" in str(refused.value)
    wait_until(lambda: len(posts(payer, "/v3/payments/bulk")) == 1)
    assert len(payments_for(payer, bill["id"])) == 1
