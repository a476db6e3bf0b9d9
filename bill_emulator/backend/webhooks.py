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

from bill_emulator.backend.webhook_events import EventsMixin
from bill_emulator.backend.webhook_facts import (
    BANK_UPDATED_FIELDS,
    EVENT_TYPES,
    MAX_ATTEMPTS,
    MAX_SUBSCRIPTIONS,
    VERSIONS,
    is_loopback_host,
)
from bill_emulator.backend.webhook_subscriptions import SubscriptionsMixin

__all__ = (
    "BANK_UPDATED_FIELDS",
    "EVENT_TYPES",
    "MAX_ATTEMPTS",
    "MAX_SUBSCRIPTIONS",
    "VERSIONS",
    "WebhooksMixin",
    "is_loopback_host",
)


class WebhooksMixin(SubscriptionsMixin, EventsMixin):
    """The connect-events API: subscriptions (:mod:`~bill_emulator.backend.webhook_subscriptions`)
    and their events (:mod:`~bill_emulator.backend.webhook_events`)."""
