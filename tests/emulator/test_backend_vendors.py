"""Vendor rules on the backend: validation that names the field, masking, PATCH, archive."""

from __future__ import annotations

import pytest
from emulator_helpers import BANK, db_bytes, vendor_body

from bill_emulator.backend.errors import InvalidState, ObjectNotFound, ValidationFailed


def _names(backend, caller) -> list[str]:
    return [v["name"] for v in backend.list_vendors(caller, {"max": ["100"]})["results"]]


def _bad(backend, caller, body, message) -> None:
    with pytest.raises(ValidationFailed) as err:
        backend.create_vendor(caller, body)
    assert (err.value.code, err.value.http_status, err.value.message) == (
        "BDC_1000",
        400,
        message,
    )
    assert _names(backend, caller) == []


def _bank(**changes) -> dict:
    return {"payeeName": "Acme Supplies", "bankAccount": {**BANK, **changes}}


def test_create_vendor_ids_are_sequential(backend, caller):
    first = backend.create_vendor(caller, vendor_body(name="A"))
    second = backend.create_vendor(caller, vendor_body(name="B"))
    assert (first["id"], second["id"]) == ("00901SBX000000000001", "00901SBX000000000002")


def test_create_vendor_defaults(backend, caller):
    body = vendor_body()
    del body["accountType"]
    vendor = backend.create_vendor(caller, body)
    assert vendor["accountType"] == "BUSINESS"
    assert vendor["billCurrency"] == "USD"
    assert vendor["archived"] is False
    assert vendor["createdTime"] == "2026-03-04T12:00:00.000+00:00"


def test_create_vendor_masks_account_number_everywhere(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    assert vendor["paymentInformation"]["bankAccount"]["accountNumber"] == "********6789"
    assert "000123456789" not in str(backend.get_vendor(caller, vendor["id"]))
    assert "000123456789" not in str(backend.list_vendors(caller, {}))
    assert b"000123456789" in db_bytes(backend)  # kept privately, to pay the vendor


def test_create_vendor_address_null(backend, caller):
    _bad(backend, caller, vendor_body(address=None), "address: must not be null")


def test_create_vendor_partial_address_is_accepted(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body(address={"country": "US"}))
    assert vendor["address"] == {"country": "US"}


def test_create_vendor_unknown_country(backend, caller):
    address = {**vendor_body()["address"], "country": "XX"}
    _bad(
        backend,
        caller,
        vendor_body(address=address),
        "address.country: must be an ISO 3166-1 alpha-2 country code, not 'XX'",
    )


def test_create_vendor_country_name_is_refused(backend, caller):
    address = {**vendor_body()["address"], "country": "USA"}
    with pytest.raises(ValidationFailed):
        backend.create_vendor(caller, vendor_body(address=address))


def test_create_vendor_routing_checksum(backend, caller):
    _bad(
        backend,
        caller,
        vendor_body(paymentInformation=_bank(routingNumber="011000016")),
        "paymentInformation.bankAccount.routingNumber: "
        "is not a valid ABA routing number (checksum failed)",
    )


def test_create_vendor_routing_not_nine_digits(backend, caller):
    _bad(
        backend,
        caller,
        vendor_body(paymentInformation=_bank(routingNumber="12345")),
        "paymentInformation.bankAccount.routingNumber: must be a 9-digit ABA routing number",
    )


def test_create_vendor_letters_in_account_number(backend, caller):
    _bad(
        backend,
        caller,
        vendor_body(paymentInformation=_bank(accountNumber="12AB5678")),
        "paymentInformation.bankAccount.accountNumber: must contain digits only",
    )


def test_create_vendor_ach_needs_payee_name(backend, caller):
    info = _bank()
    del info["payeeName"]
    _bad(
        backend,
        caller,
        vendor_body(paymentInformation=info),
        "paymentInformation.payeeName: must not be blank for electronic (ACH) payments",
    )


def test_create_vendor_bad_email(backend, caller):
    _bad(
        backend,
        caller,
        vendor_body(email="not-an-email"),
        "email: must be a well-formed email address",
    )


def test_create_vendor_short_name_too_long(backend, caller):
    _bad(
        backend, caller, vendor_body(shortName="x" * 41), "shortName: size must be between 0 and 40"
    )


def test_create_vendor_body_not_object(backend, caller):
    with pytest.raises(Exception) as err:
        backend.create_vendor(caller, ["name"])
    assert err.value.code == "BDC_1001"


def test_get_vendor_unknown(backend, caller):
    with pytest.raises(ObjectNotFound) as err:
        backend.get_vendor(caller, "00901SBX000000000099")
    assert (err.value.code, err.value.http_status) == ("BDC_1004", 404)


def test_update_vendor_changes_only_given_fields(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    backend.advance_clock({"advanceSeconds": 60})
    updated = backend.update_vendor(
        caller,
        vendor["id"],
        {
            "name": "Acme Ltd",
            "address": {
                "line1": "2 Main St",
                "city": "Oakland",
                "zipOrPostalCode": "94607",
                "country": "US",
            },
        },
    )
    assert updated["name"] == "Acme Ltd"
    assert updated["email"] == vendor["email"]
    assert updated["address"]["city"] == "Oakland"
    assert updated["updatedTime"] > vendor["updatedTime"]
    assert updated["createdTime"] == vendor["createdTime"]


def test_update_vendor_cannot_change_bank_details(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    with pytest.raises(ValidationFailed) as err:
        backend.update_vendor(caller, vendor["id"], {"paymentInformation": _bank()})
    assert err.value.message.startswith("paymentInformation.bankAccount: cannot be changed")
    assert backend.get_vendor(caller, vendor["id"]) == vendor


def test_update_vendor_invalid_changes_nothing(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    with pytest.raises(ValidationFailed):
        backend.update_vendor(caller, vendor["id"], {"name": "New", "email": "bad"})
    assert backend.get_vendor(caller, vendor["id"]) == vendor


def test_archive_and_restore_vendor(backend, caller):
    vendor = backend.create_vendor(caller, vendor_body())
    assert backend.archive_vendor(caller, vendor["id"])["archived"] is True
    with pytest.raises(InvalidState):
        backend.update_vendor(caller, vendor["id"], {"name": "X"})
    assert backend.restore_vendor(caller, vendor["id"])["archived"] is False


def test_reset_restores_fresh_ids(backend, caller):
    backend.create_vendor(caller, vendor_body())
    backend.reset()
    session = backend.login(
        {
            "username": "demo@example.com",
            "password": "demo-password-1",
            "organizationId": "00801DEMOORG00000001",
            "devKey": caller.dev_key,
        }
    )
    fresh = backend.authenticate(caller.dev_key, session["sessionId"])
    assert backend.list_vendors(fresh, {})["results"] == []
    assert backend.create_vendor(fresh, vendor_body())["id"] == "00901SBX000000000001"


def test_bulk_vendors_all_or_nothing_within_bills_limit(backend, caller):
    from bill_emulator.backend.errors import MalformedRequest

    good = vendor_body()
    with pytest.raises(ValidationFailed) as err:
        backend.bulk_create_vendors(caller, [good, {**good, "name": ""}])
    assert err.value.message == "[1].name: must not be blank"
    with pytest.raises(ValidationFailed):
        backend.bulk_create_vendors(caller, [good] * 21)  # BILL's limit is 20
    with pytest.raises(MalformedRequest):
        backend.bulk_create_vendors(caller, good)  # an array, not an object
    assert backend.list_vendors(caller, {"max": ["100"]})["results"] == []
    made = backend.bulk_create_vendors(caller, [good] * 20)["vendors"]
    assert len(made) == 20 and made[0]["id"] == "00901SBX000000000001"


def test_vendor_bank_owner_type_is_spelt_as_bill_spells_it(backend, caller):
    body = vendor_body()
    body["paymentInformation"]["bankAccount"]["ownerType"] = "PERSONAL"
    vendor = backend.create_vendor(caller, body)
    bank = vendor["paymentInformation"]["bankAccount"]
    assert (bank["ownerType"], bank["paymentCurrency"]) == ("PERSONAL", "USD")
    body["paymentInformation"]["bankAccount"]["ownerType"] = "PERSON"
    with pytest.raises(ValidationFailed):
        backend.create_vendor(caller, body)
