"""
billhelpers.rules.approvals
~~~~~~~~~~~~~~~~~~~~~~~~~~~

Client-side checks for bill approvals and recurring bills, and the approval rule a payment
obeys: a bill whose ``approvalStatus`` is ``ASSIGNED`` (waiting for an approver) or ``DENIED``
cannot be paid (BILL's changelog of 2025-11-05: the approvals of a v3 bill must be complete
before it is paid through the API), and neither can one whose ``approvalStatus`` the kit does
not know (``PAYABLE`` lists the ones that pay). The emulator keeps the same fact
(``bill_emulator.backend.approval_rules.UNPAYABLE``); ``tests/client/test_approvals.py`` checks
that they agree.

Each ``check_*`` returns a normalised copy of the body (amounts as exact ``Decimal``) and raises
:class:`~billhelpers.exceptions.InputError` naming the field and the fix; what needs BILL's data
(an unknown vendor or user) is left to BILL.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping

from billhelpers.exceptions import InputError
from billhelpers.rules import checks
from billhelpers.rules.money import to_amount

#: ``approvalStatus`` values under which BILL pays nothing.
UNPAYABLE = ("ASSIGNED", "DENIED")
#: The values under which a bill may be paid: approved, no policy matched (the emulator's
#: ``UNASSIGNED``, BILL's sample ``UNDEFINED``) or none at all (no approvals). Any other value is
#: held back, as an unknown payment status is live: wrongly held costs a person a look, wrongly
#: paid pays a bill its approvers never approved.
PAYABLE = (None, "APPROVED", "UNASSIGNED", "UNDEFINED")
ACTIONS = ("APPROVE", "DENY")
#: Most decisions one ``POST /v3/bill-approvals/actions`` carries (the emulator's bound).
ACTIONS_MAX = 100
RULE_KEYS = ("BILL_AMOUNT", "VENDOR_ID", "CHART_OF_ACCOUNT_ID", "JOB_ID", "LOCATION_ID")
PERIODS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _fail(field: str, message: str, hint: str):
    raise InputError(message, field=field, hint=hint)


def unapproved(bill: Mapping) -> str | None:
    """Why ``bill`` may not be paid yet (``None`` when its approvals allow it)."""
    status = bill.get("approvalStatus")
    if status == "DENIED":
        return "was denied by its approver (approvalStatus DENIED)"
    if status == "ASSIGNED":
        return "is waiting for approval (approvalStatus ASSIGNED)"
    if isinstance(status, str | None) and status in PAYABLE:
        return None
    return (
        f"has approvalStatus {status!r}, which the kit does not know as payable (APPROVED, "
        "UNASSIGNED, UNDEFINED or none); look at its approvals in BILL before paying"
    )


def check_policy(body) -> dict:
    """A ``POST``/``PUT /v3/bill-approvals/policies`` body: ``policyName``, ``rules`` (each
    ``{key, op, values}``, values as text: ``"1000"``) and ``approvers`` (user ids)."""
    if not isinstance(body, dict):
        _fail("policy", "must be a dict", "pass {'policyName': ..., 'rules': [...], ...}")
    body = copy.deepcopy(body)
    name = body.get("policyName")
    if not isinstance(name, str) or not name.strip():
        _fail("policyName", "is required", "name the policy, e.g. 'Bills of $1000 or more'")
    rules = body.get("rules")
    if not isinstance(rules, list) or not rules:
        _fail("rules", "needs at least one rule", "e.g. [{'key': 'BILL_AMOUNT', 'op': 'gte', ...}]")
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or rule.get("key") not in RULE_KEYS:
            _fail(f"rules[{i}].key", "is not a rule key BILL takes", f"use one of {RULE_KEYS}")
        values = rule.get("values")
        if not isinstance(values, list) or not values:
            _fail(f"rules[{i}].values", "needs at least one value", "e.g. ['1000']")
        if rule["key"] == "BILL_AMOUNT":
            amounts = [
                to_amount(val, field=f"rules[{i}].values", allow_zero=True) for val in values
            ]
            rule["values"] = [str(amount) for amount in amounts]  # BILL's example: text
    approvers = body.get("approvers")
    if not isinstance(approvers, list) or not approvers:
        _fail("approvers", "needs at least one user id", "e.g. [client.session_info()['userId']]")
    for i, user in enumerate(approvers):
        checks.check_id(user, f"approvers[{i}]", "006")
    return body


def check_decisions(decisions) -> list[dict]:
    """A ``POST /v3/bill-approvals/actions`` body: 1 to 100 ``{billId, action, comment}``, each
    bill once."""
    if not isinstance(decisions, list) or not decisions:
        _fail("actions", "needs at least one decision", "pass [{'billId': ..., 'action': ...}]")
    if len(decisions) > ACTIONS_MAX:
        _fail("actions", f"holds {len(decisions)} decisions", f"send at most {ACTIONS_MAX} a call")
    seen: set[str] = set()
    out = []
    for i, item in enumerate(decisions):
        if not isinstance(item, dict):
            _fail(f"[{i}]", "must be a dict", "pass {'billId': ..., 'action': 'APPROVE'}")
        bill_id = checks.check_id(item.get("billId"), f"[{i}].billId", "00n")
        if item.get("action") not in ACTIONS:
            _fail(f"[{i}].action", f"{item.get('action')!r} is not an action", "APPROVE or DENY")
        if bill_id in seen:
            _fail(f"[{i}].billId", f"bill {bill_id} is named twice", "decide each bill once")
        seen.add(bill_id)
        out.append(dict(item))
    return out


def check_recurring_bill(body, *, partial: bool = False) -> dict:
    """A recurring bill body (``partial``: a PATCH, only the fields given): ``vendorId``,
    ``schedule`` (``period``, ``frequency``, ``nextDueDate``), ``recurringBillLineItems``
    with exact amounts."""
    if not isinstance(body, dict):
        _fail("recurringBill", "must be a dict", "pass the JSON body BILL's docs show")
    body = copy.deepcopy(body)
    if not partial or "vendorId" in body:
        body["vendorId"] = checks.check_id(body.get("vendorId"), "vendorId")
    schedule = body.get("schedule")
    if schedule is not None or not partial:
        if not isinstance(schedule, dict):
            _fail("schedule", "is required", "e.g. {'period': 'MONTHLY', 'frequency': 1, ...}")
        period = schedule.get("period")
        if (not partial or "period" in schedule) and period not in PERIODS:
            _fail("schedule.period", f"{period!r} is not a period", f"use one of {PERIODS}")
        if not partial or "frequency" in schedule:
            freq = schedule.get("frequency")
            if isinstance(freq, bool) or not isinstance(freq, int) or freq < 1:
                _fail("schedule.frequency", "must be a whole number of 1 or more", "e.g. 1")
        for key in ("nextDueDate", "endDate"):
            if key in schedule or (key == "nextDueDate" and not partial):
                schedule[key] = checks.check_date(schedule.get(key), f"schedule.{key}")
    lines = body.get("recurringBillLineItems")
    if lines is not None or not partial:
        if not isinstance(lines, list) or not lines:
            _fail("recurringBillLineItems", "needs at least one line", "e.g. [{'amount': ...}]")
        for i, line in enumerate(lines):
            if not isinstance(line, dict):
                _fail(f"recurringBillLineItems[{i}]", "must be a dict", "{'amount': ...}")
            if "amount" in line or not partial:
                line["amount"] = to_amount(
                    line.get("amount"), field=f"recurringBillLineItems[{i}].amount"
                )
    return body
