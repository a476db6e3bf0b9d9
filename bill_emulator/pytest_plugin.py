"""bill_emulator.pytest_plugin
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

A pytest plugin shipped with the kit (entry point ``pytest11``: installing the kit is all it
takes). Fixtures:

``bill_emulator``
    A fresh organization for this test on a local BILL emulator: ``.url``, ``.username``,
    ``.password``, ``.organization_id``, ``.dev_key``, ``.login_body``, ``.env`` (the ``BILL_*``
    variables), ``.mfa_code()``, ``.clock``, ``.faults``, ``.requests()``. It is ready to pay
    like the demo organization (a validated MFA phone, a VERIFIED bank account); mark a test
    ``@pytest.mark.bill_emulator(ready_to_pay=False)`` for one as BILL's sandbox sign-up leaves
    it (no phone, no bank account). ``@pytest.mark.bill_emulator(fault_profile="lost-answers",
    seed=7)`` puts a fault profile in force for the test (``.fault_profile(name, seed)`` does it
    mid-test); ``.report()`` is the report card of the test's calls.
``bill_emulator_env``
    The same, with its ``BILL_*`` variables set in ``os.environ`` for the test (undone after).
``bill_emulator_server``
    The session's emulator (one per test session, or per ``pytest-xdist`` worker: each worker
    is its own process with its own data folder and port).

Options: ``--bill-emulator-start=DATE`` (ini ``bill_emulator_start``, else the environment's
``BILL_EMULATOR_START``) starts the emulator's world on that day (``yyyy-MM-dd``) so dates in
your tests do not depend on the day they run.
"""

from __future__ import annotations

import os

import pytest

START_ENV = "BILL_EMULATOR_START"  # bill_emulator.launcher.START_ENV (not imported: see below)

# Nothing of the emulator is imported at module level: pytest loads this plugin in every run of
# every project where the kit is installed, and most of those runs never ask for the fixture.


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("bill_emulator", "local BILL emulator (bill_emulator fixture)")
    group.addoption(
        "--bill-emulator-start",
        default=None,
        metavar="DATE",
        help="start the emulator's world on this day (yyyy-MM-dd) or ISO-8601 instant "
        f"(default: ini bill_emulator_start, else ${START_ENV}, else today)",
    )
    parser.addini(
        "bill_emulator_start",
        "the bill_emulator fixture's world starts on this day (yyyy-MM-dd)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "bill_emulator(ready_to_pay=True, fault_profile=None, seed=0): options for the "
        "bill_emulator fixture's organization and the fault profile in force",
    )


@pytest.fixture(scope="session")
def bill_emulator_server(request: pytest.FixtureRequest, tmp_path_factory):
    """The emulator of this test session (or xdist worker), on a free loopback port."""
    from bill_emulator.backend.clock import parse_start
    from bill_emulator.testing import Emulator

    start = (
        request.config.getoption("--bill-emulator-start")
        or request.config.getini("bill_emulator_start")
        or os.environ.get(START_ENV)
        or None
    )
    folder = tmp_path_factory.mktemp("bill-emulator")  # per worker under pytest-xdist
    emulator = Emulator(folder, start=parse_start(start) if start else None).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def bill_emulator(request: pytest.FixtureRequest, bill_emulator_server):
    """A fresh organization on the session's emulator (see the module doc)."""
    from bill_emulator.backend.profiles import NAMES

    marker = request.node.get_closest_marker("bill_emulator")
    options = dict(marker.kwargs) if marker else {}
    unknown = set(options) - {"ready_to_pay", "fault_profile", "seed"}
    if unknown or (marker and marker.args):
        raise pytest.UsageError(
            "@pytest.mark.bill_emulator takes ready_to_pay=True/False, fault_profile=NAME and "
            f"seed=N, not {sorted(unknown) or list(marker.args)}"
        )
    profile, seed = options.get("fault_profile"), options.get("seed", 0)
    if profile is not None and profile not in NAMES:
        raise pytest.UsageError(
            f"@pytest.mark.bill_emulator(fault_profile={profile!r}): the profiles are "
            f"{', '.join(NAMES)}"
        )
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise pytest.UsageError(
            f"@pytest.mark.bill_emulator(seed={seed!r}): the seed is a whole number, 0 or more"
        )
    org = bill_emulator_server.new_organization(ready_to_pay=options.get("ready_to_pay", True))
    if profile is not None:
        org.fault_profile(profile, seed)
    return org


@pytest.fixture
def bill_emulator_env(bill_emulator, monkeypatch: pytest.MonkeyPatch):
    """``bill_emulator`` with its ``BILL_*`` variables set in ``os.environ`` for this test."""
    for name, value in bill_emulator.env.items():
        monkeypatch.setenv(name, value)
    return bill_emulator
