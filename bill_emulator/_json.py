"""bill_emulator._json
~~~~~~~~~~~~~~~~~~~~~~~~~~

JSON in and out without floats: numbers with a fraction parse as ``Decimal`` and ``Decimal``
values are written as exact JSON numbers (``Decimal("125.50")`` -> ``125.50``).

Why: BILL amounts are money. A float would turn ``0.1 + 0.2`` into ``0.30000000000000004``; the
emulator must accept and return exactly what was sent. ``NaN`` and ``Infinity`` are refused.
"""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal

# A per-process marker that no client string can contain (it is random and unknown to them).
_MARK = f"\x00{secrets.token_hex(8)}:"
_MARK_RE = re.compile(r'"\\u0000' + _MARK[1:] + r'(-?[0-9.E+-]+)"')


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def loads(data: bytes | str):
    """Parse JSON; fractions become ``Decimal``, ``NaN``/``Infinity`` raise ``ValueError``."""
    return json.loads(data, parse_float=Decimal, parse_constant=_reject_constant)


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{_MARK}{value}"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: object) -> bytes:
    text = json.dumps(value, default=_default, separators=(",", ":"), ensure_ascii=False)
    if "\\u0000" in text:
        text = _MARK_RE.sub(r"\1", text)
    return text.encode()
