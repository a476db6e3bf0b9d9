"""``client.approvals``, ``client.recurring_bills``, ``client.organization`` and the bank upkeep
calls against the emulator (issue 25)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from client_bodies import bill_body, payment_body, vendor_body

import billhelpers as bh
from bill_emulator import seed
from bill_emulator.backend import approval_rules
from billhelpers.rules import approvals as rules

POLICY = {
    "policyName": "Bills of $1000 or more",
    "rules": [{"key": "BILL_AMOUNT", "op": "gte", "values": [Decimal("1000")]}],
    "approvers": [seed.USER_ID],
}


def test_the_client_and_the_emulator_agree_on_what_cannot_be_paid():
    assert set(rules.UNPAYABLE) == set(approval_rules.UNPAYABLE)
    assert set(rules.RULE_KEYS) == set(approval_rules.RULE_KEYS)


def test_a_waiting_bill_is_refused_before_sending_then_paid_once_approved(trusted):
    policy = trusted.approvals.create_policy(POLICY)
    assert policy.status_code == 201 and policy.request_body["rules"][0]["values"] == ["1000"]
    vendor = trusted.vendors.create(vendor_body()).data
    bill = trusted.bills.create(bill_body(vendor["id"], "1500.00")).data
    assert bill["approvalStatus"] == "ASSIGNED"
    assert [b["billId"] for b in trusted.approvals.pending()["bills"]] == [bill["id"]]
    sent = trusted.calls_sent
    with pytest.raises(bh.InputError) as err:
        trusted.payments.create(payment_body(bill["id"], "1500.00"))
    assert err.value.field == "billId" and "waiting for approval" in err.value.message
    assert trusted.calls_sent == sent + 1  # the bill was read; no payment was sent
    assert trusted.approvals.approve(bill["id"], "fine")["status"] == "SUCCESS"
    paid = trusted.payments.create(payment_body(bill["id"], "1500.00"))
    assert paid["singleStatus"] == "SCHEDULED"
    trusted.approvals.delete_policy(policy["id"])
    assert trusted.approvals.policies().data == []


def test_the_emulator_refuses_a_denied_bill_even_unchecked(trusted):
    trusted.approvals.create_policy(POLICY)
    vendor = trusted.vendors.create(vendor_body()).data
    bill = trusted.bills.create(bill_body(vendor["id"], "2000.00")).data
    trusted.approvals.deny(bill["id"])
    with pytest.raises(bh.BillAPIError) as err:
        trusted.payments.create(payment_body(bill["id"], "2000.00"), check_bill=False)
    assert err.value.http_status == 400 and "denied" in err.value.message


@pytest.mark.parametrize(
    ("decisions", "field"),
    [
        ([], "actions"),
        ([{"billId": "00n01SBX000000000001", "action": "MAYBE"}], "[0].action"),
        ([{"billId": "nope", "action": "APPROVE"}], "[0].billId"),
        ([{"billId": "00n01SBX000000000001", "action": "APPROVE"}] * 2, "[1].billId"),
    ],
)
def test_bad_decisions_are_refused_before_sending(client, decisions, field):
    sent = client.calls_sent
    with pytest.raises(bh.InputError) as err:
        client.approvals.decide(decisions)
    assert err.value.field == field and client.calls_sent == sent


def test_recurring_bills_make_bills_on_the_test_clock(client):
    vendor = client.vendors.create(vendor_body()).data
    today = client.today()
    body = {
        "vendorId": vendor["id"],
        "schedule": {
            "period": "MONTHLY",
            "frequency": 1,
            "nextDueDate": (today + dt.timedelta(days=10)).isoformat(),
            "daysInAdvance": 5,
        },
        "recurringBillLineItems": [{"amount": Decimal("19.99"), "description": "Plan"}],
    }
    rb = client.recurring_bills.create(body).data
    assert client.recurring_bills.list_all(filters=f'id:eq:"{rb["id"]}"')[0]["id"] == rb["id"]
    client.emulator.advance_clock(6 * 86400)
    client.login(force=True)  # the move outlived the session
    made = client.bills.list_all(bh.where("vendorId", "eq", vendor["id"]), progress=False)
    assert [b["invoice"]["invoiceNumber"] for b in made] == [body["schedule"]["nextDueDate"]]
    line = rb["recurringBillLineItems"][0]["id"]
    updated = client.recurring_bills.update(
        rb["id"], {"recurringBillLineItems": [{"id": line, "amount": Decimal("22.99")}]}
    )
    assert updated["recurringBillLineItems"][0]["amount"] == Decimal("22.99")
    assert client.recurring_bills.archive(rb["id"])["archived"] is True
    with pytest.raises(bh.InputError):
        client.recurring_bills.list(filters='color:eq:"red"')


def test_organization_details_are_read_and_patched(client):
    org = client.organization.get()
    assert org["id"] == seed.ORGANIZATION_ID
    patched = client.organization.update({"address": {"zipOrPostalCode": "95002"}})
    assert patched["address"] == {"zipOrPostalCode": "95002"}


def test_bank_upkeep(trusted):
    resp = trusted.funding_accounts.update_bank(seed.VERIFIED_BANK_ID, {"bankName": "Renamed"})
    assert resp["bankName"] == "Renamed"
    with pytest.raises(bh.InputError):
        trusted.funding_accounts.update_bank(seed.VERIFIED_BANK_ID, {"accountNumber": "1"})
    with pytest.raises(bh.BillAPIError):  # not VERIFIED
        trusted.funding_accounts.archive_bank(seed.UNVERIFIED_BANK_ID)
    users = trusted.funding_accounts.bank_users().data["results"]
    archived = trusted.funding_accounts.archive_bank_user(users[0]["id"])
    assert archived["verificationStatus"] == "UNVERIFIED"
