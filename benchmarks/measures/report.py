"""(10) The report card over a long run (issue 26: ``GET /_emulator/report`` over 10,000 BILL
calls in under 1 s).

A run of ``calls`` BILL calls (10,000; 1,000 with ``--quick``) from one kept-alive connection on
the demo organization: a login, then mostly ``GET /v3/vendors``, a vendor create every 50th call
and a payment look-up every 100th (calls the checks read facts from), under no fault profile.
Then ``GET /_emulator/report`` is timed ``--repeat`` times (the figure is the median), as a
client sees it: reading the call records, judging the seven checks, the JSON answer.
"""

from __future__ import annotations

import time

import requests

from measures.common import DEV_KEY, emulator, median, spread, vendor_body

TARGET_S = 1.0


def _run(emu, calls: int) -> None:
    http = requests.Session()
    http.headers.update({"devKey": DEV_KEY, "sessionId": emu.login_bare(http)})
    for n in range(1, calls):
        if n % 50 == 0:
            body = vendor_body(f"Report Bench {n}")
            http.post(f"{emu.url}/v3/vendors", json=body, timeout=30).raise_for_status()
        elif n % 100 == 1:
            http.get(
                f"{emu.url}/v3/payments",
                params={"filters": f'transactionNumber:eq:"bench-{n}"'},
                timeout=30,
            ).raise_for_status()
        else:
            http.get(f"{emu.url}/v3/vendors", params={"max": 1}, timeout=30).raise_for_status()


def run(opts) -> dict:
    calls = 1_000 if opts.quick else 10_000
    with emulator("report") as emu:
        emu.raise_limits()
        t0 = time.perf_counter()
        _run(emu, calls)
        run_s = time.perf_counter() - t0
        times, card = [], None
        for _ in range(max(3, opts.repeat)):
            t0 = time.perf_counter()
            card = emu.control("GET", "report")
            times.append(time.perf_counter() - t0)
    figure = median(times)
    return {
        "status": "ok",
        "calls": card["calls"],
        "asks": len(times),
        "run_s": round(run_s, 2),
        "report_s": spread(times),
        "target_s": TARGET_S,
        "verdicts": {c["id"]: c["passed"] for c in card["checks"]},
        "pass": figure < TARGET_S and card["calls"] == calls,
    }
