"""Issue 23, the receiver under attack: framing, forged bodies, memory, threads and a crowd.

The attacks are written as raw bytes on a socket (the point is what a client may send), each
against a fresh :class:`Receiver` on a free loopback port that is stopped at the end. Nothing
sleeps for a fixed time: each test waits for what the receiver shows (an answer, a closed
connection, an event).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading

import pytest
import requests

from billhelpers.notebook import receiver as receiver_module
from billhelpers.notebook import receiver_http
from billhelpers.notebook.receiver import Receiver
from billhelpers.rules.signatures import SIGNATURE_HEADER, sign

KEY = "test-security-key-0123456789"
PATH = "/bill-webhooks"


@pytest.fixture
def rx():
    with Receiver(KEY) as receiver:
        yield receiver


def _event(event_id: str) -> bytes:
    return json.dumps({"metadata": {"eventId": event_id, "eventType": "vendor.created"}}).encode()


def _request(body: bytes, *, key: str = KEY, headers: dict | None = None) -> bytes:
    """One complete POST as a client would write it (test-side bytes, not the server's)."""
    lines = [
        f"POST {PATH} HTTP/1.1",
        "Host: 127.0.0.1",
        f"Content-Length: {len(body)}",
        f"{SIGNATURE_HEADER}: {sign(body, key)}",
        *(f"{k}: {v}" for k, v in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def _exchange(rx: Receiver, raw: bytes, *, half_close: bool = True) -> bytes:
    """Send ``raw``, then read until the receiver closes the connection (or resets it)."""
    host, port = rx.host, int(rx.url.split(":")[2].split("/")[0])
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(raw)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        got = b""
        try:
            while chunk := sock.recv(65536):
                got += chunk
        except ConnectionResetError:
            pass
        return got


def _statuses(answer: bytes) -> list[int]:
    return [int(line.split()[1]) for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.")]


# -- framing: a body length read wrongly must never let its bytes become a second request ----

SMUGGLED = _request(_event("smuggled"))


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        pytest.param(
            "Content-Length: 2000000000",
            SMUGGLED,
            413,
            id="over-limit",
        ),
        pytest.param("Content-Length: abc", SMUGGLED, 400, id="non-numeric"),
        pytest.param("Content-Length: -5", SMUGGLED, 400, id="negative"),
        pytest.param(
            # CL.TE: a proxy honouring the chunked framing forwards one request; a receiver
            # reading the Content-Length would take the chunk's contents as a second one.
            "Content-Length: 5\r\nTransfer-Encoding: chunked",
            f"{len(SMUGGLED):x}\r\n".encode() + SMUGGLED + b"\r\n0\r\n\r\n",
            400,
            id="chunked-and-length",
        ),
    ],
)
def test_bad_body_length_never_smuggles_a_second_request(rx, headers, body, status):
    first = f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n\r\n".encode()
    answer = _exchange(rx, first + body)
    assert rx.events == []  # the smuggled, validly signed event was never processed
    assert _statuses(answer) in ([status], [])  # one answer (or a reset), never a second
    assert rx.failed_on_purpose == 0


def test_chunked_body_is_read_by_its_chunks(rx):
    body = _event("chunked-1")
    head = f"POST {PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
    head += f"{SIGNATURE_HEADER}: {sign(body, KEY)}\r\n\r\n"
    chunks = b"".join(
        f"{len(part):x}\r\n".encode() + part + b"\r\n" for part in (body[:10], body[10:])
    )
    answer = _exchange(rx, head.encode() + chunks + b"0\r\n\r\n")
    assert _statuses(answer) == [200]
    assert [e["metadata"]["eventId"] for e in rx.events] == ["chunked-1"]


def test_chunked_body_over_the_limit_is_refused(rx, monkeypatch):
    monkeypatch.setattr(receiver_http, "MAX_BODY", 1000)
    head = f"POST {PATH} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    chunk = b"400\r\n" + b"x" * 0x400 + b"\r\n"
    answer = _exchange(rx, head + chunk * 3 + b"0\r\n\r\n")
    assert _statuses(answer) in ([413], [])
    assert rx.events == [] and rx.rejected == []


def test_too_many_headers_are_refused(rx):
    many = {f"x-h{i}": "v" for i in range(receiver_http.MAX_HEADERS + 1)}
    answer = _exchange(rx, _request(_event("e-headers"), headers=many))
    assert _statuses(answer) in ([431], [])
    assert rx.events == []


def test_keep_alive_still_serves_several_requests_on_one_connection(rx):
    answer = _exchange(rx, _request(_event("k1")) + _request(_event("k2")))
    assert _statuses(answer) == [200, 200]
    assert [e["metadata"]["eventId"] for e in rx.events] == ["k1", "k2"]


# -- verify first, parse after -------------------------------------------------------------


def test_forged_deeply_nested_body_is_refused_without_parsing(rx):
    forged = b'{"metadata":{"eventId":"nest-1"},"x":' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    resp = requests.post(rx.url, data=forged, headers={SIGNATURE_HEADER: "AAAA"}, timeout=10)
    assert resp.status_code == 401
    assert rx.rejected == [{"reason": "bad signature", "eventId": "nest-1"}]
    assert rx.events == []


def test_signed_deeply_nested_body_is_a_400_not_a_crash(rx):
    body = b"[" * 200_000 + b"]" * 200_000
    resp = requests.post(rx.url, data=body, headers={SIGNATURE_HEADER: sign(body, KEY)}, timeout=10)
    assert resp.status_code == 400
    assert rx.rejected[-1]["reason"] == "not JSON"


def test_forged_requests_do_not_use_up_fail_next(rx):
    rx.fail_next(1)
    forged = _event("forged-1")
    resp = requests.post(rx.url, data=forged, headers={SIGNATURE_HEADER: "AAAA"}, timeout=5)
    assert resp.status_code == 401
    body = _event("real-1")
    signed = {SIGNATURE_HEADER: sign(body, KEY)}
    assert requests.post(rx.url, data=body, headers=signed, timeout=5).status_code == 500
    assert requests.post(rx.url, data=body, headers=signed, timeout=5).status_code == 200
    assert rx.failed_on_purpose == 1 and len(rx.events) == 1


# -- bounded memory ------------------------------------------------------------------------


def test_forged_requests_do_not_grow_memory_without_bound(rx, monkeypatch):
    monkeypatch.setattr(receiver_module, "KEPT_REJECTED", 5)
    with requests.Session() as http:
        for i in range(20):
            body = _event(f"forged-{i}")
            resp = http.post(rx.url, data=body, headers={SIGNATURE_HEADER: "AAAA"}, timeout=5)
            assert resp.status_code == 401
    assert len(rx.rejected) == 5  # the latest five are kept, all twenty counted
    assert rx.rejected[-1]["eventId"] == "forged-19" and rx.rejected_count == 20
    assert rx.wait_for_rejected(20, timeout=1)
    assert len(rx._seen) == 0  # nothing unverified is remembered as seen
    assert "20 rejected" in repr(rx)


def test_seen_event_ids_are_a_bounded_lru_of_verified_events(rx, monkeypatch):
    monkeypatch.setattr(receiver_module, "REMEMBERED_IDS", 3)
    with requests.Session() as http:

        def post(event_id):
            body = _event(event_id)
            signed = {SIGNATURE_HEADER: sign(body, KEY)}
            return http.post(rx.url, data=body, headers=signed, timeout=5).status_code

        for event_id in ("a", "b", "c", "a", "d"):  # "a" seen again: it becomes the newest
            assert post(event_id) == 200
        assert rx.duplicates == 1 and len(rx._seen) == 3
        assert post("a") == 200 and rx.duplicates == 2  # still remembered
        assert post("b") == 200 and rx.duplicates == 2  # the oldest, forgotten: delivered
    assert [e["metadata"]["eventId"] for e in rx.events] == ["a", "b", "c", "d", "b"]


def test_verified_events_are_capped_newest_kept_and_the_rest_counted(rx, monkeypatch):
    monkeypatch.setattr(receiver_module, "KEPT_EVENTS", 3)
    with requests.Session() as http:
        for event_id in ("a", "b", "c", "d", "e"):
            body = _event(event_id)
            signed = {SIGNATURE_HEADER: sign(body, KEY)}
            assert http.post(rx.url, data=body, headers=signed, timeout=5).status_code == 200
        assert [e["metadata"]["eventId"] for e in rx.events] == ["c", "d", "e"]
        assert rx.dropped_events == 2 and len(rx.arrival_times) == 3
        assert "3 events (2 older dropped), 0 rejected" in repr(rx)
        body = _event("a")  # let go from events, still remembered as seen: a duplicate
        signed = {SIGNATURE_HEADER: sign(body, KEY)}
        assert http.post(rx.url, data=body, headers=signed, timeout=5).status_code == 200
    assert rx.duplicates == 1 and rx.dropped_events == 2
    rx.clear()
    assert (rx.events, rx.arrival_times, rx.dropped_events) == ([], [], 0)
    assert "0 events, 0 rejected" in repr(rx)


def test_a_flood_of_verified_events_keeps_the_newest_ten_thousand():
    rx = Receiver(KEY)  # receive() is what the HTTP side calls; no socket needed for this
    assert receiver_module.KEPT_EVENTS == 10_000
    for i in range(10_002):
        body = _event(f"e-{i}")
        assert rx.receive(PATH, body, sign(body, KEY)) == 200
    assert len(rx.events) == 10_000 and len(rx.arrival_times) == 10_000
    assert rx.events[0]["metadata"]["eventId"] == "e-2"
    assert rx.events[-1]["metadata"]["eventId"] == "e-10001"
    assert rx.dropped_events == 2


# -- threads: a half-sent request is cut off at the read deadline ----------------------------


def test_half_sent_request_is_closed_at_the_read_deadline():
    with Receiver(KEY, read_timeout=0.5) as rx:
        port = int(rx.url.split(":")[2].split("/")[0])
        with socket.create_connection((rx.host, port), timeout=10) as sock:
            sock.sendall(b"POST /bill-webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            got = b""
            while chunk := sock.recv(65536):  # waits for the receiver to give up on us
                got += chunk
        assert _statuses(got) in ([408], [])
        with socket.create_connection((rx.host, port), timeout=10) as idle:
            assert idle.recv(1) == b""  # a connection that sends nothing is closed too
        body = _event("after")
        signed = {SIGNATURE_HEADER: sign(body, KEY)}
        assert requests.post(rx.url, data=body, headers=signed, timeout=5).status_code == 200


def test_connections_beyond_the_limit_are_closed_not_queued_forever(monkeypatch):
    monkeypatch.setattr(receiver_http, "MAX_CONNECTIONS", 2)
    with Receiver(KEY, read_timeout=30) as rx:
        port = int(rx.url.split(":")[2].split("/")[0])
        held = [socket.create_connection((rx.host, port), timeout=10) for _ in range(2)]
        try:
            rx.wait_until(lambda r: r.open_connections == 2, timeout=5)
            with socket.create_connection((rx.host, port), timeout=10) as third:
                assert third.recv(1) == b""  # closed at once, not held
        finally:
            for sock in held:
                sock.close()


# -- a crowd: 40 senders at once -----------------------------------------------------------


def test_forty_concurrent_senders_are_all_answered(rx):
    senders = 40
    barrier = threading.Barrier(senders)
    results: list[object] = [None] * senders

    def send(i):
        body = _event(f"crowd-{i}")
        barrier.wait()
        try:
            resp = requests.post(
                rx.url, data=body, headers={SIGNATURE_HEADER: sign(body, KEY)}, timeout=(0.5, 10)
            )
            results[i] = resp.status_code
        except requests.RequestException as err:
            results[i] = type(err).__name__

    threads = [threading.Thread(target=send, args=(i,)) for i in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * senders
    assert len(rx.wait_for(senders, timeout=10)) == senders
    assert rx.backlog >= 128


def test_stop_ends_kept_alive_connections():
    rx = Receiver(KEY).start()
    try:
        port = int(rx.url.split(":")[2].split("/")[0])
        with socket.create_connection((rx.host, port), timeout=5) as sock:
            sock.sendall(_request(_event("before-stop")))
            assert _statuses(sock.recv(65536)) == [200]  # kept alive after the answer
            rx.stop()
            with contextlib.suppress(ConnectionResetError):
                assert sock.recv(1) == b""  # closed by stop(), not left open
    finally:
        rx.stop()
