"""bill_emulator.delivery
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The webhook deliverer: a background thread that posts recorded events to their subscriptions'
loopback URLs, signed as BILL signs them, and reports each attempt to the backend.

Why a thread per app and leases in the store: several processes may serve one data directory;
each claims due events inside a write transaction (a lease of 30 s of real time, so moving the
emulator's clock during a delivery cannot make the event due for another process), so an event
is posted by one of them at a time. Retries and back-off run on the emulator's clock, so moving
the clock forward makes a retry due at once. Connections are kept alive per subscription and
host, like BILL's gateway; subscriptions are served by a small pool of workers, so a silent
receiver delays only its own events, and each exchange has a total deadline of 10 s.

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
import socket
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from bill_emulator.backend.webhooks import is_loopback_host

#: BILL: a notification fails without an HTTP 200 within 10 s: the deadline of the whole exchange
#: (connect, send, answer), not of each read (issue 23: an answer dripped over 22 s counted).
TIMEOUT = 10.0
#: The most of an answer's body read (BILL needs only the status); a longer answer's connection
#: is closed rather than read to its end (issue 23: an announced 4 GiB was read whole).
MAX_ANSWER_BYTES = 64 * 1024
#: Subscriptions delivered to at once: a slow receiver holds one of these, not the others.
WORKERS = 8
_IDLE_WAIT = 0.25


def sign(body: bytes, security_key: str) -> str:
    digest = hmac.new(security_key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


class Deliverer:
    """Posts due events until :meth:`stop`; :meth:`wake` shortens the wait for new ones.

    One claiming loop hands each subscription's due events, in order, to a small pool of
    workers (one subscription at a time per worker), so a silent receiver delays only its own
    events. A failure of one event (an unusable URL stored by an older version, a bug) is
    recorded as a failed attempt of that event alone."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.owner = uuid.uuid4().hex
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._conns: dict[tuple, http.client.HTTPConnection] = {}
        self._busy: set[str] = set()
        self._busy_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="bill-emulator-webhook")
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
        self._pool.shutdown(wait=True, cancel_futures=True)
        for conn in list(self._conns.values()):
            with contextlib.suppress(OSError):
                conn.close()
        self._conns.clear()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = _IDLE_WAIT
            try:
                with self._busy_lock:
                    busy = tuple(self._busy)
                events = self.backend.claim_deliveries(self.owner, skip=busy)
                by_sub: dict[str, list[dict]] = {}
                for event in events:
                    by_sub.setdefault(event["subscription_id"], []).append(event)
                for sub_id, batch in by_sub.items():
                    with self._busy_lock:
                        self._busy.add(sub_id)
                    self._pool.submit(self._deliver, sub_id, batch)
                if events:
                    continue
                due = self.backend.next_delivery_ms()
                now = self.backend.clock.now_ms()
                if due is not None and due > now:
                    wait = min(_IDLE_WAIT, max(0.005, (due - now) / 1000))
            except Exception:  # the store closed under us (server stopping), or a bug: pause
                if self._stop.is_set():
                    return
                traceback.print_exc()
            self._wake.wait(wait)

    def _deliver(self, sub_id: str, batch: list[dict]) -> None:
        """One subscription's claimed events, in order (a worker thread)."""
        try:
            for n, event in enumerate(batch):
                late = time.time() * 1000 + TIMEOUT * 1000 >= event["leased_until"]
                if self._stop.is_set() or late:  # its lease could run out mid-post: give back
                    self.backend.release_deliveries(batch[n:])
                    return
                try:
                    status = self._post(event)
                except Exception:  # one event's failure is that event's failed attempt
                    status = None
                self.backend.delivery_result(event, status)
        except Exception:
            if not self._stop.is_set():
                traceback.print_exc()
        finally:
            with self._busy_lock:
                self._busy.discard(sub_id)
            self._wake.set()

    def _post(self, event: dict) -> int | None:
        """One attempt: the receiver's HTTP status, or ``None`` when none came back within
        :data:`TIMEOUT` (the whole exchange)."""
        url = urlsplit(event["subscription"]["notificationUrl"])
        host = url.hostname or ""
        if not is_loopback_host(host):  # checked at subscribe time too; never post off the machine
            return None
        port = url.port or (443 if url.scheme == "https" else 80)  # ValueError: a failed try
        body = bytes(event["payload"])
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "bill-emulator-webhooks",
            "x-bill-sha-signature": sign(body, event["security_key"]),
        }
        target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        key = (event["subscription_id"], url.scheme, host, port)
        deadline = time.monotonic() + TIMEOUT
        for attempt in range(2):  # a second go only when a kept-alive connection went stale
            conn = self._conns.get(key)
            fresh = conn is None
            if conn is None:
                cls = (
                    http.client.HTTPSConnection
                    if url.scheme == "https"
                    else http.client.HTTPConnection
                )
                conn = self._conns[key] = cls(host, port, timeout=TIMEOUT)
            left = deadline - time.monotonic()
            if left <= 0:
                self._drop(key)
                return None
            conn.timeout = left
            watchdog = None
            try:
                if conn.sock is None:
                    conn.connect()
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError
                conn.sock.settimeout(left)
                # the deadline of the whole exchange: a receiver that drips its answer a byte
                # at a time never trips a per-read timeout, so the socket is shut at the end
                watchdog = threading.Timer(left, _shut, (conn.sock,))
                watchdog.daemon = True
                watchdog.start()
                conn.request("POST", target, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read(MAX_ANSWER_BYTES)
                watchdog.cancel()
                if time.monotonic() >= deadline:
                    self._drop(key)
                    return None
                if resp.will_close or not resp.isclosed():  # not read to its end: not reused
                    self._drop(key)
                return resp.status
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop(key)
                if fresh or attempt or time.monotonic() >= deadline:
                    return None
            except (OSError, http.client.HTTPException, ValueError):
                self._drop(key)
                return None
            finally:
                if watchdog is not None:
                    watchdog.cancel()
        return None  # pragma: no cover

    def _drop(self, key) -> None:
        conn = self._conns.pop(key, None)
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()


def _shut(sock) -> None:
    """End a socket's exchange now (a blocked read returns at once)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def wait_for(condition, timeout: float = 5.0, interval: float = 0.005) -> bool:
    """Poll ``condition()`` until true or ``timeout`` (for tests and benchmarks)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
