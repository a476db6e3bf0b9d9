"""Fault injection and rate limits over real HTTP: what a client must survive."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from emulator_helpers import error_of, pay_date, vendor_body

from bill_emulator import seed


def _fault(api, **body):
    resp = api.post("/_emulator/faults", body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _vendor_names(api) -> list[str]:
    return [v["name"] for v in api.get("/v3/vendors", max=100).json()["results"]]


def _wait_until(predicate, timeout=5.0):
    """Spin (no sleep) until ``predicate()`` holds; the server runs in this process."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"


def test_fault_status_and_code_before_processing(signed_in):
    _fault(signed_in, path="/v3/vendors", method="POST", status=503, code="BDC_1001")
    resp = signed_in.post("/v3/vendors", vendor_body())
    assert error_of(resp) == (503, "BDC_1001", "System error occurred.")
    assert _vendor_names(signed_in) == []
    assert signed_in.post("/v3/vendors", vendor_body()).status_code == 201  # count was 1


def test_fault_rate_limit_default_code(signed_in):
    _fault(signed_in, path="/v3/vendors", status=429)
    status, code, message = error_of(signed_in.get("/v3/vendors"))
    assert (status, code) == (429, "BDC_1322")
    assert message == "Max number of concurrent requests per organization reached."


def test_fault_status_after_processing_still_records(signed_in):
    _fault(signed_in, path="/v3/vendors", method="POST", status=500, afterProcessing=True)
    resp = signed_in.post("/v3/vendors", vendor_body(name="Recorded"))
    assert error_of(resp)[:2] == (500, "BDC_1001")
    assert _vendor_names(signed_in) == ["Recorded"]


def test_fault_drop_before_processing_creates_nothing(signed_in):
    _fault(signed_in, path="/v3/vendors", method="POST", drop=True)
    with pytest.raises(requests.ConnectionError):
        signed_in.post("/v3/vendors", vendor_body())
    assert _vendor_names(signed_in) == []


def test_fault_drop_after_payment_was_recorded(signed_in):
    vendor = signed_in.post("/v3/vendors", vendor_body()).json()
    bill = signed_in.post(
        "/v3/bills",
        {
            "vendorId": vendor["id"],
            "dueDate": "2030-01-01",
            "invoice": {"invoiceNumber": "D-1", "invoiceDate": "2026-01-01"},
            "billLineItems": [{"amount": 40}],
        },
    ).json()
    signed_in.trust()
    _fault(signed_in, path="/v3/payments", method="POST", drop=True, afterProcessing=True)
    body = {
        "billId": bill["id"],
        "amount": 40,
        "transactionNumber": "TX-DROP-1",
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": seed.VERIFIED_BANK_ID},
        "processingOptions": {},
        "processDate": pay_date(),
    }
    with pytest.raises(requests.ConnectionError):
        signed_in.post("/v3/payments", body)
    found = signed_in.get("/v3/payments", filters='transactionNumber:eq:"TX-DROP-1"').json()
    assert len(found["results"]) == 1  # BILL recorded it: a blind retry would pay twice
    assert signed_in.get(f"/v3/bills/{bill['id']}").json()["paymentStatus"] == "SCHEDULED"
    log = signed_in.get("/_emulator/requests").json()
    dropped = [(e["method"], e["path"], e["status"]) for e in log][2]
    assert dropped == ("POST", "/v3/payments", 0)  # logged as served with no response


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_fault_delay_past_client_timeout(server, signed_in):
    _fault(signed_in, path="/v3/vendors", method="POST", delaySeconds=0.3)
    with pytest.raises(requests.ReadTimeout):
        signed_in.http.post(
            signed_in.url + "/v3/vendors",
            json=vendor_body(name="Slow"),
            headers=signed_in.headers(),
            timeout=0.05,
        )
    _wait_until(lambda: server.app.backend.gate.active() == 0)
    assert _vendor_names(signed_in) == ["Slow"]


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_concurrent_limit_is_429_bdc_1322(server, signed_in):
    signed_in.call("PUT", "/_emulator/limits", {"concurrentRequests": 1})
    _fault(signed_in, path="/v3/login/session", delaySeconds=0.3)
    results = []
    slow = threading.Thread(
        target=lambda: results.append(
            requests.get(
                signed_in.url + "/v3/login/session", headers=signed_in.headers(), timeout=5
            ).status_code
        )
    )
    slow.start()
    _wait_until(lambda: server.app.backend.gate.active(seed.DEV_KEY) == 1)
    resp = requests.get(signed_in.url + "/v3/vendors", headers=signed_in.headers(), timeout=5)
    assert error_of(resp) == (
        429,
        "BDC_1322",
        "Max number of concurrent requests per organization reached.",
    )
    slow.join()
    assert results == [200]


def test_hourly_limit_is_429_bdc_1144(signed_in):
    signed_in.call("PUT", "/_emulator/limits", {"requestsPerHour": 3})
    signed_in.get("/v3/login/session")  # login was 1, this is 2
    signed_in.get("/v3/login/session")
    resp = signed_in.get("/v3/login/session")
    assert error_of(resp) == (
        429,
        "BDC_1144",
        "Max number of allowed requests per hour reached: 3.",
    )


def test_clear_faults_over_http(signed_in):
    _fault(signed_in, path="/v3/vendors", status=500)
    assert len(signed_in.get("/_emulator/faults").json()) == 1
    signed_in.call("DELETE", "/_emulator/faults")
    assert signed_in.get("/v3/vendors").status_code == 200


def test_fault_bad_request_is_400(signed_in):
    resp = signed_in.post("/_emulator/faults", {"path": "/v3/vendors"})
    assert error_of(resp)[:2] == (400, "BDC_1000")
