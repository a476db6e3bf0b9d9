"""Shared helpers: a private emulator per measure, bare HTTP to it, medians, results.

Why a private emulator per measure: one measure's data (10,000 seeded vendors, a long request
log, raised limits) must not slow or change another's, and nothing may touch a learner's own
``~/.cache/billhelpers``. Every emulator lives in a temporary folder that is deleted at the end.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from billhelpers.config import DEMO_CREDENTIALS

DEV_KEY = DEMO_CREDENTIALS["dev_key"]
#: High enough that no benchmark ever meets a 429 (the defaults model BILL's real limits).
BENCH_LIMITS = {"requestsPerHour": 100_000_000, "loginsPerHour": 100_000, "concurrentRequests": 64}


@dataclass
class Emulator:
    """A running emulator in a temporary world (``root``: data dir + cache dir)."""

    root: Path
    data_dir: Path
    cache_dir: Path
    server: object

    @property
    def url(self) -> str:
        return self.server.url

    def control(self, method: str, path: str, body=None, *, http=None):
        """Call one of the emulator's ``/_emulator/`` controls (devKey header, JSON)."""
        sender = http or requests
        resp = sender.request(
            method,
            f"{self.url}/_emulator/{path}",
            json=body,
            headers={"devKey": DEV_KEY},
            timeout=120,
        )
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def raise_limits(self) -> dict:
        return self.control("PUT", "limits", BENCH_LIMITS)

    def clear_log(self) -> None:
        self.control("DELETE", "requests")

    def bill_calls(self) -> list[dict]:
        """The BILL (``/v3/``) calls served since the last :meth:`clear_log`, oldest first."""
        rows = self.control("GET", "requests") or []
        rows = [r for r in rows if str(r.get("path", "")).startswith("/v3/")]
        rows.sort(key=lambda r: r.get("time", ""))
        return rows

    def config(self, **overrides):
        """A demo :class:`billhelpers.Config` for this world (no ``.env``, no variables)."""
        from billhelpers.config import Config

        return Config(
            environment="demo",
            emulator_data_dir=self.data_dir,
            cache_dir=self.cache_dir,
            **overrides,
        )

    def login_bare(self, http: requests.Session) -> str:
        """``POST /v3/login`` with plain requests; returns the sessionId."""
        body = {
            "username": DEMO_CREDENTIALS["username"],
            "password": DEMO_CREDENTIALS["password"],
            "organizationId": DEMO_CREDENTIALS["organization_id"],
            "devKey": DEV_KEY,
        }
        resp = http.post(f"{self.url}/v3/login", json=body, timeout=30)
        resp.raise_for_status()
        return resp.json()["sessionId"]


@contextlib.contextmanager
def emulator(prefix: str = "bench") -> Iterator[Emulator]:
    """A fresh emulator on 127.0.0.1 (free port) in a temporary folder, stopped and deleted
    afterwards."""
    from bill_emulator import EmulatorServer

    root = Path(tempfile.mkdtemp(prefix=f"billhelpers-{prefix}-"))
    data_dir, cache_dir = root / "emulator", root / "cache"
    data_dir.mkdir()
    cache_dir.mkdir(mode=0o700)
    server = EmulatorServer(data_dir=data_dir, host="127.0.0.1", port=0)
    server.start()
    try:
        yield Emulator(root=root, data_dir=data_dir, cache_dir=cache_dir, server=server)
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


def vendor_body(name: str, **extra) -> dict:
    """A US business vendor BILL accepts (no bank account), for the measures that create one."""
    return {
        "name": name,
        "accountType": "BUSINESS",
        "address": {
            "line1": "1 Main St",
            "city": "Austin",
            "stateOrProvince": "TX",
            "zipOrPostalCode": "78701",
            "country": "US",
        },
        **extra,
    }


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values) -> dict:
    """min / median / max of the runs (rounded for the JSON)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"min": None, "median": None, "max": None}
    return {
        "min": _round(min(values)),
        "median": _round(statistics.median(values)),
        "max": _round(max(values)),
    }


def _round(value: float) -> float:
    return round(value, 6) if isinstance(value, float) else value


def rounded(values) -> list:
    return [_round(v) for v in values]


def not_available(reason: str, **extra) -> dict:
    return {"status": "not available", "reason": reason, **extra}
