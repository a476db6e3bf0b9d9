"""to_frame: readable columns, exact Decimal money, real dates."""

import datetime as dt
from decimal import Decimal

import pytest

from billhelpers.notebook.tables import to_frame
from billhelpers.rules import money

BILLS = money.loads("""[
 {"id": "00n01", "vendorId": "00901", "invoice": {"invoiceNumber": "A",
  "invoiceDate": "2026-01-02"},
  "dueDate": "2026-02-01", "amount": 0.10, "dueAmount": 0.10, "paymentStatus": "UNPAID",
  "createdTime": "2026-01-02T10:00:00.123+00:00"},
 {"id": "00n02", "vendorId": "00901", "invoice": {"invoiceNumber": "B",
  "invoiceDate": "2026-01-03"},
  "dueDate": "2026-02-02", "amount": 0.20, "dueAmount": 0, "paymentStatus": "PAID",
  "createdTime": "2026-01-03T10:00:00.123+00:00"},
 {"id": "00n03", "vendorId": "00902", "invoice": {"invoiceNumber": "C",
  "invoiceDate": "2026-01-04"},
  "dueDate": "2026-02-03", "amount": 1234567.89, "dueAmount": 1234567.89,
  "paymentStatus": "UNPAID", "createdTime": "2026-01-04T10:00:00.123+00:00"}
]""")


def test_to_frame_bills_money_is_exact_decimal():
    frame = to_frame(BILLS, kind="bills")
    assert list(frame["Amount"]) == [Decimal("0.10"), Decimal("0.20"), Decimal("1234567.89")]
    assert frame["Amount"].sum() == Decimal("1234567.89") + Decimal("0.30")
    assert frame["Amount"].iloc[:2].sum() == Decimal("0.3")


def test_to_frame_bills_dates_are_dates():
    frame = to_frame(BILLS, kind="bills")
    assert frame["Due date"].iloc[0] == dt.date(2026, 2, 1)
    assert str(frame["Created"].dtype).startswith("datetime64")


def test_to_frame_readable_columns_in_order():
    frame = to_frame(BILLS, kind="bills")
    assert list(frame.columns)[:3] == ["ID", "Vendor ID", "Invoice #"]


def test_to_frame_banks_masks_numbers():
    frame = to_frame(
        [
            {
                "id": "bac1",
                "accountNumber": "123456789",
                "routingNumber": "021000021",
                "status": "VERIFIED",
            }
        ],
        kind="banks",
    )
    assert frame["Account"].iloc[0] == "…6789"
    assert frame["Routing"].iloc[0] == "…0021"


def test_to_frame_payments_bill_ids():
    frame = to_frame(
        [
            {
                "id": "stp1",
                "amount": Decimal("5.00"),
                "billPayments": [{"billId": "00n1", "amount": Decimal("5.00")}],
            }
        ],
        kind="payments",
    )
    assert frame["Bill ID"].iloc[0] == "00n1"


def test_to_frame_accepts_list_response_dict():
    frame = to_frame({"results": BILLS}, kind="bills")
    assert len(frame) == 3


def test_to_frame_empty_has_columns():
    assert list(to_frame([], kind="vendors").columns)[0] == "ID"


def test_to_frame_unknown_kind_raises():
    with pytest.raises(ValueError):
        to_frame([], kind="invoices")
