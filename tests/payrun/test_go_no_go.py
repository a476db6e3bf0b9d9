"""The go/no-go table: every trap of a payment run caught with its reason (pure, no HTTP)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from billhelpers.payrun import build_plan, read_export
from billhelpers.payrun.go_no_go import check_run

DATA = Path(__file__).resolve().parents[2] / "notebooks" / "data"
DAY = dt.date(2026, 12, 8)  # a Tuesday
BANK = {"paymentInformation": {"payeeName": "x", "bankAccount": {"accountNumber": "…6789"}}}
VENDORS = {
    "00901A": {"id": "00901A", "name": "Happy Paper Co.", **BANK},
    "00901B": {"id": "00901B", "name": "Summit Coffee Roasters", **BANK, "new_bank": True},
    "00901C": {"id": "00901C", "name": "Orchard Water Co"},  # no way to pay it
}


def _bill(bid, vendor, number, amount, due=None, status="UNPAID"):
    return {
        "id": bid,
        "vendorId": vendor,
        "invoice": {"invoiceNumber": number},
        "amount": Decimal(amount),
        "dueAmount": Decimal(due if due is not None else amount),
        "dueDate": "2026-12-02",
        "paymentStatus": status,
    }


BILLS = [
    _bill("00n1", "00901A", "HP-2001", "1250.00"),
    _bill("00n2", "00901A", "HP-2002", "480.00", due="0.00", status="SCHEDULED"),
    _bill("00n3", "00901B", "SCR-1140", "218.40"),
    _bill("00n4", "00901C", "OWC-12", "64.10"),
    _bill("00n5", "00901A", "HP-2010", "300.00", due="150.00"),
]


def _verdicts(process_date=DAY, trusted=True, banks=({"id": "bac1"},), applied_credits=None):
    rows = [r for r in read_export(DATA / "qbo_unpaid_bills.csv") if r.vendor != "Orchard Water Co"]
    rows += read_export(DATA / "qbo_unpaid_bills.csv")[-2:-1]  # OWC-12
    rows += [
        r for r in read_export(DATA / "xero_aged_payables.csv") if r.invoice_number == "HP-2010"
    ]
    fix_dates = {b["invoice"]["invoiceNumber"]: b for b in BILLS}
    for r in rows:  # the bills in BILL carry the export's due dates
        if r.invoice_number in fix_dates:
            fix_dates[r.invoice_number]["dueDate"] = r.due_date.isoformat()
    plan = build_plan(rows, list(VENDORS.values()), BILLS)
    return {
        (v.row.invoice_number, v.row.line): v
        for v in check_run(
            plan,
            bills={b["id"]: b for b in BILLS},
            vendors=VENDORS,
            verified_banks=list(banks),
            trusted=trusted,
            process_date=process_date,
            is_business_day=lambda d: d.weekday() < 5 and d != dt.date(2026, 12, 25),
            earliest_for_vendor=lambda v: DAY + dt.timedelta(days=2) if v.get("new_bank") else DAY,
            applied_credits=applied_credits,
        )
    }


def _by_invoice(verdicts, number):
    return [v for (n, _), v in sorted(verdicts.items()) if n == number]


def test_each_trap_has_its_reason():
    v = _verdicts()
    assert _by_invoice(v, "HP-2001")[0].go
    first, second = _by_invoice(v, "HP-2002")
    assert first.reason.startswith("already paid or scheduled")
    assert second.reason.startswith("duplicate invoice")
    assert _by_invoice(v, "SCR-1140")[0].reason.startswith("too soon")
    assert "2026-12-10" in _by_invoice(v, "SCR-1140")[0].reason
    assert _by_invoice(v, "OWC-12")[0].reason.startswith("vendor has no payment details")
    assert _by_invoice(v, "HP-2010")[0].reason.startswith("amount 200.00 is over")
    # Vendors not in BILL yet: their bills are created before any verdict can be "go".
    assert _by_invoice(v, "NW-5001")[0].reason.startswith("the bill is not in BILL")
    assert not any(x.go for x in v.values() if x.row.invoice_number != "HP-2001")


def test_run_wide_problems_stop_every_bill():
    for kwargs, reason in [
        ({"trusted": False}, "session not trusted"),
        ({"banks": ()}, "no verified funding bank account"),
        ({"process_date": dt.date(2026, 12, 25)}, "not a business day"),
        ({"process_date": dt.date(2026, 12, 12)}, "not a business day"),
    ]:
        verdicts = _verdicts(**kwargs).values()
        assert all(reason in v.reason and not v.go for v in verdicts), reason


def test_a_bill_a_vendor_credit_reduced_is_not_paid_in_full(monkeypatch):
    """Issue 25: HP-2001 (1,250.00 in the export) has a 50.00 vendor credit applied in BILL, so
    only 1,200.00 is due; the run must not pay the export's full amount. Also when a dueAmount
    left the credit out: the bill's other amounts still say what is covered. Without the credits
    themselves (``applied_credits``) nothing explains the gap, so it stays no-go
    (test_go_no_go_credits.py: the credits given, it is go with the dueAmount)."""
    original = BILLS[0]
    credited = {**original, "creditAmount": Decimal("50.00"), "paidAmount": Decimal("0")}
    for due in ("1200.00", "1250.00"):
        bill = {**credited, "dueAmount": Decimal(due), "scheduledAmount": Decimal("0")}
        assert BILLS[0]["id"] == original["id"]
        monkeypatch.setitem(globals(), "BILLS", [bill, *BILLS[1:]])
        verdict = _by_invoice(_verdicts(), "HP-2001")[0]
        assert not verdict.go
        assert verdict.reason == "amount 1250.00 is over the bill's dueAmount 1200.00"
