"""billhelpers.sandbox: a local, stateful emulator of BILL's v3 Accounts Payable API.

Start it with :class:`SandboxServer` (or ``python -m billhelpers.sandbox``); the client starts it
on demand through :func:`billhelpers.sandbox.launcher.ensure_sandbox`. What it emulates and what it
does not is listed in :class:`billhelpers.sandbox.backend.SandboxBackend` and
``docs/api-fidelity.md``.
"""

from billhelpers.sandbox.app import SandboxApp, make_app
from billhelpers.sandbox.server import SandboxServer

__all__ = ("SandboxApp", "SandboxServer", "make_app")
