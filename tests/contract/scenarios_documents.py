"""Contract scenarios for BILL's vendor attachments and bill documents.

Uploads send a small real PDF as the whole request body with BILL's ``name`` query parameter
(``business_details.pdf`` in its examples), as BILL's collection and documents guide do.
"""

from __future__ import annotations

from contract.contract_api import Bill

#: A minimal PDF: BILL's examples upload ``business_details.pdf``.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(api: Bill, path: str, name: str = "business_details.pdf", data: bytes = PDF):
    headers = {"devKey": api.vars["developer_key"], "sessionId": api.session_id or ""}
    headers["Content-Type"] = "application/octet-stream"
    return api.http.post(
        api.url + path, params={"name": name}, data=data, headers=headers, timeout=10
    )


def attachment(api: Bill) -> str:
    resp = upload(api, f"/v3/attachments/vendors/{api.vendor()}")
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def document_upload(api: Bill) -> str:
    resp = upload(api, f"/v3/documents/bills/{api.bill()}")
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def document(api: Bill) -> str:
    status = api.call("GET", "/v3/documents/upload-status", params={"ids": document_upload(api)})
    assert status.status_code == 200, status.text
    return status.json()[0]["documentId"]


def _list_attachments(api: Bill, m: str, p: str):
    attachment(api)
    return api.call(m, p.replace("{id}", api.vars["vendor_id"]), params={"max": 5})


def _list_documents(api: Bill, m: str, p: str):
    document(api)
    return api.call(m, p.replace("{id}", api.vars["bill_id"]), params={"max": 5})


SCENARIOS = {
    ("GET", "/v3/attachments/vendors/{id}"): _list_attachments,
    ("POST", "/v3/attachments/vendors/{id}"): lambda api, m, p: upload(
        api, p.replace("{id}", api.vendor())
    ),
    ("GET", "/v3/attachments/{id}"): lambda api, m, p: api.call(
        m, p.replace("{id}", attachment(api))
    ),
    ("DELETE", "/v3/attachments/{id}"): lambda api, m, p: api.call(
        m, p.replace("{id}", attachment(api))
    ),
    ("GET", "/v3/documents/bills/{id}"): _list_documents,
    ("POST", "/v3/documents/bills/{id}"): lambda api, m, p: upload(
        api, p.replace("{id}", api.bill())
    ),
    ("GET", "/v3/documents/upload-status"): lambda api, m, p: api.call(
        m, p, params={"ids": document_upload(api)}
    ),
    ("GET", "/v3/documents/{id}"): lambda api, m, p: api.call(m, p.replace("{id}", document(api))),
}
