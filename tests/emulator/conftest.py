"""Fixtures for the emulator's tests: a backend without HTTP, and a real server on 127.0.0.1:0."""

from __future__ import annotations

import pytest
from emulator_helpers import FROZEN, Api, login_body

from bill_emulator import seed
from bill_emulator.backend import EmulatorBackend


@pytest.fixture
def backend(tmp_path):
    b = EmulatorBackend(tmp_path / "data", time_source=lambda: FROZEN)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def caller(backend):
    """A signed-in, untrusted session of the demo user."""
    session_id = backend.login(login_body())["sessionId"]
    found = backend.authenticate(seed.DEV_KEY, session_id)
    backend._test_sessions = {found.session_hash: session_id}
    return found


@pytest.fixture
def trusted(backend, caller):
    """The same session after MFA: challenge, read the outbox, validate."""
    challenge = backend.mfa_challenge(caller, {})["challengeId"]
    token = backend.outbox()[0]["token"]
    backend.mfa_validate(caller, {"challengeId": challenge, "token": token})
    return backend.authenticate(caller.dev_key, _session_of(backend, caller))


@pytest.fixture
def server(emulator):
    """The shared ``emulator`` fixture (tests/conftest.py): a real server on 127.0.0.1:0."""
    return emulator


@pytest.fixture
def api(server):
    client = Api(server.url)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def signed_in(api):
    assert api.login().status_code == 200
    return api


def _session_of(backend, caller) -> str:
    return backend._test_sessions[caller.session_hash]
