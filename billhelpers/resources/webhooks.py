"""
billhelpers.resources.webhooks
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's webhooks (the connect-events API): the event catalog, subscriptions, their events.

Why a base URL of its own: BILL serves these calls beside the v3 API, on
``https://gateway.stage.bill.com/connect-events`` (``.../prod...`` in production); the emulator
serves them at ``<emulator>/connect-events``. The calls still go through :meth:`Client.request`
(same session, timeouts, errors). Creating a subscription and rotating its key need an
``X-Idempotent-Key`` (a UUID4): the helper makes one per call, and because BILL answers a repeat
of the same key with the first answer, those two calls are safe to retry.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote, urlsplit

from billhelpers.exceptions import InputError
from billhelpers.http.guard import is_loopback_host

#: developer.bill.com "notification payloads reference" (AP events; version "1").
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
#: BILL: payment events are offered only to some partners on BILL's own gateways.
PAYMENT_EVENTS = ("payment.updated", "payment.failed")


def _id(value) -> str:
    text = str(value or "").strip()
    if not text:
        raise InputError("an id is required", field="id", hint="pass the subscription's id")
    return quote(text, safe="")


def events_body(events) -> list[dict]:
    """``["bill.created", ...]`` or ``[{"type", "version"}]`` -> BILL's list, checked."""
    if isinstance(events, str) or not events:
        raise InputError(
            "give a list of event types", field="events", hint='e.g. ["payment.updated"]'
        )
    body = []
    for item in events:
        kind, version = (
            (item, "1") if isinstance(item, str) else (item.get("type"), item.get("version", "1"))
        )
        if kind not in EVENT_TYPES:
            raise InputError(
                f"unknown event type {kind!r}",
                field="events",
                hint="see client.webhooks.catalog() for BILL's event types",
            )
        body.append({"type": kind, "version": str(version)})
    return body


class Webhooks:
    """``client.webhooks``: subscriptions and events (``catalog``, ``subscribe``, ...)."""

    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return f"<Webhooks {self.base_url}>"

    @property
    def base_url(self) -> str:
        """``https://gateway.stage.bill.com/connect-events`` for BILL's sandbox; the emulator's
        URL plus ``/connect-events`` in demo."""
        base = self.client.base_url.rstrip("/")
        if base.endswith("/connect"):
            return base + "-events"
        return base + "/connect-events"

    def _call(self, method: str, path: str, *, json=None, params=None, key: bool = False):
        headers = {"X-Idempotent-Key": str(uuid.uuid4())} if key else None
        return self.client.request(
            method,
            "/v3" + path,
            json=json,
            params=params,
            base=self.base_url,
            headers=headers,
            safe=True if key else None,  # a repeated key returns the first answer
        )

    def check_url(self, url: str) -> str:
        """BILL needs https; the emulator posts only to loopback addresses."""
        parts = urlsplit(str(url or ""))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(
                "notificationUrl must be an absolute URL",
                field="notificationUrl",
                hint="e.g. receiver.url from billhelpers.notebook.receiver.Receiver",
            )
        if self.client.config.environment == "demo":
            if not is_loopback_host(parts.hostname):
                raise InputError(
                    f"the emulator delivers only to loopback addresses, not {parts.hostname}",
                    field="notificationUrl",
                    hint="use the in-notebook receiver (http://127.0.0.1:PORT/...)",
                )
        elif parts.scheme != "https":
            raise InputError(
                "BILL delivers only to https URLs",
                field="notificationUrl",
                hint="expose your receiver through a public https URL",
            )
        return url

    # -- catalog and subscriptions --------------------------------------------------------------
    def catalog(self):
        return self._call("GET", "/events/catalog")

    def subscribe(self, name: str, events, notification_url: str, *, enabled: bool = True):
        """Create a subscription; the answer's ``securityKey`` is shown once: keep it."""
        body = {
            "name": name,
            "status": {"enabled": bool(enabled)},
            "events": events_body(events),
            "notificationUrl": self.check_url(notification_url),
        }
        if not str(name or "").strip():
            raise InputError("a subscription needs a name", field="name")
        return self._call("POST", "/subscriptions", json=body, key=True)

    def subscriptions(self, max: int = 20, page: str | None = None):
        return self._call("GET", "/subscriptions", params={"max": max, "page": page})

    def get(self, subscription_id: str):
        return self._call("GET", f"/subscriptions/{_id(subscription_id)}")

    def update(self, subscription_id: str, **changes):
        """PATCH ``name``, ``status`` ({"enabled": bool}) or ``notificationUrl``."""
        unknown = set(changes) - {"name", "status", "notificationUrl"}
        if unknown:
            raise InputError(
                f"cannot PATCH {', '.join(sorted(unknown))}",
                field=sorted(unknown)[0],
                hint="change events with replace()",
            )
        if "notificationUrl" in changes:
            self.check_url(changes["notificationUrl"])
        return self._call("PATCH", f"/subscriptions/{_id(subscription_id)}", json=changes)

    def enable(self, subscription_id: str, enabled: bool = True):
        return self.update(subscription_id, status={"enabled": enabled})

    def replace(
        self,
        subscription_id: str,
        name: str,
        events,
        notification_url: str,
        *,
        enabled: bool = True,
    ):
        body = {
            "name": name,
            "status": {"enabled": bool(enabled)},
            "events": events_body(events),
            "notificationUrl": self.check_url(notification_url),
        }
        return self._call("PUT", f"/subscriptions/{_id(subscription_id)}", json=body)

    def delete(self, subscription_id: str):
        return self._call("DELETE", f"/subscriptions/{_id(subscription_id)}")

    def rotate_key(self, subscription_id: str):
        """A new ``securityKey``; the old one stops signing (give the new one to the receiver)."""
        return self._call("POST", f"/subscriptions/{_id(subscription_id)}/security_key", key=True)

    def test(self, subscription_id: str, event_type: str | None = None, **entity):
        body = {}
        if event_type is not None:
            events_body([event_type])
            body = {"eventType": event_type, "version": "1", **entity}
        return self._call("POST", f"/subscriptions/{_id(subscription_id)}/test", json=body)

    # -- events ---------------------------------------------------------------------------------
    def events(
        self,
        subscription_id: str,
        *,
        entity_id: str | None = None,
        max: int = 100,
        page: str | None = None,
    ):
        params = {"entityId": entity_id, "max": max, "page": page}
        return self._call("GET", f"/events/subscription/{_id(subscription_id)}", params=params)

    def resend(self, subscription_id: str, event_id: str):
        path = f"/events/subscription/{_id(subscription_id)}/event/{_id(event_id)}"
        return self._call("POST", path)
