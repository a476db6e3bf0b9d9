"""The emulator against BILL's published contract, over HTTP.

For every call in ``bill_contract.json`` (the recipe's, a sandbox's set-up and the rest of BILL's
AP side; derived from BILL's v3 Postman collection by ``derive_fixture.py``, its source commit and
date are in the file), send BILL's own example request body, with Postman variables filled in
from real emulator objects and its past dates moved into the future, and check BILL's success
status, that every response field path the emulator sends is one BILL's schema has at that
place, that the fields this kit relies on are there, and that enum values are spelt as BILL
spells them. So the emulator cannot drift from BILL.

How each call is made is a *scenario*: the recipe's and set-up's are below, each other area of
BILL's API keeps its own in a ``scenarios_<area>.py`` module (a ``SCENARIOS`` dict of the same
shape), gathered here. Every call of the fixture must be served and have a scenario (issue 25):
a call added to the fixture fails here until the emulator serves it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import requests
from world_clock import TEST_START

from bill_emulator import EmulatorServer, seed
from contract.contract_api import ENDPOINTS, FIXTURE, Bill, field_paths, routed

#: Fields the kit (and issue 14) relies on, per endpoint: each must be sent.
REQUIRED = {
    ("POST", "/v3/login"): {"sessionId", "organizationId", "userId", "trusted"},
    ("POST", "/v3/mfa/challenge"): {"challengeId"},
    ("POST", "/v3/mfa/challenge/validate"): {"rememberMeId"},
    ("POST", "/v3/mfa/step-up"): {"trusted"},
    ("POST", "/v3/vendors"): {"id", "name", "archived", "paymentInformation.bankAccount.type"},
    ("POST", "/v3/vendors/bulk"): {"vendors", "vendors[].id"},
    ("GET", "/v3/vendors"): {"results", "results[].id"},
    ("POST", "/v3/bills"): {
        "id",
        "vendorId",
        "amount",
        "dueAmount",
        "creditAmount",
        "paidAmount",
        "scheduledAmount",
        "paymentStatus",
        "billLineItems[].id",
    },
    ("POST", "/v3/bills/bulk"): {"[].id", "[].billLineItems[].id"},
    ("GET", "/v3/funding-accounts/banks"): {"results[].status", "results[].ownerType"},
    ("POST", "/v3/payments"): {
        "id",
        "billId",
        "vendorId",
        "vendorName",
        "amount",
        "status",
        "singleStatus",
        "processDate",
        "billPayments[].billId",
    },
    ("POST", "/v3/payments/bulk"): {"payments[].id", "payments[].billId"},
    ("POST", "/v3/payments/{id}/cancel"): {"status", "singleStatus"},
}

_PAYMENT_STATUS = {"SCHEDULED", "CANCELLED", "APPROVING", "PAID", "VOID"}  # SCHEDULED: [C] record
#: Enum spellings to hold the emulator to (field name, wherever it appears): BILL's, from the
#: fixture's samples and the documented lists it carries.
ENUMS = {
    "payment": {
        "status": _PAYMENT_STATUS,
        "singleStatus": set(FIXTURE["documentedEnums"]["payment.singleStatus"]["values"]),
        "disbursementStatus": {"DONE", "FAILED", "HOLD"},
    },
    "bankAccount": {
        "status": {"VERIFIED", "NOT_VERIFIED", "PENDING", "INVALID"},
        "ownerType": {"BUSINESS", "PERSONAL"},
        "type": {"CHECKING", "SAVINGS"},
    },
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = EmulatorServer(tmp_path_factory.mktemp("contract"), port=0, start=TEST_START)
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def bill(server):
    api = Bill(server.url)
    try:
        # a minute on: BILL's 5-texts-a-minute limit must not carry over between tests
        assert api.call("POST", "/_emulator/clock", {"advanceSeconds": 61}).ok
        api.login()
        yield api
    finally:
        api.http.close()


def _entity(path: str) -> str | None:
    if path.startswith("/v3/payments"):
        return "payment"
    if path.startswith("/v3/funding-accounts/banks") and "/users" not in path:
        return "bankAccount"
    return None


def _enum_values(value, field: str) -> list:
    found = []
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == field and isinstance(sub, str):
                found.append(sub)
            elif isinstance(sub, dict | list) and key not in ("fundingAccount", "voidInfo"):
                found += _enum_values(sub, field)
    elif isinstance(value, list):
        for sub in value:
            found += _enum_values(sub, field)
    return found


def check_contract(method: str, path: str, resp: requests.Response) -> None:
    """BILL's status, body kind, field paths and enum spellings for ``(method, path)``."""
    ep = ENDPOINTS[(method, path)]
    assert resp.status_code == ep["successStatus"], f"{method} {path}: {resp.text[:300]}"
    if ep["responseBody"] == "empty":
        assert resp.content == b"", f"{method} {path} must answer with no body"
        return
    data = resp.json()
    sent = field_paths(data)
    extra = sent - set(ep["responseFields"])
    assert not extra, f"{method} {path} sends fields BILL's schema has not: {sorted(extra)}"
    missing = REQUIRED.get((method, path), set()) - sent
    assert not missing, f"{method} {path} lacks {sorted(missing)}"
    for field, allowed in ENUMS.get(_entity(path) or "", {}).items():
        for value in _enum_values(data, field):
            assert value in allowed, f"{method} {path}: {field} {value!r} is not BILL's spelling"


# -- one scenario per call: what must exist first, then BILL's example -----------------------


def _vendor_bank_account(api: Bill, method: str) -> requests.Response:
    vendor_id = api.vendor()  # BILL's vendor example has a bank account
    if method == "POST":
        api.call("DELETE", f"/v3/vendors/{vendor_id}/bank-account")
    return api.send(method, "/v3/vendors/{id}/bank-account", vendor_id)


def _outbox_token(api: Bill, key: str) -> str:
    """The demo phone's newest token for ``key`` (a challenge or set-up id), else the newest."""
    sent = api.call("GET", "/_emulator/outbox").json()
    mine = [m for m in sent if key in m.values()]
    return (mine or sent)[0]["token"]


def _mfa_setup(api: Bill, with_validate: bool) -> requests.Response:
    api.trust()  # the demo user has a phone already: replacing it needs a trusted session
    resp = api.send("POST", "/v3/mfa/setup")
    if not with_validate:
        return resp
    api.vars["mfa_setup_id"] = setup_id = resp.json()["setupId"]
    api.vars["mfa_token"] = _outbox_token(api, setup_id)
    return api.send("POST", "/v3/mfa/setup/validate")


def _new_bank(api: Bill) -> str:
    api.trust()
    resp = api.send("POST", "/v3/funding-accounts/banks")
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _payment_call(api: Bill, method: str, path: str) -> requests.Response:
    api.trust()
    if path == "/v3/payments":
        api.bill()
        return api.send(method, path)
    if path == "/v3/payments/bulk":
        api.bill("01")
        api.bill("02")
        return api.send(method, path)
    payment_id = api.payment()
    if path.endswith("/void"):  # BILL voids a payment once it is processing (cancel before)
        moved = api.call(
            "POST",
            "/_emulator/clock",
            {"untilPaymentStatus": {"id": payment_id, "singleStatus": "PROCESSED"}},
        )
        assert moved.status_code == 200, moved.text
        api.login()  # the days the clock moved ended the session
        api.trust()
    return api.send(method, path, payment_id)


SCENARIOS = {
    ("POST", "/v3/login"): lambda api, m, p: api.login(),
    ("POST", "/v3/logout"): lambda api, m, p: api.send(m, p),
    ("GET", "/v3/login/session"): lambda api, m, p: api.send(m, p),
    ("POST", "/v3/mfa/challenge"): lambda api, m, p: api.challenge(),
    ("POST", "/v3/mfa/challenge/validate"): lambda api, m, p: api.trust(),
    ("POST", "/v3/mfa/step-up"): lambda api, m, p: (api.trust(), api.login(), api.send(m, p))[-1],
    ("POST", "/v3/vendors"): lambda api, m, p: api.send(m, p),
    ("POST", "/v3/vendors/bulk"): lambda api, m, p: api.send(m, p),
    ("GET", "/v3/vendors"): lambda api, m, p: (api.vendor(), api.send(m, p, params={"max": 5}))[1],
    ("GET", "/v3/vendors/{id}"): lambda api, m, p: api.send(m, p, api.vendor()),
    ("PATCH", "/v3/vendors/{id}"): lambda api, m, p: api.send(m, p, api.vendor()),
    ("POST", "/v3/vendors/{id}/archive"): lambda api, m, p: api.send(m, p, api.vendor()),
    ("POST", "/v3/vendors/{id}/restore"): lambda api, m, p: api.send(m, p, api.vendor()),
    ("GET", "/v3/vendors/{id}/bank-account"): lambda api, m, p: _vendor_bank_account(api, m),
    ("POST", "/v3/vendors/{id}/bank-account"): lambda api, m, p: (
        api.trust(),
        _vendor_bank_account(api, m),
    )[1],
    ("DELETE", "/v3/vendors/{id}/bank-account"): lambda api, m, p: _vendor_bank_account(api, m),
    ("POST", "/v3/bills"): lambda api, m, p: (api.vendor(), api.send(m, p))[1],
    ("POST", "/v3/bills/bulk"): lambda api, m, p: (api.vendor(), api.send(m, p))[1],
    ("GET", "/v3/bills"): lambda api, m, p: (api.bill(), api.send(m, p, params={"max": 5}))[1],
    ("GET", "/v3/bills/{id}"): lambda api, m, p: api.send(m, p, api.bill()),
    ("PATCH", "/v3/bills/{id}"): lambda api, m, p: api.send(m, p, api.bill()),
    ("PUT", "/v3/bills/{id}"): lambda api, m, p: api.send(m, p, api.bill()),
    ("POST", "/v3/bills/{id}/archive"): lambda api, m, p: api.send(m, p, api.bill()),
    ("POST", "/v3/bills/{id}/restore"): lambda api, m, p: api.send(m, p, api.bill()),
    ("GET", "/v3/funding-accounts/banks"): lambda api, m, p: api.send(m, p),
    ("GET", "/v3/funding-accounts/banks/{id}"): lambda api, m, p: api.send(
        m, p, seed.UNVERIFIED_BANK_ID
    ),
    ("POST", "/v3/funding-accounts/banks"): lambda api, m, p: (api.trust(), api.send(m, p))[1],
    ("GET", "/v3/payments"): lambda api, m, p: (
        _payment_call(api, "POST", "/v3/payments"),
        api.send(m, p, params={"max": 5}),
    )[1],
    ("GET", "/v3/payments/options"): lambda api, m, p: api.send(
        m, p, params={"vendorId": api.vendor(), "amount": "100"}
    ),
    ("GET", "/v3/mfa/phones"): lambda api, m, p: api.send(m, p),
    # set-up calls: tested as soon as their routes exist
    ("POST", "/v3/mfa/setup"): lambda api, m, p: _mfa_setup(api, with_validate=False),
    ("POST", "/v3/mfa/setup/validate"): lambda api, m, p: _mfa_setup(api, with_validate=True),
    ("POST", "/v3/funding-accounts/banks/{id}/verify"): lambda api, m, p: api.send(
        m, p, _new_bank(api)
    ),
    ("GET", "/v3/funding-accounts/banks/users"): lambda api, m, p: api.send(m, p),
    ("POST", "/v3/funding-accounts/banks/users/nominate"): lambda api, m, p: (
        api.trust(),
        api.send(m, p),
    )[1],
}
for _key in ENDPOINTS:
    if _key[1].startswith("/v3/payments") and _key not in SCENARIOS:
        SCENARIOS[_key] = lambda api, m, p: _payment_call(api, m, p)
for _module in sorted(Path(__file__).parent.glob("scenarios_*.py")):
    _area = importlib.import_module(f"contract.{_module.stem}").SCENARIOS
    assert not set(_area) & set(SCENARIOS), f"{_module.name} repeats a scenario"
    SCENARIOS.update(_area)


@pytest.mark.parametrize("method,path", list(ENDPOINTS), ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_bills_example_gets_bills_answer(bill, method, path):
    if not routed(method, path):
        role = ENDPOINTS[(method, path)]["role"]
        pytest.fail(f"{method} {path} ({role} call) is not emulated: BILL's 404 BDC_1121")
    scenario = SCENARIOS.get((method, path))
    if scenario is None:
        pytest.fail(f"{method} {path}: routed, but no scenario; add one to a SCENARIOS table")
    check_contract(method, path, scenario(bill, method, path))


def test_the_fixture_names_its_source():
    source = FIXTURE["source"]
    assert source["repo"] == "akleinvm/billdotcom-sdk-v3"
    assert source["path"] == "reference/billdotcom_v3.json"
    assert re.fullmatch(r"[0-9a-f]{40}", source["commit"]) and source["date"] == "2026-12-01"


def test_error_objects_carry_only_bills_fields(bill):
    resp = bill.call("POST", "/v3/vendors", {"name": ""})
    assert resp.status_code == 400
    fields = {f.removeprefix("[].") for f in FIXTURE["errorResponse"]["fields"]}
    for err in resp.json():
        assert {"timestamp", "code", "severity", "category", "message"} <= set(err)
        assert field_paths(err) <= fields, field_paths(err) - fields


def test_unknown_sub_path_is_bills_404_not_an_id(bill):
    # /v3/payments/options is served now (issue 25); /v3/payments/mass is not
    for method, path in (("GET", "/v3/payments/mass"), ("GET", "/v3/vendors/bulk")):
        resp = bill.call(method, path)
        assert resp.status_code == 404
        assert resp.json()[0]["code"] == "BDC_1121"


def test_bulk_creates_are_all_or_nothing_within_bills_limits(bill):
    vendors = bill.example("POST", "/v3/vendors/bulk")
    before = len(bill.call("GET", "/v3/vendors", params={"max": 100}).json()["results"])
    broken = [vendors[0], {**vendors[0], "name": ""}]
    resp = bill.call("POST", "/v3/vendors/bulk", broken)
    assert resp.status_code == 400 and "[1].name" in resp.json()[0]["message"]
    too_many = bill.call("POST", "/v3/vendors/bulk", vendors * 21)  # BILL's limit: 20
    assert too_many.status_code == 400
    after = len(bill.call("GET", "/v3/vendors", params={"max": 100}).json()["results"])
    assert after == before
    bill.vendor()
    bills = [b for _ in range(51) for b in bill.example("POST", "/v3/bills/bulk")]  # 102
    assert bill.call("POST", "/v3/bills/bulk", bills).status_code == 400  # BILL's limit: 100
    assert bill.call("POST", "/v3/bills/bulk", bills[:100]).status_code == 201
