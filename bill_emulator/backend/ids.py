"""bill_emulator.backend.ids
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Object ids with BILL's prefixes, and the random secrets (sessions, tokens, rememberMeIds).

Object ids are sequential per kind, so a freshly seeded organization always produces the same ids
and notebook outputs stay stable; the sequence is allocated inside the creating transaction, so a
rejected request consumes no id. Secrets come from ``secrets`` and are never derived from state.
"""

from __future__ import annotations

import hashlib
import secrets

#: BILL's 3-character id prefixes.
PREFIXES = {
    "org": "008",
    "user": "006",
    "vendor": "009",
    "bill": "00n",
    "bank": "bac",
    "payment": "stp",
    "vendorCredit": "vcr",  # BILL's changelog of 2025-05-22: a vendor credit id begins with vcr
    # Not shown by BILL's pages or collection (assumed): bank account users; MFA phones are
    # never shown by id.
    "bankUser": "bau",
    "mfaPhone": "mph",
    # Classifications, documents and attachments: BILL's "Classification of BILL-generated IDs"
    # page (developer.bill.com/docs/bill-generated-ids); ``att`` from its documents guide.
    "chartOfAccount": "0ca",
    "accountingClass": "cls",
    "department": "0de",
    "employee": "emp",
    "item": "0ii",
    "job": "job",
    "location": "loc",
    "attachment": "att",
    "document": "00h",
    "documentUpload": "0du",
    # Recurring bills: ``btp`` (BILL's recurring-bill reference pages). Approval policies: not
    # shown by BILL (assumed).
    "recurringBill": "btp",
    "approvalPolicy": "bap",
}

#: Marks a phone set-up id, so it can never be validated as an MFA challenge (and back).
SETUP_PREFIX = "setup."


def object_id(kind: str, seq: int) -> str:
    """20 characters: prefix + ``01SBX`` + 12-digit sequence, e.g. ``00901SBX000000000001``."""
    return f"{PREFIXES[kind]}01SBX{seq:012d}"


def session_id() -> str:
    """An unguessable session id (192 random bits)."""
    return secrets.token_urlsafe(24)


def remember_me_id() -> str:
    return secrets.token_urlsafe(24)


def challenge_id() -> str:
    return secrets.token_urlsafe(16)


def setup_id() -> str:
    return SETUP_PREFIX + secrets.token_urlsafe(16)


def mfa_token() -> str:
    """Six random digits, as BILL texts them."""
    return f"{secrets.randbelow(1_000_000):06d}"


def digest(secret: str) -> str:
    """What the store keeps instead of a bearer secret, so the database file leaks none."""
    return hashlib.sha256(secret.encode()).hexdigest()


def transaction_number(payment_seq: int) -> str:
    """The reference BILL makes when a payment names none (form assumed)."""
    return f"SBX-{payment_seq:08d}"
