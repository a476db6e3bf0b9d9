"""billhelpers.notebook.flow
~~~~~~~~~~~~~~~~~~~~~~~~~~

What every chapter helper shares: the kernel's client and state (``connect``, the payment
gates), the :class:`PersonNeeded` stop, demo or not, and the one line a look-up prints. Imported by
:mod:`~billhelpers.notebook.tutorial` (which re-exports what the notebooks use),
:mod:`~billhelpers.notebook.paying` and :mod:`~billhelpers.notebook.signin`; it imports none.
"""

from __future__ import annotations

from typing import Any

import billhelpers as bh
from billhelpers.config import Config
from billhelpers.exceptions import BillError
from billhelpers.http import guard

#: The kernel's state: its client (``tutorial.connect``) and the payment gates by name.
_state: dict[str, Any] = {"client": None}


class PersonNeeded(BillError):
    """Run All stops here on purpose: the next step needs a person (a code, a click).

    Raised only outside demo mode. The message says what to do and which cell to run next.
    In a notebook it shows as that message alone, without a traceback: nothing went wrong.
    """

    def _render_traceback_(self) -> list[str]:  # IPython's hook for how an error is shown
        return [f"⏸  {type(self).__name__}: {self}"]


def _base_url(where) -> str | None:
    """Where calls go: a client's ``base_url``, else its (or a Config's) ``base_url``."""
    config = getattr(where, "config", where)
    return getattr(where, "base_url", None) or getattr(config, "base_url", None)


def _is_demo(client) -> bool:
    """This machine's emulator, not the environment's name alone (``guard.is_local_demo``):
    ``BILL_ENVIRONMENT=demo`` with ``BILL_BASE_URL`` elsewhere needs a person like BILL does."""
    return guard.is_local_demo(client.config.environment, _base_url(client))


def _environment(where) -> str:
    """The environment of a client or of a :class:`~billhelpers.config.Config`, as the gates
    name it: ``demo`` only for this machine's emulator (a ``demo`` pointed elsewhere is named
    by its host, so no gate confirms itself there)."""
    environment = getattr(where, "config", where).environment
    base_url = _base_url(where)
    if environment == "demo" and not guard.is_local_demo(environment, base_url):
        return f"{guard.host_of(base_url)} (named demo, but not this machine's emulator)"
    return environment


def _compact(resp, result: str) -> None:
    """One line for a look-up a helper made: its request line, status and what it found."""
    print(f"   {resp.request_line()}  →  {resp.status_code}: {result}")


def settings(**overrides) -> Config:
    """This kernel's settings: ``.env`` + environment variables + ``overrides`` (masked repr)."""
    return Config.from_env(**overrides)


def connect(**overrides):
    """The kernel's client (made once; ``overrides`` make a new one). No call is made."""
    if overrides or _state["client"] is None:
        previous, _state["client"] = _state["client"], bh.connect(**overrides)
        if previous is not None:
            previous.close()  # its pooled connections; the session stays cached
    return _state["client"]


def demo_only(client, what: str) -> bool:
    """True in demo mode; against BILL, say that ``what`` needs the emulator and return False,
    so a "when it goes wrong" cell still runs (without its fault) instead of stopping Run All."""
    if _is_demo(client):
        return True
    print(f"Skipped against BILL: {what} is the emulator's control, not BILL's.")
    return False


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"
