"""
billhelpers.business_days
~~~~~~~~~~~~~~~~~~~~~~~~~

Which ``processDate`` BILL accepts, worked out before a payment is sent.

Why the client knows this: BILL refuses a payment whose ``processDate`` falls on a weekend or a
US bank holiday (``BDC_1152``, observed), or, for 2 business days after a vendor's bank account
was added, any earlier date (BILL's create-vendor page: BILL needs 2 business days to verify
the account; ``BDC_1402`` observed). A learner should read the earliest valid date in the
error, not guess after a refusal. The calendar is the ``holidays`` library's US federal
holidays with the Federal Reserve's rule (a Sunday holiday closes the Monday after; a Saturday
one does not move), the days US banks' ACH does not run.

The emulator has its own copy of these rules (it never imports the client); the tests check
that both agree.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping

import holidays

__all__ = (
    "VENDOR_BANK_WAIT",
    "add_business_days",
    "bank_account_wait_until",
    "earliest_process_date",
    "first_business_day",
    "holiday_name",
    "is_business_day",
    "next_business_day",
)

#: Business days BILL takes to verify a vendor bank account just added.
VENDOR_BANK_WAIT = 2

# Years filled in up front, so server threads only read it (later years are added on use).
_US_HOLIDAYS = holidays.US(
    observed=False, years=range(_dt.date.today().year - 1, _dt.date.today().year + 11)
)
_ONE_DAY = _dt.timedelta(days=1)


def holiday_name(day: _dt.date) -> str | None:
    """Why ``day`` is a bank holiday (``"Christmas Day"``, ``"… (observed)"``), else None."""
    if day in _US_HOLIDAYS:
        return _US_HOLIDAYS.get(day)
    if day.weekday() == 0 and day - _ONE_DAY in _US_HOLIDAYS:
        return f"{_US_HOLIDAYS.get(day - _ONE_DAY)} (observed)"
    return None


def is_business_day(day: _dt.date) -> bool:
    """A weekday that is not a US bank holiday."""
    return day.weekday() < 5 and holiday_name(day) is None


def add_business_days(day: _dt.date, count: int) -> _dt.date:
    """``count`` business days after ``day`` (``day`` itself need not be one)."""
    for _ in range(count):
        day += _ONE_DAY
        while not is_business_day(day):
            day += _ONE_DAY
    return day


def next_business_day(day: _dt.date) -> _dt.date:
    return add_business_days(day, 1)


def first_business_day(day: _dt.date) -> _dt.date:
    """``day`` when it is a business day, else the next one."""
    return day if is_business_day(day) else next_business_day(day)


def _created_date(vendor: Mapping) -> _dt.date | None:
    created = vendor.get("createdTime")
    if not created:
        return None
    try:
        stamp = _dt.datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_dt.UTC)
    return stamp.date()


def bank_account_wait_until(vendor: Mapping | None) -> _dt.date | None:
    """The first processDate BILL can allow for a vendor whose bank account came with it.

    BILL shows no time for a vendor bank account, so the vendor's ``createdTime`` stands in:
    an account given at creation was added then, and one added later only waits longer (BILL
    answers ``BDC_1402`` for those). ``None`` for a vendor without a bank account.
    """
    if not vendor or not (vendor.get("paymentInformation") or {}).get("bankAccount"):
        return None
    created = _created_date(vendor)
    return add_business_days(created, VENDOR_BANK_WAIT) if created else None


def earliest_process_date(
    vendor: Mapping | None = None, *, today: _dt.date | None = None
) -> _dt.date:
    """The earliest ``processDate`` worth sending: a business day, not before today, and, for a
    vendor whose bank account is new, :data:`VENDOR_BANK_WAIT` business days after it."""
    earliest = first_business_day(today or _dt.date.today())
    wait = bank_account_wait_until(vendor)
    return max(earliest, wait) if wait else earliest
