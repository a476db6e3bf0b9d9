"""Exact money: Decimal in and out of JSON, amount checks."""

from decimal import Decimal

import pytest

import billhelpers as bh
from billhelpers.rules import money


def test_loads_parses_money_as_decimal():
    data = money.loads('{"amount": 1234567.89, "count": 3}')
    assert data["amount"] == Decimal("1234567.89")
    assert isinstance(data["count"], int)


def test_dumps_writes_decimal_as_exact_number():
    assert money.dumps({"amount": Decimal("0.30")}) == '{"amount": 0.30}'
    assert money.dumps([Decimal("1234567.89")]) == "[1234567.89]"


def test_dumps_round_trips_exactly():
    body = {"a": Decimal("0.1") + Decimal("0.2"), "b": Decimal("1234567.89")}
    assert money.loads(money.dumps(body)) == {"a": Decimal("0.3"), "b": Decimal("1234567.89")}


def test_dumps_dates_as_iso():
    import datetime as dt

    assert money.dumps({"d": dt.date(2026, 1, 2)}) == '{"d": "2026-01-02"}'


def test_dumps_rejects_unknown_types():
    with pytest.raises(TypeError):
        money.dumps({"x": object()})


def test_to_amount_refuses_float_sum():
    with pytest.raises(bh.InputError) as info:
        money.to_amount(0.1 + 0.2)
    assert "Decimal('0.30')" in info.value.hint


def test_to_amount_accepts_short_float_string_and_decimal():
    assert money.to_amount(12.5) == Decimal("12.5")
    assert money.to_amount("0.10") == Decimal("0.10")
    assert money.to_amount(Decimal("1234567.89")) == Decimal("1234567.89")


@pytest.mark.parametrize("value", [0, "-1", Decimal("1.005"), "abc", None, True, "NaN"])
def test_to_amount_rejects_bad_amounts(value):
    with pytest.raises(bh.InputError) as info:
        money.to_amount(value, field="billLineItems[0].amount")
    assert info.value.field == "billLineItems[0].amount"


def test_fmt_groups_thousands():
    assert money.fmt(Decimal("1234567.8")) == "$1,234,567.80"
