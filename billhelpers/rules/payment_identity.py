"""
billhelpers.rules.payment_identity
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

A payment's identity, in one place: the one ``transactionNumber`` scheme, and what "live",
"matches" and "due" mean. Single payments, bulk payments, the payment run and the tutorial
helpers all ask here, so a never-pay-twice decision cannot depend on which of them made it.
Pure functions: nothing here speaks HTTP.

**One intended payment** is: this organization paying this bill this amount (in cents), for
the n-th time (``payment_number``, 1 unless a second payment of the same bill and amount is
meant on purpose). Nothing else enters the number, and on purpose:

- not the ``processDate``: a re-run a day later (the run's date moves with ``client.today()``)
  is the *same* intended payment and must find the first one, not make a second;
- not the vendor: BILL takes it from the bill, so naming it or not (a single payment does, a
  payment run does not) must not change the number;
- not the position in a bulk request: a bill paid alone and the same bill paid among 49 others
  are one intent. Items of one request that pay the same bill the same amount are numbered 1,
  2, … in order (:func:`number_items`), so they stay distinct payments.

A payment that creates its bill (no ``billId``) is identified by its vendor instead.

The number is ``bh-`` + 32 hex digits of SHA-256 (36 characters; 128 bits, so two intents never
share one in practice) and fits BILL's 50-character ``transactionNumber``. A ``purpose`` (a
short tag such as ``"tutorial"``) makes a separate series, ``bh-tutorial-`` + 32 hex, for a
demonstration that must never be taken for the real payment; the client, bulk payments and the
payment run use no purpose, so they agree.

**Live** (:func:`is_live`): a payment that has moved, or may still move, money for its bill.
Only a payment that provably never will is dead: canceled while scheduled (``CANCELED``/
``CANCELLED``) or voided (``VOIDED``/``VOID``, ``FUNDING_FAILED_VOIDED``). Everything else is
live, an unknown status too: ``VOID_PENDING`` (the void may be rejected), ``RETURNED`` and
``DISBURSEMENT_FAILED_*`` (action needed: BILL holds the money and may reissue it until the
payment is voided), ``FUNDING_FAILED_ACTION_NEEDED`` (the vendor *was* paid),
``DISBURSEMENT_ON_HOLD``, ``FUNDS_ESCHEATED``. Wrongly live costs a person a look (void it, then
pay); wrongly dead pays a bill twice. ``singleStatus`` (BILL's finer status) decides when the
payment shows one, ``status`` otherwise; ``disbursementStatus`` never makes a payment dead.

**Due** (:func:`due_amount`, :func:`nothing_due`): what the bill still needs is its
``dueAmount``; a bill that does not say has nothing provably due (0, never its ``amount``).
``paymentStatus`` ``PAID`` or ``SCHEDULED`` (payments cover it all) means nothing is due.
Vendor credits, payments made outside BILL and scheduled payments all lower what is due: when
the bill also shows ``amount``, ``creditAmount``, ``paidAmount`` and ``scheduledAmount``, due is
never taken above ``amount`` minus those three, so a bill a credit reduced is never paid in full
even if a ``dueAmount`` were to leave the credit out. What one payment *covers*
(:func:`covers`) is its ``amount`` plus the ``vendorCredits`` it applies: that, not the amount
alone, must fit in what is due.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from billhelpers.rules import credits
from billhelpers.rules.checks import TRANSACTION_NUMBER_MAX

#: Every number the kit makes starts so (``bh-`` + 32 hex, or ``bh-<purpose>-`` + 32 hex).
PREFIX = "bh-"
#: Hex digits of the SHA-256 digest kept: 128 bits.
DIGEST_HEX = 32
#: A purpose tag: lower-case letters, digits and inner hyphens, at most this long, so that
#: ``bh-`` + purpose + ``-`` + 32 hex stays within the 50 characters.
PURPOSE_MAX = TRANSACTION_NUMBER_MAX - len(PREFIX) - 1 - DIGEST_HEX
_PURPOSE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Bumped only if the inputs ever change: the old numbers would no longer be found.
_SCHEME = "v1"

#: Statuses of a payment that never moves money for its bill: canceled while scheduled, or
#: voided (BILL's ``singleStatus`` CANCELED/VOIDED/FUNDING_FAILED_VOIDED, ``status``
#: CANCELLED/VOID; both spellings of cancel accepted in either field). Everything else is live.
ENDED_STATUSES = frozenset({"CANCELED", "CANCELLED", "VOIDED", "VOID", "FUNDING_FAILED_VOIDED"})
#: What a bill shows as covered, besides what is due: vendor credits applied, payments made
#: outside BILL, payments scheduled (``amount`` is their sum with ``dueAmount``).
_COVERED_PARTS = ("creditAmount", "paidAmount", "scheduledAmount")
#: A bill's ``paymentStatus`` when its payments cover all of it.
COVERED_BILL_STATUSES = frozenset({"PAID", "SCHEDULED"})
#: The one payment status that can still be canceled (after it, BILL voids instead).
CANCELABLE_STATUS = "SCHEDULED"

CENT = Decimal("0.01")


# -- the transaction number ------------------------------------------------------------------
def cents(amount) -> int:
    """``amount`` in whole cents (``"10"``, ``10.0``, ``Decimal("10.00")`` → 1000): the same
    amount always gives the same number. More than 2 decimals is an error, never rounded."""
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{amount!r} is not an amount") from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise ValueError(f"{amount!r} is not an amount in cents")
    return int(value * 100)


def transaction_number(
    org_id: str | None,
    bill_id: str | None,
    amount,
    payment_number: int = 1,
    *,
    purpose: str | None = None,
    vendor_id: str | None = None,
) -> str:
    """The ``transactionNumber`` of one intended payment: ``org_id`` paying ``bill_id``
    ``amount``, the ``payment_number``-th time (see the module's docstring for why nothing
    else enters it). ``vendor_id`` counts only for a payment without a bill (one that creates
    its bill). ``purpose`` (``"tutorial"``) makes a separate, named series.

    >>> transaction_number("008x", "00n1", "10.00") == transaction_number("008x", "00n1", 10)
    True
    """
    if isinstance(payment_number, bool) or not isinstance(payment_number, int):
        raise ValueError(f"{payment_number!r} is not a payment number")
    if payment_number < 1:
        raise ValueError(f"{payment_number!r} is not a payment number (1, 2, …)")
    if purpose is not None and (len(purpose) > PURPOSE_MAX or not _PURPOSE.match(purpose)):
        raise ValueError(
            f"{purpose!r} is not a purpose: lower-case letters, digits and hyphens, at most "
            f"{PURPOSE_MAX} characters"
        )
    parts = [_SCHEME, org_id or "", _subject(bill_id, vendor_id), str(cents(amount))]
    parts.append(str(payment_number))
    parts.append(purpose or "")
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:DIGEST_HEX]
    return f"{PREFIX}{purpose}-{digest}" if purpose else PREFIX + digest


def _subject(bill_id, vendor_id) -> str:
    """What is paid: the bill, or (a payment that creates its bill) the vendor."""
    return f"bill:{bill_id}" if bill_id else f"vendor:{vendor_id or ''}"


def transaction_number_for(org_id: str | None, item: Mapping, payment_number: int = 1) -> str:
    """:func:`transaction_number` of a payment body (``billId``, ``amount``, ``vendorId``)."""
    return transaction_number(
        org_id,
        item.get("billId"),
        item.get("amount"),
        payment_number,
        vendor_id=item.get("vendorId"),
    )


def bulk_item(item: Mapping, body: Mapping) -> Mapping:
    """One intended payment of a bulk body: the item with the top-level fields it shares
    (``vendorId``, ``processDate``) filled in; the body itself when it is a single payment."""
    if item is body:
        return item
    return {**{k: body[k] for k in ("vendorId", "processDate") if k in body}, **item}


def number_items(org_id: str | None, items: Iterable[Mapping]) -> list[str]:
    """The transactionNumber of each payment of one request (a bulk payment, a payment run's
    batch): an item's own when it has one, else :func:`transaction_number_for` with payment
    number 1 for the first item paying its bill that amount, 2 for the second, and so on."""
    seen: dict[tuple, int] = {}
    numbers = []
    for item in items:
        own = item.get("transactionNumber")
        if own is not None:
            numbers.append(str(own))
            continue
        key = (_subject(item.get("billId"), item.get("vendorId")), cents(item.get("amount")))
        seen[key] = seen.get(key, 0) + 1
        numbers.append(transaction_number_for(org_id, item, seen[key]))
    return numbers


# -- live, matches -----------------------------------------------------------------------------
def status_of(payment: Mapping) -> str:
    """The payment's status as BILL shows it most finely: ``singleStatus``, else ``status``."""
    return str(payment.get("singleStatus") or payment.get("status") or "").upper()


def is_live(payment: Mapping) -> bool:
    """Whether ``payment`` has moved or may still move money for its bill (see the module's
    docstring): only a canceled or voided payment is not. An unknown status is live."""
    return status_of(payment) not in ENDED_STATUSES


def can_cancel(payment: Mapping) -> bool:
    """Whether BILL still takes ``POST /v3/payments/{id}/cancel`` for it (``SCHEDULED``)."""
    return str(payment.get("singleStatus") or "").upper() == CANCELABLE_STATUS


def bill_ids(payment: Mapping) -> set[str]:
    """The bills a payment pays: its ``billId`` and those of its ``billPayments``."""
    ids = {payment.get("billId")} | {
        bp.get("billId") for bp in payment.get("billPayments") or [] if isinstance(bp, Mapping)
    }
    return {str(i) for i in ids if i}


def pays_bill(payment: Mapping, bill_id: str) -> bool:
    return str(bill_id) in bill_ids(payment)


def matches(payment: Mapping, item: Mapping) -> bool:
    """Whether ``payment`` (a row from BILL) is the payment ``item`` asked for: the same amount,
    the same bill (top-level or in ``billPayments``) and, when both name one, the same vendor."""
    try:
        if Decimal(str(payment.get("amount"))) != Decimal(str(item.get("amount"))):
            return False
    except ArithmeticError:
        return False
    bill = item.get("billId")
    if bill and not pays_bill(payment, bill):
        return False
    vendor, theirs = item.get("vendorId"), payment.get("vendorId")
    return not (vendor and theirs and vendor != theirs)


def live_match(payments: Iterable[Mapping], item: Mapping):
    """The first payment of ``payments`` that is live and :func:`matches` ``item``, or None."""
    return next((p for p in payments if is_live(p) and matches(p, item)), None)


# -- due -----------------------------------------------------------------------------------
def money_value(value: object) -> Decimal | None:
    """A money value from BILL's answer as an exact ``Decimal``; ``None`` when it is missing or
    not a finite number (network bytes are hostile: ``"abc"``, ``NaN``, a list)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _money_field(bill: Mapping, key: str) -> Decimal | None:
    return money_value(bill.get(key))


def due_amount(bill: Mapping) -> Decimal:
    """What ``bill`` still needs: its ``dueAmount``, never more than ``amount`` less what
    credits, outside payments and scheduled payments cover (when the bill shows them all);
    0 when BILL did not say (nothing is provably due, so nothing is paid on a guess)."""
    due = _money_field(bill, "dueAmount")
    if due is None:
        return Decimal(0)
    parts = [_money_field(bill, k) for k in ("amount", *_COVERED_PARTS)]
    if all(p is not None for p in parts):
        due = min(due, parts[0] - sum(parts[1:], Decimal(0)))
    return due


def covers(item: Mapping) -> Decimal:
    """What one payment (or bulk item) covers of its bill: its ``amount`` and the vendor
    credits it applies."""
    return Decimal(str(item.get("amount") or 0)) + credits.applied_total(item)


def cover_text(item: Mapping) -> str:
    """:func:`covers` for a message: ``"110.00 (15.50 of it vendor credits)"``."""
    credit = credits.applied_total(item)
    return f"{covers(item)} ({credit} of it vendor credits)" if credit else f"{covers(item)}"


def nothing_due(bill: Mapping) -> bool:
    """Whether ``bill`` is covered: nothing due, or ``paymentStatus`` PAID or SCHEDULED."""
    return due_amount(bill) <= 0 or bill.get("paymentStatus") in COVERED_BILL_STATUSES
