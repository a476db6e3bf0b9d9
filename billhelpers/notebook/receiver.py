"""
billhelpers.notebook.receiver
~~~~~~~~~~~~~~~~~~~~

:class:`Receiver`: a small webhook endpoint inside the notebook's kernel, on a free loopback
port, that does what any production receiver must do (developer.bill.com "webhooks" best
practices): verify every signature before trusting a byte (bad ones get 401 and are kept aside),
drop duplicates by ``eventId`` (BILL may send an event more than once), keep the events in
arrival order, and answer 200 quickly. ``table()`` and ``live()`` show them (pandas and
IPython are imported only when asked for).

Why ``http.server`` in a thread: no dependency, and stopping it (``stop()`` or ``with``) frees
the port; the emulator can reach it because both run on this machine. BILL's own servers cannot:
against BILL's sandbox the receiver needs a public https URL (see chapter 07).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from billhelpers.masking import mask_secret
from billhelpers.rules.signatures import SIGNATURE_HEADER, verify_signature

_MAX_BODY = 1_000_000


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the emulator reuses its connection

    def do_POST(self):  # noqa: N802 - http.server's naming
        receiver: Receiver = self.server.receiver
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= _MAX_BODY:
            self._answer(400)
            return
        body = self.rfile.read(length)
        self._answer(receiver._receive(self.path, body, self.headers.get(SIGNATURE_HEADER)))

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # quiet in a notebook
        pass


class Receiver:
    """``with Receiver(security_key) as rx: ... rx.url ... rx.wait_for(3)``.

    ``events``: verified, de-duplicated notifications (parsed JSON, arrival order);
    ``rejected``: what failed the signature check (``{"reason", "eventId"}``, never the key);
    ``duplicates``: how many repeats were dropped. ``fail_next(n)`` answers the next ``n``
    deliveries with HTTP 500, to watch BILL's (the emulator's) retries.
    """

    def __init__(
        self,
        security_key: str | None = None,
        *,
        path: str = "/bill-webhooks",
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.security_key = security_key
        self.path = path
        self.host = host
        self.port = port
        self.events: list[dict] = []
        self.rejected: list[dict] = []
        self.duplicates = 0
        self.failed_on_purpose = 0
        self.arrival_times: list[float] = []
        self._seen: set[str] = set()
        self._fail = 0
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._live = None

    def __repr__(self) -> str:
        state = self.url if self._server else "stopped"
        return (
            f"<Receiver {state} key {mask_secret(self.security_key)}: "
            f"{len(self.events)} events, {len(self.rejected)} rejected>"
        )

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the receiver is not started; call start() or use `with`")
        return f"http://{self.host}:{self._server.server_port}{self.path}"

    def start(self) -> Receiver:
        if self._server is None:
            server = ThreadingHTTPServer((self.host, self.port), _Handler)
            server.daemon_threads = True
            server.receiver = self
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"billhelpers-receiver-{server.server_port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail_next(self, count: int = 1) -> None:
        with self._cond:
            self._fail = count

    def clear(self) -> None:
        with self._cond:
            self.events.clear()
            self.rejected.clear()
            self.arrival_times.clear()
            self.duplicates = 0

    # -- receiving ------------------------------------------------------------------------------
    def _receive(self, path: str, body: bytes, signature: str | None) -> int:
        with self._cond:
            if path.split("?", 1)[0] != self.path:
                return 404
            if self._fail:
                self._fail -= 1
                self.failed_on_purpose += 1
                self._cond.notify_all()
                return 500
            if not self.security_key or not verify_signature(
                body, signature or "", self.security_key
            ):
                self.rejected.append(
                    {
                        "reason": "bad signature" if signature else "no signature",
                        "eventId": _event_id(body),
                    }
                )
                self._cond.notify_all()
                return 401
            try:
                event = json.loads(body)
            except ValueError:
                self.rejected.append({"reason": "not JSON", "eventId": None})
                return 400
            event_id = (event.get("metadata") or {}).get("eventId")
            if event_id in self._seen:
                self.duplicates += 1
                self._cond.notify_all()
                return 200
            self._seen.add(event_id)
            self.events.append(event)
            self.arrival_times.append(time.perf_counter())
            self._cond.notify_all()
        if self._live is not None:
            self._refresh()
        return 200

    def wait_for(
        self, count: int | None = None, *, where=None, timeout: float = 10.0
    ) -> list[dict]:
        """Wait until ``count`` events (or ``count`` matching ``where(event)``) have arrived;
        returns the matching events. Raises ``TimeoutError`` naming what did arrive."""
        count = 1 if count is None else count

        def matching():
            return [e for e in self.events if where is None or where(e)]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout):
                raise TimeoutError(
                    f"{len(matching())} of {count} events arrived within {timeout} s "
                    f"({len(self.events)} in all, {len(self.rejected)} rejected)"
                )
            found = matching()
        if self._live is not None:
            self._refresh()
        return found

    def wait_until(self, condition, timeout: float = 10.0) -> None:
        """Wait until ``condition(receiver)`` holds (checked whenever a delivery arrives)."""
        with self._cond:
            if not self._cond.wait_for(lambda: condition(self), timeout):
                raise TimeoutError(f"condition not met within {timeout} s: {self!r}")

    def wait_for_rejected(self, count: int = 1, timeout: float = 10.0) -> list[dict]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.rejected) >= count, timeout):
                raise TimeoutError(f"{len(self.rejected)} of {count} rejections within {timeout} s")
            return list(self.rejected)

    # -- showing --------------------------------------------------------------------------------
    def rows(self) -> list[dict]:
        """One flat row per event: what happened to which object."""
        rows = []
        for event in list(self.events):
            meta = event.get("metadata", {})
            noun = next((k for k in event if k != "metadata"), None)
            entity = event.get(noun) or {}
            rows.append(
                {
                    "eventType": meta.get("eventType"),
                    "entityId": entity.get("id"),
                    "status": entity.get("status") or entity.get("paymentStatus"),
                    "updatedTime": entity.get("updatedTime"),
                    "eventId": str(meta.get("eventId", ""))[:8] + "…",
                }
            )
        return rows

    def table(self):
        """The events as a pandas DataFrame (pandas imported here, not at import time)."""
        import pandas as pd

        return pd.DataFrame(
            self.rows(), columns=["eventType", "entityId", "status", "updatedTime", "eventId"]
        )

    def live(self):
        """Show the table now and update it in place as events arrive (Jupyter only)."""
        from IPython.display import display

        self._live = display(self.table(), display_id=True)

    def _refresh(self) -> None:
        try:
            self._live.update(self.table())
        except Exception:  # a display problem must never fail a delivery
            self._live = None


def _event_id(body: bytes) -> str | None:
    try:
        return json.loads(body).get("metadata", {}).get("eventId")
    except (ValueError, AttributeError):
        return None
