"""The payment safety net with a scripted transport: look up before any repeat."""

from decimal import Decimal

import pytest
import requests
from fake_bill import EXPIRED, LOGIN_OK, FakeBill, error

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config

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
    return fake


@pytest.fixture
def client(fake, tmp_path):
    http = requests.Session()
    http.mount("http://fake", fake)
    c = Client(Config(base_url="http://fake", cache_dir=tmp_path), http=http, sleep=lambda s: None)
    return c


def _posts(fake):
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


def test_payment_gets_generated_transaction_number(fake, client):
    fake.on("POST", "/v3/payments", lambda r: (200, {"id": "stp1", "status": "SCHEDULED"}))
    client.payments.create(BODY)
    import json

    sent = json.loads(_posts(fake)[0][3])
    assert sent["transactionNumber"].startswith("bh-")
    assert sent["amount"] == 10.0 and b'"amount": 10.00' in _posts(fake)[0][3]


def test_payment_500_not_recorded_raises_safe_to_retry(fake, client):
    fake.on("POST", "/v3/payments", (500, [{"code": "BDC_1001", "message": "System error."}]))
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(BODY)
    err = info.value
    assert err.recorded is False and err.safe_to_retry
    assert "safe to retry" in str(err)
    assert err.body["transactionNumber"] == err.transaction_number
    assert len(_posts(fake)) == 1


def test_payment_timeout_recorded_returns_payment(fake, client):
    def post(request):
        _recorded_list.body = request.body
        raise requests.ReadTimeout("slow")

    fake.on("POST", "/v3/payments", post)
    fake.script[("GET", "/v3/payments")] = [NONE, _recorded_list]
    fake.on("GET", "/v3/payments/stp01DEMOPAYMENT0001", (200, {"id": "stp01DEMOPAYMENT0001"}))
    resp = client.payments.create(BODY)
    assert resp.recovered and resp["id"] == "stp01DEMOPAYMENT0001"
    assert "not sent again" in resp.note
    assert len(_posts(fake)) == 1


def test_payment_lookup_failing_says_do_not_retry(fake, client):
    fake.on("POST", "/v3/payments", requests.ConnectionError("dropped"))
    fake.script[("GET", "/v3/payments")] = [NONE, requests.ConnectionError("still down")]
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(BODY)
    assert info.value.recorded is None and not info.value.safe_to_retry
    assert "do NOT retry" in str(info.value)
    assert len(_posts(fake)) == 1


def test_payment_rate_limited_then_repeated_after_lookup(fake, client):
    fake.on(
        "POST", "/v3/payments", error("BDC_1322", "Max concurrent.", 429), (200, {"id": "stp2"})
    )
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    assert client.payments.create(BODY)["id"] == "stp2"
    assert len(_posts(fake)) == 2
    gets = [c for c in fake.calls if c[1].startswith("/v3/payments?")]
    assert len(gets) == 2  # before the first POST, and between the two


def test_payment_session_expired_relogs_and_looks_up(fake, client):
    fake.on("POST", "/v3/payments", EXPIRED, (200, {"id": "stp3"}))
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    client.login()
    assert client.payments.create(BODY)["id"] == "stp3"
    assert [c[1].split("?")[0] for c in fake.calls if c[0] == "POST"] == [
        "/v3/login",
        "/v3/payments",
        "/v3/login",
        "/v3/payments",
    ]


def test_payment_refused_for_covered_bill(fake, client):
    fake.script[("GET", f"/v3/bills/{BILL_ID}")] = [
        (200, {"id": BILL_ID, "dueAmount": 0, "paymentStatus": "SCHEDULED"})
    ]
    with pytest.raises(bh.AlreadyPaidError) as info:
        client.payments.create(BODY)
    assert info.value.field == "billId"
    assert _posts(fake) == []


def test_payment_above_due_amount_refused(fake, client):
    with pytest.raises(bh.InputError) as info:
        client.payments.create({**BODY, "amount": "10.01"})
    assert info.value.field == "amount" and "10.00" in info.value.hint
    assert _posts(fake) == []


def test_payment_for_another_vendors_bill_refused(fake, client):
    with pytest.raises(bh.InputError) as info:
        client.payments.create({**BODY, "vendorId": "00901DEMOVENDOR00002"})
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


def test_payment_connection_refused_is_safe_to_retry_without_lookup(fake, client):
    fake.on("POST", "/v3/payments", _refused())
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(BODY)
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
def test_payment_sent_without_answer_and_not_yet_recorded_is_not_safe(fake, client, failure):
    fake.on("POST", "/v3/payments", failure)
    fake.on("GET", "/v3/payments", (200, {"results": []}))
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(BODY)
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert "may still be processing" in str(err) and "Do NOT retry now" in str(err)
    assert f"client.payments.find({err.transaction_number!r}) again in a moment" in str(err)
    assert len(_posts(fake)) == 1


def test_connection_problem_says_whether_the_request_left(fake, client):
    fake.script[("POST", "/v3/vendors")] = [_refused()]
    with pytest.raises(bh.ConnectionProblem) as info:
        client.request("POST", "/v3/vendors", json={})
    assert info.value.sent is False and "never reached BILL" in str(info.value)
    fake.script[("POST", "/v3/vendors")] = [requests.ConnectionError("Connection aborted.")]
    with pytest.raises(bh.ConnectionProblem) as info:
        client.request("POST", "/v3/vendors", json={})
    assert info.value.sent is True and "may or may not have processed" in str(info.value)
    fake.script[("POST", "/v3/vendors")] = [requests.ConnectTimeout("no SYN-ACK")]
    with pytest.raises(bh.ConnectionProblem) as info:
        client.request("POST", "/v3/vendors", json={})
    assert info.value.sent is False
