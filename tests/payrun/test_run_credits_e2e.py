"""A payment run on the emulator pays a bill a vendor credit lowered at BILL's dueAmount, the
credit named in its reason, and one call reads the credits only when a bill shows one."""

from __future__ import annotations

from decimal import Decimal

from test_run_e2e import SAMPLE, new_run

from billhelpers.payrun import read_export


def test_a_credited_bill_of_the_run_is_paid_its_due_amount_once(trusted):
    client = trusted
    rows = read_export(SAMPLE)
    run = new_run(client, rows)
    run.create_missing()
    day = run.run_date()
    sent = client.calls_sent
    run.preflight(day)
    assert client.calls_sent == sent + 1  # the banks; no bill shows a credit: no credit listing

    bill = next(b for b in run.bills if b["invoice"]["invoiceNumber"] == "CED-91")
    credit = client.vendor_credits.create(
        {
            "vendorId": bill["vendorId"],
            "referenceNumber": "CM-118",
            "creditDate": day.isoformat(),
            "vendorCreditLineItems": [{"amount": Decimal("40.00"), "description": "damaged"}],
        }
    ).data
    client.bills.update(bill["id"], {"vendorCredits": [{"id": credit["id"], "amount": "40.00"}]})
    run.refresh()
    verdicts = {v.row.invoice_number: v for v in run.preflight(day)}
    credited = verdicts["CED-91"]
    assert (credited.go, credited.amount) == (True, Decimal("2000.00"))
    assert "CM-118 40.00" in credited.reason

    expected = run.pay(list(verdicts.values()), day)
    payments = client.payments.list_all(progress=False)
    [paid] = [p for p in payments if p["billId"] == bill["id"]]
    assert Decimal(str(paid["amount"])) == Decimal("2000.00")
    after = client.bills.get(bill["id"]).data
    assert after["dueAmount"] == 0 and after["creditAmount"] == Decimal("40.00")
    assert all(r.outcome == "ok: SCHEDULED" for r in run.reconcile(expected))
