"""(7) Cost per call as the organization grows: 0, 1,000, 10,000 and 100,000 objects (issue 19).

One emulator grows step by step: at each size it holds that many vendors, bills and payments
(seeded with ``POST /_emulator/seed/vendors`` and ``/seed/bills`` ``"payments": true``, so every
seeded bill has one SCHEDULED payment). At each size every call below is timed over HTTP on one
kept-alive ``requests.Session`` (a trusted session, limits raised), ``--scaling-reps`` times, and
the median is reported in milliseconds. Objects the calls create (vendors, bills, payments) are
few next to the seeded ones.

Judged: each call at 100,000 within 1.5× of its cost in the empty organization, and bill
creation at 10,000 bills under 1.5 ms. The deep page is the median of the last 20 pages of a walk
through every bill, 20 a page (BILL's default), following ``nextPage``; at size 0 the bills are
the 40-odd the calls above created.
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta

import requests

from measures.common import DEV_KEY, emulator

SIZES = (0, 1_000, 10_000, 100_000)
QUICK_SIZES = (0, 40)
TARGET_RATIO = 1.5
TARGET_BILL_CREATE_MS = 1.5
VERIFIED_BANK = "bac01DEMOVERIFIED001"
ADDRESS = {
    "line1": "1 Market St",
    "city": "San Francisco",
    "stateOrProvince": "CA",
    "zipOrPostalCode": "94105",
    "country": "US",
}
DEEP_PAGES = 20
DEEP_MAX = 20  # BILL's default page size; the empty organization still fills two pages


class _Bench:
    """A trusted BILL session on one keep-alive connection, and the ids the calls use."""

    def __init__(self, box) -> None:
        self.box = box
        self.http = requests.Session()
        self.session_id = box.login_bare(self.http)
        challenge = self.post("/v3/mfa/challenge", {})["challengeId"]
        token = box.control("GET", "outbox", http=self.http)[0]["token"]
        self.post("/v3/mfa/challenge/validate", {"challengeId": challenge, "token": token})
        self.today = date.fromisoformat(box.control("GET", "clock", http=self.http)["now"][:10])
        self.counter = 0

    def call(self, method: str, path: str, body=None, params=None) -> dict:
        resp = self.http.request(
            method,
            self.box.url + path,
            json=body,
            params=params,
            headers={"devKey": DEV_KEY, "sessionId": self.session_id},
            timeout=120,
        )
        if resp.status_code not in (200, 201):  # creates answer 201 Created, as BILL does
            raise RuntimeError(f"{method} {path} {params or ''}: {resp.status_code} {resp.text}")
        return resp.json()

    def post(self, path: str, body) -> dict:
        return self.call("POST", path, body)

    def get(self, path: str, **params) -> dict:
        return self.call("GET", path, params=params or None)

    def unique(self) -> int:
        self.counter += 1
        return self.counter

    def vendor(self) -> dict:
        name = f"Scale Vendor {self.unique():06d}"
        return self.post(
            "/v3/vendors",
            {"name": name, "address": ADDRESS, "paymentInformation": {"payeeName": name}},
        )

    def bill(self, vendor_id: str, amount: int = 10) -> dict:
        return self.post(
            "/v3/bills",
            {
                "vendorId": vendor_id,
                "invoice": {
                    "invoiceNumber": f"SCALE-{self.unique():06d}",
                    "invoiceDate": self.today.isoformat(),
                },
                "dueDate": (self.today + timedelta(days=30)).isoformat(),
                "billLineItems": [{"amount": amount, "description": "Benchmark"}],
            },
        )

    def payment(self, bill_id: str) -> dict:
        return self.post(
            "/v3/payments",
            {
                "billId": bill_id,
                "amount": 1,
                "fundingAccount": {"type": "BANK_ACCOUNT", "id": VERIFIED_BANK},
                "processingOptions": {"requestPayFaster": False},
            },
        )


def _timed(func, reps: int) -> float:
    """Median milliseconds of ``reps`` calls of ``func`` (after one untimed warm-up call)."""
    func()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        func()
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return times[len(times) // 2]


def _deep_page_ms(bench: _Bench) -> tuple[float, int]:
    """Walk every bill ``DEEP_MAX`` a page; median ms of the last ``DEEP_PAGES`` full pages (a
    short last page would be cheaper than a deep one), and how many pages there were."""
    times, full, page = [], [], None
    while True:
        params = {"max": str(DEEP_MAX), **({"page": page} if page else {})}
        t0 = time.perf_counter()
        body = bench.get("/v3/bills", **params)
        times.append((time.perf_counter() - t0) * 1e3)
        if len(body["results"]) == DEEP_MAX:
            full.append(times[-1])
        page = body.get("nextPage")
        if not page:
            break
    last = sorted((full or times)[-DEEP_PAGES:])  # no full page: a --quick run's tiny list
    return last[len(last) // 2], len(full)


def _calls(bench: _Bench, ids: dict) -> dict:
    """name -> a zero-argument function making that call once."""

    def q(path: str, **params):
        return lambda: bench.get(path, **params)

    due = (bench.today + timedelta(days=30)).isoformat()
    return {
        "create vendor": bench.vendor,
        "create bill (invoice number checked)": lambda: bench.bill(ids["vendor"]),
        "create payment": lambda: bench.payment(ids["big_bill"]),
        "get bill by id": lambda: bench.get(f"/v3/bills/{ids['bill']}"),
        "vendors name:eq": q("/v3/vendors", filters=f'name:eq:"{ids["vendor_name"]}"'),
        "vendors archived:eq:false": q("/v3/vendors", filters="archived:eq:false"),
        "bills vendorId:eq": q("/v3/bills", filters=f'vendorId:eq:"{ids["vendor"]}"'),
        "bills invoice.invoiceNumber:eq": q(
            "/v3/bills", filters=f'invoice.invoiceNumber:eq:"{ids["invoice"]}"'
        ),
        "bills paymentStatus:eq:UNPAID": q("/v3/bills", filters='paymentStatus:eq:"UNPAID"'),
        "bills dueDate:eq": q("/v3/bills", filters=f'dueDate:eq:"{due}"'),
        "payments billId:eq": q("/v3/payments", filters=f'billId:eq:"{ids["big_bill"]}"'),
        "payments vendorId:eq": q("/v3/payments", filters=f'vendorId:eq:"{ids["vendor"]}"'),
        "payments status:eq:SCHEDULED": q("/v3/payments", filters='status:eq:"SCHEDULED"'),
        "banks status:eq:VERIFIED": q("/v3/funding-accounts/banks", filters='status:eq:"VERIFIED"'),
        "bills sort createdTime:desc": q("/v3/bills", sort="createdTime:desc"),
        "bills sort updatedTime:desc": q("/v3/bills", sort="updatedTime:desc"),
    }


def _grow(box, bench: _Bench, target: int, have: int) -> float:
    """Seed up to ``target`` vendors, bills and payments; seconds it took."""
    if target <= have:
        return 0.0
    t0 = time.perf_counter()
    count = target - have
    box.control("POST", "seed/vendors", {"count": count, "namePrefix": "Seeded"}, http=bench.http)
    box.control("POST", "seed/bills", {"count": count, "payments": True}, http=bench.http)
    return time.perf_counter() - t0


def run(opts) -> dict:
    sizes = tuple(opts.scaling_sizes or (QUICK_SIZES if opts.quick else SIZES))
    reps = opts.scaling_reps or (5 if opts.quick else 40)
    figures: dict[str, dict[int, float]] = {}
    seed_s, pages = {}, {}
    with emulator("scaling") as box:
        box.raise_limits()
        bench = _Bench(box)
        have = 0
        for size in sizes:
            seed_s[size] = round(_grow(box, bench, size, have), 3)
            have = max(have, size)
            vendor = bench.vendor()  # a vendor of this size's own, with a few bills
            bill = bench.bill(vendor["id"])
            ids = {
                "vendor": vendor["id"],
                "vendor_name": vendor["name"],
                "bill": bill["id"],
                "invoice": bill["invoice"]["invoiceNumber"],
                "big_bill": bench.bill(vendor["id"], amount=1_000_000)["id"],
            }
            for name, func in _calls(bench, ids).items():
                figures.setdefault(name, {})[size] = round(_timed(func, reps), 3)
            deep, pages[size] = _deep_page_ms(bench)
            figures.setdefault("bills deep page (end of a walk, max=20)", {})[size] = round(deep, 3)
        bench.http.close()
    first, last = sizes[0], sizes[-1]
    calls = {}
    for name, by_size in figures.items():
        ratio = by_size[last] / by_size[first] if by_size[first] else None
        calls[name] = {
            "ms": {str(size): ms for size, ms in by_size.items()},
            "ratio": round(ratio, 3) if ratio else None,
            "pass": (ratio <= TARGET_RATIO) if last >= 100_000 and ratio else None,
        }
    create = figures["create bill (invoice number checked)"].get(10_000)
    judged = [c["pass"] for c in calls.values() if c["pass"] is not None]
    return {
        "status": "ok",
        "sizes": list(sizes),
        "reps": reps,
        "calls": calls,
        "seed_s": {str(k): v for k, v in seed_s.items()},
        "bill_full_pages": {str(k): v for k, v in pages.items()},
        "target_ratio": TARGET_RATIO,
        "bill_create_at_10000_ms": create,
        "target_bill_create_ms": TARGET_BILL_CREATE_MS,
        "bill_create_pass": (create < TARGET_BILL_CREATE_MS) if create is not None else None,
        "pass": all(judged) if judged else None,
    }


# -- presenting the figures ---------------------------------------------------------------------
def table(result: dict, *, markdown: bool = False) -> str:
    """Calls x sizes in milliseconds, with the ratio of the largest size to the empty one."""
    sizes = [str(s) for s in result["sizes"]]
    head = ["call", *[f"{int(s):,}" for s in sizes], "ratio"]
    rows = []
    for name, call in result["calls"].items():
        ratio = f"{call['ratio']:.2f}×" if call["ratio"] else "-"
        if call["pass"] is False:
            ratio += " MISS"
        rows.append([name, *[f"{call['ms'][s]:.2f}" for s in sizes], ratio])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = lambda r: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
    )
    return "\n".join([fmt(head), "  ".join("-" * w for w in widths), *map(fmt, rows)])


def chart(result: dict, width: int = 36) -> str:
    """A Unicode bar per call: its cost at the largest size ÷ its cost when empty, on a log scale
    from 0.5× to 1000× (``┆`` marks the 1.5× target), so flat and 300× fit one picture."""
    low, high = 0.5, 1000.0
    span = math.log(high / low)
    target = round(math.log(TARGET_RATIO / low) / span * width)
    label = max(len(name) for name in result["calls"])
    lines = []
    for name, call in result["calls"].items():
        ratio = min(max(call["ratio"] or low, low), high)
        cells = round(math.log(ratio / low) / span * width)
        bar = ["█" if i < cells else " " for i in range(width)]
        if cells <= target:
            bar[target] = "┆"
        lines.append(f"{name:<{label}} │{''.join(bar)} {call['ratio'] or 0:.2f}×")
    return "\n".join(lines)
