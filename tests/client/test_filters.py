"""Filter and sort builders: BILL's quoting, checked fields and operators."""

import datetime as dt
from decimal import Decimal

import pytest

import billhelpers as bh
from billhelpers.rules.filters import build_filters, build_sort


def test_where_quotes_strings():
    assert bh.where("status", "eq", "VERIFIED") == 'status:eq:"VERIFIED"'


def test_where_leaves_booleans_and_numbers_bare():
    assert bh.where("archived", "eq", False) == "archived:eq:false"
    assert build_filters([("id", "eq", Decimal("1"))], "vendors") == "id:eq:1"


def test_where_datetime_inside_quotes_with_milliseconds():
    when = dt.datetime(2025, 9, 1, 12, 30, tzinfo=dt.UTC)
    assert bh.where("createdTime", "gte", when) == 'createdTime:gte:"2025-09-01T12:30:00.000Z"'


def test_where_naive_datetime_raises():
    with pytest.raises(bh.InputError):
        bh.where("createdTime", "gte", dt.datetime(2025, 9, 1))


def test_where_date_quoted():
    assert bh.where("dueDate", "lte", dt.date(2026, 1, 31)) == 'dueDate:lte:"2026-01-31"'


def test_where_in_list_is_one_quoted_comma_list():
    assert bh.where("id", "in", ["009a", "009b"]) == 'id:in:"009a,009b"'


def test_where_unknown_operator_raises():
    with pytest.raises(bh.InputError) as info:
        bh.where("name", "like", "x")
    assert "eq, ne" in info.value.hint


def test_where_unknown_field_raises():
    with pytest.raises(bh.InputError) as info:
        bh.where("nmae", "eq", "x")
    assert info.value.field == "filters"


def test_where_double_quote_in_value_raises():
    with pytest.raises(bh.InputError):
        bh.where("name", "eq", 'say "hi"')


def test_build_filters_joins_with_commas():
    text = build_filters([bh.where("name", "sw", "Hap"), ("archived", "eq", False)], "vendors")
    assert text == 'name:sw:"Hap",archived:eq:false'


def test_build_filters_checks_field_per_resource():
    with pytest.raises(bh.InputError) as info:
        build_filters(bh.where("status", "eq", "VERIFIED"), "vendors")
    assert "vendors" in str(info.value)


def test_build_filters_checks_operator_per_field():
    with pytest.raises(bh.InputError) as info:
        build_filters('name:gt:"A"', "vendors")
    assert "eq, sw" in info.value.hint


def test_build_filters_rejects_malformed_raw_string():
    with pytest.raises(bh.InputError):
        build_filters("name", "vendors")


def test_build_filters_none_is_none():
    assert build_filters(None, "bills") is None


def test_build_sort_defaults_to_asc_and_checks_field():
    assert build_sort("name", "vendors") == "name:asc"
    assert build_sort(("dueDate", "desc"), "bills") == "dueDate:desc"
    with pytest.raises(bh.InputError):
        build_sort("email:asc", "vendors")
    with pytest.raises(bh.InputError):
        build_sort("name:up", "vendors")


@pytest.mark.parametrize(
    ("op", "value"),
    [
        pytest.param("in", ["009a,009b"], id="in-list"),
        pytest.param("in", "009a,009b", id="in-single"),
        pytest.param("nin", ("ACTIVE", "A,B"), id="nin-tuple"),
    ],
)
def test_where_in_refuses_a_comma_inside_one_value(op, value):
    """BILL splits an ``in`` list at every comma: ``["009a,009b"]`` would become two values."""
    field = "id" if op == "in" else "status"
    with pytest.raises(bh.InputError) as info:
        bh.where(field, op, value, resource="bills" if op == "in" else "banks")
    err = info.value
    assert err.field == field and "comma" in err.message
    assert "one value per item" in err.hint
    with pytest.raises(bh.InputError):
        build_filters([(field, op, value)], "bills" if op == "in" else "banks")


def test_where_in_still_takes_several_values_as_a_list():
    assert bh.where("id", "in", ["009a", "009b"]) == 'id:in:"009a,009b"'


def test_bank_accounts_take_bills_own_bank_account_id_filter():
    """BILL's collection filters bank accounts by ``bankAccountId`` (the account's id)."""
    term = bh.where("bankAccountId", "eq", "bac01SBX000000000001", resource="banks")
    assert str(term) == 'bankAccountId:eq:"bac01SBX000000000001"'
    with pytest.raises(bh.InputError):
        bh.where("bankAccountId", "eq", "x", resource="vendors")
