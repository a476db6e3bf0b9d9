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
from fake_bill import LOGIN_OK, FakeBill, error

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
    [post] = _calls(fake, "POST", "/v3/payments")
    assert again.value.body == json.loads(post[3])  # err.body: the one to resend, number and all
    assert again.value.body["transactionNumber"] == number
    now[0] += 35  # exactly the deadline: the look-up now proves it
    fake.script[("POST", "/v3/payments")] = [(200, {"id": "stp1"})]
    assert client.payments.create(PAY).data == {"id": "stp1"}
    assert len(_calls(fake, "POST", "/v3/payments")) == 2
    assert client.payments._holds == {}


# -- more of the guard's answers ------------------------------------------------------------------


def test_the_production_guard_is_asked_first_with_the_calls_own_words(fake, client, monkeypatch):
    asked = []
    monkeypatch.setattr(client, "guard_production", lambda *args: asked.append(args))
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    fake.on("POST", "/v3/payments", (200, {"id": "stp1"}))
    client.payments.bulk_create(_bulk({"billId": B1, "amount": 1}))
    client.payments.create(PAY)
    assert [a for a in asked if len(a) == 3] == [  # the pipeline asks again for each call
        ("POST", "/v3/payments/bulk", "creating a bulk payment"),
        ("POST", "/v3/payments", "creating a payment"),
    ]


def test_three_items_of_one_bill_name_the_last(fake, client):
    body = _bulk(*[{"billId": B1, "amount": "4.00"}] * 3)
    assert _error(client.payments.bulk_create, body)[0] == "payments[2].amount"
    assert _error(client.payments.bulk_create, _bulk({"billId": B1, "amount": 0}))[0] == (
        "payments[0].amount"
    )


def test_an_uncertain_bulk_payment_is_held_by_all_its_numbers(fake, client, monkeypatch):
    monkeypatch.setattr(inflight_module, "_now", lambda: 500.0)
    fake.on("POST", "/v3/payments/bulk", requests.ReadTimeout("slow"))
    body = _bulk({"billId": B1, "amount": "10.00"}, {"billId": B2, "amount": "20.00"})
    with pytest.raises(bh.UncertainPaymentError) as first:
        client.payments.bulk_create(body)
    n1 = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    n2 = identity.transaction_number("00801DEMOORG00000001", B2, "20.00")
    assert first.value.transaction_number == f"{n1},{n2}"
    with pytest.raises(bh.UncertainPaymentError) as again:
        client.payments.bulk_create(body)
    assert str(again.value).startswith(
        f"POST /v3/payments/bulk: transactionNumber {n1}, {n2} was sent a moment ago"
    )
    assert again.value.body == first.value.body and again.value.path == "/v3/payments/bulk"
    assert len(_calls(fake, "POST", "/v3/payments/bulk")) == 1


def test_a_recovered_bulk_answer_looks_like_a_listing(fake, client):
    n1 = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    n2 = identity.transaction_number("00801DEMOORG00000001", B2, "20.00")
    rows = [_recorded(B1, "10.00", n1, "stp1"), _recorded(B2, "20.00", n2, "stp2")]
    fake.script[("GET", "/v3/payments")] = [(200, {"results": rows})]
    resp = client.payments.bulk_create(
        _bulk({"billId": B1, "amount": "10.00"}, {"billId": B2, "amount": "20.00"})
    )
    assert (resp.method, resp.path, resp.status_code, resp.reason) == (
        "GET",
        "/v3/payments",
        200,
        "OK",
    )
    both = _bulk(*[{"billId": B, "amount": "1.00"} for B in (B1, B2)], {"billId": B1, "amount": 2})
    n = [identity.transaction_number("00801DEMOORG00000001", b, a) for b, a in ((B1, 1), (B2, 1))]
    fake.script[("GET", "/v3/payments")] = [
        (200, {"results": [_recorded(B1, "1.00", n[0], "s1"), _recorded(B2, "1.00", n[1], "s2")]})
    ]
    assert _error(client.payments.bulk_create, both)[1] == (
        "payments[0], payments[1] of this bulk payment were already made (an earlier run); "
        "nothing was sent"
    )


def test_odd_numbers_and_bill_ids_are_looked_up_one_by_one(fake, client):
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    odd_bill = "00n01DEMOBILL00000,1"
    fake.on("GET", "/v3/bills/00n01DEMOBILL00000%2C1", (200, _bill(odd_bill)))  # quoted
    client.payments.bulk_create(_bulk({"billId": odd_bill, "amount": 1}))
    quoted = _bulk({"billId": B1, "amount": 1, "transactionNumber": 'my"own'})
    client.payments.bulk_create(quoted)
    filters = [
        parse_qs(urlsplit(c[1]).query).get("filters") for c in _calls(fake, "GET", "/v3/payments")
    ]
    number = identity.transaction_number("00801DEMOORG00000001", odd_bill, 1)
    assert filters == [[f'transactionNumber:eq:"{number}"'], None]


def test_a_fallback_look_up_finds_the_recorded_payment(fake, client):
    mine = _recorded(B1, "10.00", 'my"own', "stp7")
    fake.script[("GET", "/v3/payments")] = [(200, {"results": [mine]})]
    fake.on("GET", "/v3/payments/stp7", (200, mine))
    resp = client.payments.bulk_create(
        _bulk({"billId": B1, "amount": "10.00", "transactionNumber": 'my"own'})
    )
    assert resp.recovered is True
    assert _calls(fake, "POST", "/v3/payments/bulk") == []


def test_own_numbers_and_earlier_runs_of_create(fake, client):
    other = _recorded(B2, "20.00", "mine-1", "stp9")
    fake.script[("GET", "/v3/payments")] = [(200, {"results": [other]})]
    assert _error(client.payments.create, {**PAY, "transactionNumber": "mine-1"}) == (
        "transactionNumber",
        "'mine-1' already belongs to payment stp9 (amount 20.00, another bill or amount); "
        "nothing was sent",
        "leave transactionNumber out (the kit makes one per intended payment) or use a new one",
    )
    ours = [_recorded(B1, "10.00", "mine-2", "stp5"), _recorded(B1, "10.00", "mine-2", "stp6")]
    fake.script[("GET", "/v3/payments")] = [(200, {"results": ours})]
    fake.on("GET", "/v3/payments/stp5", (200, {"id": "stp5"}))
    resp = client.payments.create({**PAY, "transactionNumber": "mine-2"})
    assert (resp.data, resp.recovered) == ({"id": "stp5"}, True)
    assert resp.note == (
        "recovered: payment stp5 with transactionNumber mine-2 already pays this bill this "
        "amount; BILL had recorded the payment, it was not sent again"
    )
    number = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    earlier = [_recorded(B1, "10.00", number, "stp5"), _recorded(B1, "10.00", number, "stp6")]
    fake.script[("GET", "/v3/payments")] = [(200, {"results": earlier})]
    resp = client.payments.create(PAY)
    assert resp.data == {"id": "stp5"}
    assert resp.note == (
        f"recovered: payment stp5 (transactionNumber {number}) already pays this bill this "
        "amount, from an earlier run; to pay it once more on purpose, call "
        "payments.create(body, again=True); BILL had recorded the payment, it was not sent again"
    )
    assert _calls(fake, "POST", "/v3/payments") == []


def test_the_hundredth_payment_of_a_bill_is_still_allowed(fake, client):
    fake.on("POST", "/v3/payments", (200, {"id": "stp100"}))
    client.payments.create(PAY, payment_number=100)
    [post] = _calls(fake, "POST", "/v3/payments")
    assert json.loads(post[3])["transactionNumber"] == identity.transaction_number(
        "00801DEMOORG00000001", B1, "10.00", 100
    )


def test_find_prefers_the_live_payment(fake, client):
    dead = {**_recorded(B1, "10.00", "t", "stp1"), "status": "CANCELLED"}
    live = _recorded(B1, "10.00", "t", "stp2")
    fake.script[("GET", "/v3/payments")] = [(200, {"results": [dead, live]})]
    assert client.payments.find("t")["id"] == "stp2"
    fake.script[("GET", "/v3/payments")] = [(200, {"results": [dead]})]
    assert client.payments.find("t")["id"] == "stp1"
    fake.script[("GET", "/v3/payments")] = [NONE]
    assert client.payments.find("t") is None


def test_cancel_is_safe_to_repeat(fake, client):
    cancel = "/v3/payments/stp01DEMOPAYMENT0001/cancel"
    fake.on("POST", cancel, (503, [{"code": "BDC_1001", "message": "busy"}]), (200, {"id": "x"}))
    assert client.payments.cancel("stp01DEMOPAYMENT0001").data == {"id": "x"}
    assert len(_calls(fake, "POST", cancel)) == 2


def _numbered_lookup(taken: set[int]):
    """A look-up answering, for the transactionNumber asked, a live payment of this bill and
    amount when its payment number is in ``taken``."""
    numbers = {
        identity.transaction_number("00801DEMOORG00000001", B1, "10.00", n): n
        for n in range(1, 101)
    }

    def answer(request):
        flt = parse_qs(urlsplit(request.url).query)["filters"][0]
        txn = flt.split(":eq:", 1)[1].strip('"')
        if numbers.get(txn) in taken:
            return (200, {"results": [_recorded(B1, "10.00", txn, f"stp{numbers[txn]}")]})
        return NONE

    return answer


def test_again_takes_the_next_free_payment_number(fake, client):
    fake.script[("GET", "/v3/payments")] = [_numbered_lookup({1})]
    fake.on("POST", "/v3/payments", (200, {"id": "stp-new"}))
    client.payments.create(PAY, again=True)
    [post] = _calls(fake, "POST", "/v3/payments")
    assert json.loads(post[3])["transactionNumber"] == identity.transaction_number(
        "00801DEMOORG00000001", B1, "10.00", 2
    )


def test_a_hundred_payments_of_one_amount_stop_the_loop(fake, client):
    fake.script[("GET", "/v3/payments")] = [_numbered_lookup(set(range(1, 101)))]
    assert _error(client.payments.create, PAY, again=True) == (
        "payment_number",
        "already has 100 payments of this amount",
        "list the bill's payments; this looks like a loop paying again and again",
    )
    assert _calls(fake, "POST", "/v3/payments") == []


@pytest.mark.parametrize(
    ("number", "shown"), [(True, "True"), (1.5, "1.5"), (0, "0"), (101, "101")]
)
def test_payment_numbers_are_one_to_a_hundred(fake, client, number, shown):
    assert _error(client.payments.create, PAY, payment_number=number) == (
        "payment_number",
        f"{shown} is not a payment number",
        "use 1 (the first payment), 2, … up to 100",
    )


def test_payment_number_one_and_own_numbers(fake, client):
    fake.on("POST", "/v3/payments", (200, {"id": "stp1"}))
    client.payments.create(PAY, payment_number=1)
    assert _error(
        client.payments.create, {**PAY, "transactionNumber": "mine"}, payment_number=2
    ) == (
        "payment_number",
        "cannot be combined with a transactionNumber of your own",
        "leave one of the two out",
    )


def test_create_checks_the_date_and_the_vendors_new_bank_account(fake, client):
    assert _error(client.payments.create, {**PAY, "processDate": "2026-12-23"})[1] == (
        "2026-12-23 is in the past"
    )
    new_bank = {
        "id": VENDOR,
        "createdTime": "2026-12-24T09:00:00.000+00:00",
        "paymentInformation": {"bankAccount": {"accountNumber": "1234"}},
    }
    fake.script[("GET", f"/v3/vendors/{VENDOR}")] = [(200, new_bank)]
    assert _error(client.payments.create, {**PAY, "processDate": "2026-12-28"}) == (
        "processDate",
        f"2026-12-28 is too soon: vendor {VENDOR}'s bank account is new, and BILL takes 2 "
        "business days to verify it; the earliest valid processDate is 2026-12-29",
        "set processDate to 2026-12-29 or later",
    )
    fake.on("POST", "/v3/payments", (200, {"id": "stp1"}))
    client.payments.create({**PAY, "processDate": "2026-12-28"}, check_bill=False)
    assert len(_calls(fake, "GET", f"/v3/bills/{B1}")) == 1  # only the too-soon case read it


def test_look_ups_skip_rows_that_are_not_payments(fake, client):
    live = _recorded(B1, "10.00", "t", "stp2")
    fake.script[("GET", "/v3/payments")] = [(200, {"results": ["junk", None, live]})]
    assert client.payments.find("t")["id"] == "stp2"


def test_an_interrupted_payment_post_is_held(fake, client, monkeypatch):
    """Ctrl-C (an interrupted cell) during the POST: it may have left, so it is held too."""
    monkeypatch.setattr(inflight_module, "_now", lambda: 1000.0)
    fake.on("POST", "/v3/payments", KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        client.payments.create(PAY)
    number = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    assert client.payments._holds == {number: 1035.0}
    with pytest.raises(bh.UncertainPaymentError):
        client.payments.create(PAY)
    assert len(_calls(fake, "POST", "/v3/payments")) == 1


def test_a_held_payment_found_recorded_is_returned_and_released(fake, client, monkeypatch):
    monkeypatch.setattr(inflight_module, "_now", lambda: 1000.0)
    fake.on("POST", "/v3/payments", requests.ReadTimeout("slow"))
    with pytest.raises(bh.UncertainPaymentError) as first:
        client.payments.create(PAY)
    number = first.value.transaction_number
    assert client.payments._holds == {number: 1035.0}
    fake.script[("GET", "/v3/payments")] = [
        (200, {"results": [_recorded(B1, "10.00", number, "stp1")]})
    ]
    fake.on("GET", "/v3/payments/stp1", (200, _recorded(B1, "10.00", number, "stp1")))
    assert client.payments.create(PAY).data["id"] == "stp1"  # BILL has it: returned, not sent
    assert client.payments._holds == {}
    assert len(_calls(fake, "POST", "/v3/payments")) == 1


# -- the look-up's pages and its fallbacks --------------------------------------------------------


def _pages(rows_on: dict[int, list], last: int):
    """A look-up listing ``last`` pages, newest first (``nextPage`` "p2", "p3", …; BILL's
    tokens are opaque), with ``rows_on[n]`` on page n; the page asked is the ``page`` query."""

    def answer(request):
        n = int(parse_qs(urlsplit(request.url).query).get("page", ["p1"])[0][1:])
        more = {"nextPage": f"p{n + 1}"} if n < last else {}
        return (200, {"results": rows_on.get(n, []), **more})

    return answer


def _pages_asked(fake):
    return [parse_qs(urlsplit(c[1]).query).get("page") for c in _calls(fake, "GET", "/v3/payments")]


def test_the_look_up_follows_next_page_by_the_page_parameter(fake, client):
    live = _recorded(B1, "10.00", "t", "stp2")
    fake.script[("GET", "/v3/payments")] = [_pages({2: [live]}, last=3)]
    assert client.payments.find("t")["id"] == "stp2"
    assert _pages_asked(fake) == [None, ["p2"], ["p3"]]


def test_the_look_up_reads_the_twenty_newest_pages_and_no_more(fake, client):
    fake.script[("GET", "/v3/payments")] = [
        _pages({20: [_recorded(B1, "10.00", "t20", "stp20")]}, last=30)
    ]
    assert client.payments.find("t20")["id"] == "stp20"
    fake.calls.clear()
    fake.script[("GET", "/v3/payments")] = [
        _pages({21: [_recorded(B1, "10.00", "t21", "stp21")]}, last=30)
    ]
    assert client.payments.find("t21") is None  # on page 21: older than the look-up reads
    assert _pages_asked(fake) == [None] + [[f"p{n}"] for n in range(2, 21)]


def _refusing(prefix: str, rows: list):
    """A look-up that refuses (HTTP 400) a filter starting with ``prefix`` and otherwise lists
    ``rows`` (the filter is not applied: the client checks each row itself)."""

    def answer(request):
        for flt in parse_qs(urlsplit(request.url).query).get("filters", []):
            if flt.startswith(prefix):
                return error("BDC_1000", "Invalid filters.", 400)
        return (200, {"results": rows})

    return answer


def _filters_sent(fake):
    return [
        parse_qs(urlsplit(c[1]).query).get("filters") for c in _calls(fake, "GET", "/v3/payments")
    ]


def test_a_refused_number_filter_is_dropped_and_the_rows_checked(fake, client):
    rows = [_recorded(B1, "10.00", "other", "stp1"), _recorded(B1, "10.00", "t", "stp2")]
    fake.script[("GET", "/v3/payments")] = [_refusing("transactionNumber:", rows)]
    assert client.payments.find("t")["id"] == "stp2"
    assert _filters_sent(fake) == [['transactionNumber:eq:"t"'], None]


def test_a_refused_bill_filter_falls_back_to_one_look_up_per_item(fake, client):
    number = identity.transaction_number("00801DEMOORG00000001", B1, "10.00")
    mine = _recorded(B1, "10.00", number, "stp7")
    fake.script[("GET", "/v3/payments")] = [_refusing("billId:", [mine])]
    fake.on("GET", "/v3/payments/stp7", (200, mine))
    resp = client.payments.bulk_create(_bulk({"billId": B1, "amount": "10.00"}))
    assert (resp.recovered, resp.data["id"]) == (True, "stp7")
    assert _calls(fake, "POST", "/v3/payments/bulk") == []
    assert _filters_sent(fake) == [[f'billId:in:"{B1}"'], [f'transactionNumber:eq:"{number}"']]


def test_a_bill_id_holding_a_quote_is_looked_up_by_number(fake, client):
    quoted = '00n01DEMOBILL"000001'
    fake.on("GET", "/v3/bills/00n01DEMOBILL%22000001", (200, _bill(quoted)))
    fake.on("POST", "/v3/payments/bulk", (200, {"payments": []}))
    client.payments.bulk_create(_bulk({"billId": quoted, "amount": 1}))
    number = identity.transaction_number("00801DEMOORG00000001", quoted, 1)
    assert _filters_sent(fake) == [[f'transactionNumber:eq:"{number}"']]
    assert len(_calls(fake, "POST", "/v3/payments/bulk")) == 1
