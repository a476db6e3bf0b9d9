"""Secrets, where tests/client/test_secrets.py (a whole happy flow) and
tests/test_notebooks_clean.py (committed notebooks) do not look already: failures, faults and
recoveries, full tracebacks, urllib3's DEBUG log, the session cache's content, ``git
check-ignore``, and the production guard seen from the emulator's request log.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import traceback
from pathlib import Path

import pytest
from client_bodies import VERIFIED_BANK, bill_body, payment_body, vendor_body
from kit_helpers import bill_calls, posts

import billhelpers as bh
from billhelpers.config import DEMO_CREDENTIALS

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT, ROUTING = "000123456789", "021000021"  # client_bodies.vendor_body()'s bank numbers
WRONG_PASSWORD = "wrong-password-42"
WRONG_DEV_KEY = "01WRONGKEY000000000000000000000000"


def _exception_texts(err: BaseException) -> list[str]:
    """What a notebook can show of an exception: str, repr and the full traceback (chained)."""
    return [str(err), repr(err), "".join(traceback.format_exception(err))]


def test_failures_faults_and_recoveries_leak_no_secret(client, make_client, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    texts, session_ids = [], []

    def show(*objects):  # what a notebook cell would display
        for obj in objects:
            texts.append(repr(obj))
            if hasattr(obj, "_repr_html_"):
                texts.append(obj._repr_html_())

    def failing(call):
        with pytest.raises(bh.BillError) as info:
            call()
        texts.extend(_exception_texts(info.value))
        return info.value

    show(client.login(force=True), client.last_response)
    session_ids.append(client.session.id)
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    show(challenge, client.mfa.validate(challenge["challengeId"], token, remember_me=True))
    remember_me_id = client.cache.get(client.session.key)["rememberMeId"]

    failing(lambda: make_client(password=WRONG_PASSWORD).login(force=True))
    failing(lambda: make_client(dev_key=WRONG_DEV_KEY).login(force=True))
    bad_bank = vendor_body()
    bad_bank["paymentInformation"]["bankAccount"]["routingNumber"] = "021000022"
    failing(lambda: client.vendors.create(bad_bank))

    vendor = client.vendors.create(vendor_body())
    bill = client.bills.create(bill_body(vendor["id"], "50.00"))
    show(vendor, bill)
    # mid-call session expiry, a rate limit with back-off, a dropped create
    client.emulator.add_fault(path="/v3/vendors/*", method="GET", status=401, code="BDC_1109")
    client.emulator.add_fault(path="/v3/vendors", method="GET", status=429, code="BDC_1322")
    show(client.vendors.get(vendor["id"]), client.vendors.list(max=5))
    session_ids.append(client.session.id)
    client.emulator.add_fault(path="/v3/vendors", method="POST", drop=True)
    failing(lambda: client.vendors.create(vendor_body("Dropped Co")))
    # an uncertain payment (safe to retry), then one recovered after its answer was lost
    client.emulator.add_fault(path="/v3/payments", method="POST", drop=True)
    err = failing(lambda: client.payments.create(payment_body(bill["id"], "20.00")))
    texts.append(repr(err.body))
    failing(lambda: client.payments.create(err.body))  # at once: refused, it may be in flight
    from billhelpers.resources import inflight as inflight_module

    later = inflight_module._now() + client.config.total_timeout  # when it cannot be in flight
    monkeypatch.setattr(inflight_module, "_now", lambda: later)
    client.emulator.add_fault(path="/v3/payments", method="POST", drop=True, afterProcessing=True)
    show(client.payments.create(err.body), client)
    client.emulator.advance_clock(36 * 60)  # an expired session, found by the next call
    show(client.payments.create(payment_body(bill["id"], "30.00")), client.config, client.mfa)
    session_ids.append(client.session.id)

    assert len(set(session_ids)) == 3  # three sessions, each of which must stay hidden
    assert any(r.name.startswith("urllib3") for r in caplog.records)  # its DEBUG lines are here
    texts += [caplog.text, str(client.emulator.requests())]
    secrets = {
        "password": DEMO_CREDENTIALS["password"],
        "devKey": DEMO_CREDENTIALS["dev_key"],
        "wrong password": WRONG_PASSWORD,
        "wrong devKey": WRONG_DEV_KEY,
        "rememberMeId": remember_me_id,
        "MFA token": token,
        "account number": ACCOUNT,
        "routing number": ROUTING,
        **{f"sessionId {i}": s for i, s in enumerate(session_ids)},
    }
    leaks = [(name, t[:200]) for name, s in secrets.items() for t in texts if s in t]
    assert leaks == []
    assert any("…6789" in t for t in texts)  # the vendor was shown, its number masked


def test_session_cache_holds_no_password_or_dev_key_and_stays_owner_only(
    trusted, make_client, isolated_env
):
    trusted.emulator.advance_clock(36 * 60)
    make_client().vendors.list(max=1)  # a new kernel re-logs in and rewrites the cache
    text = (isolated_env / "sessions.json").read_text()
    assert trusted.session.entry()["rememberMeId"]  # it does hold the session secrets
    assert DEMO_CREDENTIALS["password"] not in text
    assert DEMO_CREDENTIALS["dev_key"] not in text
    assert DEMO_CREDENTIALS["username"] not in text  # the key is a hash, it names no one
    modes = {p.name: p.stat().st_mode & 0o777 for p in isolated_env.iterdir()}
    assert isolated_env.stat().st_mode & 0o777 == 0o700
    assert modes == {"sessions.json": 0o600, "sessions.lock": 0o600}  # no temp file left


@pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(), reason="needs a git checkout"
)
@pytest.mark.parametrize("path", [".env", "notebooks/.env"])
def test_dotenv_is_ignored_by_git(path):
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT, check=False
    )
    assert result.returncode == 0, f"{path} is not git-ignored"


def _production(make_client):
    """A production-configured client, pointed at the emulator so nothing real is risked."""
    return make_client(environment="production", **DEMO_CREDENTIALS)


def test_production_guard_sends_nothing_until_allowed(client, make_client):
    prod = _production(make_client)
    client.emulator.clear_requests()  # `client` (demo) reads the emulator's log
    single = payment_body("00n01SBX000000000001", "1.00")
    bulk = {
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
        "processingOptions": {},
        "payments": [{"billId": "00n01SBX000000000001", "amount": "1.00"}],
    }
    for call in (lambda: prod.payments.create(single), lambda: prod.payments.bulk_create(bulk)):
        with pytest.raises(bh.ProductionGuardError) as info:
            call()
        assert "Nothing was sent" in str(info.value)
        assert "client.allow_production_payments()" in str(info.value)
    assert bill_calls(client) == []  # not even a login
    prod.allow_production_payments()
    with pytest.raises(bh.NotFoundError):  # now it reaches "BILL" (no such bill there)
        prod.payments.create(single)
    assert ("GET", "/v3/bills/00n01SBX000000000001", 404) in bill_calls(client)


def test_production_guard_covers_the_raw_request_pipeline(client, make_client):
    prod = _production(make_client)
    client.emulator.clear_requests()
    with pytest.raises(bh.ProductionGuardError):
        prod.request("POST", "/v3/payments", json=payment_body("00n01SBX000000000001", "1.00"))
    assert posts(client, "/v3/payments") == []
