"""
billhelpers.http.guard
~~~~~~~~~~~~~~~~~

The production guard's two questions: is this base URL BILL production, and does this prepared
request (what really goes on the wire) create a payment?

Why on the prepared request: a path is written many ways that servers read as one
(``/v3/%70ayments``, ``/v3/./payments``, ``/v3/x/../payments``, ``/v3/payments#frag``), and
``requests`` itself rewrites some of them. Checking the URL after preparation, percent-decoded
and with dot segments removed, is checking what BILL will route, not what the caller typed.
Why on the host too: ``BILL_ENVIRONMENT=sandbox`` with ``BILL_BASE_URL`` on BILL's production
gateway still moves real money, so the host decides, not the environment's name.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from urllib.parse import unquote, urlsplit

#: BILL's production API hosts (developer.bill.com: "Get started in Production" for v3,
#: "API request format" for v2's ``api.bill.com``).
PRODUCTION_HOSTS = frozenset({"gateway.prod.bill.com", "api.bill.com"})
#: BILL's documented test hosts; any other ``*.bill.com`` host is treated as production
#: (fail closed: an unknown BILL host might move real money).
TEST_HOSTS = frozenset(
    {"gateway.stage.bill.com", "api-sandbox.bill.com", "api-stage.bill.com", "api.stage.bill.com"}
)
#: Paths (without the base URL's own prefix) where anything but a read creates a payment.
MONEY_SUFFIXES = ("/v3/payments", "/v3/payments/bulk")
_READS = frozenset({"GET", "HEAD", "OPTIONS"})


def host_of(url: str) -> str:
    """The URL's host, lower case, without port, credentials or trailing dot."""
    try:
        host = urlsplit(str(url).strip()).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


def is_loopback_host(host: str | None) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ``::1``, bracketed or not):
    the only place the emulator's controls and its webhook deliveries may go."""
    host = (host or "").strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_demo(environment: str | None, base_url: str | None) -> bool:
    """Whether calls go to the kit's emulator on this machine: ``demo`` *and* no base URL (the
    launcher starts one here) or a loopback one. What pays without a person (the demo
    auto-confirmations, ``run_until_done``) asks this, never the environment's name alone:
    ``BILL_ENVIRONMENT=demo`` with ``BILL_BASE_URL`` on BILL's gateways is not demo."""
    if environment != "demo":
        return False
    return not base_url or is_loopback_host(host_of(base_url))


def is_production_url(url: str | None) -> bool:
    """Whether ``url`` points at BILL production (any case, port or trailing dot)."""
    if not url:
        return False
    host = host_of(url)
    if host in PRODUCTION_HOSTS:
        return True
    return (host == "bill.com" or host.endswith(".bill.com")) and host not in TEST_HOSTS


def wire_path(url: str) -> str:
    """The path a server routes for ``url``: no query or fragment, percent-decoded (until it
    no longer changes), ``;params`` dropped, dot segments resolved, slashes collapsed,
    lower case, no trailing slash."""
    path = urlsplit(str(url)).path
    for _ in range(5):  # %2570 -> %70 -> p: decoding more than a server would over-guards
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    path = path.split("?", 1)[0].split("#", 1)[0].replace("\\", "/")
    segments = [s.split(";", 1)[0] for s in path.split("/")]
    normal = posixpath.normpath("/" + "/".join(s for s in segments if s))
    normal = re.sub(r"/+", "/", normal)
    return normal.rstrip("/").lower() or "/"


def moves_money_on_wire(method: str, url: str) -> bool:
    """Whether a prepared ``method url`` creates a payment, whatever the base URL's prefix."""
    if str(method).strip().upper() in _READS:
        return False
    path = wire_path(url)
    return any(path == s or path.endswith(s) for s in MONEY_SUFFIXES)
