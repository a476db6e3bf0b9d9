"""One payment identity, on the emulator: a single payment, a bulk payment and a payment run of
the same bill and amount are the same intended payment. They make the same transactionNumber,
so whichever comes second finds the first and sends nothing; and they agree on which payments
are live (a payment whose ACH came back stays live until it is voided) and on what is due.
The tutorial's look-up (``tutorial.find_payment``) agrees with them too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from client_bodies import VERIFIED_BANK, bill_body, payment_body, vendor_body

from billhelpers.exceptions import AlreadyPaidError
from billhelpers.notebook import tutorial
from billhelpers.payrun import read_export
from billhelpers.payrun.go_no_go import check_run
from billhelpers.payrun.plan import PlanRow
from billhelpers.payrun.run import PaymentRun
from billhelpers.resources.payments import Payments
from billhelpers.rules import payment_identity as identity

VENDOR = "Identity Paper Co"


def _posts(client) -> int:
    """How many payment POSTs (single and bulk) reached the emulator."""
    return sum(
        1
        for r in client.emulator.requests()
        if r["method"] == "POST" and r["path"] in ("/v3/payments", "/v3/payments/bulk")
    )


def _run(client, bill: dict, open_amount: str) -> tuple[PaymentRun, dict]:
    """A payment run of one export line: ``bill`` with ``open_amount`` still open; its pay step
    made, returning the run and what it meant (transactionNumber → verdict)."""
    due = dt.date.fromisoformat(bill["dueDate"]).strftime("%m/%d/%Y")
    vendor = client.vendors.get(bill["vendorId"])["name"]
    text = (
        ",Date,Transaction type,Num,Due date,Past due,Amount,Open balance\n"
        f"{vendor},,,,,,,\n"
        f",{due},Bill,{bill['invoice']['invoiceNumber']},{due},0,{bill['amount']},{open_amount}\n"
    )
    run = PaymentRun(client, read_export(text), progress=False)
    run.refresh()
    day = run.run_date()
    verdicts = run.preflight(day)
    assert [v.go for v in verdicts] == [True], [v.reason for v in verdicts]
    return run, run.pay(verdicts, day)


def _bulk(client, bill_id: str, amount: str):
    return client.payments.bulk_create(
        {
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
            "processingOptions": {},
            "payments": [{"billId": bill_id, "amount": amount}],
        }
    )


@pytest.fixture
def partly_open(trusted):
    """A 300.00 bill of which the run's export says 100.00 is open."""
    vendor = trusted.vendors.create(vendor_body(VENDOR)).data
    return trusted.bills.create(bill_body(vendor["id"], "300.00", invoice="ID-1")).data


def test_single_then_bulk_then_run_is_one_payment(trusted, partly_open):
    bill = partly_open
    single = trusted.payments.create(payment_body(bill["id"], "100.00"))
    txn = single["transactionNumber"]
    org = trusted.config.organization_id
    assert txn == identity.transaction_number(org, bill["id"], "100.00")
    assert txn == tutorial.transaction_number(trusted, bill["id"], Decimal("100"))
    sent = _posts(trusted)

    bulk = _bulk(trusted, bill["id"], "100.00")  # another day's date, no vendorId: same intent
    assert bulk.recovered and bulk["transactionNumber"] == txn
    run, expected = _run(trusted, bill, "100.00")
    assert list(expected) == [txn]
    assert _posts(trusted) == sent  # neither sent anything
    assert [r.outcome for r in run.reconcile(expected)] == ["ok: SCHEDULED"]
    assert trusted.bills.get(bill["id"])["dueAmount"] == Decimal("200.00")


def test_run_then_single_then_bulk_is_one_payment(trusted, partly_open):
    bill = partly_open
    _, expected = _run(trusted, bill, "100.00")
    sent = _posts(trusted)
    single = trusted.payments.create(payment_body(bill["id"], "100.00", vendorId=bill["vendorId"]))
    assert single.recovered and single["transactionNumber"] in expected
    assert _bulk(trusted, bill["id"], "100").recovered
    assert _posts(trusted) == sent
    assert tutorial.find_payment(trusted, bill["id"])["transactionNumber"] in expected


def test_a_returned_payment_stays_live_everywhere_until_it_is_voided(trusted, unpaid_bill):
    """An amount ending in .15 clears and then comes back (an ACH return): BILL gives the amount
    back to the bill, but the payment waits for a person (void it, or BILL reissues it). Until
    it is voided, no path pays the bill again; once voided, each may."""
    bill = unpaid_bill
    first = trusted.payments.create(payment_body(bill["id"], "10.15"))
    returned = "DISBURSEMENT_FAILED_ACTION_NEEDED"
    trusted.emulator.run_payment_until(first["id"], returned)
    assert trusted.bills.get(bill["id"])["dueAmount"] == Decimal("25.00")  # given back
    again = payment_body(bill["id"], "10.15")
    again.pop("processDate")  # the clock moved on: BILL's default date
    sent = _posts(trusted)

    single = trusted.payments.create(again)
    assert single.recovered and single["id"] == first["id"]
    assert single["singleStatus"] == returned
    assert _bulk(trusted, bill["id"], "10.15").recovered
    run, expected = _run(trusted, bill, "10.15")
    assert list(expected) == [first["transactionNumber"]]
    assert _posts(trusted) == sent
    assert tutorial.find_payment(trusted, bill["id"])["id"] == first["id"]
    assert run.reconcile(expected)[0].outcome == f"ok: {returned}"

    trusted.request(
        "POST",
        f"/v3/payments/{first['id']}/void",
        json={"type": "VOID_AND_CREDIT", "reason": "ACH return"},
        safe=False,
    )
    assert not identity.is_live(trusted.payments.get(first["id"]).data)
    assert tutorial.find_payment(trusted, bill["id"]) is None
    second = trusted.payments.create(again)  # voided: paying again is paying once
    assert not second.recovered and second["id"] != first["id"]
    assert second["transactionNumber"] == first["transactionNumber"]
    assert tutorial.find_payment(trusted, bill["id"])["id"] == second["id"]


def test_single_payment_and_payment_run_agree_on_what_is_due():
    """The same bill copy: the client's check and the run's go/no-go refuse the same bills."""
    row = PlanRow(
        line=1,
        vendor_name=VENDOR,
        invoice_number="ID-1",
        amount=Decimal("10.00"),
        open_amount=Decimal("10.00"),
        invoice_date=dt.date(2030, 1, 1),
        due_date=dt.date(2030, 2, 1),
        vendor_status="matched",
        vendor_id="00901X",
        vendor_reason="",
        bill_status="in BILL",
        bill_id="00n01X",
    )
    vendor = {"id": "00901X", "paymentInformation": {"bankAccount": {"accountNumber": "1"}}}
    bills = [
        {"id": "00n01X", "amount": 10, "dueAmount": 10, "paymentStatus": "UNPAID"},
        {"id": "00n01X", "amount": 10, "dueAmount": 10, "paymentStatus": "SCHEDULED"},
        {"id": "00n01X", "amount": 10, "dueAmount": 0, "paymentStatus": "PARTIAL"},
        {"id": "00n01X", "amount": 10, "paymentStatus": "UNPAID"},  # dueAmount not said
    ]
    payments = Payments(client=None)
    for bill in bills:
        verdict = check_run(
            [row],
            bills={bill["id"]: bill},
            vendors={vendor["id"]: vendor},
            verified_banks=[{"id": "bac1"}],
            trusted=True,
            process_date=dt.date(2030, 1, 2),
            is_business_day=lambda _day: True,
            earliest_for_vendor=lambda _vendor: dt.date(2030, 1, 1),
        )[0]
        try:
            payments._check_bill({"billId": bill["id"], "amount": Decimal("10.00")}, bill)
            single_pays = True
        except AlreadyPaidError:
            single_pays = False
        assert verdict.go is single_pays is not identity.nothing_due(bill), bill
