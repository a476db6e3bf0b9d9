"""Payments against the emulator: the happy path and the guards (the scenarios that must never
pay twice are in tests/safety/test_never_pay_twice.py)."""

from decimal import Decimal

import pytest
from client_bodies import VERIFIED_BANK, bill_body, pay_date, payment_body, vendor_body

import billhelpers as bh


@pytest.fixture
def bill(trusted):
    vendor = trusted.vendors.create(vendor_body())
    return trusted.bills.create(bill_body(vendor["id"], "0.10", "0.20")).data


def test_create_payment_schedules_and_updates_bill(trusted, bill):
    resp = trusted.payments.create(payment_body(bill["id"], bill["dueAmount"]))
    assert resp["id"].startswith("stp")
    assert resp["amount"] == Decimal("0.30")
    assert resp["transactionNumber"].startswith("bh-")
    after = trusted.bills.get(bill["id"])
    assert after["dueAmount"] == 0


def test_create_payment_keeps_callers_transaction_number(trusted, bill):
    resp = trusted.payments.create(payment_body(bill["id"], "0.30", transactionNumber="MY-REF-1"))
    assert resp["transactionNumber"] == "MY-REF-1"
    assert trusted.payments.find("MY-REF-1")["id"] == resp["id"]


def test_payment_above_due_amount_refused(trusted, bill):
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(payment_body(bill["id"], "0.31"))
    assert info.value.field == "amount"


def test_payment_above_due_amount_rejected_by_emulator_too(trusted, bill):
    with pytest.raises(bh.ValidationError):
        trusted.payments.create(payment_body(bill["id"], "0.31"), check_bill=False)


def test_payment_zero_and_long_description_caught(trusted, bill):
    with pytest.raises(bh.InputError):
        trusted.payments.create(payment_body(bill["id"], "0"))
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(payment_body(bill["id"], "0.30", description="x" * 71))
    assert info.value.field == "description"


def test_payment_from_unverified_bank_rejected(trusted, bill):
    banks = trusted.funding_accounts.list_all_banks(progress=False)
    unverified = [b["id"] for b in banks if b["status"] != "VERIFIED"]
    with pytest.raises(bh.BillAPIError):
        trusted.payments.create(payment_body(bill["id"], "0.30", bank=unverified[0]))


def test_cancel_scheduled_payment(trusted, bill):
    payment = trusted.payments.create(payment_body(bill["id"], "0.30"))
    resp = trusted.payments.cancel(payment["id"])
    assert resp["singleStatus"] == "CANCELED" or resp.get("status") in ("CANCELED", "CANCELLED")


def test_payments_to_frame(trusted, bill):
    trusted.payments.create(payment_body(bill["id"], "0.30"))
    frame = bh.to_frame(trusted.payments.list_all(progress=False), kind="payments")
    assert frame["Amount"].sum() == Decimal("0.30")


def test_verified_bank_is_seeded(trusted):
    assert VERIFIED_BANK in {b["id"] for b in trusted.funding_accounts.verified_banks()}


def test_bulk_payment_pays_several_bills_once(trusted):
    vendor = trusted.vendors.create(vendor_body())
    bills = [
        trusted.bills.create(bill_body(vendor["id"], a, invoice=f"B-{a}")).data
        for a in ("10.00", "20.00")
    ]
    resp = trusted.payments.bulk_create(
        {
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
            "processingOptions": {},
            "processDate": pay_date(),
            "payments": [{"billId": b["id"], "amount": b["dueAmount"]} for b in bills],
        }
    )
    payments = resp["payments"]
    assert [p["amount"] for p in payments] == [Decimal("10.00"), Decimal("20.00")]
    assert all(p["transactionNumber"].startswith("bh-") for p in payments)
    assert all(trusted.bills.get(b["id"])["dueAmount"] == 0 for b in bills)


def test_bulk_payment_over_50_refused_before_sending(trusted):
    with pytest.raises(bh.InputError) as info:
        trusted.payments.bulk_create({"payments": [{"billId": "x"}] * 51})
    assert info.value.field == "payments"


def _bulk(items):
    return {
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
        "processingOptions": {},
        "processDate": pay_date(),
        "payments": items,
    }


def test_bulk_paying_one_bill_past_its_due_together_caught_before_sending(trusted):
    # Each item alone fits the bill (20.00 <= 25.00); together they pay 40.00.
    vendor = trusted.vendors.create(vendor_body())
    bill = trusted.bills.create(bill_body(vendor["id"], "25.00")).data
    other = trusted.bills.create(bill_body(vendor["id"], "5.00", invoice="B-5")).data
    items = [
        {"billId": bill["id"], "amount": "20.00"},
        {"billId": other["id"], "amount": "5.00"},
        {"billId": bill["id"], "amount": "20.00"},
    ]
    trusted.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        trusted.payments.bulk_create(_bulk(items))
    err = info.value
    assert err.field == "payments[2].amount"
    assert err.message == (
        f"payments[0], payments[2] pay bill {bill['id']} 40.00 together, more than its "
        "dueAmount 25.00"
    )
    assert "at most 25.00 in total" in err.hint
    calls = [(r["method"], r["path"]) for r in reversed(trusted.emulator.requests())]
    assert calls == [("GET", f"/v3/bills/{bill['id']}")]  # read once; nothing posted
    assert trusted.bills.get(bill["id"])["dueAmount"] == Decimal("25.00")


def test_bulk_paying_one_bill_in_parts_within_its_due_is_sent(trusted):
    vendor = trusted.vendors.create(vendor_body())
    bill = trusted.bills.create(bill_body(vendor["id"], "25.00")).data
    items = [{"billId": bill["id"], "amount": "10.00"}, {"billId": bill["id"], "amount": "15.00"}]
    resp = trusted.payments.bulk_create(_bulk(items))
    assert [p["amount"] for p in resp["payments"]] == [Decimal("10.00"), Decimal("15.00")]
    assert trusted.bills.get(bill["id"])["dueAmount"] == 0
