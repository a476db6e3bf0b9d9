"""bill_emulator.launcher
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``ensure_emulator(data_dir)``: the base URL of an emulator serving ``data_dir``, starting one if
needed.

Why reuse: every notebook kernel should see the same organization and the same MFA outbox, and
a second server on the same data directory would only add a second concurrency counter. A
running server records ``server.json`` (url, pid, instance) in its data directory; the launcher
trusts it only if ``GET /_emulator/health`` at that url answers with the same instance. Otherwise
it starts an :class:`EmulatorServer` in a daemon thread of this process on a free loopback port.

``BILL_EMULATOR_START`` (``yyyy-MM-dd``) starts a new world on that day instead of today: the
runs that make and check the chapters' committed outputs set it (``billhelpers.notebook.harness``).
"""

from __future__ import annotations

import atexit
import http.client
import json
import os
import threading
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from bill_emulator import datadir
from bill_emulator.backend.clock import parse_start
from bill_emulator.backend.webhooks import is_loopback_host
from bill_emulator.server import SERVER_FILE, EmulatorServer

#: The variable naming a new world's first day (see ``bill_emulator.backend.clock``).
START_ENV = "BILL_EMULATOR_START"

_lock = threading.Lock()
#: Servers this process started, by resolved data directory (kept alive for the process).
_started: dict[Path, EmulatorServer] = {}


def _healthy(record: dict, timeout: float = 1.0) -> bool:
    url = str(record.get("url", ""))
    parts = urlsplit(url)
    if parts.scheme != "http" or not is_loopback_host(parts.hostname):
        return False  # only ever reuse a loopback emulator
    try:
        with urllib.request.urlopen(f"{url}/_emulator/health", timeout=timeout) as resp:  # noqa: S310
            health = json.loads(resp.read())
    except (OSError, ValueError, http.client.HTTPException):
        # HTTPException: a stale server.json whose port another program (a kernel's ZMQ
        # socket, say) has taken since answers something that is not HTTP.
        return False
    return health.get("status") == "ok" and health.get("instance") == record.get("instance")


def ensure_emulator(data_dir: str | Path) -> str:
    """Base URL (no trailing slash) of an emulator serving ``data_dir``; thread-safe, idempotent."""
    path = datadir.resolve(data_dir)  # where a server of data_dir keeps server.json
    with _lock:
        server = _started.get(path)
        if server is not None:
            return server.url
        path = datadir.prepare(path)
        try:
            record = json.loads((path / SERVER_FILE).read_text())
        except (OSError, ValueError):
            record = None
        if isinstance(record, dict) and _healthy(record):
            return record["url"]
        start = os.environ.get(START_ENV)
        server = EmulatorServer(path, start=parse_start(start) if start else None).start()
        if not _started:
            atexit.register(stop_started)  # flush the request log, remove server.json
        _started[path] = server
        return server.url


def stop_started() -> None:
    """Stop every emulator this process started (tests; normally they live with the process)."""
    with _lock:
        servers = list(_started.values())
        _started.clear()
    for server in servers:
        server.stop()
