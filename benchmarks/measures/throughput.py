"""(6) Emulator throughput: requests a second for a simple GET from a few keep-alive clients.

The emulator is served from this process (a :class:`EmulatorServer` thread, as in a notebook);
the load comes from separate worker processes (``spawn``), each with one kept-alive HTTP/1.1
connection, so the clients' CPU does not compete with the server for this process's GIL. Each
round the workers start together (a barrier), call ``GET /v3/login/session`` (a BILL call:
devKey and session check, rate limits, request log) for a fixed time, and report their counts;
the figure is the median of the rounds' total calls / wall time.

Two kinds of load client, each measured: ``http.client`` (a bare ``HTTPConnection``, ~10× less
CPU per call than requests: on a small machine the figure is then the emulator's, not the load
generator's) gives the judged figure; ``requests.Session`` (what the kit's client uses) is
reported next to it. The server's CPU per call (all its threads, user + system) is measured
too: ``1 / that`` is the rate one otherwise idle core could serve, a figure the machine's other
load barely moves.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time

from measures.common import DEV_KEY, emulator, median, rounded, spread

TARGET_RPS = 1000.0
PATH = "/v3/login/session"
KINDS = ("http.client", "requests")


def _caller(kind: str, url: str, headers: dict):
    """A function making one kept-alive GET, returning the status; and a closer."""
    if kind == "requests":
        import requests

        http = requests.Session()
        return (lambda: http.get(url, headers=headers, timeout=30).status_code), http.close
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    target = parts.path

    def call() -> int:
        conn.request("GET", target, headers=headers)
        resp = conn.getresponse()
        resp.read()
        return resp.status

    return call, conn.close


def _worker(kind: str, url: str, headers: dict, barrier, conn) -> None:
    """One load client: waits for ("run", seconds) and answers (calls, errors, start, end)."""
    call, close = _caller(kind, url, headers)
    for _ in range(20):  # open and warm the kept-alive connection
        call()
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
            if call() == 200:
                calls += 1
            else:
                errors += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        conn.send((calls, errors, started, now))
    close()


def load(kind: str, url: str, headers: dict, *, clients: int, seconds: float, rounds: int):
    """``rounds`` rounds of ``clients`` workers for ``seconds``: rates, server CPU, errors."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(clients)
    pipes, procs = [], []
    try:
        for _ in range(clients):
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=_worker, args=(kind, url, headers, barrier, child), daemon=True
            )
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
        "requests_per_s": {k: (round(v, 1) if v is not None else None) for k, v in rps.items()},
        "rounds_requests_per_s": [round(r, 1) for r in rounded(rates)],
        "errors": errors,
        "server_cpu_per_call_s": spread(cpu_per_call),
        "server_cpu_bound_rps": round(1 / median(cpu_per_call), 1),
    }


def run(opts) -> dict:
    import requests

    seconds = 0.5 if opts.quick else opts.seconds
    with emulator("throughput") as box:
        box.raise_limits()
        http = requests.Session()
        headers = {"devKey": DEV_KEY, "sessionId": box.login_bare(http)}
        http.close()
        url = box.url + PATH
        by_kind = {
            kind: load(
                kind, url, headers, clients=opts.clients, seconds=seconds, rounds=opts.repeat
            )
            for kind in KINDS
        }
    judged = by_kind["http.client"]
    return {
        "status": "ok",
        "endpoint": f"GET {PATH}",
        "clients": opts.clients,
        "client_kind": "worker processes, one kept-alive http.client connection each",
        "seconds_per_round": seconds,
        "rounds": opts.repeat,
        "cpus": os.cpu_count(),
        **judged,
        "with_requests_clients": by_kind["requests"],
        "target_rps": TARGET_RPS,
        "pass": judged["requests_per_s"]["median"] >= TARGET_RPS and judged["errors"] == 0,
    }
