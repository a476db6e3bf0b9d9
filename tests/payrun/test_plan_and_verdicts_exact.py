"""The dry-run plan and the go/no-go verdicts with exact answers, row by row (pure, no HTTP).

Each case builds the rows it needs and pins the whole outcome: a plan row's statuses and
reasons, a verdict's go, reason, bill, vendor and amount, and the two tables a person reads
before confirming a run (``payrun/plan.py`` and ``payrun/go_no_go.py`` in the mutation run).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billhelpers.payrun.exports import ExportRow
from billhelpers.payrun.go_no_go import Verdict, check_run, verdict_frame
from billhelpers.payrun.plan import PlanRow, build_plan, plan_frame

DAY = dt.date(2026, 12, 8)  # a Tuesday
DUE = dt.date(2026, 12, 2)
ACME = {"id": "00901ACME", "name": "Acme Supplies"}
BANKED = {**ACME, "paymentInformation": {"bankAccount": {"accountNumber": "1234"}}}


def _row(line=6, vendor="Acme Supplies", number="A-1", amount="100.00", open_amount=None, due=DUE):
    return ExportRow(
        line=line,
        vendor=vendor,
        invoice_number=number,
        invoice_date=dt.date(2026, 11, 2),
        due_date=due,
        amount=Decimal(amount),
        open_amount=Decimal(open_amount or amount),
        source="the export",
    )


def _bill(bid="00n1", number="A-1", amount="100.00", due="2026-12-02", **extra):
    return {
        "id": bid,
        "vendorId": ACME["id"],
        "invoice": {"invoiceNumber": number},
        "amount": Decimal(amount),
        "dueAmount": Decimal(amount),
        "dueDate": due,
        **extra,
    }


# -- the plan ----------------------------------------------------------------------------------


def test_plan_rows_carry_the_export_and_the_vendor():
    [row] = build_plan([_row()], [ACME], [])
    assert row == PlanRow(
        line=6,
        vendor_name="Acme Supplies",
        invoice_number="A-1",
        amount=Decimal("100.00"),
        open_amount=Decimal("100.00"),
        invoice_date=dt.date(2026, 11, 2),
        due_date=DUE,
        vendor_status="matched",
        vendor_id="00901ACME",
        vendor_reason="same name as vendor 00901ACME",
        bill_status="new",
        bill_id=None,
        bill_reason="not in BILL yet: it will be created",
    )
    assert row.key == ("00901ACME", "a-1")  # the invoice number as it reads


def test_a_new_vendor_has_no_id_and_its_key_is_the_name():
    [row] = build_plan([_row(vendor="New Vendor LLC")], [ACME], [])
    assert (row.vendor_status, row.vendor_id, row.bill_status) == ("new", None, "new")
    assert row.key == ("new vendor llc", "a-1")


def test_a_person_confirms_a_fuzzy_vendor():
    rows = [_row(vendor="Acme Supplier")]
    [fuzzy] = build_plan(rows, [ACME], [])
    assert (fuzzy.vendor_status, fuzzy.vendor_id, fuzzy.bill_status) == ("fuzzy", None, "blocked")
    assert fuzzy.bill_reason == "settle the vendor first"
    [confirmed] = build_plan(rows, [ACME], [], confirmed={"Acme Supplier": "00901ACME"})
    assert (confirmed.vendor_status, confirmed.vendor_id) == ("matched", "00901ACME")
    assert confirmed.vendor_reason == "confirmed as vendor 00901ACME"
    [unknown] = build_plan(rows, [ACME], [], confirmed={"Acme Supplier": "00901NOPE"})
    assert unknown.vendor_status == "fuzzy"


def test_bills_already_in_bill_changed_and_duplicated():
    rows = [
        _row(line=6, number="A-1"),
        _row(line=7, number="A-2", amount="50.00"),
        _row(line=8, number="A-3", due=dt.date(2026, 12, 9)),
        _row(line=9, number="A-1"),
        _row(line=10, number="A-4", amount="80.00", open_amount="30.00"),
    ]
    bills = [
        _bill("00n1", "A-1"),
        _bill("00n2", "A-2", amount="55.00"),
        _bill("00n3", "A-3"),
        _bill("00n4", "A-4", amount="30.00"),  # BILL shows the open amount: the same bill
        _bill("00n9", "A-2", archived=True),
    ]
    plan = build_plan(rows, [ACME], bills)
    assert [(p.bill_status, p.bill_id, p.bill_reason) for p in plan] == [
        ("in BILL", "00n1", "already entered as 00n1"),
        (
            "changed",
            "00n2",
            "amount 55.00 in BILL, 50.00 in the file (left as BILL has it; fix by hand)",
        ),
        (
            "changed",
            "00n3",
            "due 2026-12-02 in BILL, 2026-12-09 in the file (left as BILL has it; fix by hand)",
        ),
        ("duplicate", None, "line 6 has the same vendor and invoice number"),
        ("in BILL", "00n4", "already entered as 00n4"),
    ]
    both = build_plan([_row(amount="50.00", due=dt.date(2026, 12, 9))], [ACME], [_bill()])
    assert both[0].bill_reason == (
        "amount 100.00 in BILL, 50.00 in the file; due 2026-12-02 in BILL, 2026-12-09 in the "
        "file (left as BILL has it; fix by hand)"
    )


def test_plan_frame_shows_the_reason_that_matters():
    plan = build_plan([_row(), _row(line=7, vendor="Acme Supplier", number="B-1")], [ACME], [])
    frame = plan_frame(plan)
    assert list(frame.columns) == [
        "line",
        "vendor",
        "vendor status",
        "invoice",
        "open amount",
        "due",
        "bill status",
        "why",
    ]
    assert frame.to_dict("records") == [
        {
            "line": 6,
            "vendor": "Acme Supplies",
            "vendor status": "matched",
            "invoice": "A-1",
            "open amount": Decimal("100.00"),
            "due": DUE,
            "bill status": "new",
            "why": "not in BILL yet: it will be created",
        },
        {
            "line": 7,
            "vendor": "Acme Supplier",
            "vendor status": "fuzzy",
            "invoice": "B-1",
            "open amount": Decimal("100.00"),
            "due": DUE,
            "bill status": "blocked",
            "why": "looks like 'Acme Supplies' (score 92); confirm it",
        },
    ]


# -- the verdicts ------------------------------------------------------------------------------


def _check(plan, bills, vendors, *, trusted=True, banks=({"id": "bac1"},), day=DAY, earliest=DAY):
    return check_run(
        plan,
        bills={b["id"]: b for b in bills},
        vendors={v["id"]: v for v in vendors},
        verified_banks=list(banks),
        trusted=trusted,
        process_date=day,
        is_business_day=lambda d: d.weekday() < 5,
        earliest_for_vendor=lambda vendor: earliest,
    )


def _planned(bill=None, vendor=BANKED, row=None):
    bills = [bill or _bill()]
    return build_plan([row or _row()], [vendor], bills), bills, [vendor]


def test_a_go_names_the_payment():
    [verdict] = _check(*_planned())
    assert (verdict.go, verdict.verdict, verdict.reason) == (True, "go", "pay 100.00 on 2026-12-08")
    assert (verdict.bill_id, verdict.vendor_id, verdict.amount) == (
        "00n1",
        "00901ACME",
        Decimal("100.00"),
    )


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"trusted": False}, "session not trusted: pass MFA (chapter 2) before paying"),
        ({"banks": ()}, "no verified funding bank account to pay from"),
        (
            {"day": dt.date(2026, 12, 12)},
            "process date 2026-12-12 is not a business day (weekend or bank holiday)",
        ),
        (
            {"earliest": dt.date(2026, 12, 9)},
            "too soon: the vendor's bank account is new; BILL needs 2 business days, earliest "
            "process date 2026-12-09",
        ),
    ],
    ids=["untrusted", "no-bank", "weekend", "too-soon"],
)
def test_no_go_for_the_whole_run_or_the_vendor(kwargs, reason):
    [verdict] = _check(*_planned(), **kwargs)
    assert (verdict.go, verdict.verdict, verdict.reason) == (False, "no-go", reason)
    assert (verdict.bill_id, verdict.vendor_id) == ("00n1", "00901ACME")


def test_no_go_for_the_bill():
    paid = _bill(paymentStatus="SCHEDULED")
    assert (
        _check(*_planned(paid))[0].reason == "already paid or scheduled (paymentStatus SCHEDULED)"
    )
    nothing = _bill(dueAmount=Decimal(0))
    assert _check(*_planned(nothing))[0].reason == "already paid or scheduled (paymentStatus None)"
    part = {**_bill(), "dueAmount": Decimal("60.00")}
    assert _check(*_planned(part))[0].reason == "amount 100.00 is over the bill's dueAmount 60.00"
    waiting = _bill(approvalStatus="ASSIGNED")
    assert _check(*_planned(waiting))[0].reason == (
        "not approved: the bill is waiting for approval (approvalStatus ASSIGNED)"
    )
    changed = _bill(amount="55.00")
    assert _check(*_planned(changed))[0].reason == (
        "bill differs in BILL: amount 55.00 in BILL, 100.00 in the file (left as BILL has it; "
        "fix by hand)"
    )
    [missing] = _check(build_plan([_row()], [BANKED], []), [], [BANKED])
    assert missing.reason == "the bill is not in BILL (create the bills first)"


def test_duplicates_and_unsettled_vendors_are_no_go():
    rows = [_row(), _row(line=7), _row(line=8, vendor="Acme Supplier", number="B-1")]
    verdicts = _check(build_plan(rows, [BANKED], [_bill()]), [_bill()], [BANKED])
    assert [v.reason for v in verdicts] == [
        "pay 100.00 on 2026-12-08",
        "duplicate invoice: line 6 has the same vendor and invoice number",
        "vendor not settled: looks like 'Acme Supplies' (score 92); confirm it",
    ]
    assert [v.vendor_id for v in verdicts] == ["00901ACME", "00901ACME", None]


@pytest.mark.parametrize(
    ("details", "go"),
    [
        ({"paymentInformation": {"payeeName": "Acme"}, "address": {}}, False),
        (
            {
                "paymentInformation": {"payeeName": "Acme"},
                "address": {
                    "line1": "1 Main",
                    "city": "X",
                    "zipOrPostalCode": "1",
                    "country": "US",
                },
            },
            True,
        ),
        (
            {
                "paymentInformation": {"payeeName": "Acme"},
                "address": {"line1": "1 Main", "zipOrPostalCode": "1", "country": "US"},
            },
            False,
        ),
        (
            {"address": {"line1": "1 Main", "city": "X", "zipOrPostalCode": "1", "country": "US"}},
            False,
        ),
        ({}, False),
    ],
    ids=["no-address", "check", "no-city", "no-payee", "nothing"],
)
def test_a_vendor_without_a_bank_account_is_paid_by_check_only_with_payee_and_address(details, go):
    vendor = {**ACME, **details}
    [verdict] = _check(*_planned(vendor=vendor))
    assert verdict.go is go
    if not go:
        assert verdict.reason == "vendor has no payment details (no bank account, no check address)"


def test_verdict_frame_is_the_table_a_person_confirms():
    verdicts = _check(*_planned())
    frame = verdict_frame(verdicts)
    assert frame.to_dict("records") == [
        {
            "line": 6,
            "vendor": "Acme Supplies",
            "invoice": "A-1",
            "amount": Decimal("100.00"),
            "verdict": "go",
            "reason": "pay 100.00 on 2026-12-08",
        }
    ]
    assert Verdict(row=verdicts[0].row, go=False, reason="x").verdict == "no-go"


def test_a_new_vendors_row_is_never_matched_to_a_bill_without_a_vendor():
    orphan = {**_bill("00n9", "N-1"), "vendorId": None}
    [row] = build_plan([_row(vendor="New Vendor LLC", number="N-1")], [ACME], [orphan])
    assert (row.bill_status, row.bill_id) == ("new", None)
    frame = plan_frame([row])
    assert frame.to_dict("records")[0]["why"] == "not in BILL yet: it will be created"
