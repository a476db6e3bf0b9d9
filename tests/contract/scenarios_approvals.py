"""Contract scenarios for bill approvals, recurring bills, organization details and the bank
account upkeep calls (issue 25): how each of BILL's example calls of that area is made on the
test emulator (gathered by ``test_contract.py``)."""

from __future__ import annotations

import requests

from bill_emulator import seed
from contract.contract_api import Bill

_POLICIES = "/v3/bill-approvals/policies"


def _policy(api: Bill) -> str:
    """BILL's example policy (bills of $1000 or more), the demo user approving."""
    api.vars["bill_approver_user_id"] = seed.USER_ID
    resp = api.send("POST", _POLICIES)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _policy_call(api: Bill, method: str, path: str) -> requests.Response:
    policy_id = _policy(api)
    if method == "GET" and path == _POLICIES:
        return api.send(method, path)
    return api.send(method, path, policy_id)


def _waiting_bill(api: Bill) -> str:
    """A bill the example policy matches: BILL's bill example with one line of $1500."""
    _policy(api)
    vendor_id = api.vendor()
    body = api.example("POST", "/v3/bills")
    body["vendorId"] = vendor_id
    body["billLineItems"] = [{"amount": 1500, "description": "Needs approval"}]
    resp = api.call("POST", "/v3/bills", body)
    assert resp.status_code == 201, resp.text
    assert resp.json()["approvalStatus"] == "ASSIGNED", resp.text
    api.vars["bill_id"] = resp.json()["id"]
    return resp.json()["id"]


def _pending(api: Bill, method: str, path: str) -> requests.Response:
    _waiting_bill(api)
    resp = api.send(method, path)
    assert resp.json()["bills"], resp.text
    return resp


def _actions(api: Bill, method: str, path: str) -> requests.Response:
    _waiting_bill(api)
    return api.send(method, path)


def _recurring(api: Bill) -> str:
    api.vendor()
    resp = api.send("POST", "/v3/recurringbills")
    assert resp.status_code == 201, resp.text
    rb = resp.json()
    api.vars["recurring_bill_id"] = rb["id"]
    api.vars["recurring_bill_line_item_id01"] = rb["recurringBillLineItems"][0]["id"]
    return rb["id"]


def _recurring_call(api: Bill, method: str, path: str) -> requests.Response:
    api.trust()  # BILL's example turns autoPayment on, which needs an MFA-trusted session
    if method == "POST" and path == "/v3/recurringbills":
        api.vendor()
        return api.send(method, path)
    rb_id = _recurring(api)
    if method == "GET" and path == "/v3/recurringbills":
        return api.send(method, path, params={"max": 5})
    if path.endswith("/restore"):
        api.call("POST", f"/v3/recurringbills/{rb_id}/archive")
    return api.send(method, path, rb_id)


def _own_bank(api: Bill) -> tuple[str, str]:
    """A new account of the demo organization, verified, with the demo user as its VERIFIED
    bank account user: ``(bank id, bank account user id)`` (the seeded accounts stay as the
    other scenarios need them)."""
    api.trust()
    resp = api.send("POST", "/v3/funding-accounts/banks")
    assert resp.status_code == 201, resp.text
    bank_id = resp.json()["id"]
    api.call("POST", f"/v3/funding-accounts/banks/{bank_id}/verify", {"depositAmount": 0.50})
    nominated = api.call(
        "POST",
        "/v3/funding-accounts/banks/users/nominate",
        {"bankAccountId": bank_id, "userId": seed.USER_ID},
    )
    assert nominated.status_code == 200, nominated.text
    users = api.call(
        "GET",
        "/v3/funding-accounts/banks/users",
        params={"filters": f'bankAccountId:eq:"{bank_id}"'},
    ).json()["results"]
    verified = api.call("POST", f"/_emulator/bank-account-users/{users[0]['id']}/verify")
    assert verified.status_code == 200, verified.text
    return bank_id, users[0]["id"]


def _bank_call(api: Bill, method: str, path: str) -> requests.Response:
    bank_id, bank_user_id = _own_bank(api)
    if path.startswith("/v3/funding-accounts/banks/users/"):
        return api.send(method, path, bank_user_id)
    return api.send(method, path, bank_id)


SCENARIOS = {
    ("GET", _POLICIES): _policy_call,
    ("POST", _POLICIES): lambda api, m, p: (_policy(api), api.send(m, p))[1],
    ("PUT", f"{_POLICIES}/{{id}}"): _policy_call,
    ("DELETE", f"{_POLICIES}/{{id}}"): _policy_call,
    ("GET", "/v3/bill-approvals/pending-user-approvals"): _pending,
    ("POST", "/v3/bill-approvals/actions"): _actions,
    ("GET", "/v3/recurringbills"): _recurring_call,
    ("POST", "/v3/recurringbills"): _recurring_call,
    ("GET", "/v3/recurringbills/{id}"): _recurring_call,
    ("PUT", "/v3/recurringbills/{id}"): _recurring_call,
    ("PATCH", "/v3/recurringbills/{id}"): _recurring_call,
    ("POST", "/v3/recurringbills/{id}/archive"): _recurring_call,
    ("POST", "/v3/recurringbills/{id}/restore"): _recurring_call,
    ("GET", "/v3/organizations/{id}"): lambda api, m, p: api.send(m, p, seed.ORGANIZATION_ID),
    ("PATCH", "/v3/organizations/{id}"): lambda api, m, p: api.send(m, p, seed.ORGANIZATION_ID),
    ("PATCH", "/v3/funding-accounts/banks/{id}"): _bank_call,
    ("POST", "/v3/funding-accounts/banks/{id}/archive"): _bank_call,
    ("POST", "/v3/funding-accounts/banks/users/{id}/archive"): _bank_call,
}
