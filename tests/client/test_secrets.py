"""No secret in reprs, logs, exceptions or the emulator's request log, through a whole flow."""

import logging

import pytest
from client_bodies import bill_body, payment_body, vendor_body

import billhelpers as bh


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
