"""A payment run's go/no-go catches a bill waiting for approval or denied (issue 25)."""

from __future__ import annotations

import pytest
import test_go_no_go as run


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("ASSIGNED", "not approved: the bill is waiting for approval (approvalStatus ASSIGNED)"),
        ("DENIED", "not approved: the bill was denied by its approver (approvalStatus DENIED)"),
    ],
)
def test_an_unapproved_bill_is_no_go(monkeypatch, status, reason):
    bill = dict(run.BILLS[0], approvalStatus=status)  # HP-2001, a go otherwise
    monkeypatch.setattr(run, "BILLS", [bill, *run.BILLS[1:]])
    [verdict] = run._by_invoice(run._verdicts(), "HP-2001")
    assert (verdict.go, verdict.reason) == (False, reason)


def test_an_approved_bill_is_go(monkeypatch):
    bill = dict(run.BILLS[0], approvalStatus="APPROVED")
    monkeypatch.setattr(run, "BILLS", [bill, *run.BILLS[1:]])
    [verdict] = run._by_invoice(run._verdicts(), "HP-2001")
    assert verdict.go


def test_an_unknown_approval_status_is_no_go(monkeypatch):
    """Red team (issue 25): a status the kit does not know (here one BILL might add) was go."""
    bill = dict(run.BILLS[0], approvalStatus="PENDING")
    monkeypatch.setattr(run, "BILLS", [bill, *run.BILLS[1:]])
    [verdict] = run._by_invoice(run._verdicts(), "HP-2001")
    assert (verdict.go, verdict.reason) == (
        False,
        "not approved: the bill has approvalStatus 'PENDING', which the kit does not know as "
        "payable (APPROVED, UNASSIGNED, UNDEFINED or none); look at its approvals in BILL before "
        "paying",
    )
