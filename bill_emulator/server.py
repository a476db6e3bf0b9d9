"""bill_emulator.server
~~~~~~~~~~~~~~~~~~~~~~~~~~~

``EmulatorServer``: the emulator on a loopback port, served from a daemon thread.

werkzeug's threaded server accepts the connections (a thread each); on each connection ``h11``
reads the requests and frames the answers, so no code here parses HTTP. Why not werkzeug's own
handler: it closes every connection after one response (it cannot drain request bodies safely),
which costs a TCP handshake per call. The emulator reads each body completely before answering,
so it keeps HTTP/1.1 connections alive like BILL's gateway does; the handler also honours the
app's "drop this connection" fault, stamps ``Date`` from the emulator's clock and stays quiet (no
per-request log lines in a notebook).

What is refused, answered 400 (431 for an oversized head) and the connection closed, with no
byte after it read as a request (issue 15: ``Content-Length: abc`` once let a smuggled
``POST /_emulator/reset`` run): anything h11 refuses (a malformed request line or header, a bad
``Content-Length``, a ``Transfer-Encoding`` other than ``chunked``, a malformed chunk); and, on
top of h11, a request with both ``Content-Length`` and ``Transfer-Encoding`` (RFC 9112 6.1 lets
a server refuse it), ``Transfer-Encoding`` on HTTP/1.0, an HTTP version other than 1.0 and
1.1, and a body over its cap (refused unread): ``MAX_BODY``, or BILL's 6 MB file limit on the
two upload routes (``bill_emulator.uploads.body_limit``). ``Content-Length`` repeated with one
value (``5, 5`` or two identical lines) is framed as that one length, as RFC 9110 8.6 allows
and h11 does; repeated with different values it is refused. Either way every byte is framed
once, so nothing can be smuggled: the emulator keeps no HTTP parsing of its own.
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import json
import os
import secrets
import socket
import socketserver
import sys
import threading
from datetime import datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

import h11
from werkzeug.serving import ThreadedWSGIServer

from bill_emulator import datadir
from bill_emulator.app import (
    AFTER_SEND_KEY,
    DROP_KEY,
    FRAMING_KEY,
    EmulatorApp,
    body_limit,
    make_app,
)

SERVER_FILE = "server.json"
_IDLE_TIMEOUT = 120  # seconds an idle keep-alive connection is kept
_RECV = 65536  # bytes read from the socket at a time
# A head still unfinished past this many bytes is refused (431); h11 checks the limit while it
# waits for more, so a head received whole can be up to _MAX_HEAD + _RECV long.
_MAX_HEAD = 65536
# Only to refuse what h11 accepts (see the module's docstring), never to frame a request.


class _Gone(Exception):
    """The client went away (closed, reset, or idle past the timeout): end without answering."""


class _Handler(socketserver.BaseRequestHandler):
    """One connection: h11 reads each request and frames each answer, until either side closes."""

    def setup(self) -> None:
        self.request.settimeout(_IDLE_TIMEOUT)
        self.server.track(self.request, add=True)
        self.h11 = h11.Connection(h11.SERVER, max_incomplete_event_size=_MAX_HEAD)

    def finish(self) -> None:
        self.server.track(self.request, add=False)

    def handle(self) -> None:
        with contextlib.suppress(_Gone):
            while self._serve_one():
                self.h11.start_next_cycle()

    def date_time_string(self, timestamp=None) -> str:
        """The ``Date`` header from the emulator's clock, not the machine's: a client learns
        BILL's today from it (``client.today()``), and the test clock moves it."""
        if timestamp is None:
            timestamp = self.server.app.backend.clock.now_ms() / 1000
        return email.utils.formatdate(timestamp, usegmt=True)

    # -- one request ----------------------------------------------------------------------------

    def _serve_one(self) -> bool:
        """Read one request and answer it; True when the connection may carry another."""
        try:
            request = self._next_event()
        except h11.RemoteProtocolError as exc:  # no usable request line and headers
            refusal = {
                "REQUEST_METHOD": "GET",
                "PATH_INFO": "",
                "wsgi.input": io.BytesIO(),
                FRAMING_KEY: f"The request cannot be read ({exc}).",
            }
            # h11's hint is 400, 431 (head too long) or 501 (a coding other than chunked);
            # the emulator answers 400 to the last, as it always has.
            status = 431 if exc.error_status_hint == 431 else None
            return self._answer(refusal, close=True, status=status)
        if isinstance(request, h11.ConnectionClosed):
            return False
        environ = self._environ(request)
        problem = self._framing_problem(request)
        if problem is not None:  # refused unread: the app answers 400, the connection closes
            environ[FRAMING_KEY] = problem
            return self._answer(environ, close=True)
        declared = environ.get("CONTENT_LENGTH")
        limit = body_limit(environ["REQUEST_METHOD"], environ["PATH_INFO"])
        if declared is not None and int(declared) > limit:
            return self._answer(environ, close=True)  # refused unread, as "too large"
        try:
            body = self._read_body(limit)
        except h11.RemoteProtocolError:  # a malformed chunk, or the body cut short
            chunked = "wsgi.input_terminated" in environ
            environ[FRAMING_KEY] = (
                "The chunked request body is malformed."
                if chunked
                else "The request body ended before its Content-Length."
            )
            return self._answer(environ, close=True)
        environ["wsgi.input"] = io.BytesIO(body)
        if "wsgi.input_terminated" in environ or len(body) > limit:
            environ["CONTENT_LENGTH"] = str(len(body))
        return self._answer(environ, close=len(body) > limit)

    def _next_event(self):
        """h11's next event, reading from the socket while it needs more bytes."""
        while (event := self.h11.next_event()) is h11.NEED_DATA:
            try:
                data = self.request.recv(_RECV)
            except OSError as exc:  # idle past the timeout, reset, or closed by stop()
                raise _Gone from exc
            self.h11.receive_data(data)  # b"": the client closed its side
        return event

    def _framing_problem(self, request: h11.Request) -> str | None:
        """What h11 accepts but the emulator refuses (see the module's docstring), or ``None``."""
        if request.http_version not in (b"1.0", b"1.1"):
            return "Only HTTP versions 1.0 and 1.1 are served."
        names = {name for name, _ in request.headers}
        if b"transfer-encoding" in names:
            if request.http_version != b"1.1":
                return "Transfer-Encoding must be chunked alone (HTTP/1.1) or left out."
            if b"content-length" in names:
                return "Give Content-Length or Transfer-Encoding, not both."
        return None

    def _read_body(self, limit: int) -> bytes:
        """The whole body (so the next request on the connection starts cleanly), or its first
        ``limit + 1`` bytes when a chunked one is longer (``limit``: ``uploads.body_limit``)."""
        if self.h11.they_are_waiting_for_100_continue:
            self._write(
                self.h11.send(
                    h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue")
                )
            )
        chunks, size = [], 0
        while not isinstance(event := self._next_event(), h11.EndOfMessage):
            chunks.append(event.data)
            size += len(event.data)
            if size > limit:
                break
        return b"".join(chunks)

    def _environ(self, request: h11.Request) -> dict:
        """A WSGI environ with what the emulator's app reads."""
        target = request.target.decode("latin-1")
        if target.startswith("//"):
            target = "/" + target.lstrip("/")
        path, _, query = target.partition("?")
        path = unquote(path)
        if not path.isascii():  # WSGI strings are latin-1 decoded bytes
            path = path.encode("utf-8").decode("latin-1")
        environ = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": request.method.decode("latin-1"),
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0] if self.client_address else "",
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": "HTTP/" + request.http_version.decode("latin-1"),
        }
        for raw_name, value in request.headers:  # h11 gives the names lower-cased
            name = raw_name.decode("latin-1")
            if "_" in name:  # as werkzeug: "_" and "-" would collide
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
            text = value.decode("latin-1")
            environ[key] = f"{environ[key]},{text}" if key in environ else text
        if "HTTP_TRANSFER_ENCODING" in environ:  # chunked: h11 refuses any other coding
            environ["wsgi.input_terminated"] = True
        return environ

    # -- the answer -----------------------------------------------------------------------------

    def _answer(self, environ: dict, *, close: bool, status: int | None = None) -> bool:
        """Run the app and send its answer (h11 frames it); True when the connection stays open.

        ``close`` adds ``Connection: close``; ``status`` replaces the app's status code (431).
        """
        started: list = []

        def start_response(line, headers, exc_info=None):
            started[:] = [line, headers]
            return lambda data: None

        records: list = []  # the app's call records, written once the answer's fate is known
        environ[AFTER_SEND_KEY] = records
        try:
            body = b"".join(self.server.app(environ, start_response))  # answers its own errors
            if environ.get(DROP_KEY):
                with contextlib.suppress(OSError):
                    self.request.shutdown(socket.SHUT_RDWR)
                return False
            # a client that gave up waiting (a read timeout) has closed its side: its answer is
            # never read. Recorded before the answer goes out, so a client that reads the log
            # right after its answer finds its call there.
            sent = not (records and self._client_gone())
            while records:
                records.pop(0)(sent)
            if not sent:
                return False
            return self._send(environ, started, body, close, status)
        finally:
            while records:  # the app failed before answering: nothing was sent
                records.pop(0)(False)

    def _client_gone(self) -> bool:
        """Whether the client closed its side (or reset) while its call was served: it gave up
        on the answer. A pipelined next request (bytes waiting) is not a goodbye."""
        sock = self.request
        try:
            sock.setblocking(False)  # a peek that never waits (no select: any fd number works)
            return sock.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:  # nothing to read: still waiting for its answer
            return False
        except OSError:  # reset, or closed by stop()
            return True
        finally:
            with contextlib.suppress(OSError):
                sock.settimeout(_IDLE_TIMEOUT)

    def _send(self, environ, started, body, close, status) -> bool:
        """Frame and write the app's answer; True when the connection stays open. Raises
        :class:`_Gone` when the client went away while it was written."""
        line, headers = started
        code, _, reason = line.partition(" ")
        if status is not None and status != int(code):
            code, reason = status, HTTPStatus(status).phrase
        headers = [("Date", self.date_time_string()), *headers]
        if close:
            headers.append(("Connection", "close"))
        response = h11.Response(status_code=int(code), headers=headers, reason=reason.encode())
        data = self.h11.send(response)
        if body and environ["REQUEST_METHOD"] != "HEAD":
            data += self.h11.send(h11.Data(data=body))
        data += self.h11.send(h11.EndOfMessage())
        self._write(data)
        return self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE

    def _write(self, data: bytes) -> None:
        try:
            self.request.sendall(data)
        except OSError as exc:
            raise _Gone from exc


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server (what ``make_server(threaded=True)`` builds), plus tracking
    of open connections so ``stop()`` can close idle keep-alive ones."""

    def __init__(self, host: str, port: int, app: EmulatorApp) -> None:
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Condition()
        super().__init__(host, port, app, handler=_Handler)

    def track(self, conn: socket.socket, *, add: bool) -> None:
        with self._conns_lock:
            (self._conns.add if add else self._conns.discard)(conn)
            self._conns_lock.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every connection's handler thread has finished (True), or ``timeout``."""
        with self._conns_lock:
            return self._conns_lock.wait_for(lambda: not self._conns, timeout)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class EmulatorServer:
    """The emulator served on ``host:port`` (``port=0``: a free port) from a daemon thread.

    ``start()`` returns once the port is listening; ``url`` is the base URL without a trailing
    slash; ``stop()`` shuts the server down, closes open connections and the database. Writes
    ``server.json`` (url, pid, instance) into the data directory so other processes can reuse it.
    """

    def __init__(
        self,
        data_dir: str | Path,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        start: datetime | None = None,
    ) -> None:
        self.data_dir = datadir.prepare(data_dir)  # owner-only; maybe a subfolder of data_dir
        self.host = host
        self.port = port
        #: A new world's first instant (see ``bill_emulator.backend.clock``); None: real time.
        self.start_at = start
        self.instance = secrets.token_hex(8)
        self._app: EmulatorApp | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator server is not started")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._server.server_port}"

    @property
    def app(self) -> EmulatorApp:
        if self._app is None:
            raise RuntimeError("the emulator server is not started")
        return self._app

    def start(self) -> EmulatorServer:
        if self._server is not None:
            return self
        self._app = make_app(self.data_dir, instance=self.instance, start=self.start_at)
        server = self._server = _Server(self.host, self.port, self._app)
        self._thread = threading.Thread(
            target=self._serve, name=f"billhelpers-emulator-{server.server_port}", daemon=True
        )
        self._thread.start()
        self._ready.wait(10)
        self._write_server_file()
        return self

    def _serve(self) -> None:
        self._ready.set()
        self._server.serve_forever(poll_interval=0.02)  # stop() waits one interval

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()  # no new connections
        self._server.close_connections()  # idle keep-alive ones end; busy ones fail to write
        self._server.server_close()
        self._thread.join(5)
        # werkzeug's handler threads are daemons nobody joins: close the database only once
        # every one has finished, or a late request meets a closed SQLite connection.
        self._server.wait_idle(5)
        self._remove_server_file()
        self._app.close()
        self._server = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _write_server_file(self) -> None:
        record = {"url": self.url, "pid": os.getpid(), "instance": self.instance}
        datadir.write_private(self.data_dir / SERVER_FILE, json.dumps(record))

    def _remove_server_file(self) -> None:
        path = self.data_dir / SERVER_FILE
        try:
            if json.loads(path.read_text()).get("instance") == self.instance:
                path.unlink()
        except (OSError, ValueError):
            pass
