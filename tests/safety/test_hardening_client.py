"""Issue 15, the client half: guards no spelling dodges, no stale "recovered" payment, and
bad input or a hostile server never turns into a raw exception, a leak or an endless call.

Each test failed before the fix it names. Scripted transport (``FakeBill``) where exact control
is needed, the real emulator where the payment's life matters.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time
from decimal import Decimal

import pytest
import requests
from client_bodies import payment_body, vendor_body
from fake_bill import LOGIN_OK, FakeBill, error
from kit_helpers import payments_for, posts

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config
from billhelpers.http.session_cache import SessionCache

PROD_CREDS = {
    "username": "me@example.com",
    "password": "pw-secret-123",
    "organization_id": "00801ABCDEFGHIJKLMNO",
    "dev_key": "01KEYSECRET99",
}
BILL_ID = "00n01DEMOBILL0000001"


def _fake_client(tmp_path, base_url="http://fake", **config):
    fake = FakeBill()
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("POST", "/connect/v3/login", LOGIN_OK)
    fake.on("POST", "/api/v3/login", LOGIN_OK)
    http = requests.Session()
    http.mount("http://", fake)
    http.mount("https://", fake)
    cfg = Config(base_url=base_url, cache_dir=tmp_path / "cache", **config)
    return fake, Client(cfg, transport=http, sleep=lambda s: None)


def _payment_posts(fake):
    return [c for c in fake.calls if c[0] == "POST" and "payments" in c[1]]


# -- the production guard on the wire ------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/v3/%70ayments", id="percent"),
        pytest.param("/v3/./payments", id="dot"),
        pytest.param("/v3/x/../payments", id="dotdot"),
        pytest.param("/v3/payments#frag", id="fragment"),
        pytest.param("/v3/%2570ayments", id="double-percent"),
        pytest.param("/v3/payments;x", id="params"),
    ],
)
def test_production_guard_checks_the_path_on_the_wire(tmp_path, path):
    fake, client = _fake_client(tmp_path, environment="production", **PROD_CREDS)
    fake.on("POST", "/v3/payments", (200, {"id": "stp1"}))
    with pytest.raises(bh.ProductionGuardError) as info:
        client.request("POST", path, json={"billId": BILL_ID, "amount": "1.00"})
    assert "Nothing was sent" in str(info.value)
    assert _payment_posts(fake) == []


@pytest.mark.parametrize(
    "base_url",
    [
        pytest.param("https://gateway.prod.bill.com/connect", id="gateway"),
        pytest.param("https://GATEWAY.PROD.BILL.COM.:443/connect", id="case-port-dot"),
        pytest.param("https://api.bill.com/api", id="v2-host"),
    ],
)
def test_production_host_is_production_whatever_the_environment_is_called(tmp_path, base_url):
    fake, client = _fake_client(tmp_path, base_url=base_url, environment="sandbox", **PROD_CREDS)
    assert client.is_production
    with pytest.raises(bh.ProductionGuardError):
        client.payments.create(payment_body(BILL_ID, "1.00"))
    with pytest.raises(bh.ProductionGuardError):
        client.request("POST", "/v3/./payments", json={})
    assert _payment_posts(fake) == []
    client.allow_production_payments()  # the opt-in still works
    fake.on("POST", "/connect/v3/payments", (200, {"id": "stp1"}))
    fake.on("POST", "/api/v3/payments", (200, {"id": "stp1"}))
    assert client.request("POST", "/v3/payments", json={})["id"] == "stp1"


# -- recovery must match the request and be live --------------------------------------------


def test_rerun_after_cancel_pays_again_not_recovered_as_canceled(trusted, unpaid_bill):
    """Chapter 5 re-run after chapter 6 canceled its payment, the POST answered by a 500."""
    body = payment_body(unpaid_bill["id"], "25.00", transactionNumber="CH5-PAY-1")
    first = trusted.payments.create(body)
    trusted.payments.cancel(first["id"])
    trusted.emulator.add_fault(
        path="/v3/payments", method="POST", status=500, code="BDC_1001", afterProcessing=True
    )
    resp = trusted.payments.create(body)
    assert resp.recovered and resp["id"] != first["id"]
    assert resp["singleStatus"] == "SCHEDULED"
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == 0


def test_reused_transaction_number_of_another_bill_refused_before_sending(trusted):
    vendor = trusted.vendors.create(vendor_body()).data
    from client_bodies import bill_body

    bill_a = trusted.bills.create(bill_body(vendor["id"], "25.00")).data
    bill_b = trusted.bills.create(bill_body(vendor["id"], "30.00", invoice="INV-2")).data
    trusted.payments.create(payment_body(bill_a["id"], "25.00", transactionNumber="MY-1"))
    trusted.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(payment_body(bill_b["id"], "30.00", transactionNumber="MY-1"))
    assert info.value.field == "transactionNumber" and "another" in str(info.value)
    assert posts(trusted, "/v3/payments") == []
    assert trusted.bills.get(bill_b["id"])["dueAmount"] == Decimal("30.00")


def test_recovery_ignores_a_payment_of_another_bill(tmp_path):
    fake, client = _fake_client(tmp_path)
    fake.on("GET", f"/v3/bills/{BILL_ID}", (200, {"id": BILL_ID, "dueAmount": "10.00"}))
    other = {"id": "stpOTHER", "transactionNumber": None, "billId": "00n0OTHER", "amount": 99}

    def listing(request):
        other["transactionNumber"] = json.loads(posted[-1])["transactionNumber"] if posted else ""
        return (200, {"results": [other] if posted else []})

    posted = []

    def post(request):
        posted.append(request.body)
        raise requests.ConnectionError("Connection aborted.")

    fake.on("GET", "/v3/payments", listing)
    fake.on("POST", "/v3/payments", post)
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(payment_body(BILL_ID, "10.00"))
    assert info.value.recorded is None  # not "recovered" as the other bill's payment


# -- partial payments: deterministic transactionNumber ---------------------------------------


def test_partial_payment_rerun_returns_the_first_not_a_second(trusted, unpaid_bill):
    first = trusted.payments.create(payment_body(unpaid_bill["id"], "10.00"))
    again = trusted.payments.create(payment_body(unpaid_bill["id"], "10.00"))
    assert again.recovered and again["id"] == first["id"]
    assert len(payments_for(trusted, unpaid_bill["id"])) == 1
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == Decimal("15.00")
    second = trusted.payments.create(payment_body(unpaid_bill["id"], "10.00"), again=True)
    assert not second.recovered and second["id"] != first["id"]
    assert trusted.bills.get(unpaid_bill["id"])["dueAmount"] == Decimal("5.00")
    third = trusted.payments.create(payment_body(unpaid_bill["id"], "5.00"), payment_number=2)
    assert not third.recovered
    assert len(payments_for(trusted, unpaid_bill["id"])) == 3


def test_partial_payment_with_dropped_answer_then_rerun_pays_once(trusted, unpaid_bill):
    trusted.emulator.add_fault(path="/v3/payments", method="POST", drop=True, afterProcessing=True)
    trusted.emulator.add_fault(path="/v3/payments", method="GET", count=1, status=503)
    try:
        trusted.payments.create(payment_body(unpaid_bill["id"], "10.00"))
    except bh.UncertainPaymentError as err:
        assert err.recorded is None
    # a retry with the same body, as a learner would do
    resp = trusted.payments.create(payment_body(unpaid_bill["id"], "10.00"))
    assert resp.recovered
    assert len(payments_for(trusted, unpaid_bill["id"])) == 1


def test_uncertain_none_then_retry_with_err_body_finds_the_first(tmp_path):
    fake, client = _fake_client(tmp_path)
    fake.on("GET", f"/v3/bills/{BILL_ID}", (200, {"id": BILL_ID, "dueAmount": "10.00"}))
    recorded = []

    def post(request):
        sent = json.loads(request.body)
        recorded.append({**sent, "id": "stp1", "singleStatus": "SCHEDULED"})
        raise requests.ReadTimeout("slow")

    listing = iter([(200, {"results": []}), (200, {"results": []})])
    fake.on("GET", "/v3/payments", lambda r: next(listing, (200, {"results": recorded})))
    fake.on("POST", "/v3/payments", post)
    fake.on("GET", "/v3/payments/stp1", (200, {"id": "stp1"}))
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(payment_body(BILL_ID, "10.00"))
    assert info.value.recorded is None
    assert client.payments.create(info.value.body).recovered
    assert client.payments.create(payment_body(BILL_ID, "10.00")).recovered
    assert len(_payment_posts(fake)) == 1


# -- input: InputError naming the field, no raw exception, no body in any repr ---------------

VALID_BILL = {
    "vendorId": "00901DEMOVENDOR00001",
    "dueDate": "2030-01-01",
    "invoice": {"invoiceNumber": "I-1", "invoiceDate": "2029-12-01"},
    "billLineItems": [{"amount": "1.00"}],
}


@pytest.mark.parametrize(
    ("call", "body", "field"),
    [
        pytest.param("payments", {**payment_body(BILL_ID, float("nan"))}, "amount", id="nan"),
        pytest.param("payments", {**payment_body(BILL_ID, float("inf"))}, "amount", id="inf"),
        pytest.param("payments", {**payment_body(BILL_ID, "1e999999")}, "amount", id="huge"),
        pytest.param(
            "payments",
            {**payment_body(BILL_ID, "1.00"), "processingOptions": "fast"},
            "processingOptions",
            id="options-string",
        ),
        pytest.param("bills", {**VALID_BILL, "invoice": "I-1"}, "invoice", id="invoice-string"),
        pytest.param(
            "bills", {**VALID_BILL, "billLineItems": [5]}, "billLineItems[0]", id="line-5"
        ),
        pytest.param(
            "bills",
            {**VALID_BILL, "billLineItems": {"amount": 1}},
            "billLineItems",
            id="lines-dict",
        ),
        pytest.param(
            "vendors",
            {**vendor_body(), "paymentInformation": "ACH"},
            "paymentInformation",
            id="payinfo-string",
        ),
        pytest.param(
            "vendors",
            {**vendor_body(), "paymentInformation": {"payeeName": "x", "bankAccount": "123"}},
            "paymentInformation.bankAccount",
            id="bank-string",
        ),
        pytest.param(
            "vendors", {**vendor_body(), "name": "Acme \ud800"}, "name", id="surrogate-vendor"
        ),
    ],
)
def test_bad_shapes_are_input_errors_naming_the_field(tmp_path, call, body, field):
    fake, client = _fake_client(tmp_path)
    with pytest.raises(bh.InputError) as info:
        getattr(client, call).create(body)
    assert info.value.field == field
    assert "000123456789" not in repr(info.value) + str(info.value)
    assert [c for c in fake.calls if c[0] != "POST" or "login" not in c[1]] == []


def test_lone_surrogate_in_password_never_shows_the_body(tmp_path):
    fake, client = _fake_client(
        tmp_path,
        password="pw-secret-123\ud800",
        **{k: v for k, v in PROD_CREDS.items() if k != "password"},
    )
    with pytest.raises(bh.InputError) as info:
        client.login()
    text = repr(info.value) + str(info.value) + repr(info.value.__context__)
    assert info.value.field == "password"
    assert "pw-secret" not in text and "01KEYSECRET99" not in text
    assert fake.calls == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        pytest.param("account", "paymentInformation.bankAccount.accountNumber", id="account"),
        pytest.param("routing", "paymentInformation.bankAccount.routingNumber", id="routing"),
        pytest.param("token", "token", id="token"),
    ],
)
def test_non_ascii_digits_refused(tmp_path, call, field):
    fake, client = _fake_client(tmp_path)
    arabic = "٠٢١٠٠٠٠٢١"  # 021000021 in Arabic-Indic digits: passes int() and the checksum
    with pytest.raises(bh.InputError) as info:
        if call == "token":
            client.mfa.validate("challenge-1", "١٢٣٤٥٦")
        else:
            body = vendor_body()
            key = "accountNumber" if call == "account" else "routingNumber"
            body["paymentInformation"]["bankAccount"][key] = arabic
            client.vendors.create(body)
    assert info.value.field == field
    assert [c for c in fake.calls if "login" not in c[1]] == []


def test_raw_filter_string_checked_on_every_term(tmp_path):
    fake, client = _fake_client(tmp_path)
    with pytest.raises(bh.InputError) as info:
        client.vendors.list(filters='archived:eq:false,nmae:eq:"x"')
    assert "'nmae'" in str(info.value) and info.value.field == "filters"
    assert [c for c in fake.calls if c[0] == "GET"] == []


def test_devkey_pasted_as_organization_id_is_not_quoted(tmp_path):
    fake, client = _fake_client(tmp_path, **{**PROD_CREDS, "organization_id": "01KEYSECRET99XYZ"})
    with pytest.raises(bh.InputError) as info:
        client.login()
    assert info.value.field == "BILL_ORGANIZATION_ID"
    assert "01KEYSECRET99XYZ" not in str(info.value) + repr(info.value)


# -- BILL's error text scrubbed ---------------------------------------------------------------


def test_error_text_scrubbed_of_remember_me_id_and_account_numbers(tmp_path):
    fake, client = _fake_client(tmp_path)
    message = (
        "rememberMeId: RMB-0123456789abcdef is invalid; account 000123456789 rejected; "
        'sessionId="sess-one-0123456789"'
    )
    fake.on("POST", "/v3/vendors", error("BDC_1000", message, 400))
    with pytest.raises(bh.ValidationError) as info:
        client.request("POST", "/v3/vendors", json={})
    err = info.value
    shown = str(err) + repr(err) + json.dumps(err.errors, default=str)
    for secret in ("RMB-0123456789abcdef", "000123456789", "sess-one-0123456789"):
        assert secret not in shown
    assert "…6789" in str(err)


# -- a total deadline per call; timeouts that are not timeouts -------------------------------


@pytest.fixture
def trickling_server():
    """A loopback server that answers 200 and then sends one body byte every 0.1 s for 20 s."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    stop = threading.Event()

    def serve():
        listener.settimeout(5)
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            conn.sendall(b"Content-Length: 200\r\n\r\n")
            for _ in range(200):
                if stop.wait(0.1):
                    return
                try:
                    conn.sendall(b" ")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    listener.close()
    thread.join(5)


def test_trickling_answer_ends_at_the_total_deadline(trickling_server, tmp_path):
    client = Client(
        Config(base_url=trickling_server, cache_dir=tmp_path / "c", timeout=(0.5, 0.5)),
        sleep=lambda s: None,
    )
    client.session.id = "s"  # no login: the one call is the trickled one
    started = time.monotonic()
    with pytest.raises(bh.ConnectionProblem) as info:
        client.request("POST", "/v3/vendors", json={})
    assert time.monotonic() - started < 3  # deadline 1 s + at most one read timeout
    assert info.value.sent is True and "total deadline" in str(info.value)


@pytest.mark.parametrize(
    "timeout",
    [
        pytest.param(None, id="none"),
        pytest.param(0, id="zero"),
        pytest.param(-1, id="negative"),
        pytest.param((5, None), id="read-none"),
    ],
)
def test_config_refuses_timeouts_that_are_not_timeouts(timeout):
    with pytest.raises(bh.InputError) as info:
        Config(timeout=timeout)
    assert info.value.field == "timeout" and "(5, 30)" in info.value.hint


# -- the session cache in a shared folder -----------------------------------------------------


def test_cache_dir_on_a_shared_folder_is_not_chmodded(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # noqa: S103 - a shared folder is the point
    cache = SessionCache(shared)
    cache.update("k", sessionId="s1")
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o1777
    assert stat.S_IMODE(os.stat(cache.directory).st_mode) == 0o700
