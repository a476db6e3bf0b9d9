"""bill_emulator.backend.lifecycle
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

A payment's life after ``SCHEDULED``, on the emulator's test clock, plus void and the clock's
date-based moves.

Why a test clock and not timers: on BILL a payment is funded, sent, delivered and cleared by
timers nobody sees. Here every status change is due on a business day, and the changes are made
when the clock moves (``POST /_emulator/clock``), lazily, in one store transaction with the move:
however far the clock jumps, every payment passes through every status of its path, in order,
exactly once (day by day across payments), and each change is stamped with the day it was due.

The happy path (BILL's ``singleStatus``, developer.bill.com "single status payment values")::

    SCHEDULED -> FUNDING_STARTED (on the processDate, or the next business day)
              -> PROCESSED -> SENT -> DELIVERED -> CLEARED   (one business day each)

Magic test values choose the failure branches (the way payment sandboxes let a magic account
number or amount force a return); the vendor's account number wins over the amount:

==============================================  ================================================
test value                                      path after ``PROCESSED``
==============================================  ================================================
vendor bank account number ``000000013``        ``SENT -> DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED``
amount ending in ``.13``                        ``SENT -> FUNDING_FAILED_ACTION_NEEDED``
amount ending in ``.14``                        ``DISBURSEMENT_ON_HOLD`` (stays held until void)
amount ending in ``.15``                        ``SENT -> DELIVERED -> CLEARED ->
                                                DISBURSEMENT_FAILED_ACTION_NEEDED`` (an ACH return
                                                after clearing, which BILL's page describes)
==============================================  ================================================

What follows each status (BILL's enums; a field BILL does not show for a stage is left out):
``status`` stays ``SCHEDULED`` until ``SENT``, then ``PAID``; ``disbursementStatus`` is absent
while funding, ``DONE`` once sent, ``HOLD`` on hold, ``FAILED`` when the disbursement failed;
``disbursementInfo`` holds ``isVoidable`` and, for ACH (``achDisbursement``) or check
(``checkDisbursement``, with a ``checkNumber``), ``arrivesByDate`` from funding on and
``sentDate`` from ``SENT`` on. The bill: ``paymentStatus`` becomes ``PAID`` when every payment
booked on it has cleared and nothing is due; a failed disbursement (the vendor was not paid) or a
void gives the amount back to ``dueAmount``; a funding failure leaves the bill as it is (the
vendor was paid; the payer owes BILL). All of these are the kit's assumptions, listed in
``docs/api-fidelity.md``.

Void (``POST /v3/payments/{id}/void``, body ``{type, reason}``): for a payment that has started
processing (``SCHEDULED`` ones are canceled instead) and is not ``CLEARED``; ``VOID_AND_CREDIT``
or ``VOID_ONLY`` (the reissue types are not emulated). It takes effect at once (BILL: up to two
business days).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from bill_emulator.backend import validation as v
from bill_emulator.backend.clock import iso, next_business_day
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import InvalidState, ObjectNotFound, ValidationFailed

HAPPY = ("SCHEDULED", "FUNDING_STARTED", "PROCESSED", "SENT", "DELIVERED", "CLEARED")
_TO_SENT = HAPPY[:4]
MAGIC_VENDOR_ACCOUNT = "000000013"
MAGIC_CENTS = {
    13: (*_TO_SENT, "FUNDING_FAILED_ACTION_NEEDED"),
    14: (*HAPPY[:3], "DISBURSEMENT_ON_HOLD"),
    15: (*HAPPY, "DISBURSEMENT_FAILED_ACTION_NEEDED"),
}
VENDOR_REJECTED = (*_TO_SENT, "DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED")

VOID_TYPES = ("VOID_AND_CREDIT", "VOID_AND_REISSUE", "VOID_AND_REISSUE_VCARD", "VOID_ONLY")
VOID_EMULATED = ("VOID_AND_CREDIT", "VOID_ONLY")
VOID_REASON_MAX = 4000
_NOT_VOIDABLE = ("SCHEDULED", "CLEARED", "CANCELED", "VOIDED", "FUNDING_FAILED_VOIDED")
_PAID = frozenset({"SENT", "DELIVERED", "CLEARED"})
_DISBURSEMENT = {
    "SENT": "DONE",
    "DELIVERED": "DONE",
    "CLEARED": "DONE",
    "DISBURSEMENT_ON_HOLD": "HOLD",
    "DISBURSEMENT_FAILED_ACTION_NEEDED": "FAILED",
    "DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED": "FAILED",
}
_RELEASES = frozenset(
    {"DISBURSEMENT_FAILED_ACTION_NEEDED", "DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED"}
)
CLOCK_MODES = (
    "advanceSeconds",
    "toDate",
    "advanceBusinessDays",
    "untilPaymentStatus",
    "backToRealTime",
)
_MAX_DAYS = 10 * 366
#: The most payment status changes one clock move makes (about 12 s of work under the write
#: lock); a move that would make more is refused, nothing moved (issue 23: bounded work).
MAX_TRANSITIONS = 20_000


def business_day_on_or_after(day: date) -> date:
    return day if day.weekday() < 5 else next_business_day(day)


def life_path(payment: dict, vendor_account: str | None) -> tuple[str, ...]:
    """The statuses this payment will pass through, chosen by the magic test values."""
    if vendor_account == MAGIC_VENDOR_ACCOUNT:
        return VENDOR_REJECTED
    return MAGIC_CENTS.get(payment["amount"] % 100, HAPPY)


def plan_life(payment: dict, vendor: dict) -> date:
    """Write a new payment's ``_life`` and ``_arrivesBy``; the day its first change is due."""
    path = life_path(payment, vendor.get("_accountNumber"))
    first = business_day_on_or_after(date.fromisoformat(payment["processDate"]))
    days = [first]
    while len(days) < len(HAPPY) - 1:
        days.append(next_business_day(days[-1]))
    payment["_life"] = {"path": list(path), "step": 0}
    payment["_arrivesBy"] = days[-1].isoformat()
    return first


def _day_start_ms(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _ms(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).timestamp() * 1000)


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "BillsMixin": ("_apply_payment",),
    "EventsMixin": ("_wake",),
}


class LifecycleMixin(BackendBase):
    # -- hooks called by payments.py ------------------------------------------------------------

    def _begin_life(self, org_id: str, payment: dict, vendor: dict, seq: int) -> None:
        """Plan a new payment's life (inside its creating transaction)."""
        first = plan_life(payment, vendor)
        self.store.update_object(payment["id"], payment)
        self.store.set_life(payment["id"], org_id, seq, first.isoformat())

    # -- the clock ------------------------------------------------------------------------------

    def advance_clock(self, body: object) -> dict:
        """``advanceSeconds`` | ``toDate`` | ``advanceBusinessDays`` | ``untilPaymentStatus``
        | ``backToRealTime`` (exactly one), then every payment status change that came due, in
        one transaction.

        ``backToRealTime: true`` is the one move back: the clock returns to real time (as a reset
        does) and the data stay. Why: chapters after the webhook chapter date bills and payments
        from the real today; a payment whose next change was stamped ahead simply waits for real
        time to catch up, and nothing that happened is undone."""
        body = v.body_object(body)
        modes = [m for m in CLOCK_MODES if m in body]
        if len(modes) != 1:
            raise ValidationFailed(
                "advanceSeconds", f"give exactly one of {', '.join(CLOCK_MODES)}"
            )
        mode = modes[0]
        with self.store.write():
            today = self.clock.today()
            reached = None
            if mode == "advanceSeconds":
                seconds = body["advanceSeconds"]
                if (
                    not isinstance(seconds, bool)
                    and isinstance(seconds, int | float)
                    and seconds < 0
                ):
                    raise ValidationFailed(
                        "advanceSeconds",
                        "the emulator's clock only moves forward; give 0 or more seconds",
                    )
                super().advance_clock(body)
            elif mode == "toDate":
                target = v.date_field(body, "toDate")
                if target is None:
                    raise ValidationFailed("toDate", "must be a date yyyy-MM-dd")
                if target < today:
                    raise ValidationFailed(
                        "toDate",
                        f"{target} is before the emulator's today {today}; the clock only moves "
                        "forward (reset the emulator to start again)",
                    )
                self._advance_days(today, target, "toDate")
            elif mode == "advanceBusinessDays":
                n = body["advanceBusinessDays"]
                if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 2600:
                    raise ValidationFailed(
                        "advanceBusinessDays",
                        "must be a whole number from 0 to 2600 (the clock only moves forward)",
                    )
                target = today
                for _ in range(n):
                    target = next_business_day(target)
                self._advance_days(today, target, "advanceBusinessDays")
            elif mode == "backToRealTime":
                if body["backToRealTime"] is not True:
                    raise ValidationFailed("backToRealTime", "must be true")
                self.clock.reset()
            else:
                reached = self._run_until(body["untilPaymentStatus"])
            count = self._run_lifecycle(mode, done=reached or 0)
            result = {"now": self.now_iso()}
            if mode != "advanceSeconds":  # the seconds move keeps its original answer
                result.update(today=self.clock.today().isoformat(), transitions=count)
        self._wake()  # (webhooks.py) retries on the emulator's clock may be due now
        return result

    def _advance_days(self, today: date, target: date, field: str) -> None:
        """Move to ``target`` exactly, or refuse (``field`` named) and move nothing: a move the
        10-year cap would cut short is an error, never a quiet partial move."""
        days = (target - today).days
        if days > _MAX_DAYS or days * 86400 * 1000 > self.clock.room_ms():
            raise ValidationFailed(
                field,
                f"would move the clock to {target}, past the last day it can reach "
                f"({self.clock.last_day()}: at most 10 years ahead of real time); "
                "POST /_emulator/reset puts it back",
            )
        if days:
            self.clock.advance(days * 86400)

    def _run_until(self, spec: object) -> int:
        """Move day by day until the payment's ``singleStatus`` is the one asked for."""
        if not isinstance(spec, dict):
            raise ValidationFailed("untilPaymentStatus", "must be {id, singleStatus}")
        pid = v.object_id(spec, "id", "stp", "untilPaymentStatus.id")
        target = v.string(spec, "singleStatus", "untilPaymentStatus.singleStatus", required=True)
        owner = self.store.object_owner(pid)
        if owner is None or owner[0] != "payment":
            raise ObjectNotFound("Payment", pid)
        org_id = owner[1]
        payment = self.store.get_object("payment", org_id, pid)
        if payment["singleStatus"] == target:
            return 0
        ahead = self._ahead(payment)
        if target not in ahead:
            raise ValidationFailed(
                "untilPaymentStatus.singleStatus",
                f"payment {pid} is {payment['singleStatus']} and will not reach {target}; "
                f"it can still reach: {', '.join(ahead) or 'nothing (its life is over)'}",
            )
        count = 0
        # one move per status still ahead: bounded work, whatever the dates (issue 23: a loop
        # that waited for a day the capped clock never reached spun forever under the lock)
        for _ in range(len(ahead)):
            due = self.store.life_day(pid)
            if due is None:  # pragma: no cover - _ahead() is empty then
                break
            today = self.clock.today()
            self._advance_days(today, max(date.fromisoformat(due), today), "untilPaymentStatus")
            count = self._run_lifecycle("untilPaymentStatus", done=count)
            payment = self.store.get_object("payment", org_id, pid)
            if payment["singleStatus"] == target:
                return count
        raise ValidationFailed(  # pragma: no cover - each move makes one step of its path
            "untilPaymentStatus", f"payment {pid} did not reach {target}; the clock was not moved"
        )

    def _ahead(self, payment: dict) -> list[str]:
        """The statuses this payment will still pass through (none when its life is over:
        canceled, voided, changed by hand, or at the end of its path)."""
        life = payment.get("_life")
        if (
            not life
            or payment["singleStatus"] != life["path"][life["step"]]
            or self.store.life_day(payment["id"]) is None
        ):
            return []
        return life["path"][life["step"] + 1 :]

    def _run_lifecycle(self, field: str, done: int = 0) -> int:
        """Apply every status change due by today, earliest day first (inside ``write()``);
        ``done`` changes were made by this move already. Returns the move's count, or refuses
        (``field`` named) once it would pass :data:`MAX_TRANSITIONS`."""
        today = self.clock.today().isoformat()
        count = done
        while True:
            due = self.store.due_lives(today)
            if not due:
                return count
            first_day = due[0][2]
            for pid, org_id, day in due:
                if day != first_day:
                    break
                if count >= MAX_TRANSITIONS:
                    raise ValidationFailed(
                        field,
                        f"this move would make more than {MAX_TRANSITIONS} payment status "
                        "changes at once; move the clock in smaller steps (or reset): the clock "
                        "was not moved",
                    )
                self._step(pid, org_id, day)
                count += 1

    def _step(self, pid: str, org_id: str, day: str) -> None:
        payment = self.store.get_object("payment", org_id, pid)
        life = (payment or {}).get("_life")
        if not life or payment["singleStatus"] != life["path"][life["step"]]:
            self.store.end_life(pid)  # canceled, voided or changed by hand: its life is over
            return
        life["step"] += 1
        state = life["path"][life["step"]]
        stamp = max(_day_start_ms(day), _ms(payment["updatedTime"]) + 1)
        at = iso(min(stamp, max(self.clock.now_ms(), _ms(payment["updatedTime"]) + 1)))
        self._set_state(payment, state, day)
        if life["step"] + 1 < len(life["path"]):
            self.store.set_life(
                pid, org_id, 0, next_business_day(date.fromisoformat(day)).isoformat()
            )
        else:
            self.store.end_life(pid)
        self._save(payment, at=at)
        self._bill_follows(org_id, payment, state, at)

    def _set_state(self, payment: dict, state: str, day: str) -> None:
        payment["singleStatus"] = state
        if state in _PAID:
            payment["status"] = "PAID"
        disbursement = _DISBURSEMENT.get(state)
        if disbursement:
            payment["disbursementStatus"] = disbursement
        elif state != "FUNDING_FAILED_ACTION_NEEDED":
            payment.pop("disbursementStatus", None)
        info = payment.setdefault("disbursementInfo", {})
        info["isVoidable"] = state not in _NOT_VOIDABLE
        check = payment.get("disbursementType") == "CHECK"
        key = "checkDisbursement" if check else "achDisbursement"
        detail = info.setdefault(key, {"arrivesByDate": payment.get("_arrivesBy")})
        if state == "SENT":
            detail["sentDate"] = day
            if check:
                detail["checkNumber"] = f"{int(payment['id'][-6:]) + 100000}"

    def _bill_follows(self, org_id: str, payment: dict, state: str, at: str) -> None:
        for line in payment["billPayments"]:
            bill = self.store.get_object("bill", org_id, line["billId"])
            if bill is None:
                continue
            if state == "CLEARED":
                bill.setdefault("_cleared", {})[payment["id"]] = line["amount"]
                if bill["dueAmount"] == 0 and set(bill.get("_payments", {})) <= set(
                    bill["_cleared"]
                ):
                    bill["paymentStatus"] = "PAID"
                    self._save(bill, at=at)
            elif state in _RELEASES:
                self._release(bill, payment["id"], line["amount"])

    def _release(self, bill: dict, pid: str, cents: int) -> None:
        """Give a payment's amount back to the bill (vendor not paid, or voided)."""
        if pid in bill.get("_payments", {}):
            bill.get("_cleared", {}).pop(pid, None)
            self._apply_payment(bill, pid, -cents)

    # -- void -----------------------------------------------------------------------------------

    def void_payment(self, caller: Caller, payment_id: str, body: object) -> dict:
        body = v.body_object(body)
        void_type = v.enum(body, "type", VOID_TYPES, required=True)
        if void_type not in VOID_EMULATED:
            raise ValidationFailed(
                "type", f"{void_type} is not emulated; use {' or '.join(VOID_EMULATED)}"
            )
        reason = v.string(body, "reason", required=True, max_len=VOID_REASON_MAX)
        if not reason.strip():
            raise ValidationFailed("reason", "must not be blank")
        with self.store.write():
            payment = self._load("payment", caller, payment_id)
            state = payment["singleStatus"]
            if state in _NOT_VOIDABLE:
                hint = {
                    "SCHEDULED": "cancel it instead (POST /v3/payments/{id}/cancel)",
                    "CLEARED": "a cleared payment cannot be voided",
                }.get(state, "it is over")
                raise InvalidState(f"Payment {payment_id} is {state}; {hint}.")
            now = self.now_iso()
            payment["status"] = "VOID"
            failed = state == "FUNDING_FAILED_ACTION_NEEDED"
            payment["singleStatus"] = "FUNDING_FAILED_VOIDED" if failed else "VOIDED"
            payment.setdefault("disbursementInfo", {})["isVoidable"] = False
            payment.setdefault("voidInfo", []).append(
                {
                    "id": f"vdi{payment_id[3:]}{len(payment.get('voidInfo', [])):02d}",
                    "type": void_type,
                    "status": "ACCEPTED",
                    "reason": reason,
                    "requestedBy": caller.user_id,
                    "createdTime": now,
                    "updatedTime": now,
                }
            )
            self.store.end_life(payment_id)
            payment = self._save(payment)
            if not failed:
                for line in payment["billPayments"]:
                    bill = self.store.get_object("bill", caller.org_id, line["billId"])
                    if bill is not None:
                        self._release(bill, payment_id, line["amount"])
        return public(payment)
