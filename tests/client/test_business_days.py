"""The client's business-day rules: weekends, US bank holidays, and BILL's 2-business-day wait
after a vendor bank account is added, checked before anything is sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from client_bodies import bill_body, pay_date, payment_body, vendor_body

import billhelpers as bh
from billhelpers.notebook import tutorial
from billhelpers.rules import business_days, checks

WEDNESDAY = dt.date(2026, 3, 4)
VENDOR = {
    "id": "00901SBX000000000001",
    "createdTime": "2026-03-04T18:00:00.000+00:00",
    "paymentInformation": {"bankAccount": {"accountNumber": "*****6789"}},
}


def test_holiday_names_say_why():
    assert business_days.holiday_name(dt.date(2026, 12, 25)) == "Christmas Day"
    assert "(observed)" in business_days.holiday_name(dt.date(2027, 7, 5))
    assert business_days.holiday_name(dt.date(2026, 7, 3)) is None  # Saturday's holiday: open


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (dt.date(2027, 12, 24), True),  # a Friday: Christmas on Saturday closes nothing
        (dt.date(2022, 12, 26), False),  # a Monday: Christmas on Sunday closes it
        (dt.date(2027, 6, 18), True),  # Friday before Juneteenth on Saturday
        (dt.date(2026, 6, 19), False),  # Juneteenth on a Friday
        (dt.date(2150, 12, 25), False),  # past the holidays library's default end (2100)
        (dt.date(9999, 12, 24), True),
    ],
)
def test_federal_reserve_calendar(day, open_):
    assert business_days.is_business_day(day) is open_


@pytest.mark.parametrize(
    ("day", "why", "next_day"),
    [
        pytest.param("2026-12-25", "Christmas Day", "2026-12-28", id="christmas"),
        pytest.param("2026-12-26", "Saturday", "2026-12-28", id="saturday"),
    ],
)
def test_process_date_on_a_holiday_or_weekend_refused_naming_the_next_business_day(
    day, why, next_day
):
    body = {**payment_body("00n01SBX000000000001", "10.00"), "processDate": day}
    with pytest.raises(bh.InputError) as info:
        checks.check_payment(body, today=dt.date(2026, 12, 1))
    err = info.value
    assert err.field == "processDate"
    assert why in str(err) and next_day in err.hint


def test_vendor_wait_names_the_earliest_valid_date():
    body = {"processDate": "2026-03-05"}
    with pytest.raises(bh.InputError) as info:
        checks.check_vendor_wait(body, VENDOR, today=WEDNESDAY)
    assert "the earliest valid processDate is 2026-03-06" in str(info.value)
    assert "2026-03-06" in info.value.hint
    with pytest.raises(bh.InputError) as info:  # left out: BILL's default is too soon as well
        checks.check_vendor_wait({}, VENDOR, today=WEDNESDAY)
    assert "2026-03-05" in str(info.value) and "2026-03-06" in info.value.hint
    checks.check_vendor_wait({"processDate": "2026-03-06"}, VENDOR, today=WEDNESDAY)


def test_vendor_wait_does_not_apply_without_a_bank_account_or_when_it_is_old():
    checks.check_vendor_wait({}, {**VENDOR, "paymentInformation": {}}, today=WEDNESDAY)
    checks.check_vendor_wait({}, VENDOR, today=dt.date(2026, 3, 9))


def test_earliest_process_date_skips_the_christmas_weekend():
    vendor = {**VENDOR, "createdTime": "2026-12-23T10:00:00Z"}
    assert business_days.earliest_process_date(vendor, today=dt.date(2026, 12, 23)) == (
        dt.date(2026, 12, 28)
    )
    assert business_days.earliest_process_date(today=dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)


def test_tutorial_process_date_says_why(capsys):
    assert tutorial.process_date(VENDOR, today=WEDNESDAY) == "2026-03-06"
    assert "2 business days after the vendor's bank account" in capsys.readouterr().out


def test_payment_too_soon_for_a_new_vendor_is_refused_before_sending(trusted):
    vendor = trusted.vendors.create(vendor_body()).data
    bill = trusted.bills.create(bill_body(vendor["id"], "20.00")).data
    trusted.emulator.clear_requests()
    body = payment_body(bill["id"], Decimal("20.00"))
    del body["processDate"]
    with pytest.raises(bh.InputError) as info:
        trusted.payments.create(body)
    earliest = business_days.earliest_process_date(vendor, today=trusted.today()).isoformat()
    assert f"earliest valid processDate is {earliest}" in str(info.value)
    assert not [r for r in trusted.emulator.requests() if r["method"] == "POST"]
    # sent anyway (the raw call), the emulator refuses it with BILL's BDC_1402
    with pytest.raises(bh.ValidationError) as info:
        trusted.request("POST", "/v3/payments", json={**body, "transactionNumber": "raw-1"})
    assert (info.value.code, info.value.http_status) == ("BDC_1402", 400)
    # with the earliest date the payment goes through
    payment = trusted.payments.create({**body, "processDate": earliest})
    assert payment["processDate"] == earliest
    assert earliest <= pay_date()
