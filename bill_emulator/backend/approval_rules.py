"""bill_emulator.backend.approval_rules
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's bill approval rules as pure functions: a policy's body checked, a bill matched against
policies, the approvers a matching bill gets, and whose turn it is.

Sources (rows AP1-AP9 of ``docs/api-fidelity.md``): BILL's collection ("Create a bill approval
policy": ``policyName``, ``rules[] {key, op, values}``, ``approvers`` as user ids in the request
and ``{users, groups}`` in the answer; the rule keys of its samples), its bill approvals page
and the changelogs of 2025-09-22 (``approvalStatus`` ``ASSIGNED``, ``approvers[] {userId, status
WAITING, approverOrder, statusChangedTime}``) and 2025-11-05 (the approvals of a v3 bill must be
complete before it can be paid through the API).

Why pure: the mixin (``approvals.py``) only loads and saves; every decision here can be tested
without a store.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bill_emulator.backend import validation as v
from bill_emulator.backend.errors import ValidationFailed

#: The rule keys of BILL's samples, and where each looks in a bill.
RULE_KEYS = ("BILL_AMOUNT", "VENDOR_ID", "CHART_OF_ACCOUNT_ID", "JOB_ID", "LOCATION_ID")
LINE_KEYS = {
    "CHART_OF_ACCOUNT_ID": "chartOfAccountId",
    "JOB_ID": "jobId",
    "LOCATION_ID": "locationId",
}
#: Operators (BILL's list operators; which apply to which key is the kit's choice).
AMOUNT_OPS = ("eq", "gt", "gte", "lt", "lte")
ID_OPS = ("eq", "in")
#: Bounds (the kit's; BILL documents none).
MAX_RULES = 10
MAX_VALUES = 50
MAX_APPROVERS = 10
MAX_POLICIES = 100
NAME_MAX = 100
COMMENT_MAX = 4000
ACTIONS = ("APPROVE", "DENY")
#: ``approvalStatus`` values: BILL's samples, plus ``UNASSIGNED`` for a bill no policy matches
#: (the kit's, row B1).
NO_POLICY = "UNASSIGNED"
WAITING = "ASSIGNED"
#: Statuses under which a bill may not be paid (AP7).
UNPAYABLE = ("ASSIGNED", "DENIED")


def _amount_cents(raw: object, path: str) -> int:
    """A policy's amount: BILL's example sends it as a string (``"1000"``); a number works too."""
    if isinstance(raw, str):
        try:
            raw = Decimal(raw.strip())
        except InvalidOperation:
            raise ValidationFailed(path, f'must be an amount such as "1000", not {raw!r}') from None
    return v.money(raw, path, allow_zero=True)


def parse_rules(body: dict) -> list[dict]:
    """``rules`` of a policy body -> stored rules: ``{key, op, values: [{value, displayName}]}``
    plus the private ``_cents`` (an amount rule) used to match."""
    rules = body.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ValidationFailed("rules", "must be a list of at least one rule {key, op, values}")
    if len(rules) > MAX_RULES:
        raise ValidationFailed("rules", f"must hold at most {MAX_RULES} rules")
    out, seen = [], set()
    for i, rule in enumerate(rules):
        path = f"rules[{i}]"
        if not isinstance(rule, dict):
            raise ValidationFailed(path, "must be an object {key, op, values}")
        key = v.enum(rule, "key", RULE_KEYS, f"{path}.key", required=True)
        if key in seen:
            raise ValidationFailed(f"{path}.key", f"{key} is given twice; one rule a key")
        seen.add(key)
        ops = AMOUNT_OPS if key == "BILL_AMOUNT" else ID_OPS
        op = v.enum(rule, "op", ops, f"{path}.op", required=True)
        values = rule.get("values")
        if not isinstance(values, list) or not values or len(values) > MAX_VALUES:
            raise ValidationFailed(f"{path}.values", f"must be a list of 1 to {MAX_VALUES} values")
        if op != "in" and len(values) != 1:
            raise ValidationFailed(f"{path}.values", f"op {op} takes exactly one value")
        stored: dict = {"key": key, "op": op, "values": []}
        for j, value in enumerate(values):
            vpath = f"{path}.values[{j}]"
            if key == "BILL_AMOUNT":
                cents = _amount_cents(value, vpath)
                stored["_cents"] = cents
                text = str(v.to_decimal(cents))
            else:
                if not isinstance(value, str) or not value.strip() or len(value) > 100:
                    raise ValidationFailed(vpath, "must be an id (a string of 1 to 100 characters)")
                if key == "VENDOR_ID" and not value.startswith("009"):
                    raise ValidationFailed(vpath, "must be a vendor id beginning with 009")
                text = value
            stored["values"].append({"value": text, "displayName": text})
        out.append(stored)
    return out


def parse_approvers(body: dict) -> list[str]:
    """``approvers``: 1 to 10 distinct user ids, in the order they approve."""
    approvers = body.get("approvers")
    if not isinstance(approvers, list) or not approvers:
        raise ValidationFailed("approvers", "must be a list of at least one user id")
    if len(approvers) > MAX_APPROVERS:
        raise ValidationFailed("approvers", f"must hold at most {MAX_APPROVERS} user ids")
    for i, user_id in enumerate(approvers):
        if not isinstance(user_id, str) or not user_id.startswith("006") or len(user_id) > 40:
            raise ValidationFailed(f"approvers[{i}]", "must be a user id beginning with 006")
    if len(set(approvers)) != len(approvers):
        raise ValidationFailed("approvers", "names a user twice")
    return list(approvers)


def policy_name(body: dict) -> str:
    name = v.string(body, "policyName", required=True, max_len=NAME_MAX)
    return name.strip()


def _rule_holds(rule: dict, bill: dict) -> bool:
    key, op = rule["key"], rule["op"]
    if key == "BILL_AMOUNT":
        amount, limit = bill["amount"], rule["_cents"]
        return {
            "eq": amount == limit,
            "gt": amount > limit,
            "gte": amount >= limit,
            "lt": amount < limit,
            "lte": amount <= limit,
        }[op]
    wanted = {item["value"] for item in rule["values"]}
    if key == "VENDOR_ID":
        return bill["vendorId"] in wanted
    field = LINE_KEYS[key]
    return any(
        line.get("classifications", {}).get(field) in wanted for line in bill["billLineItems"]
    )


def matches(policy: dict, bill: dict) -> bool:
    """Every rule of the policy holds for the bill (rules are ANDed)."""
    return all(_rule_holds(rule, bill) for rule in policy["rules"])


def approvers_for(policies: list[dict], bill: dict) -> list[str]:
    """The user ids that must approve ``bill``: each matching policy's approvers in turn (oldest
    policy first), each user once."""
    out: list[str] = []
    for policy in policies:
        if matches(policy, bill):
            out += [user for user in policy["_approvers"] if user not in out]
    return out


def basis(bill: dict) -> list:
    """What policies look at in a bill; when it changes, the policies are matched again."""
    lines = [  # lists, not tuples: the stored copy comes back from JSON
        [[k, val] for k, val in sorted((line.get("classifications") or {}).items())]
        for line in bill["billLineItems"]
    ]
    return [bill["amount"], bill["vendorId"], lines]


def assign(bill: dict, approvers: list[str], now: str) -> None:
    """Write ``approvalStatus`` (and ``approvers``) for a bill whose approvers are ``approvers``."""
    bill["_approvalBasis"] = basis(bill)
    if not approvers:
        bill["approvalStatus"] = NO_POLICY
        bill.pop("approvers", None)
        return
    bill["approvalStatus"] = WAITING
    bill["approvers"] = [
        {"userId": user, "status": "WAITING", "approverOrder": order, "statusChangedTime": now}
        for order, user in enumerate(approvers)
    ]


def current_approver(bill: dict) -> str | None:
    """Whose turn it is: the first approver still ``WAITING`` of an ``ASSIGNED`` bill."""
    if bill.get("approvalStatus") != WAITING:
        return None
    for entry in bill.get("approvers", []):
        if entry["status"] == "WAITING":
            return entry["userId"]
    return None  # pragma: no cover - an ASSIGNED bill always has one waiting


def act(bill: dict, user_id: str, action: str, comment: str | None, now: str) -> None:
    """Record the current approver's decision: approve (the next approver's turn, or the bill
    is ``APPROVED``) or deny (the bill is ``DENIED``; its approval flow stops)."""
    entry = next(e for e in bill["approvers"] if e["status"] == "WAITING")
    assert entry["userId"] == user_id
    entry["status"] = "APPROVED" if action == "APPROVE" else "DENIED"
    entry["statusChangedTime"] = now
    if comment:
        entry["_comment"] = comment
    if action == "DENY":
        bill["approvalStatus"] = "DENIED"
    elif all(e["status"] == "APPROVED" for e in bill["approvers"]):
        bill["approvalStatus"] = "APPROVED"


def payable_problem(bill: dict) -> str | None:
    """Why a bill may not be paid yet (``None`` when approvals allow it)."""
    status = bill.get("approvalStatus")
    if status == "DENIED":
        return (
            f"bill {bill['id']} was denied by its approver (approvalStatus DENIED) and cannot be"
            " paid; change its amount, vendor or lines (its approval policies then run again) or"
            " archive it"
        )
    if status == WAITING:
        return (
            f"bill {bill['id']} is waiting for approval (approvalStatus ASSIGNED, next approver"
            f" {current_approver(bill)}); approve it with POST /v3/bill-approvals/actions first"
        )
    return None
