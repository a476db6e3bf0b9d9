"""billhelpers.notebook.tutorial
~~~~~~~~~~~~~~~~~~~~

The chapter notebooks' flow helpers: sign in once, get trusted once, find-or-create the
tutorial's vendor and bill, pay once, tidy up.

Why a module and not notebook code: every chapter must run on its own (a learner may open
chapter 5 first) and with "Run All", and re-running a cell must never create a second vendor,
bill or payment. Those rules are the same in every chapter, so they live here, tested once
(``tests/test_tutorial.py``), and the notebooks keep only what teaches: the request bodies and
the client calls. The helpers print one plain sentence for each thing they find or create.

Against BILL itself (``sandbox``/``production``), "Run All" stops with :class:`PersonNeeded`
where a person must act (type the MFA code, confirm a payment), so it never goes on with an
untrusted session or pays without a click. In ``demo`` the demo phone (``GET /_emulator/outbox``)
supplies the code and payments are confirmed for you, saying so.

Here: the chapters' vendor, bill and tidy-up. Sign-in and MFA live in
:mod:`~billhelpers.notebook.signin`, paying and the payment gate in
:mod:`~billhelpers.notebook.paying`, the kernel's client in :mod:`~billhelpers.notebook.flow`;
this module re-exports them, so ``tutorial.<name>`` stays the notebooks' one entry point.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from decimal import Decimal

from billhelpers.notebook.flow import (  # noqa: F401 - _state, _is_demo: tests and chapters
    PersonNeeded,
    _compact,
    _is_demo,
    _state,
    connect,
    demo_only,
    settings,
)
from billhelpers.notebook.paying import (
    confirm_batch,
    confirm_payment,
    find_payment,
    payment_confirmation,
    payment_gate,
    pick_bank,
    process_date,
    transaction_number,
    verified_banks,
)
from billhelpers.notebook.signin import (
    demo_autofill,
    demo_phone_code,
    ensure_signed_in,
    ensure_trusted,
    mfa_form,
    send_mfa_challenge,
    step_up,
)
from billhelpers.notebook.tables import side_by_side, with_vendor_names
from billhelpers.rules import money
from billhelpers.rules import payment_identity as identity
from billhelpers.rules.filters import where

__all__ = (
    "INVOICE_NUMBER",
    "PersonNeeded",
    "TEST_ACCOUNT_NUMBER",
    "TEST_ROUTING_NUMBER",
    "VENDOR_NAME",
    "archive_once",
    "bill_body",
    "calls_made",
    "chapter_start",
    "note_plain_call",
    "demo_only",
    "show_error",
    "step_up",
    "transaction_number",
    "cancel_tutorial_payment",
    "check_environment",
    "confirm_batch",
    "confirm_payment",
    "connect",
    "create_bill_once",
    "create_vendor_once",
    "credentials_form",
    "demo_autofill",
    "demo_phone_code",
    "ensure_bill",
    "ensure_signed_in",
    "ensure_trusted",
    "ensure_vendor",
    "find_bill",
    "find_payment",
    "find_vendor",
    "mfa_form",
    "payment_confirmation",
    "payment_gate",
    "pick_bank",
    "process_date",
    "send_mfa_challenge",
    "settings",
    "side_by_side",
    "vendor_body",
    "verified_banks",
    "with_vendor_names",
)

#: The tutorial vendor's name: how every chapter finds chapter 3's vendor.
VENDOR_NAME = "Happy Paper Co. (billhelpers tutorial)"
#: The tutorial bill's invoice number: how every chapter finds chapter 4's bill.
INVOICE_NUMBER = "TUTORIAL-0001"
#: A made-up account number for the tutorial vendor (digits only, 4–17 long).
TEST_ACCOUNT_NUMBER = "000123454321"
#: A 9-digit routing number that passes the ABA checksum (a public test number).
TEST_ROUTING_NUMBER = "011000015"


# -- nothing hidden: the calls a chapter made ------------------------------------------------
def chapter_start(client=None) -> int:
    """Mark where this chapter's calls begin in ``client.history`` (no call is made)."""
    client = client or connect()
    _state["mark"] = (id(client), client.calls_sent)
    return client.calls_sent


def chapter_calls(client) -> list[dict]:
    """The BILL calls since :func:`chapter_start` (from the client's own record)."""
    owner, mark = _state.get("mark", (None, 0))
    mark = mark if owner == id(client) else 0
    return [call for call in client.history if call["n"] > mark]


def calls_made(client=None) -> list[dict]:
    """Print every BILL call this chapter made (method, path, status) and return them."""
    client = client or connect()
    calls = chapter_calls(client)
    print(f"This chapter made {len(calls)} BILL call(s) (the client's own record, client.history):")
    for i, call in enumerate(calls, 1):
        status = call["status"] if call["status"] is not None else "no answer"
        print(f"{i:>3}. {call['method']:<6} {call['path']}  →  {status}")
    return calls


def note_plain_call(client, answer) -> None:
    """Add a plain-``requests`` call (a ``requests.Response``) to ``client.history`` by hand,
    so the chapter's list of calls shows it too (the client did not send it)."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    path = urlsplit(answer.request.url).path
    base_path = urlsplit(client.base_url).path
    path = path[len(base_path) :] if base_path and path.startswith(base_path) else path
    client._record(answer.request.method, path, answer.status_code, None)


def show_error(err) -> None:
    """BILL's error envelope (code, message) and the kit's hint, for a failure caused on purpose."""
    code = getattr(err, "code", None)
    status = getattr(err, "http_status", None)
    print(f"{type(err).__name__}" + (f" (HTTP {status})" if status else ""))
    if code:
        envelope = [{"code": code, "message": getattr(err, "message", str(err))}]
        for field in ("severity", "category"):
            if getattr(err, field, None):
                envelope[0][field] = getattr(err, field)
        print("BILL's error envelope:", money.dumps(envelope, indent=2))
    else:
        field = getattr(err, "field", None)
        text = err.args[0] if err.args else str(err)
        print("The kit refused before sending anything: " + (f"{field}: " if field else "") + text)
    if getattr(err, "hint", None):
        print(f"The kit's hint: {err.hint}")


# -- chapter 0: credentials and the environment check ----------------------------------------
def credentials_form():
    """The sign-in form, prefilled from the settings (secrets as placeholders only)."""
    from billhelpers.notebook.forms import CredentialsForm

    config = settings()
    defaults = {
        "environment": config.environment,
        "username": config.username,
        "organization_id": config.organization_id,
        "password_set": bool(config.password),
        "dev_key_hint": (config.dev_key or "")[-4:] or None,
    }

    def sign_in(values: Mapping[str, str]):
        client = connect(**dict(values))
        response = client.login()
        return client, response

    return CredentialsForm(defaults, sign_in)


_REQUIRED = (
    ("username", "BILL_USERNAME"),
    ("password", "BILL_PASSWORD"),
    ("organization_id", "BILL_ORGANIZATION_ID"),
    ("dev_key", "BILL_DEV_KEY"),
)


def check_environment(form=None) -> bool:
    """Check the chosen environment: settings complete, and BILL (or the emulator) answers.

    Makes no login. Uses the form's current choices when a form is given. Returns True when
    everything is ready.
    """
    import requests

    overrides = form.settings() if form is not None else {}
    config = settings(**overrides)
    ready = True
    missing = [var for field, var in _REQUIRED if not getattr(config, field)]
    if missing:
        ready = False
        print(f"⚠️  Missing settings: {', '.join(missing)}. Add them to .env or type them in.")
    else:
        print(f"✅ Settings complete for {config.environment} (user {config.username}).")
    if config.organization_id and not config.organization_id.startswith("008"):
        ready = False
        print(
            "⚠️  The organization id should begin with 008 (BILL: Settings > Sync & Integrations)."
        )
    if config.environment == "demo":
        client = connect(**overrides) if overrides else connect()
        health = client.emulator.health()
        state = health.get("status") if isinstance(health, dict) else health
        print(f"✅ The local BILL emulator answers at {client.base_url} (health: {state}).")
        return ready
    url = config.resolve_base_url()
    try:
        answer = requests.get(f"{url}/v3/login/session", timeout=(5, 15))
    except requests.RequestException as err:
        print(f"❌ No answer from {url}: {type(err).__name__}. Check your network or proxy.")
        return False
    print(
        f"✅ BILL's {config.environment} gateway answers at {url} "
        f"(HTTP {answer.status_code} before sign-in, as expected)."
    )
    return ready


# -- chapter 3: the vendor -------------------------------------------------------------------
def vendor_body() -> dict:
    """The tutorial vendor as chapter 3 creates it (used when chapter 3 was skipped)."""
    return {
        "name": VENDOR_NAME,
        "shortName": "Happy Paper",
        "accountType": "BUSINESS",
        "email": "billing@happypaper.example",
        "phone": "555-0100",
        "address": {
            "line1": "123 Main Street",
            "city": "San Jose",
            "stateOrProvince": "CA",
            "zipOrPostalCode": "95113",
            "country": "US",
        },
        "paymentInformation": {
            "payeeName": "Happy Paper Co.",
            "bankAccount": {
                "nameOnAccount": "Happy Paper Co.",
                "accountNumber": TEST_ACCOUNT_NUMBER,
                "routingNumber": TEST_ROUTING_NUMBER,
                "type": "CHECKING",
                "ownerType": "BUSINESS",
            },
        },
        "billCurrency": "USD",
    }


def find_vendor(client, name: str = VENDOR_NAME) -> dict | None:
    """The vendor called ``name`` (active first, else archived), or None. One list call."""
    listing = client.vendors.list(max=100, filters=where("name", "eq", name, resource="vendors"))
    matches = [v for v in listing.results if v.get("name") == name]
    matches.sort(key=lambda v: bool(v.get("archived")))
    found = matches[0] if matches else None
    _compact(listing, f"vendor {found['id']}" if found else "no vendor by that name")
    return found


def _find_or_create(existing, *, create, restore, restoring, found, missing=None):
    """The one shape of every find-or-create step: nothing found → create (after saying
    ``missing``); archived by chapter 6 → restore; else reuse. The messages take the record."""
    if existing is None:
        if missing:
            print(missing)
        return create()
    if existing.get("archived"):
        print(restoring(existing))
        return restore(existing["id"])
    print(found(existing))
    return existing


def create_vendor_once(client, body: dict):
    """Create the vendor unless one with that name exists (restored if chapter 6 archived it)."""
    return _find_or_create(
        find_vendor(client, body["name"]),
        create=lambda: client.vendors.create(body),
        restore=client.vendors.restore,
        restoring=lambda v: f"Restoring “{v['name']}” ({v['id']}), archived by chapter 6.",
        found=lambda v: (
            f"Found “{v['name']}” ({v['id']}) from an earlier run: not creating a second one."
        ),
    )


def ensure_vendor(client) -> dict:
    """Chapter 3's vendor: found, or created now with chapter 3's body (saying so)."""
    return _find_or_create(
        find_vendor(client),
        missing="Chapter 3's vendor is not there yet: creating it now with chapter 3's body.",
        create=lambda: create_vendor_once(client, vendor_body()),
        restore=client.vendors.restore,
        restoring=lambda v: (
            f"Chapter 3's vendor ({v['id']}) was archived in chapter 6: restoring it."
        ),
        found=lambda v: f"Using chapter 3's vendor “{v['name']}” ({v['id']}).",
    )


# -- chapter 4: the bill ---------------------------------------------------------------------
def bill_body(vendor_id: str, today: _dt.date) -> dict:
    """The tutorial bill as chapter 4 creates it: invoiced ``today`` (BILL's:
    ``client.today()``), due 14 days later, $1,250.00."""
    return {
        "vendorId": vendor_id,
        "invoice": {"invoiceNumber": INVOICE_NUMBER, "invoiceDate": today.isoformat()},
        "dueDate": (today + _dt.timedelta(days=14)).isoformat(),
        "billLineItems": [
            {"amount": Decimal("1000.00"), "description": "Copy paper, 40 cases"},
            {"amount": Decimal("250.00"), "description": "Delivery"},
        ],
        "description": "billhelpers tutorial bill",
    }


def _invoice_number(bill: Mapping) -> str | None:
    invoice = bill.get("invoice") or {}
    return invoice.get("invoiceNumber") if isinstance(invoice, Mapping) else None


def find_bill(client, vendor_id: str, invoice_number: str = INVOICE_NUMBER) -> dict | None:
    """The vendor's bill with that invoice number (active first), or None. One list call."""
    listing = client.bills.list(
        max=100, filters=where("vendorId", "eq", vendor_id, resource="bills")
    )
    matches = [b for b in listing.results if _invoice_number(b) == invoice_number]
    matches.sort(key=lambda b: bool(b.get("archived")))
    found = matches[0] if matches else None
    _compact(
        listing,
        f"{len(listing.results)} bill(s); invoice {invoice_number} is {found['id']}"
        if found
        else f"{len(listing.results)} bill(s); none with invoice {invoice_number}",
    )
    return found


def create_bill_once(client, body: dict):
    """Create the bill unless the vendor has one with that invoice number (restored if
    archived)."""
    number = (body.get("invoice") or {}).get("invoiceNumber")
    return _find_or_create(
        find_bill(client, body["vendorId"], number),
        create=lambda: client.bills.create(body),
        restore=client.bills.restore,
        restoring=lambda b: f"Restoring bill {number} ({b['id']}), archived by chapter 6.",
        found=lambda b: (
            f"Found bill {number} ({b['id']}) from an earlier run: not creating a second one."
        ),
    )


def ensure_bill(client, vendor: Mapping) -> dict:
    """Chapter 4's bill: found, or created now with chapter 4's body (saying so)."""
    return _find_or_create(
        find_bill(client, vendor["id"]),
        missing="Chapter 4's bill is not there yet: creating it now with chapter 4's body.",
        create=lambda: create_bill_once(client, bill_body(vendor["id"], client.today())),
        restore=client.bills.restore,
        restoring=lambda b: (
            f"Chapter 4's bill ({b['id']}) was archived in chapter 6: restoring it."
        ),
        found=lambda b: (
            f"Using chapter 4's bill {INVOICE_NUMBER} ({b['id']}): "
            f"{money.fmt(b['amount'])}, {b.get('paymentStatus')}."
        ),
    )


# -- chapter 6: tidy-up ----------------------------------------------------------------------
def cancel_tutorial_payment(client):
    """Cancel the tutorial bill's scheduled payment, if there is one (else say why not)."""
    vendor = find_vendor(client)
    bill = find_bill(client, vendor["id"]) if vendor else None
    payment = find_payment(client, bill["id"]) if bill else None
    if payment is None:
        print("No scheduled tutorial payment to cancel (chapter 5 was not run, or it is canceled).")
        return None
    if not identity.can_cancel(payment):
        status = identity.status_of(payment)
        print(f"Payment {payment['id']} is {status}: only SCHEDULED ones cancel.")
        return payment
    return client.payments.cancel(payment["id"])


def archive_once(resource, record: Mapping | None, what: str):
    """Archive ``record`` with ``resource`` (``client.bills``, ``client.vendors``) unless it is
    missing or archived already."""
    if record is None:
        print(f"No tutorial {what} to archive.")
        return None
    if record.get("archived"):
        print(f"The tutorial {what} ({record['id']}) is archived already.")
        return record
    return resource.archive(record["id"])
