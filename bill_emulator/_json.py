"""bill_emulator._json
~~~~~~~~~~~~~~~~~~~~~~~~~~

JSON in and out without floats: numbers with a fraction parse as ``Decimal`` and ``Decimal``
values are written as exact JSON numbers (``Decimal("125.50")`` -> ``125.50``).

Why: BILL amounts are money. A float would turn ``0.1 + 0.2`` into ``0.30000000000000004``; the
emulator must accept and return exactly what was sent. ``NaN`` and ``Infinity`` are refused.

Why the extra checks in :func:`loads`: a request body must never reach a Python limit in the
rules (issue 15). An integer literal longer than Python's int-string limit parses as ``Decimal``
(so the field that holds it is refused as too large, not the whole body as "not JSON"); a body
nested deeper than :data:`MAX_DEPTH` and a string holding a lone UTF-16 surrogate (which cannot be
stored or answered as UTF-8) raise :class:`BadJson`, naming where it is.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from decimal import Decimal

# A per-process marker that no client string can contain (it is random and unknown to them).
_MARK = f"\x00{secrets.token_hex(8)}:"
_MARK_RE = re.compile(r'"\\u0000' + _MARK[1:] + r'(-?[0-9.E+-]+)"')

#: Deepest nesting of objects and arrays a body may have (BILL's documents need about 4).
MAX_DEPTH = 32
#: Python refuses to turn longer digit strings into ``int`` (``sys.get_int_max_str_digits``).
_INT_DIGITS = min(sys.get_int_max_str_digits() or 4300, 4300) - 1
_SURROGATE = re.compile("[\ud800-\udfff]")


class BadJson(ValueError):
    """A body that parses but cannot be served; ``path`` names the place (``""``: the body)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or 'body'}: {problem}")
        self.path = path
        self.problem = problem


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _parse_int(text: str) -> int | Decimal:
    return int(text) if len(text) <= _INT_DIGITS else Decimal(text)


def loads(data: bytes | str):
    """Parse JSON; fractions become ``Decimal``, ``NaN``/``Infinity`` raise ``ValueError``.

    Raises :class:`BadJson` for nesting beyond :data:`MAX_DEPTH` or a lone surrogate.
    """
    try:
        value = json.loads(
            data, parse_float=Decimal, parse_int=_parse_int, parse_constant=_reject_constant
        )
    except RecursionError:
        raise BadJson("", f"is nested more than {MAX_DEPTH} levels deep") from None
    _check(value)
    return value


def _check(value: object) -> None:
    """Walk the parsed body (iteratively: it may be deep) for depth and lone surrogates."""
    stack: list[tuple[object, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                raise BadJson(path, "holds a lone UTF-16 surrogate (\\ud800-\\udfff); not text")
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise BadJson(path, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            for key, sub in item.items():
                if _SURROGATE.search(key):
                    raise BadJson(path, "has a key holding a lone UTF-16 surrogate; not text")
                stack.append((sub, f"{path}.{key}" if path else key, depth + 1))
        else:
            stack.extend((sub, f"{path}[{i}]", depth + 1) for i, sub in enumerate(item))


def _default(value: object) -> str:
    if isinstance(value, Decimal):
        return f"{_MARK}{value}"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: object) -> bytes:
    text = json.dumps(value, default=_default, separators=(",", ":"), ensure_ascii=False)
    if "\\u0000" in text:
        text = _MARK_RE.sub(r"\1", text)
    # A lone surrogate can only sit inside a JSON string, where "\udXXX" is its JSON escape.
    return text.encode("utf-8", "backslashreplace")
