"""Approvals, recurring bills, organization and bank upkeep over real HTTP: the edges the
contract test does not send (issue 25)."""

from __future__ import annotations

from emulator_helpers import error_of

from bill_emulator import seed


def test_another_organization_is_not_found_and_industries_is_not_an_id(signed_in):
    resp = signed_in.get("/v3/organizations/00801FRESH0000000001")
    assert resp.status_code == 404 and error_of(resp)[1] == "BDC_1004"
    resp = signed_in.get("/v3/organizations/industries")  # a BILL path the emulator lacks
    assert resp.status_code == 404 and error_of(resp)[1] == "BDC_1121"
    assert signed_in.get(f"/v3/organizations/{seed.ORGANIZATION_ID}").status_code == 200


def test_approval_calls_take_no_query_and_policies_answer_bills_shapes(signed_in):
    resp = signed_in.get("/v3/bill-approvals/pending-user-approvals", userId="x")
    assert resp.status_code == 400 and error_of(resp)[1] == "BDC_1001"
    assert signed_in.get("/v3/bill-approvals/policies").json() == []
    created = signed_in.post(
        "/v3/bill-approvals/policies",
        {
            "policyName": "All",
            "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["0"]}],
            "approvers": [seed.USER_ID],
        },
    )
    assert created.status_code == 201, created.text
    deleted = signed_in.call("DELETE", f"/v3/bill-approvals/policies/{created.json()['id']}")
    assert (deleted.status_code, deleted.json()) == (200, {"status": "SUCCESS"})
    actions = signed_in.post("/v3/bill-approvals/actions", {"billId": "00n01SBX000000000001"})
    assert actions.status_code == 400 and error_of(actions)[1] == "BDC_1001"  # not an array


def test_unknown_recurring_bill_and_bank_user_are_bills_404(signed_in):
    for path in (
        "/v3/recurringbills/btp01SBX999999999999",
        "/v3/recurringbills/btp01SBX999999999999/archive",
        "/v3/funding-accounts/banks/users/bau01SBX999999999999/archive",
    ):
        resp = signed_in.call("POST" if path.endswith("archive") else "GET", path)
        assert resp.status_code == 404 and error_of(resp)[1] == "BDC_1004", path
