"""``PaymentRun`` against a recording stand-in for the client: every call it makes, with its
exact arguments, and what it keeps of the answers (``payrun/run.py`` in the mutation run).

``test_run_e2e.py`` runs the whole story on the emulator; this file pins the run's side of the
conversation: which filters and sorts it asks for, the bodies of its bulk calls and their
batches, the transaction numbers it sends, and the bills it looks up after a lost answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from billhelpers.payrun import run as run_module
from billhelpers.payrun.exports import ExportRow
from billhelpers.payrun.go_no_go import Verdict
from billhelpers.payrun.run import PaymentRun, batches
from billhelpers.rules import payment_identity as identity

ORG = "00801DEMOORG00000001"
TODAY = dt.date(2026, 12, 24)


class Recorder:
    """One resource of the stand-in client: each call is appended to the client's ``calls``
    and answered from ``answers[name]`` (a function of the arguments)."""

    def __init__(self, client, resource):
        self._client, self._resource = client, resource

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self._client.calls.append((f"{self._resource}.{name}", args, kwargs))
            return self._client.answers[f"{self._resource}.{name}"](*args, **kwargs)

        return call


class FakeClient:
    def __init__(self, vendors=(), bills=(), payments=()):
        self.calls: list[tuple] = []
        self.config = SimpleNamespace(organization_id=ORG)
        self.is_trusted = True
        self.created = 0
        self.answers = {
            "vendors.list_all": lambda *a, **k: [dict(v) for v in vendors],
            "bills.list_all": lambda *a, **k: [dict(b) for b in bills],
            "payments.list_all": lambda *a, **k: [dict(p) for p in payments],
            "vendors.bulk_create": self._vendors,
            "bills.bulk_create": self._bills,
            "payments.bulk_create": self._payments,
            "funding_accounts.verified_banks": lambda: [{"id": "bac1"}, {"id": "bac2"}],
        }
        for resource in ("vendors", "bills", "payments", "funding_accounts"):
            setattr(self, resource, Recorder(self, resource))

    def today(self):
        return TODAY

    def _id(self, prefix):
        self.created += 1
        return f"{prefix}{self.created:04d}"

    def _vendors(self, chunk):
        return SimpleNamespace(data={"vendors": [{**b, "id": self._id("009")} for b in chunk]})

    def _bills(self, chunk):  # BILL answers a bulk of bills with a bare array
        made = [
            {
                **b,
                "id": self._id("00n"),
                "amount": b["billLineItems"][0]["amount"],
                "dueDate": b["dueDate"].isoformat(),
            }
            for b in chunk
        ]
        return SimpleNamespace(data=made)

    def _payments(self, body, known_bills):
        rows = [
            {"transactionNumber": p["transactionNumber"], "billId": p["billId"]}
            for p in body["payments"]
        ]
        return SimpleNamespace(data={"payments": rows})

    def named(self, name):
        return [c for c in self.calls if c[0] == name]


def _row(vendor, number, amount="10.00", line=6):
    return ExportRow(
        line=line,
        vendor=vendor,
        invoice_number=number,
        invoice_date=dt.date(2026, 11, 2),
        due_date=dt.date(2026, 12, 2),
        amount=Decimal(amount),
        open_amount=Decimal(amount),
        source="the export",
    )


def test_batches():
    assert list(batches([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(batches([], 50)) == []
    assert (run_module.VENDOR_BATCH, run_module.BILL_BATCH, run_module.PAYMENT_BATCH) == (
        20,
        100,
        50,
    )


def test_refresh_reads_live_vendors_and_bills_with_the_runs_progress_setting():
    client = FakeClient(vendors=[{"id": "009a", "name": "Acme"}])
    run = PaymentRun(client, [_row("Acme", "A-1")], progress=False)
    plan = run.refresh()
    assert client.calls == [
        ("vendors.list_all", ("archived:eq:false",), {"progress": False}),
        ("bills.list_all", ("archived:eq:false",), {"progress": False}),
    ]
    assert run.plan is plan and [p.vendor_id for p in plan] == ["009a"]
    assert run.vendors == [{"id": "009a", "name": "Acme"}]
    assert PaymentRun(client, []).progress is True


def test_create_missing_makes_vendors_then_bills_and_reports_each():
    rows = [_row("Acme", "A-1"), _row("Acme", "A-2", "20.00"), _row("Bare Co", "B-1")]
    client = FakeClient()
    details = {"Acme": {"email": "ap@acme.example"}}
    run = PaymentRun(client, rows, vendor_details=details, progress=False)
    assert run.create_missing() == {"vendors": 1, "bills": 2}  # refreshed first: no plan yet
    assert [c[0] for c in client.calls] == [
        "vendors.list_all",
        "bills.list_all",
        "vendors.bulk_create",
        "bills.bulk_create",
    ]
    assert client.named("vendors.bulk_create")[0][1] == (
        [{"name": "Acme", "email": "ap@acme.example"}],
    )
    assert client.named("bills.bulk_create")[0][1] == (
        [
            {
                "vendorId": "0090001",
                "dueDate": dt.date(2026, 12, 2),
                "invoice": {"invoiceNumber": number, "invoiceDate": dt.date(2026, 11, 2)},
                "billLineItems": [
                    {"amount": Decimal(amount), "description": f"{number} (from the export)"}
                ],
            }
            for number, amount in (("A-1", "10.00"), ("A-2", "20.00"))
        ],
    )
    assert run.results == [
        {"vendor": "Acme", "created": "0090001"},
        {"vendor": "Bare Co", "created": "not created: no details given"},
        {"vendor": "Acme", "invoice": "A-1", "created": "00n0002"},
        {"vendor": "Acme", "invoice": "A-2", "created": "00n0003"},
    ]
    assert run.confirmed == {"Acme": "0090001"}
    assert [(p.invoice_number, p.bill_status, p.bill_id) for p in run.plan] == [
        ("A-1", "in BILL", "00n0002"),
        ("A-2", "in BILL", "00n0003"),
        ("B-1", "new", None),
    ]
    assert run.results_frame().to_dict("records") == [
        {"vendor": "Acme", "invoice": "", "created": "0090001"},
        {"vendor": "Bare Co", "invoice": "", "created": "not created: no details given"},
        {"vendor": "Acme", "invoice": "A-1", "created": "00n0002"},
        {"vendor": "Acme", "invoice": "A-2", "created": "00n0003"},
    ]


def test_vendors_and_bills_go_in_batches_of_twenty_and_a_hundred():
    rows = [_row(f"Vendor {i:02d}", f"V-{i}") for i in range(21)]
    rows += [_row("Vendor 00", f"X-{i}") for i in range(100)]
    client = FakeClient()
    run = PaymentRun(client, rows, vendor_details={r.vendor: {} for r in rows}, progress=False)
    assert run.create_missing() == {"vendors": 21, "bills": 121}
    assert [len(c[1][0]) for c in client.named("vendors.bulk_create")] == [20, 1]
    assert [len(c[1][0]) for c in client.named("bills.bulk_create")] == [100, 21]


def test_run_date_is_the_latest_earliest_date_of_the_vendors_paid():
    new_bank = {
        "id": "009new",
        "name": "New Bank",
        "createdTime": "2026-12-24T09:00:00.000+00:00",
        "paymentInformation": {"bankAccount": {"accountNumber": "1234"}},
    }
    old = {"id": "009old", "name": "Old Co"}
    client = FakeClient(vendors=[new_bank, old])
    run = PaymentRun(client, [_row("Old Co", "O-1")], progress=False)
    run.refresh()
    assert run.run_date() == TODAY  # BILL's today, a business day
    assert run.run_date(dt.date(2026, 12, 26)) == dt.date(2026, 12, 28)  # a Saturday: Monday
    run.rows.append(_row("New Bank", "N-1"))
    run.refresh()
    assert run.run_date() == dt.date(2026, 12, 29)  # two business days after the new account
    run.rows[:] = [_row("Old Co", "O-1"), _row("Old Co", "O-1", line=7)]
    run.refresh()
    run.plan[1].vendor_id = "009new"  # only the duplicate row names the new vendor
    assert run.run_date() == TODAY
    empty = PaymentRun(FakeClient(), [], progress=False)
    assert empty.run_date(dt.date(2026, 12, 26)) == dt.date(2026, 12, 28)


def test_preflight_reads_the_banks_and_draws_on_the_first():
    client = FakeClient(vendors=[{"id": "009a", "name": "Acme"}])
    run = PaymentRun(client, [_row("Acme", "A-1")], progress=False)
    run.refresh()
    [verdict] = run.preflight(dt.date(2026, 12, 28))
    assert run._funding == "bac1" and client.named("funding_accounts.verified_banks")
    assert verdict.reason == "the bill is not in BILL (create the bills first)"
    run.preflight(banks=[])  # no bank: none to draw on, none read
    assert run._funding == "bac1"
    assert len(client.named("funding_accounts.verified_banks")) == 1


def _verdicts(count, bill_prefix="00n"):
    verdicts = []
    for i in range(count):
        row = SimpleNamespace(invoice_number=f"I-{i}")
        verdicts.append(Verdict(row, True, "pay", f"{bill_prefix}{i:03d}", "009a", Decimal("1.00")))
    return verdicts


def test_pay_sends_numbered_batches_of_fifty_and_keeps_the_answers():
    client = FakeClient()
    run = PaymentRun(client, [], progress=False)
    run._funding = "bac1"
    run.bills = [{"id": "00n000"}, {"id": "00n050"}, {"id": "00n099"}]
    go = _verdicts(51)
    verdicts = [go[0], Verdict(None, False, "no", "00n999", "009a", Decimal(1)), *go[1:]]
    expected = run.pay(verdicts, dt.date(2026, 12, 28))
    numbers = identity.number_items(ORG, [{"billId": v.bill_id, "amount": v.amount} for v in go])
    assert expected == dict(zip(numbers, go, strict=True))
    calls = client.named("payments.bulk_create")
    assert [len(c[1][0]["payments"]) for c in calls] == [50, 1]
    body, kwargs = calls[0][1][0], calls[0][2]
    assert {k: v for k, v in body.items() if k != "payments"} == {
        "processDate": dt.date(2026, 12, 28),
        "fundingAccount": {"type": "BANK_ACCOUNT", "id": "bac1"},
        "processingOptions": {},
    }
    assert body["payments"][0] == {
        "billId": "00n000",
        "amount": Decimal("1.00"),
        "transactionNumber": numbers[0],
    }
    # The run's copies of the bills go with the first call; the bills it sent are then dropped.
    assert list(kwargs["known_bills"]) == ["00n099"]  # by then the first batch's are forgotten
    assert run._paid_since_read == {v.bill_id for v in go}
    assert sorted(run.recorded) == sorted(numbers)
    assert run.recorded[numbers[50]] == {"transactionNumber": numbers[50], "billId": "00n050"}


def test_pay_forgets_the_bills_even_when_the_call_fails():
    client = FakeClient()

    def refused(body, known_bills):
        raise RuntimeError("lost")

    client.answers["payments.bulk_create"] = refused
    run = PaymentRun(client, [], progress=False)
    run.bills = [{"id": "00n000"}, {"id": "00n001"}]
    with pytest.raises(RuntimeError):
        run.pay(_verdicts(1), dt.date(2026, 12, 28))
    assert run._paid_since_read == {"00n000"}


def test_reconcile_looks_up_only_what_no_answer_showed():
    looked_up = {
        "transactionNumber": "t2",
        "billId": "00n001",
        "amount": "1.00",
        "status": "SCHEDULED",
    }
    client = FakeClient(payments=[looked_up])
    run = PaymentRun(client, [], progress=False)
    go = _verdicts(2)
    run.recorded = {
        "t1": {
            "transactionNumber": "t1",
            "billId": "00n000",
            "amount": "1.00",
            "status": "SCHEDULED",
        },
        "t-other": {"transactionNumber": "t-other", "billId": "00n777", "amount": "5.00"},
    }
    rows = run.reconcile({"t1": go[0], "t2": go[1]})
    assert client.calls == [
        (
            "payments.list_all",
            ('billId:in:"00n001"',),
            {"sort": "createdTime:desc", "progress": False},
        )
    ]
    assert [(r.transaction_number, r.outcome) for r in rows] == [
        ("t1", "ok: SCHEDULED"),
        ("t2", "ok: SCHEDULED"),
    ]


def test_reconcile_lists_a_hundred_bills_a_call_and_none_when_all_answered():
    client = FakeClient()
    run = PaymentRun(client, [], progress=False)
    go = _verdicts(101)
    run.reconcile({f"t{i}": v for i, v in enumerate(go)})
    assert [len(c[1][0].split(":in:")[1].strip('"').split(",")) for c in client.calls] == [100, 1]
    client.calls.clear()
    run.recorded = {"t0": {"transactionNumber": "t0"}}
    run.reconcile({"t0": go[0]})
    assert client.calls == []


def test_progress_bars_only_for_two_calls_or_more():
    run = PaymentRun(FakeClient(), [], progress=True)
    assert run._bar([1], "payments") == [1]
    bar = run._bar([1, 2], "payments")
    assert (bar.desc, bar.unit, list(bar)) == ("payments (bulk calls)", "call", [1, 2])
    quiet = PaymentRun(FakeClient(), [], progress=False)
    assert quiet._bar([1, 2, 3], "bills") == [1, 2, 3]


def test_a_persons_confirmations_survive_refresh_and_replan():
    rows = [_row("Acme Supplier", "A-1")]
    client = FakeClient(vendors=[{"id": "009a", "name": "Acme Supplies"}])
    run = PaymentRun(client, rows, confirmed={"Acme Supplier": "009a"}, progress=False)
    assert [(p.vendor_status, p.vendor_id) for p in run.refresh()] == [("matched", "009a")]
    run.create_missing()  # replans after creating: the confirmation still holds
    assert [(p.vendor_status, p.vendor_id) for p in run.plan] == [("matched", "009a")]


def test_each_bulk_step_names_its_progress_bar(monkeypatch):
    rows = [_row("Acme", "A-1")]
    client = FakeClient()
    run = PaymentRun(client, rows, vendor_details={"Acme": {}}, progress=False)
    seen = []
    monkeypatch.setattr(run, "_bar", lambda chunks, what: seen.append(what) or chunks)
    run.create_missing()
    run.pay(_verdicts(1), dt.date(2026, 12, 28))
    assert seen == ["vendors", "bills", "payments"]


def test_bill_answers_of_either_shape_and_fewer_than_asked():
    rows = [_row("Acme", "A-1"), _row("Acme", "A-2")]
    client = FakeClient(vendors=[{"id": "009a", "name": "Acme"}])
    shaped = client.answers["bills.bulk_create"]
    client.answers["bills.bulk_create"] = lambda chunk: SimpleNamespace(
        data={"bills": shaped(chunk).data[:1]}  # wrapped, and only the first one made
    )
    run = PaymentRun(client, rows, progress=False)
    assert run.create_missing() == {"vendors": 0, "bills": 1}
    assert run.results == [{"vendor": "Acme", "invoice": "A-1", "created": "00n0001"}]
    frame = run.results_frame()
    assert list(frame.columns) == ["vendor", "invoice", "created"]
    assert list(PaymentRun(client, [], progress=False).results_frame().columns) == [
        "vendor",
        "invoice",
        "created",
    ]


def test_preflight_pays_on_the_run_date_by_default():
    client = FakeClient(vendors=[{"id": "009a", "name": "Acme"}])
    client.answers["bills.list_all"] = lambda *a, **k: [
        {
            "id": "00n1",
            "vendorId": "009a",
            "invoice": {"invoiceNumber": "A-1"},
            "amount": Decimal("10.00"),
            "dueAmount": Decimal("10.00"),
            "dueDate": "2026-12-02",
        }
    ]
    run = PaymentRun(client, [_row("Acme", "A-1")], progress=False)
    run.refresh()
    run.vendors[0]["paymentInformation"] = {"bankAccount": {"accountNumber": "1234"}}
    [verdict] = run.preflight()
    assert verdict.reason == "pay 10.00 on 2026-12-24"
