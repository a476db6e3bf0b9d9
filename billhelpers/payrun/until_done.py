"""
billhelpers.payrun.until_done
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

A payment run started again from its file after each failure, until nothing is left to pay: what
a person does after a lost answer, a rate limit or a 5xx, done without one (demo only: the
tests and benchmarks that grade the run under the emulator's fault profiles).

Why starting again is safe: every step of :class:`~billhelpers.payrun.run.PaymentRun` reads
BILL's state and does only what is missing, and payments carry their bill's transaction number,
so a bill paid by the attempt that failed is found, not paid again. Nothing here repeats a call:
after an uncertain outcome or a refusal it waits (at least BILL's ``Retry-After``, and longer
each time) and runs the whole file again. Any other error (a bill BILL refuses, bad input) is
raised at once: waiting does not fix it.
"""

from __future__ import annotations

import datetime as _dt
import time
from collections import Counter
from collections.abc import Callable

from billhelpers.exceptions import BillError, InputError, UncertainPaymentError
from billhelpers.http import guard, retry
from billhelpers.payrun.exports import ExportRow
from billhelpers.payrun.go_no_go import Verdict
from billhelpers.payrun.run import PaymentRun


def worth_another_run(err: BillError) -> bool:
    """A failure a later run may get past: uncertain, refused for now, or an ended session."""
    return isinstance(err, UncertainPaymentError) or retry.may_hide_a_result(err)


def run_until_done(
    client,
    rows: list[ExportRow],
    *,
    vendor_details: dict[str, dict],
    trust: Callable[[], None],
    attempts: int = 16,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Run ``rows`` until no bill is left to pay (demo only). ``trust()`` makes the session
    MFA-trusted (it is called whenever the session is not); the process date is chosen once, by
    the first run that gets that far. Returns ``{"verdicts", "runs", "failures", "waited_s"}``:
    the last pre-flight (nothing "go"), how many runs it took, the failures met by kind, and the
    seconds waited. Raises :class:`~billhelpers.exceptions.InputError` outside demo (the name
    ``demo`` with a base URL that is not this machine's is outside: ``guard.is_local_demo``),
    the error itself when waiting cannot help, and ``RuntimeError`` after ``attempts`` runs."""
    if not guard.is_local_demo(client.config.environment, client.base_url):
        raise InputError(
            "run_until_done() pays without asking anyone: it runs against the emulator only "
            f"(demo, on this machine; not {client.config.environment} at {client.base_url})",
            field="environment",
            hint="outside demo, run the steps yourself and confirm each payment",
        )
    day: _dt.date | None = None
    wait, waited = 1.0, 0.0
    failures: Counter = Counter()
    cap = client.config.backoff_cap
    for runs in range(1, attempts + 1):
        try:
            if not client.is_trusted:
                trust()
            run = PaymentRun(client, rows, vendor_details=vendor_details, progress=False)
            run.refresh()
            run.create_missing()
            day = day or run.run_date()  # one date: it stays valid for every later run
            verdicts: list[Verdict] = run.preflight(day)
            if not any(v.go for v in verdicts):
                return {
                    "verdicts": verdicts,
                    "runs": runs,
                    "failures": dict(failures),
                    "waited_s": waited,
                }
            run.reconcile(run.pay(verdicts, day))
        except BillError as err:
            if not worth_another_run(err):
                raise
            failures[type(err).__name__] += 1
            pause = min(cap, max(wait, getattr(err, "retry_after", None) or 0.0))
            sleep(pause)
            waited += pause
            wait *= 2
    raise RuntimeError(f"the payment run did not finish in {attempts} runs: {dict(failures)}")
