"""bill_emulator.backend.webhook_events
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The events of a subscription: listing and resending them, recording one when a vendor, bill,
bank account or payment changes, and what the delivery thread (``bill_emulator.delivery``)
calls to claim, release and report them.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime

from bill_emulator import _json
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import (
    EmulatorError,
    ObjectNotFound,
    ValidationFailed,
)
from bill_emulator.backend.webhook_facts import (
    BANK_UPDATED_FIELDS,
    LEASE_MS,
    LIST_DEFAULT,
    LIST_MAX,
    MAX_ATTEMPTS,
    NOUNS,
)

#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "SubscriptionsMixin": (
        "_enabled",
        "_subscription",
    ),
}


class EventsMixin(BackendBase):
    """Events recorded for subscriptions and handed to the delivery thread."""

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
        now = self.clock.now_ms()
        # the fault profile webhook-chaos may hold it back or make it late (never lose it)
        plan = (
            None
            if self.profile is None
            else self.profile.plan_event(sub["organizationId"], sub["id"], event_id)
        )
        self.store.insert_event(
            event_id=event_id,
            sub_id=sub["id"],
            org_id=sub["organizationId"],
            type_=kind,
            version=version,
            entity_id=entity.get("id"),
            payload=_json.dumps(envelope),  # minified: these exact bytes are sent and signed
            now_ms=now,
            due_ms=None if plan is None else now + plan.first_due_ms,
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
        sub_id, org_id = event["subscription_id"], event["subscription"]["organizationId"]
        again_ms, release = (
            (None, None)
            if self.profile is None
            else self.profile.event_delivered(org_id, sub_id, event["id"], status_code)
        )
        with self.store.write():
            now = self.clock.now_ms()
            attempts = event["attempts"] + 1
            last = status_code != 200 and attempts >= MAX_ATTEMPTS
            if status_code == 200 or last:
                # webhook-chaos: a delivered event may be sent once more (same id, same bytes)
                next_ms = None if again_ms is None else now + again_ms
            else:
                next_ms = now + 2**attempts * 1000
            recorded = self.store.event_attempted(event, status_code=status_code, next_ms=next_ms)
            if release is not None:  # webhook-chaos: the event held back follows this one
                self.store.hasten_event(sub_id, release, now)
            if recorded and last:
                sub = self.store.subscription(org_id, sub_id)
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
