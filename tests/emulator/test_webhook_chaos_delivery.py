"""The ``webhook-chaos`` fault profile through the real deliverer: of a subscription's first three
events one arrives twice (same eventId, same bytes, same signature), one after a later one (out
of order), one late (only once the emulator's clock has moved); none is lost."""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bill_emulator.backend.webhook_chaos import LATE_MS
from bill_emulator.delivery import Deliverer, wait_for


class Receiver:
    """A loopback receiver that answers 200 and records (eventId, body, signature)."""

    def __init__(self) -> None:
        got = self.got = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                event_id = body.split(b'"eventId":"')[1].split(b'"')[0].decode()
                got.append((event_id, body, self.headers["x-bill-sha-signature"]))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def ids(self) -> list[str]:
        return [g[0] for g in self.got]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
@pytest.mark.parametrize("seed", [1, 2, 3, 9])  # the four orders of hold, twice and late
def test_events_arrive_twice_out_of_order_and_late(backend, caller, receiver, seed):
    backend.set_fault_profile({"name": "webhook-chaos", "seed": seed})
    sub = backend.create_subscription(
        caller,
        {
            "name": "chaos hook",
            "status": {"enabled": True},
            "notificationUrl": receiver.url,
            "events": [{"type": "vendor.created", "version": "1"}],
        },
        str(uuid.uuid4()),
    )
    recorded = [
        backend.send_test_event(caller, sub["id"], {"vendor": {"id": f"v{i}"}})["id"]
        for i in range(3)
    ]
    deliverer = Deliverer(backend).start()
    try:
        # before the clock moves: what is neither late nor waiting for a late one arrives
        def settled():  # every event received has had its answer recorded
            got = receiver.ids()
            attempted = [backend.store.event(sub["id"], e)["attempts"] > 0 for e in recorded]
            return bool(got) and attempted == [e in got for e in recorded]

        assert wait_for(settled, 10)
        late = [
            e
            for e in recorded
            if backend.store.event(sub["id"], e)["next_ms"] is not None
            and backend.store.event(sub["id"], e)["attempts"] == 0
            and e not in receiver.ids()
        ]
        assert late, "an event should still be waiting"
        backend.advance_clock({"advanceSeconds": LATE_MS[1] // 1000})  # not the hold's limit
        assert wait_for(lambda: len(receiver.got) == 4, 10), receiver.ids()
        assert wait_for(
            lambda: all(backend.store.event(sub["id"], e)["next_ms"] is None for e in recorded),
            5,
        )
    finally:
        deliverer.stop()
    ids = receiver.ids()
    assert sorted(set(ids)) == sorted(recorded)  # none lost
    (twice,) = [e for e in recorded if ids.count(e) == 2]
    copies = [(body, sig) for e, body, sig in receiver.got if e == twice]
    assert copies[0] == copies[1]  # the same bytes and signature: a duplicate, not a new event
    first_arrivals = sorted(recorded, key=ids.index)
    assert first_arrivals != recorded  # out of order
    assert len(receiver.got) == 4  # twice, not more
