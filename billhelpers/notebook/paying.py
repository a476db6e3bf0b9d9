"""billhelpers.notebook.paying
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The chapters' helpers for moving money: the bank to pay from, the processDate, the payment's
transactionNumber and its look-up, the confirmation box of chapter 5, and the confirmation gate
in front of any cell that pays. Which payment is live and what its number is are
:mod:`billhelpers.rules.payment_identity`'s; re-exported by :mod:`~billhelpers.notebook.tutorial`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from billhelpers.masking import mask_bank_number
from billhelpers.notebook.flow import PersonNeeded, _compact, _environment, _is_demo, _state
from billhelpers.rules import money
from billhelpers.rules import payment_identity as identity
from billhelpers.rules.filters import where


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
        gate.resend_with(send)  # the re-run cell's own variables
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
