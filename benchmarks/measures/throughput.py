"""(6) Sandbox throughput: requests a second for a simple GET from a few keep-alive clients.

The sandbox is served from this process (a :class:`SandboxServer` thread, as in a notebook);
the load comes from separate worker processes (``spawn``), one keep-alive ``requests.Session``
each, so the clients' CPU does not compete with the server for this process's GIL. Each round
the workers start together (a barrier), call ``GET /v3/login/session`` (a BILL call: devKey and
session check, rate limits, request log) for a fixed time, and report their counts; the figure
is the median of the rounds' total calls / wall time.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time

from measures.common import DEV_KEY, median, rounded, sandbox, spread

TARGET_RPS = 1000.0
PATH = "/v3/login/session"


def _worker(url: str, headers: dict, barrier, conn) -> None:
    """One load client: waits for ("run", seconds) and answers (calls, errors, start, end)."""
    import requests

    http = requests.Session()
    for _ in range(20):  # open and warm the kept-alive connection
        http.get(url, headers=headers, timeout=30)
    conn.send("ready")
    while True:
        command = conn.recv()
        if command[0] != "run":
            break
        seconds = command[1]
        barrier.wait()
        calls = errors = 0
        started = time.perf_counter()
        deadline = started + seconds
        while True:
            resp = http.get(url, headers=headers, timeout=30)
            if resp.status_code == 200:
                calls += 1
            else:
                errors += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        conn.send((calls, errors, started, now))
    http.close()


def run(opts) -> dict:
    import requests

    clients = opts.clients
    seconds = 0.5 if opts.quick else opts.seconds
    rounds = opts.repeat
    ctx = mp.get_context("spawn")
    with sandbox("throughput") as box:
        box.raise_limits()
        http = requests.Session()
        headers = {"devKey": DEV_KEY, "sessionId": box.login_bare(http)}
        http.close()
        url = box.url + PATH
        barrier = ctx.Barrier(clients)
        pipes, procs = [], []
        try:
            for _ in range(clients):
                parent, child = ctx.Pipe()
                proc = ctx.Process(target=_worker, args=(url, headers, barrier, child), daemon=True)
                proc.start()
                pipes.append(parent)
                procs.append(proc)
            for parent in pipes:
                if not parent.poll(60):
                    raise RuntimeError("a load worker did not start within 60 s")
                parent.recv()
            rates, cpu_per_call, errors = [], [], 0
            for _ in range(rounds):
                cpu0 = time.process_time()  # this process only serves (its threads)
                for parent in pipes:
                    parent.send(("run", seconds))
                answers = [parent.recv() for parent in pipes]
                cpu = time.process_time() - cpu0
                total = sum(a[0] for a in answers)
                errors += sum(a[1] for a in answers)
                wall = max(a[3] for a in answers) - min(a[2] for a in answers)
                rates.append(total / wall)
                cpu_per_call.append(cpu / max(total, 1))
        finally:
            for parent in pipes:
                with contextlib.suppress(OSError):
                    parent.send(("stop",))
            for proc in procs:
                proc.join(10)
                if proc.is_alive():
                    proc.terminate()
                    proc.join(5)
    rps = spread(rates)
    return {
        "status": "ok",
        "endpoint": f"GET {PATH}",
        "clients": clients,
        "client_kind": "worker processes, one keep-alive requests.Session each",
        "seconds_per_round": seconds,
        "rounds": rounds,
        "errors": errors,
        "cpus": os.cpu_count(),
        "requests_per_s": {k: (round(v, 1) if v is not None else None) for k, v in rps.items()},
        "rounds_requests_per_s": [round(r, 1) for r in rounded(rates)],
        # The server's CPU (user + system, all its threads) per call, and the rate one
        # otherwise idle core could serve at that cost: a figure the machine's other load
        # barely changes, unlike the wall-clock rate above.
        "server_cpu_per_call_s": spread(cpu_per_call),
        "server_cpu_bound_rps": round(1 / median(cpu_per_call), 1),
        "target_rps": TARGET_RPS,
        "pass": rps["median"] >= TARGET_RPS and errors == 0,
    }
