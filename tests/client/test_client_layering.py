"""The client's dependency rules (docs/architecture.md), checked on its source."""

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
    for name in ("client.py", "sessions.py", "cache.py", "_errormap.py", "paging.py"):
        tops = {n.split(".")[0] for n in imported_names(CLIENT / name, module_level=True)}
        assert not tops & heavy, name


def test_payments_run_no_retry_loop_of_their_own():
    """One pipeline: payments hand a recovery policy to ``client.request``; the decision
    "safe to repeat?" lives in billhelpers/retry.py only."""
    source = (CLIENT / "resources" / "payments.py").read_text()
    for banned in ("while True", "BDC_", "RateLimitError", ".sleep(", "renew("):
        assert banned not in source, banned


#: The notebook-facing layers: only tutorial.py (and the package's lazy __init__) use them.
_UPPER = {"tutorial", "harness", "forms", "tables"}


def test_dependencies_point_one_way():
    """As drawn in docs/architecture.md: the core never imports the notebook layers; the
    session, the retry policy and the checks never import the client or the resources."""
    for path in CLIENT.rglob("*.py"):
        if path.name in ("tutorial.py", "__init__.py") and path.parent == CLIENT:
            continue
        imported = {n.removeprefix("billhelpers.") for n in imported_names(path)}
        assert not imported & (_UPPER - {path.stem}), path.name
    for name in ("sessions.py", "retry.py", "preflight.py", "harness.py", "_errormap.py"):
        imported = {n.removeprefix("billhelpers.") for n in imported_names(CLIENT / name)}
        assert not imported & {"client", "resources"}, name
        assert not any(n.startswith("resources.") for n in imported), name
