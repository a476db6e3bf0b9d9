"""The ``bill_emulator`` pytest fixture (bill_emulator/pytest_plugin.py), used here as a learner's
own tests would: the kit is installed, so its entry point has loaded the plugin.

Only plain ``requests`` and the fixture's handles: a learner's integration need not use the kit's
client.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
import requests
from client_bodies import vendor_body

from bill_emulator.backend.clock import add_business_days
from bill_emulator.testing import ProductionRefused, refuse_production


def _login(bill) -> requests.Session:
    http = requests.Session()
    resp = http.post(bill.url + "/v3/login", json=bill.login_body, timeout=10)
    assert resp.status_code == 200, resp.text
    http.headers.update({"devKey": bill.dev_key, "sessionId": resp.json()["sessionId"]})
    return http


def test_the_plugin_is_loaded_by_its_entry_point(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("bill_emulator")


def test_a_fresh_organization_logs_in_and_starts_empty(bill_emulator):
    assert bill_emulator.url.startswith("http://127.0.0.1:")
    assert bill_emulator.organization_id.startswith("008")
    http = _login(bill_emulator)
    vendors = http.get(bill_emulator.url + "/v3/vendors", timeout=10).json()
    assert vendors["results"] == []
    made = http.post(bill_emulator.url + "/v3/vendors", json=vendor_body(), timeout=10)
    assert made.status_code == 201, made.text
    assert made.json()["id"].startswith("009")


def test_each_test_gets_its_own_organization(bill_emulator, bill_emulator_server):
    other = bill_emulator_server.new_organization()
    assert other.organization_id != bill_emulator.organization_id
    assert other.dev_key != bill_emulator.dev_key
    http = _login(other)
    http.post(other.url + "/v3/vendors", json=vendor_body("Only Mine"), timeout=10)
    mine = _login(bill_emulator).get(bill_emulator.url + "/v3/vendors", timeout=10).json()
    assert mine["results"] == []


def test_the_organization_is_ready_to_pay(bill_emulator):
    """MFA with the demo phone's code, then a payment from the VERIFIED bank account."""
    http, url = _login(bill_emulator), bill_emulator.url
    with pytest.raises(LookupError):
        bill_emulator.mfa_code()  # nothing texted yet
    challenge = http.post(url + "/v3/mfa/challenge", json={}, timeout=10).json()
    code = bill_emulator.mfa_code()
    assert len(code) == 6 and code.isdigit()
    body = {"challengeId": challenge["challengeId"], "token": code}
    assert http.post(url + "/v3/mfa/challenge/validate", json=body, timeout=10).ok
    vendor = http.post(url + "/v3/vendors", json=vendor_body(), timeout=10).json()
    today = bill_emulator.clock.today()
    bill = http.post(
        url + "/v3/bills",
        json={
            "vendorId": vendor["id"],
            "dueDate": (today + dt.timedelta(days=30)).isoformat(),
            "invoice": {"invoiceNumber": "INV-1", "invoiceDate": today.isoformat()},
            "billLineItems": [{"amount": 40.00, "description": "paper"}],
        },
        timeout=10,
    ).json()
    payment = http.post(
        url + "/v3/payments",
        json={
            "billId": bill["id"],
            "amount": 40.00,
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": bill_emulator.bank_account_id},
            "processingOptions": {"requestPayFaster": False},
            "processDate": add_business_days(today, 3).isoformat(),
        },
        timeout=10,
    )
    assert payment.status_code == 201, payment.text
    assert payment.json()["status"] == "SCHEDULED"


@pytest.mark.bill_emulator(ready_to_pay=False)
def test_the_marker_asks_for_a_bare_organization(bill_emulator):
    http = _login(bill_emulator)
    assert http.get(bill_emulator.url + "/v3/mfa/phones", timeout=10).json() == {"results": []}
    assert bill_emulator.bank_account_id is None


def test_env_holds_what_a_client_reads(bill_emulator):
    env = bill_emulator.env
    assert env == {
        "BILL_ENVIRONMENT": "demo",
        "BILL_BASE_URL": bill_emulator.url,
        "BILL_USERNAME": bill_emulator.username,
        "BILL_PASSWORD": bill_emulator.password,
        "BILL_ORGANIZATION_ID": bill_emulator.organization_id,
        "BILL_DEV_KEY": bill_emulator.dev_key,
    }
    assert bill_emulator.password not in repr(bill_emulator)
    assert bill_emulator.dev_key not in repr(bill_emulator)


def test_env_fixture_sets_the_variables(bill_emulator_env):
    for name, value in bill_emulator_env.env.items():
        assert os.environ[name] == value


def test_the_kit_client_runs_from_the_env(bill_emulator, monkeypatch, tmp_path):
    """The names in ``.env`` are the ones billhelpers reads: its client signs in with them."""
    import billhelpers as bh

    monkeypatch.setenv("BILL_CACHE_DIR", str(tmp_path / "cache"))
    for name, value in bill_emulator.env.items():
        monkeypatch.setenv(name, value)
    client = bh.connect(dotenv=False)
    try:
        assert client.base_url == bill_emulator.url
        client.login()
        assert client.vendors.create(vendor_body()).data["id"].startswith("009")
    finally:
        client.close()


def test_faults_clock_and_request_log(bill_emulator):
    http, url = _login(bill_emulator), bill_emulator.url
    bill_emulator.faults.add("/v3/vendors", method="POST", status=503)
    assert len(bill_emulator.faults.list()) == 1
    assert http.post(url + "/v3/vendors", json=vendor_body(), timeout=10).status_code == 503
    assert http.post(url + "/v3/vendors", json=vendor_body(), timeout=10).status_code == 201
    bill_emulator.faults.add("/v3/vendors", status=500, count=5)
    bill_emulator.faults.clear()
    assert bill_emulator.faults.list() == []
    calls = [(r["method"], r["path"], r["status"]) for r in bill_emulator.requests()]
    assert calls == [
        ("POST", "/v3/login", 200),
        ("POST", "/v3/vendors", 503),
        ("POST", "/v3/vendors", 201),
    ]
    before = bill_emulator.clock.today()
    now = bill_emulator.clock.advance(days=2)
    assert now.date() == before + dt.timedelta(days=2) == bill_emulator.clock.today()


def test_the_next_test_starts_with_faults_clock_and_log_put_back(bill_emulator_server):
    org = bill_emulator_server.new_organization()
    org.faults.add("/v3/*", status=500, count=100)
    start = org.clock.today()
    org.clock.advance(days=40)
    requests.post(org.url + "/v3/login", json=org.login_body, timeout=10)
    fresh = bill_emulator_server.new_organization()
    assert fresh.faults.list() == []
    assert fresh.requests() == []
    assert fresh.clock.today() - start < dt.timedelta(days=1)


def test_production_urls_are_refused():
    for url in (
        "https://gateway.prod.bill.com/connect",
        "https://API.bill.com/api/v2",
        "https://gateway.stage.bill.com/connect",
        "https://bill.com.",
    ):
        with pytest.raises(ProductionRefused):
            refuse_production(url)
    assert refuse_production("http://127.0.0.1:8000") == "http://127.0.0.1:8000"


def test_running_works_outside_pytest_fixtures():
    from bill_emulator import running
    from bill_emulator.testing import current

    with running(start="2026-06-18") as bill:
        assert bill.clock.today() == dt.date(2026, 6, 18)
        assert current() is bill
        assert _login(bill).get(bill.url + "/v3/vendors", timeout=10).ok
    with pytest.raises(requests.ConnectionError):
        requests.get(bill.url + "/_emulator/health", timeout=2)

    seen = []

    @running(set_env=True)
    def program():
        seen.append((os.environ["BILL_BASE_URL"], current().url))

    program()
    assert seen and seen[0][0] == seen[0][1]
    assert "BILL_BASE_URL" not in os.environ or os.environ["BILL_BASE_URL"] != seen[0][0]
