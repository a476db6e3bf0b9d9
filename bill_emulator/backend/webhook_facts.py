"""bill_emulator.backend.webhook_facts
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

What BILL's webhooks are made of, shared by subscriptions and events: the event catalog and
versions, the limits (subscriptions, name length, attempts, leases), loopback hosts, idempotency
keys and the error for one still running.
"""

from __future__ import annotations

import hashlib
import ipaddress
import threading
import uuid

from bill_emulator import _json
from bill_emulator.backend.errors import (
    EmulatorError,
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
