"""bill_emulator.seed
~~~~~~~~~~~~~~~~~~~~~~~~~

The demo organization: its credentials (equal to ``.env.example``) and what a fresh emulator holds.

Fixed ids keep notebook outputs stable. The demo credentials are public on purpose: they open only
this local emulator, never BILL.
"""

from __future__ import annotations

import secrets

#: Demo sign-in; ``tests/test_env_example.py`` checks these equal ``.env.example``.
USERNAME = "demo@example.com"
PASSWORD = "demo-password-1"  # noqa: S105 - public demo credential for the local emulator only
ORGANIZATION_ID = "00801DEMOORG00000001"
DEV_KEY = "01DEMODEVKEY0000000000000000000000"
MFA_DEVICE = "billhelpers-tutorial"

ORGANIZATION_NAME = "Demo Organization"
USER_ID = "00601DEMOUSER0000001"
VERIFIED_BANK_ID = "bac01DEMOVERIFIED001"
UNVERIFIED_BANK_ID = "bac01DEMOUNVERIFD002"
#: The last four digits of the demo user's MFA phone (the outbox stands in for it).
DEMO_PHONE_LAST4 = "0100"


def bank_docs() -> list[tuple[str, dict]]:
    """The two seeded bank accounts: ``(id, document)``; numbers are stored masked."""
    common = {
        "nameOnAccount": ORGANIZATION_NAME,
        "routingNumber": "011000015",
        "type": "CHECKING",
        "ownerType": "BUSINESS",
    }
    return [
        (
            VERIFIED_BANK_ID,
            {
                "bankName": "First Demo Bank",
                **common,
                "accountNumber": "*****6789",
                "status": "VERIFIED",
                "default": {"payables": True, "receivables": True},
            },
        ),
        (
            UNVERIFIED_BANK_ID,
            {
                "bankName": "Second Demo Bank",
                **common,
                "accountNumber": "*****4321",
                "type": "SAVINGS",
                "status": "NOT_VERIFIED",
                "default": {"payables": False, "receivables": False},
            },
        ),
    ]


def vendor_doc(name: str) -> dict:
    """A minimal valid vendor document (for ``POST /_emulator/seed/vendors``)."""
    return {
        "name": name,
        "accountType": "BUSINESS",
        "billCurrency": "USD",
        "address": {
            "line1": "1 Demo Street",
            "city": "San Jose",
            "stateOrProvince": "CA",
            "zipOrPostalCode": "95110",
            "country": "US",
        },
    }


def bill_doc(vendor_id: str, number: str, *, today: str, due: str, cents: int) -> dict:
    """A one-line UNPAID bill document (for ``POST /_emulator/seed/bills``)."""
    return {
        "vendorId": vendor_id,
        "invoice": {"invoiceNumber": number, "invoiceDate": today},
        "dueDate": due,
        "billLineItems": [{"amount": cents, "description": "Seeded bill"}],
        "amount": cents,
        "dueAmount": cents,
        "paymentStatus": "UNPAID",
        "approvalStatus": "UNASSIGNED",
        "_payments": {},
    }


def payment_doc(
    *, line_id: str, bill_id: str, vendor_id: str, cents: int, numbers: tuple[str, str], **shape
) -> dict:
    """A SCHEDULED payment of a whole bill from the verified bank account, shaped as
    ``backend.payments`` records one; ``numbers``: (transaction, confirmation); ``shape``:
    ``process_date`` and ``ach``."""
    return {
        "vendorId": vendor_id,
        "billPayments": [{"id": line_id, "billId": bill_id, "amount": cents}],
        "amount": cents,
        "processDate": shape["process_date"],
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK_ID},
        "status": "SCHEDULED",
        "singleStatus": "SCHEDULED",
        "disbursementType": "ACH" if shape["ach"] else "CHECK",
        "onlinePayment": True,
        "transactionNumber": numbers[0],
        "confirmationNumber": numbers[1],
        "processingOptions": {"requestPayFaster": False},
        "createdBy": USER_ID,
    }


def confirmation_number(payment_seq: int) -> str:
    return f"SBX{payment_seq:09d}"


def seed_demo(backend) -> None:
    """Write the demo organization into an empty store (inside the caller's transaction)."""
    from bill_emulator.backend.sessions import hash_password

    store = backend.store
    with store.write():
        store.insert_org(ORGANIZATION_ID, ORGANIZATION_NAME)
        store.insert_dev_key(DEV_KEY, ORGANIZATION_ID)
        salt, digest = hash_password(PASSWORD)
        store.insert_user(
            user_id=USER_ID, org_id=ORGANIZATION_ID, email=USERNAME, salt=salt, hash_=digest
        )
        for bank_id, doc in bank_docs():
            backend._insert("bank", ORGANIZATION_ID, doc, obj_id=bank_id)
        _ready_to_pay(backend)
        store.set_seeded(True)


def _ready_to_pay(backend) -> None:
    """The demo user's MFA phone, and the right to pay from the verified account."""
    backend.add_phone(ORGANIZATION_ID, USER_ID, DEMO_PHONE_LAST4)
    backend._insert(
        "bankUser",
        ORGANIZATION_ID,
        {
            "bankAccountId": VERIFIED_BANK_ID,
            "userId": USER_ID,
            "archived": False,
            "verificationStatus": "VERIFIED",
        },
    )


def upgrade_demo(backend) -> None:
    """A data directory seeded before phones and bank account users were emulated gets them
    now, so its demo organization stays ready to pay (idempotent)."""
    store = backend.store
    if not store.org_exists(ORGANIZATION_ID):
        return
    rows = store.list_objects(
        "mfaPhone", ORGANIZATION_ID, conditions=[], sort=[], limit=1, offset=0
    )
    if rows:
        return
    with store.write():
        if not store.list_objects(
            "mfaPhone", ORGANIZATION_ID, conditions=[], sort=[], limit=1, offset=0
        ):
            _ready_to_pay(backend)


def seed_fresh(backend) -> dict:
    """A new organization as BILL's sandbox sign-up leaves it: one user and a devKey, no MFA
    phone, no bank account. Returns its credentials (random password and devKey)."""
    from bill_emulator.backend.sessions import hash_password

    store = backend.store
    with store.write():
        seq = store.next_seq("org")
        org_id, user_id = f"00801FRESH{seq:010d}", f"00601FRESH{seq:010d}"
        username = f"fresh-{seq}@example.com"
        password, dev_key = secrets.token_urlsafe(12), secrets.token_hex(17)
        store.insert_org(org_id, f"Fresh Organization {seq}")
        store.insert_dev_key(dev_key, org_id)
        salt, digest = hash_password(password)
        store.insert_user(user_id=user_id, org_id=org_id, email=username, salt=salt, hash_=digest)
    return {
        "organizationId": org_id,
        "userId": user_id,
        "username": username,
        "password": password,
        "devKey": dev_key,
    }
