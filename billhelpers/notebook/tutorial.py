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
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import billhelpers as bh
from billhelpers.config import Config
from billhelpers.exceptions import BillError, InputError
from billhelpers.masking import mask_bank_number
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
    "show_error",
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


class PersonNeeded(BillError):
    """Run All stops here on purpose: the next step needs a person (a code, a click).

    Raised only outside demo mode. The message says what to do and which cell to run next.
    In a notebook it shows as that message alone, without a traceback: nothing went wrong.
    """

    def _render_traceback_(self) -> list[str]:  # IPython's hook for how an error is shown
        return [f"⏸  {type(self).__name__}: {self}"]


# -- the kernel's client ---------------------------------------------------------------------
_state: dict[str, Any] = {"client": None}


def settings(**overrides) -> Config:
    """This kernel's settings: ``.env`` + environment variables + ``overrides`` (masked repr)."""
    return Config.from_env(**overrides)


def connect(**overrides):
    """The kernel's client (made once; ``overrides`` make a new one). No call is made."""
    if overrides or _state["client"] is None:
        previous, _state["client"] = _state["client"], bh.connect(**overrides)
        if previous is not None:
            previous.close()  # its pooled connections; the session stays cached
    return _state["client"]


def _is_demo(client) -> bool:
    return client.config.environment == "demo"


def demo_only(client, what: str) -> bool:
    """True in demo mode; against BILL, say that ``what`` needs the emulator and return False,
    so a "when it goes wrong" cell still runs (without its fault) instead of stopping Run All."""
    if _is_demo(client):
        return True
    print(f"Skipped against BILL: {what} is the emulator's control, not BILL's.")
    return False


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


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


def _compact(resp, result: str) -> None:
    """One line for a look-up a helper made: its request line, status and what it found."""
    print(f"   {resp.request_line()}  →  {resp.status_code}: {result}")


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


# -- sign-in and MFA (chapters 1, 2 and every later chapter) ---------------------------------
def ensure_signed_in(client=None):
    """Sign in, reusing the session an earlier chapter cached (no second login, no call)."""
    client = client or connect()
    if client.resume():
        how = "reusing the session from an earlier chapter"
    else:
        response = client.login()
        how = {
            "reused the cached session": "reusing the session from an earlier chapter",
            "trusted through the remembered MFA device": "new session, trusted by the "
            "remembered device",
        }.get(response.note or "", "new session")
    print(
        f"Signed in to {client.config.environment} as {client.config.username} ({how}) "
        f"— session trusted: {_yes_no(client.is_trusted)}"
    )
    return client


def send_mfa_challenge(client):
    """``POST /v3/mfa/challenge`` unless the session is trusted already (then None)."""
    if client.is_trusted:
        print("✅ This session is trusted already: no code needed, no text message sent.")
        return None
    return client.mfa.challenge()


def demo_phone_code(client, challenge_id: str | None = None) -> str | None:
    """Demo only: the code the simulated phone received (``GET /_emulator/outbox``)."""
    if not _is_demo(client):
        return None
    try:
        return client.emulator.latest_token(challenge_id)
    except InputError:
        return None


def mfa_form(client, challenge=None):
    """The MFA form for ``challenge`` (the challenge response, or None when trusted)."""
    from billhelpers.notebook.forms import MfaForm

    def resend():
        response = client.mfa.challenge()
        return response["challengeId"], response

    return MfaForm(
        challenge["challengeId"] if challenge is not None else None,
        validate=lambda cid, token, remember: client.mfa.validate(cid, token, remember),
        resend=resend,
        phone=(lambda cid: demo_phone_code(client, cid)) if _is_demo(client) else None,
        is_trusted=lambda: client.is_trusted,
        device=client.config.mfa_device,
    )


def demo_autofill(form, client):
    """After the MFA form: in demo, type the demo phone's code and press Submit — unless the
    session is trusted already (a person typed it). Against BILL, stop Run All here."""
    if form.verified or client.is_trusted:
        form.submit()  # refreshes the form's status line; makes no call
        print("✅ The session is trusted already: nothing to fill in.")
        return None
    if not _is_demo(client):
        raise PersonNeeded(
            "Run All stops here on purpose: type the 6-digit code BILL texted to your phone "
            "into the form above and press Submit, then run the cells below "
            "(Run > Run Selected Cell and All Below)."
        )
    if form.challenge_id is None:
        form.send_new_code()
    code = demo_phone_code(client, form.challenge_id)
    if code is None:
        raise RuntimeError(
            "The demo phone has no code for this challenge; press “Send a new code”."
        )
    form.token.value = code
    response = form.submit()
    if not form.verified:
        raise RuntimeError(f"The demo code was refused: {form.status.text}")
    print("Demo mode: the code from the demo phone was typed into the form and Submit pressed.")
    return response


def step_up(client, challenge):
    """Step 3 of the recipe: ``POST /v3/mfa/step-up`` with the ``rememberMeId`` that validate
    returned. Skipped (None, with the reason) when this chapter sent no challenge (the session
    was trusted already, e.g. by a remembered device at login) or no device was remembered."""
    if challenge is None:
        print("✅ The session was trusted before this chapter: no step-up needed.")
        return None
    if not client.mfa.remembered_device:
        print(
            "ℹ️ “Remember this device” was off, so there is no rememberMeId to step up with; "
            "validating the code already trusted this session."
        )
        return None
    return client.mfa.step_up()


def ensure_trusted(client, *, quiet: bool = False):
    """Make sure the session is MFA-trusted: already → nothing; a remembered device → step-up;
    demo → one MFA round with the demo phone; BILL → stop and send the learner to chapter 2."""
    if client.is_trusted:
        if not quiet:
            print("✅ The session is MFA-trusted: payments are allowed.")
        return client
    if client.mfa.remembered_device:
        response = client.mfa.step_up()
        if response.get("trusted"):
            print("✅ Trusted through step-up with this remembered device (no code needed).")
            return client
    if not _is_demo(client):
        raise PersonNeeded(
            "This chapter needs an MFA-trusted session. Run chapter 2 (02_mfa.ipynb) and type "
            "the code BILL texts you; then come back and run this cell again."
        )
    challenge = client.mfa.challenge()
    code = client.emulator.latest_token(challenge["challengeId"])
    client.mfa.validate(challenge["challengeId"], code, True)
    print(
        "Demo mode: chapter 2's MFA round was done for you (challenge → demo phone → validate, "
        "device remembered) — session trusted: yes"
    )
    return client


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


# -- chapter 5: paying -----------------------------------------------------------------------
def verified_banks(client):
    """``GET /v3/funding-accounts/banks?filters=status:eq:"VERIFIED"`` (one page)."""
    return client.funding_accounts.banks(
        filters=where("status", "eq", "VERIFIED", resource="banks")
    )


def pick_bank(banks) -> dict:
    """The verified account to pay from: the default for payables, else the first one.

    ``banks`` is :func:`verified_banks`' response (or a list of bank records). With none, a
    clear error says how to get one instead of an IndexError.
    """
    records = list(getattr(banks, "results", banks) or [])
    records = [b for b in records if b.get("status", "VERIFIED") == "VERIFIED"]
    if not records:
        raise PersonNeeded(
            "The organization has no VERIFIED bank account to pay from. In BILL, add one "
            "(Settings > Bank accounts) and verify it (BILL's sandbox: the test deposit 0.50), "
            "then run this chapter again."
        )
    for bank in records:
        if (bank.get("default") or {}).get("payables"):
            return bank
    return records[0]


def process_date(vendor: Mapping, today: _dt.date) -> str:
    """The ``processDate`` chapter 5 sends: the earliest BILL accepts for ``vendor``.

    Why not leave it out: BILL's default is the next business day, but for 2 business days
    after a vendor bank account is added BILL verifies it and refuses earlier dates
    (``BDC_1402``); chapter 3 created the vendor, bank account included, today. ``today`` is
    BILL's (``client.today()``).
    """
    from billhelpers.rules import business_days  # noqa: PLC0415 - loads the holiday calendar

    day = business_days.earliest_process_date(vendor, today=today)
    if business_days.bank_account_wait_until(vendor) == day:
        print(
            f"processDate {day.isoformat()}: {business_days.VENDOR_BANK_WAIT} business days "
            "after the vendor's bank account was added, the earliest BILL accepts."
        )
    else:
        print(f"processDate {day.isoformat()}: the first business day BILL accepts.")
    return day.isoformat()


def transaction_number(where, bill_id: str, amount, *, purpose: str | None = None) -> str:
    """The ``transactionNumber`` of the payment of ``bill_id`` for ``amount`` (``where``: a
    client or a ``Config``, for its organization): the very number ``client.payments.create``
    makes for that bill and amount (:mod:`billhelpers.rules.payment_identity`), so a re-run, a
    bulk payment or a payment run of the same bill and amount finds it. ``purpose``
    (``"tutorial-unverified"``) names a separate payment that must never be taken for it."""
    config = getattr(where, "config", where)
    return identity.transaction_number(config.organization_id, bill_id, amount, purpose=purpose)


def find_payment(client, bill_id: str) -> dict | None:
    """The bill's live payment (``payment_identity.is_live``: not canceled or voided), newest
    first, or None. One list call. It looks by bill, not by transactionNumber, so it finds the
    payment whatever number the chapter gave it."""
    listing = client.payments.list(max=100, sort="createdTime:desc")
    for payment in listing.results:
        if identity.pays_bill(payment, bill_id) and identity.is_live(payment):
            status = identity.status_of(payment)
            _compact(listing, f"payment {payment['id']} ({status}) pays the bill")
            return payment
    _compact(listing, f"{len(listing.results)} payment(s); none live for bill {bill_id}")
    return None


def payment_confirmation(client, body: dict, *, vendor: Mapping, bank: Mapping):
    """The confirmation box for ``body``; its button (or :func:`confirm_payment` in demo)
    creates the payment once. Shows the existing payment if the bill has one already."""
    from billhelpers.notebook.forms import PaymentConfirmation

    summary = {
        "amount": money.fmt(body["amount"]),
        "vendor": vendor.get("name"),
        "funding_account": f"{bank.get('bankName')} {mask_bank_number(bank.get('accountNumber'))}",
        "process_date": body.get("processDate") or "the next payment day",
        "environment": client.config.environment,
    }

    # In production the click is not enough: the client refuses (ProductionGuardError, shown on
    # the form's status line) until the learner calls client.allow_production_payments() in code.
    form = PaymentConfirmation(summary, lambda: _create_payment(client, body))
    existing = find_payment(client, body["billId"])
    if existing is not None:
        form.mark_done(
            existing,
            f"✅ Already paid in an earlier run: payment {existing['id']} — status: "
            f"{existing.get('status')}. Not paying twice.",
        )
    return form


def _create_payment(client, body: dict):
    """``client.payments.create(body)``, with the look-ups it made first named in the note:
    the bill (still due?), its vendor (bank account old enough?) and the payments under the
    transactionNumber (paid already?). Those checks are the kit's, not BILL's."""
    mark = client.calls_sent
    resp = client.payments.create(body)
    before = [c for c in client.history if c["n"] > mark][:-1]
    if before:
        checks = ", ".join(f"{c['method']} {c['path']} → {c['status']}" for c in before)
        resp.note = "; ".join(filter(None, [resp.note, f"the kit checked first: {checks}"]))
    return resp


def confirm_payment(form, client):
    """After the confirmation box: returns the payment. In demo an unconfirmed box is confirmed
    for you (saying so); against BILL, Run All stops here until a person clicks."""
    if form.confirmed:
        print("✅ Confirmed: this is the payment.")
        return form.payment
    if not _is_demo(client):
        s = form.summary
        raise PersonNeeded(
            f"Run All stops here on purpose: 1 payment, {s.get('amount')} total, in "
            f"{s.get('environment')}, to {s.get('vendor')}. Check the payment above and press "
            "“Confirm payment” if it is right; then run the cells below."
        )
    print("Demo mode: confirmed for you (test money in the emulator).")
    response = form.confirm(note=" (auto-confirmed in demo mode)")
    if response is None:
        raise RuntimeError(f"The payment was not created: {form.status.text}")
    return response


# -- any cell that moves money: the gate ----------------------------------------------------
def _environment(where) -> str:
    """The environment of a client or of a :class:`~billhelpers.config.Config`."""
    return getattr(where, "config", where).environment


def _field(payment, key: str, attr: str):
    if isinstance(payment, Mapping):
        return payment.get(key)
    return getattr(payment, attr, None)


def payment_gate(
    where,
    payments: Iterable,
    send: Callable[[], Any],
    *,
    what: str,
    process_date=None,
):
    """The confirmation gate in front of a cell that moves money (a
    :class:`~billhelpers.notebook.forms.BatchConfirmation`): it names the count of
    ``payments``, their
    total and the environment, and calls ``send()`` (which sends exactly those payments) only
    once confirmed. Use it with :func:`confirm_batch`.

    ``where`` is a client or a ``Config`` (a plain-``requests`` chapter has no client).
    ``payments`` are payment bodies (``amount``, ``billId``) or a run's verdicts (``amount``,
    ``bill_id``). Re-running the cell with the same payments gives back the same gate, so a
    person presses the button, then runs the cell again and gets what ``send()`` returned,
    without a second sending.
    """
    from billhelpers.notebook.forms import BatchConfirmation

    items = list(payments)
    amounts = [Decimal(str(_field(p, "amount", "amount"))) for p in items]
    environment = _environment(where)
    summary = {
        "what": what,
        "count": len(items),
        "total": money.fmt(sum(amounts, Decimal(0))),
        "process_date": str(process_date) if process_date is not None else None,
        "environment": environment,
    }
    fingerprint = (
        environment,
        summary["process_date"],
        tuple(
            (_field(p, "billId", "bill_id"), str(a)) for p, a in zip(items, amounts, strict=True)
        ),
    )
    gates = _state.setdefault("gates", {})
    gate = gates.get(what)
    if gate is not None and gate.fingerprint == fingerprint:
        if not gate.confirmed:
            gate._sender = send  # the re-run cell's own variables
        return gate
    gate = BatchConfirmation(summary, send)
    gate.fingerprint = fingerprint
    gates[what] = gate
    return gate


def confirm_batch(gate, where=None):
    """After :func:`payment_gate`: returns what its ``send()`` returned. Nothing to pay: sent
    at once (it sends nothing). In demo an unconfirmed gate is confirmed for you, saying so;
    against BILL the gate is shown and Run All stops here (:class:`PersonNeeded`) until a
    person has pressed its button, naming the count, the total and the environment."""
    if gate.confirmed:
        print(f"✅ Confirmed: {gate.headline()}.")
        return gate.result
    if gate.summary["count"] == 0:
        return gate.confirm(note=" (nothing to send)")
    environment = gate.summary["environment"] if where is None else _environment(where)
    if environment != "demo":
        try:
            from IPython.display import display
        except ImportError:  # pragma: no cover - IPython comes with the notebook extra
            display = print
        display(gate)
        raise PersonNeeded(
            f"Run All stops here on purpose: nothing is sent until you confirm "
            f"{gate.headline()}. Check the payments above and press "
            f"“{gate.confirm_button.description}” if they are right; then run this cell "
            "again and the cells below."
        )
    print(f"Demo mode: confirmed for you (test money in the emulator): {gate.headline()}.")
    return gate.confirm(note=" (auto-confirmed in demo mode)")


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
