"""
billhelpers.http.deadline_transport
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The client's transport: ``requests``' own adapter, except that the status line and headers of
an answer are read under the call's total deadline (:func:`billhelpers.http.deadline.bounded`).

Why: ``http.client`` reads the status line and headers one socket read at a time, each with
the whole read timeout, before ``transport.send`` returns. A server that sends
``HTTP/1.1 200 OK`` one byte every 0.5 s never trips a read timeout of a few seconds, and kept
a payment POST waiting far past its deadline (issue 23). Here each of those reads waits at most
for the time left (or the read timeout, when that is shorter), like the body's reads in
:func:`~billhelpers.http.deadline.read_body`. The read that runs into the deadline marks the
call's :class:`~billhelpers.http.deadline.Bound` expired; urllib3 then reports a read timeout
(never a repeat: requests' adapter retries no read), which ``bounded`` turns into
:class:`~billhelpers.http.deadline.DeadlineExceeded`.

The client mounts :class:`DeadlineAdapter` on the ``requests.Session`` it makes itself. A
transport of your own (a proxy, a test adapter) keeps its adapters: mount a
``DeadlineAdapter()`` on it for the same bound.
"""

from __future__ import annotations

import http.client
import io
import socket
import time

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection

from billhelpers.http import deadline


class _BoundedReader(io.RawIOBase):
    """A socket's reads, each waiting at most until the bound's deadline."""

    def __init__(self, sock: socket.socket, bound: deadline.Bound):
        super().__init__()
        self._sock, self._bound = sock, bound
        self._raw = sock.makefile("rb", buffering=0)  # counted by the socket, like any file
        #: urllib3 sets the read timeout on the socket just before the answer is read.
        self._read_timeout = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        remaining = self._bound.deadline - time.monotonic()
        if remaining <= 0:
            self._bound.expired = True
            raise TimeoutError("the total deadline has passed")
        limited = self._read_timeout is None or remaining < self._read_timeout
        self._sock.settimeout(remaining if limited else self._read_timeout)
        try:
            return self._raw.readinto(buffer)
        except TimeoutError:
            if limited:
                self._bound.expired = True
            raise

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


class _BoundedSocket:
    """What ``http.client.HTTPResponse`` is given instead of the socket: it only asks for a
    file to read from."""

    def __init__(self, sock: socket.socket, bound: deadline.Bound):
        self._sock, self._bound = sock, bound

    def makefile(self, mode: str = "rb"):
        return io.BufferedReader(_BoundedReader(self._sock, self._bound))


class _BoundedResponse(http.client.HTTPResponse):
    """``http.client``'s response, read under the current call's bound (if any)."""

    def __init__(self, sock, *args, **kwargs):
        bound = deadline.current()
        if bound is not None and isinstance(sock, socket.socket):
            sock = _BoundedSocket(sock, bound)
        super().__init__(sock, *args, **kwargs)


class _HTTPConnection(HTTPConnection):
    response_class = _BoundedResponse


class _HTTPSConnection(HTTPSConnection):
    response_class = _BoundedResponse


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """``requests``' HTTP adapter whose connections read the status line and headers under
    the call's total deadline (see the module's docstring)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager


def bounded_session() -> requests.Session:
    """A ``requests.Session`` with :class:`DeadlineAdapter` for ``http://`` and ``https://``."""
    session = requests.Session()
    session.mount("http://", DeadlineAdapter())
    session.mount("https://", DeadlineAdapter())
    return session
