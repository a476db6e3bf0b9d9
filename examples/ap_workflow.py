"""The whole Accounts Payable workflow as a plain Python script, against the emulator.

Sign in → create a vendor → enter its bill → pick a verified bank account → trust the session
with MFA → pay the bill → see the bill paid. Run it with ``python examples/ap_workflow.py``:
with no ``.env`` it uses the demo organization in the kit's local BILL emulator (started on
demand), so it moves no money. It refuses any other environment; the notebooks are the place
to learn the same steps against BILL's own sandbox.

Why a script as well as notebooks: it is the shortest proof that the helper package alone
carries the recipe, and ``tests/client/test_example_workflow.py`` runs it on every test run.
"""

from __future__ import annotations

import datetime as dt
import secrets
import sys
from decimal import Decimal

import billhelpers as bh
from billhelpers.rules.business_days import earliest_process_date
from billhelpers.rules.money import fmt


def step(title: str) -> None:
    print(f"\n=== {title} ===")


def main() -> int:
    client = bh.connect(environment="demo")
    run = secrets.token_hex(3)

    step("1. Sign in (or reuse the cached session)")
    print(client.login())

    step("2. Create a vendor with ACH bank details")
    vendor = client.vendors.create(
        {
            "name": f"Happy Paper Co {run}",
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
                "payeeName": "Happy Paper Co",
                "bankAccount": {
                    "nameOnAccount": "Happy Paper Co",
                    "accountNumber": "000123456789",
                    "routingNumber": "021000021",
                    "type": "CHECKING",
                    "ownerType": "BUSINESS",
                },
            },
        }
    )
    print(vendor)

    step("3. Enter the vendor's bill (exact amounts: 0.10 + 0.20 is 0.30)")
    today = client.today()  # BILL's today (its answers' Date header), not this computer's
    bill = client.bills.create(
        {
            "vendorId": vendor["id"],
            "dueDate": today + dt.timedelta(days=30),
            "invoice": {"invoiceNumber": f"INV-{run}", "invoiceDate": today},
            "billLineItems": [
                {"amount": Decimal("0.10"), "description": "Paper clips"},
                {"amount": Decimal("0.20"), "description": "Staples"},
                {"amount": Decimal("1234567.89"), "description": "A great deal of paper"},
            ],
        }
    )
    print(bill)
    print("bill amount:", fmt(bill["amount"]))

    step("4. Pick a VERIFIED bank account to pay from")
    banks = client.funding_accounts.banks(filters=bh.where("status", "eq", "VERIFIED"))
    print(banks)
    bank_id = banks.results[0]["id"]

    step("5. Trust the session with MFA (remembered device, else a text message)")
    if not client.is_trusted and client.mfa.remembered_device:
        print(client.mfa.step_up())
    if not client.is_trusted:
        challenge = client.mfa.challenge()
        print(challenge)
        token = client.emulator.latest_token(challenge["challengeId"])  # the demo phone
        print(client.mfa.validate(challenge["challengeId"], token, remember_me=True))
    print("session trusted:", client.is_trusted)

    step("6. Pay the bill (never sent twice: it carries a transactionNumber)")
    payment = client.payments.create(
        {
            "billId": bill["id"],
            "amount": bill["dueAmount"],
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank_id},
            "processingOptions": {"requestPayFaster": False},
            # BILL needs 2 business days to verify the bank account of a vendor created today
            "processDate": earliest_process_date(vendor, today=client.today()),
            "description": f"Invoice INV-{run}",
        }
    )
    print(payment)

    step("7. The bill after payment, and a second payment refused")
    after = client.bills.get(bill["id"])
    print("dueAmount:", after["dueAmount"], "paymentStatus:", after["paymentStatus"])
    try:
        client.payments.create(
            {
                "billId": bill["id"],
                "amount": Decimal("1.00"),
                "fundingAccount": {"type": "BANK_ACCOUNT", "id": bank_id},
                "processingOptions": {},
            }
        )
    except bh.InputError as err:
        print("refused as expected:", err)

    step("8. This vendor's bills as a table")
    rows = client.bills.list_all(bh.where("vendorId", "eq", vendor["id"]), progress=False)
    print(bh.to_frame(rows, kind="bills").to_string(index=False))
    client.close()
    print("\nAP workflow complete: payment", payment["id"], payment.get("status"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
