"""
billhelpers.notebook.receiver_http
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The webhook receiver's HTTP side: a ``socketserver`` in a thread, h11 reading the framing, every
request bounded (body, head, header lines, the time to arrive, connections at once). Each
complete request is handed to :meth:`Receiver.receive <billhelpers.notebook.receiver.Receiver
.receive>`, which verifies it before anything else; this module never looks inside a body.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from typing import TYPE_CHECKING

import h11

from billhelpers.rules.signatures import SIGNATURE_HEADER

if TYPE_CHECKING:
    from billhelpers.notebook.receiver import Receiver

#: The largest body read (BILL's events are a few KiB).
MAX_BODY = 1_000_000
#: The largest request head (request line and headers), and the most header lines.
MAX_HEADER_BYTES = 16 * 1024
MAX_HEADERS = 64
#: Seconds a request has to arrive completely (also how long an idle connection is kept).
READ_TIMEOUT = 10.0
#: Connections waiting to be accepted (the old 5 reset connections under 40 senders).
BACKLOG = 128
#: Connections served at once; one more is closed at once.
MAX_CONNECTIONS = 64


class _Refused(Exception):
    """Answer ``status`` and close the connection (the request cannot be read further)."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class _Gone(Exception):
    """The connection ended, failed or ran out of time: close it without an answer."""


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = BACKLOG

    def __init__(self, address, receiver: Receiver):
        self.receiver = receiver
        self.request_queue_size = BACKLOG  # read when listening, after a test may change it
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self._open: set[socket.socket] = set()
        super().__init__(address, Handler)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):  # full: closed now, not queued
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        receiver = self.receiver
        with receiver._cond:
            self._open.add(request)
            receiver.open_connections += 1
            receiver._cond.notify_all()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with receiver._cond:
                self._open.discard(request)
                receiver.open_connections -= 1
            self._slots.release()

    def close_connections(self) -> None:
        """End the kept-alive connections too: a stopped receiver answers nothing more."""
        with self.receiver._cond:
            for sock in list(self._open):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class Handler(socketserver.BaseRequestHandler):
    """One connection: requests read and answered one after the other (keep-alive)."""

    def handle(self) -> None:
        receiver: Receiver = self.server.receiver
        sock: socket.socket = self.request
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_BYTES)
        while True:
            deadline = time.monotonic() + receiver.read_timeout
            try:
                request, body = _read_request(sock, conn, deadline)
            except _Refused as refused:
                _answer(sock, conn, refused.status, close=True)
                _linger(sock, deadline)
                return
            except _Gone:
                return
            if request is None:  # closed between requests
                return
            headers = dict(request.headers)  # h11 gives lower-case names
            signature = headers.get(SIGNATURE_HEADER.encode())
            status = receiver.receive(
                request.target.decode("ascii", "replace"),
                body,
                signature.decode("ascii", "replace") if signature is not None else None,
            )
            if not _answer(sock, conn, status):
                return
            try:
                conn.start_next_cycle()
            except h11.LocalProtocolError:  # the client asked to close, or h11 must
                return


def _read_request(sock, conn: h11.Connection, deadline: float):
    """``(request, body)`` once a whole request has arrived; ``(None, b"")`` if the client
    closed before starting one. ``_Refused`` for what is not served, ``_Gone`` on timeout."""
    request, parts, size = None, [], 0
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as err:
            raise _Refused(err.error_status_hint) from None  # 400, or 431 for a head too long
        if event is h11.NEED_DATA:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Refused(408) if request is not None else _Gone()
            try:
                sock.settimeout(remaining)
                data = sock.recv(65536)
            except TimeoutError:
                raise (_Refused(408) if request is not None else _Gone()) from None
            except OSError:
                raise _Gone() from None
            conn.receive_data(data)
        elif isinstance(event, h11.Request):
            request = event
            _check_head(event)
            if conn.they_are_waiting_for_100_continue:
                _send(sock, conn, h11.InformationalResponse(status_code=100, headers=[]))
        elif isinstance(event, h11.Data):
            size += len(event.data)
            if size > MAX_BODY:
                raise _Refused(413)
            parts.append(event.data)
        elif isinstance(event, h11.EndOfMessage):
            return request, b"".join(parts)
        elif isinstance(event, h11.ConnectionClosed):
            if request is None:
                return None, b""
            raise _Gone()
        else:  # PAUSED cannot happen mid-request; anything else: give up on the connection
            raise _Gone()


def _check_head(request: h11.Request) -> None:
    if len(request.headers) > MAX_HEADERS:
        raise _Refused(431)
    names = [name for name, _ in request.headers]
    if b"transfer-encoding" in names and b"content-length" in names:
        raise _Refused(400)  # RFC 9112 6.3: ambiguous framing, the way requests are smuggled
    if request.method != b"POST":
        raise _Refused(405)
    for name, value in request.headers:
        if name == b"content-length" and int(value) > MAX_BODY:  # h11 checked it is digits
            raise _Refused(413)


def _answer(sock, conn: h11.Connection, status: int, *, close: bool = False) -> bool:
    """Send an empty answer with ``status``; False when it could not be sent."""
    if conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
        return False
    headers = [("content-length", "0")]
    if close:
        headers.append(("connection", "close"))
    if status == 405:
        headers.append(("allow", "POST"))
    try:
        _send(sock, conn, h11.Response(status_code=status, headers=headers))
        _send(sock, conn, h11.EndOfMessage())
    except (_Gone, h11.LocalProtocolError):
        return False
    return True


def _send(sock, conn: h11.Connection, event) -> None:
    data = conn.send(event)
    try:
        sock.settimeout(READ_TIMEOUT)
        sock.sendall(data or b"")
    except OSError:
        raise _Gone() from None


def _linger(sock, deadline: float) -> None:
    """After refusing: stop sending, then discard what the client still sends (bounded in bytes
    and time) so that closing does not reset the connection before it reads the answer."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        until = min(deadline, time.monotonic() + 1.0)
        drained = 0
        while drained < 4 * MAX_BODY and (left := until - time.monotonic()) > 0:
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                break
            drained += len(chunk)
