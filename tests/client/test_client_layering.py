"""The client's rules of conduct between its parts, checked on its source (the direction of
every import is import-linter's: tests/test_layers.py)."""

from __future__ import annotations

import re
from pathlib import Path

from kit_helpers import imported_names

import billhelpers

CLIENT = Path(billhelpers.__file__).parent
#: ``client._x`` / ``self.client._x`` / ``client.session._x``: a resource reaching into the
#: client's (or its session's) private attributes.
_PRIVATE = re.compile(r"\bclient\.(?:session\.)?_\w+")


def test_resources_use_only_public_attributes_of_client_and_session():
    found = []
    for path in sorted((CLIENT / "resources").glob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if _PRIVATE.search(line):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []


def test_the_private_access_check_can_fail():
    assert _PRIVATE.search("self.client._session_id")
    assert _PRIVATE.search("client.session._try(x)")
    assert not _PRIVATE.search("self.client.session.id")


def test_core_does_not_import_pandas_or_widgets_at_module_level():
    heavy = {"pandas", "ipywidgets", "IPython"}
    for name in (
        "client.py",
        "http/sessions.py",
        "http/session_cache.py",
        "http/_errormap.py",
        "http/paging.py",
    ):
        tops = {n.split(".")[0] for n in imported_names(CLIENT / name, module_level=True)}
        assert not tops & heavy, name


def test_payments_run_no_retry_loop_of_their_own():
    """One pipeline: payments hand a recovery policy to ``client.request``; the decision
    "safe to repeat?" lives in billhelpers/http/retry.py only."""
    for name in ("payments.py", "payment_recovery.py"):
        source = (CLIENT / "resources" / name).read_text()
        for banned in ("while True", "BDC_", "RateLimitError", ".sleep(", "renew("):
            assert banned not in source, (name, banned)


def test_payment_recovery_uses_only_the_public_face_of_payments():
    """The recovery asks ``Payments`` through named, documented methods (recorded_for_items,
    recorded_match, recovered), never its private ones: a change there shows in an import."""
    source = (CLIENT / "resources" / "payment_recovery.py").read_text()
    assert not re.search(r"\bpayments\._\w+", source)
    assert re.search(r"\bpayments\.recorded_match\(", source)


def test_payment_recovery_leaves_the_error_it_was_given_alone():
    from billhelpers.exceptions import RateLimitError
    from billhelpers.resources.payment_recovery import PaymentRecovery

    err = RateLimitError("slow down", code="BDC_1322", http_status=429, hint="wait")
    told = PaymentRecovery(None, "/v3/payments", {"billId": "b"}, ["bh-1"]).give_up(err)
    assert told is not err and told.transaction_number == "bh-1"
    assert err.hint == "wait" and getattr(err, "transaction_number", None) is None
