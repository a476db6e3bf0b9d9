"""bill_emulator.backend.webhook_chaos
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The ``webhook-chaos`` fault profile's part (issue 26): event notifications delivered twice, out
of order and late, as BILL's "Webhook API notification rules" page warns they may be
(developer.bill.com/docs/bill-webhook-api-notification-rules: "Your integration must save event
id value to avoid processing any duplicate notifications"; "In case notifications are sent out
of order, organize the notifications based on the timestamp of each notification"; and failed
notifications are sent again later, with exponential back-off).

Pure decisions and their bookkeeping, no store and no HTTP: ``webhook_events`` asks for a plan
when it records an event (:meth:`WebhookChaos.plan`) and reports each delivery attempt
(:meth:`WebhookChaos.delivered`), and carries out what they answer. What a plan does:

- ``late_ms``: the event is first due that long after it was recorded (on the emulator's clock,
  so moving the clock delivers it at once);
- ``hold``: the event waits until the next event of its subscription has been sent, then
  follows it (out of order); at most :data:`HOLD_MS` when none comes;
- ``again_ms``: after its first HTTP 200 the same event (same ``eventId``, same bytes, same
  signature) is sent once more, that long after.

Of the first three events of each subscription one is held (the first or the second, so the
third can overtake it), one delivered twice and one late; later events meet each one in eight.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

#: A late event is first due 2 to 5 s after it was recorded (the emulator's clock).
LATE_MS = (2_000, 5_000)
#: A held event waits at most this long for a later event of its subscription to overtake it
#: (longer than a late one's wait, so a late overtaker still goes first).
HOLD_MS = 10_000
#: A duplicate is sent 50 ms to 1 s after the first delivery was answered 200.
AGAIN_MS = (50, 1_000)
_LATER = 1 / 8


@dataclass(frozen=True)
class EventPlan:
    """What the profile does to one event notification."""

    late_ms: int = 0
    hold: bool = False
    again_ms: int | None = None

    @property
    def first_due_ms(self) -> int:
        """How long after its recording the event is first due."""
        return HOLD_MS if self.hold else self.late_ms


class WebhookChaos:
    """The part's state for one organization: a plan per recorded event, the events held back
    (one per subscription at most) and those to be sent again."""

    name = "webhook-chaos"

    def __init__(self, seed: int) -> None:
        # repeatable on purpose (a seed), nothing secret: not the secrets module
        self.rng = random.Random(f"{self.name}:{seed}")  # noqa: S311
        self.count: dict[str, int] = {}
        self.first: dict[str, dict[int, str]] = {}
        self.held: dict[str, str] = {}  # subscription → the event held back
        self.overtaker: dict[str, str] = {}  # subscription → the later event it follows
        self.again: dict[str, int] = {}  # event → ms after its 200 to send it again

    def decide(self, call) -> None:
        """Calls are left alone: this part acts on event notifications only."""
        return None

    def plan(self, sub_id: str, event_id: str) -> EventPlan:
        """The plan of a newly recorded event of ``sub_id`` (remembered for its delivery)."""
        n = self.count.get(sub_id, 0)
        self.count[sub_id] = n + 1
        if sub_id in self.held and sub_id not in self.overtaker:
            self.overtaker[sub_id] = event_id  # the held one follows this one
        first = self.first.get(sub_id)
        if first is None:  # of the first three: one held (0 or 1), one twice, one late
            held = self.rng.randrange(2)
            rest = [i for i in range(3) if i != held]
            self.rng.shuffle(rest)
            first = self.first[sub_id] = {held: "hold", rest[0]: "twice", rest[1]: "late"}
        if n < 3:
            what = first[n]
        else:
            roll = self.rng.random()
            what = (
                "hold"
                if roll < _LATER
                else "twice"
                if roll < 2 * _LATER
                else "late"
                if roll < 3 * _LATER
                else None
            )
        if what == "hold" and sub_id in self.held:  # one held back at a time: late instead
            what = "late"
        if what == "hold":
            self.held[sub_id] = event_id
            return EventPlan(hold=True)
        if what == "twice":
            again = self.rng.randint(*AGAIN_MS)
            if len(self.again) > 10_000:  # events never answered 200 (a receiver long gone)
                self.again.clear()
            self.again[event_id] = again
            return EventPlan(again_ms=again)
        if what == "late":
            return EventPlan(late_ms=self.rng.randint(*LATE_MS))
        return EventPlan()

    def delivered(
        self, sub_id: str, event_id: str, status: int | None
    ) -> tuple[int | None, str | None]:
        """One delivery attempt of ``event_id`` was answered ``status`` (``None``: no answer).
        Returns (send this event again that many ms from now, or ``None``; the held event of
        the subscription to send now that a later one went, or ``None``)."""
        again = self.again.pop(event_id, None) if status == 200 else None
        release = None
        if self.overtaker.get(sub_id) == event_id:  # a later event went first: release
            release = self.held.pop(sub_id)
            del self.overtaker[sub_id]
        elif self.held.get(sub_id) == event_id:  # held past HOLD_MS with none overtaking
            del self.held[sub_id]
            self.overtaker.pop(sub_id, None)
        return again, release
