"""Vendor attachments and bill documents over HTTP: upload as BILL takes it (the raw bytes with
``?name=``; a multipart form too), download the same bytes back, and each refusal: an empty file,
a wrong type, an over-size file (BILL's 6 MB), another organization's bill, a body past the
upload cap, and the 1 MB cap still in force everywhere else."""

from __future__ import annotations

import json

import pytest
import requests
from emulator_helpers import bill_body, error_of, vendor_body

from bill_emulator.backend.file_rules import MAX_FILE_BYTES
from bill_emulator.uploads import MAX_BODY, UPLOAD_MAX_BODY

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(api, path, data, name="invoice.pdf", **kwargs):
    headers = {**api.headers(), "Content-Type": "application/octet-stream"}
    headers.update(kwargs.pop("headers", {}))
    params = kwargs.pop("params", {"name": name})
    return api.http.post(
        api.url + path, params=params, data=data, headers=headers, timeout=30, **kwargs
    )


@pytest.fixture
def vendor_id(signed_in):
    resp = signed_in.post("/v3/vendors", vendor_body())
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


@pytest.fixture
def bill_id(signed_in, vendor_id):
    body = json.loads(json.dumps(bill_body(vendor_id), default=float))
    resp = signed_in.post("/v3/bills", body)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def test_vendor_attachment_uploads_lists_downloads_and_deletes(signed_in, vendor_id):
    api = signed_in
    resp = _upload(api, f"/v3/attachments/vendors/{vendor_id}", PDF)
    assert resp.status_code == 200, resp.text
    made = resp.json()
    assert made["id"].startswith("att") and made["name"] == "invoice.pdf"
    assert made["downloadLink"].startswith(api.url + "/v3/files/")
    listed = api.get(f"/v3/attachments/vendors/{vendor_id}").json()["results"]
    assert [row["id"] for row in listed] == [made["id"]]
    assert api.get(f"/v3/attachments/{made['id']}").json() == made
    got = api.http.get(made["downloadLink"], headers=api.headers(), timeout=10)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Type"] == "application/pdf"
    assert "invoice.pdf" in got.headers["Content-Disposition"]
    assert requests.get(made["downloadLink"], timeout=10).status_code == 401  # signed in only
    assert api.call("DELETE", f"/v3/attachments/{made['id']}").json() == {"status": "SUCCESS"}
    assert api.get(f"/v3/attachments/{made['id']}").status_code == 404
    assert api.get(f"/v3/attachments/vendors/{vendor_id}").json()["results"] == []
    assert api.http.get(made["downloadLink"], headers=api.headers(), timeout=10).status_code == 404


def test_bill_document_goes_through_its_upload_status(signed_in, bill_id):
    api = signed_in
    resp = _upload(api, f"/v3/documents/bills/{bill_id}", PNG, name="scan.png")
    assert resp.status_code == 200, resp.text
    upload_id = resp.json()["id"]
    assert upload_id.startswith("0du")
    status = api.get("/v3/documents/upload-status", ids=upload_id).json()
    assert status[0]["status"] == "UPLOADED" and status[0]["uploadId"] == upload_id
    document_id = status[0]["documentId"]
    assert document_id.startswith("00h")
    doc = api.get(f"/v3/documents/{document_id}").json()
    assert doc["name"] == "scan.png"
    listed = api.get(f"/v3/documents/bills/{bill_id}").json()["results"]
    assert [row["id"] for row in listed] == [document_id]
    got = api.http.get(doc["downloadLink"], headers=api.headers(), timeout=10)
    assert got.content == PNG and got.headers["Content-Type"] == "image/png"


def test_a_multipart_form_is_read_with_one_file_part(signed_in, vendor_id):
    api = signed_in
    path = f"/v3/attachments/vendors/{vendor_id}"
    resp = api.http.post(
        api.url + path,
        params={"name": "w9.pdf"},
        files={"file": ("w9.pdf", PDF, "application/pdf")},
        headers=api.headers(),
        timeout=10,
    )
    assert resp.status_code == 200, resp.text
    got = api.http.get(resp.json()["downloadLink"], headers=api.headers(), timeout=10)
    assert got.content == PDF
    two = api.http.post(
        api.url + path,
        params={"name": "w9.pdf"},
        files={"file": ("w9.pdf", PDF), "other": ("x.pdf", PDF)},
        headers=api.headers(),
        timeout=10,
    )
    assert error_of(two)[:2] == (400, "BDC_1001")


@pytest.mark.parametrize(
    "data,name,field",
    [
        (b"", "invoice.pdf", "file"),
        (PNG, "invoice.pdf", "file"),  # the bytes are not a PDF
        (PDF, "invoice.exe", "name"),
        (PDF, "invoice", "name"),
        (PDF, "../invoice.pdf", "name"),
        (b"a,b\n\xff\xfe", "table.csv", "file"),
        # red team (issue 25): the client refuses names that are not printable, the emulator
        # took them: a right-to-left override shows "\u202egpj.pdf" as "fdp.jpg", a C1 NEL or
        # a line separator breaks the line a name is shown on
        (PDF, "\u202egpj.pdf", "name"),
        (PDF, "inv\u0085oice.pdf", "name"),
        (PDF, "inv\u2028oice.pdf", "name"),
        (PDF, "inv\u200boice.pdf", "name"),
    ],
    ids=[
        "empty",
        "not-a-pdf",
        "exe",
        "no-extension",
        "folder",
        "not-utf8",
        "bidi-override",
        "c1-control",
        "line-separator",
        "zero-width",
    ],
)
def test_bad_files_are_refused_naming_the_fix(signed_in, vendor_id, data, name, field):
    resp = _upload(signed_in, f"/v3/attachments/vendors/{vendor_id}", data, name=name)
    status, code, message = error_of(resp)
    assert (status, code) == (400, "BDC_1000") and message.startswith(f"{field}:"), message


def test_name_is_required(signed_in, vendor_id):
    resp = _upload(signed_in, f"/v3/attachments/vendors/{vendor_id}", PDF, params={})
    assert error_of(resp)[2].startswith("name: is required")


def test_bills_size_limit_then_the_upload_cap(signed_in, bill_id):
    path = f"/v3/documents/bills/{bill_id}"
    over = PDF + b"\x00" * (MAX_FILE_BYTES + 1 - len(PDF))
    status, _, message = error_of(_upload(signed_in, path, over))
    assert status == 400 and "6 MB" in message
    exact = PDF + b"\x00" * (MAX_FILE_BYTES - len(PDF))
    assert _upload(signed_in, path, exact).status_code == 200
    too_big = b"%PDF-" + b"\x00" * UPLOAD_MAX_BODY
    resp = _upload(signed_in, path, too_big)
    assert resp.status_code == 400 and "too large" in resp.text


def test_other_calls_keep_the_1mb_cap(signed_in):
    big = {"name": "x" * (MAX_BODY + 10)}
    resp = signed_in.post("/v3/vendors", big)
    assert resp.status_code == 400 and "too large" in resp.text


def test_another_organizations_bill_and_vendor_are_not_found(signed_in, bill_id, vendor_id, api):
    fresh = api.post("/_emulator/organizations", {"fresh": True})
    assert fresh.status_code == 201, fresh.text
    creds = fresh.json()
    other = type(api)(api.url)
    try:
        login = other.http.post(
            other.url + "/v3/login",
            json={k: creds[k] for k in ("username", "password", "organizationId", "devKey")},
            timeout=10,
        )
        assert login.status_code == 200, login.text
        headers = {"devKey": creds["devKey"], "sessionId": login.json()["sessionId"]}
        for path in (f"/v3/documents/bills/{bill_id}", f"/v3/attachments/vendors/{vendor_id}"):
            resp = other.http.post(
                other.url + path, params={"name": "a.pdf"}, data=PDF, headers=headers, timeout=10
            )
            assert error_of(resp)[:2] == (404, "BDC_1004")
    finally:
        other.close()
