"""Money in and out of JSON, exactly (``billhelpers.rules.money``).

Every case states the exact answer: the JSON text to the character, the ``Decimal`` with its
exponent, or the error's field, message and hint. The mutation run (``make mutation``) runs
these against ``rules/money.py``; docs/mutation-testing.md lists the mutants no test can kill.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from billhelpers.exceptions import InputError
from billhelpers.rules.money import MAX_AMOUNT, dumps, fmt, loads, to_amount


def _error(value, **kwargs) -> tuple[str | None, str, str | None]:
    with pytest.raises(InputError) as info:
        to_amount(value, **kwargs)
    return info.value.field, info.value.message, info.value.hint


# -- loads / dumps ------------------------------------------------------------------------------


def test_loads_reads_every_fraction_as_an_exact_decimal():
    data = loads('{"amount": 1.10, "count": 3, "names": ["é"]}')
    assert data == {"amount": Decimal("1.10"), "count": 3, "names": ["é"]}
    assert str(data["amount"]) == "1.10" and type(data["count"]) is int


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (7, "7"),
        ("café", '"café"'),
        (Decimal("0.30"), "0.30"),
        (Decimal("1E+2"), "100"),
        (Decimal("-5.5"), "-5.5"),
        (0.5, "0.5"),
        (dt.date(2026, 1, 2), '"2026-01-02"'),
        (dt.datetime(2026, 1, 2, 3, 4, 5, 123456), '"2026-01-02T03:04:05.123"'),
        ({}, "{}"),
        ([], "[]"),
        ((1, "a"), '[1, "a"]'),
        ({"é": [Decimal("1.10"), {"b": None}]}, '{"é": [1.10, {"b": null}]}'),
        ({1: "x"}, '{"1": "x"}'),
    ],
    ids=[
        "none",
        "bool",
        "int",
        "unicode",
        "decimal",
        "exponent",
        "negative",
        "float",
        "date",
        "datetime",
        "empty-dict",
        "empty-list",
        "tuple",
        "nested",
        "int-key",
    ],
)
def test_dumps_writes_exact_json(value, text):
    assert dumps(value) == text


def test_dumps_with_indent_nests_exactly():
    data = {"a": [1, {"b": Decimal("2.50")}], "é": {}, "c": []}
    assert dumps(data, indent=2) == (
        '{\n  "a": [\n    1,\n    {\n      "b": 2.50\n    }\n  ],\n  "é": {},\n  "c": []\n}'
    )
    assert dumps([[1]], indent=1) == "[\n [\n  1\n ]\n]"


def test_dumps_refuses_what_json_cannot_carry():
    with pytest.raises(InputError) as info:
        dumps({"amount": Decimal("NaN")})
    err = info.value
    assert (err.field, err.message, err.hint) == (
        None,
        "NaN is not a number JSON can carry",
        "use a finite amount",
    )
    with pytest.raises(TypeError) as type_info:
        dumps({"x": object()})
    assert str(type_info.value) == "cannot send object as JSON"


# -- to_amount ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (Decimal("12.50"), "12.50"),
        (5, "5"),
        (" 12.50 ", "12.50"),
        (12.5, "12.5"),
        (12.34, "12.34"),
        ("1.100", "1.100"),
        ("999999999999.99", "999999999999.99"),
    ],
    ids=["decimal", "int", "string", "float", "float-cents", "trailing-zeros", "just-below-max"],
)
def test_to_amount_takes_exact_amounts(value, amount):
    got = to_amount(value)
    assert type(got) is Decimal and str(got) == amount


def test_to_amount_zero_only_when_allowed():
    assert to_amount(0, allow_zero=True) == Decimal(0)
    assert _error(0) == (
        "amount",
        "0 must be more than zero",
        "amounts are positive; credits are not payments",
    )
    assert _error("-1", allow_zero=True, field="f") == (
        "f",
        "-1 must be zero or more",
        "amounts are positive; credits are not payments",
    )
    assert _error(Decimal("-0.01"), field="f")[1] == "-0.01 must be more than zero"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, ("total", "True is not an amount", "give a number such as Decimal('125.50')")),
        (None, ("total", "None is not an amount", "give a number such as Decimal('125.50')")),
        (
            0.1 + 0.2,
            (
                "total",
                "the float 0.30000000000000004 is not an exact amount (binary floating point)",
                "use Decimal('0.30') or the string '0.30' instead of float arithmetic",
            ),
        ),
        (
            12.345,
            (
                "total",
                "the float 12.345 is not an exact amount (binary floating point)",
                "use Decimal('12.34') or the string '12.34' instead of float arithmetic",
            ),
        ),
        (
            "12,50",
            (
                "total",
                "'12,50' is not a number",
                "write the amount with digits and a dot, e.g. '125.50'",
            ),
        ),
        ("NaN", ("total", "'NaN' is not a finite amount", "give a number such as 125.50")),
        (float("inf"), ("total", "inf is not a finite amount", "give a number such as 125.50")),
        (
            MAX_AMOUNT,
            (
                "total",
                "1.00E+12 is far more than any payment",
                "amounts must be below 1,000,000,000,000; check the number of digits",
            ),
        ),
        (
            -MAX_AMOUNT,
            (
                "total",
                "-1.00E+12 is far more than any payment",
                "amounts must be below 1,000,000,000,000; check the number of digits",
            ),
        ),
        ("1.005", ("total", "1.005 has more than 2 decimals", "round to cents, e.g. 1.00")),
        ("2.675", ("total", "2.675 has more than 2 decimals", "round to cents, e.g. 2.68")),
    ],
    ids=[
        "bool",
        "none",
        "float-sum",
        "float-3-decimals",
        "comma",
        "nan",
        "inf",
        "max",
        "minus-max",
        "3-decimals",
        "3-decimals-up",
    ],
)
def test_to_amount_errors_name_the_field_and_the_fix(value, expected):
    assert _error(value, field="total") == expected


def test_max_amount_is_a_trillion():
    assert Decimal(10) ** 12 == MAX_AMOUNT


# -- fmt ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        (Decimal("1234567.8"), "USD", "$1,234,567.80"),
        (Decimal("-1234.5"), "USD", "-$1,234.50"),
        (0, "USD", "$0.00"),
        ("0.5", "USD", "$0.50"),
        (5, "EUR", "EUR 5.00"),
    ],
)
def test_fmt_writes_dollars_and_cents(amount, currency, text):
    assert fmt(amount, currency) == text
    if currency == "USD":
        assert fmt(amount) == text
