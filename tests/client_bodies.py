"""Request bodies shaped like BILL's docs, shared by the emulator tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from world_clock import TEST_TODAY

from billhelpers.rules.business_days import add_business_days

VERIFIED_BANK = "bac01DEMOVERIFIED001"


def vendor_body(name="Happy Paper Co", **extra):
    return {
        "name": name,
        "accountType": "BUSINESS",
        "email": "ap@happypaper.example",
        "address": {
            "line1": "1 Main St",
            "city": "Austin",
            "stateOrProvince": "TX",
            "zipOrPostalCode": "78701",
            "country": "US",
        },
        "paymentInformation": {
            "payeeName": name,
            "bankAccount": {
                "nameOnAccount": name,
                "accountNumber": "000123456789",
                "routingNumber": "021000021",
                "type": "CHECKING",
                "ownerType": "BUSINESS",
            },
        },
        **extra,
    }


def check_vendor_body(name="Happy Paper Co", **extra):
    """A vendor paid by check (no bank account, so no 2-business-day wait before paying)."""
    return vendor_body(name, paymentInformation={"payeeName": name}, **extra)


def bill_body(vendor_id, *amounts, invoice="INV-1", today=TEST_TODAY):
    return {
        "vendorId": vendor_id,
        "dueDate": (today + dt.timedelta(days=30)).isoformat(),
        "invoice": {"invoiceNumber": invoice, "invoiceDate": today.isoformat()},
        "billLineItems": [
            {"amount": Decimal(a), "description": f"line {i}"}
            for i, a in enumerate(amounts or ("100.00",))
        ],
    }


def pay_date() -> str:
    """3 business days after the test world's today: past BILL's 2-business-day wait for a
    vendor bank account just added (every test vendor is created with one)."""
    return add_business_days(TEST_TODAY, 3).isoformat()


def payment_body(bill_id, amount, bank=VERIFIED_BANK, **extra):
    return {
        "billId": bill_id,
        "amount": amount,
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank},
        "processingOptions": {"requestPayFaster": False},
        "processDate": pay_date(),
        **extra,
    }
