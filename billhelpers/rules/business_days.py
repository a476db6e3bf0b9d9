"""
billhelpers.rules.business_days
~~~~~~~~~~~~~~~~~~~~~~~~~

Which ``processDate`` BILL accepts, worked out before a payment is sent.

Why the client knows this: BILL refuses a payment whose ``processDate`` falls on a weekend or a
US bank holiday (``BDC_1152``, observed), or, for 2 business days after a vendor's bank account
was added, any earlier date (BILL's create-vendor page: BILL needs 2 business days to verify
the account; ``BDC_1402`` observed). A learner should read the earliest valid date in the
error, not guess after a refusal. The calendar is the ``holidays`` library's Federal Reserve
calendar (``XFED``: a Sunday holiday closes the Monday
after; a Saturday one closes nothing), the days US banks' ACH does not run.

The emulator has its own copy of these rules (it never imports the client); the tests check
that both agree.
"""

from __future__ import annotations

import datetime as _dt
import functools
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

_ONE_DAY = _dt.timedelta(days=1)


class _FederalReserveHolidays(type(holidays.financial_holidays("XFED"))):
    """The Federal Reserve's holidays (``holidays``' ``XFED``), for every year a date can name:
    the library stops at 2100 by default, and a day it does not know must not pass for a
    business day."""

    end_year = 9999


@functools.lru_cache(maxsize=64)
def _holidays_of(year: int) -> dict[_dt.date, str]:
    """One year's bank holidays and their names, computed once."""
    return dict(_FederalReserveHolidays(years=year))


def holiday_name(day: _dt.date) -> str | None:
    """Why ``day`` is a bank holiday (``"Christmas Day"``, ``"… (observed)"``), else None."""
    return _holidays_of(day.year).get(day)


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


def earliest_process_date(vendor: Mapping | None = None, *, today: _dt.date) -> _dt.date:
    """The earliest ``processDate`` worth sending: a business day, not before ``today``, and,
    for a vendor whose bank account is new, :data:`VENDOR_BANK_WAIT` business days after it.

    ``today`` is BILL's today (``client.today()``), never this computer's: the two differ in a
    US evening (BILL counts the UTC date) and whenever the emulator's test clock has moved."""
    earliest = first_business_day(today)
    wait = bank_account_wait_until(vendor)
    return max(earliest, wait) if wait else earliest
