"""A fresh organization's first steps through the client: phone, bank account, bank user; a
payment fails with BILL's errors before each is done and succeeds after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from client_bodies import bill_body, pay_date, payment_body, vendor_body

import billhelpers as bh

BANK = {
    "nameOnAccount": "Fresh Books LLC",
    "routingNumber": "011000015",
    "accountNumber": "000987654321",
    "type": "CHECKING",
    "ownerType": "BUSINESS",
    "bankName": "First Test Bank",
}


@pytest.fixture
def fresh(client):
    fresh = client.emulator.fresh_organization()
    yield fresh
    fresh.close()


def _trust(fresh) -> None:
    challenge = fresh.mfa.challenge()
    token = fresh.emulator.latest_token(challenge["challengeId"])
    fresh.mfa.validate(challenge["challengeId"], token, remember_me=False)


def test_fresh_organization_is_its_own_and_secrets_are_masked(client, fresh):
    assert fresh.config.organization_id.startswith("008")
    assert fresh.config.organization_id != client.config.organization_id
    assert fresh.config.password not in repr(fresh.config)
    assert fresh.config.dev_key not in repr(fresh.config)
    fresh.login()
    assert fresh.vendors.list()["results"] == []
    assert fresh.funding_accounts.banks()["results"] == []
    assert fresh.mfa.phones()["results"] == []
    assert client.funding_accounts.verified_banks()  # the demo organization stays ready


def test_fresh_organization_has_no_phone_so_no_challenge(fresh):
    with pytest.raises(bh.BillAPIError) as info:
        fresh.mfa.challenge()
    assert "POST /v3/mfa/setup" in info.value.message


def test_setup_refuses_a_non_phone_before_sending(fresh):
    with pytest.raises(bh.InputError) as info:
        fresh.mfa.setup("call me")
    assert info.value.field == "phone"


def test_payment_before_set_up_fails_then_succeeds_after(fresh):
    fresh.login()
    # 1. no phone: no MFA challenge, so no trusted session, so no payment
    vendor = fresh.vendors.create(vendor_body()).data
    bill = fresh.bills.create(bill_body(vendor["id"], "40.00")).data
    with pytest.raises(bh.BillAPIError) as info:
        fresh.request("POST", "/v3/payments", json=payment_body(bill["id"], Decimal("40.00")))
    assert (info.value.http_status, info.value.code) == (403, "BDC_1361")

    setup = fresh.mfa.setup("+1 408 555 0123")
    token = fresh.emulator.latest_token(setup["setupId"])
    assert fresh.mfa.validate_setup(setup["setupId"], token)["status"] == "SUCCESS"
    assert fresh.mfa.phones()["results"] == [
        {"type": "MOBILE", "last4digits": "0123", "primary": True}
    ]
    _trust(fresh)

    # 2. trusted, but no bank account of the organization
    with pytest.raises(bh.ValidationError) as info:
        fresh.payments.create(payment_body(bill["id"], Decimal("40.00")))
    assert "no bank account" in info.value.message
    created = fresh.funding_accounts.create_bank(BANK)
    assert created.status_code == 201
    assert (created["status"], created["accountNumber"][-4:]) == ("PENDING", "4321")
    bank_id = created["id"]
    body = payment_body(bill["id"], Decimal("40.00"), bank=bank_id)
    with pytest.raises(bh.ValidationError) as info:
        fresh.payments.create(body)
    assert "PENDING" in info.value.message

    # 3. verified with a wrong deposit: still not; with BILL sandbox's 0.50: VERIFIED
    assert fresh.funding_accounts.verify_bank(bank_id, "0.49")["verified"] is False
    assert fresh.funding_accounts.verify_bank(bank_id)["verified"] is True
    assert fresh.funding_accounts.bank(bank_id)["status"] == "VERIFIED"

    # 4. the user is not a verified bank account user yet
    with pytest.raises(bh.ValidationError) as info:
        fresh.payments.create(body)
    assert "not nominated" in info.value.message
    user_id = fresh.request("GET", "/v3/login/session")["userId"]
    assert fresh.funding_accounts.nominate_user(bank_id, user_id)["status"] == "SUCCESS"
    (bank_user,) = fresh.funding_accounts.bank_users(current_user=True)["results"]
    assert bank_user["verificationStatus"] == "NOMINATED"
    with pytest.raises(bh.ValidationError) as info:
        fresh.payments.create(body)
    assert "NOMINATED" in info.value.message
    fresh.emulator.verify_identity(bank_user["id"])

    payment = fresh.payments.create(body)
    assert payment["status"] == "SCHEDULED" and payment["processDate"] == pay_date()
    assert fresh.bills.get(bill["id"])["dueAmount"] == 0


def test_verify_bank_is_never_retried_and_checks_the_id(fresh):
    with pytest.raises(bh.InputError) as info:
        fresh.funding_accounts.verify_bank("00901SBX000000000001")
    assert info.value.field == "id"
