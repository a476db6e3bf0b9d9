"""bill_emulator: a local, stateful emulator of BILL's v3 Accounts Payable API.

Start it with :class:`EmulatorServer` (or ``python -m bill_emulator``); the client starts it
on demand through :func:`bill_emulator.launcher.ensure_emulator`. What it emulates and what it
does not is listed in :class:`bill_emulator.backend.EmulatorBackend` and
``docs/api-fidelity.md``. For your own tests: ``with bill_emulator.running() as bill:`` (a fresh
organization on an emulator of this process) and the pytest plugin's ``bill_emulator`` fixture
(``docs/testing-your-integration.md``).
"""

from bill_emulator.app import EmulatorApp, make_app
from bill_emulator.server import EmulatorServer
from bill_emulator.testing import running

__all__ = ("EmulatorApp", "EmulatorServer", "make_app", "running")
