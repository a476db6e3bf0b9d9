"""(6) Webhooks: a clock move to the signed event at the in-notebook receiver, and many payments
moved to CLEARED with every event delivered and verified.

Timed: (a) per business-day clock move of one payment, from the ``POST /_emulator/clock`` call to
the verified ``payment.updated`` arriving at
:class:`billhelpers.notebook.receiver.Receiver` (median;
target < 50 ms); (b) ``N`` payments (bulk-created, 50 a call, before the clock starts) moved from
SCHEDULED to CLEARED by one clock jump, until all ``5 N`` events arrived and verified (target
< 15 s for 1,000).
"""

from __future__ import annotations

import time
from decimal import Decimal

from measures.common import emulator, median, rounded, vendor_body

LATENCY_TARGET_S = 0.050
BULK_TARGET_S = 15.0
BANK = "bac01DEMOVERIFIED001"
_invoices = iter(range(10**9))


def _trusted(client) -> None:
    challenge = client.mfa.challenge()
    token = client.emulator.latest_token(challenge["challengeId"])
    client.mfa.validate(challenge["challengeId"], token)


def _bills(client, vendor_id: str, count: int) -> list[str]:
    body = {
        "vendorId": vendor_id,
        "dueDate": "2030-01-01",
        "billLineItems": [{"amount": Decimal("10.00"), "description": "bench"}],
    }
    ids = []
    for _ in range(count):
        number = f"BENCH-{next(_invoices):06d}"
        body["invoice"] = {"invoiceNumber": number, "invoiceDate": "2026-01-01"}
        ids.append(client.request("POST", "/v3/bills", json=body).data["id"])
    return ids


def _pay_all(client, bill_ids: list[str]) -> list[str]:
    paid = []
    for start in range(0, len(bill_ids), 50):
        body = {
            "fundingAccount": {"type": "BANK_ACCOUNT", "id": BANK},
            "processingOptions": {"requestPayFaster": False},
            "payments": [
                {"billId": b, "amount": Decimal("10.00")} for b in bill_ids[start : start + 50]
            ],
        }
        paid += [
            p["id"] for p in client.request("POST", "/v3/payments/bulk", json=body).data["payments"]
        ]
    return paid


def run(opts) -> dict:
    import billhelpers as bh
    from billhelpers.notebook.receiver import Receiver

    count = 50 if opts.quick else 1000
    with emulator("webhooks") as box, Receiver() as rx:
        box.raise_limits()
        client = bh.connect(box.config())
        client.login()
        _trusted(client)
        sub = client.webhooks.subscribe("bench", ["payment.updated"], rx.url).data
        rx.security_key = sub["securityKey"]
        vendor = client.vendors.create(
            vendor_body(
                "Bench Vendor",
                email="b@example.com",
                paymentInformation={"payeeName": "Bench Vendor"},
            )
        ).data

        # (a) latency: one payment, one business day at a time
        samples = []
        for _ in range(opts.repeat):
            pid = _pay_all(client, _bills(client, vendor["id"], 1))[0]
            rx.wait_for(where=lambda e, p=pid: e["payment"]["id"] == p)
            for _step in range(5):
                seen = len(rx.events)
                t0 = time.perf_counter()
                client.emulator.advance_business_days(1)
                rx.wait_for(seen + 1)
                samples.append(rx.arrival_times[seen] - t0)
        # (b) many payments to CLEARED
        ids = set(_pay_all(client, _bills(client, vendor["id"], count)))
        rx.wait_for(len(ids), where=lambda e: e["payment"]["id"] in ids, timeout=60)
        t0 = time.perf_counter()
        client.emulator.advance_business_days(6)
        cleared = rx.wait_for(
            len(ids),
            where=lambda e: e["payment"]["id"] in ids and e["payment"]["status"] == "CLEARED",
            timeout=120,
        )
        bulk_s = time.perf_counter() - t0
        per_payment = [e for e in rx.events if e["payment"]["id"] in ids]
        client.close()
    latency = median(samples)
    return {
        "status": "ok",
        "latency_s": {"median": latency, "samples": rounded(samples)},
        "latency_target_s": LATENCY_TARGET_S,
        "payments": count,
        "events": len(per_payment),
        "cleared": len(cleared),
        "rejected": len(rx.rejected),
        "bulk_s": round(bulk_s, 3),
        "bulk_target_s": BULK_TARGET_S,
        "pass": (latency < LATENCY_TARGET_S and bulk_s < BULK_TARGET_S and not rx.rejected)
        if count >= 1000
        else None,
    }
