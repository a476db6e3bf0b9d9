"""
billhelpers.http._errormap
~~~~~~~~~~~~~~~~~~~~~

Turns BILL's error answer into the most specific :mod:`billhelpers.exceptions` class.

This is the one boundary where raw responses become exceptions (the client calls
:func:`error_from_response` and nothing else inspects error bodies), so the code → class → hint
table below is the single place to extend when BILL's 500+ codes surprise us.
"""

from __future__ import annotations

from billhelpers import exceptions as exc
from billhelpers import masking

#: BDC code → (exception class, plain-words hint). Codes marked "assumed" are the kit's choice
#: where BILL documents none (see docs/api-fidelity.md).
CODES: dict[str, tuple[type[exc.BillAPIError], str]] = {
    "BDC_1000": (
        exc.ValidationError,
        "fix the field named at the start of the message (or the object's state) and send again.",
    ),
    "BDC_1004": (
        exc.NotFoundError,
        "no such object in this organization: check the id (copy it from a listing).",
    ),
    "BDC_1145": (
        exc.RateLimitError,
        "at most 5 MFA text messages a minute; wait a minute before asking for a new code.",
    ),
    "BDC_1355": (
        exc.MFAError,
        "the MFA token does not match; type the 6 digits of the latest text message again.",
    ),
    "BDC_1001": (
        exc.ServerError,
        "BILL hit a system error; also sent for unknown parameters. "
        "Check the parameter names, then try again later.",
    ),
    "BDC_1002": (exc.ServerError, "BILL hit an unknown error; try again later."),
    "BDC_1101": (
        exc.SessionError,
        "check BILL_USERNAME and BILL_PASSWORD, and BILL_ORGANIZATION_ID: BILL gives this "
        "same answer for an unknown organization id. All three must belong to this "
        "environment (sandbox and production share no data).",
    ),
    "BDC_1102": (
        exc.SessionError,
        "check BILL_DEV_KEY; keys of the other environment "
        "(sandbox vs production) are invalid here.",
    ),
    "BDC_1109": (
        exc.SessionError,
        "the session expired (35 minutes idle) or was ended; call client.login(force=True).",
    ),
    "BDC_1121": (exc.NotFoundError, "this API path does not exist; check the URL and method."),
    "BDC_1144": (
        exc.RateLimitError,
        "too many requests or logins this hour; wait and reuse "
        "the session instead of logging in per call.",
    ),
    "BDC_1322": (
        exc.RateLimitError,
        "at most 3 concurrent requests per organization; send requests one after another.",
    ),
    "BDC_1152": (
        exc.ValidationError,
        "choose a processDate that is today or a later business day (yyyy-MM-dd).",
    ),
    "BDC_1402": (
        exc.ValidationError,
        "after a vendor's bank details change the payment must be "
        "at least two business days out; pick a later processDate.",
    ),
    "BDC_1356": (
        exc.MFAError,
        "the MFA token expired or was already used; call client.mfa.challenge() for a new one.",
    ),
    "BDC_1361": (
        exc.MFAError,
        "this call needs an MFA-trusted session: run client.mfa."
        "challenge() and client.mfa.validate(challenge_id, token), or log in with a "
        "remembered device.",
    ),
}

_BY_STATUS: dict[int, tuple[type[exc.BillAPIError], str]] = {
    400: (exc.ValidationError, "fix the field named in the message and send again."),
    401: (exc.SessionError, "log in again: client.login(force=True)."),
    403: (exc.MFAError, "this needs an MFA-trusted session or more permissions."),
    404: (exc.NotFoundError, "check the id (and that it belongs to this organization)."),
    409: (exc.ValidationError, "the object's state does not allow this change."),
    422: (exc.ValidationError, "fix the field named in the message and send again."),
    429: (exc.RateLimitError, "slow down and try again in a few seconds."),
}

#: Codes that mean "slow down": retried with back-off for calls that are safe to repeat.
RATE_LIMIT_CODES = frozenset({"BDC_1144", "BDC_1322"})
#: The session is gone: log in again and repeat once.
SESSION_EXPIRED_CODE = "BDC_1109"


def error_from_response(
    status: int,
    body: object,
    *,
    method: str | None = None,
    path: str | None = None,
    scrub=None,
) -> exc.BillAPIError:
    """Build the exception for an error answer (``body`` is the parsed JSON or the raw text).

    BILL's envelope is a list of ``{timestamp, code, severity, category, message}``; a dict or
    text (a proxy's HTML page) is accepted too. ``scrub`` removes secrets from BILL's text.
    """
    if scrub is None:
        scrub = masking.scrub_patterns
    errors = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    errors = masking.scrub_data(errors, scrub)  # err.errors never keeps BILL's raw text
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = first.get("code")
    code = code if isinstance(code, str) else None
    message = first.get("message")
    if message is None:
        message = (str(body)[:200] if body else "") or f"HTTP {status} without an error body"
    message = scrub(str(message))
    if code in CODES:
        cls, hint = CODES[code]
    elif status >= 500:
        cls, hint = exc.ServerError, "BILL had a server problem; try again later."
    else:
        cls, hint = _BY_STATUS.get(status, (exc.BillAPIError, None))
    if cls is exc.ServerError and status < 500:
        # BILL also sends its "system error" codes for malformed requests (HTTP 400): that is
        # the caller's problem, not BILL's, and repeating it cannot help.
        cls = exc.ValidationError
    return cls(
        message,
        code=code,
        http_status=status,
        severity=first.get("severity"),
        category=first.get("category"),
        hint=hint,
        method=method,
        path=path,
        errors=errors,
    )


def is_rate_limited(err: exc.BillAPIError) -> bool:
    """True for BILL's rate-limit codes (or a bare HTTP 429)."""
    return err.code in RATE_LIMIT_CODES or (err.code is None and err.http_status == 429)
