"""bill_emulator.backend.profiles
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Fault profiles (issue 26): BILL's failures on purpose, seeded and repeatable.

A profile decides, call by call, whether a BILL call meets a failure; the emulator's app carries
the decision out with the same fault injection as ``POST /_emulator/faults`` (a dropped
connection before or after the call is carried out, an error status with BILL's code, a slow
answer), plus two things only a profile does: an answer's ``Retry-After`` and ending the session
the call came with. Every organization gets its own ``random.Random`` seeded from the profile's
name and seed, so the same calls meet the same failures on every run, whatever the
organization's id. A profile never changes data beyond what BILL does: a call dropped after it
was carried out is recorded as BILL would have recorded it, and an ended session is ended as
BILL ends one after 35 idle minutes; the clock (the business date) never moves.

The profiles, with the BILL pages behind them:

``lost-answers``
    BILL has no idempotency key on ``POST /v3/payments`` (developer.bill.com/reference
    create-payment): a write whose answer is lost may have been recorded. Of the first three
    creates of each kind (vendors, bills, payments; bulk or not) one is dropped before it is
    carried out and one after; later creates are dropped one in eight, before or after.
``rate-limits``
    developer.bill.com/docs/api-rate-limits: 3 concurrent calls per organization (``BDC_1322``)
    and 20,000 an hour (``BDC_1144``), answered 429. One of the organization's first five calls
    is refused 429 with ``Retry-After`` (1 or 2 s), later calls one in twenty; and the hourly
    budget is 300 calls, so a hammering client meets ``BDC_1144`` (``Retry-After``: to the top
    of the emulator's hour).
``server-errors``
    BILL's 5xx (``BDC_1001`` "System error occurred."; developer.bill.com/docs/errors): one of
    the first five calls answers a 5xx; later, one call in twenty does, and one in twenty is
    slow (0.2 to 1.5 s). A create's 5xx comes after it was carried out half of the time.
``session-expiry``
    developer.bill.com/reference/auth-login: a session ends after 35 minutes without a call and
    the next call answers 401 ``BDC_1109``; MFA trust belongs to the session and ends with it.
    The first session of an organization ends at its 2nd to 4th call, later ones at their 5th
    to 12th. The clock does not move, so a process date chosen at the start stays valid.
``webhook-chaos``
    developer.bill.com/docs/bill-webhook-api-notification-rules: a notification may come more
    than once (save its event id), out of order (order by timestamp) and late (failed ones are
    sent again with back-off). Of the first three events of each subscription one is delivered
    twice, one held back until a later one has gone, one late (2 to 5 s); later events meet
    each one in eight (``bill_emulator.backend.webhook_chaos``). Calls are left alone.
``all``
    Every one of them at once (session expiry first, then rate limits, server errors, lost
    answers: the first that fails a call wins, and the others do not count that call; webhook
    chaos acts on event notifications only).
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass

from bill_emulator.backend.errors import HourlyLimitReached
from bill_emulator.backend.webhook_chaos import EventPlan, WebhookChaos

#: Profile names → what they do, one line, and the BILL page behind them.
PROFILES = {
    "lost-answers": (
        "some writes are recorded, then the connection drops before the answer",
        "https://developer.bill.com/reference/create-payment (no idempotency key)",
    ),
    "rate-limits": (
        "BILL's concurrency (BDC_1322) and hourly (BDC_1144) limits, answered 429 with Retry-After",
        "https://developer.bill.com/docs/api-rate-limits",
    ),
    "server-errors": (
        "occasional 5xx (BDC_1001) and slow answers",
        "https://developer.bill.com/docs/errors",
    ),
    "session-expiry": (
        "sessions end mid-run as after 35 idle minutes (BDC_1109); MFA trust ends with them",
        "https://developer.bill.com/reference/auth-login",
    ),
    "webhook-chaos": (
        "event notifications delivered twice, out of order and late",
        "https://developer.bill.com/docs/bill-webhook-api-notification-rules",
    ),
    "all": ("every profile above at once", "all of the above"),
}
NAMES = tuple(PROFILES)
#: The largest seed (a signed 64-bit number).
MAX_SEED = 2**63 - 1

#: rate-limits: the hourly budget per organization (BILL's is 20,000).
HOURLY_BUDGET = 300
_HOUR_MS = 3_600_000
_CREATES = {
    "create_vendor": "vendor",
    "bulk_create_vendors": "vendor",
    "create_bill": "bill",
    "bulk_create_bills": "bill",
    "create_payment": "payment",
    "bulk_create_payments": "payment",
}


@dataclass
class Decision:
    """What a profile does to one call (the app carries it out)."""

    drop: bool = False
    after_processing: bool = False
    status: int | None = None
    code: str | None = None
    message: str | None = None
    delay_seconds: float | None = None
    retry_after: int | None = None
    end_session: bool = False

    def as_fault(self) -> dict:
        """The shape of a queued fault (``bill_emulator.backend.controls.add_fault``)."""
        return {
            "drop": self.drop,
            "afterProcessing": self.after_processing,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "delaySeconds": self.delay_seconds,
            "retryAfter": self.retry_after,
        }


class _Part:
    """One profile's state for one organization."""

    name = ""

    def __init__(self, seed: int) -> None:
        # repeatable on purpose (a seed), nothing secret: not the secrets module
        self.rng = random.Random(f"{self.name}:{seed}")  # noqa: S311

    def decide(self, call: CallInfo) -> Decision | None:
        raise NotImplementedError


@dataclass(frozen=True)
class CallInfo:
    endpoint: str
    session: str | None  # a digest of the call's sessionId, when it has one
    now_ms: int


class _LostAnswers(_Part):
    name = "lost-answers"

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.count: dict[str, int] = {}
        self.plans: dict[str, dict[int, bool]] = {}

    def decide(self, call: CallInfo) -> Decision | None:
        kind = _CREATES.get(call.endpoint)
        if kind is None:
            return None
        n = self.count.get(kind, 0)
        self.count[kind] = n + 1
        plan = self.plans.get(kind)
        if plan is None:  # of the first three: one dropped before, one after
            before, after = self.rng.sample(range(3), 2)
            plan = self.plans[kind] = {before: False, after: True}
        if n < 3:
            if n not in plan:
                return None
            return Decision(drop=True, after_processing=plan[n])
        if self.rng.random() < 1 / 8:
            return Decision(drop=True, after_processing=self.rng.random() < 0.5)
        return None


class _RateLimits(_Part):
    name = "rate-limits"

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.n = 0
        self.first = self.rng.randrange(5)
        self.hour: tuple[int, int] = (-1, 0)

    def decide(self, call: CallInfo) -> Decision | None:
        n, self.n = self.n, self.n + 1
        bucket = call.now_ms // _HOUR_MS
        used = self.hour[1] + 1 if self.hour[0] == bucket else 1
        self.hour = (bucket, used)
        if used > HOURLY_BUDGET:
            wait = math.ceil(((bucket + 1) * _HOUR_MS - call.now_ms) / 1000)
            return Decision(
                status=429,
                code="BDC_1144",
                message=HourlyLimitReached(HOURLY_BUDGET).message,
                retry_after=max(1, wait),
            )
        if n == self.first or (n > 4 and self.rng.random() < 1 / 20):
            code = "BDC_1322" if self.rng.random() < 0.7 else "BDC_1144"
            message = HourlyLimitReached(20_000).message if code == "BDC_1144" else None
            return Decision(
                status=429, code=code, message=message, retry_after=self.rng.choice((1, 2))
            )
        return None


class _ServerErrors(_Part):
    name = "server-errors"

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.n = 0
        self.first = self.rng.randrange(5)

    def decide(self, call: CallInfo) -> Decision | None:
        n, self.n = self.n, self.n + 1
        roll = self.rng.random()
        if n == self.first or (n > 4 and roll < 1 / 20):
            return Decision(
                status=self.rng.choice((500, 502, 503, 504)),
                code="BDC_1001",
                after_processing=call.endpoint in _CREATES and self.rng.random() < 0.5,
            )
        if n > 4 and roll > 1 - 1 / 20:
            return Decision(delay_seconds=round(self.rng.uniform(0.2, 1.5), 2))
        return None


class _SessionExpiry(_Part):
    name = "session-expiry"

    def __init__(self, seed: int) -> None:
        super().__init__(seed)
        self.sessions: dict[str, list[int]] = {}  # digest → [calls so far, the call that ends]

    def decide(self, call: CallInfo) -> Decision | None:
        if call.session is None or call.endpoint == "login":
            return None
        seen = self.sessions.get(call.session)
        if seen is None:
            if len(self.sessions) > 10_000:  # old sessions are long over
                self.sessions.clear()
            last = self.rng.randint(2, 4) if not self.sessions else self.rng.randint(5, 12)
            seen = self.sessions[call.session] = [0, last]
        seen[0] += 1
        if seen[0] == seen[1]:
            return Decision(end_session=True)
        return None


_PARTS = {
    p.name: p for p in (_SessionExpiry, _RateLimits, _ServerErrors, _LostAnswers, WebhookChaos)
}


class FaultProfile:
    """A named profile with its seed; per-organization state made on first use."""

    def __init__(self, name: str, seed: int) -> None:
        if name not in PROFILES:
            raise ValueError(f"unknown fault profile {name!r}; the profiles are {', '.join(NAMES)}")
        self.name = name
        self.seed = seed
        self._parts = list(_PARTS) if name == "all" else [name]
        self._orgs: dict[str, list[_Part]] = {}
        self._lock = threading.Lock()

    def describe(self) -> dict:
        what, page = PROFILES[self.name]
        return {"name": self.name, "seed": self.seed, "description": what, "billPage": page}

    def _of(self, org: str) -> list:
        parts = self._orgs.get(org)
        if parts is None:
            parts = self._orgs[org] = [_PARTS[p](self.seed) for p in self._parts]
        return parts

    def decide(self, org: str, call: CallInfo) -> Decision | None:
        with self._lock:
            for part in self._of(org):
                decision = part.decide(call)
                if decision is not None:
                    return decision
        return None

    def _chaos(self, org: str) -> WebhookChaos | None:
        return next((p for p in self._of(org) if isinstance(p, WebhookChaos)), None)

    def plan_event(self, org: str, sub_id: str, event_id: str) -> EventPlan | None:
        """``webhook-chaos``: what happens to a newly recorded event (``None``: nothing)."""
        if "webhook-chaos" not in self._parts:
            return None
        with self._lock:
            return self._chaos(org).plan(sub_id, event_id)

    def event_delivered(
        self, org: str, sub_id: str, event_id: str, status: int | None
    ) -> tuple[int | None, str | None]:
        """``webhook-chaos``: after one delivery attempt, (send it again in so many ms, the
        held event to send now); ``(None, None)`` when nothing."""
        if "webhook-chaos" not in self._parts:
            return None, None
        with self._lock:
            return self._chaos(org).delivered(sub_id, event_id, status)
