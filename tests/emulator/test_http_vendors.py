"""Vendors over real HTTP: create, get, list, validation that creates nothing."""

from __future__ import annotations

import pytest
from emulator_helpers import error_of, vendor_body


def _count(api) -> int:
    return len(api.get("/v3/vendors", max=100).json()["results"])


def test_create_vendor_returns_id_and_masked_bank(signed_in):
    resp = signed_in.post("/v3/vendors", vendor_body())
    assert resp.status_code == 201
    vendor = resp.json()
    assert vendor["id"] == "00901SBX000000000001"
    assert vendor["archived"] is False
    assert vendor["paymentInformation"]["bankAccount"]["accountNumber"] == "********6789"
    assert "000123456789" not in resp.text
    assert vendor["createdTime"].endswith("+00:00")


def test_get_vendor_returns_what_create_returned(signed_in):
    created = signed_in.post("/v3/vendors", vendor_body()).json()
    assert signed_in.get(f"/v3/vendors/{created['id']}").json() == created


def test_get_vendor_unknown_is_404(signed_in):
    resp = signed_in.get("/v3/vendors/00901SBX999999999999")
    assert error_of(resp) == (404, "BDC_1004", "Vendor not found: 00901SBX999999999999")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"address": None}, "address: must not be null"),
        ({"name": ""}, "name: must not be blank"),
        ({"name": "x" * 101}, "name: size must be between 0 and 100"),
        ({"accountType": "CORP"}, "accountType: must be one of BUSINESS, PERSON, NONE"),
    ],
)
def test_create_vendor_invalid_creates_nothing(signed_in, change, message):
    resp = signed_in.post("/v3/vendors", vendor_body(**change))
    assert error_of(resp) == (400, "BDC_1000", message)
    assert _count(signed_in) == 0


def test_list_vendors_filters_by_name_prefix(signed_in):
    signed_in.post("/v3/vendors", vendor_body(name="Happy Farms"))
    signed_in.post("/v3/vendors", vendor_body(name="Blue Sky"))
    rows = signed_in.get("/v3/vendors", max=10, filters='name:sw:"Hap"').json()["results"]
    assert [r["name"] for r in rows] == ["Happy Farms"]


def test_list_banks_filters_verified(signed_in):
    rows = signed_in.get("/v3/funding-accounts/banks", filters='status:eq:"VERIFIED"').json()
    assert [r["id"] for r in rows["results"]] == ["bac01DEMOVERIFIED001"]
    assert rows["results"][0]["accountNumber"].endswith("6789")


def test_vendor_bank_account_get_is_masked(signed_in):
    vendor = signed_in.post("/v3/vendors", vendor_body()).json()
    resp = signed_in.get(f"/v3/vendors/{vendor['id']}/bank-account")
    assert resp.json()["accountNumber"] == "********6789"
    assert "000123456789" not in resp.text


def test_vendor_bank_account_replace_by_delete_then_create(signed_in):
    vendor = signed_in.post("/v3/vendors", vendor_body()).json()
    path = f"/v3/vendors/{vendor['id']}/bank-account"
    new = {"nameOnAccount": "Acme", "accountNumber": "55554444", "routingNumber": "011000015"}
    signed_in.trust()
    assert error_of(signed_in.post(path, new)) == (
        400,
        "BDC_1000",
        f"Vendor {vendor['id']} already has a bank account; delete it first.",
    )
    deleted = signed_in.call("DELETE", path)
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert error_of(signed_in.get(path))[:2] == (404, "BDC_1004")
    assert signed_in.post(path, new).json()["accountNumber"] == "****4444"
    got = signed_in.get(f"/v3/vendors/{vendor['id']}").json()
    assert got["paymentInformation"]["bankAccount"]["accountNumber"] == "****4444"


def test_vendor_bank_account_create_needs_no_mfa(signed_in):
    # BILL's v3 list of MFA-trusted operations (collection, "Generate MFA challenge") does not
    # name vendor bank accounts; v2's did (issue 25: the emulator asked for trust until then)
    body = vendor_body(paymentInformation={"payeeName": "Acme"})
    vendor = signed_in.post("/v3/vendors", body).json()
    new = {"nameOnAccount": "Acme", "accountNumber": "55554444", "routingNumber": "011000015"}
    resp = signed_in.post(f"/v3/vendors/{vendor['id']}/bank-account", new)
    assert resp.status_code == 200, resp.text
    assert resp.json()["accountNumber"] == "****4444"
    got = signed_in.get(f"/v3/vendors/{vendor['id']}").json()["paymentInformation"]
    assert got["bankAccount"]["accountNumber"] == "****4444"
    assert signed_in.get("/v3/login/session").json()["mfaStatus"] != "COMPLETE"  # untrusted


def test_vendor_bank_account_bad_routing_creates_nothing(signed_in):
    body = vendor_body(paymentInformation={"payeeName": "Acme"})
    vendor = signed_in.post("/v3/vendors", body).json()
    signed_in.trust()
    new = {"nameOnAccount": "Acme", "accountNumber": "55554444", "routingNumber": "011000016"}
    resp = signed_in.post(f"/v3/vendors/{vendor['id']}/bank-account", new)
    assert error_of(resp) == (
        400,
        "BDC_1000",
        "bankAccount.routingNumber: is not a valid ABA routing number (checksum failed)",
    )
    assert error_of(signed_in.get(f"/v3/vendors/{vendor['id']}/bank-account"))[0] == 404
