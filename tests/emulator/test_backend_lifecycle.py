"""A payment's life on the test clock (backend/lifecycle.py), without HTTP."""

from __future__ import annotations

import pytest
from emulator_helpers import BANK, bill_body, payment_body, vendor_body

from bill_emulator.backend.errors import EmulatorError, InvalidState, ValidationFailed
from bill_emulator.backend.lifecycle import HAPPY

PROCESS_DATE = "2026-03-06"


def _pay(backend, trusted, amount="125.50", account=None):
    body = vendor_body()
    if account:
        body["paymentInformation"]["bankAccount"] = {**BANK, "accountNumber": account}
    vendor = backend.create_vendor(trusted, body)
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    # Friday 2026-03-06: the first day BILL allows for a vendor bank account added on Wednesday
    payment = backend.create_payment(
        trusted, payment_body(bill["id"], amount, processDate=PROCESS_DATE)
    )
    return payment, bill


def _statuses_over(backend, trusted, pid, days=8):
    seen = []
    for _ in range(days):
        backend.advance_clock({"advanceBusinessDays": 1})
        status = backend.get_payment(trusted, pid)["singleStatus"]
        if status != "SCHEDULED" and (not seen or seen[-1] != status):
            seen.append(status)
    return seen


def test_happy_path_one_business_day_each(backend, trusted):
    payment, bill = _pay(backend, trusted)
    assert payment["processDate"] == "2026-03-06"  # Friday
    assert _statuses_over(backend, trusted, payment["id"]) == list(HAPPY[1:])
    done = backend.get_payment(trusted, payment["id"])
    assert done["status"] == "PAID"
    assert done["disbursementStatus"] == "DONE"
    ach = done["disbursementInfo"]["achDisbursement"]
    # Fri funding, Mon processed, Tue sent, Wed delivered, Thu cleared
    assert ach == {"arrivesByDate": "2026-03-12", "sentDate": "2026-03-10"}
    assert done["disbursementInfo"]["isVoidable"] is False
    assert "_life" not in done
    assert backend.get_bill(trusted, bill["id"])["paymentStatus"] == "PAID"


def test_one_jump_applies_every_change_once_in_order(backend, trusted):
    payment, _ = _pay(backend, trusted)
    result = backend.advance_clock({"toDate": "2026-04-01"})
    assert result["today"] == "2026-04-01"
    assert result["transitions"] == 5
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == "CLEARED"
    again = backend.advance_clock({"advanceBusinessDays": 3})
    assert again["transitions"] == 0  # nothing happens twice


def test_fields_while_funding(backend, trusted):
    payment, bill = _pay(backend, trusted)
    backend.advance_clock(
        {"untilPaymentStatus": {"id": payment["id"], "singleStatus": "PROCESSED"}}
    )
    now = backend.get_payment(trusted, payment["id"])
    assert (now["singleStatus"], now["status"]) == ("PROCESSED", "SCHEDULED")
    assert "disbursementStatus" not in now  # BILL's value for this stage is unknown: left out
    assert now["disbursementInfo"]["isVoidable"] is True
    assert backend.get_bill(trusted, bill["id"])["paymentStatus"] == "SCHEDULED"
    with pytest.raises(InvalidState):
        backend.cancel_payment(trusted, payment["id"])


@pytest.mark.parametrize(
    ("amount", "account", "end", "disbursement", "due_restored"),
    [
        ("50.13", None, "FUNDING_FAILED_ACTION_NEEDED", "DONE", False),
        ("50.14", None, "DISBURSEMENT_ON_HOLD", "HOLD", False),
        ("50.15", None, "DISBURSEMENT_FAILED_ACTION_NEEDED", "FAILED", True),
        ("125.50", "000000013", "DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED", "FAILED", True),
    ],
)
def test_failure_branches(backend, trusted, amount, account, end, disbursement, due_restored):
    payment, bill = _pay(backend, trusted, amount, account)
    backend.advance_clock({"untilPaymentStatus": {"id": payment["id"], "singleStatus": end}})
    now = backend.get_payment(trusted, payment["id"])
    assert now["singleStatus"] == end
    assert now["disbursementStatus"] == disbursement
    after = backend.get_bill(trusted, bill["id"])
    assert (after["dueAmount"] == bill["amount"]) is due_restored
    backend.advance_clock({"advanceBusinessDays": 10})
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == end  # it stays


def test_until_a_status_the_payment_never_reaches_moves_nothing(backend, trusted):
    payment, _ = _pay(backend, trusted, "50.14")
    before = backend.clock_now()
    with pytest.raises(ValidationFailed, match="will not reach CLEARED"):
        backend.advance_clock(
            {"untilPaymentStatus": {"id": payment["id"], "singleStatus": "CLEARED"}}
        )
    assert backend.clock_now() == before


@pytest.mark.parametrize(
    "body",
    [{"advanceSeconds": -1}, {"toDate": "2026-03-03"}, {"advanceBusinessDays": -2}, {}],
)
def test_clock_never_moves_backwards(backend, body):
    before = backend.clock_now()
    with pytest.raises(ValidationFailed):
        backend.advance_clock(body)
    assert backend.clock_now() == before


def test_void_gives_the_amount_back(backend, trusted):
    payment, bill = _pay(backend, trusted)
    with pytest.raises(InvalidState, match="cancel it instead"):
        backend.void_payment(trusted, payment["id"], {"type": "VOID_AND_CREDIT", "reason": "x"})
    backend.advance_clock({"untilPaymentStatus": {"id": payment["id"], "singleStatus": "SENT"}})
    voided = backend.void_payment(
        trusted, payment["id"], {"type": "VOID_AND_CREDIT", "reason": "Wrong vendor"}
    )
    assert (voided["status"], voided["singleStatus"]) == ("VOID", "VOIDED")
    assert voided["voidInfo"][0]["type"] == "VOID_AND_CREDIT"
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == bill["amount"]
    backend.advance_clock({"advanceBusinessDays": 5})
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == "VOIDED"


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "x"},
        {"type": "VOID_SOMETIMES", "reason": "x"},
        {"type": "VOID_ONLY"},
        {"type": "VOID_AND_REISSUE", "reason": "x"},
    ],
)
def test_void_bad_bodies(backend, trusted, body):
    payment, _ = _pay(backend, trusted)
    backend.advance_clock({"advanceBusinessDays": 2})  # Friday, its processDate
    with pytest.raises(EmulatorError):
        backend.void_payment(trusted, payment["id"], body)
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == "FUNDING_STARTED"


def test_cleared_payment_cannot_be_voided(backend, trusted):
    payment, _ = _pay(backend, trusted)
    backend.advance_clock({"untilPaymentStatus": {"id": payment["id"], "singleStatus": "CLEARED"}})
    with pytest.raises(InvalidState):
        backend.void_payment(trusted, payment["id"], {"type": "VOID_ONLY", "reason": "late"})


def test_canceled_payment_has_no_life(backend, trusted):
    payment, bill = _pay(backend, trusted)
    backend.cancel_payment(trusted, payment["id"])
    backend.advance_clock({"advanceBusinessDays": 8})
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == "CANCELED"
    assert backend.get_bill(trusted, bill["id"])["dueAmount"] == bill["amount"]


def test_back_to_real_time_keeps_what_happened(backend, trusted):
    payment, bill = _pay(backend, trusted)
    real_today = backend.clock.today()
    backend.advance_clock({"untilPaymentStatus": {"id": payment["id"], "singleStatus": "CLEARED"}})
    assert backend.clock.today() > real_today
    with pytest.raises(ValidationFailed, match="backToRealTime"):
        backend.advance_clock({"backToRealTime": False})
    back = backend.advance_clock({"backToRealTime": True})
    assert back["today"] == real_today.isoformat()
    assert back["transitions"] == 0
    assert backend.get_payment(trusted, payment["id"])["singleStatus"] == "CLEARED"
    assert backend.get_bill(trusted, bill["id"])["paymentStatus"] == "PAID"
