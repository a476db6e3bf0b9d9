"""
billhelpers.http.deadline
~~~~~~~~~~~~~~~~~~~~

Reads a streamed answer against one wall-clock deadline for the whole call.

Why: ``requests``' read timeout applies to each socket read, so a server (or a proxy) that
trickles one byte a second keeps a call alive forever without ever tripping it. The client
asks for ``stream=True`` and reads the body here in pieces, checking ``time.monotonic()``
between pieces; each piece still waits at most the read timeout.
"""

from __future__ import annotations

import time

import requests
import urllib3

CHUNK = 64 * 1024


class DeadlineExceeded(requests.Timeout):
    """The answer did not arrive completely within the call's total deadline."""


def read_body(resp: requests.Response, deadline: float) -> bytes:
    """The whole body of ``resp`` (also stored as ``resp.content``), or ``DeadlineExceeded``
    once ``time.monotonic()`` passes ``deadline``. Transports that already loaded the body
    (test adapters, ``stream=False``) are returned as they are."""
    raw = resp.raw
    if raw is None or resp.__dict__.get("_content", False) is not False:
        return resp.content or b""
    read = getattr(raw, "read1", None)
    parts: list[bytes] = []
    try:
        while True:
            if time.monotonic() > deadline:
                raise DeadlineExceeded("the answer did not arrive within the total deadline")
            if read is not None:
                data = read(CHUNK, decode_content=True)
            else:
                data = raw.read(CHUNK, decode_content=True)
            if not data:
                break
            parts.append(data)
    except urllib3.exceptions.ReadTimeoutError as err:
        resp.close()
        raise requests.ReadTimeout(str(err)) from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError, OSError) as err:
        resp.close()
        raise requests.ConnectionError(str(err)) from None
    except DeadlineExceeded:
        resp.close()
        raise
    body = b"".join(parts)
    resp._content, resp._content_consumed = body, True
    release = getattr(raw, "release_conn", None)
    if release is not None:  # back to the pool: keep-alive survives
        release()
    return body
