"""billhelpers.sandbox.server
~~~~~~~~~~~~~~~~~~~~~~~~~~~

``SandboxServer``: the sandbox on a loopback port, served by werkzeug in a daemon thread.

Why a custom request handler: werkzeug's development server closes every connection after one
response (it cannot drain request bodies safely), which costs a TCP handshake per call. The
sandbox reads each body completely before answering, so it can keep HTTP/1.1 connections alive
like BILL's gateway does; the handler also honours the app's "drop this connection" fault and
stays quiet (no per-request log lines in a notebook).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import socket
import threading
from pathlib import Path

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from billhelpers.sandbox.app import DROP_KEY, SandboxApp, make_app

SERVER_FILE = "server.json"
_IDLE_TIMEOUT = 120  # seconds an idle keep-alive connection is kept


class _Handler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def log_request(self, code="-", size="-") -> None:
        """Quiet: the sandbox keeps its own request log (``GET /_sandbox/requests``)."""

    def run_wsgi(self) -> None:
        if self.headers.get("Expect", "").lower().strip() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ = self.make_environ()
        chunked = "wsgi.input_terminated" in environ
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Read the whole body now, so the next request on this connection starts cleanly.
        body = environ["wsgi.input"].read() if chunked else self.rfile.read(length)
        if chunked:
            environ["CONTENT_LENGTH"] = str(len(body))
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

    def __init__(self, host: str, port: int, app: SandboxApp) -> None:
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(host, port, app, handler=_Handler)

    def track(self, conn: socket.socket, *, add: bool) -> None:
        with self._conns_lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class SandboxServer:
    """The sandbox served on ``host:port`` (``port=0``: a free port) from a daemon thread.

    ``start()`` returns once the port is listening; ``url`` is the base URL without a trailing
    slash; ``stop()`` shuts the server down, closes open connections and the database. Writes
    ``server.json`` (url, pid, instance) into the data directory so other processes can reuse it.
    """

    def __init__(self, data_dir: str | Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.host = host
        self.port = port
        self.instance = secrets.token_hex(8)
        self._app: SandboxApp | None = None
        self._server = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not started")
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self._server.server_port}"

    @property
    def app(self) -> SandboxApp:
        if self._app is None:
            raise RuntimeError("the sandbox server is not started")
        return self._app

    def start(self) -> SandboxServer:
        if self._server is not None:
            return self
        self._app = make_app(self.data_dir, instance=self.instance)
        server = self._server = _Server(self.host, self.port, self._app)
        self._thread = threading.Thread(
            target=self._serve, name=f"billhelpers-sandbox-{server.server_port}", daemon=True
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
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(5)
        self._remove_server_file()
        self._app.close()
        self._server = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _write_server_file(self) -> None:
        record = {"url": self.url, "pid": os.getpid(), "instance": self.instance}
        tmp = self.data_dir / f".{SERVER_FILE}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(record))
        os.replace(tmp, self.data_dir / SERVER_FILE)

    def _remove_server_file(self) -> None:
        path = self.data_dir / SERVER_FILE
        try:
            if json.loads(path.read_text()).get("instance") == self.instance:
                path.unlink()
        except (OSError, ValueError):
            pass
