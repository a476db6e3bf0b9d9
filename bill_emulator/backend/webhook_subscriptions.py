"""bill_emulator.backend.webhook_subscriptions
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's webhook subscriptions: the event catalog, creating, changing and deleting a
subscription (its one-time ``securityKey``, rotation), idempotency keys, and test events.
"""

from __future__ import annotations

import secrets
import uuid
from urllib.parse import urlsplit

from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller
from bill_emulator.backend.errors import (
    InvalidState,
    ObjectNotFound,
    ValidationFailed,
)
from bill_emulator.backend.webhook_facts import (
    _RUNNING,
    _RUNNING_LOCK,
    EVENT_TYPES,
    IDEMPOTENCY_TTL_MS,
    MAX_SUBSCRIPTIONS,
    NAME_MAX,
    VERSIONS,
    IdempotentKeyInUse,
    _hash,
    _uuid4,
    is_loopback_host,
)

#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "EventsMixin": (
        "_event_view",
        "_page",
        "_page_of",
        "_record",
        "_wake",
    ),
    "SessionsMixin": ("authenticate",),
}


class SubscriptionsMixin(BackendBase):
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
