"""
billhelpers.notebook.receiver
~~~~~~~~~~~~~~~~~~~~

:class:`Receiver`: a small webhook endpoint inside the notebook's kernel, on a free loopback
port, that does what any production receiver must do (developer.bill.com "webhooks" best
practices): verify every signature before trusting a byte (bad ones get 401 and are kept aside),
drop duplicates by ``eventId`` (BILL may send an event more than once), keep the events in
arrival order, and answer 200 quickly. ``table()`` and ``live()`` show them (pandas and
IPython are imported only when asked for).

Why ``socketserver`` in a thread with h11 for the HTTP: no web framework, stopping it (``stop()``
or ``with``) frees the port, and the framing (Content-Length, chunked bodies, keep-alive) is
read by a well-kept HTTP library rather than by hand, so a body length read wrongly can never
turn the rest of a body into a second, smuggled request. The emulator can reach it because both
run on this machine. BILL's own servers cannot: against BILL's sandbox the receiver needs a
public https URL (see chapter 07).

Why everything is bounded (issue 23): the port is open to anything on this machine. A request
is refused past ``MAX_BODY`` bytes of body, ``MAX_HEADER_BYTES`` of head or ``MAX_HEADERS``
header lines; it must arrive completely within ``read_timeout`` seconds (so a half-sent request
cannot hold a thread); at most ``MAX_CONNECTIONS`` are served at once, with a listen backlog of
``BACKLOG`` (all in :mod:`billhelpers.notebook.receiver_http`, the HTTP side). The signature
is checked on the raw bytes before anything is parsed; only verified events are remembered (the
last :data:`REMEMBERED_IDS` event ids, for duplicates) or consume ``fail_next``; of the
verified events the newest :data:`KEPT_EVENTS` are kept (``dropped_events`` counts the older
ones let go), of the rejected deliveries the last :data:`KEPT_REJECTED` (all are counted).
"""

from __future__ import annotations

import collections
import json
import re
import threading
import time

from billhelpers.masking import mask_secret
from billhelpers.notebook import receiver_http
from billhelpers.notebook.receiver_http import BACKLOG, READ_TIMEOUT
from billhelpers.rules.signatures import verify_signature

#: Verified event ids remembered to drop duplicates (least recently seen forgotten first).
REMEMBERED_IDS = 10_000
#: Verified events kept in ``events`` (the newest; ``dropped_events`` counts those let go).
KEPT_EVENTS = 10_000
#: Rejected deliveries kept in ``rejected`` (the latest; ``rejected_count`` counts them all).
KEPT_REJECTED = 1_000

#: The eventId an unverified body *claims*, found without parsing it (no recursion, linear).
_CLAIMED_EVENT_ID = re.compile(rb'"eventId"\s*:\s*"([A-Za-z0-9_.:-]{1,128})"')


class Receiver:
    """``with Receiver(security_key) as rx: ... rx.url ... rx.wait_for(3)``.

    ``events``: verified, de-duplicated notifications (parsed JSON, arrival order; the newest
    :data:`KEPT_EVENTS`, ``dropped_events`` counts the older ones let go, ``arrival_times``
    keeps step with ``events``);
    ``rejected``: the latest deliveries that failed the signature check (``{"reason",
    "eventId"}``, the eventId as the unverified body claims it; never the key), and
    ``rejected_count`` all of them; ``duplicates``: how many repeats were dropped.
    ``fail_next(n)`` answers the next ``n`` verified deliveries with HTTP 500, to watch BILL's
    (the emulator's) retries. ``read_timeout``: seconds a request has to arrive completely.
    """

    def __init__(
        self,
        security_key: str | None = None,
        *,
        path: str = "/bill-webhooks",
        host: str = "127.0.0.1",
        port: int = 0,
        read_timeout: float | None = None,
    ):
        self.security_key = security_key
        self.path = path
        self.host = host
        self.port = port
        #: Seconds a request has to arrive completely (and an idle connection is kept).
        self.read_timeout = READ_TIMEOUT if read_timeout is None else float(read_timeout)
        self.events: list[dict] = []
        self.dropped_events = 0
        self.rejected: list[dict] = []
        self.rejected_count = 0
        self.duplicates = 0
        self.failed_on_purpose = 0
        self.open_connections = 0
        self.arrival_times: list[float] = []
        self._seen: collections.OrderedDict[object, None] = collections.OrderedDict()
        self._fail = 0
        self._cond = threading.Condition()
        self._server: receiver_http.Server | None = None
        self._thread: threading.Thread | None = None
        self._live = None

    def __repr__(self) -> str:
        state = self.url if self._server else "stopped"
        dropped = f" ({self.dropped_events} older dropped)" if self.dropped_events else ""
        return (
            f"<Receiver {state} key {mask_secret(self.security_key)}: "
            f"{len(self.events)} events{dropped}, {self.rejected_count} rejected>"
        )

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the receiver is not started; call start() or use `with`")
        return f"http://{self.host}:{self._server.server_address[1]}{self.path}"

    @property
    def backlog(self) -> int:
        """How many connections may wait to be accepted (the listen backlog)."""
        return self._server.request_queue_size if self._server else BACKLOG

    def start(self) -> Receiver:
        if self._server is None:
            server = receiver_http.Server((self.host, self.port), self)
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"billhelpers-receiver-{server.server_address[1]}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
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
            self.rejected_count = 0
            self.arrival_times.clear()
            self.dropped_events = 0
            self.duplicates = 0

    # -- receiving ------------------------------------------------------------------------------
    def receive(self, path: str, body: bytes, signature: str | None) -> int:
        """One delivery's answer. The signature is checked on the raw bytes first; nothing
        unverified is parsed, remembered as seen, or allowed to use up ``fail_next``."""
        with self._cond:
            if path.split("?", 1)[0] != self.path:
                return 404
            if not self.security_key or not verify_signature(
                body, signature or "", self.security_key
            ):
                self._reject("bad signature" if signature else "no signature", body)
                return 401
            if self._fail:
                self._fail -= 1
                self.failed_on_purpose += 1
                self._cond.notify_all()
                return 500
            try:
                event = json.loads(body)
            except (ValueError, RecursionError):
                event = None
            if not isinstance(event, dict):
                self._reject("not JSON", None)
                return 400
            meta = event.get("metadata")
            event_id = meta.get("eventId") if isinstance(meta, dict) else None
            if not isinstance(event_id, str | int | None):
                event_id = json.dumps(event_id, sort_keys=True)
            if event_id in self._seen:
                self._seen.move_to_end(event_id)
                self.duplicates += 1
                self._cond.notify_all()
                return 200
            self._seen[event_id] = None
            while len(self._seen) > REMEMBERED_IDS:
                self._seen.popitem(last=False)
            self.events.append(event)
            self.arrival_times.append(time.perf_counter())
            over = len(self.events) - KEPT_EVENTS
            if over > 0:  # the oldest go: a flood of verified events cannot fill the memory
                del self.events[:over], self.arrival_times[:over]
                self.dropped_events += over
            self._cond.notify_all()
        if self._live is not None:
            self._refresh()
        return 200

    def _reject(self, reason: str, body: bytes | None) -> None:
        """Keep a rejection (the latest :data:`KEPT_REJECTED`; call with the lock held). The
        eventId is the one the unverified body claims, found without parsing it."""
        claimed = _CLAIMED_EVENT_ID.search(body) if body else None
        self.rejected.append(
            {"reason": reason, "eventId": claimed[1].decode("ascii") if claimed else None}
        )
        if len(self.rejected) > KEPT_REJECTED:
            del self.rejected[: len(self.rejected) - KEPT_REJECTED]
        self.rejected_count += 1
        self._cond.notify_all()

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
                    f"({len(self.events)} in all, {self.rejected_count} rejected)"
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
            if not self._cond.wait_for(lambda: self.rejected_count >= count, timeout):
                raise TimeoutError(
                    f"{self.rejected_count} of {count} rejections within {timeout} s"
                )
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
