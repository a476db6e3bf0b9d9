"""bill_emulator.backend.approvals
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Bill approvals (``/v3/bill-approvals``): policies, the bills waiting for the caller, approve or
deny; and the rule that an unapproved bill may not be paid.

- ``GET/POST /v3/bill-approvals/policies``, ``PUT/DELETE .../policies/{id}``: an organization's
  policies (at most 100; a deleted one is gone for good, as BILL's collection says).
- A bill is matched against the policies when it is created (by ``POST /v3/bills``, the bulk
  call or a recurring bill) and again whenever its amount, vendor or lines change: no match
  leaves ``approvalStatus`` ``UNASSIGNED``; a match makes it ``ASSIGNED`` with an ``approvers``
  array, approved in ``approverOrder``.
- ``GET /v3/bill-approvals/pending-user-approvals``: the bills whose turn is the caller's.
- ``POST /v3/bill-approvals/actions``: a JSON array of ``{billId, action, comment}``, all applied
  or none.
- A payment (single or bulk) of an ``ASSIGNED`` or ``DENIED`` bill is refused.

The rules themselves are pure functions in :mod:`~bill_emulator.backend.approval_rules`.

Hooks: ``_before_write`` (``core``: a bill is matched as it is stored) and ``_schedule``
(``payments``, which this mixin comes before in ``EmulatorBackend``'s bases: an unapproved bill
is refused before the payment's other checks). It reads bills through the store only and calls
no other mixin's methods.
"""

from __future__ import annotations

from bill_emulator.backend import approval_rules as rules
from bill_emulator.backend import classification_kinds as ck
from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import MalformedRequest, ObjectNotFound, ValidationFailed

#: Most bills one ``POST /v3/bill-approvals/actions`` decides (the kit's bound, BILL's bulk
#: bills limit).
ACTIONS_MAX = 100
#: Most bills ``pending-user-approvals`` answers (the kit's bound; BILL pages nothing here).
PENDING_MAX = 500
_BILL_PREFIX = "00n"


def _policy_view(doc: dict) -> dict:
    """A policy as BILL shows it: no times or archived flag (its schema has none)."""
    return public({key: doc[key] for key in ("id", "policyName", "status", "rules", "approvers")})


class ApprovalsMixin(BackendBase):
    # -- policies -----------------------------------------------------------------------------

    def _policies(self, org_id: str) -> list[dict]:
        """The organization's live policies, oldest first (bounded: at most MAX_POLICIES)."""
        return self.store.list_objects(
            "approvalPolicy",
            org_id,
            conditions=[],
            sort=[],
            limit=rules.MAX_POLICIES + 1,
        )

    def _policy_doc(self, caller: Caller, body: object) -> dict:
        body = v.body_object(body)
        name = rules.policy_name(body)
        parsed = rules.parse_rules(body)
        approvers = rules.parse_approvers(body)
        users = []
        for i, user_id in enumerate(approvers):
            email = self.store.user_email(caller.org_id, user_id)
            if email is None:
                raise ValidationFailed(f"approvers[{i}]", f"no user {user_id} in this organization")
            users.append({"userId": user_id, "fullName": email})
        for i, rule in enumerate(parsed):
            if rule["key"] == "BILL_AMOUNT":
                continue
            if rule["key"] == "VENDOR_ID":
                store_kind, noun = "vendor", "vendor"
            else:  # a classification: the kind a bill line names in that field
                kind = ck.BY_LINE_FIELD[rules.LINE_KEYS[rule["key"]]]
                store_kind, noun = kind.store, f"{kind.segment} object"
            for item in rule["values"]:
                found = self.store.get_object(store_kind, caller.org_id, item["value"])
                if found is None:
                    raise ValidationFailed(
                        f"rules[{i}].values", f"no {noun} {item['value']} in this organization"
                    )
                item["displayName"] = found.get("name") or item["value"]
        return {
            "policyName": name,
            "status": "ACTIVE",
            "rules": parsed,
            "approvers": {"users": users, "groups": []},
            "_approvers": approvers,
        }

    def _load_policy(self, caller: Caller, policy_id: str) -> dict:
        doc = self.store.get_object("approvalPolicy", caller.org_id, policy_id)
        if doc is None:
            raise ObjectNotFound("Bill approval policy", policy_id)
        return doc

    def list_approval_policies(self, caller: Caller) -> list[dict]:
        return [_policy_view(doc) for doc in self._policies(caller.org_id)]

    def create_approval_policy(self, caller: Caller, body: object) -> dict:
        with self.store.write():
            doc = self._policy_doc(caller, body)
            if len(self._policies(caller.org_id)) >= rules.MAX_POLICIES:
                raise ValidationFailed(
                    "policyName",
                    f"this organization has {rules.MAX_POLICIES} policies, the most the "
                    "emulator keeps; delete one first",
                )
            doc = self._insert("approvalPolicy", caller.org_id, doc)
        return _policy_view(doc)

    def replace_approval_policy(self, caller: Caller, policy_id: str, body: object) -> dict:
        """``PUT``: the whole policy again. Bills already matched keep their approvers (assumed:
        a policy applies to the bills created or changed after it)."""
        with self.store.write():
            doc = self._load_policy(caller, policy_id)
            doc.update(self._policy_doc(caller, body))
            doc = self._save(doc)
        return _policy_view(doc)

    def delete_approval_policy(self, caller: Caller, policy_id: str) -> dict:
        with self.store.write():
            self._load_policy(caller, policy_id)
            self.store.delete_object(policy_id, caller.org_id)
        return {"status": "SUCCESS"}

    # -- bills waiting, and the decisions --------------------------------------------------------

    def pending_user_approvals(self, caller: Caller) -> dict:
        bills = self.store.list_objects(
            "bill",
            caller.org_id,
            conditions=[("$.approvalStatus", "eq", rules.WAITING), ("$.archived", "eq", False)],
            sort=[],
            limit=PENDING_MAX,
        )
        return {
            "bills": [
                {
                    "billId": bill["id"],
                    "vendorId": bill["vendorId"],
                    "amount": v.to_decimal(bill["amount"]),
                    "dueDate": bill["dueDate"],
                }
                for bill in bills
                if rules.current_approver(bill) == caller.user_id
            ]
        }

    def bill_approval_actions(self, caller: Caller, body: object) -> dict:
        if not isinstance(body, list) or not body:
            raise MalformedRequest(
                "Request body must be a JSON array of {billId, action, comment} objects."
            )
        if len(body) > ACTIONS_MAX:
            raise ValidationFailed("[]", f"must hold at most {ACTIONS_MAX} objects")
        decisions = []
        for i, item in enumerate(body):
            if not isinstance(item, dict):
                raise ValidationFailed(f"[{i}]", "must be an object {billId, action, comment}")
            bill_id = v.object_id(item, "billId", _BILL_PREFIX, f"[{i}].billId")
            action = v.enum(item, "action", rules.ACTIONS, f"[{i}].action", required=True)
            comment = v.string(item, "comment", f"[{i}].comment", max_len=rules.COMMENT_MAX)
            if any(bill_id == seen for seen, _, _ in decisions):
                raise ValidationFailed(f"[{i}].billId", f"bill {bill_id} is named twice")
            decisions.append((bill_id, action, comment))
        with self.store.write():  # all or none
            for i, (bill_id, action, comment) in enumerate(decisions):
                bill = self.store.get_object("bill", caller.org_id, bill_id)
                if bill is None:
                    raise ValidationFailed(
                        f"[{i}].billId", f"no bill {bill_id} in this organization"
                    )
                if bill["archived"]:
                    raise ValidationFailed(f"[{i}].billId", f"bill {bill_id} is archived")
                turn = rules.current_approver(bill)
                if turn != caller.user_id:
                    why = (
                        f"is {bill.get('approvalStatus')}, not waiting for approval"
                        if turn is None
                        else f"waits for approver {turn}, not for you"
                    )
                    raise ValidationFailed(f"[{i}].billId", f"bill {bill_id} {why}")
                rules.act(bill, caller.user_id, action, comment, self.now_iso())
                self._save(bill)
        return {"status": "SUCCESS"}

    # -- hooks: bills are matched; unapproved bills are not paid ---------------------------------

    def _before_write(self, doc: dict, kind: str | None, org_id: str | None) -> None:
        """A new bill meets the policies; a stored one again when what they read changed."""
        super()._before_write(doc, kind, org_id)
        if kind == "bill":
            self._match_policies(org_id, doc)
        elif kind is None and str(doc.get("id", "")).startswith(_BILL_PREFIX):
            if "approvalStatus" not in doc:
                return
            if "_approvalBasis" not in doc:  # stored before approvals: keep its status
                doc["_approvalBasis"] = rules.basis(doc)
            elif doc["_approvalBasis"] != rules.basis(doc):
                owner = self.store.object_owner(doc["id"])
                if owner is not None:
                    self._match_policies(owner[1], doc)  # its amount, vendor or lines changed

    def _match_policies(self, org_id: str, bill: dict) -> None:
        approvers = rules.approvers_for(self._policies(org_id), bill)
        rules.assign(bill, approvers, self.now_iso())

    def _schedule(self, caller: Caller, body: dict, *, prefix: str) -> dict:
        bill_id = body.get("billId")
        if isinstance(bill_id, str):
            bill = self.store.get_object("bill", caller.org_id, bill_id)
            problem = rules.payable_problem(bill) if bill is not None else None
            if problem:
                raise ValidationFailed(f"{prefix}billId", problem)
        return super()._schedule(caller, body, prefix=prefix)
