"""Bills and payments over real HTTP: exact money, MFA gate, rejections that create nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from emulator_helpers import error_of, pay_date, vendor_body

from bill_emulator import seed


def _bill_json(vendor_id: str, **overrides) -> dict:
    body = {
        "vendorId": vendor_id,
        "dueDate": "2030-01-31",
        "invoice": {"invoiceNumber": "INV-9", "invoiceDate": "2026-01-05"},
        "billLineItems": [{"amount": 100.25, "description": "Paper"}, {"amount": 25.25}],
    }
    body.update(overrides)
    return body


def _pay_json(bill_id: str, amount=50.10, **overrides) -> dict:
    body = {
        "billId": bill_id,
        "amount": amount,
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": seed.VERIFIED_BANK_ID},
        "processingOptions": {"requestPayFaster": False},
        "processDate": pay_date(),
    }
    body.update(overrides)
    return body


@pytest.fixture
def bill(signed_in):
    vendor = signed_in.post("/v3/vendors", vendor_body()).json()
    return signed_in.post("/v3/bills", _bill_json(vendor["id"])).json()


def _payments(api) -> list:
    return api.get("/v3/payments", max=100).json()["results"]


def test_bill_amount_json_is_exact(signed_in, bill):
    resp = signed_in.get(f"/v3/bills/{bill['id']}")
    assert '"amount":125.50' in resp.text
    assert json.loads(resp.text, parse_float=Decimal)["dueAmount"] == Decimal("125.50")


def test_bill_amount_sent_as_float_text_is_not_rounded(signed_in):
    vendor = signed_in.post("/v3/vendors", vendor_body()).json()
    raw = (
        '{"vendorId": "VID", "dueDate": "2030-01-01", "invoice": {"invoiceNumber": "F1",'
        ' "invoiceDate": "2026-01-01"}, "billLineItems": [{"amount": 0.1}, {"amount": 0.2}]}'
    ).replace("VID", vendor["id"])
    resp = signed_in.http.post(
        signed_in.url + "/v3/bills",
        data=raw,
        headers={**signed_in.headers(), "Content-Type": "application/json"},
        timeout=5,
    )
    assert '"amount":0.30,' in resp.text


def test_bill_invalid_json_is_bdc_1001(signed_in):
    resp = signed_in.http.post(
        signed_in.url + "/v3/bills", data="{nope", headers=signed_in.headers(), timeout=5
    )
    assert error_of(resp) == (400, "BDC_1001", "Request body is not valid JSON.")


def test_bill_unknown_vendor_creates_nothing(signed_in):
    resp = signed_in.post("/v3/bills", _bill_json("00901SBX000000000042"))
    assert error_of(resp) == (
        400,
        "BDC_1000",
        "vendorId: no vendor 00901SBX000000000042 in this organization",
    )
    assert signed_in.get("/v3/bills").json()["results"] == []


def test_payment_untrusted_is_403_bdc_1361(signed_in, bill):
    resp = signed_in.post("/v3/payments", _pay_json(bill["id"]))
    assert error_of(resp) == (403, "BDC_1361", "Untrusted session.")
    assert _payments(signed_in) == []


def test_payment_after_mfa_is_scheduled(signed_in, bill):
    signed_in.trust()
    resp = signed_in.post("/v3/payments", _pay_json(bill["id"], transactionNumber="T-1"))
    assert resp.status_code == 201
    payment = resp.json()
    assert payment["id"].startswith("stp") and len(payment["id"]) == 20
    assert (payment["status"], payment["singleStatus"]) == ("SCHEDULED", "SCHEDULED")
    assert '"amount":50.10' in resp.text
    due = signed_in.get(f"/v3/bills/{bill['id']}").json()
    assert (due["dueAmount"], due["paymentStatus"]) == (75.4, "PARTIAL")


def test_payment_above_due_creates_nothing(signed_in, bill):
    signed_in.trust()
    resp = signed_in.post("/v3/payments", _pay_json(bill["id"], amount=125.51))
    assert error_of(resp) == (
        400,
        "BDC_1000",
        "amount: must not exceed the bill's dueAmount 125.50",
    )
    assert _payments(signed_in) == []


def test_payment_past_date_is_422_bdc_1152(signed_in, bill):
    signed_in.trust()
    resp = signed_in.post("/v3/payments", _pay_json(bill["id"], processDate="2020-01-01"))
    assert error_of(resp) == (422, "BDC_1152", "Invalid Process Date : 2020-01-01")
    assert _payments(signed_in) == []


def test_payment_unverified_bank_creates_nothing(signed_in, bill):
    signed_in.trust()
    funding = {"type": "BANK_ACCOUNT", "id": seed.UNVERIFIED_BANK_ID}
    resp = signed_in.post("/v3/payments", _pay_json(bill["id"], fundingAccount=funding))
    assert error_of(resp)[:2] == (400, "BDC_1000")
    assert _payments(signed_in) == []


def test_payment_cancel_restores_due(signed_in, bill):
    signed_in.trust()
    payment = signed_in.post("/v3/payments", _pay_json(bill["id"])).json()
    resp = signed_in.post(f"/v3/payments/{payment['id']}/cancel")
    assert (resp.json()["status"], resp.json()["singleStatus"]) == ("CANCELLED", "CANCELED")
    assert signed_in.get(f"/v3/bills/{bill['id']}").json()["dueAmount"] == 125.5
    again = signed_in.post(f"/v3/payments/{payment['id']}/cancel")
    assert error_of(again)[:2] == (400, "BDC_1000")


def test_bulk_payments_over_http(signed_in, bill):
    signed_in.trust()
    body = {
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": seed.VERIFIED_BANK_ID},
        "processingOptions": {},
        "processDate": pay_date(),
        "payments": [{"billId": bill["id"], "amount": 25.5}, {"billId": bill["id"], "amount": 100}],
    }
    resp = signed_in.post("/v3/payments/bulk", body)
    assert resp.status_code == 201
    assert [p["amount"] for p in resp.json()["payments"]] == [25.5, 100]
    assert signed_in.get(f"/v3/bills/{bill['id']}").json()["paymentStatus"] == "SCHEDULED"


def test_payments_list_finds_transaction_number(signed_in, bill):
    signed_in.trust()
    made = signed_in.post("/v3/payments", _pay_json(bill["id"], transactionNumber="T-77")).json()
    found = signed_in.get("/v3/payments", filters='transactionNumber:eq:"T-77"').json()
    assert [p["id"] for p in found["results"]] == [made["id"]]
