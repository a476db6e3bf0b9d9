"""bill_emulator: a local, stateful emulator of BILL's v3 Accounts Payable API.

Start it with :class:`EmulatorServer` (or ``python -m bill_emulator``); the client starts it
on demand through :func:`bill_emulator.launcher.ensure_emulator`. What it emulates and what it
does not is listed in :class:`bill_emulator.backend.EmulatorBackend` and
``docs/api-fidelity.md``.
"""

from bill_emulator.app import EmulatorApp, make_app
from bill_emulator.server import EmulatorServer

__all__ = ("EmulatorApp", "EmulatorServer", "make_app")
