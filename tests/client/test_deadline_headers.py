"""The total deadline holds while the status line and headers arrive, too (issue 23).

``read_body`` bounds the body; before it runs, ``http.client`` reads the status line and the
headers one socket read at a time, each with the whole read timeout. A server that sends
``HTTP/1.1 200 OK\\r\\n`` one byte every 0.5 s never trips a 1 s read timeout, so only the
call's total deadline can end the call. A tiny loopback server trickles a whole answer and
counts the bytes it has sent: the tests check *when* the client gave up by what the server had
sent by then (the whole answer would take more than 40 s), never by sleeping.
"""

from __future__ import annotations

import socket
import threading
import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
import requests
from fake_bill import LOGIN_OK, FakeBill
from requests.adapters import BaseAdapter

import billhelpers as bh
from billhelpers.client import Client
from billhelpers.config import Config
from billhelpers.http.deadline import DeadlineExceeded, bounded
from billhelpers.http.deadline_transport import DeadlineAdapter, bounded_session

STATUS_LINE = b"HTTP/1.1 200 OK\r\n"
ANSWER = STATUS_LINE + b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"


class HeaderTrickler:
    """Serves connections on a free loopback port: reads each request, then sends
    :data:`ANSWER` one byte every ``interval`` seconds (the first at once) until it is all out
    or :meth:`stop`. ``requests`` counts the requests read, ``sent`` the bytes sent."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.sent = 0
        self.requests: list[bytes] = []
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(4)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                self._answer(conn)

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                request += chunk
            head, _, body = request.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(body) < length:
                body += conn.recv(65536)
            self.requests.append(head.split(b"\r\n")[0])
            for byte in ANSWER:
                self.sent += 1  # counted before it leaves: the client cannot be ahead
                conn.sendall(bytes([byte]))
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
    server = HeaderTrickler()
    yield server
    server.stop()


def test_trickled_status_line_stops_at_the_deadline(trickler):
    http = bounded_session()
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded), bounded(started + 1.0):
        http.get(trickler.url + "/v3/anything", stream=True, timeout=(2, 1.0))
    took = time.monotonic() - started
    # The status line is 17 bytes, 8 s at 0.5 s a byte: the client gave up well before it ended.
    assert trickler.sent < len(STATUS_LINE)
    assert took < 4, took
    assert trickler.requests == [b"GET /v3/anything HTTP/1.1"]


def test_without_a_bound_the_adapter_is_a_plain_one():
    server = HeaderTrickler(interval=0.001)
    try:
        resp = bounded_session().get(server.url + "/v3/fast", timeout=(2, 5))
        assert (resp.status_code, resp.content) == (200, b"{}")
    finally:
        server.stop()


def test_a_bound_that_is_not_reached_changes_nothing():
    server = HeaderTrickler(interval=0.001)
    try:
        with bounded(time.monotonic() + 30) as bound:
            resp = bounded_session().get(server.url + "/v3/fast", timeout=(2, 5))
        assert (resp.status_code, resp.content) == (200, b"{}")
        assert bound.expired is False
    finally:
        server.stop()


def test_the_clients_own_transport_is_bounded(tmp_path):
    client = Client(Config(base_url="http://127.0.0.1:9", cache_dir=tmp_path))
    for url in ("http://bill.example/v3/x", "https://gateway.stage.bill.com/v3/x"):
        assert isinstance(client.transport.get_adapter(url), DeadlineAdapter)


def test_the_pipeline_says_the_deadline_ended_the_call(trickler, tmp_path):
    config = Config(base_url=trickler.url, cache_dir=tmp_path, timeout=(0.5, 1.0))
    client = Client(config, sleep=lambda s: None)  # its own transport
    with pytest.raises(bh.ConnectionProblem) as info:
        client.request("GET", "/v3/anything", auth=False, safe=False)
    assert info.value.sent is True
    assert "within the call's total deadline of 1.5 s" in str(info.value)
    assert trickler.sent < len(STATUS_LINE)
    assert trickler.requests == [b"GET /v3/anything HTTP/1.1"]


# -- a payment POST whose answer trickles: uncertain, looked up, never sent again --------------

BILL_ID = "00n01DEMOBILL0000001"
BODY = {
    "billId": BILL_ID,
    "amount": Decimal("10.00"),
    "fundingAccount": {"type": "BANK_ACCOUNT", "id": "bac01DEMOVERIFIED001"},
    "processingOptions": {},
}


class PaymentsToTheTrickler(BaseAdapter):
    """``POST /v3/payments`` goes over a real socket (a :class:`DeadlineAdapter`) to the
    trickling server; every other call (sign-in, the bill, the look-ups) to a scripted BILL."""

    def __init__(self, fake: FakeBill):
        super().__init__()
        self.fake, self.real = fake, DeadlineAdapter()

    def send(self, request, **kwargs):
        if request.method == "POST" and urlsplit(request.url).path == "/v3/payments":
            return self.real.send(request, **kwargs)
        return self.fake.send(request, **kwargs)

    def close(self):
        self.real.close()


def test_a_payment_whose_status_line_trickles_is_uncertain_and_not_sent_again(trickler, tmp_path):
    fake = FakeBill()
    fake.on("POST", "/v3/login", LOGIN_OK)
    fake.on(
        "GET",
        f"/v3/bills/{BILL_ID}",
        (200, {"id": BILL_ID, "vendorId": "00901DEMOVENDOR00001", "dueAmount": Decimal("10.00")}),
    )
    fake.on("GET", "/v3/vendors/00901DEMOVENDOR00001", (200, {"id": "00901DEMOVENDOR00001"}))
    fake.on("GET", "/v3/payments", (200, {"results": []}))  # never recorded
    http = requests.Session()
    http.mount("http://", PaymentsToTheTrickler(fake))
    # A read timeout of 1 s never trips (a byte every 0.5 s); the total deadline is 1.5 s.
    config = Config(base_url=trickler.url, cache_dir=tmp_path, timeout=(0.5, 1.0))
    client = Client(config, transport=http, sleep=lambda s: None)
    started = time.monotonic()
    with pytest.raises(bh.UncertainPaymentError) as info:
        client.payments.create(BODY)
    took = time.monotonic() - started
    err = info.value
    assert err.recorded is None and not err.safe_to_retry
    assert trickler.requests == [b"POST /v3/payments HTTP/1.1"]  # sent once, never again
    assert trickler.sent < len(STATUS_LINE)
    assert took < 5, took
    lookups = [c for c in fake.calls if c[0] == "GET" and c[1].startswith("/v3/payments?")]
    assert len(lookups) == 2  # before the POST, and after it failed
