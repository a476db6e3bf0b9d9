"""
billhelpers.rules.signatures
~~~~~~~~~~~~~~~~~~~~

Checking BILL's webhook signature, for any receiver (the kit's, a Flask app, a cloud function).

BILL signs each notification with HMAC-SHA256 keyed with the subscription's ``securityKey`` and
sends the base64 digest in the ``x-bill-sha-signature`` header (developer.bill.com "test with
webhook security"). Verify the raw body bytes exactly as they arrived, before parsing them:
re-serialised JSON would not match. ``hmac.compare_digest`` compares in constant time, so the
check leaks nothing about the right signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SIGNATURE_HEADER = "x-bill-sha-signature"


def sign(body: bytes, security_key: str) -> str:
    """The signature BILL sends for ``body`` (base64 of HMAC-SHA256)."""
    digest = hmac.new(security_key.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify_signature(body: bytes, signature: str, security_key: str) -> bool:
    """Whether ``signature`` (the header's value) was made from ``body`` with ``security_key``."""
    if not body or not signature or not security_key:
        return False
    expected = sign(body, security_key)
    return hmac.compare_digest(
        expected.encode("ascii"), signature.strip().encode("ascii", "replace")
    )
