"""bill_emulator.backend.report
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The report card (issue 26): how safely a client used BILL, judged from what the emulator saw.

Everything here is a pure function over a list of :class:`Call` records (one per BILL call the
emulator served, oldest first), so each check can be tested without HTTP and gives the same
verdict to a client written in any language. The emulator's request path only notes the
:func:`call_facts` of a few calls (ids, vendor names, a fingerprint of a bill's lines: never a
header, a password, a session or a bank number); :mod:`bill_emulator.backend.controls` reads the
records of one organization since the last reset or fault-profile change and asks
:func:`grade`.

The checks, exactly (``docs/testing-your-integration.md`` tells what a correct client does):

``paid-twice``
    Two live payments on one bill where the POST that made the second came after an uncertain
    outcome of the POST that made the first, whatever their transaction numbers.
``blind-payment-retry``
    A payment POST for a bill after an uncertain payment POST for the same bill, with no look-up
    in between (a ``GET /v3/payments`` list unfiltered or filtered by that bill or that
    ``transactionNumber``, or ``GET /v3/bills/{that bill}``, answered 200); judged on the pattern,
    even when the emulator refused the second POST.
``duplicate-create``
    A vendor created with the name (case-insensitive) of a vendor created earlier in the run and
    not archived since; or a bill created for the same vendor, amount and lines as one whose
    create was recorded but answered with an uncertain outcome.
``backoff``
    Per organization: nothing sent before a rate-limit answer's ``Retry-After`` has passed (1 s
    when it has none); and the retries of one method and path (a call again after a 429, a 5xx or
    no answer) wait no less than the previous retry's wait (less 10% and 20 ms of timer jitter),
    except a wait after an answer with ``Retry-After``, which that header governs.
``concurrency``
    A call that arrived while 3 of the organization's calls were in flight, refused or not.
``login-budget``
    More logins than the run needed plus 2 (needed: one, plus one per ``BDC_1109`` answer, plus
    one per login whose answer was lost, refused or a 5xx), or more than 200 logins within an
    hour.
``untrusted-payment``
    A second payment POST refused with ``BDC_1361`` (a 401 from an ended session does not count).

An *uncertain outcome* is no answer (the connection dropped, status 0 here; or the client gave
up on a read timeout and closed the connection before the answer was written, ``Call.unsent``)
or a 5xx. A 429 or another 4xx is a refusal. ``passed`` is ``None`` when the run gave the check
nothing to judge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bill_emulator.backend.report_calls import (
    _BILL_CREATES,
    _VENDOR_CREATES,
    PAYMENT_POSTS,
    Call,
)

#: The check ids, in the order the card lists them.
CHECK_IDS = (
    "paid-twice",
    "blind-payment-retry",
    "duplicate-create",
    "backoff",
    "concurrency",
    "login-budget",
    "untrusted-payment",
)

#: What each check catches, one line (the card's table and the docs).
TITLES = {
    "paid-twice": "a bill paid twice after a lost payment answer",
    "blind-payment-retry": "a payment sent again after an uncertain outcome, without a look-up",
    "duplicate-create": "a vendor or bill created again instead of found",
    "backoff": "calls sent sooner than a rate limit or the previous retry allowed",
    "concurrency": "more than 3 calls in flight for the organization",
    "login-budget": "more logins than the run needed, or over 200 an hour",
    "untrusted-payment": "payments repeated from a session that is not MFA-trusted",
}

#: BILL's concurrent-call limit per organization (BDC_1322) and login limit per hour.
MAX_IN_FLIGHT = 3
LOGINS_PER_HOUR = 200
#: How much a retry's wait may fall short of the previous one (timer jitter).
JITTER_RATIO, JITTER_MS = 0.9, 20
#: Evidence lines kept per check (the count of the rest is added).
MAX_EVIDENCE = 10
_HOUR_MS = 3_600_000


def _verdict(evidence: list[str], judged: bool) -> tuple[bool | None, list[str]]:
    if not judged:
        return None, []
    shown = evidence[:MAX_EVIDENCE]
    if len(evidence) > MAX_EVIDENCE:
        shown.append(f"… and {len(evidence) - MAX_EVIDENCE} more")
    return not evidence, shown


#: A payment in one of these (its ``singleStatus``, else its ``status``) can never move money
#: again: canceled while scheduled, or voided. Every other status is live, a failed disbursement
#: too (BILL holds the money and may reissue it until the payment is voided), so a second
#: payment after it may pay the bill twice. The kit's client keeps the same rule
#: (``billhelpers.rules.payment_identity``); tests/test_shared_facts.py compares them.
ENDED_STATUSES = frozenset({"CANCELED", "CANCELLED", "VOIDED", "VOID", "FUNDING_FAILED_VOIDED"})


def is_live(payment: dict) -> bool:
    """Whether a stored payment has moved, or may still move, money for its bill."""
    status = str(payment.get("singleStatus") or payment.get("status") or "").upper()
    return status not in ENDED_STATUSES


def paid_twice(calls: list[Call], live: set[str]) -> tuple[bool | None, list[str]]:
    """``live``: the ids of the payments still live in the ledger (:func:`is_live`)."""
    posts = [c for c in calls if c.endpoint in PAYMENT_POSTS]
    by_bill: dict[str, list[tuple[Call, str]]] = defaultdict(list)
    for call in posts:
        for bill_id, payment_id in call.facts.get("paid", []):
            if payment_id in live:
                by_bill[bill_id].append((call, payment_id))
    evidence = []
    for bill_id, made in by_bill.items():
        for j in range(1, len(made)):
            later, later_id = made[j]
            for earlier, earlier_id in made[:j]:
                if earlier.uncertain and earlier.n < later.n:
                    evidence.append(
                        f"bill {bill_id}: payment {earlier_id} made by {earlier.label()}, then "
                        f"payment {later_id} by #{later.n}: both live"
                    )
                    break
    return _verdict(evidence, bool(posts))


def _looks_up(call: Call, bill_id: str, txns: Iterable[str]) -> bool:
    if call.status != 200 or call.method != "GET":
        return False
    if call.path == f"/v3/bills/{bill_id}":
        return True
    if call.endpoint != "list_payments":
        return False
    filters = call.facts.get("filters") or ""
    return not filters or bill_id in filters or any(t and t in filters for t in txns)


def blind_payment_retry(calls: list[Call]) -> tuple[bool | None, list[str]]:
    pending: dict[str, Call] = {}  # bill → its last payment POST, when uncertain
    evidence, judged = [], False
    for call in calls:
        if call.endpoint in PAYMENT_POSTS:
            judged = True
            for bill_id in call.facts.get("billIds", []):
                earlier = pending.get(bill_id)
                if earlier is not None:
                    evidence.append(
                        f"bill {bill_id}: {earlier.label()}, then #{call.n} POST "
                        f"{call.path} for it again with no look-up in between"
                    )
                if call.uncertain:
                    pending[bill_id] = call
                else:
                    pending.pop(bill_id, None)
        elif pending and call.method == "GET":
            for bill_id in [b for b, p in pending.items() if _looks_up(call, b, _txns(p))]:
                del pending[bill_id]
    return _verdict(evidence, judged)


def _txns(call: Call) -> list[str]:
    return call.facts.get("txns", [])


def duplicate_create(calls: list[Call]) -> tuple[bool | None, list[str]]:
    vendors: dict[str, tuple[str, Call]] = {}  # name → (live vendor created in the run, by)
    lost_bills: dict[str, tuple[str, Call]] = {}  # fingerprint → (bill recorded, lost answer)
    evidence, judged = [], False
    for call in calls:
        endpoint = call.endpoint
        if endpoint in _VENDOR_CREATES:
            judged = True
            names, created = call.facts.get("names", []), call.facts.get("created", [])
            for name, vendor_id in zip(names, created, strict=False):
                if name in vendors:
                    first_id, first = vendors[name]
                    evidence.append(
                        f"vendor {name!r}: {vendor_id} created by #{call.n} while {first_id} "
                        f"(created by {first.label()}) was live"
                    )
                else:
                    vendors[name] = (vendor_id, call)
        elif endpoint in _BILL_CREATES:
            judged = True
            prints, created = call.facts.get("bills", []), call.facts.get("created", [])
            for fingerprint, bill_id in zip(prints, created, strict=False):
                if fingerprint in lost_bills:
                    first_id, first = lost_bills[fingerprint]
                    evidence.append(
                        f"bill {bill_id} created by #{call.n} for the same vendor, amount and "
                        f"lines as {first_id}, recorded by {first.label()}"
                    )
                elif call.uncertain:
                    lost_bills[fingerprint] = (bill_id, call)
        elif (
            call.method == "POST"
            and call.status == 200
            and call.path.startswith("/v3/vendors/")
            and call.path.endswith("/archive")
        ):
            archived = call.path.split("/")[3]
            for name in [n for n, (vid, _) in vendors.items() if vid == archived]:
                del vendors[name]
    return _verdict(evidence, judged)


def backoff(calls: list[Call]) -> tuple[bool | None, list[str]]:
    evidence, judged = [], False
    by_org: dict[str | None, list[Call]] = defaultdict(list)
    for call in calls:
        by_org[call.org].append(call)
    for org_calls in by_org.values():
        judged |= any(c.failed for c in org_calls)
        evidence += _backoff_of_one(org_calls)
    return _verdict(evidence, judged)


def _backoff_of_one(calls: list[Call]) -> list[str]:
    evidence = []
    # 1. nothing sent before a rate-limit answer's Retry-After (1 s without one) has passed
    refusals = [c for c in calls if c.status == 429]
    for refusal in refusals:
        wait_ms = (refusal.retry_after if refusal.retry_after is not None else 1.0) * 1000
        too_soon = [
            c
            for c in calls
            # after the refusal was answered: the same millisecond counts (loopback is fast)
            if c.n > refusal.n
            and refusal.done_ms <= c.arrival_ms < refusal.done_ms + wait_ms - JITTER_MS
        ]
        if too_soon:
            first = too_soon[0]
            evidence.append(
                f"{refusal.label()} asked for {wait_ms / 1000:g} s; #{first.n} {first.method} "
                f"{first.path} came {(first.arrival_ms - refusal.done_ms) / 1000:.3f} s later"
                + (f" (and {len(too_soon) - 1} more)" if len(too_soon) > 1 else "")
            )
    # 2. the retries of one method and path wait no less than the previous retry did
    last: dict[tuple[str, str], Call] = {}
    base: dict[tuple[str, str], float] = {}  # the last judged wait of the current chain (ms)
    for call in calls:
        key = (call.method, call.path)
        previous = last.get(key)
        last[key] = call
        if previous is None or not previous.failed:
            base.pop(key, None)
            continue
        wait = call.arrival_ms - previous.done_ms
        if previous.retry_after is not None:  # the header governs this wait (rule 1)
            continue
        floor = base.get(key)
        if floor is not None and wait < floor * JITTER_RATIO - JITTER_MS:
            evidence.append(
                f"#{call.n} {call.method} {call.path} retried {wait / 1000:.3f} s after "
                f"{previous.label()}, sooner than the previous retry's {floor / 1000:.3f} s"
            )
        base[key] = wait
    return evidence


def concurrency(calls: list[Call]) -> tuple[bool | None, list[str]]:
    evidence = [
        f"{c.label()} arrived with {c.in_flight} calls of the organization in flight"
        for c in calls
        if c.in_flight >= MAX_IN_FLIGHT
    ]
    return _verdict(evidence, bool(calls))


def login_budget(calls: list[Call]) -> tuple[bool | None, list[str]]:
    logins = [c for c in calls if c.method == "POST" and c.path == "/v3/login"]
    if not logins:
        return _verdict([], False)
    ended = sum(1 for c in calls if c.code == "BDC_1109")
    unanswered = sum(1 for c in logins if c.uncertain or c.status >= 400)
    needed = 1 + ended + unanswered
    evidence = []
    if len(logins) > needed + 2:
        evidence.append(
            f"{len(logins)} logins; the run needed {needed} (1, plus {ended} for sessions ended "
            f"with BDC_1109, plus {unanswered} for logins lost, refused or answered 5xx), "
            "and 2 more are allowed: reuse the session"
        )
    start = 0
    for end, login in enumerate(logins):
        while login.arrival_ms - logins[start].arrival_ms >= _HOUR_MS:
            start += 1
        if end - start + 1 > LOGINS_PER_HOUR:
            evidence.append(
                f"{end - start + 1} logins within an hour by {login.label()}: over BILL's "
                f"{LOGINS_PER_HOUR} an hour"
            )
            break
    return _verdict(evidence, True)


def untrusted_payment(calls: list[Call]) -> tuple[bool | None, list[str]]:
    posts = [c for c in calls if c.endpoint in PAYMENT_POSTS]
    refused = [c for c in posts if c.code == "BDC_1361"]
    evidence = []
    if len(refused) >= 2:
        evidence = [c.label() for c in refused]
        evidence.insert(
            0,
            f"{len(refused)} payment POSTs refused with BDC_1361 (untrusted session): "
            "trust the session with MFA before paying, once",
        )
    return _verdict(evidence, bool(posts))


def payments_to_check(calls: list[Call]) -> set[str]:
    """The payments the ledger must say are live or not: those on bills paid more than once."""
    by_bill: dict[str, list[str]] = defaultdict(list)
    for call in calls:
        if call.endpoint in PAYMENT_POSTS:
            for bill_id, payment_id in call.facts.get("paid", []):
                by_bill[bill_id].append(payment_id)
    return {p for ids in by_bill.values() if len(ids) > 1 for p in ids}


def grade(calls: list[Call], live: set[str], checks: Iterable[str] = CHECK_IDS) -> list[dict]:
    """The card's checks: ``[{"id", "passed", "title", "evidence"}]`` in ``CHECK_IDS`` order."""
    wanted = set(checks)
    judges = {
        "paid-twice": lambda: paid_twice(calls, live),
        "blind-payment-retry": lambda: blind_payment_retry(calls),
        "duplicate-create": lambda: duplicate_create(calls),
        "backoff": lambda: backoff(calls),
        "concurrency": lambda: concurrency(calls),
        "login-budget": lambda: login_budget(calls),
        "untrusted-payment": lambda: untrusted_payment(calls),
    }
    card = []
    for check_id in CHECK_IDS:
        if check_id in wanted:
            passed, evidence = judges[check_id]()
            card.append(
                {
                    "id": check_id,
                    "passed": passed,
                    "title": TITLES[check_id],
                    "evidence": evidence,
                }
            )
    return card


def overall(card: list[dict]) -> bool | None:
    """False if any check failed; True if any passed and none failed; None if none judged."""
    verdicts = [c["passed"] for c in card]
    if False in verdicts:
        return False
    return True if True in verdicts else None


def table(card: list[dict]) -> str:
    """The card as a plain-text table (one line a check, then its evidence indented)."""
    marks = {True: "pass", False: "FAIL", None: "n/a"}
    width = max(len(c["id"]) for c in card)
    lines = [f"{'check':<{width}}  result  what it catches", "-" * (width + 60)]
    for check in card:
        lines.append(f"{check['id']:<{width}}  {marks[check['passed']]:<6}  {check['title']}")
        if check["passed"] is None:
            lines.append(f"{'':<{width}}          (nothing in this run to judge it by)")
        for item in check["evidence"]:
            lines.append(f"{'':<{width}}          - {item}")
    return "\n".join(lines)
