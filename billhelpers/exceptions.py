"""
billhelpers.exceptions
~~~~~~~~~~~~~~~~~~~~~~

The kit's exceptions: one root, so ``except bh.BillError`` catches everything the kit raises.

Our exception hierarchy::

    BillError
    ├── InputError (ValueError)          caught before sending; nothing was sent
    │   └── AlreadyPaidError             the bill's due amount is already covered
    ├── ProductionGuardError             money movement in production without the opt-in
    ├── ConnectionProblem (ConnectionError)   timeout / dropped connection; no answer from BILL
    ├── UncertainPaymentError            a payment POST whose outcome had to be looked up
    └── BillAPIError                     BILL answered with its error array
        ├── SessionError                 sign-in failed or the session expired (BDC_1101/1102/1109)
        ├── MFAError                     untrusted session or wrong/expired MFA token
        ├── ValidationError (ValueError) BILL rejected a field (HTTP 400/422)
        ├── NotFoundError                unknown object id or path
        ├── RateLimitError               BDC_1144 / BDC_1322: slow down
        └── ServerError                  HTTP 5xx or BILL's "system error"

Why a tree and not one class: a notebook cell can catch exactly what it can fix (``MFAError`` →
ask for a token) and let the rest surface with BILL's code, message and a plain-words hint.
Constructors take keyword-only fields, and ``str(err)`` never contains a secret: the client
masks what it passes in.
"""

from __future__ import annotations


class BillError(Exception):
    """Root of everything billhelpers raises."""


class InputError(BillError, ValueError):
    """A value was rejected *before* sending: nothing reached BILL, nothing was created.

    ``field`` names the offending field (dotted path, e.g. ``paymentInformation.bankAccount
    .routingNumber``) and ``hint`` says how to fix it.
    """

    def __init__(self, message: str, *, field: str | None = None, hint: str | None = None):
        self.field = field
        self.message = message
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        head = f"{self.field}: {self.message}" if self.field else self.message
        return f"{head} — hint: {self.hint}" if self.hint else head

    def __repr__(self) -> str:
        return f"{type(self).__name__}(field={self.field!r}, message={self.message!r})"


class AlreadyPaidError(InputError):
    """The bill's ``dueAmount`` is already covered (paid or scheduled): a new payment would pay
    it twice. Nothing was sent."""


class ProductionGuardError(BillError):
    """A money-moving call in ``production`` before ``client.allow_production_payments()``.

    Why: a learner who pasted production credentials must not pay a real vendor by re-running a
    tutorial cell. Nothing was sent.
    """


class ConnectionProblem(BillError, ConnectionError):
    """No (complete) answer from BILL: connect failure, read timeout or dropped connection.

    For calls that are safe to repeat the client has already retried; this means it gave up.
    ``method``/``path`` say which call. ``sent`` is ``False`` only when the request certainly
    never left (the connection could not be opened: refused, unknown host, connect timeout), so
    BILL changed nothing; ``True`` when it was, or may have been, sent and no answer arrived
    (read timeout, connection dropped or reset), so BILL may have acted on it, or still be.
    ``unreachable`` is ``True`` when the host's name does not resolve or it refuses the
    connection: trying again at once will not help, so the client does not (it says what to
    check instead).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        path: str | None = None,
        sent: bool = True,
        unreachable: bool = False,
    ):
        self.method = method
        self.path = path
        self.sent = sent
        self.unreachable = unreachable
        super().__init__(message)


class UncertainPaymentError(BillError):
    """A payment POST got no clear answer (timeout, dropped connection, 5xx) and the client
    looked up what BILL recorded under its ``transactionNumber``.

    ``recorded`` is ``False`` when BILL finished with the request and has no such payment, or
    the request never left (safe to retry with the same body). It is ``None`` when the outcome
    is unknown: the look-up failed, or the request reached BILL without an answer (read
    timeout, dropped connection, gateway timeout) so BILL may still be processing it and an
    empty look-up proves nothing yet. Then do *not* retry before
    ``client.payments.find(transaction_number)``, asked again a moment later, returns ``None``;
    the client enforces it: it refuses (this error, nothing sent) to send that transactionNumber
    again until ``config.total_timeout`` seconds after the first request and a look-up made
    after that. A recorded payment is returned, not raised.
    """

    def __init__(
        self,
        message: str,
        *,
        transaction_number: str | None,
        recorded: bool | None,
        method: str = "POST",
        path: str = "/v3/payments",
        body: dict | None = None,
    ):
        self.transaction_number = transaction_number
        self.recorded = recorded
        #: The exact body that was sent (with its transactionNumber): resend *this* to retry.
        self.body = body
        self.method = method
        self.path = path
        super().__init__(message)

    @property
    def safe_to_retry(self) -> bool:
        """True only when BILL confirmed that no payment exists for the transactionNumber."""
        return self.recorded is False


class BillAPIError(BillError):
    """BILL answered with an error array; the first error becomes this exception.

    Attributes: ``code`` (``BDC_####``), ``message`` (BILL's text, verbatim), ``http_status``,
    ``severity``, ``category``, ``hint`` (the kit's plain words), ``method``/``path`` of the call,
    and ``errors`` (the whole array, for bulk calls that report per-bill problems).
    """

    #: Seconds from a ``Retry-After`` header, when BILL sent one.
    retry_after: float | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        severity: str | None = None,
        category: str | None = None,
        hint: str | None = None,
        method: str | None = None,
        path: str | None = None,
        errors: list | None = None,
    ):
        self.code = code
        self.message = message
        self.http_status = http_status
        self.severity = severity
        self.category = category
        self.hint = hint
        self.method = method
        self.path = path
        self.errors = errors or []
        super().__init__(message)

    def __str__(self) -> str:
        head = f"{self.code}: {self.message}" if self.code else self.message
        return f"{head} — hint: {self.hint}" if self.hint else head

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, http_status={self.http_status!r}, "
            f"method={self.method!r}, path={self.path!r}, message={self.message!r})"
        )


class SessionError(BillAPIError):
    """Sign-in failed (BDC_1101 wrong user/password, BDC_1102 bad devKey) or the session is
    invalid/expired (BDC_1109). The client already re-logged in once for BDC_1109."""


class MFAError(BillAPIError):
    """The call needs an MFA-trusted session (BDC_1361), or the MFA token was wrong/expired."""


class ValidationError(BillAPIError, ValueError):
    """BILL rejected a field (HTTP 400/422). Nothing was created."""


class NotFoundError(BillAPIError):
    """The object id or the API path is unknown (HTTP 404)."""


class RateLimitError(BillAPIError):
    """BDC_1144 (requests/logins per hour) or BDC_1322 (concurrent requests). Safe calls were
    already retried with exponential back-off; this means the client gave up.

    From a payment, raised only after the look-up found no payment under its
    ``transactionNumber``: nothing was paid, and ``body`` (with that transactionNumber) is what
    to send again later.
    """

    #: A payment's transactionNumber (comma-separated for a bulk payment), when a payment
    #: POST was rate-limited; ``None`` otherwise.
    transaction_number: str | None = None
    #: The exact payment body that was sent, for a later retry with the same transactionNumber.
    body: dict | None = None


class ServerError(BillAPIError):
    """HTTP 5xx or BILL's generic system error. Safe calls were already retried."""
