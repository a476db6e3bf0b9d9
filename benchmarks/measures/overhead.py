"""(4) The client's per-call overhead over bare ``requests``, as a ratio in one run.

Both sides call the same BILL endpoint (``GET /v3/login/session``) on the same emulator (served
from this process's threads) over a kept-alive connection: the client through
``client.session_info()`` (its whole pipeline: headers, timeout, error mapping, Decimal-exact
JSON, :class:`ApiResponse`), bare requests with ``session.get(url, headers=...)`` and
``.json()``. Blocks of calls alternate between the two (client first in even blocks, bare first
in odd ones) so drift in the machine's speed hits both alike; the ratio is median(client per
call) / median(bare per call) in wall time. The caller's own CPU per call is reported too.
"""

from __future__ import annotations

import time

import requests

from measures.common import DEV_KEY, emulator, median, rounded, spread

TARGET_RATIO = 1.15
PATH = "/v3/login/session"


def _block(call, n: int) -> tuple[float, float]:
    """(wall, this thread's CPU) per call over ``n`` calls. The emulator answers from other
    threads, so the CPU figure is the caller's side alone: client vs bare requests."""
    cpu0, started = time.thread_time(), time.perf_counter()
    for _ in range(n):
        call()
    return (time.perf_counter() - started) / n, (time.thread_time() - cpu0) / n


def run(opts) -> dict:
    import billhelpers as bh

    # Many short blocks: a burst of other work on the machine spoils one block, not the median.
    calls = 50
    blocks = 4 if opts.quick else max(16, opts.repeat * 4)
    with emulator("overhead") as box:
        box.raise_limits()
        client = bh.connect(box.config())
        client.login()
        http = requests.Session()
        headers = {
            "devKey": DEV_KEY,
            "sessionId": box.login_bare(http),
            "Accept": "application/json",
        }
        url = box.url + PATH

        def bare():
            resp = http.get(url, headers=headers, timeout=(5.0, 30.0))
            resp.raise_for_status()
            return resp.json()

        def via_client():
            return client.session_info()

        for _ in range(calls // 2):  # warm both connections and code paths
            bare()
            via_client()
        client_s, bare_s, client_cpu, bare_cpu = [], [], [], []
        for i in range(blocks):
            order = (via_client, bare) if i % 2 == 0 else (bare, via_client)
            for call in order:
                wall, cpu = _block(call, calls)
                if call is via_client:
                    client_s.append(wall)
                    client_cpu.append(cpu)
                else:
                    bare_s.append(wall)
                    bare_cpu.append(cpu)
        client.close()
        http.close()
    ratio = median(client_s) / median(bare_s)
    ratios = [c / b for c, b in zip(client_s, bare_s, strict=True)]
    return {
        "status": "ok",
        "endpoint": f"GET {PATH}",
        "blocks": blocks,
        "calls_per_block": calls,
        "client_per_call_s": spread(client_s),
        "bare_per_call_s": spread(bare_s),
        "client_runs_s": rounded(client_s),
        "bare_runs_s": rounded(bare_s),
        "overhead_per_call_s": round(median(client_s) - median(bare_s), 7),
        "ratio": round(ratio, 4),
        # Each client block against the bare block run next to it (drift cancels).
        "ratio_per_block_pair": spread(ratios),
        # The fastest block of each side: the least disturbed by other work on the machine.
        "ratio_of_minimums": round(min(client_s) / min(bare_s), 4),
        # The caller's own CPU per call (the emulator's threads excluded): what the client adds,
        # nearly free of the machine's other load and of the emulator's speed.
        "client_cpu_per_call_s": spread(client_cpu),
        "bare_cpu_per_call_s": spread(bare_cpu),
        "cpu_ratio": round(median(client_cpu) / median(bare_cpu), 4),
        "target_ratio": TARGET_RATIO,
        "pass": ratio <= TARGET_RATIO,
    }
