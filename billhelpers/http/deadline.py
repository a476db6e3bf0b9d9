"""
billhelpers.http.deadline
~~~~~~~~~~~~~~~~~~~~

Reads a streamed answer against one wall-clock deadline for the whole call.

Why: ``requests``' read timeout applies to each socket read, so a server (or a proxy) that
trickles one byte a second keeps a call alive forever without ever tripping it. The client
asks for ``stream=True`` and reads the body here in pieces, checking ``time.monotonic()``
between pieces, and before each piece the socket's timeout is set to the time left (or the
read timeout, when that is shorter): a read waiting for a trickled byte ends at the deadline,
not when the byte comes (issue 23: one byte every 1.5 s overran a deadline checked only
between reads).

The status line and headers come before the body, read by ``http.client`` inside
``transport.send``: :func:`bounded` holds the call's deadline for that time (a context
variable), and the client's transport (:mod:`billhelpers.http.deadline_transport`) reads them
under it the same way, so a trickled ``HTTP/1.1 200 OK`` ends at the deadline too.
"""

from __future__ import annotations

import contextlib
import contextvars
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass

import requests
import urllib3

CHUNK = 64 * 1024


class DeadlineExceeded(requests.Timeout):
    """The answer did not arrive completely within the call's total deadline."""


@dataclass
class Bound:
    """One call's total deadline (``time.monotonic()``) and whether a read ran into it."""

    deadline: float
    expired: bool = False


_CURRENT: contextvars.ContextVar[Bound | None] = contextvars.ContextVar(
    "billhelpers_deadline", default=None
)


def current() -> Bound | None:
    """The :class:`Bound` of the call being sent in this thread (``None`` outside one)."""
    return _CURRENT.get()


@contextlib.contextmanager
def bounded(deadline: float) -> Iterator[Bound]:
    """Sends inside hold ``deadline``: a bounded transport's reads of the status line and
    headers end there, and a transport failure they caused comes out as
    :class:`DeadlineExceeded` (urllib3 reports it as a read timeout or a dropped connection)."""
    bound = Bound(deadline)
    token = _CURRENT.set(bound)
    try:
        yield bound
    except requests.RequestException as err:
        if bound.expired and not isinstance(err, DeadlineExceeded):
            raise DeadlineExceeded("the answer did not arrive within the total deadline") from None
        raise
    finally:
        _CURRENT.reset(token)


def read_body(resp: requests.Response, deadline: float) -> bytes:
    """The whole body of ``resp`` (also stored as ``resp.content``), or ``DeadlineExceeded``
    once ``time.monotonic()`` passes ``deadline``. Transports that already loaded the body
    (test adapters, ``stream=False``) are returned as they are."""
    raw = resp.raw
    if raw is None or resp.__dict__.get("_content", False) is not False:
        return resp.content or b""
    read = getattr(raw, "read1", None)
    sock = _socket_of(raw)
    read_timeout = sock.gettimeout() if sock is not None else None
    parts: list[bytes] = []
    bound_by_deadline = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DeadlineExceeded("the answer did not arrive within the total deadline")
            if sock is not None:
                bound_by_deadline = read_timeout is None or remaining < read_timeout
                sock.settimeout(remaining if bound_by_deadline else read_timeout)
            if read is not None:
                data = read(CHUNK, decode_content=True)
            else:
                data = raw.read(CHUNK, decode_content=True)
            if not data:
                break
            parts.append(data)
    except DeadlineExceeded:  # first: it is a requests error, so an OSError too
        resp.close()
        raise
    except urllib3.exceptions.ReadTimeoutError as err:
        resp.close()
        if bound_by_deadline:
            raise DeadlineExceeded("the answer did not arrive within the total deadline") from None
        raise requests.ReadTimeout(str(err)) from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, OSError) as err:
        resp.close()
        raise requests.ConnectionError(str(err)) from None
    if sock is not None:  # the pool's next user gets the read timeout back
        with contextlib.suppress(OSError):
            sock.settimeout(read_timeout)
    body = b"".join(parts)
    resp._content, resp._content_consumed = body, True
    release = getattr(raw, "release_conn", None)
    if release is not None:  # back to the pool: keep-alive survives
        release()
    return body


def _socket_of(raw) -> socket.socket | None:
    """The socket a streamed urllib3 response reads from (``None`` for test adapters and
    anything else without one: those are read with the between-reads check only)."""
    connection = getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    return sock if isinstance(sock, socket.socket) else None
