"""Payment rules on the backend: trust, funding account, amounts, dates, cancel, bulk."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import FROZEN, bill_body, payment_body, vendor_body

from bill_emulator import seed
from bill_emulator.backend import EmulatorBackend
from bill_emulator.backend.errors import (
    InvalidProcessDate,
    InvalidState,
    UntrustedSession,
    ValidationFailed,
)


@pytest.fixture
def bill(backend, trusted):
    vendor = backend.create_vendor(trusted, vendor_body())
    return backend.create_bill(trusted, bill_body(vendor["id"]))


def _payments(backend, caller) -> list[dict]:
    return backend.list_payments(caller, {"max": ["100"]})["results"]


def _bad(backend, caller, body, message, error=ValidationFailed) -> None:
    """The payment is refused with ``message``; no payment exists and the bill is unchanged."""
    before = backend.store.get_object("bill", caller.org_id, body.get("billId", ""))
    with pytest.raises(error) as err:
        backend.create_payment(caller, body)
    assert err.value.message == message
    assert _payments(backend, caller) == []
    assert backend.store.get_object("bill", caller.org_id, body.get("billId", "")) == before


def test_create_payment_untrusted_is_bdc_1361(backend, caller, bill):
    with pytest.raises(UntrustedSession) as err:
        backend.create_payment(caller, payment_body(bill["id"]))
    assert (err.value.code, err.value.http_status, err.value.message) == (
        "BDC_1361",
        403,
        "Untrusted session.",
    )
    assert _payments(backend, caller) == []


def test_create_payment_scheduled(backend, trusted, bill):
    payment = backend.create_payment(trusted, payment_body(bill["id"], "50.10"))
    assert payment["id"] == "stp01SBX000000000001"
    assert (payment["status"], payment["singleStatus"]) == ("SCHEDULED", "SCHEDULED")
    assert payment["amount"] == Decimal("50.10")
    assert payment["vendorId"] == bill["vendorId"]
    assert payment["billPayments"] == [
        {"id": "bpm01SBX000000000001", "billId": bill["id"], "amount": Decimal("50.10")}
    ]
    assert payment["transactionNumber"] == "SBX-00000001"
    assert payment["disbursementType"] == "ACH"
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == Decimal("75.40")


@pytest.fixture
def check_bill(backend, trusted):
    """A bill of a vendor paid by check (no bank account, so no 2-business-day wait)."""
    body = vendor_body(paymentInformation={"payeeName": "Acme Supplies"})
    vendor = backend.create_vendor(trusted, body)
    return backend.create_bill(trusted, bill_body(vendor["id"]))


def test_create_payment_default_date_is_next_business_day(backend, trusted, check_bill):
    # FROZEN is a Wednesday
    body = payment_body(check_bill["id"], processDate=None)
    assert backend.create_payment(trusted, body)["processDate"] == "2026-03-05"


def test_create_payment_default_date_skips_the_weekend(tmp_path):
    friday = EmulatorBackend(tmp_path / "fri", time_source=lambda: FROZEN + 2 * 86400)
    try:
        assert friday.clock.today().isoformat() == "2026-03-06"
        from bill_emulator.backend.clock import next_business_day

        assert next_business_day(friday.clock.today()).isoformat() == "2026-03-09"
    finally:
        friday.close()


def test_create_payment_today_is_allowed(backend, trusted, check_bill):
    body = payment_body(check_bill["id"], processDate="2026-03-04")
    assert backend.create_payment(trusted, body)["processDate"] == "2026-03-04"


def test_create_payment_past_date_is_bdc_1152(backend, trusted, bill):
    body = payment_body(bill["id"], processDate="2026-03-03")
    _bad(backend, trusted, body, "Invalid Process Date : 2026-03-03", InvalidProcessDate)


def test_create_payment_past_date_after_clock_moves(backend, trusted, bill):
    backend.advance_clock({"advanceSeconds": 2 * 86400})
    with pytest.raises(InvalidProcessDate) as err:
        backend.create_payment(trusted, payment_body(bill["id"], processDate="2026-03-05"))
    assert (err.value.code, err.value.http_status) == ("BDC_1152", 422)


def test_create_payment_above_due_amount(backend, trusted, bill):
    _bad(
        backend,
        trusted,
        payment_body(bill["id"], "125.51"),
        "amount: must not exceed the bill's dueAmount 125.50",
    )


def test_create_payment_zero(backend, trusted, bill):
    _bad(backend, trusted, payment_body(bill["id"], "0"), "amount: must be greater than 0")


def test_create_payment_three_decimals(backend, trusted, bill):
    _bad(
        backend,
        trusted,
        payment_body(bill["id"], "10.001"),
        "amount: must have at most 2 decimal places",
    )


def test_create_payment_unverified_bank(backend, trusted, bill):
    body = payment_body(
        bill["id"], fundingAccount={"type": "BANK_ACCOUNT", "id": seed.UNVERIFIED_BANK_ID}
    )
    _bad(
        backend,
        trusted,
        body,
        f"fundingAccount.id: bank account {seed.UNVERIFIED_BANK_ID} is NOT_VERIFIED; "
        "payments need a VERIFIED account",
    )


def test_create_payment_unknown_bank(backend, trusted, bill):
    body = payment_body(bill["id"], fundingAccount={"type": "BANK_ACCOUNT", "id": "bac01NOPE"})
    _bad(
        backend, trusted, body, "fundingAccount.id: no bank account bac01NOPE in this organization"
    )


def test_create_payment_card_funding_not_emulated(backend, trusted, bill):
    body = payment_body(bill["id"], fundingAccount={"type": "CARD_ACCOUNT", "id": "bac01X"})
    _bad(
        backend,
        trusted,
        body,
        "fundingAccount.type: only BANK_ACCOUNT is emulated by the emulator",
    )


def test_create_payment_other_vendors_bill(backend, trusted, bill):
    other = backend.create_vendor(trusted, vendor_body(name="Other"))
    body = payment_body(bill["id"], vendorId=other["id"])
    _bad(backend, trusted, body, f"vendorId: does not match the bill's vendor {bill['vendorId']}")


def test_create_payment_by_check_needs_a_full_address(backend, trusted):
    body = vendor_body(address={"line1": "1 Main St", "country": "US"})
    del body["paymentInformation"]
    vendor = backend.create_vendor(trusted, body)
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    _bad(
        backend,
        trusted,
        payment_body(bill["id"]),
        f"vendorId: vendor {vendor['id']} has no bank account, and a check payment needs "
        "address.city, address.zipOrPostalCode, paymentInformation.payeeName",
    )


def test_create_payment_by_check(backend, trusted):
    body = vendor_body(paymentInformation={"payeeName": "Acme"})
    vendor = backend.create_vendor(trusted, body)
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    assert backend.create_payment(trusted, payment_body(bill["id"]))["disbursementType"] == "CHECK"


def test_create_payment_unknown_bill(backend, trusted):
    body = payment_body("00n01SBX000000000099")
    _bad(backend, trusted, body, "billId: no bill 00n01SBX000000000099 in this organization")


def test_create_payment_description_over_70(backend, trusted, bill):
    _bad(
        backend,
        trusted,
        payment_body(bill["id"], description="x" * 71),
        "description: size must be between 0 and 70",
    )


def test_create_payment_transaction_number_over_50(backend, trusted, bill):
    _bad(
        backend,
        trusted,
        payment_body(bill["id"], transactionNumber="T" * 51),
        "transactionNumber: size must be between 0 and 50",
    )


def test_create_payment_processing_options_required(backend, trusted, bill):
    body = payment_body(bill["id"])
    del body["processingOptions"]
    _bad(backend, trusted, body, "processingOptions: must not be null")


def test_create_payment_keeps_own_transaction_number(backend, trusted, bill):
    payment = backend.create_payment(trusted, payment_body(bill["id"], transactionNumber="T-42"))
    found = backend.list_payments(trusted, {"filters": ['transactionNumber:eq:"T-42"']})
    assert [p["id"] for p in found["results"]] == [payment["id"]]


def test_cancel_payment_restores_due_amount(backend, trusted, bill):
    payment = backend.create_payment(trusted, payment_body(bill["id"], "125.50"))
    canceled = backend.cancel_payment(trusted, payment["id"])
    # BILL spells the two enums differently; disbursementStatus is left out (nothing started)
    assert (canceled["status"], canceled["singleStatus"]) == ("CANCELLED", "CANCELED")
    assert "disbursementStatus" not in canceled
    refreshed = backend.get_bill(trusted, bill["id"])
    assert (refreshed["dueAmount"], refreshed["paymentStatus"]) == (Decimal("125.50"), "UNPAID")


def test_cancel_payment_twice_is_refused(backend, trusted, bill):
    payment = backend.create_payment(trusted, payment_body(bill["id"]))
    backend.cancel_payment(trusted, payment["id"])
    with pytest.raises(InvalidState) as err:
        backend.cancel_payment(trusted, payment["id"])
    assert err.value.message == (
        f"Payment {payment['id']} is CANCELED; only a SCHEDULED payment can be canceled."
    )
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == Decimal("125.50")


def test_bulk_payments_all_succeed(backend, trusted, bill):
    shared = payment_body(bill["id"])
    del shared["billId"], shared["amount"]
    body = {
        **shared,
        "payments": [
            {"billId": bill["id"], "amount": 100},
            {"billId": bill["id"], "amount": Decimal("25.50")},
        ],
    }
    result = backend.bulk_create_payments(trusted, body)
    assert [p["amount"] for p in result["payments"]] == [Decimal("100.00"), Decimal("25.50")]
    assert backend.get_bill(trusted, bill["id"])["paymentStatus"] == "SCHEDULED"


def test_bulk_payments_one_bad_creates_none(backend, trusted, bill):
    shared = payment_body(bill["id"])
    del shared["billId"], shared["amount"]
    body = {
        **shared,
        "payments": [{"billId": bill["id"], "amount": 100}, {"billId": bill["id"], "amount": 100}],
    }
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_payments(trusted, body)
    assert err.value.message == "payments[1].amount: must not exceed the bill's dueAmount 25.50"
    assert _payments(backend, trusted) == []
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == Decimal("125.50")


def test_bulk_payments_untrusted(backend, caller, bill):
    with pytest.raises(UntrustedSession):
        backend.bulk_create_payments(caller, {"payments": [payment_body(bill["id"])]})


def test_bulk_payments_at_most_50(backend, trusted, bill):
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_payments(trusted, {"payments": [payment_body(bill["id"], "0.01")] * 51})
    assert err.value.message == "payments: must hold at most 50 payments"
