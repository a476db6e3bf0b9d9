"""Recurring bills on the backend: the template's checks, and the bills it makes on the test
clock: on time, once each, bounded (issue 25). The backend's frozen today is 2026-03-04."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from emulator_helpers import FROZEN, vendor_body

from bill_emulator import seed
from bill_emulator.backend import EmulatorBackend, recurring
from bill_emulator.backend.errors import InvalidState, UntrustedSession, ValidationFailed


def rb_body(vendor_id: str, **schedule) -> dict:
    return {
        "vendorId": vendor_id,
        "schedule": {
            "period": "MONTHLY",
            "frequency": 1,
            "nextDueDate": "2026-03-31",
            "daysInAdvance": 5,
            **schedule,
        },
        "recurringBillLineItems": [{"amount": Decimal("19.99"), "description": "Subscription"}],
    }


@pytest.fixture
def vendor(backend, trusted):
    return backend.create_vendor(trusted, vendor_body())


def _bills(backend, caller) -> list[dict]:
    return backend.list_bills(caller, {"max": ["100"]})["results"]


def _to(backend, day: str) -> None:
    backend.advance_clock({"toDate": day})


def test_create_answers_bills_fields_and_makes_nothing_early(backend, caller, vendor):
    rb = backend.create_recurring_bill(caller, rb_body(vendor["id"], endDate="2026-12-31"))
    assert rb["id"] == "btp01SBX000000000001"
    assert rb["recurringBillLineItems"] == [
        {"id": "rbl01SBX000000000001001", "amount": Decimal("19.99"), "description": "Subscription"}
    ]
    assert rb["schedule"] == {
        "period": "MONTHLY",
        "frequency": 1,
        "nextDueDate": "2026-03-31",
        "endDate": "2026-12-31",
        "daysInAdvance": 5,
    }
    assert rb["processingOptions"] == {"autoPayment": False}
    assert rb["archived"] is False and not any(k.startswith("_") for k in rb)
    assert _bills(backend, caller) == []


def test_a_bill_is_made_days_in_advance_with_the_due_date_as_invoice_number(
    backend, caller, vendor
):
    rb = backend.create_recurring_bill(caller, rb_body(vendor["id"]))
    _to(backend, "2026-03-25")
    assert _bills(backend, caller) == []
    _to(backend, "2026-03-26")  # 5 days before 2026-03-31
    (bill,) = _bills(backend, caller)
    assert bill["dueDate"] == "2026-03-31"
    assert bill["invoice"] == {"invoiceNumber": "2026-03-31", "invoiceDate": "2026-03-26"}
    assert bill["amount"] == Decimal("19.99") and bill["paymentStatus"] == "UNPAID"
    assert bill["billLineItems"][0]["description"] == "Subscription"
    assert backend.get_recurring_bill(caller, rb["id"])["schedule"]["nextDueDate"] == "2026-04-30"


def test_a_clock_move_twice_or_a_second_process_never_makes_a_bill_twice(
    backend, caller, vendor, tmp_path
):
    backend.create_recurring_bill(caller, rb_body(vendor["id"], period="WEEKLY"))
    other = EmulatorBackend(tmp_path / "data", time_source=lambda: FROZEN)  # same data folder
    try:
        runs = [
            threading.Thread(target=b.advance_clock, args=({"toDate": "2026-04-30"},))
            for b in (backend, other, backend, other)
        ]
        for run in runs:
            run.start()
        for run in runs:
            run.join()
        backend.advance_clock({"advanceSeconds": 0})
        other.advance_clock({"advanceSeconds": 0})
    finally:
        other.close()
    dues = [b["dueDate"] for b in _bills(backend, caller)]
    assert dues == ["2026-03-31", "2026-04-07", "2026-04-14", "2026-04-21", "2026-04-28",
                    "2026-05-05"]  # fmt: skip


def test_a_monthly_bill_on_the_31st_keeps_its_day(backend, caller, vendor):
    backend.create_recurring_bill(caller, rb_body(vendor["id"], nextDueDate="2026-03-31"))
    _to(backend, "2026-07-31")
    dues = [b["dueDate"] for b in _bills(backend, caller)]
    assert dues == ["2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31"]


def test_end_date_stops_the_series_and_archive_pauses_it(backend, caller, vendor):
    rb = backend.create_recurring_bill(
        caller, rb_body(vendor["id"], endDate="2026-05-31", daysInAdvance=0)
    )
    _to(backend, "2026-04-01")
    backend.archive_recurring_bill(caller, rb["id"])
    _to(backend, "2026-05-15")
    assert [b["dueDate"] for b in _bills(backend, caller)] == ["2026-03-31"]
    with pytest.raises(InvalidState):
        backend.update_recurring_bill(caller, rb["id"], {"description": "x"})
    backend.restore_recurring_bill(caller, rb["id"])  # the passed bill is made at once
    assert [b["dueDate"] for b in _bills(backend, caller)] == ["2026-03-31", "2026-04-30"]
    _to(backend, "2027-01-01")
    assert len(_bills(backend, caller)) == 3  # 2026-05-31 is the last


def test_a_past_next_due_date_makes_every_passed_bill_at_once(backend, caller, vendor):
    backend.create_recurring_bill(
        caller, rb_body(vendor["id"], nextDueDate="2026-01-15", daysInAdvance=0)
    )
    assert [b["dueDate"] for b in _bills(backend, caller)] == ["2026-01-15", "2026-02-15"]
    with pytest.raises(ValidationFailed) as err:
        backend.create_recurring_bill(caller, rb_body(vendor["id"], nextDueDate="2024-01-01"))
    assert err.value.message.startswith("schedule.nextDueDate: ")


def test_ten_years_of_daily_bills_is_capped_per_move(backend, caller, vendor, monkeypatch):
    monkeypatch.setattr(recurring, "MAX_BILLS_PER_RUN", 40)
    backend.create_recurring_bill(
        caller, rb_body(vendor["id"], period="DAILY", nextDueDate="2026-03-10", daysInAdvance=0)
    )
    _to(backend, "2036-03-01")  # a decade: answers, and makes at most the cap
    assert len(backend.list_bills(caller, {"max": ["100"]})["results"]) == 40
    backend.advance_clock({"advanceSeconds": 1})  # the rest stay due: the next move goes on
    dues = [b["dueDate"] for b in backend.list_bills(caller, {"max": ["100"]})["results"]]
    assert len(dues) == 80 and len(set(dues)) == 80 and dues[0] == "2026-03-10"


def test_patch_changes_lines_by_id_and_put_adds_and_removes(backend, caller, vendor):
    rb = backend.create_recurring_bill(caller, rb_body(vendor["id"]))
    line = rb["recurringBillLineItems"][0]["id"]
    patched = backend.update_recurring_bill(
        caller,
        rb["id"],
        {"recurringBillLineItems": [{"id": line, "amount": Decimal("22.99"), "quantity": 1}]},
    )
    assert patched["recurringBillLineItems"] == [
        {"id": line, "amount": Decimal("22.99"), "description": "Subscription"}
    ]
    body = rb_body(vendor["id"])
    body["recurringBillLineItems"] = [{"amount": Decimal("4.99"), "description": "Tea"}]
    replaced = backend.replace_recurring_bill(caller, rb["id"], body)
    assert [x["id"] for x in replaced["recurringBillLineItems"]] == ["rbl01SBX000000000001002"]
    with pytest.raises(ValidationFailed):
        backend.update_recurring_bill(
            caller, rb["id"], {"recurringBillLineItems": [{"id": line, "amount": 1}]}
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period": "NONE"}, "schedule.period"),
        ({"frequency": 0}, "schedule.frequency"),
        ({"frequency": True}, "schedule.frequency"),
        ({"nextDueDate": "2026-02-30"}, "schedule.nextDueDate"),
        ({"endDate": "2026-03-01"}, "schedule.endDate"),
        ({"daysInAdvance": 366}, "schedule.daysInAdvance"),
    ],
)
def test_a_bad_schedule_is_refused(backend, caller, vendor, change, field):
    with pytest.raises(ValidationFailed) as err:
        backend.create_recurring_bill(caller, rb_body(vendor["id"], **change))
    assert err.value.message.startswith(f"{field}: ")


def test_auto_payment_needs_a_trusted_session_and_a_verified_account(
    backend, caller, trusted, vendor
):
    body = rb_body(vendor["id"])
    body["processingOptions"] = {"autoPayment": True}
    body["paymentInformation"] = {"bankAccountId": seed.VERIFIED_BANK_ID}
    with pytest.raises(UntrustedSession):
        backend.create_recurring_bill(caller, body)
    rb = backend.create_recurring_bill(trusted, body)
    assert rb["processingOptions"]["autoPayment"] is True
    # once on, an untrusted session may still edit other fields (only turning it on needs MFA)
    assert backend.update_recurring_bill(caller, rb["id"], {"description": "x"})["description"]
    body["paymentInformation"] = {"bankAccountId": seed.UNVERIFIED_BANK_ID}
    with pytest.raises(ValidationFailed):
        backend.create_recurring_bill(trusted, body)


def test_made_bills_go_through_approval_policies(backend, trusted, vendor):
    backend.create_approval_policy(
        trusted,
        {
            "policyName": "all",
            "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["0"]}],
            "approvers": [seed.USER_ID],
        },
    )
    backend.create_recurring_bill(trusted, rb_body(vendor["id"]))
    _to(backend, "2026-03-27")
    (bill,) = _bills(backend, trusted)
    assert bill["approvalStatus"] == "ASSIGNED"


def test_an_archived_vendor_pauses_its_recurring_bills(backend, caller, vendor):
    backend.create_recurring_bill(caller, rb_body(vendor["id"]))
    backend.archive_vendor(caller, vendor["id"])
    _to(backend, "2026-04-10")  # the move succeeds; nothing is made for an archived vendor
    assert _bills(backend, caller) == []
    backend.restore_vendor(caller, vendor["id"])
    backend.advance_clock({"advanceSeconds": 1})
    assert [b["dueDate"] for b in _bills(backend, caller)] == ["2026-03-31"]


def test_template_classifications_are_checked_and_an_archived_one_makes_it_wait(
    backend, caller, vendor
):
    body = rb_body(vendor["id"])
    body["recurringBillLineItems"][0]["classifications"] = {"jobId": "job01SBX999999999999"}
    with pytest.raises(ValidationFailed) as err:
        backend.create_recurring_bill(caller, body)
    assert err.value.message.startswith("recurringBillLineItems[0].classifications.jobId: ")
    job = backend.create_classification(caller, "jobs", {"name": "Office"})
    body["recurringBillLineItems"][0]["classifications"] = {"jobId": job["id"]}
    backend.create_recurring_bill(caller, body)
    backend.archive_classification(caller, "jobs", job["id"])
    _to(backend, "2026-04-10")  # the move succeeds; the bill waits for its classification
    assert _bills(backend, caller) == []
    backend.restore_classification(caller, "jobs", job["id"])
    backend.advance_clock({"advanceSeconds": 1})
    (bill,) = _bills(backend, caller)
    assert bill["billLineItems"][0]["classifications"] == {"jobId": job["id"]}


def test_a_restarted_schedule_never_makes_a_bill_it_already_made(backend, caller, vendor):
    """Red team (issue 25): a PUT of the template as it was created (its first nextDueDate, long
    since billed), or a PATCH moving nextDueDate back, started the series again and made that
    bill a second time under the number ``<d>-<recurring bill id>``; a third restart then found
    both numbers taken and the series stopped for good."""
    body = rb_body(vendor["id"], nextDueDate="2026-03-02", daysInAdvance=0)
    rb = backend.create_recurring_bill(caller, body)
    assert [b["dueDate"] for b in _bills(backend, caller)] == ["2026-03-02"]
    backend.replace_recurring_bill(caller, rb["id"], body)  # a careless "save" of the template
    backend.update_recurring_bill(caller, rb["id"], {"schedule": {"nextDueDate": "2026-03-02"}})
    backend.replace_recurring_bill(caller, rb["id"], body)
    made = _bills(backend, caller)
    assert [(b["dueDate"], b["invoice"]["invoiceNumber"]) for b in made] == [
        ("2026-03-02", "2026-03-02")
    ]
    assert backend.get_recurring_bill(caller, rb["id"])["schedule"]["nextDueDate"] == "2026-04-02"
    _to(backend, "2026-04-02")  # the series goes on
    assert [b["dueDate"] for b in _bills(backend, caller)] == ["2026-03-02", "2026-04-02"]
