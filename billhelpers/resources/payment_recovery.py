"""
billhelpers.resources.payment_recovery
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

:class:`PaymentRecovery`: what the client's one request pipeline does when a payment POST
fails in a way that might hide a recorded payment. It looks the transactionNumber(s) up
*before* the call is repeated or the error raised, and either returns the payment BILL
recorded or says what happened and whether a retry is safe. Which recorded payment counts is
:mod:`billhelpers.rules.payment_identity`'s (live, and the one this body asked for).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from billhelpers.exceptions import BillError, ConnectionProblem, ServerError, UncertainPaymentError
from billhelpers.http import retry
from billhelpers.http.response import ApiResponse
from billhelpers.rules import payment_identity as identity

if TYPE_CHECKING:
    from billhelpers.resources.payments import Payments


class PaymentRecovery:
    """The pipeline's :class:`~billhelpers.http.retry.Recovery` for a payment POST: after any
    failure that might hide a recorded payment, look its transactionNumber(s) up *before* the
    call is repeated or the error raised, so neither the client nor a re-run cell can pay twice.

    Found: that payment is the answer. Not found after BILL refused the call unprocessed (rate
    limit, expired session): the pipeline may repeat it. Not found after a 5xx or a lost
    answer: the error says whether a retry is safe; a read timeout, dropped connection or
    gateway 502/504 means BILL may still be processing it (real BILL promises nothing).
    """

    def __init__(self, payments: Payments, path: str, body: dict, txns: list[str]):
        self.payments, self.path, self.body, self.txns = payments, path, body, txns
        #: For messages (``a, b``) and for ``err.transaction_number`` (``a`` or ``a,b``).
        self.listed, self.number = ", ".join(txns), ",".join(txns)

    def look_up(self, err: BillError) -> ApiResponse | None:
        if isinstance(err, ConnectionProblem) and not err.sent:
            return None  # it never left: there is nothing to look up
        return self._find_all(_describe(err), err)

    def give_up(self, err: BillError) -> BillError:
        if retry.rate_limited(err):
            told = copy.copy(err)  # the caller's error stays as BILL gave it
            told.transaction_number = self.number
            told.body = self.body
            told.hint = (
                f"{err.hint} Nothing was paid: BILL has no payment with "
                f"transactionNumber {self.listed}. To pay, send err.body again "
                "later (it keeps that transactionNumber), not a new body."
            )
            return told
        if isinstance(err, ConnectionProblem | ServerError):
            return self._not_recorded(_describe(err), err)
        return err

    def _not_recorded(self, what, err) -> UncertainPaymentError:
        """The error for a payment POST whose look-up found nothing."""
        if _may_still_be_processing(err):
            finds = " and ".join(f"client.payments.find({t!r})" for t in self.txns)
            return UncertainPaymentError(
                f"POST {self.path}: {what}. The request reached BILL, which may still be "
                f"processing it: BILL has no payment with transactionNumber {self.listed} yet, "
                "but that is not proof it will not be paid. Do NOT retry now: call "
                f"{finds} again in a moment, and resend err.body (the same transactionNumber) "
                "only if it still finds nothing once the request cannot be in flight any more "
                f"({self.payments.client.config.total_timeout:g} s after it was sent: the "
                "client refuses to send it again before then).",
                transaction_number=self.number,
                recorded=None,
                path=self.path,
                body=self.body,
            )
        if isinstance(err, ConnectionProblem) and not err.sent:
            why = "the request never reached BILL"
        else:
            why = f"BILL has no payment with transactionNumber {self.listed}"
        return UncertainPaymentError(
            f"POST {self.path}: {what}. {why[0].upper()}{why[1:]}, so nothing was paid: it is "
            "safe to retry with the same body (err.body keeps the transactionNumber).",
            transaction_number=self.number,
            recorded=False,
            path=self.path,
            body=self.body,
        )

    def _find_all(self, what, cause) -> ApiResponse | None:
        """The payment(s) BILL recorded under ``self.txns`` (recovered), ``None`` when none is, or
        ``UncertainPaymentError`` when the look-up fails or finds part of a bulk payment."""
        try:
            if self.path.endswith("/bulk"):
                rows = self.payments.recorded_for_items(self.body["payments"])
                found = [
                    identity.live_match(
                        rows[str(i["transactionNumber"])], identity.bulk_item(i, self.body)
                    )
                    for i in self.body["payments"]
                ]
            else:
                found = [self.payments.recorded_match(self.txns[0], self.body)]
        except BillError as err:
            raise UncertainPaymentError(
                f"POST {self.path}: {what}, and looking up transactionNumber {self.listed} "
                f"failed too ({err}). The payment may or may not exist: do NOT retry until "
                f"client.payments.find({self.txns[0]!r}) returns None.",
                transaction_number=self.number,
                recorded=None,
                path=self.path,
                body=self.body,
            ) from (cause or err)
        if all(found):
            return self.recovered(found, what)
        if any(found):
            missing = [t for t, f in zip(self.txns, found, strict=True) if not f]
            raise UncertainPaymentError(
                f"POST {self.path}: {what}; BILL recorded only part of the bulk payment (missing "
                f"transactionNumbers: {', '.join(missing)}). Check the bills before paying again.",
                transaction_number=self.number,
                recorded=None,
                path=self.path,
                body=self.body,
            )
        return None

    def recovered(self, payments: list[dict], what: str) -> ApiResponse:
        return self.payments.recovered(payments, what)


#: Gateway answers (bad gateway, gateway timeout): the gateway gave up, not necessarily the
#: server behind it, which may still be processing the request.
GATEWAY_STATUSES = frozenset({502, 504})


def _may_still_be_processing(err: BillError) -> bool:
    """True when the request reached BILL (or may have) and no answer from BILL's server came
    back, so the payment may be recorded after the look-up."""
    if isinstance(err, ConnectionProblem):
        return err.sent
    return isinstance(err, ServerError) and err.http_status in GATEWAY_STATUSES


def _describe(err: BillError) -> str:
    if retry.session_expired(err):
        return f"the session had expired ({err.code})"
    if retry.rate_limited(err):
        return f"BILL answered {err.code or err.http_status} (rate limit)"
    if isinstance(err, ServerError):
        return f"BILL answered HTTP {err.http_status} {err.code or ''}".rstrip()
    if isinstance(err, ConnectionProblem) and not err.sent:
        return "the connection to BILL could not be opened"
    return "the answer never arrived (timeout or dropped connection)"
