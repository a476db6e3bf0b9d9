#!/usr/bin/env python3
"""Benchmarks of the tutorial kit on the local BILL emulator (issue 8): ``make bench``.

Measures, each on its own fresh emulator (127.0.0.1, a free port, a temporary data folder and
session cache, stopped and deleted afterwards):

1. BILL calls for the whole tutorial (chapters run headless with nbclient, fresh kernels),
   against the recipe's minimum (8), and again on a remembered MFA device (5);
2. wall time of the whole tutorial and of each chapter (< 20 s);
3. ``import billhelpers`` in a fresh interpreter (< 0.2 s);
4. the client's per-call overhead over bare ``requests`` on a kept-alive session (≤ 1.15×);
5. 10,000 seeded vendors listed into a DataFrame: time (< 10 s) and calls;
6. emulator throughput for a simple GET from a few keep-alive clients (≥ 1,000 requests/s);
7. the cost of the common calls at 0, 1,000, 10,000 and 100,000 objects (≤ 1.5× the empty cost);
8. a payment run (``measures/payrun.py``): 1,000 unpaid bills for 200 vendors from a CSV to
   scheduled payments and an audit file (< 30 s; BILL calls against the bulk minimum, 40), and
   a re-run of the same file (zero new vendors, bills, payments);
9. the ``bill_emulator`` pytest fixture's set-up per test (``measures/fixture.py``, < 50 ms);
10. the report card over a run of 10,000 BILL calls (``measures/report.py``, < 1 s);
11. the kit's payment run of 200 bills under the fault profile ``all``, seeds 1 to 5
    (``measures/payrun_faults.py``): every check of the report card passes, every bill paid once.

Figures are medians of ``--repeat`` runs. Prints a table and writes JSON (default
``benchmarks/results/bench-<UTC time>.json``; ``--out PATH``). Timings are not tests: the
suite only checks that this script works (``tests/test_benchmarks_smoke.py``, ``--quick``).

Usage::

    .venv/bin/python benchmarks/run.py                    # everything, 5 runs each
    .venv/bin/python benchmarks/run.py --quick --out /tmp/bench.json
    .venv/bin/python benchmarks/run.py --only imports overhead --repeat 9
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):  # ``measures`` and ``billhelpers`` from this checkout
    if _path not in sys.path:
        sys.path.insert(0, _path)

from measures import (  # noqa: E402
    fixture,
    imports,
    listing,
    overhead,
    payrun,
    payrun_faults,
    report,
    scaling,
    throughput,
    tutorial,
    webhooks,
)

#: name → (module, what it measures); run in this order (the slow tutorial last).
MEASURES = {
    "imports": (imports, "import billhelpers"),
    "overhead": (overhead, "client overhead over bare requests"),
    "listing": (listing, "vendors listed into a DataFrame"),
    "throughput": (throughput, "emulator throughput"),
    "payrun": (payrun, "1,000 bills from CSV to scheduled payments, then a re-run"),
    "webhooks": (webhooks, "clock move to signed event; 1,000 payments to CLEARED"),
    "scaling": (scaling, "cost per call as the organization grows"),
    "fixture": (fixture, "bill_emulator fixture set-up per test"),
    "report": (report, "the report card over a 10,000-call run"),
    "payrun_faults": (payrun_faults, "200 bills paid under the fault profile all"),
    "tutorial": (tutorial, "the whole tutorial (calls and time)"),
}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None, help="runs per measure (default 5)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small and fast (1 run, 500 vendors, short load): shows the script works",
    )
    parser.add_argument("--out", type=Path, default=None, help="JSON file to write")
    parser.add_argument(
        "--only", nargs="+", choices=list(MEASURES), default=None, help="run only these measures"
    )
    parser.add_argument("--vendors", type=int, default=None, help="vendors to seed (10000)")
    parser.add_argument("--clients", type=int, default=3, help="load clients for throughput (3)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per throughput round")
    parser.add_argument(
        "--notebooks", type=Path, default=ROOT / "notebooks", help="the chapters' folder"
    )
    parser.add_argument("--cell-timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument(
        "--scaling-sizes",
        type=int,
        nargs="+",
        default=None,
        help="organization sizes for scaling (0 1000 10000 100000)",
    )
    parser.add_argument("--scaling-reps", type=int, default=None, help="calls per figure (40)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    opts = parser.parse_args(argv)
    if opts.repeat is None:
        opts.repeat = 1 if opts.quick else 5
    if opts.vendors is None:
        opts.vendors = 500 if opts.quick else 10_000
    if opts.repeat < 1 or opts.vendors < 1 or opts.clients < 1:
        parser.error("--repeat, --vendors and --clients must be at least 1")
    return opts


# -- the summary table ------------------------------------------------------------------------
def _fmt_s(value) -> str:
    if value is None:
        return "-"
    if value < 0.01:
        return f"{value * 1e3:.2f} ms"
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def summary_rows(results: dict) -> list[dict]:
    """One row per figure: what, figure, target, pass (True/False/None = not judged)."""
    rows = []

    def row(what, figure, target, passed, note=""):
        rows.append(
            {"measure": what, "figure": figure, "target": target, "pass": passed, "note": note}
        )

    def missing(name, what, target):
        res = results.get(name)
        if res is None:
            return True
        if res.get("status") != "ok":
            row(what, res.get("status", "error"), target, None, res.get("reason", ""))
            return True
        return False

    if not missing("tutorial", "BILL calls, tutorial (recipe / total)", "8"):
        tut = results["tutorial"]
        first, again = tut["calls"]["first_run"], tut["calls"]["remembered_device"]
        row(
            "BILL calls, tutorial (recipe / total)",
            f"{first['recipe_calls']} / {first['total_calls']}",
            f"{first['target']}",
            first["pass"],
            "recipe: " + ", ".join(f"{k} {v}" for k, v in first["recipe_by_step"].items()),
        )
        row(
            "BILL calls, remembered device (recipe / total)",
            f"{again['recipe_calls']} / {again['total_calls']}",
            f"{again['target']}",
            again["pass"],
            "recipe: " + ", ".join(f"{k} {v}" for k, v in again["recipe_by_step"].items()),
        )
        time_ = tut["time"]
        row(
            "tutorial wall time (7 chapters)",
            _fmt_s(time_["total_s"]["median"]),
            f"< {time_['target_s']:.0f} s",
            time_["pass"],
            f"median of {time_['runs']}; CPU {_fmt_s(time_['cpu_s']['median'])}; "
            f"in cells {_fmt_s(time_['cells_s']['median'])}, "
            f"kernel start/stop {_fmt_s(time_['total_s']['median'] - time_['cells_s']['median'])}"
            f" (floor: {len(time_['chapters_s'])} empty kernels "
            f"{_fmt_s(time_['kernel_floor_s'])})",
        )
        for name, spread_ in time_["chapters_s"].items():
            row(f"  {name}", _fmt_s(spread_["median"]), "", None)
        row(
            "tutorial, remembered device",
            _fmt_s(time_["remembered_device_total_s"]["median"]),
            "",
            None,
            f"median of {time_['runs']} (second run, same world)",
        )
        own = time_.get("self_hosted_emulator_run")
        if own:
            row(
                "tutorial, each kernel hosting its emulator",
                _fmt_s(own["total_s"]),
                "",
                None,
                f"one run, as nbval runs it; {own['recipe_calls']} / {own['total_calls']} calls",
            )
    if not missing("imports", "import billhelpers", "< 0.2 s"):
        imp = results["imports"]
        row(
            "import billhelpers",
            _fmt_s(imp["import_s"]["median"]),
            f"< {imp['target_s']} s",
            imp["pass"],
            f"median of {imp['runs']} fresh interpreters",
        )
    if not missing("overhead", "client overhead vs bare requests", "≤ 1.15×"):
        ov = results["overhead"]
        row(
            "client overhead vs bare requests",
            f"{ov['ratio']:.3f}×",
            f"≤ {ov['target_ratio']}×",
            ov["pass"],
            f"{_fmt_s(ov['client_per_call_s']['median'])} vs "
            f"{_fmt_s(ov['bare_per_call_s']['median'])} per call, {ov['endpoint']}; "
            f"fastest blocks {ov['ratio_of_minimums']:.3f}×, caller CPU {ov['cpu_ratio']:.3f}×",
        )
    if not missing("listing", "vendors into a DataFrame", "< 10 s"):
        li = results["listing"]
        row(
            f"{li['vendors_seeded']:,} vendors into a DataFrame",
            f"{_fmt_s(li['total_s']['median'])}, {li['calls']} calls",
            f"< {li['target_s']:.0f} s (10,000)",
            li["pass"],
            f"list_all {_fmt_s(li['list_all_s']['median'])} + to_frame "
            f"{_fmt_s(li['to_frame_s']['median'])}; median of {li['runs']}",
        )
    if not missing("payrun", "payment run from CSV", "< 30 s"):
        pr = results["payrun"]
        first, again = pr["first"], pr["rerun"]
        row(
            f"payment run: {pr['bills']:,} bills, {pr['vendors']} vendors",
            f"{_fmt_s(first['seconds'])}, {first['calls']} calls",
            f"< {pr['target_s']:.0f} s; bulk minimum {pr['minimum_calls']}",
            pr["pass"],
            f"created {first['vendors']} vendors, {first['bills']} bills, paid "
            f"{first['payments']}; re-run: {again['vendors']} vendors, {again['bills']} bills, "
            f"{again['payments']} payments in {_fmt_s(again['seconds'])}, {again['calls']} calls",
        )
    if not missing("throughput", "emulator throughput", "≥ 1,000 req/s"):
        th = results["throughput"]
        row(
            "emulator throughput",
            f"{th['requests_per_s']['median']:,.0f} req/s",
            f"≥ {th['target_rps']:,.0f} req/s",
            th["pass"],
            f"{th['clients']} http.client processes, {th['endpoint']}, {th['cpus']} CPUs, "
            f"median of {th['rounds']}; with requests clients "
            f"{th['with_requests_clients']['requests_per_s']['median']:,.0f} req/s; server CPU "
            f"{_fmt_s(th['server_cpu_per_call_s']['median'])}/call "
            f"(≈ {th['server_cpu_bound_rps']:,.0f} req/s on an idle core)",
        )
    if not missing("scaling", "cost per call as the organization grows", "≤ 1.5×"):
        sc = results["scaling"]
        first, last = str(sc["sizes"][0]), str(sc["sizes"][-1])
        for name, call in sc["calls"].items():
            ratio = f" ({call['ratio']:.2f}×)" if call["ratio"] else ""
            row(
                f"{name}, {int(first):,} → {int(last):,}",
                f"{call['ms'][first]:.2f} → {call['ms'][last]:.2f} ms{ratio}",
                f"≤ {sc['target_ratio']}× at 100,000",
                call["pass"],
            )
        create = sc["bill_create_at_10000_ms"]
        if create is not None:
            row(
                "create bill at 10,000 bills",
                f"{create:.2f} ms",
                f"< {sc['target_bill_create_ms']} ms",
                sc["bill_create_pass"],
                f"median of {sc['reps']} calls",
            )
    if not missing("fixture", "bill_emulator fixture set-up per test", "< 50 ms"):
        fx = results["fixture"]
        row(
            "bill_emulator fixture set-up per test",
            f"{fx['setup_ms']['median']:.2f} ms",
            f"< {fx['target_ms']:.0f} ms",
            fx["pass"],
            f"median of {fx['runs']} pytest runs of {fx['tests_per_run']} tests; first test "
            f"(starts the emulator) {fx['first_setup_ms']['median']:.0f} ms; bare organization "
            f"{fx['bare_setup_ms']['median']:.2f} ms",
        )
    if not missing("report", "report card over a 10,000-call run", "< 1 s"):
        rc = results["report"]
        row(
            f"report card over {rc['calls']:,} calls",
            f"{rc['report_s']['median']:.3f} s",
            f"< {rc['target_s']:g} s",
            rc["pass"],
            f"GET /_emulator/report, median of {rc['asks']} asks; the run itself "
            f"{rc['run_s']:.1f} s",
        )
    if not missing("payrun_faults", "payment run under all", "every check passes"):
        pf = results["payrun_faults"]
        seeds = pf["seeds"]
        row(
            f"payment run of {pf['bills']} bills under all ({len(seeds)} seeds)",
            f"{pf['seconds']['median']:.1f} s",
            "every check passes",
            pf["pass"],
            f"median wall time; runs {pf['runs']['min']}-{pf['runs']['max']}, BILL calls "
            f"{pf['calls']['min']}-{pf['calls']['max']}; cards: "
            + ", ".join(
                f"seed {s['seed']} {'pass' if s['card_passed'] else 'FAIL'}" for s in seeds
            ),
        )
    return rows


def print_table(rows: list[dict]) -> None:
    mark = {True: "pass", False: "MISS", None: ""}
    widths = [
        max(len("measure"), *(len(r["measure"]) for r in rows)),
        max(len("figure"), *(len(str(r["figure"])) for r in rows)),
        max(len("target"), *(len(r["target"]) for r in rows)),
    ]
    header = ("measure", "figure", "target", "")
    print("  ".join(h.ljust(w) for h, w in zip(header, [*widths, 4], strict=True)))
    print("  ".join("-" * w for w in [*widths, 4]))
    for r in rows:
        cells = (r["measure"], str(r["figure"]), r["target"], mark[r["pass"]])
        line = "  ".join(c.ljust(w) for c, w in zip(cells, [*widths, 4], strict=True))
        print(line.rstrip() + (f"   {r['note']}" if r["note"] else ""))


def markdown_table(rows: list[dict]) -> str:
    """The summary as a Markdown table (for the README)."""
    mark = {True: "✅ pass", False: "❌ miss", None: ""}
    lines = ["| measure | figure | target | | notes |", "|---|---|---|---|---|"]
    for r in rows:
        cells = [r["measure"].strip(), str(r["figure"]), r["target"], mark[r["pass"]], r["note"]]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


# -- main ---------------------------------------------------------------------------------------
def main(argv=None) -> int:
    opts = parse_args(argv)
    started = time.time()
    load_before = round(os.getloadavg()[0], 2)
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = opts.out or HERE / "results" / f"bench-{stamp}.json"
    names = opts.only or list(MEASURES)
    results: dict[str, dict] = {}
    for name in names:
        module, what = MEASURES[name]
        print(f"… {name}: {what}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            results[name] = module.run(opts)
        except Exception as err:  # one broken measure must not hide the others' figures
            traceback.print_exc()
            results[name] = {"status": "error", "reason": f"{type(err).__name__}: {err}"}
        results[name]["measure_s"] = round(time.perf_counter() - t0, 2)
        print(f"  done in {results[name]['measure_s']:.1f} s", file=sys.stderr, flush=True)
    rows = summary_rows(results)
    load_after = round(os.getloadavg()[0], 2)
    cpus = os.cpu_count() or 1
    if max(load_before, load_after) > cpus:
        rows.append(
            {
                "measure": "⚠ machine busy",
                "figure": f"load {load_before} → {load_after}",
                "target": f"≤ {cpus} CPUs",
                "pass": None,
                "note": "other work ran during the benchmark: wall times are inflated "
                "(CPU figures much less so)",
            }
        )
    from billhelpers import __version__

    report = {
        "meta": {
            "started": _dt.datetime.fromtimestamp(started, _dt.UTC).isoformat(),
            "duration_s": round(time.time() - started, 2),
            "repeat": opts.repeat,
            "quick": opts.quick,
            "python": sys.version.split()[0],
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            # other work on the machine skews timings: the 1-minute load before and after
            "load_average_before": load_before,
            "load_average_after": load_after,
            "billhelpers": __version__,
            "argv": sys.argv[1:] if argv is None else list(argv),
        },
        "measures": results,
        "summary": rows,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print()
    print_table(rows)
    if results.get("scaling", {}).get("status") == "ok":
        print()
        print(scaling.table(results["scaling"]))
    if opts.markdown:
        print()
        print(markdown_table(rows))
        if results.get("scaling", {}).get("status") == "ok":
            print()
            print(scaling.table(results["scaling"], markdown=True))
            print()
            print(scaling.chart(results["scaling"]))
    print(f"\nJSON: {out}  ({report['meta']['duration_s']:.1f} s)")
    return 0 if all(r.get("status") in ("ok", "not available") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
