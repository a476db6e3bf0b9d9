"""
billhelpers.resources.emulator
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Controls of the kit's emulator (``/_emulator/...``): the demo phone's inbox of MFA tokens,
the clock, fault injection, the request log and reset. These are *not* BILL's API.

Why on the client: notebooks and tests drive the emulator over the same HTTP connection and
devKey as BILL calls; the helpers refuse to run against BILL's own gateways.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from billhelpers.exceptions import InputError
from billhelpers.http.guard import is_loopback_host


class Emulator:
    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return f"<Emulator {self.client.base_url}>"

    def _call(self, method: str, path: str, body=None):
        host = urlsplit(self.client.base_url).hostname
        if self.client.config.environment != "demo" and not is_loopback_host(host):
            raise InputError(
                "the /_emulator/ controls exist only in the emulator",
                field="environment",
                hint="use environment='demo'",
            )
        resp = self.client.request(
            method, "/_emulator/" + path, json=body, auth=False, safe=method == "GET"
        )
        return resp.data

    def health(self) -> dict:
        return self._call("GET", "health")

    def outbox(self) -> list[dict]:
        """Texts the demo phone received: ``[{"challengeId", "token", "sentTime"}]``, newest
        first."""
        return self._call("GET", "outbox")

    def latest_token(self, challenge_id: str | None = None) -> str:
        """The newest MFA token (for ``challenge_id`` when given): what the learner's phone
        would show."""
        for message in self.outbox():
            if challenge_id is None or message.get("challengeId") == challenge_id:
                return message["token"]
        raise InputError(
            "no MFA text message in the demo outbox",
            field="challengeId",
            hint="call client.mfa.challenge() first",
        )

    def clock(self) -> dict:
        """The emulator's clock: ``{"now": ISO instant, "today": "yyyy-MM-dd"}`` (UTC)."""
        return self._call("GET", "clock")

    def advance_clock(self, seconds: float) -> dict:
        """Move the emulator's clock forward (e.g. 36 minutes to expire every session)."""
        return self._call("POST", "clock", {"advanceSeconds": seconds})

    def advance_business_days(self, days: int = 1) -> dict:
        """Move the test clock ``days`` business days ahead; payments change status on the way
        (every change in order, once). Answers ``{"now", "today", "transitions"}``."""
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise InputError(
                "the emulator's clock only moves forward",
                field="days",
                hint="give a whole number of business days, 0 or more",
            )
        return self._call("POST", "clock", {"advanceBusinessDays": days})

    def move_clock_to(self, day) -> dict:
        """Move the test clock to ``day`` (a ``date`` or ``"yyyy-MM-dd"``), never backwards."""
        return self._call("POST", "clock", {"toDate": str(day)})

    def run_payment_until(self, payment_id: str, single_status: str) -> dict:
        """Move the clock, business day by business day, until the payment's ``singleStatus``
        is ``single_status`` (refused, with the clock unmoved, if it never will be)."""
        spec = {"id": payment_id, "singleStatus": single_status}
        return self._call("POST", "clock", {"untilPaymentStatus": spec})

    def back_to_real_time(self) -> dict:
        """Put the test clock back to real time (the data stay): later chapters date their
        bills and payments from the real today. The one move back the clock allows."""
        return self._call("POST", "clock", {"backToRealTime": True})

    def add_fault(self, **fault) -> dict:
        """``add_fault(path="/v3/payments", method="POST", count=1, drop=True,
        afterProcessing=True)``: see docs/architecture.md for the fields."""
        return self._call("POST", "faults", fault)

    def clear_faults(self):
        return self._call("DELETE", "faults")

    def requests(self) -> list[dict]:
        """The BILL calls the emulator served (method, path, status, time; never bodies)."""
        return self._call("GET", "requests")

    def clear_requests(self):
        return self._call("DELETE", "requests")

    def reset(self):
        """Back to the freshly seeded demo organization."""
        return self._call("POST", "reset")

    def set_limits(self, **limits):
        """``set_limits(requestsPerHour=..., loginsPerHour=..., concurrentRequests=...)``."""
        return self._call("PUT", "limits", limits)

    def fresh_organization(self):
        """A new organization in the emulator as BILL's sandbox sign-up leaves one: a user and
        a devKey, but no MFA phone and no bank account (the demo organization is unchanged).

        Returns a signed-out :class:`~billhelpers.Client` for it; its ``config`` holds the
        credentials (shown masked). Its first steps: ``client.mfa.setup(phone)``, then the bank
        account (``client.funding_accounts.create_bank(...)``, ``verify_bank``,
        ``nominate_user``, :meth:`verify_identity`).
        """
        org = self._call("POST", "organizations", {"fresh": True})
        config = self.client.config.replace(
            username=org["username"],
            password=org["password"],
            organization_id=org["organizationId"],
            dev_key=org["devKey"],
            base_url=self.client.base_url,
        )
        # The same kind of client as this one, built without importing the client module: the
        # resources sit below it (pyproject.toml's import-linter layers).
        return type(self.client)(config, base_url=self.client.base_url)

    def verify_identity(self, bank_account_user_id: str) -> dict:
        """Stand in for the identity check BILL's web app asks of a nominated bank account
        user: the user becomes ``VERIFIED`` and may pay from that account."""
        path = f"bank-account-users/{bank_account_user_id}/verify"
        return self._call("POST", path)

    def seed_vendors(self, count: int, name_prefix: str = "Vendor") -> dict:
        return self._call("POST", "seed/vendors", {"count": count, "namePrefix": name_prefix})
