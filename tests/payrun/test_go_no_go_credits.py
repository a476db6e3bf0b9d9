"""A gap between the export's open balance and BILL's ``dueAmount`` that the vendor credits
applied in BILL explain to the cent is go, at BILL's ``dueAmount`` (never the export's amount);
any other gap stays no-go (issue 25)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import test_go_no_go as run
from hypothesis import given, settings
from hypothesis import strategies as st

from billhelpers.rules import payment_identity as identity

CREDIT = {"id": "vcr01SBX000000000001", "referenceNumber": "CM-118", "amount": Decimal("50.00")}


def _hp2001(monkeypatch, *, due="1200.00", credit="50.00", scheduled="0", **extra):
    """HP-2001 (1,250.00 in the export, a go otherwise) with ``credit`` applied in BILL."""
    bill = {
        **run.BILLS[0],
        "dueAmount": Decimal(due),
        "creditAmount": Decimal(credit),
        "paidAmount": Decimal("0"),
        "scheduledAmount": Decimal(scheduled),
        **extra,
    }
    monkeypatch.setattr(run, "BILLS", [bill, *run.BILLS[1:]])
    return bill


def _verdict(credits):
    [verdict] = run._by_invoice(run._verdicts(applied_credits={"00n1": credits}), "HP-2001")
    return verdict


def test_credits_that_explain_the_gap_make_it_go_at_the_due_amount(monkeypatch):
    _hp2001(monkeypatch)
    verdict = _verdict([CREDIT])
    assert verdict.go
    assert verdict.amount == Decimal("1200.00")  # BILL's dueAmount, not the export's 1250.00
    assert verdict.credits == [CREDIT]
    assert verdict.reason == (
        "pay 1200.00 on 2026-12-08 (dueAmount: the export's 1250.00 less vendor credits "
        "CM-118 50.00)"
    )


def test_two_credits_together_explain_the_gap(monkeypatch):
    _hp2001(monkeypatch, due="1180.00", credit="70.00")
    second = {"id": "vcr01SBX000000000002", "referenceNumber": None, "amount": Decimal("20.00")}
    verdict = _verdict([CREDIT, second])
    assert (verdict.go, verdict.amount) == (True, Decimal("1180.00"))
    assert verdict.reason.endswith("credits CM-118 50.00, vcr01SBX000000000002 20.00)")


def test_a_due_amount_that_left_the_credit_out_is_still_paid_no_more_than_is_due(monkeypatch):
    bill = _hp2001(monkeypatch, due="1250.00")  # amount − creditAmount says 1200.00
    verdict = _verdict([CREDIT])
    assert (verdict.go, verdict.amount) == (True, Decimal("1200.00"))
    assert verdict.amount <= identity.due_amount(bill)


@pytest.mark.parametrize(
    ("bill", "credits", "why"),
    [
        (
            {"credit": "20.00", "paidAmount": Decimal("30.00")},
            [{**CREDIT, "amount": Decimal("20.00")}],
            "the credit explains 20.00 of the 50.00 gap (30.00 paid outside BILL)",
        ),
        ({}, [{**CREDIT, "amount": Decimal("30.00")}], "the credits say 30.00, the gap is 50.00"),
        ({"credit": "40.00"}, [CREDIT], "the bill's creditAmount disagrees"),
        ({"creditAmount": None}, [CREDIT], "the bill shows no creditAmount"),
        ({"due": "1150.00", "scheduled": "50.00", "credit": "50.00"}, [CREDIT], "a payment too"),
        ({}, [], "no credit known"),
    ],
)
def test_any_other_gap_stays_no_go(monkeypatch, bill, credits, why):
    extra = {k: v for k, v in bill.items() if k not in ("due", "credit", "scheduled")}
    _hp2001(
        monkeypatch,
        **{k: v for k, v in bill.items() if k in ("due", "credit", "scheduled")},
        **extra,
    )
    verdict = _verdict(credits)
    assert not verdict.go, why
    assert verdict.reason.startswith("amount 1250.00 is over the bill's dueAmount"), why
    assert verdict.credits == []


def test_no_gap_needs_no_credit_and_pays_the_exports_amount(monkeypatch):
    """Nothing lowered the bill in BILL: a credit named for it explains no gap, changes nothing."""
    _hp2001(monkeypatch, due="1250.00", credit="0")
    verdict = _verdict([CREDIT])
    assert (verdict.go, verdict.amount, verdict.credits) == (True, Decimal("1250.00"), [])
    assert verdict.reason == "pay 1250.00 on 2026-12-08"


def test_other_problems_still_win_over_a_credit(monkeypatch):
    _hp2001(monkeypatch, approvalStatus="ASSIGNED")
    verdict = _verdict([CREDIT])
    assert not verdict.go and verdict.reason.startswith("not approved")


CENTS = st.integers(min_value=0, max_value=150_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=300, deadline=None)
@given(
    due=CENTS,
    credit=CENTS,
    scheduled=CENTS,
    applied=st.lists(CENTS.filter(lambda a: a > 0), max_size=3),
    consistent=st.booleans(),
)
def test_a_go_never_pays_more_than_is_due_nor_less_than_the_export_without_a_reason(
    due, credit, scheduled, applied, consistent
):
    """Any bill, any credits: a go pays at most BILL's due amount, and it pays something other
    than the export's open balance only when the credits explain the gap to the cent. Half the
    cases make the bill agree with its credits (creditAmount their total, dueAmount the rest),
    so that path is searched as hard as the others."""
    if consistent:
        credit, scheduled = sum(applied, Decimal(0)), Decimal(0)
        due = max(Decimal("1250.00") - credit, Decimal(0))
    credits = [
        {**CREDIT, "id": f"vcr01SBX00000000000{i}", "amount": a} for i, a in enumerate(applied)
    ]
    with pytest.MonkeyPatch.context() as mp:
        bill = _hp2001(mp, due=str(due), credit=str(credit), scheduled=str(scheduled))
        verdict = _verdict(credits)
    if not verdict.go:
        return
    assert verdict.amount <= identity.due_amount(bill)
    if verdict.amount != Decimal("1250.00"):
        assert Decimal("1250.00") - verdict.amount == sum(applied, Decimal(0)) == credit
        assert verdict.credits == credits
