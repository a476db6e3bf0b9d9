"""Replace a bill (PUT), record a payment made outside BILL, and the vendor payment options."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import bill_body, payment_body, vendor_body

from bill_emulator.backend.errors import InvalidState, MalformedRequest, ValidationFailed


@pytest.fixture
def vendor(backend, trusted):
    return backend.create_vendor(trusted, vendor_body())


@pytest.fixture
def bill(backend, trusted, vendor):
    return backend.create_bill(trusted, bill_body(vendor["id"]))  # 100.25 + 25.25


def _record(vendor_id, *entries, **extra) -> dict:
    body = {
        "vendorId": vendor_id,
        "processDate": "2026-02-27",  # a payment made outside BILL may be in the past
        "toPrintCheck": False,
        "payments": [{"billId": b, "amount": Decimal(a)} for b, a in entries],
    }
    body.update(extra)
    return body


# -- PUT /v3/bills/{id} -----------------------------------------------------------------------


def test_put_keeps_named_lines_adds_new_ones_and_drops_the_rest(backend, trusted, bill, vendor):
    kept = bill["billLineItems"][1]["id"]
    body = bill_body(vendor["id"], description=None)
    body["billLineItems"] = [
        {"amount": Decimal("29.99"), "description": "gloves"},
        {"id": kept, "amount": Decimal("149.00")},
    ]
    body.pop("description")
    doc = backend.replace_bill(trusted, bill["id"], body)
    assert [line["id"] for line in doc["billLineItems"]] == [
        "bli01SBX000000000001003",  # new: after every line the bill ever had
        kept,
    ]
    assert (doc["amount"], doc["dueAmount"]) == (Decimal("178.99"), Decimal("178.99"))


def test_put_refuses_a_line_id_of_another_bill(backend, trusted, bill, vendor):
    body = bill_body(vendor["id"])
    body["billLineItems"][0]["id"] = "bli01SBX000000000999001"
    with pytest.raises(ValidationFailed, match=r"billLineItems\[0\]\.id"):
        backend.replace_bill(trusted, bill["id"], body)


def test_put_on_a_scheduled_bill_keeps_its_vendor_and_amounts(backend, trusted, bill, vendor):
    backend.create_payment(trusted, payment_body(bill["id"], "10.00"))
    lines = [{**line} for line in bill["billLineItems"]]
    changed = bill_body(vendor["id"])
    changed["billLineItems"] = [{**lines[0], "amount": Decimal("1.00")}, lines[1]]
    with pytest.raises(InvalidState, match="line amounts cannot change"):
        backend.replace_bill(trusted, bill["id"], changed)
    same = bill_body(vendor["id"], dueDate="2026-05-01")
    same["billLineItems"] = [{**lines[0], "description": "renamed"}, lines[1]]
    doc = backend.replace_bill(trusted, bill["id"], same)
    assert (doc["dueDate"], doc["dueAmount"]) == ("2026-05-01", Decimal("115.50"))


def test_put_on_an_archived_bill_is_refused(backend, trusted, bill, vendor):
    backend.archive_bill(trusted, bill["id"])
    with pytest.raises(InvalidState, match="archived"):
        backend.replace_bill(trusted, bill["id"], bill_body(vendor["id"]))


# -- POST /v3/bills/record-payment --------------------------------------------------------------


def test_a_recorded_payment_counts_in_due_and_is_paid(backend, trusted, bill, vendor):
    record = backend.record_payment(trusted, _record(vendor["id"], (bill["id"], "125.50")))
    assert (record["status"], record["singleStatus"], record["onlinePayment"]) == (
        "PAID",
        "CLEARED",
        False,
    )
    assert record["billPayments"][0]["amount"] == Decimal("125.50")
    doc = backend.get_bill(trusted, bill["id"])
    assert (doc["dueAmount"], doc["paidAmount"], doc["paymentStatus"]) == (
        Decimal("0.00"),
        Decimal("125.50"),
        "PAID",
    )
    listed = backend.list_payments(trusted, {"filters": [f'billId:eq:"{bill["id"]}"']})
    assert [p["id"] for p in listed["results"]] == [record["id"]]
    with pytest.raises(ValidationFailed, match="nothing left to pay"):
        backend.create_payment(trusted, payment_body(bill["id"], "1.00"))


def test_a_recorded_payment_cannot_be_canceled_or_voided(backend, trusted, bill, vendor):
    record = backend.record_payment(trusted, _record(vendor["id"], (bill["id"], "5.00")))
    with pytest.raises(InvalidState):
        backend.cancel_payment(trusted, record["id"])
    with pytest.raises(InvalidState):
        backend.void_payment(trusted, record["id"], {"type": "VOID_ONLY", "reason": "x"})
    assert backend.get_bill(trusted, bill["id"])["paidAmount"] == Decimal("5.00")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"toPrintCheck": None}, "toPrintCheck: must not be null"),
        ({"processDate": None}, "processDate: must not be null"),
        ({"payments": []}, "payments: must be a list"),
        ({"description": "x" * 71}, "description: size must be between 0 and 70"),
    ],
)
def test_record_payment_refuses_a_bad_body(backend, trusted, bill, vendor, change, message):
    with pytest.raises(ValidationFailed, match=message):
        backend.record_payment(trusted, _record(vendor["id"], (bill["id"], "1.00"), **change))
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == Decimal("125.50")


def test_record_payment_refuses_more_than_due_another_vendor_and_a_bill_twice(
    backend, trusted, bill, vendor
):
    other = backend.create_vendor(trusted, vendor_body(name="Other"))
    for body, message in (
        (_record(vendor["id"], (bill["id"], "125.51")), "dueAmount 125.50"),
        (_record(other["id"], (bill["id"], "1.00")), "belongs to vendor"),
        (_record(vendor["id"], (bill["id"], "1.00"), (bill["id"], "1.00")), "twice"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            backend.record_payment(trusted, body)
    assert backend.list_payments(trusted, {})["results"] == []
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == Decimal("125.50")


def test_record_payment_with_a_credit(backend, trusted, bill, vendor):
    credit = backend.create_vendor_credit(
        trusted,
        {
            "vendorId": vendor["id"],
            "referenceNumber": "R",
            "creditDate": "2026-03-01",
            "vendorCreditLineItems": [{"amount": Decimal("25.50")}],
        },
    )
    body = _record(vendor["id"], (bill["id"], "100.00"))
    body["payments"][0]["vendorCredits"] = [{"id": credit["id"], "amount": Decimal("25.50")}]
    record = backend.record_payment(trusted, body)
    assert record["billPayments"][0]["vendorCredits"][0]["id"] == credit["id"]
    doc = backend.get_bill(trusted, bill["id"])
    assert (doc["dueAmount"], doc["creditAmount"], doc["paidAmount"], doc["paymentStatus"]) == (
        Decimal("0.00"),
        Decimal("25.50"),
        Decimal("100.00"),
        "PAID",
    )


# -- GET /v3/payments/options -------------------------------------------------------------------


def test_payment_options_agree_with_what_a_payment_may_do(backend, trusted, vendor):
    options = backend.payment_options(trusted, {"vendorId": [vendor["id"]], "amount": ["100"]})
    assert (options["vendorId"], options["amount"]) == (vendor["id"], Decimal("100.00"))
    banks = {b["id"]: b for b in options["fundingOptions"]["banks"]}
    verified = banks["bac01DEMOVERIFIED001"]
    assert verified["available"] is True and "reason" not in verified
    # the vendor's bank account was added today: 2 business days (backend tests: Wed 2026-03-04)
    assert (verified["processDate"], verified["deliveryDate"]) == ("2026-03-06", "2026-03-12")
    unverified = banks["bac01DEMOUNVERIFD002"]
    assert unverified["available"] is False and "VERIFIED" in unverified["reason"]
    assert options["fundingOptions"]["cards"] == []


@pytest.mark.parametrize(
    "params, error",
    [
        ({"amount": ["100"]}, ValidationFailed),
        ({"vendorId": ["00901SBX000000000001"], "amount": ["1.001"]}, ValidationFailed),
        ({"vendorId": ["00901SBX000000000001"], "amount": ["lots"]}, ValidationFailed),
        ({"vendorId": ["00901SBX000000000999"], "amount": ["1"]}, ValidationFailed),
        ({"vendorId": ["00901SBX000000000001"], "amount": ["1"], "max": ["5"]}, MalformedRequest),
        ({"vendorId": ["00901SBX000000000001"] * 2, "amount": ["1"]}, MalformedRequest),
    ],
)
def test_payment_options_parse_the_query_strictly(backend, trusted, vendor, params, error):
    with pytest.raises(error):
        backend.payment_options(trusted, params)


def test_put_on_a_seeded_bill_whose_lines_have_no_ids(backend, trusted):
    seeded = backend.seed_bills({"count": 1})
    bill = backend.get_bill(trusted, seeded["firstId"])
    body = bill_body(bill["vendorId"])
    doc = backend.replace_bill(trusted, bill["id"], body)
    assert [line["id"] for line in doc["billLineItems"]] == [
        f"bli{bill['id'][3:]}002",
        f"bli{bill['id'][3:]}003",
    ]
