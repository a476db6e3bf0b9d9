"""bill_emulator.backend.report_calls
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The report card's records: one :class:`Call` per BILL call the emulator served, and the few
facts noted of it (:func:`call_facts`: ids, vendor names, a fingerprint of a bill's lines; never a
header, a password, a session or a bank number). :mod:`bill_emulator.backend.report` judges them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

PAYMENT_POSTS = frozenset({"create_payment", "bulk_create_payments"})
_VENDOR_CREATES = frozenset({"create_vendor", "bulk_create_vendors"})
_BILL_CREATES = frozenset({"create_bill", "bulk_create_bills"})
#: The endpoints whose facts are noted (see :func:`call_facts`).
FACT_ENDPOINTS = PAYMENT_POSTS | _VENDOR_CREATES | _BILL_CREATES | {"list_payments"}


@dataclass(frozen=True, slots=True)
class Call:
    """One BILL call as the emulator served it.

    ``status`` 0: the connection was dropped (no answer); ``facts["unsent"]``: an answer was
    made but the client had closed the connection before it was written (a read timeout).
    ``code``: the first error's ``BDC_`` code. ``arrival_ms``/``done_ms``: the emulator's clock
    when it arrived and when its answer (or the drop) went out. ``in_flight``: the
    organization's calls already in flight when it arrived. ``retry_after``: the answer's
    ``Retry-After`` in seconds. ``facts``: what :func:`call_facts` noted (``endpoint``,
    ``created``, ``names``, ``bills``, ``billIds``, ``txns``, ``paid``, ``filters``).
    """

    method: str
    path: str
    status: int
    arrival_ms: int
    done_ms: int
    code: str | None = None
    in_flight: int = 0
    retry_after: float | None = None
    facts: dict = field(default_factory=dict)
    org: str | None = None
    n: int = 0  # the call's number in the run, from 1

    @property
    def endpoint(self) -> str | None:
        return self.facts.get("endpoint")

    @property
    def unsent(self) -> bool:
        """Its answer was never read: the client had closed the connection (gave up on a read
        timeout) before the answer was written."""
        return bool(self.facts.get("unsent"))

    @property
    def uncertain(self) -> bool:
        """No answer reached the client (dropped, or it had given up), or a 5xx."""
        return self.status == 0 or self.status >= 500 or self.unsent

    @property
    def failed(self) -> bool:
        """Worth a retry later: refused by a rate limit, or uncertain."""
        return self.status == 429 or self.uncertain

    def label(self) -> str:
        return f"#{self.n} {self.method} {self.path} → {_outcome(self)}"


def _outcome(call: Call) -> str:
    if call.status == 0:
        return "no answer (dropped)"
    if call.unsent:
        return f"{call.status} never read (the client had given up and closed the connection)"
    return f"{call.status} {call.code}" if call.code else str(call.status)


#: A call arriving this much (ms) before the latest arrival seen so far is taken for a move of the
#: clock backwards (``backToRealTime``), not for a slow call (faults delay at most 120 s).
CLOCK_MOVED_BACK_MS = 130_000


def numbered(calls: Iterable[Call]) -> list[Call]:
    """``calls`` (as logged: in the order they ended) in the order they arrived, with ``n`` set
    to their position (from 1). A slow call is logged after the calls that arrived while it was
    served (a client that gave up on it and sent again): the checks judge what the client sent
    after what, so each stretch where the clock did not move back is sorted by arrival (stably:
    calls of one millisecond keep their order)."""
    from dataclasses import replace

    ordered: list[Call] = []
    stretch: list[Call] = []
    latest = None
    for call in calls:
        if latest is not None and call.arrival_ms < latest - CLOCK_MOVED_BACK_MS:
            ordered += sorted(stretch, key=_arrival)
            stretch, latest = [], None
        stretch.append(call)
        latest = call.arrival_ms if latest is None else max(latest, call.arrival_ms)
    ordered += sorted(stretch, key=_arrival)
    return [replace(c, n=i) for i, c in enumerate(ordered, start=1)]


def _arrival(call: Call) -> int:
    return call.arrival_ms


# -- what the request path notes ----------------------------------------------------------------


def call_facts(endpoint: str, path: str, body: object, status: int, payload: object) -> dict:
    """The facts of one call that the checks need, from its parsed body and its answer.

    ``created``: ids the call created (also when its answer is then lost); ``names``: vendor
    names asked for (case-folded); ``bills``: a fingerprint of each bill asked for (vendor,
    amounts and descriptions of its lines; not the invoice number); ``billIds``/``txns``: the
    bills and transaction numbers of a payment POST; ``paid``: ``[billId, paymentId]`` pairs it
    created; ``filters``: a payment list's ``filters`` text. Nothing secret is kept: no header,
    no password, no bank or account number.
    """
    facts: dict = {"endpoint": endpoint}
    items = _items(endpoint, body)
    made = _made(endpoint, payload) if 200 <= status < 300 else []
    if endpoint in _VENDOR_CREATES:
        facts["names"] = [_name(item.get("name")) for item in items]
        facts["created"] = [str(obj.get("id")) for obj in made]
    elif endpoint in _BILL_CREATES:
        facts["bills"] = [bill_fingerprint(item) for item in items]
        facts["created"] = [str(obj.get("id")) for obj in made]
    elif endpoint in PAYMENT_POSTS:
        facts["billIds"] = sorted({str(i["billId"]) for i in items if i.get("billId")})
        facts["txns"] = sorted(
            {str(i["transactionNumber"]) for i in items if i.get("transactionNumber")}
        )
        facts["paid"] = [[_paid_bill(obj), str(obj.get("id"))] for obj in made]
        facts["created"] = [str(obj.get("id")) for obj in made]
    return facts


def _items(endpoint: str, body: object) -> list[dict]:
    if endpoint == "bulk_create_payments":
        shared = body if isinstance(body, dict) else {}
        items = shared.get("payments")
        rest = {k: v for k, v in shared.items() if k != "payments"}
        if not isinstance(items, list):
            return []
        return [{**rest, **i} for i in items if isinstance(i, dict)]
    if endpoint.startswith("bulk_"):
        return [i for i in body if isinstance(i, dict)] if isinstance(body, list) else []
    return [body] if isinstance(body, dict) else []


def _made(endpoint: str, payload: object) -> list[dict]:
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, dict)]
    if isinstance(payload, dict):
        for key in ("payments", "vendors", "bills"):
            if endpoint.startswith("bulk_") and isinstance(payload.get(key), list):
                return [p for p in payload[key] if isinstance(p, dict)]
        return [payload] if payload.get("id") else []
    return []


def _paid_bill(payment: dict) -> str:
    if payment.get("billId"):
        return str(payment["billId"])
    lines = payment.get("billPayments") or [{}]
    return str(lines[0].get("billId", ""))


def _name(value: object) -> str:
    return " ".join(str(value or "").split()).casefold()


def _money(value: object) -> str:
    try:
        return format(Decimal(str(value)).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(value)


def bill_fingerprint(bill: dict) -> str:
    """Vendor, amounts and descriptions of the lines, hashed (16 hex digits)."""
    lines = bill.get("billLineItems")
    lines = lines if isinstance(lines, list) else []
    shape = [
        str(bill.get("vendorId")),
        [
            [_money(line.get("amount")), str(line.get("description") or "")]
            for line in lines
            if isinstance(line, dict)
        ],
    ]
    return hashlib.sha256(json.dumps(shape).encode()).hexdigest()[:16]


# -- the checks ---------------------------------------------------------------------------------
