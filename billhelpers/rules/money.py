"""
billhelpers.rules.money
~~~~~~~~~~~~~~~~~

Exact money in and out of JSON: amounts are :class:`decimal.Decimal`, never ``float``.

Why: ``0.1 + 0.2`` is ``0.30000000000000004`` in binary floating point, and a payment of that
amount is either refused or wrong by a fraction of a cent. BILL's JSON numbers are parsed with
``parse_float=Decimal`` and Decimals are written back as the exact digits they hold.
"""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal, InvalidOperation

from billhelpers.exceptions import InputError

CENT = Decimal("0.01")
#: The kit's own ceiling (BILL documents none): a trillion dollars is a typo, and an exponent
#: such as ``1e999999`` would otherwise be written out as a million digits.
MAX_AMOUNT = Decimal(10) ** 12


def loads(text: str | bytes) -> object:
    """Parse JSON with every non-integer number as an exact ``Decimal``."""
    return json.loads(text, parse_float=Decimal)


def dumps(data: object, *, indent: int | None = None) -> str:
    """Serialise JSON, writing Decimals as exact JSON numbers (``Decimal("0.30")`` → ``0.30``)
    and dates as ``yyyy-MM-dd`` strings, datetimes as ISO-8601 with milliseconds."""
    return _encode(data, indent, 0)


def _encode(obj: object, indent: int | None, level: int) -> str:
    if isinstance(obj, bool) or obj is None or isinstance(obj, (str, int)):
        return json.dumps(obj, ensure_ascii=False)
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise InputError(f"{obj} is not a number JSON can carry", hint="use a finite amount")
        return format(obj, "f")
    if isinstance(obj, float):
        return json.dumps(obj)
    if isinstance(obj, _dt.datetime):
        return json.dumps(obj.isoformat(timespec="milliseconds"))
    if isinstance(obj, _dt.date):
        return json.dumps(obj.isoformat())
    if isinstance(obj, dict):
        items = [
            f"{json.dumps(str(k), ensure_ascii=False)}: {_encode(v, indent, level + 1)}"
            for k, v in obj.items()
        ]
        return _join(items, "{", "}", indent, level)
    if isinstance(obj, (list, tuple)):
        return _join([_encode(v, indent, level + 1) for v in obj], "[", "]", indent, level)
    raise TypeError(f"cannot send {type(obj).__name__} as JSON")


def _join(items: list[str], open_: str, close: str, indent: int | None, level: int) -> str:
    if not items:
        return open_ + close
    if indent is None:
        return open_ + ", ".join(items) + close
    pad, inner = " " * (indent * level), " " * (indent * (level + 1))
    return open_ + "\n" + ",\n".join(inner + i for i in items) + "\n" + pad + close


def to_amount(value: object, *, field: str = "amount", allow_zero: bool = False) -> Decimal:
    """Check and convert a money amount: a number > 0 (or ≥ 0) with at most 2 decimals.

    Accepts ``Decimal``, ``int``, a numeric ``str`` and a ``float`` whose shortest repr has at
    most two decimals (``12.5`` is fine; ``0.1 + 0.2`` is refused with the reason).
    """
    if isinstance(value, bool) or value is None:
        raise InputError(
            f"{value!r} is not an amount",
            field=field,
            hint="give a number such as Decimal('125.50')",
        )
    if isinstance(value, float):
        amount = Decimal(repr(value))
        if amount.is_finite() and amount.as_tuple().exponent < -2:
            raise InputError(
                f"the float {value!r} is not an exact amount (binary floating point)",
                field=field,
                hint=f"use Decimal('{amount.quantize(CENT)}') or the string "
                f"'{amount.quantize(CENT)}' instead of float arithmetic",
            )
    else:
        try:
            amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
        except (InvalidOperation, ValueError):
            raise InputError(
                f"{value!r} is not a number",
                field=field,
                hint="write the amount with digits and a dot, e.g. '125.50'",
            ) from None
    if not amount.is_finite():
        raise InputError(
            f"{value!r} is not a finite amount", field=field, hint="give a number such as 125.50"
        )
    if abs(amount) >= MAX_AMOUNT:
        raise InputError(
            f"{amount:.2E} is far more than any payment",
            field=field,
            hint=f"amounts must be below {MAX_AMOUNT:,}; check the number of digits",
        )
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InputError(
            f"{amount} must be {'zero or more' if allow_zero else 'more than zero'}",
            field=field,
            hint="amounts are positive; credits are not payments",
        )
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(CENT):
        raise InputError(
            f"{amount} has more than 2 decimals",
            field=field,
            hint=f"round to cents, e.g. {amount.quantize(CENT)}",
        )
    return amount


def fmt(amount: object, currency: str = "USD") -> str:
    """``Decimal('1234567.8')`` → ``'$1,234,567.80'`` (for prose; tables keep Decimals)."""
    value = Decimal(str(amount)).quantize(CENT)
    sign = "-" if value < 0 else ""
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{symbol}{abs(value):,.2f}"
