"""Vendor credits, bill replace, record-payment and payment options over HTTP: BILL's routes,
statuses and error envelope, money exact in JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from emulator_helpers import bill_body, error_of, vendor_body

from bill_emulator import _json


def plain(body):
    """A body with Decimal money, as JSON ``requests`` can send."""
    return json.loads(_json.dumps(body))


@pytest.fixture
def vendor_id(signed_in):
    resp = signed_in.post("/v3/vendors", plain(vendor_body()))
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _credit(api, vendor_id, amount="15.50"):
    body = {
        "vendorId": vendor_id,
        "referenceNumber": "VC-HTTP",
        "creditDate": "2026-03-01",
        "vendorCreditLineItems": [{"amount": Decimal(amount), "description": "refund"}],
    }
    return api.call("POST", "/v3/vendor-credits", plain(body))


def test_credit_routes_answer_bills_statuses(signed_in, vendor_id):
    created = _credit(signed_in, vendor_id)
    assert created.status_code == 201, created.text
    credit_id = created.json()["id"]
    assert created.text.count('"amount":15.50') == 2  # line and credit, exact two places
    assert signed_in.get(f"/v3/vendor-credits/{credit_id}").status_code == 200
    assert signed_in.get("/v3/vendor-credits", max="5").json()["results"][0]["id"] == credit_id
    patched = signed_in.patch(f"/v3/vendor-credits/{credit_id}", {"description": "changed"})
    assert (patched.status_code, patched.json()["description"]) == (200, "changed")
    archived = signed_in.post(f"/v3/vendor-credits/{credit_id}/archive")
    assert (archived.status_code, archived.json()["archived"]) == (200, True)


def test_bulk_create_answers_201_and_bulk_archive_takes_ids(signed_in, vendor_id):
    body = plain(
        [
            {
                "vendorId": vendor_id,
                "referenceNumber": f"VC-{i}",
                "creditDate": "2026-03-01",
                "vendorCreditLineItems": [{"amount": 1}],
            }
            for i in range(2)
        ]
    )
    made = signed_in.call("POST", "/v3/vendor-credits/bulk", body)
    assert made.status_code == 201, made.text
    ids = ",".join(c["id"] for c in made.json()["vendorCredits"])
    with_body = signed_in.call("POST", f"/v3/vendor-credits/bulk/archive?ids={ids}", {"x": 1})
    assert error_of(with_body)[:2] == (400, "BDC_1001")
    done = signed_in.call("POST", "/v3/vendor-credits/bulk/archive", ids=ids)
    assert done.status_code == 200
    assert [c["archived"] for c in done.json()["vendorCredits"]] == [True, True]


def test_an_over_applied_credit_is_a_400_naming_the_field(signed_in, vendor_id):
    credit_id = _credit(signed_in, vendor_id, "5.00").json()["id"]
    body = plain(bill_body(vendor_id))
    body["vendorCredits"] = [{"id": credit_id, "amount": 5.01}]
    status, code, message = error_of(signed_in.post("/v3/bills", body))
    assert (status, code) == (400, "BDC_1000")
    assert message.startswith("vendorCredits[0].amount:") and "5.00 left" in message
    assert signed_in.get("/v3/bills").json()["results"] == []  # the bill was not made either


def test_replace_record_and_options(signed_in, vendor_id):
    bill = signed_in.post("/v3/bills", plain(bill_body(vendor_id))).json()
    body = plain(bill_body(vendor_id))
    body["billLineItems"] = [{"id": bill["billLineItems"][0]["id"], "amount": 100.25}]
    replaced = signed_in.call("PUT", f"/v3/bills/{bill['id']}", body)
    assert (replaced.status_code, replaced.json()["amount"]) == (200, 100.25)
    record = {
        "vendorId": vendor_id,
        "processDate": "2026-03-02",
        "toPrintCheck": False,
        "payments": [{"billId": bill["id"], "amount": 100.25}],
    }
    recorded = signed_in.post("/v3/bills/record-payment", record)
    assert recorded.status_code == 200, recorded.text
    assert "vendorName" not in recorded.json()
    paid = signed_in.get(f"/v3/bills/{bill['id']}").json()
    assert (paid["dueAmount"], paid["paidAmount"], paid["paymentStatus"]) == (0, 100.25, "PAID")
    options = signed_in.get("/v3/payments/options", vendorId=vendor_id, amount="200.00")
    assert options.status_code == 200, options.text
    assert options.json()["amount"] == 200
    missing = signed_in.get("/v3/payments/options", vendorId=vendor_id)
    assert error_of(missing)[:2] == (400, "BDC_1000")
