"""Fixtures for the safety tests: the client tests' real emulator and clients, reused.

``tests/client/conftest.py`` is loaded under its own module name (not copied), so ``emulator``
(a ``EmulatorServer`` on 127.0.0.1:0 with a tmp data dir), ``isolated_env`` (tmp
``BILL_CACHE_DIR``, no ``BILL_*`` variables), ``sleeps`` (the injected back-off sleep),
``make_client``, ``client`` and ``trusted`` mean exactly what they mean there.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

CLIENT_TESTS = Path(__file__).resolve().parent.parent / "client"
if str(CLIENT_TESTS) not in sys.path:  # client_bodies, imported by the client conftest
    sys.path.insert(0, str(CLIENT_TESTS))

_spec = importlib.util.spec_from_file_location(
    "_client_test_fixtures", CLIENT_TESTS / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

isolated_env = _fixtures.isolated_env
emulator = _fixtures.emulator
sleeps = _fixtures.sleeps
make_client = _fixtures.make_client
client = _fixtures.client
trusted = _fixtures.trusted

from client_bodies import bill_body, vendor_body  # noqa: E402 - needs the path above


@pytest.fixture
def vendor(client):
    """A vendor with ACH bank details (the client fixture's session)."""
    return client.vendors.create(vendor_body()).data


@pytest.fixture
def unpaid_bill(trusted):
    """An unpaid bill of 25.00 from a trusted (MFA) session."""
    vendor = trusted.vendors.create(vendor_body()).data
    return trusted.bills.create(bill_body(vendor["id"], "25.00")).data
