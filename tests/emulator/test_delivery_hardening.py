"""Webhook delivery under attack (issue 23): one subscription's bad URL or slow receiver must not
hold back another's events, an answer counts only when it is whole within the deadline, an
announced huge answer is not read, and two processes on one data folder post an event once even
when the clock moves during the delivery."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import uuid

import pytest
from emulator_helpers import FROZEN

from bill_emulator import delivery
from bill_emulator.backend import EmulatorBackend
from bill_emulator.delivery import Deliverer, wait_for


class RawReceiver:
    """A loopback HTTP receiver on a raw socket: ``answer(sock, body)`` writes the answer
    (``None``: stay silent). Records the event ids it was sent, and when."""

    def __init__(self, answer) -> None:
        self.answer = answer
        self.got: list[tuple[str, float]] = []
        self.sent_bytes = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._open: list[socket.socket] = []
        self._stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/hook"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._open.append(sock)
            threading.Thread(target=self._one, args=(sock,), daemon=True).start()

    def _one(self, sock) -> None:
        with sock:
            data = b""
            try:
                while not self._stop.is_set():
                    while b"\r\n\r\n" not in data:
                        chunk = sock.recv(65536)
                        if not chunk:
                            return
                        data += chunk
                    head, data = data.split(b"\r\n\r\n", 1)
                    length = next(
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    )
                    while len(data) < length:
                        data += sock.recv(65536)
                    body, data = data[:length], data[length:]
                    event_id = body.split(b'"eventId":"')[1].split(b'"')[0].decode()
                    self.got.append((event_id, time.monotonic()))
                    if self.answer(self, sock, body) is False:
                        return
            except OSError:
                return

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        for sock in self._open:
            with contextlib.suppress(OSError):
                sock.close()


def ok(receiver, sock, body):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")


def silent(receiver, sock, body):
    time.sleep(30)
    return False


def drip(receiver, sock, body):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
    for byte in b"ok-ok\n":
        time.sleep(0.4)
        sock.sendall(bytes([byte]))


def huge(receiver, sock, body):
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\n")
    block = b"\0" * 65536
    try:
        for _ in range(3200):  # 200 MiB offered
            sock.sendall(block)
            receiver.sent_bytes += len(block)
    except OSError:
        return False
    return False


@pytest.fixture
def receivers():
    made = []

    def make(answer):
        made.append(RawReceiver(answer))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def world(tmp_path):
    backend = EmulatorBackend(tmp_path / "data", time_source=lambda: FROZEN)
    yield backend
    backend.close()


def _subscribe(backend, caller, url):
    body = {
        "name": f"hook {url}",
        "status": {"enabled": True},
        "notificationUrl": url,
        "events": [{"type": "vendor.created", "version": "1"}],
    }
    return backend.create_subscription(caller, body, str(uuid.uuid4()))


def _events(backend, caller, sub):
    return backend.list_events(caller, sub["id"], {})["results"]


def _start(backend):
    return Deliverer(backend).start()


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_a_bad_url_of_one_subscription_does_not_hold_back_another(world, caller, receivers):
    good = receivers(ok)
    bad = _subscribe(world, caller, "http://127.0.0.1:9/hook")
    # a URL stored by an older version that checked no port
    world.store.update_subscription(
        bad["id"], {**bad, "notificationUrl": "http://127.0.0.1:99999/"}
    )
    good_sub = _subscribe(world, caller, good.url)
    world.send_test_event(caller, bad["id"], {})  # first in line
    world.send_test_event(caller, good_sub["id"], {})
    deliverer = _start(world)
    try:
        assert wait_for(lambda: len(good.got) == 1, 5), "the good subscription got nothing"
        (event,) = _events(world, caller, bad)
        assert wait_for(lambda: world.store.event(bad["id"], event["id"])["attempts"] >= 1, 5)
        assert world.store.event(bad["id"], event["id"])["status_code"] is None
    finally:
        deliverer.stop()


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_a_dripped_answer_past_the_deadline_is_a_failure(world, caller, receivers, monkeypatch):
    monkeypatch.setattr(delivery, "TIMEOUT", 1.0)
    slow = receivers(drip)  # the whole answer takes 2.4 s
    sub = _subscribe(world, caller, slow.url)
    deliverer = _start(world)
    try:
        started = time.monotonic()
        world.send_test_event(caller, sub["id"], {})
        assert wait_for(
            lambda: (
                world.store.event(sub["id"], slow.got[0][0])["attempts"] == 1 if slow.got else False
            ),
            10,
        )
        assert time.monotonic() - started < 2.2  # cut at the deadline, not read to the end
        assert _events(world, caller, sub)[0]["statusCode"] is None
    finally:
        deliverer.stop()


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_a_silent_receiver_does_not_delay_other_subscriptions(
    world, caller, receivers, monkeypatch
):
    monkeypatch.setattr(delivery, "TIMEOUT", 3.0)
    quiet, quick = receivers(silent), receivers(ok)
    quiet_sub = _subscribe(world, caller, quiet.url)
    quick_sub = _subscribe(world, caller, quick.url)
    deliverer = _start(world)
    try:
        world.send_test_event(caller, quiet_sub["id"], {})
        assert wait_for(lambda: len(quiet.got) == 1, 5)
        sent = time.monotonic()
        world.send_test_event(caller, quick_sub["id"], {})
        assert wait_for(lambda: len(quick.got) == 1, 5)
        assert quick.got[0][1] - sent < 1.0
    finally:
        deliverer.stop()


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_an_announced_huge_answer_is_not_read(world, caller, receivers):
    big = receivers(huge)
    sub = _subscribe(world, caller, big.url)
    deliverer = _start(world)
    try:
        world.send_test_event(caller, sub["id"], {})
        assert wait_for(lambda: _events(world, caller, sub)[0]["statusCode"] == 200, 10)
        time.sleep(0.5)
        assert big.sent_bytes < 32 * 1024 * 1024  # not the 200 MiB offered
    finally:
        deliverer.stop()


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_two_processes_post_one_event_once_when_the_clock_moves(tmp_path, receivers):
    from bill_emulator import seed

    first = EmulatorBackend(tmp_path / "data", time_source=lambda: FROZEN)
    second = EmulatorBackend(tmp_path / "data", time_source=lambda: FROZEN)

    def slow_ok(receiver, sock, body):
        first.advance_clock({"advanceSeconds": 120})  # past any lease on the emulator's clock
        time.sleep(1.0)  # the other process polls meanwhile
        ok(receiver, sock, body)

    hook = receivers(slow_ok)
    session = first.login(
        {
            "username": seed.USERNAME,
            "password": seed.PASSWORD,
            "organizationId": seed.ORGANIZATION_ID,
            "devKey": seed.DEV_KEY,
        }
    )["sessionId"]
    caller = first.authenticate(seed.DEV_KEY, session)
    sub = _subscribe(first, caller, hook.url)
    deliverers = [_start(first), _start(second)]
    try:
        first.send_test_event(caller, sub["id"], {})
        assert wait_for(
            lambda: (
                first.store.event(sub["id"], hook.got[0][0])["status_code"] == 200
                if hook.got
                else False
            ),
            10,
        )
        time.sleep(0.6)
        assert [event_id for event_id, _ in hook.got] == [hook.got[0][0]]
    finally:
        for d in deliverers:
            d.stop()
        first.close()
        second.close()
