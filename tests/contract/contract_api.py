"""BILL's HTTP API on a test emulator, for the contract test and its scenario modules.

``Bill`` sends BILL's own example bodies (from ``bill_contract.json``) with Postman variables
filled in from real emulator objects. Scenario modules (``scenarios_*.py``, one per area of BILL's
API) import it to say how each call of their area is made.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import requests
from werkzeug.exceptions import HTTPException
from world_clock import TEST_TODAY

from bill_emulator import seed
from bill_emulator.backend.clock import add_business_days
from bill_emulator.urls import url_map

FIXTURE = json.loads(Path(__file__).with_name("bill_contract.json").read_text(encoding="utf-8"))
ENDPOINTS = {(e["method"], e["path"]): e for e in FIXTURE["endpoints"]}
TIMEOUT = 10

_VAR = re.compile(r"{{(\w+)}}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_numbers = itertools.count(1)


def field_paths(value, prefix: str = "") -> set[str]:
    """Dotted field paths in the fixture's notation (``[]`` marks an array)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, sub in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= field_paths(sub, path)
    elif isinstance(value, list):
        for sub in value:
            out |= field_paths(sub, prefix + "[]")
    return out


def _future_date() -> str:
    """Fifteen business days after the contract world's today: past BILL's business-day
    rules for every vendor the examples create."""
    return add_business_days(TEST_TODAY, 15).isoformat()


def fill(value, variables: dict):
    """BILL's example with ``{{variables}}`` filled in, past dates moved to a future date and
    invoice numbers made unique (the emulator refuses a number twice per vendor)."""
    if isinstance(value, dict):
        out = {k: fill(v, variables) for k, v in value.items()}
        if "invoiceNumber" in out:
            out["invoiceNumber"] = f"{out['invoiceNumber']}-{next(_numbers)}"
        return out
    if isinstance(value, list):
        return [fill(v, variables) for v in value]
    if isinstance(value, str):
        whole = _VAR.fullmatch(value)
        if whole:
            return variables[whole.group(1)]
        if _DATE.fullmatch(value):
            return _future_date()
    return value


def routed(method: str, path: str) -> bool:
    try:
        url_map.bind("contract").match(path.replace("{id}", "00901SBX000000000001"), method)
    except HTTPException:
        return False
    return True


class Bill:
    """BILL's HTTP API on the test emulator, with the objects BILL's examples refer to."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.session_id: str | None = None
        self.vars = {
            "username": seed.USERNAME,
            "password": seed.PASSWORD,
            "organization_id": seed.ORGANIZATION_ID,
            "developer_key": seed.DEV_KEY,
            "mfa_device_name": seed.MFA_DEVICE,
            "mfa_machine_name": "contract-test",
            "org_bank_account_id": seed.VERIFIED_BANK_ID,
            "org_user_id": seed.USER_ID,
            "user_phone_no": "4155550123",
        }

    def call(self, method: str, path: str, body=None, params=None) -> requests.Response:
        headers = {"devKey": seed.DEV_KEY, "Accept": "application/json"}
        if self.session_id:
            headers["sessionId"] = self.session_id
        return self.http.request(
            method, self.url + path, json=body, params=params, headers=headers, timeout=TIMEOUT
        )

    def example(self, method: str, path: str) -> object:
        return fill(ENDPOINTS[(method, path)].get("exampleRequest"), self.vars)

    def send(self, method: str, path: str, obj_id: str | None = None, params=None):
        """BILL's example call for ``(method, path)``; ``{id}`` becomes ``obj_id``."""
        body = self.example(method, path) if method in ("POST", "PATCH", "PUT") else None
        return self.call(method, path.replace("{id}", obj_id or ""), body, params)

    # -- the objects BILL's variables name ---------------------------------------------------

    def login(self) -> requests.Response:
        resp = self.send("POST", "/v3/login")
        self.session_id = resp.json()["sessionId"]
        return resp

    def challenge(self) -> requests.Response:
        resp = self.send("POST", "/v3/mfa/challenge")
        self.vars["mfa_challenge_id"] = cid = resp.json()["challengeId"]
        sent = self.call("GET", "/_emulator/outbox").json()
        self.vars["mfa_token"] = next(m["token"] for m in sent if m["challengeId"] == cid)
        return resp

    def trust(self) -> requests.Response:
        """Challenge and validate with BILL's example (rememberMe true)."""
        self.challenge()
        resp = self.send("POST", "/v3/mfa/challenge/validate")
        self.vars["mfa_remember_me_id"] = resp.json().get("rememberMeId")
        return resp

    def vendor(self) -> str:
        resp = self.send("POST", "/v3/vendors")
        assert resp.status_code == 201, resp.text
        self.vars["vendor_id"] = resp.json()["id"]
        return resp.json()["id"]

    def bill(self, suffix: str = "") -> str:
        if not self.vars.get("vendor_id"):
            self.vendor()
        resp = self.send("POST", "/v3/bills")
        assert resp.status_code == 201, resp.text
        bill = resp.json()
        self.vars["bill_id" + suffix] = bill["id"]
        self.vars["bill_line_item_id01"] = bill["billLineItems"][0]["id"]
        self.vars["bill_line_item_id02"] = bill["billLineItems"][-1]["id"]
        return bill["id"]

    def payment(self) -> str:
        self.bill()
        resp = self.send("POST", "/v3/payments")
        assert resp.status_code == 201, resp.text
        return resp.json()["id"]
