"""Contract scenarios: vendor credits and the remaining bill and payment calls (issue 25).

Each sends BILL's own example for its call (``Bill.send``), after making what the example's
variables name: a vendor, a bill, a vendor credit and its line ids. Two of BILL's examples cannot
be sent as they are: the bulk PUT and PATCH bodies of its collection are schema-generated
(``"id": "string"``, amounts with 12 decimals), so those scenarios keep the example's shape and
fields and put real ids and two-decimal amounts in. ``PUT /v3/bills/{id}`` and
``GET /v3/payments/options`` have their scenarios in ``test_contract.py`` already.
"""

from __future__ import annotations

import copy

from contract.contract_api import Bill


def credit(api: Bill) -> str:
    """A vendor credit of BILL's example for the current vendor; sets its variables."""
    if not api.vars.get("vendor_id"):
        api.vendor()
    resp = api.send("POST", "/v3/vendor-credits")
    assert resp.status_code == 201, resp.text
    doc = resp.json()
    api.vars["vendor_credit_id"] = doc["id"]
    api.vars["vendor_credit_line_item_id01"] = doc["vendorCreditLineItems"][0]["id"]
    api.vars["vendor_credit_line_item_id02"] = doc["vendorCreditLineItems"][-1]["id"]
    return doc["id"]


def _real_bulk(api: Bill, method: str):
    """BILL's bulk PUT/PATCH example, its shape and fields kept, with a real credit in it."""
    credit_id = credit(api)
    item = copy.deepcopy(api.example(method, "/v3/vendor-credits/bulk")[0])
    item.update(id=credit_id, vendorId=api.vars["vendor_id"], referenceNumber="202502-bulk")
    item.pop("applyToChartOfAccountId", None)  # BILL: only one of the two "applyTo" ids
    item["applyToBankAccountId"] = api.vars["org_bank_account_id"]
    lines = item["vendorCreditLineItems"]
    known = [api.vars["vendor_credit_line_item_id01"], api.vars["vendor_credit_line_item_id02"]]
    for line, line_id in zip(lines, known, strict=False):
        line["id"] = line_id
        line["amount"] = round(float(line["amount"]), 2)
    if method == "PUT":  # a new line (no id) as well, which PUT adds
        lines.append({"description": "Added by PUT", "amount": 1.25})
    return api.call(method, "/v3/vendor-credits/bulk", [item])


def _record_payment(api: Bill):
    api.vendor()
    api.bill()
    return api.send("POST", "/v3/bills/record-payment")


SCENARIOS = {
    ("GET", "/v3/vendor-credits"): lambda api, m, p: (
        credit(api),
        api.send(m, p, params={"max": 5}),
    )[1],
    ("POST", "/v3/vendor-credits"): lambda api, m, p: (api.vendor(), api.send(m, p))[1],
    ("GET", "/v3/vendor-credits/{id}"): lambda api, m, p: api.send(m, p, credit(api)),
    ("PUT", "/v3/vendor-credits/{id}"): lambda api, m, p: api.send(m, p, credit(api)),
    ("PATCH", "/v3/vendor-credits/{id}"): lambda api, m, p: api.send(m, p, credit(api)),
    ("POST", "/v3/vendor-credits/{id}/archive"): lambda api, m, p: api.send(m, p, credit(api)),
    ("POST", "/v3/vendor-credits/bulk"): lambda api, m, p: (api.vendor(), api.send(m, p))[1],
    ("PUT", "/v3/vendor-credits/bulk"): lambda api, m, p: _real_bulk(api, m),
    ("PATCH", "/v3/vendor-credits/bulk"): lambda api, m, p: _real_bulk(api, m),
    ("POST", "/v3/vendor-credits/bulk/archive"): lambda api, m, p: api.send(
        m, p, params={"ids": credit(api)}
    ),
    ("POST", "/v3/bills/record-payment"): lambda api, m, p: _record_payment(api),
}
