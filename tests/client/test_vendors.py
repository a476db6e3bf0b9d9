"""Vendors against the emulator: CRUD, server-side and client-side rejections."""

import pytest
from client_bodies import vendor_body

import billhelpers as bh


def test_create_vendor_returns_009_id_and_masked_bank(client):
    resp = client.vendors.create(vendor_body())
    assert resp["id"].startswith("009") and len(resp["id"]) == 20
    text = repr(resp)
    assert "000123456789" not in text and "…6789" in text


def test_get_update_archive_restore_vendor(client):
    vendor_id = client.vendors.create(vendor_body())["id"]
    assert client.vendors.get(vendor_id)["name"] == "Happy Paper Co"
    assert client.vendors.update(vendor_id, {"email": "new@happypaper.example"})["email"] == (
        "new@happypaper.example"
    )
    assert client.vendors.archive(vendor_id)["archived"] is True
    assert client.vendors.restore(vendor_id)["archived"] is False


def test_get_unknown_vendor_raises_not_found(client):
    with pytest.raises(bh.NotFoundError) as info:
        client.vendors.get("00901NOSUCHVENDOR001")
    assert info.value.http_status == 404
    assert info.value.code and info.value.message and info.value.hint


def test_create_vendor_bad_routing_number_caught_before_sending(client):
    body = vendor_body()
    body["paymentInformation"]["bankAccount"]["routingNumber"] = "021000022"
    client.login()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.vendors.create(body)
    assert info.value.field == "paymentInformation.bankAccount.routingNumber"
    assert "checksum" in str(info.value)
    assert client.emulator.requests() == []


def test_create_vendor_lower_case_country_caught_before_sending(client):
    body = vendor_body()
    body["address"]["country"] = "us"
    client.login()
    client.emulator.clear_requests()
    with pytest.raises(bh.InputError) as info:
        client.vendors.create(body)
    assert str(info.value) == (
        "address.country: 'us' must be written in capitals — hint: write 'US': BILL takes the "
        "2-letter ISO 3166 code in upper case only"
    )
    assert client.emulator.requests() == []
    body["address"]["country"] = "US"  # what the hint says
    assert client.vendors.create(body)["address"]["country"] == "US"


def test_create_vendor_server_rejects_what_client_does_not_check(client):
    # Sent raw (past the client's checks) to prove the emulator rejects like BILL would.
    with pytest.raises(bh.ValidationError) as info:
        client.request("POST", "/v3/vendors", json={"name": "No address"})
    assert info.value.http_status == 400
    assert isinstance(info.value, ValueError)
