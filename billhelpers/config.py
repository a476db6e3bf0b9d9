"""
billhelpers.config
~~~~~~~~~~~~~~~~~~

Settings for one BILL connection, read from code, environment variables and ``.env``.

Why this order (code > environment > ``.env`` > demo defaults): a learner edits ``.env`` once, a
CI job sets variables, and a notebook cell can override either for one client, while ``demo``
works with nothing configured at all. Nothing here does I/O at import time; ``.env`` is read
by :meth:`Config.from_env` only.
"""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path

from billhelpers.exceptions import InputError
from billhelpers.masking import mask_secret

ENVIRONMENTS = ("demo", "sandbox", "production")

#: BILL's gateways (developer.bill.com, "Environments"). ``demo`` is the local emulator, whose
#: URL is known only once it runs (see :meth:`Config.resolve_base_url`).
BASE_URLS = {
    "sandbox": "https://gateway.stage.bill.com/connect",
    "production": "https://gateway.prod.bill.com/connect",
}

#: The demo organization seeded into the emulator (agrees with ``.env.example``).
DEMO_CREDENTIALS = {
    "username": "demo@example.com",
    "password": "demo-password-1",
    "organization_id": "00801DEMOORG00000001",
    "dev_key": "01DEMODEVKEY0000000000000000000000",
}

#: Config field → environment variable.
ENV_VARS = {
    "environment": "BILL_ENVIRONMENT",
    "username": "BILL_USERNAME",
    "password": "BILL_PASSWORD",
    "organization_id": "BILL_ORGANIZATION_ID",
    "dev_key": "BILL_DEV_KEY",
    "mfa_device": "BILL_MFA_DEVICE",
    "emulator_data_dir": "BILL_EMULATOR_DATA_DIR",
    "cache_dir": "BILL_CACHE_DIR",
    "base_url": "BILL_BASE_URL",
}

_DEFAULT_CACHE = "~/.cache/billhelpers"


@dataclasses.dataclass(frozen=True, repr=False)
class Config:
    """Everything a client needs; immutable so one client cannot change another's settings."""

    #: ``demo`` (emulator, the default), ``sandbox`` (BILL's test gateway) or ``production``.
    environment: str = "demo"
    username: str | None = None
    password: str | None = None
    #: Begins with ``008``.
    organization_id: str | None = None
    dev_key: str | None = None
    #: Nickname BILL remembers for this machine (rememberMe / step-up).
    mfa_device: str = "billhelpers-tutorial"
    #: Demo only: the emulator's data folder (its SQLite file lives there).
    emulator_data_dir: Path = Path(_DEFAULT_CACHE).expanduser() / "emulator"
    #: Session cache folder; owner-only, outside the repository.
    cache_dir: Path = Path(_DEFAULT_CACHE).expanduser()
    #: Explicit base URL (tests, proxies); normally derived from ``environment``.
    base_url: str | None = None
    #: (connect, read) seconds for every call. Why both: a dead host fails fast, a slow answer
    #: (BILL's list calls can take seconds) still arrives.
    timeout: tuple[float, float] = (5.0, 30.0)
    #: Retries for rate limits / 5xx / connection errors on calls that are safe to repeat.
    max_retries: int = 4
    #: Back-off cap in seconds (delays are 1, 2, 4, 8, … capped here).
    backoff_cap: float = 30.0

    def __post_init__(self):
        env = (self.environment or "demo").strip().lower()
        if env not in ENVIRONMENTS:
            raise InputError(
                f"unknown environment {self.environment!r}",
                field="BILL_ENVIRONMENT",
                hint="use one of: demo, sandbox, production",
            )
        object.__setattr__(self, "environment", env)
        for name in ("emulator_data_dir", "cache_dir"):
            value = getattr(self, name)
            object.__setattr__(self, name, Path(value).expanduser().resolve())
        object.__setattr__(self, "timeout", _check_timeout(self.timeout))
        if env == "demo":  # the seeded demo organization, unless told otherwise
            for name, value in DEMO_CREDENTIALS.items():
                if not getattr(self, name):
                    object.__setattr__(self, name, value)

    @classmethod
    def from_env(cls, *, dotenv: bool | str | os.PathLike = True, environ=None, **overrides):
        """Build a Config from ``.env`` + environment variables, then ``overrides``.

        ``dotenv=True`` looks for ``.env`` from the current directory upward (the notebook's
        folder first); a path reads that file; ``False`` skips it. Real environment variables
        win over ``.env`` and ``os.environ`` is never modified. ``None`` overrides are ignored.
        """
        environ = os.environ if environ is None else environ
        file_values: dict[str, str | None] = {}
        if dotenv:
            from dotenv import dotenv_values, find_dotenv  # lazy: keeps import fast

            path = find_dotenv(usecwd=True) if dotenv is True else os.fspath(dotenv)
            if path and Path(path).is_file():
                file_values = dotenv_values(path)
        values: dict[str, object] = {}
        for field, var in ENV_VARS.items():
            raw = environ.get(var)
            if raw is None or raw == "":
                raw = file_values.get(var)
            if raw not in (None, ""):
                values[field] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown Config setting(s): {', '.join(sorted(unknown))}")
        return cls(**values)

    def replace(self, **changes) -> Config:
        """A copy with some settings changed (``None`` values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def resolve_base_url(self) -> str:
        """The base URL without a trailing slash; in ``demo`` starts or reuses the emulator."""
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.environment == "demo":
            from bill_emulator.launcher import ensure_emulator  # lazy: werkzeug, sqlite

            return ensure_emulator(self.emulator_data_dir).rstrip("/")
        return BASE_URLS[self.environment]

    def cache_identity(self, base_url: str | None = None) -> str:
        """What makes two sessions interchangeable: environment + where + org + user.

        In demo it is the emulator data directory, not the port, so a restarted emulator on a new
        port keeps its sessions. The devKey's masked form is *not* enough to tell keys apart,
        so a hash of it is mixed in by the cache (never the key itself).
        """
        where = (
            str(self.emulator_data_dir)
            if self.environment == "demo" and not self.base_url
            else (base_url or self.base_url or BASE_URLS.get(self.environment, ""))
        )
        return "|".join(
            [self.environment, where, self.organization_id or "", (self.username or "").lower()]
        )

    @property
    def total_timeout(self) -> float:
        """The wall-clock deadline of one call (connect + read): a server that trickles its
        answer cannot hold a call longer than this, whatever the per-read timeout."""
        return self.timeout[0] + self.timeout[1]

    def __repr__(self) -> str:
        return (
            f"Config(environment={self.environment!r}, username={self.username!r}, "
            f"password={'***' if self.password else None!r}, "
            f"organization_id={self.organization_id!r}, "
            f"dev_key={mask_secret(self.dev_key) if self.dev_key else None!r}, "
            f"mfa_device={self.mfa_device!r}, base_url={self.base_url!r})"
        )


_TIMEOUT_HINT = (
    "give seconds greater than 0: one number (e.g. 30) or a (connect, read) pair such as "
    "(5, 30); None would let a call wait forever, and every call needs a timeout"
)


def _check_timeout(value) -> tuple[float, float]:
    """``timeout`` as a (connect, read) pair of positive finite seconds, else InputError."""
    parts = list(value) if isinstance(value, (tuple, list)) else [value, value]
    if len(parts) != 2:
        raise InputError(f"{value!r} is not a timeout", field="timeout", hint=_TIMEOUT_HINT)
    out = []
    for part in parts:
        if isinstance(part, bool) or not isinstance(part, (int, float)):
            raise InputError(f"{value!r} is not a timeout", field="timeout", hint=_TIMEOUT_HINT)
        if not (math.isfinite(part) and part > 0):
            raise InputError(
                f"{value!r} is not a timeout (each part must be more than 0 seconds)",
                field="timeout",
                hint=_TIMEOUT_HINT,
            )
        out.append(float(part))
    return out[0], out[1]
