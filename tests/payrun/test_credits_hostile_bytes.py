"""Money fields from the network are hostile (red team, issue 25): a bill's ``creditAmount`` or
a credit's ``usage`` amount that is not a number made the payment run's pre-flight raise
``decimal.InvalidOperation`` (a traceback, no verdicts). Now such a bill's credits are unknown,
so its gap is no-go, and the other bills get their verdicts."""

from __future__ import annotations

import types
from decimal import Decimal

import test_go_no_go as run

from billhelpers.payrun.run import PaymentRun

CREDIT = {"id": "vcr01SBX000000000001", "referenceNumber": "CM-118", "amount": Decimal("50.00")}


def _credited(monkeypatch, credit_amount):
    bill = {
        **run.BILLS[0],
        "dueAmount": Decimal("1200.00"),
        "creditAmount": credit_amount,
        "paidAmount": Decimal("0"),
        "scheduledAmount": Decimal("0"),
    }
    monkeypatch.setattr(run, "BILLS", [bill, *run.BILLS[1:]])


def test_a_credit_amount_that_is_not_a_number_is_no_go(monkeypatch):
    for hostile in ("abc", "NaN", "Infinity", [], {"x": 1}):
        _credited(monkeypatch, hostile)
        verdicts = run._verdicts(applied_credits={"00n1": [CREDIT]})
        [verdict] = run._by_invoice(verdicts, "HP-2001")
        assert (verdict.go, verdict.reason) == (
            False,
            "amount 1250.00 is over the bill's dueAmount 1200.00",
        ), hostile
        assert len(verdicts) > 1  # the other rows still get their verdicts
    _credited(monkeypatch, "1e999999")  # a number, absurd: nothing is provably due
    [verdict] = run._by_invoice(run._verdicts(applied_credits={"00n1": [CREDIT]}), "HP-2001")
    assert not verdict.go


def test_a_usage_amount_that_is_not_a_number_leaves_that_bills_credits_unknown(monkeypatch):
    credits = [
        {"id": "vcr1", "vendorId": "009A", "usage": [{"billId": "00nA", "amount": "abc"}]},
        {"id": "vcr2", "vendorId": "009A", "usage": [{"billId": "00nA", "amount": "5.00"}]},
        {"id": "vcr3", "vendorId": "009A", "usage": [{"billId": "00nB", "amount": "7.00"}]},
        {"id": "vcr4", "vendorId": "009A", "usage": [{"billId": "00nB"}]},  # no amount at all
        {"id": "vcr5", "vendorId": "009A", "usage": [{"billId": "00nC", "amount": "2.50"}]},
    ]
    client = types.SimpleNamespace(
        vendor_credits=types.SimpleNamespace(list_all=lambda flt, progress: credits)
    )
    pay_run = PaymentRun(client, [], progress=False)
    pay_run.plan = [types.SimpleNamespace(bill_id=b) for b in ("00nA", "00nB", "00nC")]
    pay_run.bills = [
        {"id": "00nA", "vendorId": "009A", "creditAmount": "x"},  # unreadable: looked at
        {"id": "00nB", "vendorId": "009A", "creditAmount": "7.00"},
        {"id": "00nC", "vendorId": "009A", "creditAmount": "2.50"},
    ]
    assert pay_run.applied_credits() == {
        "00nC": [{"id": "vcr5", "referenceNumber": None, "amount": Decimal("2.50")}]
    }
