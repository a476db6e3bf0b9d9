"""bill_emulator.backend.errors
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's errors as exception classes, one per ``BDC_`` code, raised by the backend's rules.

Each class carries what BILL's error envelope needs (``code``, ``message``, ``severity``,
``category``) plus the HTTP status, so the WSGI layer serialises any of them the same way and the
backend stays free of HTTP. Codes and messages come from BILL's pages where BILL documents them;
the others are the kit's choices, listed as "assumed" in ``docs/api-fidelity.md``.
"""

from __future__ import annotations


class EmulatorError(Exception):
    """Root of the emulator's errors: one BILL error object (``code: message``).

    ``http_status`` is the status BILL answers with; ``category`` and ``severity`` are BILL's
    envelope fields. Subclasses fix the code; the message may name the field and the fix.
    """

    code = "BDC_1001"
    message = "System error occurred."
    http_status = 500
    category = "SERVER"
    severity = "ERROR"
    #: BILL's optional ``params`` list (``[{"name": ..., "value": ...}]``); left out when None.
    params: list[dict] | None = None

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        super().__init__(f"{self.code}: {self.message}")

    def to_json(self, timestamp: str) -> dict:
        """BILL's error object; its optional ``params``/``detail``/``help`` only when known."""
        obj = {
            "timestamp": timestamp,
            "code": self.code,
            "severity": self.severity,
            "category": self.category,
            "message": self.message,
        }
        if self.params:
            obj["params"] = self.params
        return obj


class MalformedRequest(EmulatorError):
    """Body is not JSON, or a query parameter is unknown (assumed: BILL's FAQ ties BDC_1001 to
    misspelt parameters and malformed request objects)."""

    code = "BDC_1001"
    http_status = 400
    category = "REQUEST"


class ValidationFailed(EmulatorError):
    """A field is missing, malformed or breaks a rule; the message starts with the field path
    (``address: must not be null``). The code is the kit's choice (assumed)."""

    code = "BDC_1000"
    http_status = 400
    category = "REQUEST"

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.params = [{"name": field}]  # BILL's params name the field at fault
        super().__init__(f"{field}: {problem}")


class InvalidCredentials(EmulatorError):
    code = "BDC_1101"
    message = "User name and/or password do not match our records."
    http_status = 401
    category = "DOWNSTREAM"


class InvalidDevKey(EmulatorError):
    code = "BDC_1102"
    message = "Developer key is invalid."
    http_status = 401
    category = "DOWNSTREAM"


class InvalidSession(EmulatorError):
    """Unknown, ended or expired session; BILL's text has two spaces after the full stop."""

    code = "BDC_1109"
    message = "Session is invalid.  Please log in."
    http_status = 401
    category = "DOWNSTREAM"


class ApiNotSupported(EmulatorError):
    code = "BDC_1121"
    message = "API not supported."
    http_status = 404
    category = "REQUEST"


class ObjectNotFound(EmulatorError):
    """An id in the path names nothing in this organization (code assumed)."""

    code = "BDC_1004"
    http_status = 404
    category = "REQUEST"

    def __init__(self, kind: str, obj_id: str) -> None:
        super().__init__(f"{kind} not found: {obj_id}")


class HourlyLimitReached(EmulatorError):
    code = "BDC_1144"
    http_status = 429
    category = "DOWNSTREAM"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Max number of allowed requests per hour reached: {limit}.")


class ConcurrentLimitReached(EmulatorError):
    code = "BDC_1322"
    message = "Max number of concurrent requests per organization reached."
    http_status = 429
    category = "DOWNSTREAM"


class TextLimitReached(EmulatorError):
    """More than 5 text messages (MFA challenges) a minute; code assumed."""

    code = "BDC_1145"
    http_status = 429
    category = "DOWNSTREAM"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Max number of text messages per minute reached: {limit}.")


class UntrustedSession(EmulatorError):
    code = "BDC_1361"
    message = "Untrusted session."
    http_status = 403
    category = "DOWNSTREAM"


class WrongMfaToken(EmulatorError):
    """The token does not match the challenge (code and message assumed)."""

    code = "BDC_1355"
    message = "Invalid MFA token."
    http_status = 400
    category = "DOWNSTREAM"


class ExpiredMfaToken(EmulatorError):
    """The challenge was used already or is older than its lifetime (BDC_1356 observed)."""

    code = "BDC_1356"
    message = "MFA token has expired."
    http_status = 400
    category = "DOWNSTREAM"


class InvalidProcessDate(EmulatorError):
    """Observed on BILL: HTTP 422 ``Invalid Process Date : yyyy-MM-dd``."""

    code = "BDC_1152"
    http_status = 422
    category = "APPLICATION"

    def __init__(self, value: str) -> None:
        super().__init__(f"Invalid Process Date : {value}")


class ProcessDateTooSoon(EmulatorError):
    """A vendor's bank account was added less than 2 business days before ``processDate``.

    BILL's create-vendor page states the rule; integrations observed this code and message
    with HTTP 400.
    """

    code = "BDC_1402"
    message = "Please select a payment processing date two business days out from today."
    http_status = 400
    category = "APPLICATION"


class MfaNotSetUp(EmulatorError):
    """An MFA challenge for a user with no validated phone (code and message assumed: BILL
    documents only that set-up comes before any challenge)."""

    code = "BDC_1000"
    message = (
        "MFA is not set up for this user: add a phone with POST /v3/mfa/setup and validate it "
        "with POST /v3/mfa/setup/validate first."
    )
    http_status = 400
    category = "APPLICATION"


class InvalidState(EmulatorError):
    """The object is in a state that forbids the action (e.g. cancel a cleared payment)."""

    code = "BDC_1000"
    http_status = 400
    category = "APPLICATION"


#: Messages for codes a fault injection may name (``POST /_emulator/faults``).
KNOWN_MESSAGES = {
    "BDC_1001": "System error occurred.",
    "BDC_1002": "Unknown error occurred.",
    "BDC_1101": InvalidCredentials.message,
    "BDC_1102": InvalidDevKey.message,
    "BDC_1109": InvalidSession.message,
    "BDC_1121": ApiNotSupported.message,
    "BDC_1144": "Max number of allowed requests per hour reached: 20000.",
    "BDC_1322": ConcurrentLimitReached.message,
    "BDC_1361": UntrustedSession.message,
}


def injected(status: int, code: str | None) -> EmulatorError:
    """The error a fault injection answers with: its code, BILL's message when known."""
    if code is None:
        code = "BDC_1322" if status == 429 else "BDC_1001"
    err = EmulatorError(KNOWN_MESSAGES.get(code, "Injected fault."), code=code)
    err.http_status = status
    err.category = "SERVER" if status >= 500 else "DOWNSTREAM"
    return err
