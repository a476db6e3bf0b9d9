"""The report card and the fault profiles over HTTP, as a learner's own tests use them: plain
``requests`` against the ``bill_emulator`` fixture, each check with a client that breaks it and
one that passes it; bad input answered with what is allowed."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
from client_bodies import check_vendor_body

from bill_emulator.backend.clock import add_business_days
from bill_emulator.backend.profiles import NAMES
from bill_emulator.backend.report import CHECK_IDS
from bill_emulator.testing import EmulatorControlError


class Client:
    """A bare integration: one session, the calls a payment needs."""

    def __init__(self, bill) -> None:
        self.bill, self.url = bill, bill.url
        self.http = requests.Session()
        self.answers: list[requests.Response] = []  # every answer, in order
        self.login()

    def login(self) -> None:
        for _ in range(5):  # a profile may refuse a login: wait as BILL asks, then again
            resp = requests.post(self.url + "/v3/login", json=self.bill.login_body, timeout=10)
            self.answers.append(resp)
            if resp.status_code not in (429, 500, 502, 503, 504):
                break
            time.sleep(float(resp.headers.get("Retry-After", 1)))
        assert resp.status_code == 200, resp.text
        self.http.headers.update(
            {"devKey": self.bill.dev_key, "sessionId": resp.json()["sessionId"]}
        )

    def call(self, method: str, path: str, body=None, **params) -> requests.Response | None:
        """The answer, or None when the connection dropped."""
        try:
            resp = self.http.request(method, self.url + path, json=body, params=params, timeout=10)
            self.answers.append(resp)
            return resp
        except requests.ConnectionError:
            return None

    def trust(self) -> None:
        challenge = self.call("POST", "/v3/mfa/challenge", {}).json()
        body = {"challengeId": challenge["challengeId"], "token": self.bill.mfa_code()}
        assert self.call("POST", "/v3/mfa/challenge/validate", body).ok

    def vendor(self, name: str = "Paper Co") -> requests.Response | None:
        return self.call("POST", "/v3/vendors", check_vendor_body(name))

    def make_bill(self, vendor_id: str, number: str = "INV-1") -> dict:
        today = self.bill.clock.today()
        body = {
            "vendorId": vendor_id,
            "dueDate": (today + dt.timedelta(days=30)).isoformat(),
            "invoice": {"invoiceNumber": number, "invoiceDate": today.isoformat()},
            "billLineItems": [{"amount": 40.00, "description": "paper"}],
        }
        resp = self.call("POST", "/v3/bills", body)
        assert resp.status_code == 201, resp.text
        return resp.json()

    def pay(self, bill_id: str, txn: str, amount: float = 40.00) -> requests.Response | None:
        return self.call(
            "POST",
            "/v3/payments",
            {
                "billId": bill_id,
                "amount": amount,
                "fundingAccount": {"type": "BANK_ACCOUNT", "id": self.bill.bank_account_id},
                "processingOptions": {"requestPayFaster": False},
                "processDate": add_business_days(self.bill.clock.today(), 3).isoformat(),
                "transactionNumber": txn,
            },
        )

    def find_payment(self, txn: str) -> list[dict]:
        resp = self.call("GET", "/v3/payments", filters=f'transactionNumber:eq:"{txn}"')
        return resp.json()["results"]


def check(bill, check_id: str) -> dict:
    return bill.report(check_id).check(check_id)


def ready(bill) -> tuple[Client, dict]:
    client = Client(bill)
    client.trust()
    vendor = client.vendor().json()
    return client, client.make_bill(vendor["id"])


# -- each check: a client that breaks it, one that passes it ------------------------------------


def test_paying_again_after_a_lost_answer_pays_twice(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", drop=True, after_processing=True)
    assert client.pay(bill["id"], "T-1", 20.00) is None  # half now, half later: 40 in all
    assert client.pay(bill["id"], "T-2", 20.00).status_code == 201  # "it failed: pay again"
    card = bill_emulator.report()
    assert card.passed is False
    assert set(card.failed()) == {"paid-twice", "blind-payment-retry"}
    assert bill["id"] in card.check("paid-twice")["evidence"][0]


def test_looking_the_transaction_number_up_pays_once(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", drop=True, after_processing=True)
    assert client.pay(bill["id"], "T-1") is None
    assert len(client.find_payment("T-1")) == 1  # it was recorded: done
    card = bill_emulator.report()
    assert card.check("paid-twice")["passed"] is True
    assert card.check("blind-payment-retry")["passed"] is True
    assert card.passed is True, card.table


def test_a_blind_retry_after_a_5xx_is_caught_even_when_it_pays_once(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", status=503)
    assert client.pay(bill["id"], "T-1").status_code == 503
    assert client.pay(bill["id"], "T-1").status_code == 201
    assert check(bill_emulator, "blind-payment-retry")["passed"] is False
    assert check(bill_emulator, "paid-twice")["passed"] is True


def test_a_retry_after_a_look_up_is_not_blind(bill_emulator):
    client, bill = ready(bill_emulator)
    bill_emulator.faults.add("/v3/payments", method="POST", status=503)
    assert client.pay(bill["id"], "T-1").status_code == 503
    assert client.find_payment("T-1") == []  # not recorded: paying is safe
    assert client.pay(bill["id"], "T-1").status_code == 201
    assert check(bill_emulator, "blind-payment-retry")["passed"] is True


def test_creating_a_vendor_again_after_a_lost_answer_is_a_duplicate(bill_emulator):
    client = Client(bill_emulator)
    bill_emulator.faults.add("/v3/vendors", method="POST", drop=True, after_processing=True)
    assert client.vendor() is None
    assert client.vendor().status_code == 201
    result = check(bill_emulator, "duplicate-create")
    assert result["passed"] is False and "paper co" in result["evidence"][0]


def test_finding_the_vendor_after_a_lost_answer_is_no_duplicate(bill_emulator):
    client = Client(bill_emulator)
    bill_emulator.faults.add("/v3/vendors", method="POST", drop=True, after_processing=True)
    assert client.vendor() is None
    found = client.call("GET", "/v3/vendors", filters='name:eq:"Paper Co"').json()["results"]
    assert len(found) == 1
    assert check(bill_emulator, "duplicate-create")["passed"] is True


def test_retrying_at_once_after_a_rate_limit_breaks_backoff(bill_emulator):
    client = Client(bill_emulator)
    bill_emulator.faults.add("/v3/vendors", method="GET", status=429, code="BDC_1322")
    assert client.call("GET", "/v3/vendors").status_code == 429
    assert client.call("GET", "/v3/vendors").status_code == 200
    result = check(bill_emulator, "backoff")
    assert result["passed"] is False and "asked for 1 s" in result["evidence"][0]


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_waiting_after_a_rate_limit_passes_backoff(bill_emulator):
    client = Client(bill_emulator)
    bill_emulator.faults.add("/v3/vendors", method="GET", status=429, code="BDC_1322")
    assert client.call("GET", "/v3/vendors").status_code == 429
    time.sleep(1.05)  # no Retry-After: at least 1 s
    assert client.call("GET", "/v3/vendors").status_code == 200
    assert check(bill_emulator, "backoff")["passed"] is True


def _in_parallel(client: Client, n: int) -> list[int]:
    statuses: list[int] = []
    lock = threading.Lock()

    def one():
        resp = requests.get(
            client.url + "/v3/vendors", headers=dict(client.http.headers), timeout=10
        )
        with lock:
            statuses.append(resp.status_code)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # each arrives while the earlier ones are held
    for t in threads:
        t.join()
    return statuses


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_a_fourth_call_in_flight_breaks_concurrency(bill_emulator):
    client = Client(bill_emulator)
    bill_emulator.faults.add("/v3/vendors", method="GET", delay=0.6, count=4)
    assert sorted(_in_parallel(client, 4)) == [200, 200, 200, 429]  # BILL's BDC_1322
    result = check(bill_emulator, "concurrency")
    assert result["passed"] is False and "with 3 calls" in result["evidence"][0]


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_three_calls_in_flight_pass_concurrency(bill_emulator):
    client = Client(bill_emulator)
    bill_emulator.faults.add("/v3/vendors", method="GET", delay=0.3, count=3)
    assert _in_parallel(client, 3) == [200, 200, 200]
    assert check(bill_emulator, "concurrency")["passed"] is True


def test_a_login_per_call_breaks_the_login_budget(bill_emulator):
    for _ in range(4):
        Client(bill_emulator).call("GET", "/v3/vendors")
    result = check(bill_emulator, "login-budget")
    assert result["passed"] is False and "reuse the session" in result["evidence"][0]


def test_one_session_reused_passes_the_login_budget(bill_emulator):
    client = Client(bill_emulator)
    for _ in range(4):
        client.call("GET", "/v3/vendors")
    assert check(bill_emulator, "login-budget")["passed"] is True


def test_paying_again_from_an_untrusted_session_breaks_untrusted_payment(bill_emulator):
    client = Client(bill_emulator)
    bill = client.make_bill(client.vendor().json()["id"])
    assert client.pay(bill["id"], "T-1").status_code == 403
    assert client.pay(bill["id"], "T-1").status_code == 403
    result = check(bill_emulator, "untrusted-payment")
    assert result["passed"] is False and "BDC_1361" in result["evidence"][0]


def test_trusting_the_session_after_one_refusal_passes_untrusted_payment(bill_emulator):
    client = Client(bill_emulator)
    bill = client.make_bill(client.vendor().json()["id"])
    assert client.pay(bill["id"], "T-1").status_code == 403
    client.trust()
    assert client.pay(bill["id"], "T-1").status_code == 201
    assert check(bill_emulator, "untrusted-payment")["passed"] is True


def test_a_check_with_nothing_to_judge_says_so(bill_emulator):
    Client(bill_emulator).call("GET", "/v3/vendors")
    card = bill_emulator.report()
    for check_id in ("paid-twice", "blind-payment-retry", "untrusted-payment", "duplicate-create"):
        assert card.check(check_id)["passed"] is None
    assert card.check("login-budget")["passed"] is True
    assert "n/a" in str(card)


# -- profiles over HTTP --------------------------------------------------------------------------


@pytest.mark.bill_emulator(fault_profile="lost-answers", seed=3)
def test_the_marker_puts_a_profile_in_force(bill_emulator):
    client = Client(bill_emulator)
    outcomes = [client.vendor(f"Vendor {i}") for i in range(3)]
    assert sum(1 for o in outcomes if o is None) == 2  # one lost before, one after the write
    card = bill_emulator.report()
    assert card["faultProfile"]["name"] == "lost-answers"
    assert card["faultProfile"]["seed"] == 3


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_a_profile_repeats_with_its_seed(bill_emulator):
    def outcomes(seed):
        bill_emulator.fault_profile("all", seed)
        client = Client(bill_emulator)
        return [getattr(client.call("GET", "/v3/vendors"), "status_code", 0) for _ in range(12)]

    first = outcomes(11)
    assert first == outcomes(11)
    assert any(s != 200 for s in first)


def test_session_expiry_ends_sessions_without_moving_the_date(bill_emulator):
    today = bill_emulator.clock.today()
    before = bill_emulator.clock.now()
    bill_emulator.fault_profile("session-expiry", 5)
    client = Client(bill_emulator)
    codes = []
    for _ in range(4):  # the first session ends at its 2nd to 4th call, the next one later
        answer = client.call("GET", "/v3/vendors")
        if answer.status_code == 401:
            codes.append(answer.json()[0]["code"])
            client.login()
    assert codes == ["BDC_1109"]
    assert bill_emulator.clock.today() == today
    assert bill_emulator.clock.now() - before < dt.timedelta(minutes=1)


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_rate_limits_answers_with_retry_after_within_five_calls(bill_emulator):
    bill_emulator.fault_profile("rate-limits", 0)
    client = Client(bill_emulator)
    for _ in range(4):
        client.call("GET", "/v3/vendors")
    refused = [a for a in client.answers[:5] if a.status_code == 429]
    assert refused, [a.status_code for a in client.answers]
    assert int(refused[0].headers["Retry-After"]) in (1, 2)
    assert refused[0].json()[0]["code"] in ("BDC_1322", "BDC_1144")


def test_the_profile_control_clears_and_describes(bill_emulator):
    described = bill_emulator.fault_profile("server-errors", 2)
    assert described["name"] == "server-errors" and described["billPage"].startswith("https://")
    bill_emulator.clear_fault_profile()
    current = bill_emulator._control("GET", "/_emulator/fault-profile")
    assert current["name"] is None and current["profiles"] == list(NAMES)


# -- bad input: a clear error naming what is allowed ---------------------------------------------


def test_an_unknown_profile_names_the_profiles(bill_emulator):
    with pytest.raises(EmulatorControlError) as err:
        bill_emulator.fault_profile("chaos-monkey")
    assert all(name in str(err.value) for name in NAMES)


@pytest.mark.parametrize("seed", ["7", 1.5, True, -1, None])
def test_a_seed_that_is_not_a_whole_number_is_refused(bill_emulator, seed):
    with pytest.raises(EmulatorControlError) as err:
        bill_emulator._control("POST", "/_emulator/fault-profile", {"name": "all", "seed": seed})
    assert "seed: must be a whole number" in str(err.value)


def test_an_unknown_check_names_the_checks(bill_emulator):
    Client(bill_emulator)
    with pytest.raises(EmulatorControlError) as err:
        bill_emulator.report("paid-thrice")
    assert all(check_id in str(err.value) for check_id in CHECK_IDS)


def test_a_report_before_any_call_says_what_to_do(bill_emulator):
    with pytest.raises(EmulatorControlError) as err:
        bill_emulator.report()
    assert "run your client first" in str(err.value)


def test_a_profile_change_starts_the_run_again(bill_emulator):
    Client(bill_emulator)
    bill_emulator.fault_profile("rate-limits", 1)
    with pytest.raises(EmulatorControlError, match="run your client first"):
        bill_emulator.report()


def test_the_report_needs_the_dev_key(bill_emulator):
    resp = requests.get(bill_emulator.url + "/_emulator/report", timeout=10)
    assert resp.status_code == 401


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
@pytest.mark.parametrize(
    "options",
    [{"fault_profile": "nope"}, {"seed": "x", "fault_profile": "all"}, {"profile": "all"}],
)
def test_the_marker_refuses_bad_options(pytester_like, options):
    problems = pytester_like(options)
    assert "UsageError" in problems or "usage" in problems.lower()


@pytest.fixture
def pytester_like(tmp_path):
    """Run a one-test file with a marker in a fresh pytest; its output."""
    import subprocess
    import sys

    def run(options: dict) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in options.items())
        (tmp_path / "test_one.py").write_text(
            "import pytest\n\n"
            f"@pytest.mark.bill_emulator({args})\n"
            "def test_one(bill_emulator):\n    pass\n"
        )
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode != 0
        return proc.stdout + proc.stderr

    return run
