"""Lists on the backend: max, opaque page tokens, filters with BILL's operators, sort."""

from __future__ import annotations

import pytest
from emulator_helpers import bill_body, vendor_body

from bill_emulator.backend.errors import MalformedRequest, ValidationFailed


@pytest.fixture
def five(backend, caller):
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    vendors = []
    for i, name in enumerate(names):
        vendors.append(backend.create_vendor(caller, vendor_body(name=name)))
        backend.advance_clock({"advanceSeconds": 60 * (i + 1)})
    return vendors


def _list(backend, caller, **params) -> dict:
    return backend.list_vendors(caller, {k: [v] for k, v in params.items()})


def _names(page: dict) -> list[str]:
    return [v["name"] for v in page["results"]]


def test_list_pages_forward_and_back(backend, caller, five):
    first = _list(backend, caller, max="2")
    assert _names(first) == ["Alpha", "Bravo"]
    assert "prevPage" not in first
    second = _list(backend, caller, max="2", page=first["nextPage"])
    assert _names(second) == ["Charlie", "Delta"]
    last = _list(backend, caller, max="2", page=second["nextPage"])
    assert _names(last) == ["Echo"]
    assert "nextPage" not in last
    back = _list(backend, caller, max="2", page=last["prevPage"])
    assert _names(back) == ["Charlie", "Delta"]


def test_list_default_max_is_20(backend, caller):
    backend.seed_vendors({"count": 25})
    assert len(_list(backend, caller)["results"]) == 20


@pytest.mark.parametrize("size", ["0", "101", "-1", "ten"])
def test_list_max_out_of_range(backend, caller, size):
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, max=size)
    assert err.value.message.startswith("max: ")
    assert err.value.http_status == 400


def test_list_page_token_is_opaque_and_checked(backend, caller, five):
    token = _list(backend, caller, max="2")["nextPage"]
    assert "2" not in token or not token.isdigit()
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, max="2", page="garbage")
    assert err.value.message == "page: is not a page token from this list"


def test_list_page_token_of_other_filters_is_refused(backend, caller, five):
    token = _list(backend, caller, max="2")["nextPage"]
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, max="2", page=token, filters='name:sw:"A"')
    assert err.value.message.startswith("page: belongs to a list with other filters")


def test_list_unknown_parameter(backend, caller):
    with pytest.raises(MalformedRequest) as err:
        _list(backend, caller, filter='name:eq:"Alpha"')
    assert (err.value.code, err.value.http_status) == ("BDC_1001", 400)
    assert err.value.message.startswith("filter: unknown parameter")


def test_list_repeated_parameter(backend, caller):
    with pytest.raises(MalformedRequest) as err:
        backend.list_vendors(caller, {"filters": ['name:eq:"A"', 'name:eq:"B"']})
    assert err.value.message.startswith("filters: give it once")


def test_filter_eq_with_quotes(backend, caller, five):
    assert _names(_list(backend, caller, filters='name:eq:"Charlie"')) == ["Charlie"]


def test_filter_eq_without_quotes(backend, caller, five):
    assert _names(_list(backend, caller, filters="name:eq:Charlie")) == ["Charlie"]


def test_filter_starts_with(backend, caller, five):
    assert _names(_list(backend, caller, filters='name:sw:"Ec"')) == ["Echo"]


def test_filter_in_and_nin(backend, caller, five):
    ids = f"{five[0]['id']},{five[2]['id']}"
    assert _names(_list(backend, caller, filters=f'id:in:"{ids}"')) == ["Alpha", "Charlie"]
    backend.update_vendor(caller, five[1]["id"], {"accountType": "PERSON"})
    assert _names(_list(backend, caller, filters='accountType:nin:"BUSINESS,NONE"')) == ["Bravo"]


def test_filter_several_are_anded(backend, caller, five):
    backend.archive_vendor(caller, five[0]["id"])
    page = _list(backend, caller, filters='archived:eq:false,name:sw:"A"')
    assert _names(page) == []
    page = _list(backend, caller, filters='archived:eq:true,name:sw:"A"')
    assert _names(page) == ["Alpha"]


def test_filter_created_time_range(backend, caller, five):
    since = five[2]["createdTime"]
    assert _names(_list(backend, caller, filters=f'createdTime:gte:"{since}"')) == [
        "Charlie",
        "Delta",
        "Echo",
    ]


def test_filter_created_time_accepts_z_and_plain_forms(backend, caller, five):
    page = _list(backend, caller, filters='createdTime:gt:"2026-03-04T12:00:00.000Z"')
    assert _names(page) == ["Bravo", "Charlie", "Delta", "Echo"]
    page = _list(backend, caller, filters='createdTime:lt:"2026-03-04T12:00:01"')
    assert _names(page) == ["Alpha"]


def test_filter_date_only_lte_excludes_that_day(backend, caller, five):
    assert _names(_list(backend, caller, filters='createdTime:lte:"2026-03-04"')) == []


def test_filter_unquoted_colon_is_refused(backend, caller):
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, filters="createdTime:gte:2026-03-04T00:00:00")
    assert err.value.message.startswith("filters: put the value for createdTime in double quotes")


def test_filter_unknown_field(backend, caller):
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, filters='nmae:eq:"Alpha"')
    assert err.value.message.startswith("filters: nmae is not a filterable field here")


def test_filter_unknown_operator(backend, caller):
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, filters='name:like:"Alpha"')
    assert err.value.message.startswith("filters: like is not an operator")


def test_filter_operator_not_supported_by_field(backend, caller):
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, filters='name:gt:"A"')
    assert err.value.message == "filters: name does not support gt (it supports eq, sw)"


def test_filter_bad_boolean(backend, caller):
    with pytest.raises(ValidationFailed):
        _list(backend, caller, filters="archived:eq:yes")


def test_sort_descending(backend, caller, five):
    assert _names(_list(backend, caller, sort="name:desc")) == [
        "Echo",
        "Delta",
        "Charlie",
        "Bravo",
        "Alpha",
    ]


def test_sort_unknown_field(backend, caller):
    with pytest.raises(ValidationFailed) as err:
        _list(backend, caller, sort="colour:asc")
    assert err.value.message == "sort: colour is not a sortable field here"


def test_sort_bad_direction(backend, caller):
    with pytest.raises(ValidationFailed):
        _list(backend, caller, sort="name:up")


def test_bill_filters_by_vendor_and_due_date(backend, caller, five):
    backend.create_bill(caller, bill_body(five[0]["id"], dueDate="2026-04-01"))
    backend.create_bill(caller, bill_body(five[1]["id"], dueDate="2026-05-01"))
    page = backend.list_bills(caller, {"filters": ['dueDate:gte:"2026-04-15"']})
    assert [b["vendorId"] for b in page["results"]] == [five[1]["id"]]
    page = backend.list_bills(caller, {"filters": [f'vendorId:eq:"{five[0]["id"]}"']})
    assert [b["dueDate"] for b in page["results"]] == ["2026-04-01"]
    page = backend.list_bills(caller, {"sort": ["dueDate:desc"], "max": ["1"]})
    assert page["results"][0]["dueDate"] == "2026-05-01"


def test_bank_filter_status(backend, caller):
    page = backend.list_banks(caller, {"filters": ['status:eq:"NOT_VERIFIED"']})
    assert [b["status"] for b in page["results"]] == ["NOT_VERIFIED"]
