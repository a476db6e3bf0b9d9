"""bill_emulator.server
~~~~~~~~~~~~~~~~~~~~~~~~~~~

``EmulatorServer``: the emulator on a loopback port, served by werkzeug in a daemon thread.

Why a custom request handler: werkzeug's development server closes every connection after one
response (it cannot drain request bodies safely), which costs a TCP handshake per call. The
emulator reads each body completely before answering, so it can keep HTTP/1.1 connections alive
like BILL's gateway does; the handler also honours the app's "drop this connection" fault and
stays quiet (no per-request log lines in a notebook).
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import json
import os
import re
import secrets
import socket
import sys
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from werkzeug.serving import DechunkedInput, ThreadedWSGIServer, WSGIRequestHandler

from bill_emulator import datadir
from bill_emulator.app import DROP_KEY, FRAMING_KEY, MAX_BODY, EmulatorApp, make_app

SERVER_FILE = "server.json"
_IDLE_TIMEOUT = 120  # seconds an idle keep-alive connection is kept


_MAX_LINE = 65536
_MAX_HEADERS = 100
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 header field name
_LENGTH = re.compile(r"[0-9]{1,19}")


class _Headers:
    """The request headers: what werkzeug's ``make_environ`` and the handler read of them.

    ``http.server`` parses headers with the ``email`` package, which costs more than the rest of
    a simple call; the emulator only needs names and values.
    """

    def __init__(self) -> None:
        self._items: list[tuple[str, str]] = []
        self._lower: dict[str, str] = {}

    def add(self, name: str, value: str) -> None:
        self._items.append((name, value))
        key = name.lower()
        self._lower[key] = f"{self._lower[key]},{value}" if key in self._lower else value

    def get(self, name: str, default=None):
        return self._lower.get(name.lower(), default)

    def __getitem__(self, name: str):
        return self._lower.get(name.lower())

    def __contains__(self, name: str) -> bool:
        return name.lower() in self._lower

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT

    def parse_request(self) -> bool:
        """Request line and headers, without the ``email`` parser (see ``_Headers``)."""
        self.command = None
        self.request_version = "HTTP/0.9"
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) != 3 or words[2] not in ("HTTP/1.0", "HTTP/1.1"):
            self.send_error(400, "Bad request syntax")
            return False
        self.command, self.path, self.request_version = words
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        headers = _Headers()
        for _ in range(_MAX_HEADERS + 1):
            line = self.rfile.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE:
                self.send_error(431, "Header line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            name, sep, value = str(line, "iso-8859-1").partition(":")
            # A name with spaces ("Content-Length : 5") or a folded line is refused, as RFC 9112
            # asks: a proxy in front would read the request's framing differently.
            if not sep or not _TOKEN.fullmatch(name):
                self.send_error(400, "Bad header line")
                return False
            headers.add(name, value.strip())
        else:
            self.send_error(431, "Too many headers")
            return False
        self.headers = headers
        connection = (headers.get("Connection") or "").lower()
        if self.request_version == "HTTP/1.1":
            self.close_connection = connection == "close"
        else:
            self.close_connection = connection != "keep-alive"
        return True

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def date_time_string(self, timestamp=None) -> str:
        """The ``Date`` header from the emulator's clock, not the machine's: a client learns
        BILL's today from it (``client.today()``), and the test clock moves it."""
        if timestamp is None:
            timestamp = self.server.app.backend.clock.now_ms() / 1000
        return email.utils.formatdate(timestamp, usegmt=True)

    def log_request(self, code="-", size="-") -> None:
        """Quiet: the emulator keeps its own request log (``GET /_emulator/requests``)."""

    def log_error(self, *args) -> None:
        """Quiet too: a malformed request line or header is answered with 400, not logged."""

    def make_environ(self) -> dict:
        """A WSGI environ with what the emulator's app reads (werkzeug's also handles TLS,
        absolute request URIs and more, at twice the cost)."""
        path, _, query = self.path.partition("?")
        path = unquote(path)
        if not path.isascii():  # WSGI strings are latin-1 decoded bytes
            path = path.encode("utf-8").decode("latin-1")
        environ = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": self.rfile,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REMOTE_ADDR": self.client_address[0] if self.client_address else "",
            "SERVER_NAME": self.server.server_address[0],
            "SERVER_PORT": str(self.server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
        }
        for name, value in self.headers.items():
            if "_" in name:  # as werkzeug: "_" and "-" would collide
                continue
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if self.headers.get("Transfer-Encoding") is not None:
            environ["wsgi.input_terminated"] = True
            environ["wsgi.input"] = DechunkedInput(self.rfile)
        return environ

    def _framing_problem(self) -> str | None:
        """Why this request's body cannot be delimited safely, or ``None``.

        Issue 15: with ``Content-Length: abc`` the body was left unread and parsed as the next
        request on the connection (a smuggled ``POST /_emulator/reset``). Anything but one plain
        decimal length, or ``Transfer-Encoding: chunked`` alone on HTTP/1.1, is refused and the
        connection closed, so no byte after it is read as a request.
        """
        length = self.headers.get("Content-Length")
        coding = self.headers.get("Transfer-Encoding")
        if coding is not None:
            if self.request_version != "HTTP/1.1" or coding.strip().lower() != "chunked":
                return "Transfer-Encoding must be chunked alone (HTTP/1.1) or left out."
            if length is not None:
                return "Give Content-Length or Transfer-Encoding, not both."
            return None
        if length is not None and not _LENGTH.fullmatch(length):
            return "Content-Length must be one whole number of bytes (given once)."
        return None

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        chunked = "wsgi.input_terminated" in environ
        problem = self._framing_problem()
        length = 0
        if problem is None and not chunked and "CONTENT_LENGTH" in environ:
            length = int(environ["CONTENT_LENGTH"])
        if problem is not None:
            # Refuse without reading: the app answers 400 and the connection closes.
            self.close_connection = True
            environ[FRAMING_KEY] = problem
            body = b""
        elif length > MAX_BODY:
            # Refuse without reading it; the app answers 400 and the connection closes.
            self.close_connection = True
            body = b""
        else:
            if self.headers.get("Expect", "").lower().strip() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            # Read the whole body now, so the next request on this connection starts cleanly.
            if chunked:
                try:
                    body = environ["wsgi.input"].read(MAX_BODY + 1)
                except (OSError, ValueError):  # werkzeug: "Invalid chunk header" and the like
                    body = b""
                    environ[FRAMING_KEY] = "The chunked request body is malformed."
                    self.close_connection = True
                self.close_connection = self.close_connection or len(body) > MAX_BODY
                environ["CONTENT_LENGTH"] = str(len(body))
            else:
                body = self.rfile.read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        status_headers: list = []

        def start_response(status, headers, exc_info=None):
            status_headers[:] = [status, headers]
            return lambda data: None

        try:
            chunks = b"".join(self.server.app(environ, start_response))
        except Exception:  # the app answers its own errors; this is a last resort
            self.close_connection = True
            raise
        if environ.get(DROP_KEY):
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        status, headers = status_headers
        lines = [f"HTTP/1.1 {status}", f"Date: {self.date_time_string()}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + chunks)


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
