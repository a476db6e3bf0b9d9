"""Fixtures shared by every test folder: a real local BILL emulator on 127.0.0.1:0 per test
(``emulator``), a private environment (``isolated_env``: tmp ``BILL_CACHE_DIR``, no ``BILL_*``
variables), the injected back-off sleep (``sleeps``), clients talking to the emulator
(``make_client``, ``client``, ``trusted``) and the records tests start from.

The helpers beside this file (``client_bodies``, ``kit_helpers``, ``fake_bill``) are importable
from every folder because pytest puts this folder on ``sys.path`` for this conftest.
"""

from __future__ import annotations

import pytest
from client_bodies import bill_body, vendor_body
from world_clock import TEST_START

import billhelpers as bh
from bill_emulator.launcher import START_ENV
from billhelpers.config import ENV_VARS


@pytest.fixture
def isolated_env(monkeypatch, tmp_path):
    """No real .env, no BILL_* variables, a private cache folder."""
    for var in (*ENV_VARS.values(), START_ENV):
        monkeypatch.delenv(var, raising=False)
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    cache = tmp_path / "cache"
    monkeypatch.setenv("BILL_CACHE_DIR", str(cache))
    return cache


@pytest.fixture
def emulator(tmp_path):
    from bill_emulator import EmulatorServer

    server = EmulatorServer(tmp_path / "emulator", host="127.0.0.1", port=0, start=TEST_START)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(emulator, isolated_env, sleeps):
    """``make_client(**config_overrides)``: a client on the test emulator, sleeping nowhere."""
    made = []

    def make(**overrides):
        client = bh.connect(dotenv=False, base_url=emulator.url, sleep=sleeps.append, **overrides)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def trusted(client):
    """A logged-in, MFA-trusted client (challenge + the demo phone's token + validate)."""
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    client.mfa.validate(challenge["challengeId"], token, remember_me=True)
    assert client.is_trusted
    return client


@pytest.fixture
def bill(client):
    """A vendor and an unpaid bill of 100.00; returns the bill dict."""
    vendor = client.vendors.create(vendor_body())
    return client.bills.create(bill_body(vendor["id"])).data


@pytest.fixture
def vendor(client):
    """A vendor with ACH bank details (the client fixture's session)."""
    return client.vendors.create(vendor_body()).data


@pytest.fixture
def unpaid_bill(trusted):
    """An unpaid bill of 25.00 from a trusted (MFA) session."""
    vendor = trusted.vendors.create(vendor_body()).data
    return trusted.bills.create(bill_body(vendor["id"], "25.00")).data
