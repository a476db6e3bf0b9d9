"""``billhelpers.rules.approvals`` with exact answers: which bills approvals hold back, and the
policy, decision and recurring-bill checks (field, message and hint of every refusal).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from billhelpers.exceptions import InputError
from billhelpers.rules import approvals

USER = "00601DEMOUSER0000001"
BILL = "00n01DEMOBILL0000001"
VENDOR = "00901DEMOVENDOR00001"


def _error(call, *args, **kwargs) -> tuple[str | None, str, str | None]:
    with pytest.raises(InputError) as info:
        call(*args, **kwargs)
    return info.value.field, info.value.message, info.value.hint


def test_unapproved_says_why_exactly():
    assert approvals.unapproved({"approvalStatus": "DENIED"}) == (
        "was denied by its approver (approvalStatus DENIED)"
    )
    assert approvals.unapproved({"approvalStatus": "ASSIGNED"}) == (
        "is waiting for approval (approvalStatus ASSIGNED)"
    )
    for status in ("APPROVED", "UNASSIGNED", "UNDEFINED", None):
        assert approvals.unapproved({"approvalStatus": status}) is None
    assert approvals.unapproved({}) is None  # an organization without approvals
    assert approvals.UNPAYABLE == ("ASSIGNED", "DENIED")


@pytest.mark.parametrize("status", ["denied", "PENDING", "REROUTED", " APPROVED", "", 0, ["X"]])
def test_an_approval_status_the_kit_does_not_know_is_not_paid(status):
    """Red team (issue 25): ``unapproved`` listed the statuses that stop a payment, so any other
    value (a lower-case ``denied``, a status BILL adds later) paid the bill. Now only the known
    payable ones pay (wrongly held costs a person a look; wrongly paid pays an unapproved bill)."""
    assert approvals.unapproved({"approvalStatus": status}) == (
        f"has approvalStatus {status!r}, which the kit does not know as payable (APPROVED, "
        "UNASSIGNED, UNDEFINED or none); look at its approvals in BILL before paying"
    )


# -- policies -------------------------------------------------------------------------------------

POLICY = {
    "policyName": "Bills of $1000 or more",
    "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": [1000, "0", Decimal("12.5")]}],
    "approvers": [USER],
}


def test_check_policy_writes_amounts_as_text_in_a_copy():
    body = check = approvals.check_policy(POLICY)
    assert check == {**POLICY, "rules": [{**POLICY["rules"][0], "values": ["1000", "0", "12.5"]}]}
    assert POLICY["rules"][0]["values"][0] == 1000  # the caller's body is untouched
    vendor_rule = {"key": "VENDOR_ID", "op": "in", "values": [VENDOR]}
    assert approvals.check_policy({**POLICY, "rules": [vendor_rule]})["rules"] == [vendor_rule]
    assert body is not POLICY


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("x", ("policy", "must be a dict", "pass {'policyName': ..., 'rules': [...], ...}")),
        (
            {**POLICY, "policyName": "  "},
            ("policyName", "is required", "name the policy, e.g. 'Bills of $1000 or more'"),
        ),
        (
            {**POLICY, "policyName": 5},
            ("policyName", "is required", "name the policy, e.g. 'Bills of $1000 or more'"),
        ),
        (
            {**POLICY, "rules": []},
            ("rules", "needs at least one rule", "e.g. [{'key': 'BILL_AMOUNT', 'op': 'gte', ...}]"),
        ),
        (
            {**POLICY, "rules": {"key": "BILL_AMOUNT"}},
            ("rules", "needs at least one rule", "e.g. [{'key': 'BILL_AMOUNT', 'op': 'gte', ...}]"),
        ),
        (
            {**POLICY, "rules": [{"key": "AMOUNT", "values": ["1"]}]},
            ("rules[0].key", "is not a rule key BILL takes", f"use one of {approvals.RULE_KEYS}"),
        ),
        (
            {**POLICY, "rules": ["BILL_AMOUNT"]},
            ("rules[0].key", "is not a rule key BILL takes", f"use one of {approvals.RULE_KEYS}"),
        ),
        (
            {**POLICY, "rules": [{"key": "JOB_ID", "values": []}]},
            ("rules[0].values", "needs at least one value", "e.g. ['1000']"),
        ),
        (
            {**POLICY, "rules": [{"key": "JOB_ID", "values": "1"}]},
            ("rules[0].values", "needs at least one value", "e.g. ['1000']"),
        ),
        (
            {**POLICY, "rules": [{"key": "BILL_AMOUNT", "values": ["-1"]}]},
            (
                "rules[0].values",
                "-1 must be zero or more",
                "amounts are positive; credits are not payments",
            ),
        ),
        (
            {**POLICY, "approvers": []},
            ("approvers", "needs at least one user id", "e.g. [client.session_info()['userId']]"),
        ),
        (
            {**POLICY, "approvers": USER},
            ("approvers", "needs at least one user id", "e.g. [client.session_info()['userId']]"),
        ),
        (
            {**POLICY, "approvers": [USER, "00901DEMOVENDOR00001"]},
            (
                "approvers[1]",
                "'00901DEMOVENDOR00001' is not an id (20 characters beginning with 006)",
                "copy the id from the create response or a listing",
            ),
        ),
        (
            {**POLICY, "approvers": [USER + "1"]},
            (
                "approvers[0]",
                f"{USER + '1'!r} is not an id (20 characters beginning with 006)",
                "copy the id from the create response or a listing",
            ),
        ),
    ],
    ids=[
        "not-dict",
        "blank-name",
        "name-not-text",
        "no-rules",
        "rules-not-list",
        "bad-key",
        "rule-not-dict",
        "no-values",
        "values-not-list",
        "negative-amount",
        "no-approvers",
        "approvers-not-list",
        "approver-not-user",
        "approver-too-long",
    ],
)
def test_check_policy_refusals(body, expected):
    assert _error(approvals.check_policy, body) == expected


# -- decisions ------------------------------------------------------------------------------------


def test_check_decisions_copies_each_and_takes_up_to_a_hundred():
    decisions = [{"billId": f" {BILL} ", "action": "APPROVE", "comment": "ok"}]
    out = approvals.check_decisions(decisions)
    assert out == decisions and out[0] is not decisions[0]
    hundred = [{"billId": f"00n{i:017d}", "action": "DENY"} for i in range(100)]
    assert len(approvals.check_decisions(hundred)) == 100
    hundred.append({"billId": BILL, "action": "DENY"})
    assert _error(approvals.check_decisions, hundred) == (
        "actions",
        "holds 101 decisions",
        "send at most 100 a call",
    )


@pytest.mark.parametrize(
    ("decisions", "expected"),
    [
        ([], ("actions", "needs at least one decision", "pass [{'billId': ..., 'action': ...}]")),
        (
            {"billId": BILL},
            ("actions", "needs at least one decision", "pass [{'billId': ..., 'action': ...}]"),
        ),
        (["x"], ("[0]", "must be a dict", "pass {'billId': ..., 'action': 'APPROVE'}")),
        (
            [{"billId": "00n1", "action": "APPROVE"}],
            (
                "[0].billId",
                "'00n1' is not an id (20 characters beginning with 00n)",
                "copy the id from the create response or a listing",
            ),
        ),
        (
            [{"billId": BILL, "action": "approve"}],
            ("[0].action", "'approve' is not an action", "APPROVE or DENY"),
        ),
        (
            [{"billId": BILL, "action": "APPROVE"}, {"billId": BILL, "action": "DENY"}],
            ("[1].billId", f"bill {BILL} is named twice", "decide each bill once"),
        ),
    ],
    ids=["empty", "not-list", "not-dict", "bad-bill", "lower-case-action", "twice"],
)
def test_check_decisions_refusals(decisions, expected):
    assert _error(approvals.check_decisions, decisions) == expected


# -- recurring bills ------------------------------------------------------------------------------

RECURRING = {
    "vendorId": VENDOR,
    "schedule": {"period": "MONTHLY", "frequency": 1, "nextDueDate": "2027-01-05"},
    "recurringBillLineItems": [{"amount": "120.00", "description": "rent"}],
}


def test_check_recurring_bill_normalises_a_copy():
    given = {**RECURRING, "vendorId": f" {VENDOR}"}
    given["schedule"] = {**RECURRING["schedule"], "endDate": "2027-12-05"}
    assert approvals.check_recurring_bill(given) == {
        "vendorId": VENDOR,
        "schedule": {
            "period": "MONTHLY",
            "frequency": 1,
            "nextDueDate": "2027-01-05",
            "endDate": "2027-12-05",
        },
        "recurringBillLineItems": [{"amount": Decimal("120.00"), "description": "rent"}],
    }
    assert given["recurringBillLineItems"][0]["amount"] == "120.00"


def test_check_recurring_bill_partial_checks_only_what_is_given():
    assert approvals.check_recurring_bill({}, partial=True) == {}
    assert approvals.check_recurring_bill({"schedule": {"frequency": 2}}, partial=True) == {
        "schedule": {"frequency": 2}
    }
    assert approvals.check_recurring_bill(
        {"recurringBillLineItems": [{"description": "d"}]}, partial=True
    ) == {"recurringBillLineItems": [{"description": "d"}]}
    assert _error(
        approvals.check_recurring_bill, {"schedule": {"period": "HOURLY"}}, partial=True
    ) == (
        "schedule.period",
        "'HOURLY' is not a period",
        f"use one of {approvals.PERIODS}",
    )
    assert _error(approvals.check_recurring_bill, {"schedule": {"endDate": "x"}}, partial=True) == (
        "schedule.endDate",
        "'x' is not a date",
        "write it as yyyy-MM-dd, e.g. 2026-12-31",
    )
    assert _error(approvals.check_recurring_bill, {"vendorId": None}, partial=True)[0] == "vendorId"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"vendorId": "009x"},
            (
                "vendorId",
                "'009x' is not a vendorId (20 characters beginning with 009)",
                "copy the id from the create response or a listing",
            ),
        ),
        (
            {"schedule": None},
            ("schedule", "is required", "e.g. {'period': 'MONTHLY', 'frequency': 1, ...}"),
        ),
        (
            {"schedule": {"frequency": 1, "nextDueDate": "2027-01-05"}},
            ("schedule.period", "None is not a period", f"use one of {approvals.PERIODS}"),
        ),
        (
            {"schedule": {"period": "WEEKLY", "frequency": 0, "nextDueDate": "2027-01-05"}},
            ("schedule.frequency", "must be a whole number of 1 or more", "e.g. 1"),
        ),
        (
            {"schedule": {"period": "WEEKLY", "frequency": True, "nextDueDate": "2027-01-05"}},
            ("schedule.frequency", "must be a whole number of 1 or more", "e.g. 1"),
        ),
        (
            {"schedule": {"period": "WEEKLY", "frequency": 1.0, "nextDueDate": "2027-01-05"}},
            ("schedule.frequency", "must be a whole number of 1 or more", "e.g. 1"),
        ),
        (
            {"schedule": {"period": "YEARLY", "frequency": 1}},
            (
                "schedule.nextDueDate",
                "None is not a date",
                "write it as yyyy-MM-dd, e.g. 2026-12-31",
            ),
        ),
        (
            {"recurringBillLineItems": []},
            ("recurringBillLineItems", "needs at least one line", "e.g. [{'amount': ...}]"),
        ),
        (
            {"recurringBillLineItems": {"amount": 1}},
            ("recurringBillLineItems", "needs at least one line", "e.g. [{'amount': ...}]"),
        ),
        (
            {"recurringBillLineItems": [5]},
            ("recurringBillLineItems[0]", "must be a dict", "{'amount': ...}"),
        ),
        (
            {"recurringBillLineItems": [{"description": "no amount"}]},
            (
                "recurringBillLineItems[0].amount",
                "None is not an amount",
                "give a number such as Decimal('125.50')",
            ),
        ),
        ("body", ("recurringBill", "must be a dict", "pass the JSON body BILL's docs show")),
    ],
    ids=[
        "vendor",
        "no-schedule",
        "no-period",
        "frequency-zero",
        "frequency-bool",
        "frequency-float",
        "no-next-due",
        "no-lines",
        "lines-not-list",
        "line-not-dict",
        "line-no-amount",
        "not-dict",
    ],
)
def test_check_recurring_bill_refusals(change, expected):
    body = change if isinstance(change, str) else {**RECURRING, **change}
    assert _error(approvals.check_recurring_bill, body) == expected


def test_a_partial_recurring_bill_still_checks_what_it_gives():
    assert approvals.check_recurring_bill(
        {"recurringBillLineItems": [{"amount": "5.50"}]}, partial=True
    ) == {"recurringBillLineItems": [{"amount": Decimal("5.50")}]}
    assert _error(
        approvals.check_recurring_bill, {"recurringBillLineItems": [{"amount": "-1"}]}, partial=True
    ) == (
        "recurringBillLineItems[0].amount",
        "-1 must be more than zero",
        "amounts are positive; credits are not payments",
    )
    assert _error(approvals.check_recurring_bill, {"schedule": {"frequency": 0}}, partial=True) == (
        "schedule.frequency",
        "must be a whole number of 1 or more",
        "e.g. 1",
    )
