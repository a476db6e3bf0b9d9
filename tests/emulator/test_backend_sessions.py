"""Sign-in, session expiry and the hourly limits, straight on the backend (no HTTP)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from emulator_helpers import FROZEN, db_bytes, login_body

from bill_emulator import seed
from bill_emulator.backend import EmulatorBackend, ids
from bill_emulator.backend.errors import (
    HourlyLimitReached,
    InvalidCredentials,
    InvalidDevKey,
    InvalidSession,
    ValidationFailed,
)


def _login(backend, **overrides) -> str:
    return backend.login(login_body(**overrides))["sessionId"]


def test_login_unknown_user_is_bdc_1101(backend):
    with pytest.raises(InvalidCredentials) as err:
        _login(backend, username="someone@example.com")
    assert (err.value.code, err.value.message) == (
        "BDC_1101",
        "User name and/or password do not match our records.",
    )


def test_login_username_is_case_insensitive(backend):
    assert _login(backend, username=seed.USERNAME.upper())


def test_login_unknown_organization_is_bdc_1101(backend):
    with pytest.raises(InvalidCredentials):
        _login(backend, organizationId="00801OTHERORG0000001")


def test_login_wrong_dev_key_is_bdc_1102(backend):
    with pytest.raises(InvalidDevKey) as err:
        _login(backend, devKey="01WRONGKEY")
    assert (err.value.code, err.value.message) == ("BDC_1102", "Developer key is invalid.")


def test_login_missing_password_names_the_field(backend):
    with pytest.raises(ValidationFailed) as err:
        backend.login({k: v for k, v in login_body().items() if k != "password"})
    assert err.value.message == "password: must not be null"


def test_login_remember_me_id_without_device_names_the_field(backend):
    with pytest.raises(ValidationFailed) as err:
        _login(backend, rememberMeId="abc")
    assert err.value.message == "device: must not be null when rememberMeId is given"


def test_login_limit_is_bdc_1144(backend):
    backend.set_limits({"loginsPerHour": 2})
    _login(backend)
    _login(backend)
    with pytest.raises(HourlyLimitReached) as err:
        _login(backend)
    assert (err.value.code, err.value.http_status) == ("BDC_1144", 429)
    assert err.value.message == "Max number of allowed requests per hour reached: 2."


def test_login_limit_lifts_at_the_next_hour(backend):
    backend.set_limits({"loginsPerHour": 1})
    _login(backend)
    with pytest.raises(HourlyLimitReached):
        _login(backend)
    backend.advance_clock({"advanceSeconds": 3600})
    assert _login(backend)


def test_request_limit_is_bdc_1144(backend):
    session_id = _login(backend)
    backend.set_limits({"requestsPerHour": 3})  # the login was request 1
    backend.authenticate(seed.DEV_KEY, session_id)
    backend.authenticate(seed.DEV_KEY, session_id)
    with pytest.raises(HourlyLimitReached) as err:
        backend.authenticate(seed.DEV_KEY, session_id)
    assert err.value.message == "Max number of allowed requests per hour reached: 3."


def test_session_lives_35_idle_minutes(backend):
    session_id = _login(backend)
    backend.advance_clock({"advanceSeconds": 35 * 60})
    assert backend.authenticate(seed.DEV_KEY, session_id)


def test_session_expires_after_35_idle_minutes(backend):
    session_id = _login(backend)
    backend.advance_clock({"advanceSeconds": 35 * 60 + 1})
    with pytest.raises(InvalidSession) as err:
        backend.authenticate(seed.DEV_KEY, session_id)
    assert err.value.message == "Session is invalid.  Please log in."
    backend.advance_clock({"advanceSeconds": 0})
    with pytest.raises(InvalidSession):  # and stays expired
        backend.authenticate(seed.DEV_KEY, session_id)


def test_session_missing_is_bdc_1109(backend):
    with pytest.raises(InvalidSession):
        backend.authenticate(seed.DEV_KEY, None)


def test_session_ids_are_not_stored_in_clear(backend):
    session_id = _login(backend)
    assert session_id.encode() not in db_bytes(backend)


def test_logout_ends_the_session(backend, caller):
    backend.logout(caller)
    with pytest.raises(InvalidSession):
        backend.authenticate(seed.DEV_KEY, backend._test_sessions[caller.session_hash])


def test_counts_reach_the_store_for_other_processes(backend, tmp_path):
    session_id = _login(backend)
    backend.authenticate(seed.DEV_KEY, session_id)  # counted in memory for now
    backend.flush_request_log()
    other = EmulatorBackend(tmp_path / "data", time_source=lambda: FROZEN)
    try:
        bucket = other.clock.now_ms() // 3_600_000
        assert other.store.usage(seed.DEV_KEY, "api", bucket) == 2  # the login and the call
    finally:
        other.close()


def test_idle_timer_is_written_at_most_once_a_second(backend):
    session_id = _login(backend)
    stored = backend.store.session(ids.digest(session_id))["last_seen_ms"]
    backend.advance_clock({"advanceSeconds": Decimal("0.5")})
    backend.authenticate(seed.DEV_KEY, session_id)
    assert backend.store.session(ids.digest(session_id))["last_seen_ms"] == stored
    backend.advance_clock({"advanceSeconds": Decimal("0.5")})
    backend.authenticate(seed.DEV_KEY, session_id)
    assert backend.store.session(ids.digest(session_id))["last_seen_ms"] == stored + 1000
