"""Bills against the emulator: exact money, dates, rejections."""

from decimal import Decimal

import pytest
from client_bodies import bill_body, vendor_body

import billhelpers as bh


@pytest.fixture
def vendor_id(client):
    return client.vendors.create(vendor_body())["id"]


def test_bill_amount_is_exact_sum_of_lines(client, vendor_id):
    resp = client.bills.create(bill_body(vendor_id, "0.10", "0.20"))
    assert resp["id"].startswith("00n")
    assert resp["amount"] == Decimal("0.30")
    assert isinstance(resp["amount"], Decimal)
    assert resp["dueAmount"] == Decimal("0.30")


def test_bill_large_amount_is_exact(client, vendor_id):
    resp = client.bills.create(bill_body(vendor_id, "1234567.89"))
    assert resp["amount"] == Decimal("1234567.89")
    assert client.bills.get(resp["id"])["dueAmount"] == Decimal("1234567.89")


def test_bill_float_amount_refused_before_sending(client, vendor_id):
    body = bill_body(vendor_id)
    body["billLineItems"][0]["amount"] = 0.1 + 0.2
    with pytest.raises(bh.InputError) as info:
        client.bills.create(body)
    assert info.value.field == "billLineItems[0].amount"


def test_bill_unknown_vendor_rejected_by_emulator(client):
    with pytest.raises(bh.BillAPIError) as info:
        client.bills.create(bill_body("00901NOSUCHVENDOR001"))
    assert info.value.code and info.value.http_status in (400, 404, 422)


def test_bill_to_frame_has_exact_money_and_dates(client, vendor_id):
    import datetime as dt

    client.bills.create(bill_body(vendor_id, "0.10", invoice="A"))
    client.bills.create(bill_body(vendor_id, "0.20", invoice="B"))
    rows = client.bills.list_all(bh.where("vendorId", "eq", vendor_id), progress=False)
    frame = bh.to_frame(rows, kind="bills")
    assert frame["Amount"].sum() == Decimal("0.30")
    assert isinstance(frame["Due date"].iloc[0], dt.date)
