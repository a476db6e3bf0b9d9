"""
billhelpers.rules.credits
~~~~~~~~~~~~~~~~~~~~~~~~~

The ``vendorCredits`` a bill, a payment or a recorded payment applies: ``[{"id": "vcr...",
"amount": ...}]`` (BILL's changelogs of 2025-05-22 and 2025-08-29).

Why in the rules: what a payment *covers* of a bill is its amount plus the credits it applies,
and the never-pay-twice checks (:mod:`billhelpers.rules.payment_identity`) must count both, or a
bill a credit reduced would be paid in full. Pure functions, nothing here speaks HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from billhelpers.exceptions import InputError
from billhelpers.rules.money import to_amount

#: The kit's bound on the credits one bill payment applies (BILL documents none).
MAX_APPLIED = 50
#: BILL's vendor credit ids begin so (its changelog of 2025-05-22).
CREDIT_PREFIX = "vcr"


def check_applied(body: dict, prefix: str = "") -> None:
    """Normalise ``body["vendorCredits"]`` in place: a list of ``{id, amount}`` with an id
    beginning ``vcr`` and an exact amount > 0; nothing to do when absent."""
    items = body.get("vendorCredits")
    if items is None:
        return
    field = prefix + "vendorCredits"
    if not isinstance(items, list) or len(items) > MAX_APPLIED:
        raise InputError(
            f"must be a list of at most {MAX_APPLIED} vendor credits",
            field=field,
            hint="pass [{'id': 'vcr...', 'amount': Decimal('10.00')}]",
        )
    out = []
    for i, item in enumerate(items):
        where = f"{field}[{i}]"
        if not isinstance(item, Mapping):
            raise InputError("must be {id, amount}", field=where, hint="{'id': 'vcr...', ...}")
        credit_id = check_credit_id(item.get("id"), where + ".id")
        amount = to_amount(item.get("amount"), field=where + ".amount")
        out.append({**item, "id": credit_id, "amount": amount})
    body["vendorCredits"] = out


def check_credit_id(value, field: str) -> str:
    """A vendor credit id (``vcr...``), stripped."""
    text = str(value or "").strip()
    if not text.startswith(CREDIT_PREFIX) or len(text) > 100:
        raise InputError(
            f"{value!r} is not a vendor credit id",
            field=field,
            hint=f"copy the id from the create response (it begins with {CREDIT_PREFIX})",
        )
    return text


def applied_total(item: Mapping) -> Decimal:
    """The sum of the credits ``item`` applies (0 when none; checked by :func:`check_applied`)."""
    return sum((Decimal(str(c["amount"])) for c in item.get("vendorCredits") or ()), Decimal(0))
