"""
billhelpers.masking
~~~~~~~~~~~~~~~~~~~

Hides secrets and bank numbers in anything the kit shows: displays, reprs, logs, exceptions.

Why one module: every output path (ApiResponse rendering, Config repr, error messages) calls the
same two functions, so a new secret field is masked everywhere by adding its name here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Fields whose whole value is secret: ids shown as their first 4 characters and "…" (enough
#: to tell two sessions apart); a password or MFA code shown not at all (see ``_HIDDEN_KEYS``).
SECRET_FIELDS = frozenset(
    {"password", "devKey", "sessionId", "rememberMeId", "mfaId", "token", "deviceId", "securityKey"}
)
#: Bank numbers: shown as their last four digits ("…6789"), the way BILL shows them.
BANK_FIELDS = frozenset({"accountNumber", "routingNumber"})

_SECRET_KEYS = {k.lower() for k in SECRET_FIELDS} | {"dev_key", "session_id", "remember_me_id"}
#: Values a person chose or typed: any character shown is a character given away.
_HIDDEN_KEYS = frozenset({"password", "token"})
HIDDEN = "********"
_BANK_KEYS = {k.lower() for k in BANK_FIELDS} | {"account_number", "routing_number"}


def mask_secret(value: object) -> str:
    """``"abcd…"``: enough to tell two sessions apart, not enough to use one."""
    if value is None:
        return "None"
    text = str(value)
    if not text:
        return ""
    return text[:4] + "…" if len(text) > 4 else "…"


def mask_bank_number(value: object) -> str:
    """``"…6789"``: the last four characters, like BILL's own masked numbers."""
    if value is None:
        return "None"
    text = str(value).lstrip("*xX•… ")
    return "…" + text[-4:] if text else "…"


def mask_field(key: str, value: object) -> object:
    """Mask ``value`` if ``key`` names a secret or bank-number field, else return it as is."""
    if value is None or isinstance(value, (dict, list)):
        return value
    lowered = key.lower()
    if lowered in _HIDDEN_KEYS:
        return HIDDEN
    if lowered in _SECRET_KEYS:
        return mask_secret(value)
    if lowered in _BANK_KEYS:
        return mask_bank_number(value)
    return value


def mask(data: object) -> object:
    """A deep copy of JSON-like ``data`` with every secret and bank number masked."""
    if isinstance(data, dict):
        return {
            k: mask(mask_field(k, v)) if isinstance(k, str) else mask(v) for k, v in data.items()
        }
    if isinstance(data, (list, tuple)):
        return [mask(v) for v in data]
    return data


#: ``name: value`` / ``"name": "value"`` / ``name=value`` for a secret field, in free text.
_NAMED_SECRET = re.compile(
    r"(?i)(\b(?:password|devKey|dev_key|sessionId|session_id|rememberMeId|remember_me_id|mfaId"
    r"|token|deviceId)\b[\"']?\s*[:=]\s*[\"']?)([^\s\"',;}\]]+)"
)
#: A run of 8 or more digits standing alone: a bank account (or routing) number. Ids such as
#: ``00n01DEMOBILL0000001`` are not touched (their digits touch letters).
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9]{8,}(?![0-9A-Za-z])")


def scrub_patterns(text: str) -> str:
    """Mask what looks secret in free text whoever wrote it: values named as secrets
    (``rememberMeId: …``) and long digit runs (shown as their last four, like BILL)."""
    text = _NAMED_SECRET.sub(lambda m: m.group(1) + HIDDEN, text)
    return _DIGIT_RUN.sub(lambda m: mask_bank_number(m.group(0)), text)


def scrub_text(text: str, secrets: Iterable[object]) -> str:
    """Replace each known secret value occurring in free ``text`` with its masked form, then
    mask what :func:`scrub_patterns` recognises.

    Used on BILL's error messages and exception text, in case a server echoes a value back.
    """
    text = str(text)
    for secret in secrets:
        if secret and isinstance(secret, str) and len(secret) >= 6 and secret in text:
            text = text.replace(secret, HIDDEN)
    return scrub_patterns(text)


def scrub_data(data: object, scrub) -> object:
    """A copy of JSON-like ``data`` with secret fields masked and ``scrub`` applied to every
    string (BILL's error array, kept as ``err.errors``)."""
    if isinstance(data, dict):
        return {k: scrub_data(mask_field(str(k), v), scrub) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [scrub_data(v, scrub) for v in data]
    return scrub(data) if isinstance(data, str) else data
