"""Bill approvals on the backend: policies, matching, approve/deny, and no payment of a bill
that is waiting or denied (issue 25)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import bill_body, payment_body, vendor_body

from bill_emulator import seed
from bill_emulator.backend.errors import MalformedRequest, ObjectNotFound, ValidationFailed


def policy_body(**overrides) -> dict:
    """BILL's own example: bills of $1000 or more, the demo user approving."""
    body = {
        "policyName": "Approval policy for bills >= $1000",
        "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["1000"]}],
        "approvers": [seed.USER_ID],
    }
    body.update(overrides)
    return body


@pytest.fixture
def vendor(backend, trusted):
    return backend.create_vendor(trusted, vendor_body())


def _bill(backend, caller, vendor, amount: str, number: str = "INV-1") -> dict:
    return backend.create_bill(
        caller,
        bill_body(
            vendor["id"],
            invoice={"invoiceNumber": number, "invoiceDate": "2026-03-01"},
            billLineItems=[{"amount": Decimal(amount), "description": "Work"}],
        ),
    )


def _payments(backend, caller) -> list[dict]:
    return backend.list_payments(caller, {"max": ["100"]})["results"]


def test_a_policy_is_created_listed_replaced_and_deleted(backend, trusted, vendor):
    policy = backend.create_approval_policy(trusted, policy_body())
    assert policy["id"].startswith("bap01SBX")
    assert policy["status"] == "ACTIVE"
    assert policy["rules"] == [
        {
            "key": "BILL_AMOUNT",
            "op": "gte",
            "values": [{"value": "1000.00", "displayName": "1000.00"}],
        }
    ]
    assert policy["approvers"] == {
        "users": [{"userId": seed.USER_ID, "fullName": seed.USERNAME}],
        "groups": [],
    }
    assert set(policy) == {"id", "policyName", "status", "rules", "approvers"}
    assert backend.list_approval_policies(trusted) == [policy]
    by_vendor = policy_body(rules=[{"key": "VENDOR_ID", "op": "eq", "values": [vendor["id"]]}])
    replaced = backend.replace_approval_policy(trusted, policy["id"], by_vendor)
    assert replaced["rules"][0]["values"] == [
        {"value": vendor["id"], "displayName": vendor["name"]}
    ]
    assert backend.delete_approval_policy(trusted, policy["id"]) == {"status": "SUCCESS"}
    assert backend.list_approval_policies(trusted) == []
    with pytest.raises(ObjectNotFound):
        backend.delete_approval_policy(trusted, policy["id"])  # gone for good


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"policyName": " "}, "policyName"),
        ({"rules": []}, "rules"),
        ({"rules": [{"key": "COLOR", "op": "eq", "values": ["red"]}]}, "rules[0].key"),
        ({"rules": [{"key": "BILL_AMOUNT", "op": "in", "values": ["1"]}]}, "rules[0].op"),
        (
            {"rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["lots"]}]},
            "rules[0].values[0]",
        ),
        ({"rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": ["1", "2"]}]}, "rules[0].values"),
        (
            {"rules": [{"key": "VENDOR_ID", "op": "eq", "values": ["00901SBX999999999999"]}]},
            "rules[0].values",
        ),
        ({"approvers": []}, "approvers"),
        ({"approvers": ["00601SOMEONEELSE0001"]}, "approvers[0]"),
        ({"approvers": [seed.USER_ID, seed.USER_ID]}, "approvers"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(backend, trusted, change, field):
    with pytest.raises(ValidationFailed) as err:
        backend.create_approval_policy(trusted, policy_body(**change))
    assert err.value.message.startswith(f"{field}: ")
    assert backend.list_approval_policies(trusted) == []


def test_a_matching_bill_waits_for_its_approver_and_others_do_not(backend, trusted, vendor):
    backend.create_approval_policy(trusted, policy_body())
    small = _bill(backend, trusted, vendor, "999.99", "INV-S")
    big = _bill(backend, trusted, vendor, "1000.00", "INV-B")
    assert small["approvalStatus"] == "UNASSIGNED" and "approvers" not in small
    assert big["approvalStatus"] == "ASSIGNED"
    assert big["approvers"] == [
        {
            "userId": seed.USER_ID,
            "status": "WAITING",
            "approverOrder": 0,
            "statusChangedTime": big["createdTime"],
        }
    ]
    pending = backend.pending_user_approvals(trusted)["bills"]
    assert pending == [
        {
            "billId": big["id"],
            "vendorId": vendor["id"],
            "amount": Decimal("1000.00"),
            "dueDate": big["dueDate"],
        }
    ]


def test_an_unapproved_bill_is_not_paid_single_or_bulk_and_an_approved_one_is(
    backend, trusted, vendor
):
    backend.create_approval_policy(trusted, policy_body())
    big = _bill(backend, trusted, vendor, "1500.00")
    with pytest.raises(ValidationFailed) as err:
        backend.create_payment(trusted, payment_body(big["id"]))
    assert err.value.message.startswith(f"billId: bill {big['id']} is waiting for approval")
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_payments(trusted, {"payments": [payment_body(big["id"])]})
    assert err.value.message.startswith("payments[0].billId: ")
    assert _payments(backend, trusted) == []
    assert backend.get_bill(trusted, big["id"])["dueAmount"] == Decimal("1500.00")

    answer = backend.bill_approval_actions(
        trusted, [{"billId": big["id"], "action": "APPROVE", "comment": "ok"}]
    )
    assert answer == {"status": "SUCCESS"}
    approved = backend.get_bill(trusted, big["id"])
    assert approved["approvalStatus"] == "APPROVED"
    assert approved["approvers"][0]["status"] == "APPROVED"
    assert "_comment" not in approved["approvers"][0]
    assert backend.pending_user_approvals(trusted) == {"bills": []}
    payment = backend.create_payment(trusted, payment_body(big["id"]))
    assert payment["singleStatus"] == "SCHEDULED"


def test_a_denied_bill_is_never_paid_until_it_changes(backend, trusted, vendor):
    backend.create_approval_policy(trusted, policy_body())
    big = _bill(backend, trusted, vendor, "1500.00")
    backend.bill_approval_actions(trusted, [{"billId": big["id"], "action": "DENY"}])
    assert backend.get_bill(trusted, big["id"])["approvalStatus"] == "DENIED"
    with pytest.raises(ValidationFailed) as err:
        backend.create_payment(trusted, payment_body(big["id"]))
    assert "was denied" in err.value.message
    with pytest.raises(ValidationFailed):  # no second decision: the flow stopped
        backend.bill_approval_actions(trusted, [{"billId": big["id"], "action": "APPROVE"}])
    line = backend.get_bill(trusted, big["id"])["billLineItems"][0]["id"]
    smaller = backend.update_bill(
        trusted, big["id"], {"billLineItems": [{"id": line, "amount": Decimal("900.00")}]}
    )
    assert smaller["approvalStatus"] == "UNASSIGNED"  # the policies ran again: none matches
    assert backend.create_payment(trusted, payment_body(big["id"]))["singleStatus"] == "SCHEDULED"


def test_an_approved_bill_that_grows_waits_again(backend, trusted, vendor):
    backend.create_approval_policy(trusted, policy_body())
    bill = _bill(backend, trusted, vendor, "500.00")
    line = bill["billLineItems"][0]["id"]
    grown = backend.update_bill(
        trusted, bill["id"], {"billLineItems": [{"id": line, "amount": Decimal("5000.00")}]}
    )
    assert grown["approvalStatus"] == "ASSIGNED"
    described = backend.update_bill(trusted, bill["id"], {"description": "same money"})
    assert described["approvers"] == grown["approvers"]  # nothing the policies read changed


def test_actions_are_all_or_none_and_checked(backend, trusted, vendor):
    backend.create_approval_policy(trusted, policy_body())
    one = _bill(backend, trusted, vendor, "1500.00", "INV-1")
    small = _bill(backend, trusted, vendor, "10.00", "INV-2")
    with pytest.raises(ValidationFailed) as err:
        backend.bill_approval_actions(
            trusted,
            [
                {"billId": one["id"], "action": "APPROVE"},
                {"billId": small["id"], "action": "APPROVE"},
            ],
        )
    assert err.value.message.startswith("[1].billId: ")
    assert backend.get_bill(trusted, one["id"])["approvalStatus"] == "ASSIGNED"  # rolled back
    for body, problem in [
        ({"billId": one["id"], "action": "APPROVE"}, MalformedRequest),
        ([], MalformedRequest),
        ([{"billId": one["id"], "action": "MAYBE"}], ValidationFailed),
        ([{"billId": one["id"], "action": "APPROVE"}] * 2, ValidationFailed),
        ([{"billId": one["id"], "action": "APPROVE"}] * 101, ValidationFailed),
    ]:
        with pytest.raises(problem):
            backend.bill_approval_actions(trusted, body)


def test_several_policies_give_approvers_once_each_in_order(backend, trusted, vendor):
    backend.create_approval_policy(trusted, policy_body())
    backend.create_approval_policy(
        trusted,
        policy_body(
            policyName="This vendor",
            rules=[{"key": "VENDOR_ID", "op": "in", "values": [vendor["id"]]}],
        ),
    )
    bill = _bill(backend, trusted, vendor, "2000.00")
    assert [a["userId"] for a in bill["approvers"]] == [seed.USER_ID]


def test_line_classifications_match_policies(backend, trusted, vendor):
    job = backend.create_classification(trusted, "jobs", {"name": "Kitchen refit"})
    with pytest.raises(ValidationFailed) as err:  # a classification of this organization
        backend.create_approval_policy(
            trusted, policy_body(rules=[{"key": "JOB_ID", "op": "eq", "values": ["job-7"]}])
        )
    assert err.value.message == "rules[0].values: no jobs object job-7 in this organization"
    policy = backend.create_approval_policy(
        trusted, policy_body(rules=[{"key": "JOB_ID", "op": "eq", "values": [job["id"]]}])
    )
    assert policy["rules"][0]["values"] == [{"value": job["id"], "displayName": "Kitchen refit"}]
    body = bill_body(vendor["id"])
    assert backend.create_bill(trusted, body)["approvalStatus"] == "UNASSIGNED"
    body["invoice"] = {"invoiceNumber": "INV-J", "invoiceDate": "2026-03-01"}
    body["billLineItems"][1]["classifications"] = {"jobId": job["id"]}
    assert backend.create_bill(trusted, body)["approvalStatus"] == "ASSIGNED"
