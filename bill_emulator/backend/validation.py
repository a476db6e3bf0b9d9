"""bill_emulator.backend.validation
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Field checks shared by the resources, each raising BILL's 400 error that names the field.

Why here and not in the resources: vendors, bills and payments share the same formats (dates,
money, ISO countries, bank numbers), and one implementation keeps their messages identical.
Money arrives as ``int`` or ``Decimal`` (the HTTP layer parses JSON floats as ``Decimal``) and
leaves as integer cents, so no value is ever rounded through a float.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from bill_emulator.backend.errors import MalformedRequest, ValidationFailed

#: ISO 3166-1 alpha-2 codes (officially assigned).
COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()  # noqa: SIM905 - a table reads better as text
)

# [0-9], not \d: \d also matches other scripts' digits (Arabic-Indic, Devanagari, ...), which
# BILL's bank numbers and dates cannot hold (issue 15).
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

#: Largest amount accepted, in cents (a sanity bound; BILL's is undocumented).
MAX_CENTS = 99_999_999_999
_MAX_AMOUNT = Decimal(MAX_CENTS).scaleb(-2)


def body_object(body: object) -> dict:
    """The request body must be a JSON object."""
    if not isinstance(body, dict):
        raise MalformedRequest("Request body must be a JSON object.")
    return body


def sub_object(body: dict, key: str, path: str, *, required: bool) -> dict | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ValidationFailed(path, "must not be null")
        return None
    if not isinstance(value, dict):
        raise ValidationFailed(path, "must be an object")
    return value


def string(
    body: dict,
    key: str,
    path: str | None = None,
    *,
    required: bool = False,
    max_len: int | None = None,
) -> str | None:
    """A string field; ``required`` also refuses blank strings."""
    path = path or key
    value = body.get(key)
    if value is None:
        if required:
            raise ValidationFailed(path, "must not be null")
        return None
    if not isinstance(value, str):
        raise ValidationFailed(path, "must be a string")
    if required and not value.strip():
        raise ValidationFailed(path, "must not be blank")
    if max_len is not None and len(value) > max_len:
        raise ValidationFailed(path, f"size must be between 0 and {max_len}")
    return value


def enum(
    body: dict,
    key: str,
    allowed: tuple[str, ...],
    path: str | None = None,
    *,
    default: str | None = None,
    required: bool = False,
) -> str | None:
    path = path or key
    value = string(body, key, path, required=required)
    if value is None:
        return default
    if value not in allowed:
        raise ValidationFailed(path, f"must be one of {', '.join(allowed)}")
    return value


def boolean(body: dict, key: str, path: str | None = None, *, default: bool = False) -> bool:
    """true/false; also the strings "true"/"false", which BILL's own examples send (its MFA
    challenge example has ``"useBackup": "false"``) and its JSON reader takes."""
    value = body.get(key)
    if value is None:
        return default
    if value in ("true", "false"):
        return value == "true"
    if not isinstance(value, bool):
        raise ValidationFailed(path or key, "must be true or false")
    return value


def date_field(body: dict, key: str, path: str | None = None, *, required: bool = False):
    """A ``yyyy-MM-dd`` date; returns ``datetime.date`` or ``None``."""
    path = path or key
    value = string(body, key, path, required=required)
    if value is None:
        return None
    return parse_date(value, path)


def parse_date(value: str, path: str) -> date:
    if not _DATE.fullmatch(value):
        raise ValidationFailed(path, f"must be a date in yyyy-MM-dd format, not {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(path, f"is not a valid date: {value!r}") from None


def country(value: str | None, path: str) -> str | None:
    if value is None:
        return None
    if value not in COUNTRIES:
        raise ValidationFailed(path, f"must be an ISO 3166-1 alpha-2 country code, not {value!r}")
    return value


def email(value: str | None, path: str) -> str | None:
    if value is not None and not _EMAIL.fullmatch(value):
        raise ValidationFailed(path, "must be a well-formed email address")
    return value


def routing_number(value: str | None, path: str) -> str | None:
    """A 9-digit ABA routing number with a valid checksum (3-7-1 weights)."""
    if value is None:
        return None
    if not (len(value) == 9 and _DIGITS.fullmatch(value)):
        raise ValidationFailed(path, "must be a 9-digit ABA routing number")
    d = [int(c) for c in value]
    total = 3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])
    if total % 10:
        raise ValidationFailed(path, "is not a valid ABA routing number (checksum failed)")
    return value


def account_number(value: str | None, path: str) -> str | None:
    """Digits only, 4 to 17 of them (the US ACH range)."""
    if value is None:
        return None
    if not _DIGITS.fullmatch(value):
        raise ValidationFailed(path, "must contain digits only")
    if not 4 <= len(value) <= 17:
        raise ValidationFailed(path, "must have between 4 and 17 digits")
    return value


def mask(number: str) -> str:
    """What BILL shows of a bank number: the last four digits."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def money(value: object, path: str, *, required: bool = True, allow_zero: bool = False):
    """An amount > 0 with at most two decimals, as integer cents.

    The size is checked before any arithmetic, so ``1e999999`` or a 5,000-digit number is "too
    large" rather than a ``decimal.Overflow`` (issue 15).
    """
    if value is None:
        if required:
            raise ValidationFailed(path, "must not be null")
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise ValidationFailed(path, "must be a number")
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValidationFailed(path, "must be a finite number")
    if amount.copy_abs() > _MAX_AMOUNT:
        raise ValidationFailed(path, "must be greater than 0" if amount < 0 else "is too large")
    cents = amount.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValidationFailed(path, "must have at most 2 decimal places")
    cents = int(cents)
    if cents < 0 or (cents == 0 and not allow_zero):
        raise ValidationFailed(path, "must be greater than 0")
    return cents


def to_decimal(cents: int) -> Decimal:
    """Cents back to an exact two-place ``Decimal`` (``12550`` -> ``125.50``)."""
    return Decimal(cents).scaleb(-2)


def object_id(
    body: dict, key: str, prefix: str, path: str | None = None, *, required: bool = True
) -> str | None:
    """An id field that must begin with BILL's prefix for that kind of object."""
    path = path or key
    value = string(body, key, path, required=required)
    if value is not None and not value.startswith(prefix):
        raise ValidationFailed(path, f"must be an id beginning with {prefix}")
    return value
