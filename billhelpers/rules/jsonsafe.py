"""
billhelpers.rules.jsonsafe
~~~~~~~~~~~~~~~~~~~~

Checks that a request body can be written as JSON before the client tries, naming the field.

Why: the encoder's own errors are no help and can leak. A lone surrogate (``"\\ud800"``, which
some copy-pastes produce) raises ``UnicodeEncodeError`` whose repr carries the *whole* encoded
body: the password and devKey of a login, a vendor's full account number. An unsupported type
raises ``TypeError``, and a body nested thousands deep ``RecursionError``. Here each becomes an
:class:`~billhelpers.exceptions.InputError` that names the field and quotes no value.
"""

from __future__ import annotations

import datetime as _dt
import math
from decimal import Decimal

from billhelpers.exceptions import InputError

#: Deeper than any BILL body (a bill line's nested fields are four levels down).
MAX_DEPTH = 32
_SCALARS = (str, int, float, Decimal, bool, type(None), _dt.date, _dt.datetime)


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a code point UTF-8 cannot encode (an unpaired surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _name(where: str, key: object) -> str:
    key = str(key)
    key = key if not has_lone_surrogate(key) else key.encode("utf-8", "replace").decode()
    return f"{where}.{key}" if where else key


def check_sendable(body: object, where: str = "") -> None:
    """Raise :class:`InputError` for the first part of ``body`` that JSON cannot carry."""
    stack = [(body, where or "body", 0)]
    while stack:
        value, field, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(
                f"is nested more than {MAX_DEPTH} levels deep",
                field=field,
                hint="send the flat body BILL's docs show",
            )
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise InputError(
                        f"has a key of type {type(key).__name__}",
                        field=field,
                        hint="use text keys, as in BILL's examples",
                    )
                name = _name("" if field == "body" else field, key)
                if has_lone_surrogate(key):
                    raise _surrogate(name)
                stack.append((item, name, depth + 1))
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                stack.append((item, f"{field}[{i}]", depth + 1))
        elif isinstance(value, str):
            if has_lone_surrogate(value):
                raise _surrogate(field)
        elif isinstance(value, (float, Decimal)) and not isinstance(value, bool):
            finite = math.isfinite(value) if isinstance(value, float) else value.is_finite()
            if not finite:
                raise InputError(
                    "is not a finite number (NaN or infinity)",
                    field=field,
                    hint="give a number such as 125.50",
                )
        elif not isinstance(value, _SCALARS):
            raise InputError(
                f"is a {type(value).__name__}, which JSON cannot carry",
                field=field,
                hint="use text, a number, Decimal, a date, a list or a dict",
            )


def _surrogate(field: str) -> InputError:
    return InputError(
        "contains an invalid character (a lone UTF-16 surrogate, often from a bad copy-paste)",
        field=field,
        hint="type the value again, or remove characters that show as boxes or '?'",
    )
