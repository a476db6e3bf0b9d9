"""bill_emulator.testing
~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator as a tool for *your* tests: a fresh organization on a local emulator, with handles
for everything a test of a BILL integration needs.

- :func:`running` (a context manager and a decorator) starts an emulator in this process on a
  free loopback port and gives a :class:`Organization`: ``with running() as bill: ...``.
- The pytest plugin (:mod:`bill_emulator.pytest_plugin`) uses the same pieces: one server per
  test session (per ``pytest-xdist`` worker), a fresh organization per test.

Why a fresh organization per test rather than a fresh server: starting a server and seeding a
database costs tens of milliseconds; a new organization is a handful of rows (about a
millisecond). Everything BILL keeps per organization (vendors, bills, payments, sessions, the
hourly budgets counted per devKey) starts empty. The emulator's world-wide controls (the clock,
queued faults, the request log) are put back at each new organization: tests of one worker run
one after another, so the next test never sees the previous test's faults, clock moves or calls.

The credentials are throwaway: a random password and devKey per organization, valid only on this
emulator. Nothing here talks to BILL; :func:`refuse_production` refuses BILL's production hosts
wherever a URL is given.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from bill_emulator import seed
from bill_emulator.testing_controls import (
    Clock,
    EmulatorControlError,
    Faults,
    ReportCard,
    _Control,
)

#: The environment variables a BILL client reads (the names of ``billhelpers.config.ENV_VARS``;
#: copied, not imported: the emulator never imports the client. ``tests/test_shared_facts.py``
#: checks they agree).
ENV_NAMES = {
    "environment": "BILL_ENVIRONMENT",
    "base_url": "BILL_BASE_URL",
    "username": "BILL_USERNAME",
    "password": "BILL_PASSWORD",
    "organization_id": "BILL_ORGANIZATION_ID",
    "dev_key": "BILL_DEV_KEY",
    "mfa_device": "BILL_MFA_DEVICE",
}
#: The environment a client must use for a local emulator (``billhelpers``: ``demo``).
EMULATOR_ENVIRONMENT = "demo"

#: BILL's production API hosts (``billhelpers.http.guard.PRODUCTION_HOSTS``, copied; checked
#: equal by ``tests/test_shared_facts.py``). Any other ``*.bill.com`` host is refused too unless
#: it is one of BILL's documented test hosts: an unknown BILL host might move real money.
PRODUCTION_HOSTS = frozenset({"gateway.prod.bill.com", "api.bill.com"})
TEST_HOSTS = frozenset(
    {"gateway.stage.bill.com", "api-sandbox.bill.com", "api-stage.bill.com", "api.stage.bill.com"}
)


class ProductionRefused(ValueError):
    """A URL of BILL's production was given where an emulator's was expected."""


def refuse_production(url: str) -> str:
    """``url`` unchanged, or :class:`ProductionRefused` when it names a BILL host.

    Only an emulator is a target of these tools: BILL production outright, and BILL's sandbox
    too (its data is real to whoever owns the account; faults and resets are not BILL's API).
    """
    try:
        host = (urlsplit(str(url).strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        host = ""
    if host in PRODUCTION_HOSTS or host == "bill.com" or host.endswith(".bill.com"):
        kind = "BILL's sandbox" if host in TEST_HOSTS else "BILL production"
        raise ProductionRefused(
            f"{url} is {kind}, not an emulator: refused. These tools only ever talk to a local "
            "BILL emulator (http://127.0.0.1:PORT)."
        )
    return url


def ready_organization(backend, *, ready_to_pay: bool = True) -> dict:
    """A new organization with throwaway credentials (``seed_fresh``); ``ready_to_pay`` also
    gives its user a validated MFA phone and a VERIFIED bank account it may pay from, as the
    demo organization has. Returns the credentials plus ``userId`` and ``bankAccountId``."""
    store = backend.store
    with store.write():
        org = seed.seed_fresh(backend)
        bank_id = None
        if ready_to_pay:
            org_id, user_id = org["organizationId"], org["userId"]
            verified = dict(seed.bank_docs()[0][1])  # the demo's VERIFIED checking account
            verified["nameOnAccount"] = f"Organization {org_id}"
            bank_id = backend._insert("bank", org_id, verified)["id"]
            backend.add_phone(org_id, user_id, seed.DEMO_PHONE_LAST4)
            backend._insert(
                "bankUser",
                org_id,
                {
                    "bankAccountId": bank_id,
                    "userId": user_id,
                    "archived": False,
                    "verificationStatus": "VERIFIED",
                },
            )
    return {**org, "bankAccountId": bank_id}


def put_back_world(backend) -> None:
    """The world-wide controls as a new test expects them: no queued faults, an empty request
    log, the clock back on the world's own timeline (a pinned start stays pinned)."""
    with backend.store.write():
        backend.flush_request_log()
        backend.store.clear_faults()
        backend.store.clear_request_log()
        backend.store.clear_calls()
        backend.clock.reset()
    backend.profile = None  # no fault profile: a test asks for its own


@dataclass
class Organization:
    """One fresh organization on a running emulator, and handles to drive the emulator.

    ``url``: the base URL (``BILL_BASE_URL``); ``username``, ``password``, ``organization_id``,
    ``dev_key``: throwaway credentials for ``POST /v3/login``; ``env``: the same as the
    ``BILL_*`` variables a program reads; ``mfa_code()``: the code last texted to this
    organization's (emulated) phone; ``clock``, ``faults``, ``fault_profile()``,
    ``requests()``, ``report()``: the controls.
    """

    url: str
    username: str
    password: str
    organization_id: str
    dev_key: str
    user_id: str
    bank_account_id: str | None = None
    _backend: object = field(default=None, repr=False)
    _control: _Control = field(init=False, repr=False)
    clock: Clock = field(init=False, repr=False)
    faults: Faults = field(init=False, repr=False)

    def __post_init__(self) -> None:
        refuse_production(self.url)
        self._control = _Control(self.url, self.dev_key)
        self.clock = Clock(self._control)
        self.faults = Faults(self._control)

    def __repr__(self) -> str:  # no password, no devKey
        return f"<bill_emulator organization {self.organization_id} at {self.url}>"

    @property
    def login_body(self) -> dict:
        """The body of ``POST /v3/login`` for this organization."""
        return {
            "username": self.username,
            "password": self.password,
            "organizationId": self.organization_id,
            "devKey": self.dev_key,
        }

    @property
    def env(self) -> dict[str, str]:
        """``BILL_*`` environment variables pointing a client at this organization."""
        values = {
            "environment": EMULATOR_ENVIRONMENT,
            "base_url": self.url,
            "username": self.username,
            "password": self.password,
            "organization_id": self.organization_id,
            "dev_key": self.dev_key,
        }
        return {ENV_NAMES[k]: v for k, v in values.items()}

    def mfa_code(self) -> str:
        """The latest MFA code texted to this organization's user (``POST /v3/mfa/challenge``
        or ``/v3/mfa/setup`` sends one); ``LookupError`` when none was sent yet."""
        if self._backend is None:
            raise LookupError("mfa_code() needs an emulator of this process")
        store = self._backend.store
        for challenge_id, token, _ in store.outbox(limit=200):  # newest first, every user's
            found = store.challenge(challenge_id)
            if found is not None and found["user_id"] == self.user_id:
                return token
        raise LookupError(
            f"no MFA code was sent to {self.username} yet: POST /v3/mfa/challenge first"
        )

    def fault_profile(self, name: str, seed: int = 0) -> dict:
        """Put a fault profile in force (``lost-answers``, ``rate-limits``, ``server-errors``,
        ``session-expiry``, ``webhook-chaos``, ``all``), seeded: the same calls meet the same
        failures on every run. Starts the report card's run again. World-wide, like the other
        controls."""
        return self._control("POST", "/_emulator/fault-profile", {"name": name, "seed": seed})

    def clear_fault_profile(self) -> None:
        """No fault profile any more (starts the report card's run again)."""
        self._control("DELETE", "/_emulator/fault-profile")

    def report(self, *checks: str) -> ReportCard:
        """The report card of this organization's calls since it was made (or since the last
        fault-profile change): ``card.passed``, ``card["checks"]``, ``print(card)`` for the
        table. ``checks``: only these check ids."""
        query = "?check=" + ",".join(checks) if checks else ""
        return ReportCard(self._control("GET", "/_emulator/report" + query))

    def requests(self) -> list[dict]:
        """The BILL calls served since this organization was made, oldest first (method, path,
        status, time; no bodies or headers). Status 0: the connection was dropped."""
        return list(reversed(self._control("GET", "/_emulator/requests")))


class Emulator:
    """An :class:`~bill_emulator.server.EmulatorServer` of this process, handing out fresh
    organizations (``new_organization()``)."""

    def __init__(self, data_dir: str | Path, *, start: datetime | None = None) -> None:
        from bill_emulator.server import EmulatorServer

        self.server = EmulatorServer(data_dir, host="127.0.0.1", port=0, start=start)

    def start(self) -> Emulator:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    @property
    def url(self) -> str:
        return self.server.url

    def new_organization(self, *, ready_to_pay: bool = True) -> Organization:
        """Put the world-wide controls back and make a fresh organization."""
        backend = self.server.app.backend
        put_back_world(backend)
        org = ready_organization(backend, ready_to_pay=ready_to_pay)
        return Organization(
            url=self.server.url,
            username=org["username"],
            password=org["password"],
            organization_id=org["organizationId"],
            dev_key=org["devKey"],
            user_id=org["userId"],
            bank_account_id=org["bankAccountId"],
            _backend=backend,
        )


class running(contextlib.ContextDecorator):  # noqa: N801 - reads as a function: running()
    """An emulator in this process with one fresh organization, for code that is not pytest.

    As a context manager it gives the :class:`Organization`::

        with bill_emulator.running() as bill:
            requests.post(bill.url + "/v3/login", json=bill.login_body)

    As a decorator the function runs with the emulator up; it reads the organization from
    ``bill_emulator.testing.current()`` or from the ``BILL_*`` variables when ``set_env=True``.
    ``start``: the world's first day (``yyyy-MM-dd`` or a datetime); ``data_dir``: keep the
    data there (default: a temporary folder removed afterwards); ``fault_profile``, ``seed``:
    a fault profile in force from the start (``bill.report()`` grades the run).
    """

    def __init__(
        self,
        *,
        start: str | datetime | None = None,
        data_dir: str | Path | None = None,
        ready_to_pay: bool = True,
        set_env: bool = False,
        fault_profile: str | None = None,
        seed: int = 0,
    ) -> None:
        if isinstance(start, str):
            from bill_emulator.backend.clock import parse_start

            start = parse_start(start)
        self._start = start
        self._data_dir = data_dir
        self._ready = ready_to_pay
        self._set_env = set_env
        self._profile = (fault_profile, seed)
        self._stack: list[contextlib.ExitStack] = []

    def __enter__(self) -> Organization:
        import os

        stack = contextlib.ExitStack()
        try:
            folder = self._data_dir
            if folder is None:
                folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="bill-emu-"))
            emulator = Emulator(folder, start=self._start).start()
            stack.callback(emulator.stop)
            org = emulator.new_organization(ready_to_pay=self._ready)
            if self._profile[0] is not None:
                org.fault_profile(*self._profile)
            _current.append(org)
            stack.callback(_current.pop)
            if self._set_env:
                saved = {name: os.environ.get(name) for name in org.env}
                os.environ.update(org.env)
                stack.callback(_restore_env, saved)
        except BaseException:
            stack.close()
            raise
        self._stack.append(stack)
        return org

    def __exit__(self, *exc) -> None:
        self._stack.pop().close()


def _restore_env(saved: dict[str, str | None]) -> None:
    import os

    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


_current: list[Organization] = []


def current() -> Organization:
    """The organization of the innermost :func:`running` block of this process."""
    if not _current:
        raise LookupError("no bill_emulator.running() block is active")
    return _current[-1]


__all__ = (
    "ENV_NAMES",
    "PRODUCTION_HOSTS",
    "Clock",
    "Emulator",
    "EmulatorControlError",
    "Faults",
    "Organization",
    "ProductionRefused",
    "ReportCard",
    "current",
    "ready_organization",
    "refuse_production",
    "running",
)
