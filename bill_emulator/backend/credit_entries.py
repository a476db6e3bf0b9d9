"""bill_emulator.backend.credit_entries
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The ``vendorCredits`` entries a bill, a payment or a recorded payment sends: ``[{id, amount}]``
(BILL's changelogs of 2025-05-22 and 2025-08-29), checked for shape only. A module of its own so
bills, payments and vendor credits all read one definition without importing one another; the
checks against the credits themselves are :mod:`~bill_emulator.backend.vendor_credits`'.
"""

from __future__ import annotations

from bill_emulator.backend import validation as v
from bill_emulator.backend.errors import ValidationFailed

#: At most this many credits applied in one bill payment (the kit's bound; BILL gives none).
MAX_APPLIED = 50


def parse_credits(body: dict, prefix: str) -> list[tuple[str, int]]:
    """``vendorCredits: [{id, amount}]`` -> ``[(credit id, cents)]`` (shape only)."""
    path = f"{prefix}vendorCredits"
    items = body.get("vendorCredits")
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValidationFailed(path, "must be a list of {id, amount}")
    if len(items) > MAX_APPLIED:
        raise ValidationFailed(path, f"must hold at most {MAX_APPLIED} vendor credits")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValidationFailed(f"{path}[{i}]", "must be an object")
        credit_id = v.object_id(item, "id", "vcr", f"{path}[{i}].id")
        out.append((credit_id, v.money(item.get("amount"), f"{path}[{i}].amount")))
    return out
