"""The emulator's world clock: a pinned start, the Date header, and a clean stop.

Why: "today" is an input. A world started with ``start`` begins on that day whatever the wall
says (the chapters' committed outputs depend on it), every answer's ``Date`` header tells the
emulator's time (the client counts BILL's today from it), and stopping a server never closes
the database under a request still being served.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import threading

import pytest
import requests
from emulator_helpers import FROZEN, login_body
from kit_helpers import wait_until

from bill_emulator import EmulatorServer, launcher, seed
from bill_emulator.backend import EmulatorBackend
from bill_emulator.backend.clock import parse_start

START = dt.datetime(2031, 2, 27, 12, tzinfo=dt.UTC)  # a Thursday before a leap-less March
CONTROL = {"devKey": seed.DEV_KEY}  # the emulator's controls answer the demo devKey


def _date_header(resp) -> dt.datetime:
    return email.utils.parsedate_to_datetime(resp.headers["Date"])


def test_a_new_world_starts_on_its_pinned_day_and_runs_on(tmp_path):
    wall = {"now": FROZEN}
    backend = EmulatorBackend(tmp_path / "d", time_source=lambda: wall["now"], start=START)
    try:
        assert backend.clock.today() == START.date()
        wall["now"] += 3600  # an hour of real time later
        assert backend.clock.now_ms() == int(START.timestamp() * 1000) + 3600 * 1000
        backend.advance_clock({"advanceSeconds": 86400})
        assert backend.clock.today() == dt.date(2031, 2, 28)
        backend.reset()  # back to the world's own time, not the wall's
        assert backend.clock.today() == START.date()
    finally:
        backend.close()


def test_an_existing_world_keeps_its_own_time(tmp_path):
    first = EmulatorBackend(tmp_path / "d", time_source=lambda: FROZEN)
    first.close()
    later = EmulatorBackend(tmp_path / "d", time_source=lambda: FROZEN, start=START)
    try:
        assert later.clock.today() == dt.datetime.fromtimestamp(FROZEN, dt.UTC).date()
    finally:
        later.close()


def test_processes_on_one_data_dir_agree_on_a_pinned_now(tmp_path):
    one = EmulatorBackend(tmp_path / "d", time_source=lambda: FROZEN, start=START)
    two = EmulatorBackend(tmp_path / "d", time_source=lambda: FROZEN)
    try:
        assert one.clock.now_ms() == two.clock.now_ms()
        assert two.clock_now() == {"now": one.clock_now()["now"], "today": "2031-02-27"}
    finally:
        one.close()
        two.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-06-18", dt.datetime(2026, 6, 18, 12, tzinfo=dt.UTC)),
        ("2026-06-18T23:30:00Z", dt.datetime(2026, 6, 18, 23, 30, tzinfo=dt.UTC)),
        ("2026-06-18T20:00:00-05:00", dt.datetime(2026, 6, 19, 1, tzinfo=dt.UTC)),
    ],
)
def test_parse_start(text, expected):
    assert parse_start(text) == expected


@pytest.mark.parametrize("text", ["18/06/2026", "2026-06-18T12:00:00", "tomorrow", ""])
def test_parse_start_refuses_what_it_cannot_place(text):
    with pytest.raises(ValueError, match="start"):
        parse_start(text)


def test_every_answer_carries_the_emulators_time_in_its_date_header(tmp_path):
    with EmulatorServer(tmp_path / "d", start=START) as srv:
        health = requests.get(srv.url + "/_emulator/health", timeout=5)  # open to anyone
        assert _date_header(health).date() == START.date()
        moved = requests.post(
            srv.url + "/_emulator/clock",
            json={"advanceSeconds": 3 * 86400},
            headers=CONTROL,
            timeout=5,
        )
        assert moved.ok
        assert _date_header(moved).date() == dt.date(2031, 3, 2)
        refused = requests.get(srv.url + "/v3/vendors", timeout=5)  # a BILL error, same clock
        assert refused.status_code >= 400
        assert _date_header(refused).date() == dt.date(2031, 3, 2)
        clock = requests.get(srv.url + "/_emulator/clock", headers=CONTROL, timeout=5).json()
        assert clock["today"] == "2031-03-02"


def test_the_launcher_pins_a_new_world_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(launcher.START_ENV, "2031-02-27")
    try:
        url = launcher.ensure_emulator(tmp_path / "d")
        clock = requests.get(url + "/_emulator/clock", headers=CONTROL, timeout=5).json()
        assert clock["today"] == "2031-02-27"
    finally:
        launcher.stop_started()


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_stop_waits_for_the_request_in_flight(tmp_path, capfd):
    """A request still being served when ``stop()`` is called finishes its work before the
    database closes (it used to meet "Cannot operate on a closed database", printed)."""
    srv = EmulatorServer(tmp_path / "d").start()
    login = requests.post(srv.url + "/v3/login", json=login_body(), timeout=5).json()
    headers = {"devKey": seed.DEV_KEY, "sessionId": login["sessionId"]}
    fault = {"path": "/v3/vendors", "method": "GET", "count": 1, "delaySeconds": 0.5}
    assert requests.post(srv.url + "/_emulator/faults", json=fault, headers=CONTROL, timeout=5).ok
    gate = srv.app.backend.gate

    def slow_call():
        with contextlib.suppress(requests.RequestException):  # the server goes away meanwhile
            requests.get(srv.url + "/v3/vendors", headers=headers, timeout=10)

    caller = threading.Thread(target=slow_call)
    caller.start()
    wait_until(lambda: gate.active() == 1)  # the call is inside the app, sleeping
    srv.stop()
    assert gate.active() == 0  # stop() returned only after the call had left the app
    caller.join(10)
    assert "closed database" not in capfd.readouterr().err
