"""Organization details and the bank account upkeep calls on the backend (issue 25)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import bill_body, payment_body, vendor_body

from bill_emulator import seed
from bill_emulator.backend.errors import InvalidState, ObjectNotFound, ValidationFailed

BANK = {
    "nameOnAccount": "Demo Organization",
    "routingNumber": "074000010",
    "accountNumber": "111222333",
    "type": "CHECKING",
    "ownerType": "BUSINESS",
    "bankName": "Chase",
}


def _own_bank(backend, caller) -> tuple[str, str]:
    """A new verified account the demo user may pay from: (bank id, bank account user id)."""
    bank_id = backend.create_bank(caller, dict(BANK))["id"]
    assert backend.verify_bank(caller, bank_id, {"depositAmount": Decimal("0.50")}) == {
        "verified": True
    }
    backend.nominate_bank_user(caller, {"bankAccountId": bank_id, "userId": caller.user_id})
    users = backend.list_bank_users(caller, {"filters": [f'bankAccountId:eq:"{bank_id}"']})
    user_id = users["results"][0]["id"]
    backend.verify_bank_user_identity(seed.DEV_KEY, user_id)
    return bank_id, user_id


# -- organization ---------------------------------------------------------------------------


def test_the_organization_is_its_own_and_shows_only_what_is_set(backend, caller):
    org = backend.get_organization(caller, seed.ORGANIZATION_ID)
    assert org["id"] == seed.ORGANIZATION_ID and org["name"] == seed.ORGANIZATION_NAME
    assert set(org) == {"id", "name", "archived", "createdTime", "updatedTime"}
    with pytest.raises(ObjectNotFound) as err:
        backend.get_organization(caller, "00801FRESH0000000001")
    assert (err.value.code, err.value.http_status) == ("BDC_1004", 404)


def test_patch_changes_the_fields_given_and_parts_of_an_address(backend, caller):
    backend.update_organization(
        caller,
        seed.ORGANIZATION_ID,
        {"address": {"line1": "1 Demo Street", "city": "San Jose", "country": "US"}},
    )
    org = backend.update_organization(
        caller, seed.ORGANIZATION_ID, {"address": {"zipOrPostalCode": "95002"}, "taxIdType": "EIN"}
    )
    assert org["address"] == {
        "line1": "1 Demo Street",
        "city": "San Jose",
        "country": "US",
        "zipOrPostalCode": "95002",
    }
    assert org["taxIdType"] == "EIN"
    assert backend.get_organization(caller, seed.ORGANIZATION_ID) == org


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": " "}, "name"),
        ({"id": "00801OTHER"}, "id"),
        ({"address": {"country": "USA"}}, "address.country"),
        ({"taxIdType": "VAT"}, "taxIdType"),
        ({"companyOwner": {"dateOfBirth": "2099-01-01"}}, "companyOwner.dateOfBirth"),
        ({"processingOptions": {"individualTransferIn": "yes"}}, "processingOptions"),
    ],
)
def test_a_bad_organization_patch_is_refused_and_changes_nothing(backend, caller, body, field):
    before = backend.get_organization(caller, seed.ORGANIZATION_ID)
    with pytest.raises(ValidationFailed) as err:
        backend.update_organization(caller, seed.ORGANIZATION_ID, body)
    assert err.value.message.startswith(field)
    assert backend.get_organization(caller, seed.ORGANIZATION_ID) == before


# -- bank accounts ------------------------------------------------------------------------------


def test_update_a_verified_account_but_never_its_numbers(backend, trusted):
    bank = backend.update_bank(
        trusted, seed.VERIFIED_BANK_ID, {"ownerType": "PERSONAL", "default": {"payables": False}}
    )
    assert bank["ownerType"] == "PERSONAL"
    assert bank["default"] == {"payables": False, "receivables": True}
    for key in ("routingNumber", "accountNumber", "type"):
        with pytest.raises(ValidationFailed) as err:
            backend.update_bank(trusted, seed.VERIFIED_BANK_ID, {key: "x"})
        assert "add a new bank account" in err.value.message
    with pytest.raises(InvalidState):
        backend.update_bank(trusted, seed.UNVERIFIED_BANK_ID, {"bankName": "New name"})


def test_an_archived_account_funds_no_payment(backend, trusted):
    bank_id, _ = _own_bank(backend, trusted)
    vendor = backend.create_vendor(trusted, vendor_body())
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    funding = {"type": "BANK_ACCOUNT", "id": bank_id}
    archived = backend.archive_bank(trusted, bank_id)
    assert archived["archived"] is True
    assert backend.archive_bank(trusted, bank_id) == archived  # twice: no change
    with pytest.raises(ValidationFailed) as err:
        backend.create_payment(trusted, payment_body(bill["id"], fundingAccount=funding))
    assert "is archived" in err.value.message


def test_an_account_with_scheduled_payments_is_not_archived(backend, trusted):
    bank_id, _ = _own_bank(backend, trusted)
    vendor = backend.create_vendor(trusted, vendor_body())
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    funding = {"type": "BANK_ACCOUNT", "id": bank_id}
    payment = backend.create_payment(trusted, payment_body(bill["id"], fundingAccount=funding))
    with pytest.raises(InvalidState) as err:
        backend.archive_bank(trusted, bank_id)
    assert payment["id"] in err.value.message
    assert backend.get_bank(trusted, bank_id)["archived"] is False
    backend.cancel_payment(trusted, payment["id"])
    assert backend.archive_bank(trusted, bank_id)["archived"] is True


def test_archive_needs_a_verified_account_and_user(backend, trusted):
    with pytest.raises(InvalidState):
        backend.archive_bank(trusted, seed.UNVERIFIED_BANK_ID)
    bank_id = backend.create_bank(trusted, dict(BANK))["id"]
    backend.verify_bank(trusted, bank_id, {"depositAmount": Decimal("0.50")})
    with pytest.raises(InvalidState) as err:  # no VERIFIED bank account user yet
        backend.archive_bank(trusted, bank_id)
    assert "VERIFIED bank account user" in err.value.message


def test_an_archived_bank_account_user_pays_no_more(backend, trusted):
    bank_id, user_id = _own_bank(backend, trusted)
    vendor = backend.create_vendor(trusted, vendor_body())
    bill = backend.create_bill(trusted, bill_body(vendor["id"]))
    user = backend.archive_bank_user(trusted, user_id)
    assert (user["archived"], user["verificationStatus"]) == (True, "UNVERIFIED")
    funding = {"type": "BANK_ACCOUNT", "id": bank_id}
    with pytest.raises(ValidationFailed) as err:
        backend.create_payment(trusted, payment_body(bill["id"], fundingAccount=funding))
    assert "not nominated" in err.value.message
    with pytest.raises(ObjectNotFound):
        backend.archive_bank_user(trusted, "bau01SBX999999999999")
