"""The emulator's controls and the store's concurrency, on the backend (no HTTP)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from emulator_helpers import login_body, vendor_body

from bill_emulator import seed
from bill_emulator.backend import EmulatorBackend
from bill_emulator.backend.errors import ConcurrentLimitReached, ValidationFailed


def test_advance_clock_moves_now(backend):
    assert backend.advance_clock({"advanceSeconds": 90}) == {"now": "2026-03-04T12:01:30.000+00:00"}


def test_advance_clock_refuses_going_back(backend):
    with pytest.raises(ValidationFailed) as err:
        backend.advance_clock({"advanceSeconds": -5})
    assert err.value.message.startswith("advanceSeconds: ")


def test_clock_is_shared_by_backends_on_one_data_dir(backend, tmp_path):
    backend.advance_clock({"advanceSeconds": 3600})
    other = EmulatorBackend(tmp_path / "data", time_source=lambda: 1772625600.0)
    try:
        assert other.clock_now() == {"now": "2026-03-04T13:00:00.000+00:00", "today": "2026-03-04"}
    finally:
        other.close()


def test_add_fault_needs_exactly_one_kind(backend):
    with pytest.raises(ValidationFailed) as err:
        backend.add_fault({"path": "/v3/payments", "status": 500, "drop": True})
    assert err.value.message == "status: give exactly one of status, delaySeconds or drop"


def test_add_fault_path_must_be_bill_path(backend):
    with pytest.raises(ValidationFailed):
        backend.add_fault({"path": "/_emulator/reset", "status": 500})


def test_fault_is_used_count_times(backend):
    backend.add_fault({"path": "/v3/vendors/*", "method": "GET", "status": 503, "count": 2})
    assert backend.take_fault("POST", "/v3/vendors/x") is None
    assert backend.take_fault("GET", "/v3/vendors/x")["status"] == 503
    assert backend.take_fault("GET", "/v3/vendors/y")["status"] == 503
    assert backend.take_fault("GET", "/v3/vendors/z") is None
    assert backend.faults() == []


def test_clear_faults(backend):
    backend.add_fault({"path": "/v3/payments", "drop": True, "afterProcessing": True})
    assert backend.faults()[0]["afterProcessing"] is True
    backend.clear_faults()
    assert backend.faults() == []


def test_set_limits_partial(backend):
    assert backend.set_limits({"concurrentRequests": 1}) == {
        "requestsPerHour": 20000,
        "loginsPerHour": 200,
        "concurrentRequests": 1,
    }


def test_set_limits_refuses_zero(backend):
    with pytest.raises(ValidationFailed):
        backend.set_limits({"requestsPerHour": 0})


def test_concurrency_gate_refuses_beyond_limit(backend):
    backend.gate.enter("k", 2)
    backend.gate.enter("k", 2)
    with pytest.raises(ConcurrentLimitReached) as err:
        backend.gate.enter("k", 2)
    assert (err.value.code, err.value.http_status) == ("BDC_1322", 429)
    assert err.value.message == "Max number of concurrent requests per organization reached."
    backend.gate.leave("k")
    backend.gate.enter("k", 2)


def test_request_log_keeps_no_secrets(backend):
    backend.log_request("POST", "/v3/login", 200)
    assert backend.request_log() == [
        {
            "method": "POST",
            "path": "/v3/login",
            "status": 200,
            "time": "2026-03-04T12:00:00.000+00:00",
        }
    ]
    backend.clear_request_log()
    assert backend.request_log() == []


def test_seed_vendors(backend, caller):
    result = backend.seed_vendors({"count": 3, "namePrefix": "Bench"})
    assert result == {
        "created": 3,
        "firstId": "00901SBX000000000001",
        "lastId": "00901SBX000000000003",
    }
    names = [v["name"] for v in backend.list_vendors(caller, {})["results"]]
    assert names == ["Bench 00001", "Bench 00002", "Bench 00003"]


def test_seed_is_idempotent_on_reopen(backend, tmp_path):
    again = EmulatorBackend(tmp_path / "data")
    try:
        banks = again.store.list_objects(
            "bank", seed.ORGANIZATION_ID, conditions=[], sort=[], limit=10, offset=0
        )
        assert [b["id"] for b in banks] == [seed.VERIFIED_BANK_ID, seed.UNVERIFIED_BANK_ID]
    finally:
        again.close()


def test_threads_create_vendors_without_losing_any(backend, caller):
    errors = []

    def work(n):
        try:
            for i in range(10):
                backend.create_vendor(caller, vendor_body(name=f"T{n}-{i}"))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    ids = [v["id"] for v in backend.list_vendors(caller, {"max": ["100"]})["results"]]
    assert len(ids) == len(set(ids)) == 40


_WORKER = """
import sys
from bill_emulator.backend import EmulatorBackend
b = EmulatorBackend(sys.argv[1])
session = b.login({"username": "demo@example.com", "password": "demo-password-1",
                   "organizationId": "00801DEMOORG00000001",
                   "devKey": "01DEMODEVKEY0000000000000000000000"})
caller = b.authenticate("01DEMODEVKEY0000000000000000000000", session["sessionId"])
for i in range(15):
    b.create_vendor(caller, {"name": f"P{sys.argv[2]}-{i}", "address": {"line1": "1 A St",
        "city": "X", "zipOrPostalCode": "1", "country": "US"}})
b.close()
"""


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_processes_share_one_data_dir_safely(backend, caller, tmp_path):
    data_dir = str(tmp_path / "data")
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, data_dir, str(n)]) for n in range(3)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    ids = [v["id"] for v in backend.list_vendors(caller, {"max": ["100"]})["results"]]
    assert len(ids) == len(set(ids)) == 45
    assert backend.login(login_body())["sessionId"]


def test_store_upgrades_a_data_dir_without_wrong_tries(tmp_path):
    import sqlite3

    data = tmp_path / "old"
    data.mkdir()
    conn = sqlite3.connect(data / "emulator.sqlite3")
    conn.execute(
        "CREATE TABLE challenges (id TEXT PRIMARY KEY, session_hash TEXT NOT NULL,"
        " user_id TEXT NOT NULL, token TEXT NOT NULL, created_ms INTEGER NOT NULL,"
        " used INTEGER NOT NULL DEFAULT 0)"
    )
    conn.commit()
    conn.close()
    upgraded = EmulatorBackend(data)
    try:
        caller = upgraded.authenticate(seed.DEV_KEY, upgraded.login(login_body())["sessionId"])
        challenge = upgraded.mfa_challenge(caller, {})["challengeId"]
        with pytest.raises(Exception, match="BDC_1355"):
            upgraded.mfa_validate(caller, {"challengeId": challenge, "token": "000000"})
    finally:
        upgraded.close()
