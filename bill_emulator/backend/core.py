"""bill_emulator.backend.core
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

What every resource module shares: the caller of a request, object storage helpers, limits.

Why a base class: the resource modules (vendors, bills, payments, ...) are mixins of one
``EmulatorBackend`` so a request needs one object, while each module keeps its own rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from bill_emulator.backend import ids, listing
from bill_emulator.backend.bookkeeping import Bookkeeping
from bill_emulator.backend.clock import Clock, iso
from bill_emulator.backend.errors import ConcurrentLimitReached, ObjectNotFound
from bill_emulator.backend.validation import to_decimal
from bill_emulator.store import Store

#: BILL's documented limits (developer.bill.com/docs/api-rate-limits).
DEFAULT_LIMITS = {"requestsPerHour": 20_000, "loginsPerHour": 200, "concurrentRequests": 3}

#: What each kind is called in messages.
KIND_NAMES = {
    "vendor": "Vendor",
    "bill": "Bill",
    "bank": "Bank account",
    "payment": "Payment",
    "vendorCredit": "Vendor credit",
}


@dataclass(frozen=True)
class Caller:
    """The signed-in session a BILL call runs as."""

    org_id: str
    user_id: str
    dev_key: str
    session_hash: str
    trusted: bool


class ConcurrencyGate:
    """Counts requests in flight per devKey (BILL: 3 per devKey per organization).

    In-process by design: each server process admits its own requests; see the backend's gaps.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[str, int] = {}

    def enter(self, key: str, limit: int) -> None:
        with self._lock:
            active = self._active.get(key, 0)
            if active >= limit:
                raise ConcurrentLimitReached()
            self._active[key] = active + 1

    def active(self, key: str | None = None) -> int:
        """Requests in flight for ``key`` (all keys when ``None``)."""
        with self._lock:
            return self._active.get(key, 0) if key else sum(self._active.values())

    def leave(self, key: str) -> None:
        with self._lock:
            self._active[key] -= 1
            if not self._active[key]:
                del self._active[key]


class BackendBase:
    """State holders and helpers shared by the resource mixins."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.gate = ConcurrencyGate()
        self.books = Bookkeeping(store)
        self._dev_keys: dict[str, str] = {}
        #: The fault profile in force (``bill_emulator.backend.profiles``), held by this process.
        self.profile = None

    def dev_key_org(self, dev_key: str | None) -> str | None:
        """The organization of a devKey; known keys are cached (they change only on reset)."""
        if not dev_key:
            return None
        org = self._dev_keys.get(dev_key)
        if org is None:
            org = self.store.dev_key_org(dev_key)
            if org is not None:
                self._dev_keys[dev_key] = org
        return org

    def flush_request_log(self) -> None:
        """Write the waiting usage counts and request-log rows."""
        self.books.flush()

    def now_iso(self) -> str:
        return iso(self.clock.now_ms())

    def _load(self, kind: str, caller: Caller, obj_id: str) -> dict:
        doc = self.store.get_object(kind, caller.org_id, obj_id)
        if doc is None:
            raise ObjectNotFound(KIND_NAMES[kind], obj_id)
        return doc

    def _insert(
        self, kind: str, org_id: str, doc: dict, *, obj_id: str | None = None, seq: int = 0
    ) -> dict:
        """Give ``doc`` an id and times, store it; call inside ``store.write()``."""
        seq = seq or self.store.next_seq(kind)
        now = self.now_iso()
        doc = {"id": obj_id or ids.object_id(kind, seq), **doc}
        if kind != "payment":
            doc.setdefault("archived", False)
        doc["createdTime"] = now
        doc["updatedTime"] = now
        self._before_write(doc, kind, org_id)
        self.store.insert_object(kind=kind, org_id=org_id, obj_id=doc["id"], seq=seq, doc=doc)
        self._changed(kind, org_id, doc, "created")
        return doc

    def _save(self, doc: dict, *, verb: str = "updated", at: str | None = None) -> dict:
        doc["updatedTime"] = at or self.now_iso()
        self._before_write(doc, None, None)
        self.store.update_object(doc["id"], doc)
        self._changed(kind=None, org_id=None, doc=doc, verb=verb)
        return doc

    def _before_write(self, doc: dict, kind: str | None, org_id: str | None) -> None:
        """Hook: ``doc`` is about to be stored, new (``kind`` and ``org_id`` given) or changed
        (both ``None``); it may still change it (approvals match bills to their policies)."""

    def _changed(self, kind: str | None, org_id: str | None, doc: dict, verb: str) -> None:
        """Hook: a stored object changed (the webhooks module turns this into events)."""

    def _set_archived(self, kind: str, caller: Caller, obj_id: str, archived: bool) -> dict:
        with self.store.write():
            doc = self._load(kind, caller, obj_id)
            self._before_archive(kind, doc, archived)
            if doc["archived"] != archived:
                doc["archived"] = archived
                doc = self._save(doc, verb="archived" if archived else "restored")
        return public(doc)

    def _before_archive(self, kind: str, doc: dict, archived: bool) -> None:
        """Hook: bills refuse archiving while payments are scheduled."""

    def _list(self, kind: str, caller: Caller, params: dict[str, list[str]]) -> dict:
        page = listing.fetch(self.store, kind, caller.org_id, params)
        page["results"] = [public(doc) for doc in page["results"]]
        return page


#: Document keys that hold money (integer cents inside the store, exact decimals outside).
MONEY_KEYS = frozenset(
    {
        *("amount", "dueAmount", "price", "creditAmount", "paidAmount", "scheduledAmount"),
        "appliedAmount",  # vendor credits
        "purchaseCost",  # an item's (classifications)
    }
)


def public(doc: dict) -> dict:
    """The API view of a document: no private keys (``_...``, e.g. full bank numbers), and
    money converted from cents to exact two-place decimals."""
    return {k: _public_value(k, val) for k, val in doc.items() if not k.startswith("_")}


def _public_value(key: str, value: object) -> object:
    if key in MONEY_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return to_decimal(value)
    if isinstance(value, dict):
        return public(value)
    if isinstance(value, list):
        return [public(item) if isinstance(item, dict) else item for item in value]
    return value
