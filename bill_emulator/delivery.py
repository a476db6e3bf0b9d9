"""bill_emulator.delivery
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The webhook deliverer: a background thread that posts recorded events to their subscriptions'
loopback URLs, signed as BILL signs them, and reports each attempt to the backend.

Why a thread per app and leases in the store: several processes may serve one data directory;
each claims due events inside a write transaction (a lease of 30 s), so an event is posted by
one of them at a time. Retries and back-off run on the emulator's clock, so moving the clock
forward makes a retry due at once. Connections are kept alive per host, like BILL's gateway.

The signature: ``base64(HMAC-SHA256(securityKey, body))`` over the exact bytes sent, in the
``x-bill-sha-signature`` header (developer.bill.com "test with webhook security"; which bytes
are signed is not stated by BILL: the bytes sent, as the kit assumes).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import threading
import time
import traceback
from urllib.parse import urlsplit

#: BILL: a notification fails without an HTTP 200 within 10 s.
TIMEOUT = 10.0
_IDLE_WAIT = 0.25


def sign(body: bytes, security_key: str) -> str:
    digest = hmac.new(security_key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def _loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Deliverer:
    """Posts due events until :meth:`stop`; :meth:`wake` shortens the wait for new ones."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._conns: dict[tuple[str, str, int], http.client.HTTPConnection] = {}
        self._thread = threading.Thread(
            target=self._run, name="bill-emulator-webhooks", daemon=True
        )

    def start(self) -> Deliverer:
        self.backend.wake_delivery = self.wake
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self.backend.wake_delivery = None
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(TIMEOUT + 2)
        for conn in self._conns.values():
            with contextlib.suppress(OSError):
                conn.close()
        self._conns.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                events = self.backend.claim_deliveries()
                for event in events:
                    if self._stop.is_set():
                        return
                    self.backend.delivery_result(event, self._post(event))
                if events:
                    continue
                wait = _IDLE_WAIT
                due = self.backend.next_delivery_ms()
                if due is not None:
                    wait = min(_IDLE_WAIT, max(0.005, (due - self.backend.clock.now_ms()) / 1000))
            except Exception:  # the store closed under us (server stopping), or a bug: pause
                if self._stop.is_set():
                    return
                traceback.print_exc()
                wait = _IDLE_WAIT
            self._wake.wait(wait)

    def _post(self, event: dict) -> int | None:
        """One attempt: the receiver's HTTP status, or ``None`` when none came back."""
        url = urlsplit(event["subscription"]["notificationUrl"])
        host = url.hostname or ""
        if not _loopback(host):  # checked at subscribe time too; never post off the machine
            return None
        body = bytes(event["payload"])
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "bill-emulator-webhooks",
            "x-bill-sha-signature": sign(body, event["security_key"]),
        }
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        key = (url.scheme, host, url.port or (443 if url.scheme == "https" else 80))
        for attempt in range(2):  # a second go only when a kept-alive connection went stale
            conn = self._conns.get(key)
            fresh = conn is None
            if conn is None:
                cls = (
                    http.client.HTTPSConnection
                    if url.scheme == "https"
                    else http.client.HTTPConnection
                )
                conn = self._conns[key] = cls(host, key[2], timeout=TIMEOUT)
            try:
                conn.request("POST", target, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                if resp.will_close:
                    self._drop(key)
                return resp.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop(key)
                if fresh or attempt:
                    return None
            except (OSError, http.client.HTTPException):
                self._drop(key)
                return None
        return None  # pragma: no cover

    def _drop(self, key) -> None:
        conn = self._conns.pop(key, None)
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()


def wait_for(condition, timeout: float = 5.0, interval: float = 0.005) -> bool:
    """Poll ``condition()`` until true or ``timeout`` (for tests and benchmarks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
