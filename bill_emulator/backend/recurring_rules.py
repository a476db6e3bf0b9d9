"""bill_emulator.backend.recurring_rules
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

A recurring bill's fields and schedule as pure functions: the body checked, the dates of its
bills, and the day its next bill is made.

Sources (rows RB1-RB10 of ``docs/api-fidelity.md``): BILL's collection ("Create a recurring bill"
and its siblings: ``vendorId``, ``schedule {period, frequency, nextDueDate, endDate,
daysInAdvance}``, ``recurringBillLineItems[] {id, amount, description, classifications}``,
``processingOptions.autoPayment``, ``paymentInformation.bankAccountId``; PATCH keeps line ids, PUT
adds and removes lines) and BILL's recurring bills page (the four periods, ``frequency`` as
"every N periods", ``daysInAdvance`` as how early the bill is made, every bill whose day has
passed is made, the invoice number is the due date).

Why a series (``_series: {start, k}``): the k-th bill falls on ``start`` + k x frequency periods,
so a monthly bill anchored on the 31st falls on the last day of shorter months and comes back to
the 31st, rather than drifting to the 28th.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from bill_emulator.backend import validation as v
from bill_emulator.backend.bills import CLASSIFICATION_KEYS, MAX_LINES
from bill_emulator.backend.errors import ValidationFailed

PERIODS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
#: Bounds (the kit's; BILL documents none).
MAX_FREQUENCY = 999
MAX_DAYS_IN_ADVANCE = 365
#: How far in the past ``nextDueDate`` may be: every passed bill is made at once (BILL's page),
#: so this bounds that catch-up.
MAX_PAST_DAYS = 366
TEXT_MAX = 4000
#: The classification keys of BILL's recurring bill line (its bill lines also have customerId).
LINE_CLASSIFICATIONS = tuple(k for k in CLASSIFICATION_KEYS if k != "customerId")
SCHEDULE_KEYS = ("period", "frequency", "nextDueDate", "endDate", "daysInAdvance")


def _whole(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(path, f"must be a whole number from {low} to {high}")
    return value


def parse_schedule(
    value: object, *, today: date, last_day: date, given: frozenset[str] | None = None
) -> dict:
    """A whole ``schedule`` object, checked; dates stay ``yyyy-MM-dd`` text. ``given``: the
    keys the caller sent (a PATCH merges the rest from the stored schedule, whose
    ``nextDueDate`` may have moved past its ``endDate`` already); ``None``: all."""
    given = frozenset(SCHEDULE_KEYS) if given is None else given
    if not isinstance(value, dict):
        raise ValidationFailed("schedule", "must be an object {period, frequency, nextDueDate}")
    period = v.enum(value, "period", PERIODS, "schedule.period", required=True)
    frequency = _whole(value.get("frequency"), "schedule.frequency", 1, MAX_FREQUENCY)
    due = v.date_field(value, "nextDueDate", "schedule.nextDueDate", required=True)
    if "nextDueDate" in given and due < today - timedelta(days=MAX_PAST_DAYS):
        raise ValidationFailed(
            "schedule.nextDueDate",
            f"{due} is more than {MAX_PAST_DAYS} days before today {today}; every passed bill "
            "would be made at once",
        )
    if "nextDueDate" in given and due > last_day:
        raise ValidationFailed(
            "schedule.nextDueDate", f"{due} is after {last_day}, the last day the clock reaches"
        )
    schedule = {"period": period, "frequency": frequency, "nextDueDate": due.isoformat()}
    end = v.date_field(value, "endDate", "schedule.endDate")
    if end is not None:
        if end < due and given & {"endDate", "nextDueDate"}:
            raise ValidationFailed("schedule.endDate", f"{end} is before nextDueDate {due}")
        schedule["endDate"] = end.isoformat()
    advance = value.get("daysInAdvance", 0)
    schedule["daysInAdvance"] = _whole(advance, "schedule.daysInAdvance", 0, MAX_DAYS_IN_ADVANCE)
    return schedule


def parse_line(item: object, path: str) -> dict:
    """One template line: ``amount`` (> 0, cents), ``description``, ``classifications``; an
    ``id`` is kept for the caller to check."""
    if not isinstance(item, dict):
        raise ValidationFailed(path, "must be an object")
    line: dict = {"amount": v.money(item.get("amount"), f"{path}.amount")}
    text = v.string(item, "description", f"{path}.description", max_len=TEXT_MAX)
    if text is not None:
        line["description"] = text
    found = v.sub_object(item, "classifications", f"{path}.classifications", required=False)
    if found is not None:
        kept = {}
        for key in LINE_CLASSIFICATIONS:
            ident = v.string(found, key, f"{path}.classifications.{key}", max_len=100)
            if ident is not None:
                kept[key] = ident
        line["classifications"] = kept
    if "id" in item:
        line["id"] = v.string(item, "id", f"{path}.id", required=True, max_len=40)
    return line


def parse_lines(items: object) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise ValidationFailed("recurringBillLineItems", "must contain at least one line item")
    if len(items) > MAX_LINES:
        raise ValidationFailed("recurringBillLineItems", f"must contain at most {MAX_LINES}")
    return [parse_line(item, f"recurringBillLineItems[{i}]") for i, item in enumerate(items)]


def _add_months(day: date, months: int) -> date | None:
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    if year > 9999:
        return None
    month = month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def occurrence(start: date, period: str, frequency: int, k: int) -> date | None:
    """The due date of the k-th bill of a series (``None``: past year 9999, never)."""
    n = k * frequency
    try:
        if period == "DAILY":
            return start + timedelta(days=n)
        if period == "WEEKLY":
            return start + timedelta(weeks=n)
    except OverflowError:
        return None
    return _add_months(start, n if period == "MONTHLY" else 12 * n)


def next_make_day(doc: dict) -> str | None:
    """The day this recurring bill's next bill is made (``None``: archived, or its series has
    ended)."""
    schedule = doc["schedule"]
    due = schedule.get("nextDueDate")
    if doc["archived"] or due is None:
        return None
    if schedule.get("endDate") and due > schedule["endDate"]:
        return None
    made = date.fromisoformat(due) - timedelta(days=schedule["daysInAdvance"])
    return made.isoformat()


def advance(doc: dict) -> None:
    """Move the schedule to the series' next bill (after one was made)."""
    series = doc["_series"]
    series["k"] += 1
    schedule = doc["schedule"]
    nxt = occurrence(
        date.fromisoformat(series["start"]), schedule["period"], schedule["frequency"], series["k"]
    )
    if nxt is None:
        schedule.pop("nextDueDate", None)
    else:
        schedule["nextDueDate"] = nxt.isoformat()


def restart(doc: dict) -> None:
    """A new series from the schedule's ``nextDueDate`` (a new start, period or frequency)."""
    doc["_series"] = {"start": doc["schedule"]["nextDueDate"], "k": 0}
