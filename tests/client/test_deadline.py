"""The total deadline holds during a read, not only between reads (issue 23).

A tiny loopback server answers 200 at once, then trickles its body one byte every 1.5 s. It
counts what it has sent, so the tests check *when* the client gave up by what the server had
sent by then, never by sleeping.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from billhelpers.http.deadline import DeadlineExceeded, read_body


class Trickler:
    """Serves one connection: headers and the first body byte at once, then a byte every
    ``interval`` seconds until ``length`` bytes or :meth:`stop`."""

    def __init__(self, interval: float = 1.5, length: int = 20):
        self.interval, self.length = interval, length
        self.sent = 0
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))  # a free loopback port
        self.listener.listen(1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {self.length}\r\n\r\n".encode()
                )
                while self.sent < self.length:
                    self.sent += 1  # counted before it leaves: the client cannot be ahead
                    conn.sendall(b" ")
                    if self._stop.wait(self.interval):
                        return
            except OSError:
                return

    def stop(self) -> None:
        self._stop.set()
        self.listener.close()
        self._thread.join(5)


@pytest.fixture
def trickler():
    server = Trickler()
    yield server
    server.stop()


def test_trickled_body_stops_at_the_deadline_not_at_the_next_byte(trickler):
    resp = requests.get(trickler.url, stream=True, timeout=(2, 10))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        read_body(resp, started + 0.3)
    # The second byte leaves 1.5 s after the first: the client gave up before it came.
    assert trickler.sent == 1
    assert time.monotonic() - started < 1.5


def test_read_timeout_still_applies_when_shorter_than_the_deadline(trickler):
    resp = requests.get(trickler.url, stream=True, timeout=(2, 0.2))
    with pytest.raises(requests.ReadTimeout) as info:
        read_body(resp, time.monotonic() + 60)
    assert not isinstance(info.value, DeadlineExceeded)
    assert trickler.sent == 1


def test_a_whole_body_within_the_deadline_is_read():
    server = Trickler(interval=0.01, length=5)
    try:
        resp = requests.get(server.url, stream=True, timeout=(2, 5))
        assert read_body(resp, time.monotonic() + 30) == b"     "
        assert resp.content == b"     "
    finally:
        server.stop()
