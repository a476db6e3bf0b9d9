"""bill_emulator.backend.webhooks
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's webhooks (the connect-events API): the event catalog, subscriptions with their one-time
``securityKey``, idempotency keys, and the events a change of a vendor, bill, bank account or
payment records for each subscription that wants it.

Why events are rows and delivery is elsewhere: the backend knows nothing of HTTP, so a change
only records, inside its own transaction, the exact bytes to send (so nothing is announced that
was rolled back). :mod:`bill_emulator.delivery` sends them from a background thread, signs them
(HMAC-SHA256 of those bytes with the subscription's key, base64, ``x-bill-sha-signature``) and
reports each attempt back here: a 200 ends it; otherwise the event is resent five times, after 2,
4, 8, 16 and 32 s of the emulator's clock (BILL's notification rules: exponential back-off, five
resends), and after the last failed attempt the subscription is disabled
(``status.enabled=false``) and sends nothing until it is enabled again.

Emulator differences (see ``docs/api-fidelity.md``): BILL serves these paths on a separate base
(``https://gateway.stage.bill.com/connect-events``); the emulator serves them on its own port at
``/connect-events/v3/...``. BILL requires an HTTPS ``notificationUrl``; the emulator delivers only
to loopback addresses (``http`` or ``https``) and refuses any other host, so it can never post
to the internet.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bill_emulator import _json
from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import (
    EmulatorError,
    InvalidState,
    ObjectNotFound,
    ValidationFailed,
)

#: developer.bill.com "notification payloads reference"; every documented sample is version 1.
EVENT_TYPES = (
    "vendor.created",
    "vendor.updated",
    "vendor.archived",
    "vendor.restored",
    "bill.created",
    "bill.updated",
    "bill.archived",
    "bill.restored",
    "payment.updated",
    "payment.failed",
    "bank-account.created",
    "bank-account.updated",
)
VERSIONS = ("1",)
#: What a ``bank-account.updated`` notification carries (BILL's "bank account notification
#: payloads" page; a ``bank-account.created`` one carries the whole account).
BANK_UPDATED_FIELDS = ("id", "archived", "status", "updatedTime")
#: The entity key of each object kind in a notification (BILL's docs show ``bank-account``).
NOUNS = {"vendor": "vendor", "bill": "bill", "bank": "bank-account", "payment": "payment"}
MAX_SUBSCRIPTIONS = 10  # per organization (BILL changelog 2026-04-30)
NAME_MAX = 255
IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000
#: Attempts per event: the first and five resends (BILL's notification rules: "after resending a
#: notification five times"), after 2, 4, 8, 16 and 32 s.
MAX_ATTEMPTS = 6
#: How long one claimed event is held by a delivery thread, on real time (not the emulator's
#: clock, which a request may move during a delivery).
LEASE_MS = 30_000
LIST_DEFAULT, LIST_MAX = 20, 100
_TEST_ENTITIES = ("vendor", "bill", "bank-account", "payment")


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ``::1``, bracketed or not):
    the only hosts the emulator posts webhooks to, or reuses a running emulator at."""
    host = (host or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _uuid4(key: str | None) -> str:
    if not key:
        raise ValidationFailed(
            "X-Idempotent-Key", "header is required: send a new UUID4 for each new request"
        )
    try:
        parsed = uuid.UUID(key)
    except ValueError:
        parsed = None
    if parsed is None or parsed.version != 4:
        raise ValidationFailed("X-Idempotent-Key", "must be a UUID4, e.g. str(uuid.uuid4())")
    return str(parsed)


class IdempotentKeyInUse(EmulatorError):
    """A second request with the ``X-Idempotent-Key`` of a request still running: HTTP 429
    (BILL's webhook API rules). The code and message are the kit's."""

    code = "BDC_1000"
    http_status = 429
    category = "REQUEST"

    def __init__(self) -> None:
        self.params = [{"name": "X-Idempotent-Key"}]
        super().__init__(
            "X-Idempotent-Key: a request with this key is still running; send it again when "
            "that one has answered (its answer is then repeated)"
        )


#: Keys of requests still running in this process: ``(data file, org_id, op, key)``. (Two server
#: processes on one data folder do not see each other's: the second then waits for the write
#: lock and repeats the first answer.)
_RUNNING: set[tuple[str, str, str, str]] = set()
_RUNNING_LOCK = threading.Lock()


def _hash(body: object) -> str:
    return hashlib.sha256(_json.dumps(body)).hexdigest()


class WebhooksMixin(BackendBase):
    #: Set by the delivery thread: called when an event may be due (a new one, a clock move).
    wake_delivery = None

    def events_authenticate(self, dev_key: str | None, session_id: str | None) -> Caller:
        """The connect-events API's header checks: BILL's "webhook API error responses" page
        answers a *missing* ``devKey`` or ``sessionId`` with 400 and an *invalid* one with 401
        (the ``/v3`` API answers both with 401). The 400's code is the kit's (``BDC_1000``, as
        for a missing ``X-Idempotent-Key``)."""
        for header, value in (("devKey", dev_key), ("sessionId", session_id)):
            if not value:
                raise ValidationFailed(header, "header is required on the connect-events API")
        return self.authenticate(dev_key, session_id)

    # -- catalog and subscriptions --------------------------------------------------------------

    def event_catalog(self, caller: Caller) -> list[dict]:
        return [{"type": t, "versions": list(VERSIONS)} for t in EVENT_TYPES]

    def _check_subscription(self, body: dict, *, partial: bool) -> dict:
        doc: dict = {}
        if not partial or "name" in body:
            name = v.string(body, "name", required=True, max_len=NAME_MAX)
            if not name.strip():
                raise ValidationFailed("name", "must not be blank")
            doc["name"] = name
        if not partial or "status" in body:
            status = v.sub_object(body, "status", "status", required=True)
            if not isinstance(status.get("enabled"), bool):
                raise ValidationFailed("status.enabled", "must be true or false")
            doc["status"] = {"enabled": status["enabled"]}
        if not partial or "notificationUrl" in body:
            doc["notificationUrl"] = self._check_url(
                v.string(body, "notificationUrl", required=True, max_len=2000)
            )
        if partial and "events" in body:
            raise ValidationFailed(
                "events", "cannot be changed with PATCH; replace the subscription with PUT"
            )
        if not partial:
            doc["events"] = self._check_events(body.get("events"))
        return doc

    def _check_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationFailed("notificationUrl", "must be an absolute http(s) URL")
        try:
            port = parts.port  # urlsplit checks the port only when asked (issue 23: 99999)
        except ValueError:
            port = 0
        if port == 0:
            raise ValidationFailed("notificationUrl", "must have a port from 1 to 65535 (or none)")
        if not is_loopback_host(parts.hostname):
            raise ValidationFailed(
                "notificationUrl",
                f"host {parts.hostname} is not a loopback address: the emulator delivers only to "
                "127.0.0.1, ::1 or localhost (BILL itself needs a public https URL)",
            )
        return url

    def _check_events(self, events: object) -> list[dict]:
        if not isinstance(events, list) or not events:
            raise ValidationFailed("events", "must be a list of at least one {type, version}")
        checked, seen = [], set()
        for i, event in enumerate(events):
            if not isinstance(event, dict):
                raise ValidationFailed(f"events[{i}]", "must be an object {type, version}")
            kind = v.string(event, "type", f"events[{i}].type", required=True)
            if kind not in EVENT_TYPES:
                raise ValidationFailed(
                    f"events[{i}].type",
                    f"unknown event type {kind!r}; see GET /v3/events/catalog",
                )
            version = event.get("version")
            if str(version) not in VERSIONS:
                raise ValidationFailed(f"events[{i}].version", 'must be "1"')
            if kind in seen:
                raise ValidationFailed(f"events[{i}].type", f"{kind} is listed twice")
            seen.add(kind)
            checked.append({"type": kind, "version": str(version)})
        return checked

    def _subscription(self, caller: Caller, sub_id: str) -> dict:
        doc = self.store.subscription(caller.org_id, sub_id)
        if doc is None:
            raise ObjectNotFound("Subscription", sub_id)
        return doc

    @staticmethod
    def _enabled(sub: dict) -> None:
        """A disabled subscription sends nothing: no test event, no resend (issue 23)."""
        if not sub["status"]["enabled"]:
            raise InvalidState(
                f"Subscription {sub['id']} is disabled and sends nothing; enable it first "
                '(PATCH it with {"status": {"enabled": true}}).'
            )

    def _no_duplicate(self, caller: Caller, doc: dict, own_id: str | None = None) -> None:
        wanted = ({e["type"] for e in doc["events"]}, doc["notificationUrl"])
        for other in self.store.subscriptions(caller.org_id):
            same = ({e["type"] for e in other["events"]}, other["notificationUrl"])
            if other["id"] != own_id and same == wanted:
                raise ValidationFailed(
                    "events",
                    f"subscription {other['id']} already sends these events to this URL",
                )

    def _idempotent(self, caller: Caller, op: str, key: str | None, body: object, make):
        """BILL's rule: a repeat of a key within 24 h returns the first (successful) answer; the
        same key with another body is refused; the same key while the first request still runs
        is 429 (checked before the write lock, which would otherwise queue it behind the first).
        Failed first answers are not kept (assumed)."""
        key = _uuid4(key)
        body_hash = _hash(body)
        running = (str(self.store.path), caller.org_id, op, key)
        with _RUNNING_LOCK:
            if running in _RUNNING:
                raise IdempotentKeyInUse()
            _RUNNING.add(running)
        try:
            return self._idempotent_once(caller, op, key, body_hash, make)
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(running)

    def _idempotent_once(self, caller: Caller, op: str, key: str, body_hash: str, make):
        now = self.clock.now_ms()
        with self.store.write():
            seen = self.store.idempotent_answer(caller.org_id, op, key, now - IDEMPOTENCY_TTL_MS)
            if seen is not None:
                if seen[0] != body_hash:
                    raise ValidationFailed(
                        "X-Idempotent-Key",
                        "was already used for a different request; generate a new UUID4",
                    )
                return seen[1]
            answer = make()
            self.store.save_idempotent_answer(
                org_id=caller.org_id,
                op=op,
                key=key,
                body_hash=body_hash,
                response=answer,
                now_ms=now,
            )
        return answer

    def create_subscription(self, caller: Caller, body: object, key: str | None) -> dict:
        body = v.body_object(body)

        def make() -> dict:
            doc = self._check_subscription(body, partial=False)
            if len(self.store.subscriptions(caller.org_id)) >= MAX_SUBSCRIPTIONS:
                raise ValidationFailed(
                    "subscriptions", f"an organization may have at most {MAX_SUBSCRIPTIONS}"
                )
            self._no_duplicate(caller, doc)
            now = self.now_iso()
            sub_id = str(uuid.uuid4())
            doc = {
                "id": sub_id,
                "name": doc["name"],
                "organizationId": caller.org_id,
                "status": doc["status"],
                "events": doc["events"],
                "notificationUrl": doc["notificationUrl"],
                "createdTime": now,
                "updatedTime": now,
            }
            security_key = secrets.token_urlsafe(32)
            self.store.insert_subscription(
                sub_id=sub_id,
                org_id=caller.org_id,
                seq=self.store.next_seq("subscription"),
                doc=doc,
                security_key=security_key,
            )
            return {**doc, "securityKey": security_key}

        return self._idempotent(caller, "create_subscription", key, body, make)

    def get_subscription(self, caller: Caller, sub_id: str) -> dict:
        return self._subscription(caller, sub_id)

    def list_subscriptions(self, caller: Caller, params: dict[str, list[str]]) -> dict:
        limit, offset = self._page(params, ("max", "page"))
        rows = self.store.subscriptions(caller.org_id, limit=limit + 1, offset=offset)
        return self._page_of(rows, limit, offset)

    def update_subscription(self, caller: Caller, sub_id: str, body: object) -> dict:
        return self._change_subscription(caller, sub_id, v.body_object(body), partial=True)

    def replace_subscription(self, caller: Caller, sub_id: str, body: object) -> dict:
        return self._change_subscription(caller, sub_id, v.body_object(body), partial=False)

    def _change_subscription(self, caller, sub_id, body: dict, *, partial: bool) -> dict:
        changes = self._check_subscription(body, partial=partial)
        with self.store.write():
            doc = self._subscription(caller, sub_id)
            doc.update(changes)
            self._no_duplicate(caller, doc, own_id=sub_id)
            doc["updatedTime"] = self.now_iso()
            self.store.update_subscription(sub_id, doc)
            if not doc["status"]["enabled"]:
                self.store.stop_events(sub_id)  # a disabled subscription sends nothing
        return doc

    def delete_subscription(self, caller: Caller, sub_id: str) -> None:
        with self.store.write():
            self._subscription(caller, sub_id)
            self.store.delete_subscription(sub_id)

    def rotate_security_key(self, caller: Caller, sub_id: str, key: str | None) -> dict:
        """A new key at once; the old one stops signing immediately (assumed)."""

        def make() -> dict:
            self._subscription(caller, sub_id)
            security_key = secrets.token_urlsafe(32)
            self.store.set_security_key(sub_id, security_key)
            return {"securityKey": security_key}

        return self._idempotent(caller, f"security_key:{sub_id}", key, {}, make)

    def send_test_event(self, caller: Caller, sub_id: str, body: object) -> dict:
        body = v.body_object(body) if body is not None else {}
        sub = self._subscription(caller, sub_id)
        self._enabled(sub)
        kind = v.string(body, "eventType") or sub["events"][0]["type"]
        if kind not in EVENT_TYPES:
            raise ValidationFailed("eventType", f"unknown event type {kind!r}")
        version = str(body.get("version") or "1")
        if version not in VERSIONS:
            raise ValidationFailed("version", 'must be "1"')
        noun = kind.rsplit(".", 1)[0]
        entity = body.get(noun)
        if entity is not None and not isinstance(entity, dict):
            raise ValidationFailed(noun, "must be an object")
        entity = entity or {"id": f"test-{noun}"}
        with self.store.write():
            event_id = self._record(sub, kind, version, noun, entity)
        self._wake()
        return self._event_view(self.store.event(sub_id, event_id))

    # -- events of a subscription ---------------------------------------------------------------

    def list_events(self, caller: Caller, sub_id: str, params: dict[str, list[str]]) -> dict:
        """BILL's "Get list of event notifications" reference: ``entityId``, ``max``, ``page``,
        ``createdTimeFrom`` and ``createdTimeTo`` (ISO 8601, UTC; the end defaults to now),
        oldest first, paged forward only (``nextPage``, no ``prevPage``)."""
        self._subscription(caller, sub_id)
        allowed = ("max", "page", "entityId", "createdTimeFrom", "createdTimeTo")
        limit, offset = self._page(params, allowed)

        def one(name: str) -> str | None:
            return params.get(name, [None])[-1]

        times = {}
        for name in ("createdTimeFrom", "createdTimeTo"):
            value = one(name)
            if value is not None:
                try:
                    moment = datetime.fromisoformat(value)
                    if moment.tzinfo is None:  # BILL's times are UTC
                        moment = moment.replace(tzinfo=UTC)
                    times[name] = int(moment.timestamp() * 1000)
                except (ValueError, OverflowError):
                    raise ValidationFailed(name, "must be an ISO-8601 time") from None
        rows = self.store.events(
            sub_id,
            entity_id=one("entityId"),
            since_ms=times.get("createdTimeFrom"),
            until_ms=times.get("createdTimeTo"),
            limit=limit + 1 + offset,
        )[offset:]
        return self._page_of([self._event_view(r) for r in rows], limit, offset)

    def resend_event(self, caller: Caller, sub_id: str, event_id: str) -> dict:
        """Queue the same event (same ``eventId``, same bytes) for delivery again."""
        with self.store.write():
            self._enabled(self._subscription(caller, sub_id))
            event = self.store.event(sub_id, event_id)
            if event is None:
                raise ObjectNotFound("Event", event_id)
            self.store.queue_event_again(sub_id, event_id, self.clock.now_ms())
        self._wake()
        return self._event_view(event)

    # -- recording events (the hook in core.py) -------------------------------------------------

    def _changed(self, kind: str | None, org_id: str | None, doc: dict, verb: str) -> None:
        if not self.store.has_subscriptions():
            return
        if kind is None:
            owner = self.store.object_owner(doc["id"])
            if owner is None:
                return
            kind, org_id = owner
        noun = NOUNS.get(kind)
        if noun is None:
            return
        if noun == "payment":
            verb = "updated"  # BILL's catalog has payment.updated for every status change
        elif noun == "bank-account" and verb not in ("created", "updated"):
            verb = "updated"
        if noun == "bank-account" and verb == "updated":
            # BILL's bank account payloads page: an update carries the account's id, the fields
            # that trigger it (archived, status) and updatedTime, not the whole account
            entity = {key: doc.get(key) for key in BANK_UPDATED_FIELDS}
            self._emit(org_id, "bank-account.updated", noun, entity, raw=True)
            return
        self._emit(org_id, f"{noun}.{verb}", noun, doc)

    def _payment_failed(self, caller: Caller, body: object, err: EmulatorError) -> None:
        """``payment.failed``: a create request BILL refused (its own transaction)."""
        if not self.store.has_subscriptions():
            return
        request = body if isinstance(body, dict) else {}
        entity = {
            key: request[key]
            for key in ("billId", "vendorId", "amount", "transactionNumber", "fundingAccount")
            if key in request
        }
        entity["errors"] = [{"code": err.code, "message": err.message}]
        with self.store.write():
            self._emit(caller.org_id, "payment.failed", "payment", entity, raw=True)

    def _emit(self, org_id: str, kind: str, noun: str, doc: dict, *, raw: bool = False) -> None:
        subs = [
            s
            for s in self.store.subscriptions(org_id)
            if s["status"]["enabled"] and any(e["type"] == kind for e in s["events"])
        ]
        if not subs:
            return
        entity = doc if raw else self._entity(org_id, noun, doc)
        for sub in subs:
            self._record(sub, kind, "1", noun, entity)
        self._wake()

    def _record(self, sub: dict, kind: str, version: str, noun: str, entity: dict) -> str:
        event_id = str(uuid.uuid4())
        envelope = {
            "metadata": {
                "eventId": event_id,
                "subscriptionId": sub["id"],
                "organizationId": sub["organizationId"],
                "eventType": kind,
                "version": version,
            },
            noun: entity,
        }
        self.store.insert_event(
            event_id=event_id,
            sub_id=sub["id"],
            org_id=sub["organizationId"],
            type_=kind,
            version=version,
            entity_id=entity.get("id"),
            payload=_json.dumps(envelope),  # minified: these exact bytes are sent and signed
            now_ms=self.clock.now_ms(),
        )
        return event_id

    def _entity(self, org_id: str, noun: str, doc: dict) -> dict:
        if noun != "payment":
            return public(doc)
        # developer.bill.com "payment webhook notification payloads": a shape of its own.
        funding = {"type": doc["fundingAccount"]["type"], "id": doc["fundingAccount"]["id"]}
        bank = self.store.get_object("bank", org_id, funding["id"])
        if bank is not None:
            funding["name"] = bank.get("bankName") or bank.get("nameOnAccount")
            funding["accountNumber"] = bank.get("accountNumber")
        vendor = self.store.get_object("vendor", org_id, doc["vendorId"]) or {}
        entity = {
            "id": doc["id"],
            "billIds": [line["billId"] for line in doc["billPayments"]],
            "transactionNumber": doc.get("transactionNumber"),
            "status": doc["singleStatus"],
            "createdBy": doc.get("createdBy"),
            "createdTime": doc["createdTime"],
            "updatedTime": doc["updatedTime"],
            "processDate": doc["processDate"],
            "funding": funding,
            "disbursement": {"arrivesByDate": doc.get("_arrivesBy"), "disbursementAccount": {}},
            "vendor": {"id": doc["vendorId"], "name": vendor.get("name")},
            "billingType": "BDC",
        }
        return entity

    def _wake(self) -> None:
        if self.wake_delivery is not None:
            self.wake_delivery()

    # -- what the delivery thread calls ---------------------------------------------------------

    def claim_deliveries(
        self, owner: str, skip: tuple[str, ...] = (), limit: int = 200
    ) -> list[dict]:
        """Due events leased to ``owner`` (one delivery thread of one process) on real time."""
        with self.store.write():
            return self.store.claim_events(
                self.clock.now_ms(),
                real_ms=int(time.time() * 1000),
                lease_ms=LEASE_MS,
                owner=owner,
                skip=skip,
                limit=limit,
            )

    def release_deliveries(self, events: list[dict]) -> None:
        """Give back claimed events that were not attempted."""
        if events:
            with self.store.write():
                self.store.release_events([e["seq"] for e in events], events[0]["lease_owner"])

    def next_delivery_ms(self) -> int | None:
        return self.store.next_event_ms()

    def delivery_result(self, event: dict, status_code: int | None) -> None:
        """Record one attempt: 200 ends it; else retry with back-off or disable the
        subscription after the last attempt. An attempt whose lease was lost is not recorded."""
        with self.store.write():
            attempts = event["attempts"] + 1
            last = status_code != 200 and attempts >= MAX_ATTEMPTS
            if status_code == 200 or last:
                next_ms = None
            else:
                next_ms = self.clock.now_ms() + 2**attempts * 1000
            recorded = self.store.event_attempted(event, status_code=status_code, next_ms=next_ms)
            if recorded and last:
                sub = self.store.subscription(
                    event["subscription"]["organizationId"], event["subscription_id"]
                )
                if sub is not None:
                    sub["status"]["enabled"] = False
                    sub["updatedTime"] = self.now_iso()
                    self.store.update_subscription(sub["id"], sub)
                    self.store.stop_events(sub["id"])

    # -- paging ---------------------------------------------------------------------------------

    def _page(self, params: dict[str, list[str]], allowed: tuple[str, ...]) -> tuple[int, int]:
        for name in params:
            if name not in allowed:
                raise ValidationFailed(name, "unknown parameter")
        raw_max = params.get("max", [str(LIST_DEFAULT)])[-1]
        # ASCII digits only, few of them: str.isdigit() takes "²", which int() refuses, and a
        # 20-digit offset overflows SQLite's integers (issue 23: both were 500s)
        if not re.fullmatch(r"[0-9]{1,3}", raw_max) or not 1 <= int(raw_max) <= LIST_MAX:
            raise ValidationFailed("max", f"must be a whole number from 1 to {LIST_MAX}")
        page = params.get("page", [""])[-1]
        offset = 0
        if page:
            if not re.fullmatch(r"p[0-9]{1,9}", page):
                raise ValidationFailed("page", "must be a nextPage value from an earlier answer")
            offset = int(page[1:])
        return int(raw_max), offset

    @staticmethod
    def _page_of(rows: list, limit: int, offset: int) -> dict:
        page = {"results": rows[:limit]}
        if len(rows) > limit:
            page["nextPage"] = f"p{offset + limit}"
        return page

    @staticmethod
    def _event_view(row: dict) -> dict:
        from bill_emulator.backend.clock import iso

        return {
            "id": row["id"],
            "type": row["type"],
            "version": row["version"],
            "subscriptionId": row["subscription_id"],
            "payload": bytes(row["payload"]).decode(),
            "createdTime": iso(row["created_ms"]),
            "statusCode": row["status_code"],
        }
