"""The test clock under attack (issue 23): every move is bounded in work, a move the 10-year cap
would cut short is refused with the clock unmoved, and dates the clock can never reach are
refused when a payment is made."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from emulator_helpers import FROZEN, bill_body, payment_body, vendor_body

from bill_emulator.backend.clock import MAX_OFFSET_MS, first_business_day
from bill_emulator.backend.errors import ValidationFailed

TODAY = date(2026, 3, 4)  # FROZEN's day
LAST_DAY = TODAY + timedelta(milliseconds=MAX_OFFSET_MS)  # FROZEN is noon: the same day


def _bill(backend, trusted):
    vendor = backend.create_vendor(trusted, vendor_body())
    return backend.create_bill(trusted, bill_body(vendor["id"]))


def _pay(backend, trusted, process_date: str, amount="50.00"):
    bill = _bill(backend, trusted)
    return backend.create_payment(
        trusted, payment_body(bill["id"], amount, processDate=process_date)
    )


def _within(seconds: float, call):
    """``call()``'s result or error, or a failure when it has not answered in ``seconds``."""
    box: dict = {}

    def run():
        try:
            box["value"] = call()
        except Exception as err:  # noqa: BLE001 - handed to the test
            box["error"] = err

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"no answer within {seconds} s (the clock move spins)"
    if "error" in box:
        raise box["error"]
    return box["value"]


def test_the_backend_fixture_is_frozen_on_the_expected_day(backend):
    assert backend.clock.today() == TODAY
    assert FROZEN % 86400 == 43200  # noon UTC
    assert backend.clock.last_day() == LAST_DAY


def test_until_status_of_a_payment_beyond_the_cap_answers_at_once_unmoved(backend, trusted):
    # funded on the last business days the clock reaches; it clears after the cap
    process = first_business_day(LAST_DAY - timedelta(days=3))
    payment = _pay(backend, trusted, process.isoformat())
    before = backend.clock_now()
    with pytest.raises(ValidationFailed, match="past the last day it can reach") as err:
        _within(
            10,
            lambda: backend.advance_clock(
                {"untilPaymentStatus": {"id": payment["id"], "singleStatus": "CLEARED"}}
            ),
        )
    assert err.value.field == "untilPaymentStatus"
    assert backend.clock_now() == before
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == "SCHEDULED"


def test_to_date_past_the_cap_is_refused_unmoved(backend):
    before = backend.clock_now()
    with pytest.raises(ValidationFailed, match="past the last day") as err:
        backend.advance_clock({"toDate": (LAST_DAY + timedelta(days=2)).isoformat()})
    assert err.value.field == "toDate"
    assert backend.clock_now() == before


def test_at_the_cap_business_days_are_refused_not_ignored(backend):
    assert backend.advance_clock({"toDate": LAST_DAY.isoformat()})["today"] == str(LAST_DAY)
    before = backend.clock_now()
    with pytest.raises(ValidationFailed, match="past the last day") as err:
        backend.advance_clock({"advanceBusinessDays": 1})
    assert err.value.field == "advanceBusinessDays"
    assert backend.clock_now() == before


def test_until_status_of_a_canceled_payment_is_refused_unmoved(backend, trusted):
    payment = _pay(backend, trusted, "2026-03-06")
    backend.cancel_payment(trusted, payment["id"])
    before = backend.clock_now()
    with pytest.raises(ValidationFailed, match="will not reach CLEARED"):
        backend.advance_clock(
            {"untilPaymentStatus": {"id": payment["id"], "singleStatus": "CLEARED"}}
        )
    assert backend.clock_now() == before


@pytest.mark.parametrize("day", ["9999-12-29", "9999-12-30", "9999-12-31", "2040-03-06"])
def test_a_process_date_the_clock_never_reaches_is_refused(backend, trusted, day):
    bill = _bill(backend, trusted)
    with pytest.raises(ValidationFailed, match="last day the emulator's clock can reach") as err:
        backend.create_payment(trusted, payment_body(bill["id"], processDate=day))
    assert err.value.field == "processDate"
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == bill["amount"]


def test_a_process_date_on_the_last_day_is_taken(backend, trusted):
    payment = _pay(backend, trusted, first_business_day(LAST_DAY - timedelta(days=4)).isoformat())
    assert payment["singleStatus"] == "SCHEDULED"


def test_seeded_payments_live_like_created_ones(backend, trusted):
    vendor = backend.create_vendor(trusted, vendor_body())
    seeded = backend.seed_bills({"count": 3, "vendorId": vendor["id"], "payments": True})
    payments = backend.list_payments(trusted, {})["results"]
    assert len(payments) == seeded["payments"]
    pid = payments[0]["id"]
    result = backend.advance_clock({"untilPaymentStatus": {"id": pid, "singleStatus": "CLEARED"}})
    assert result["transitions"] == 3 * 5
    for payment in backend.list_payments(trusted, {})["results"]:
        assert payment["singleStatus"] == "CLEARED"
        assert payment["disbursementInfo"]["achDisbursement"]["arrivesByDate"]
    bill = backend.get_bill(trusted, payments[0]["billPayments"][0]["billId"])
    assert bill["paymentStatus"] == "PAID"


def test_a_move_with_too_many_changes_is_refused_unmoved(backend, trusted, monkeypatch):
    from bill_emulator.backend import lifecycle

    monkeypatch.setattr(lifecycle, "MAX_TRANSITIONS", 7, raising=False)
    backend.seed_bills({"count": 2, "payments": True})  # 2 x 5 changes ahead
    before = backend.clock_now()
    with pytest.raises(ValidationFailed, match="more than 7 payment status changes") as err:
        backend.advance_clock({"advanceBusinessDays": 10})
    assert err.value.field == "advanceBusinessDays"
    assert backend.clock_now() == before
    statuses = {p["singleStatus"] for p in backend.list_payments(trusted, {})["results"]}
    assert statuses == {"SCHEDULED"}
    assert backend.advance_clock({"advanceBusinessDays": 1})["transitions"] == 2  # step by step
