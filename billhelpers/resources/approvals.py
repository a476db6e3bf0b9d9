"""
billhelpers.resources.approvals
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``client.approvals``: BILL's bill approvals (``/v3/bill-approvals``): policies, the bills
waiting for you, approve or deny.

A bill that matches a policy gets ``approvalStatus`` ``ASSIGNED`` and an ``approvers`` list;
until they approve it, BILL pays nothing on it (``client.payments.create`` refuses it before
sending, see :func:`billhelpers.rules.approvals.unapproved`).

A decision is not retried automatically: deciding a bill twice is refused by BILL (it no longer
waits for you), so a repeat after a lost answer would only look like a failure; read the bill's
``approvalStatus`` instead.
"""

from __future__ import annotations

from billhelpers.http.response import ApiResponse
from billhelpers.resources.base import _id
from billhelpers.rules import approvals as rules

_BASE = "/v3/bill-approvals"


class Approvals:
    """``client.approvals``: policies and decisions."""

    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return f"<Approvals {_BASE}>"

    # -- policies -------------------------------------------------------------------------

    def policies(self) -> ApiResponse:
        """``GET /v3/bill-approvals/policies``: every policy (a JSON array)."""
        return self.client.request("GET", f"{_BASE}/policies")

    def create_policy(self, body: dict) -> ApiResponse:
        """``POST /v3/bill-approvals/policies`` with BILL's body, e.g. bills of $1000 or more::

        {"policyName": "Bills >= $1000",
         "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["1000"]}],
         "approvers": ["<user id>"]}
        """
        return self.client.request("POST", f"{_BASE}/policies", json=rules.check_policy(body))

    def replace_policy(self, policy_id: str, body: dict) -> ApiResponse:
        """``PUT /v3/bill-approvals/policies/{id}``: the whole policy again."""
        return self.client.request(
            "PUT", f"{_BASE}/policies/{_id(policy_id)}", json=rules.check_policy(body)
        )

    def delete_policy(self, policy_id: str) -> ApiResponse:
        """``DELETE /v3/bill-approvals/policies/{id}``: gone for good (BILL cannot restore it)."""
        return self.client.request("DELETE", f"{_BASE}/policies/{_id(policy_id)}")

    # -- decisions ------------------------------------------------------------------------

    def pending(self) -> ApiResponse:
        """``GET /v3/bill-approvals/pending-user-approvals``: ``["bills"]`` waiting for you."""
        return self.client.request("GET", f"{_BASE}/pending-user-approvals")

    def decide(self, decisions: list[dict]) -> ApiResponse:
        """``POST /v3/bill-approvals/actions`` with ``[{billId, action, comment}, ...]``
        (``action``: ``APPROVE`` or ``DENY``); BILL applies all of them or none."""
        return self.client.request(
            "POST", f"{_BASE}/actions", json=rules.check_decisions(decisions), safe=False
        )

    def approve(self, bill_id: str, comment: str | None = None) -> ApiResponse:
        """Approve one bill (your turn as its approver)."""
        return self.decide([_decision(bill_id, "APPROVE", comment)])

    def deny(self, bill_id: str, comment: str | None = None) -> ApiResponse:
        """Deny one bill: BILL will not pay it, and its approval flow stops."""
        return self.decide([_decision(bill_id, "DENY", comment)])


def _decision(bill_id: str, action: str, comment: str | None) -> dict:
    item = {"billId": bill_id, "action": action}
    if comment:
        item["comment"] = comment
    return item
