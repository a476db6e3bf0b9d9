"""run_until_done pays without asking anyone, so it runs against this machine's emulator only:
the environment's *name* is not enough (red team, issue 25). ``BILL_ENVIRONMENT=demo`` with a
``BILL_BASE_URL`` on BILL's gateways would otherwise pay there unattended."""

from __future__ import annotations

import pytest

from billhelpers.config import Config
from billhelpers.exceptions import InputError
from billhelpers.http.guard import is_local_demo
from billhelpers.payrun.until_done import run_until_done


class _Client:
    """Only what run_until_done reads before its first call."""

    def __init__(self, environment: str, base_url: str):
        self.config = Config(environment=environment, base_url=base_url)
        self.base_url = base_url

    @property
    def is_trusted(self) -> bool:
        pytest.fail("must refuse before any call")


@pytest.mark.parametrize(
    "environment, base_url",
    [
        ("demo", "https://gateway.stage.bill.com/connect"),  # BILL's sandbox
        ("demo", "https://gateway.prod.bill.com/connect"),  # BILL's production
        ("demo", "http://10.0.0.5:8080"),  # someone else's emulator
        ("demo", "http://127.0.0.1.example.com"),  # looks local, is not
        ("sandbox", "http://127.0.0.1:5000"),
    ],
)
def test_run_until_done_refuses_anything_but_this_machines_emulator(environment, base_url):
    client = _Client(environment, base_url)
    with pytest.raises(InputError, match="emulator only") as err:
        run_until_done(client, [], vendor_details={}, trust=lambda: pytest.fail("no trust"))
    assert err.value.field == "environment"


@pytest.mark.parametrize(
    "environment, base_url, local",
    [
        ("demo", None, True),  # the launcher starts it here
        ("demo", "http://127.0.0.1:5000", True),
        ("demo", "http://localhost:5000/", True),
        ("demo", "http://[::1]:5000", True),
        ("demo", "https://gateway.stage.bill.com/connect", False),
        ("demo", "http://fake", False),
        ("sandbox", "http://127.0.0.1:5000", False),
        ("production", None, False),
    ],
)
def test_is_local_demo(environment, base_url, local):
    assert is_local_demo(environment, base_url) is local
