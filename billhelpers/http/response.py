"""
billhelpers.http.response
~~~~~~~~~~~~~~~~~~~

:class:`ApiResponse`: one call's request and answer, shown the way BILL's recipe "Send" shows it.

Why a wrapper rather than a dict: a notebook cell that ends with ``client.vendors.create(...)``
should *teach*: it prints the request line, the (masked) body sent, BILL's status line
(``HTTP 200 OK``, ``HTTP 201 Created`` for a create, ``HTTP 204 No Content`` with no body for a
delete) and the pretty JSON received, while code keeps using it like the dict BILL returned
(``resp["id"]``). An answer with no body (a 204, logout's empty 200) has ``data`` ``None``.
Every rendering goes through :func:`billhelpers.masking.mask`, so no secret reaches an output.
"""

from __future__ import annotations

import html
from http import HTTPStatus
from urllib.parse import urlencode

from billhelpers.masking import mask
from billhelpers.rules import money


class ApiResponse:
    """A BILL answer plus the request that produced it.

    ``data`` is the parsed JSON with money as ``Decimal``; ``[...]``, ``get``, ``in`` and
    ``iter`` delegate to it. ``request_body`` is the body sent, secrets masked
    (``"password": "********"``). ``recovered`` is set when the client had to look the object up
    after an uncertain answer (see ``client.payments.create``).
    """

    __slots__ = (
        "method",
        "path",
        "params",
        "status_code",
        "reason",
        "request_body",
        "data",
        "elapsed_ms",
        "recovered",
        "note",
        "base_url",
        "headers",
        "content",
    )

    def __init__(
        self,
        *,
        method,
        path,
        status_code,
        reason,
        data,
        request_body=None,
        params=None,
        elapsed_ms=None,
        recovered=False,
        note=None,
        base_url=None,
        headers=None,
        content=None,
    ):
        self.method = method
        self.path = path
        self.params = params or {}
        self.status_code = status_code
        self.reason = reason
        #: The body sent, with every secret and bank number already masked: a response kept in
        #: a notebook variable must not hold the password (the raw body went to BILL only).
        self.request_body = mask(request_body)
        self.data = data
        self.elapsed_ms = elapsed_ms
        self.recovered = recovered
        #: A short remark shown under the status line (e.g. "reused the cached session").
        self.note = note
        #: Where the call went (``https://gateway.stage.bill.com/connect``; the emulator's URL).
        self.base_url = base_url or ""
        #: The request headers as sent, secrets already masked by the client (never raw).
        self.headers = dict(headers or {})
        #: A download's bytes (``data`` then only describes them: type and size).
        self.content = content

    # -- dict-like access to the JSON ---------------------------------------------------------
    def __getitem__(self, key):
        if self.data is None:
            raise KeyError(f"{key!r}: HTTP {self.status_code} came with no body")
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default) if isinstance(self.data, dict) else default

    def __contains__(self, key):
        return key in self.data if isinstance(self.data, (dict, list)) else False

    def __iter__(self):
        return iter(self.data if isinstance(self.data, (dict, list)) else ())

    def __len__(self):
        return len(self.data) if isinstance(self.data, (dict, list)) else 0

    def __eq__(self, other):
        if isinstance(other, ApiResponse):
            return self.data == other.data and self.status_code == other.status_code
        return self.data == other

    __hash__ = None

    @property
    def ok(self) -> bool:
        return 200 <= int(self.status_code) < 300

    @property
    def results(self) -> list:
        """The ``results`` of a list call (``[]`` when absent)."""
        return self.get("results") or []

    # -- rendering ------------------------------------------------------------------------------
    def request_line(self) -> str:
        # Shown as BILL's docs write it (filters=status:eq:"VERIFIED"), not percent-encoded.
        query = urlencode({k: v for k, v in self.params.items() if v is not None}, safe=':",')
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")

    def url_line(self) -> str:
        """``POST https://…/v3/vendors?max=2``: the method and the full URL, as on the wire."""
        method, _, rest = self.request_line().partition(" ")
        return f"{method} {self.base_url}{rest}"

    def header_lines(self) -> list[str]:
        """``devKey: abcd…`` lines; the values were masked when recorded (the kit masks them,
        BILL would not)."""
        return [f"{name}: {value}" for name, value in self.headers.items()]

    def status_line(self) -> str:
        """``HTTP 201 Created``; the standard phrase when the server sent none (HTTP/2)."""
        reason = self.reason
        if not reason:
            try:
                reason = HTTPStatus(int(self.status_code)).phrase
            except ValueError:
                reason = ""
        return f"HTTP {self.status_code} {reason}".rstrip()

    def to_text(self) -> str:
        """Request line, masked request body, status line, masked pretty JSON."""
        parts = [self.url_line(), *self.header_lines()]
        if self.request_body is not None:
            parts.append(money.dumps(mask(self.request_body), indent=2))
        parts.append("")
        parts.append(self.status_line() + (f"  ({self.note})" if self.note else ""))
        if self.data is not None:
            parts.append(money.dumps(mask(self.data), indent=2))
        else:
            parts.append("(no body)")
        return "\n".join(parts)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_pretty_(self, p, cycle):  # IPython's text display
        p.text("ApiResponse(...)" if cycle else self.to_text())

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        request = html.escape(self.url_line())
        heads = "".join(
            f"<div style='font-family:monospace;color:#57606a'>{html.escape(line)}</div>"
            for line in self.header_lines()
        )
        body = ""
        if self.request_body is not None:
            sent = html.escape(money.dumps(mask(self.request_body), indent=2))
            body = f"<pre style='margin:0 0 .5em 0'>{sent}</pre>"
        note = (
            f" <span style='color:#57606a'>({html.escape(self.note)})</span>" if self.note else ""
        )
        data = (
            "(no body)"
            if self.data is None
            else html.escape(money.dumps(mask(self.data), indent=2))
        )
        return (
            "<div class='billhelpers-response'>"
            f"<div style='font-family:monospace;font-weight:bold'>{request}</div>{heads}{body}"
            f"<div style='font-family:monospace;font-weight:bold;color:{colour}'>"
            f"{html.escape(self.status_line())}</div>{note}"
            f"<pre style='margin:0'>{data}</pre></div>"
        )
