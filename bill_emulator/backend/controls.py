"""bill_emulator.backend.controls
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's own controls (not BILL's): clock, request log, faults, limits, reset, fault
profiles and the report card (bulk seeding: :mod:`bill_emulator.backend.seeding`).

They exist so tutorials and tests can make time pass, see what was called, and provoke the
failures a client must survive (rate limits, 5xx, slow or dropped responses, even a response lost
after the payment was recorded) without waiting or touching BILL.
"""

from __future__ import annotations

import fnmatch
from decimal import Decimal

from bill_emulator import _json
from bill_emulator.backend import profiles, report, report_calls
from bill_emulator.backend import validation as v
from bill_emulator.backend.clock import MAX_ADVANCE_SECONDS, MAX_OFFSET_MS, iso
from bill_emulator.backend.core import BackendBase
from bill_emulator.backend.errors import InvalidState, ValidationFailed

_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def _whole(body: dict, key: str, *, low: int, high: int, required: bool = True) -> int | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(key, f"must be a whole number from {low} to {high}")
    return value


#: Sibling mixins' methods this one calls. The mixins share one ``self``, so no import shows
#: these; tests/emulator/test_layering.py keeps the list true.
USES = {
    "SessionsMixin": ("check_dev_key",),
}


class ControlsMixin(BackendBase):
    def advance_clock(self, body: object) -> dict:
        """Move the clock forward: at most a year at once, at most 10 years ahead of real time."""
        body = v.body_object(body)
        seconds = body.get("advanceSeconds")
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | Decimal)
            or not 0 <= seconds <= MAX_ADVANCE_SECONDS
        ):
            raise ValidationFailed(
                "advanceSeconds",
                f"must be a number of seconds from 0 to {MAX_ADVANCE_SECONDS} (366 days)",
            )
        with self.store.write():
            ahead_ms = self.clock.offset_ms() + int(seconds * 1000)
            if ahead_ms > MAX_OFFSET_MS:
                raise ValidationFailed(
                    "advanceSeconds",
                    f"would put the clock more than 10 years ({MAX_OFFSET_MS // 1000} s) ahead"
                    f" of real time; it is {self.clock.offset_ms() // 1000} s ahead now"
                    " (POST /_emulator/reset puts it back)",
                )
            now = self.clock.advance(seconds)
        return {"now": iso(now)}

    def clock_now(self) -> dict:
        """``GET /_emulator/clock``: the emulator's now and its (UTC) today."""
        return {"now": self.now_iso(), "today": self.clock.today().isoformat()}

    def log_request(self, method: str, path: str, status: int) -> None:
        """Note one served BILL call for the log (no bodies, no headers, so no secrets)."""
        self.books.log((method, path, status, self.clock.now_ms()))
        if self.books.due():
            self.books.flush()

    def note_call(self, row: tuple) -> None:
        """Note one served BILL call for the report card (``store.log_calls``'s columns)."""
        self.books.note_call(row)
        if self.books.due():
            self.books.flush()

    def request_log(self, limit: int = 1000) -> list[dict]:
        self.flush_request_log()
        return [
            {"method": m, "path": p, "status": s, "time": iso(t)}
            for m, p, s, t in self.store.request_log(limit)
        ]

    def clear_request_log(self) -> dict:
        with self.store.write():
            self.flush_request_log()
            self.store.clear_request_log()
        return {}

    def add_fault(self, body: object) -> dict:
        """Queue a fault for the next ``count`` matching BILL calls (``path`` may use ``*``)."""
        body = v.body_object(body)
        path = v.string(body, "path", required=True)
        if not path.startswith("/v3/"):
            raise ValidationFailed("path", "must be a BILL path beginning with /v3/")
        method = v.string(body, "method")
        if method is not None and method.upper() not in _METHODS:
            raise ValidationFailed("method", f"must be one of {', '.join(_METHODS)}")
        fault = {
            "path": path,
            "method": method.upper() if method else None,
            "count": _whole(body, "count", low=1, high=10_000, required=False) or 1,
            "status": _whole(body, "status", low=400, high=599, required=False),
            "code": v.string(body, "code"),
            "delaySeconds": None,
            "drop": v.boolean(body, "drop"),
            "afterProcessing": v.boolean(body, "afterProcessing"),
        }
        delay = body.get("delaySeconds")
        if delay is not None:
            seconds = v.money(delay, "delaySeconds", allow_zero=True) / 100
            if seconds > 120:
                raise ValidationFailed("delaySeconds", "must be at most 120")
            fault["delaySeconds"] = seconds
        kinds = [fault["status"] is not None, fault["delaySeconds"] is not None, fault["drop"]]
        if sum(kinds) != 1:
            raise ValidationFailed("status", "give exactly one of status, delaySeconds or drop")
        if fault["code"] is not None and fault["status"] is None:
            raise ValidationFailed("code", "goes with status")
        with self.store.write():
            fault["id"] = self.store.insert_fault(fault)
        return fault

    def faults(self) -> list[dict]:
        return [
            {**f, "drop": bool(f["drop"]), "afterProcessing": bool(f["afterProcessing"])}
            for f in self.store.faults()
        ]

    def take_fault(self, method: str, path: str) -> dict | None:
        """The first pending fault matching this call, consumed; ``None`` when none match."""
        with self.store.write():
            for fault in self.store.faults():
                if fault["method"] not in (None, method):
                    continue
                if fault["path"] != path and not fnmatch.fnmatchcase(path, fault["path"]):
                    continue
                self.store.consume_fault(fault["id"])
                return fault
        return None

    def clear_faults(self) -> dict:
        with self.store.write():
            self.store.clear_faults()
        return {}

    def limits(self) -> dict:
        c = self.store.control()
        return {
            "requestsPerHour": c["requests_per_hour"],
            "loginsPerHour": c["logins_per_hour"],
            "concurrentRequests": c["concurrent_requests"],
        }

    def set_limits(self, body: object) -> dict:
        body = v.body_object(body)
        current = self.limits()
        for key in current:
            if key in body:
                current[key] = _whole(body, key, low=1, high=100_000_000)
        with self.store.write():
            self.store.set_limits(
                requests_per_hour=current["requestsPerHour"],
                logins_per_hour=current["loginsPerHour"],
                concurrent=current["concurrentRequests"],
            )
        return current

    def reset(self) -> dict:
        """Back to the freshly seeded organization and real time (limits are kept)."""
        from bill_emulator import seed

        with self.store.write():
            self.store.wipe()
            self.clock.reset()
            seed.seed_demo(self)
        self.books.forget()
        self._dev_keys.clear()
        if self.profile is not None:  # kept, and started again: a run after a reset repeats
            self.profile = profiles.FaultProfile(self.profile.name, self.profile.seed)
        return {"status": "reset"}

    # -- fault profiles and the report card (issue 26) -------------------------------------------

    def set_fault_profile(self, body: object) -> dict:
        """``POST /_emulator/fault-profile {"name", "seed"}``: put a profile in force (and start
        the report card's run again)."""
        body = v.body_object(body)
        allowed = ", ".join(profiles.NAMES)
        name = body.get("name")
        if not isinstance(name, str) or name not in profiles.PROFILES:
            raise ValidationFailed("name", f"must be one of {allowed} (got {name!r})")
        seed = body.get("seed", 0)
        whole = isinstance(seed, int) and not isinstance(seed, bool)
        if not whole or not 0 <= seed <= profiles.MAX_SEED:
            raise ValidationFailed(
                "seed", f"must be a whole number from 0 to {profiles.MAX_SEED} (got {seed!r})"
            )
        unknown = sorted(set(body) - {"name", "seed"})
        if unknown:
            raise ValidationFailed(unknown[0], "unknown field; send name and seed")
        self.profile = profiles.FaultProfile(name, seed)
        self.start_report_run()
        return self.profile.describe()

    def fault_profile(self) -> dict:
        """``GET /_emulator/fault-profile``: the profile in force (``name`` null when none)."""
        if self.profile is None:
            return {"name": None, "seed": None, "profiles": list(profiles.NAMES)}
        return {**self.profile.describe(), "profiles": list(profiles.NAMES)}

    def clear_fault_profile(self) -> dict:
        self.profile = None
        self.start_report_run()
        return {}

    def start_report_run(self) -> None:
        """Forget the call records: the report card judges the calls made after this."""
        with self.store.write():
            self.flush_request_log()
            self.store.clear_calls()

    def report(self, dev_key: str | None, params: dict[str, list[str]]) -> dict:
        """``GET /_emulator/report``: the report card of the devKey's organization, from its
        calls since the last reset or fault-profile change (``?check=ID`` for some checks)."""
        org_id = self.dev_key_org(self.check_dev_key(dev_key))
        unknown = sorted(set(params) - {"check"})
        if unknown:
            raise ValidationFailed(unknown[0], "unknown parameter; the report takes check=ID")
        wanted = [c for value in params.get("check", []) for c in value.split(",") if c]
        for check_id in wanted:
            if check_id not in report.CHECK_IDS:
                raise ValidationFailed(
                    "check",
                    f"unknown check {check_id!r}; the checks are {', '.join(report.CHECK_IDS)}",
                )
        self.flush_request_log()
        calls = report_calls.numbered(
            report_calls.Call(
                org=org,
                method=method,
                path=path,
                status=status,
                code=code,
                arrival_ms=arrival,
                done_ms=done,
                in_flight=in_flight,
                retry_after=retry_after,
                facts=_json.loads(facts) if facts else {},
            )
            for org, method, path, status, code, arrival, done, in_flight, retry_after, facts in (
                self.store.calls(org_id)
            )
        )
        if not calls:
            raise InvalidState(
                f"No BILL call from organization {org_id} since the last reset or fault-profile "
                "change: run your client first, then ask for the report. The report grades "
                f"the checks {', '.join(report.CHECK_IDS)}."
            )
        live = set()
        for payment_id in report.payments_to_check(calls):
            doc = self.store.get_object("payment", org_id, payment_id)
            if doc is not None and report.is_live(doc):
                live.add(payment_id)
        card = report.grade(calls, live, wanted or report.CHECK_IDS)
        return {
            "organizationId": org_id,
            "faultProfile": None if self.profile is None else self.profile.describe(),
            "calls": len(calls),
            "passed": report.overall(card),
            "checks": card,
            "table": report.table(card),
        }

    def fresh_organization(self, body: object) -> dict:
        """``POST /_emulator/organizations {"fresh": true}``: a new organization with no phone
        and no bank account (the demo organization is left as it is); its credentials."""
        from bill_emulator import seed

        body = v.body_object(body if body is not None else {"fresh": True})
        if body.get("fresh") is not True or set(body) - {"fresh"}:
            raise ValidationFailed("fresh", 'send {"fresh": true}: only fresh organizations')
        return seed.seed_fresh(self)
