"""bill_emulator.testing_controls
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The handles an :class:`~bill_emulator.testing.Organization` gives a test: the emulator's own
controls (``/_emulator/...``) with the organization's devKey, the test clock, faults, and the
report card.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import datetime


class _Control:
    """Calls to the emulator's own controls (``/_emulator/...``) with one organization's devKey."""

    def __init__(self, url: str, dev_key: str) -> None:
        self._url = url
        self._dev_key = dev_key

    def __call__(self, method: str, path: str, body: object = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(  # noqa: S310 - a loopback emulator URL (refuse_production)
            self._url + path, data=data, method=method, headers={"devKey": self._dev_key}
        )
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                raw = resp.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace")
            raise EmulatorControlError(f"{method} {path}: HTTP {err.code}: {detail}") from None
        return json.loads(raw) if raw else None


class EmulatorControlError(RuntimeError):
    """The emulator refused a control call (the message holds its answer)."""


class Clock:
    """The emulator's test clock (world-wide: every organization shares it)."""

    def __init__(self, control: _Control) -> None:
        self._control = control

    def now(self) -> datetime:
        """The emulator's now (UTC)."""
        return datetime.fromisoformat(self._control("GET", "/_emulator/clock")["now"])

    def today(self):
        """The emulator's today (its UTC date): BILL's business date for this test."""
        from datetime import date

        return date.fromisoformat(self._control("GET", "/_emulator/clock")["today"])

    def advance(self, seconds: float = 0, *, days: float = 0, hours: float = 0) -> datetime:
        """Move the clock forward (at most 366 days at once); returns the new now."""
        total = seconds + hours * 3600 + days * 86400
        whole = int(total) if float(total).is_integer() else total
        answer = self._control("POST", "/_emulator/clock", {"advanceSeconds": whole})
        return datetime.fromisoformat(answer["now"])


class Faults:
    """Faults queued on the emulator (``/_emulator/faults``): the next matching BILL calls fail."""

    def __init__(self, control: _Control) -> None:
        self._control = control

    def add(
        self,
        path: str,
        *,
        method: str | None = None,
        status: int | None = None,
        code: str | None = None,
        delay: float | None = None,
        drop: bool = False,
        after_processing: bool = False,
        count: int = 1,
    ) -> dict:
        """Queue one fault for the next ``count`` calls matching ``method`` and ``path`` (``*``
        is a wildcard): exactly one of ``status`` (with BILL's ``code``), ``delay`` (seconds)
        or ``drop`` (the connection closes, no answer). ``after_processing``: the call is carried
        out first, then its answer is lost (a payment made, the client never told)."""
        body: dict = {"path": path, "count": count}
        if method is not None:
            body["method"] = method
        if status is not None:
            body["status"] = status
        if code is not None:
            body["code"] = code
        if delay is not None:
            body["delaySeconds"] = delay
        if drop:
            body["drop"] = True
        if after_processing:
            body["afterProcessing"] = True
        return self._control("POST", "/_emulator/faults", body)

    def list(self) -> list[dict]:
        return self._control("GET", "/_emulator/faults")

    def clear(self) -> None:
        self._control("DELETE", "/_emulator/faults")


class ReportCard(dict):
    """The emulator's report card (``GET /_emulator/report``) as a dict, with shortcuts."""

    @property
    def passed(self) -> bool | None:
        """False if a check failed; True if one passed and none failed; None: nothing judged."""
        return self["passed"]

    @property
    def table(self) -> str:
        return self["table"]

    def check(self, check_id: str) -> dict:
        """One check's entry (``{"id", "passed", "title", "evidence"}``)."""
        for check in self["checks"]:
            if check["id"] == check_id:
                return check
        raise KeyError(f"no check {check_id!r} in this card")

    def failed(self) -> list[str]:
        """The ids of the checks that failed."""
        return [c["id"] for c in self["checks"] if c["passed"] is False]

    def __str__(self) -> str:
        return self["table"]
