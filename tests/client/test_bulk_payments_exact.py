"""The payment guard of ``payments.bulk_create`` and ``create`` with exact answers, against a
scripted BILL: the body that leaves (transaction numbers, normalised dates), the one look-up
listing, the bills read (or spared), every refusal's words, and the in-flight hold measured on
a clock the test moves (``resources/payments.py`` in the mutation run).
"""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from fake_bill import LOGIN_OK, FakeBill

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config
from billhelpers.resources import inflight as inflight_module
from billhelpers.rules import payment_identity as identity

B1, B2 = "00n01DEMOBILL0000001", "00n01DEMOBILL0000002"
VENDOR = "00901DEMOVENDOR00001"
BANK = {"type": "BANK_ACCOUNT", "id": "bac01DEMOVERIFIED001"}
NONE = (200, {"results": []})


def _bill(bid, due="10.00", **extra):
    return {
        "id": bid,
        "vendorId": VENDOR,
        "amount": Decimal(due),
        "dueAmount": Decimal(due),
        **extra,
    }


@pytest.fixture
def fake():
    fake = FakeBill()
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on("GET", f"/v3/bills/{B1}", (200, _bill(B1)))
    fake.on("GET", f"/v3/bills/{B2}", (200, _bill(B2, "20.00")))
    fake.on("GET", "/v3/payments", NONE)
    fake.on("GET", f"/v3/vendors/{VENDOR}", (200, {"id": VENDOR}))
    return fake


@pytest.fixture
def client(fake, tmp_path, monkeypatch):
    for name in ("BILL_ORGANIZATION_ID", "BILL_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    http = requests.Session()
    http.mount("http://fake", fake)
    config = Config(
        base_url="http://fake", cache_dir=tmp_path, organization_id="00801DEMOORG00000001"
    )
    return Client(config, transport=http, sleep=lambda s: None)


def _bulk(*items, **shared):
    return {"fundingAccount": BANK, "processingOptions": {}, **shared, "payments": list(items)}


def _calls(fake, method, path):
    return [c for c in fake.calls if c[0] == method and urlsplit(c[1]).path == path]


def _error(call, *args, **kwargs):
    with pytest.raises(bh.InputError) as info:
        call(*args, **kwargs)
    return info.value.field, info.value.message, info.value.hint


def test_the_bulk_body_that_leaves(fake, client):
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": [{"id": "stp1"}, {"id": "stp2"}]}))
    body = _bulk(
        {"billId": B1, "amount": "10.00"},
        {"billId": B2, "amount": 5, "transactionNumber": "my-own-1"},
        processDate="2026-12-28",
    )
    resp = client.payments.bulk_create(body)
    assert resp.data == {"payments": [{"id": "stp1"}, {"id": "stp2"}]}
    [post] = _calls(fake, "POST", "/v3/payments/bulk")
    sent = json.loads(post[3])
    number = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    assert sent == {
        "fundingAccount": BANK,
        "processingOptions": {},
        "processDate": "2026-12-28",
        "payments": [
            {"billId": B1, "amount": 10.00, "transactionNumber": number},
            {"billId": B2, "amount": 5, "transactionNumber": "my-own-1"},
        ],
    }
    assert body["payments"][0] == {"billId": B1, "amount": "10.00"}  # the caller's is untouched
    [lookup] = _calls(fake, "GET", "/v3/payments")
    query = parse_qs(urlsplit(lookup[1]).query)
    assert (query["filters"], query["sort"]) == ([f'billId:in:"{B1},{B2}"'], ["createdTime:desc"])


def test_known_bills_spare_their_reads_and_each_bill_is_read_once(fake, client):
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    two_on_one = _bulk(
        {"billId": B2, "amount": "5.00"},
        {"billId": B2, "amount": "6.00"},
        {"billId": B1, "amount": 1},
    )
    client.payments.bulk_create(two_on_one, known_bills={B1: _bill(B1)})
    assert len(_calls(fake, "GET", f"/v3/bills/{B2}")) == 1
    assert _calls(fake, "GET", f"/v3/bills/{B1}") == []


def test_items_of_one_bill_may_not_pay_more_than_it_owes_together(fake, client):
    body = _bulk({"billId": B1, "amount": "6.00"}, {"billId": B1, "amount": "5.00"})
    assert _error(client.payments.bulk_create, body) == (
        "payments[1].amount",
        f"payments[0], payments[1] pay bill {B1} 11.00 together, more than its dueAmount 10.00",
        "pay at most 10.00 in total for this bill (one item is enough)",
    )
    exactly = _bulk({"billId": B1, "amount": "6.00"}, {"billId": B1, "amount": "4.00"})
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    client.payments.bulk_create(exactly)
    assert len(_calls(fake, "POST", "/v3/payments/bulk")) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            [],
            (
                "payments",
                "needs a non-empty 'payments' list",
                "pass {'payments': [{'billId': ..., 'amount': ...}, ...]}",
            ),
        ),
        (
            {"payments": {}},
            (
                "payments",
                "needs a non-empty 'payments' list",
                "pass {'payments': [{'billId': ..., 'amount': ...}, ...]}",
            ),
        ),
        (
            {"payments": []},
            (
                "payments",
                "needs a non-empty 'payments' list",
                "pass {'payments': [{'billId': ..., 'amount': ...}, ...]}",
            ),
        ),
        (
            _bulk(*[{"billId": B1, "amount": 1}] * 51),
            (
                "payments",
                "holds 51 payments; BILL takes at most 50 per request",
                "split the list into requests of 50 or fewer",
            ),
        ),
        (
            _bulk({"billId": B1, "amount": 1}, processDate="2026-12-23"),
            (
                "processDate",
                "2026-12-23 is in the past",
                "use 2026-12-24 or later (or leave it out for the next payment day)",
            ),
        ),
        (
            _bulk(
                {"billId": B1, "amount": 1},
                {"billId": B2, "amount": 1, "processDate": "2026-12-23"},
            ),
            (
                "payments[1].processDate",
                "2026-12-23 is in the past",
                "use 2026-12-24 or later (or leave it out for the next payment day)",
            ),
        ),
        (
            _bulk({"billId": B1, "amount": 1}, processDate="2026-12-26"),
            (
                "processDate",
                "2026-12-26 is not a business day (Saturday): BILL processes payments on "
                "business days",
                "use 2026-12-28, the next business day",
            ),
        ),
    ],
    ids=["not-dict", "not-list", "empty", "51", "past", "item-past", "weekend"],
)
def test_bulk_refusals_send_nothing(fake, client, body, expected):
    assert _error(client.payments.bulk_create, body) == expected
    assert _calls(fake, "POST", "/v3/payments/bulk") == []


def test_fifty_is_a_whole_request(fake, client):
    known = {f"00n01DEMOBILL00000{i:02d}": _bill(f"00n01DEMOBILL00000{i:02d}") for i in range(50)}
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    client.payments.bulk_create(
        _bulk(*[{"billId": b, "amount": 1} for b in known]), known_bills=known
    )
    [post] = _calls(fake, "POST", "/v3/payments/bulk")
    assert len(json.loads(post[3])["payments"]) == 50


def _recorded(bill, amount, number, pid):
    return {
        "id": pid,
        "billId": bill,
        "amount": amount,
        "transactionNumber": number,
        "status": "SCHEDULED",
    }


def test_a_bulk_payment_already_made_is_returned_not_sent(fake, client):
    n1 = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    n2 = identity.transaction_number("00801DEMOORG00000001", B2, "20.00")
    rows = [_recorded(B1, "10.00", n1, "stp1"), _recorded(B2, "20.00", n2, "stp2")]
    fake.script[("GET", "/v3/payments")] = [(200, {"results": rows})]
    resp = client.payments.bulk_create(
        _bulk({"billId": B1, "amount": "10.00"}, {"billId": B2, "amount": "20.00"})
    )
    assert resp.recovered is True and resp.data == {"payments": rows}
    assert resp.note == (
        "recovered: this bulk payment was already made (an earlier run); BILL had recorded the "
        "payment, it was not sent again"
    )
    assert _calls(fake, "POST", "/v3/payments/bulk") == []
    fake.script[("GET", "/v3/payments")] = [(200, {"results": rows[:1]})]
    assert _error(
        client.payments.bulk_create,
        _bulk({"billId": B1, "amount": "10.00"}, {"billId": B2, "amount": "20.00"}),
    ) == (
        "payments",
        "payments[0] of this bulk payment were already made (an earlier run); nothing was sent",
        "remove the items already paid and send the rest",
    )


def test_an_own_number_of_another_payment_is_refused(fake, client):
    rows = [_recorded(B2, "20.00", "mine-1", "stp9")]
    fake.script[("GET", "/v3/payments")] = [(200, {"results": rows})]
    body = _bulk(
        {"billId": B1, "amount": "10.00"},
        {"billId": B1, "amount": "0.01", "transactionNumber": "mine-1"},
    )
    body["payments"][0]["amount"] = "9.99"
    assert _error(client.payments.bulk_create, body) == (
        "payments[1].transactionNumber",
        "transactionNumber 'mine-1' already belongs to payment stp9 (another bill or amount); "
        "nothing was sent",
        "leave transactionNumber out or use a new one",
    )


def test_items_without_a_bill_are_looked_up_one_by_one(fake, client):
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    item = {"vendorId": VENDOR, "amount": "5.00", "processingOptions": {"createBill": True}}
    client.payments.bulk_create(_bulk(item))
    [lookup] = _calls(fake, "GET", "/v3/payments")
    number = identity.transaction_number("00801DEMOORG00000001", None, "5.00", vendor_id=VENDOR)
    assert parse_qs(urlsplit(lookup[1]).query)["filters"] == [f'transactionNumber:eq:"{number}"']


# -- create: the bill checks --------------------------------------------------------------------

PAY = {"billId": B1, "amount": "10.00", "fundingAccount": BANK, "processingOptions": {}}


@pytest.mark.parametrize(
    ("bill", "body", "expected"),
    [
        (
            _bill(B1, approvalStatus="DENIED"),
            PAY,
            (
                "billId",
                f"bill {B1} was denied by its approver (approvalStatus DENIED)",
                "its approver approves it first: client.approvals.approve(bill_id)",
            ),
        ),
        (
            _bill(B1, "10.00", paymentStatus="PAID"),
            PAY,
            (
                "billId",
                f"bill {B1} has nothing left to pay (dueAmount 10.00, paymentStatus PAID)",
                "it is already paid or scheduled; list its payments instead of paying again",
            ),
        ),
        (
            _bill(B1, "10.00"),
            {**PAY, "amount": "8.00", "vendorCredits": [{"id": "vcr1", "amount": "2.50"}]},
            (
                "amount",
                "10.50 (2.50 of it vendor credits) is more than the bill's dueAmount 10.00",
                "pay at most 10.00",
            ),
        ),
        (
            _bill(B1),
            {**PAY, "vendorId": "00901DEMOVENDOR00002"},
            (
                "vendorId",
                f"bill {B1} belongs to vendor {VENDOR}, not 00901DEMOVENDOR00002",
                "leave vendorId out (BILL takes it from the bill) or fix it",
            ),
        ),
    ],
    ids=["denied", "paid", "credits", "vendor"],
)
def test_create_refuses_what_the_bill_does_not_allow(fake, client, bill, body, expected):
    fake.script[("GET", f"/v3/bills/{B1}")] = [(200, bill)]
    assert _error(client.payments.create, body) == expected
    assert _calls(fake, "POST", "/v3/payments") == []


def test_an_uncertain_payment_is_held_for_the_total_deadline(fake, client, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(inflight_module, "_now", lambda: now[0])
    fake.on("POST", "/v3/payments", requests.ReadTimeout("slow"))
    with pytest.raises(bh.UncertainPaymentError) as first:
        client.payments.create(PAY)
    number = first.value.transaction_number
    with pytest.raises(bh.UncertainPaymentError) as again:
        client.payments.create(PAY)
    assert str(again.value) == (
        f"POST /v3/payments: transactionNumber {number} was sent a moment ago without a clear "
        "answer, and BILL may still be processing it; nothing was sent now. Wait 35 s more (the "
        "call's total deadline of 35 s after it was sent), then call "
        f"client.payments.find({number!r}); resend err.body (the same transactionNumber) only "
        "if it still finds nothing."
    )
    assert (again.value.transaction_number, again.value.recorded) == (number, None)
    assert len(_calls(fake, "POST", "/v3/payments")) == 1
    now[0] += 35  # exactly the deadline: the look-up now proves it
    fake.script[("POST", "/v3/payments")] = [(200, {"id": "stp1"})]
    assert client.payments.create(PAY).data == {"id": "stp1"}
    assert len(_calls(fake, "POST", "/v3/payments")) == 2
    assert client.payments._holds == {}
