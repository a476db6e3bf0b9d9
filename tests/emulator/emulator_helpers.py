"""Bodies, constants and a tiny HTTP client shared by the emulator tests.

A module of its own (not conftest.py) so tests import it by a unique name: ``from conftest
import ...`` picks whichever conftest pytest loaded first when several folders run together.
"""

from __future__ import annotations

from decimal import Decimal

import requests
from world_clock import TEST_TODAY

from bill_emulator import seed
from bill_emulator.backend.clock import add_business_days

#: A fixed "real time" for backend tests (Wednesday 2026-03-04 12:00:00 UTC); the emulator's
#: clock control moves time forward from here, so no test sleeps.
FROZEN = 1772625600.0

ADDRESS = {
    "line1": "1 Market St",
    "city": "San Francisco",
    "stateOrProvince": "CA",
    "zipOrPostalCode": "94105",
    "country": "US",
}
BANK = {
    "nameOnAccount": "Acme Supplies",
    "accountNumber": "000123456789",
    "routingNumber": "011000015",
    "type": "CHECKING",
    "ownerType": "BUSINESS",
}


def vendor_body(**overrides) -> dict:
    body = {
        "name": "Acme Supplies",
        "accountType": "BUSINESS",
        "email": "ap@acme.example",
        "address": dict(ADDRESS),
        "paymentInformation": {"payeeName": "Acme Supplies", "bankAccount": dict(BANK)},
    }
    body.update(overrides)
    return body


def login_body(**overrides) -> dict:
    body = {
        "username": seed.USERNAME,
        "password": seed.PASSWORD,
        "organizationId": seed.ORGANIZATION_ID,
        "devKey": seed.DEV_KEY,
    }
    body.update(overrides)
    return body


def bill_body(vendor_id: str, **overrides) -> dict:
    body = {
        "vendorId": vendor_id,
        "dueDate": "2026-04-01",
        "invoice": {"invoiceNumber": "INV-001", "invoiceDate": "2026-03-01"},
        "billLineItems": [
            {"amount": Decimal("100.25"), "description": "Paper"},
            {"amount": Decimal("25.25"), "description": "Toner"},
        ],
    }
    body.update(overrides)
    return body


def pay_date() -> str:
    """A processDate every payment test may use: 3 business days after the test world's today,
    so past the 2 business days BILL gives a vendor bank account just added (backend tests'
    frozen clock is earlier still)."""
    return add_business_days(TEST_TODAY, 3).isoformat()


def payment_body(bill_id: str, amount="50.00", **overrides) -> dict:
    body = {
        "billId": bill_id,
        "amount": Decimal(amount),
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": seed.VERIFIED_BANK_ID},
        "processingOptions": {"requestPayFaster": False},
        "processDate": pay_date(),
    }
    body.update(overrides)
    return body


class Api:
    """A tiny BILL client for tests: base URL, devKey/sessionId headers, JSON in and out."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.session_id: str | None = None

    def headers(self) -> dict:
        headers = {"devKey": seed.DEV_KEY}
        if self.session_id:
            headers["sessionId"] = self.session_id
        return headers

    def call(self, method: str, path: str, body=None, **params) -> requests.Response:
        return self.http.request(
            method,
            self.url + path,
            json=body,
            params=params or None,
            headers=self.headers(),
            timeout=10,
        )

    def get(self, path, **params):
        return self.call("GET", path, **params)

    def post(self, path, body=None):
        return self.call("POST", path, body)

    def patch(self, path, body):
        return self.call("PATCH", path, body)

    def login(self, **overrides) -> requests.Response:
        resp = self.post("/v3/login", login_body(**overrides))
        if resp.status_code == 200:
            self.session_id = resp.json()["sessionId"]
        return resp

    def trust(self) -> None:
        """Make the session MFA-trusted: challenge, read the demo phone, validate."""
        challenge = self.post("/v3/mfa/challenge", {}).json()["challengeId"]
        token = self.get("/_emulator/outbox").json()[0]["token"]
        resp = self.post("/v3/mfa/challenge/validate", {"challengeId": challenge, "token": token})
        assert resp.status_code == 200, resp.text

    def close(self) -> None:
        self.http.close()


def error_of(resp: requests.Response) -> tuple[int, str, str]:
    """``(status, code, message)`` of a BILL error response (asserting its envelope)."""
    body = resp.json()
    assert isinstance(body, list) and len(body) == 1, body
    err = body[0]
    assert {"timestamp", "code", "severity", "category", "message"} <= set(err)
    assert set(err) <= {"timestamp", "code", "severity", "category", "message", "params"}
    return resp.status_code, err["code"], err["message"]


def db_bytes(backend) -> bytes:
    """Everything the store has on disk (database and write-ahead log)."""
    files = [backend.store.path, backend.store.path.with_name(backend.store.path.name + "-wal")]
    return b"".join(f.read_bytes() for f in files if f.exists())
