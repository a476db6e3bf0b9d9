"""No secret in reprs, logs, exceptions or the emulator's request log, through a whole flow."""

import logging

import pytest
from client_bodies import bill_body, payment_body, vendor_body

import billhelpers as bh
from billhelpers.http.response import ApiResponse
from billhelpers.masking import BANK_FIELDS, SECRET_FIELDS


def test_whole_flow_leaks_no_secret(trusted, caplog):
    caplog.set_level(logging.DEBUG)
    client = trusted
    vendor = client.vendors.create(vendor_body())
    bill = client.bills.create(bill_body(vendor["id"]))
    payment = client.payments.create(payment_body(bill["id"], "100.00"))
    with pytest.raises(bh.BillError) as info:
        client.vendors.get("00901NOSUCHVENDOR001")
    entry = client.cache.get(client.session.key)
    secrets = [
        client.config.password,
        client.config.dev_key,
        client.session.id,
        entry["rememberMeId"],
        "000123456789",
    ]
    outputs = [
        caplog.text,
        repr(client),
        repr(client.config),
        repr(vendor),
        vendor._repr_html_(),
        repr(bill),
        repr(payment),
        str(info.value),
        repr(info.value),
        repr(client.mfa),
        str(client.emulator.requests()),
    ]
    for secret in secrets:
        for text in outputs:
            assert secret not in text


def test_login_display_masks_password_and_dev_key(client):
    resp = client.login(force=True)
    text = repr(resp) + resp._repr_html_()
    assert "demo-password-1" not in text
    assert "01DEMODEVKEY0000000000000000000000" not in text
    assert '"password": "********"' in repr(resp)  # not even a first character


@pytest.mark.parametrize("field", sorted(SECRET_FIELDS | BANK_FIELDS))
def test_response_keeps_no_credential_in_its_request_body(field):
    """Every credential field, at any depth: the response object holds it masked, so neither
    ``request_body`` nor any rendering can show it (issue 23: the login's password)."""
    value = "0123456789secretvalue"
    resp = ApiResponse(
        method="POST",
        path="/v3/login",
        status_code=200,
        reason="OK",
        data={"ok": True},
        request_body={field: value, "nested": {field: value}, "items": [{field: value}]},
    )
    held = [
        repr(resp.request_body),
        repr(resp),
        resp._repr_html_(),
        resp.to_text(),
        str([getattr(resp, name, None) for name in ApiResponse.__slots__]),
    ]
    for text in held:
        assert value not in text
    assert resp.request_body[field] == resp.request_body["nested"][field] != value


def test_login_response_holds_the_password_masked(client, caplog):
    caplog.set_level(logging.DEBUG)
    resp = client.login(force=True)
    assert resp.request_body["password"] == "********"
    assert resp.request_body["devKey"] != client.config.dev_key
    assert resp.request_body["username"] == client.config.username  # not a secret: kept
    for text in (repr(resp.request_body), repr(resp), caplog.text):
        assert client.config.password not in text and client.config.dev_key not in text
