"""``benchmarks/run.py`` works: one ``--quick`` run (small sizes, one repetition) writes JSON
with every measure and sane figures. Timings are not checked here (the issue: tests check
correctness, not speed); ``make bench`` is where the figures come from."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Many seconds: `make test` and CI run it, `make unit` skips it (the fast inner loop).
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"
MEASURES = (
    "imports",
    "overhead",
    "listing",
    "throughput",
    "scaling",
    "tutorial",
    "webhooks",
    "payrun",
    "fixture",
    "report",
    "payrun_faults",
)


def test_quick_benchmark_writes_every_measure(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--vendors", "250", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "measure" in proc.stdout and str(out) in proc.stdout  # the table was printed
    report = json.loads(out.read_text())
    assert report["meta"]["quick"] is True and report["meta"]["repeat"] == 1
    measures = report["measures"]
    assert set(MEASURES) <= set(measures)

    imp = measures["imports"]
    assert imp["status"] == "ok"
    assert 0 < imp["import_s"]["median"] < 30
    assert imp["import_s"]["min"] <= imp["import_s"]["median"] <= imp["import_s"]["max"]
    assert isinstance(imp["pass"], bool)

    fx = measures["fixture"]
    assert fx["status"] == "ok" and fx["tests_per_run"] == 40
    assert 0 < fx["setup_ms"]["median"] < 5000 and 0 < fx["bare_setup_ms"]["median"] < 5000
    assert fx["pass"] == (fx["setup_ms"]["median"] < fx["target_ms"])

    ov = measures["overhead"]
    assert ov["status"] == "ok"
    assert 0 < ov["client_per_call_s"]["median"] < 5 and 0 < ov["bare_per_call_s"]["median"] < 5
    assert 0.2 < ov["ratio"] < 20
    assert ov["pass"] == (ov["ratio"] <= ov["target_ratio"])

    li = measures["listing"]
    assert li["status"] == "ok"
    assert li["vendors_seeded"] == 250
    # every seeded vendor (plus the demo organization's own) came back, 100 a page
    assert li["rows"] >= 250
    pages = -(-li["rows"] // 100)
    assert pages <= li["calls"] <= pages + 1
    assert li["total_s"]["median"] > 0
    assert li["pass"] is None  # 250 vendors say nothing about the 10,000 target

    pr = measures["payrun"]  # --quick: 100 bills for 20 vendors
    assert pr["status"] == "ok", pr
    assert (pr["first"]["vendors"], pr["first"]["bills"], pr["first"]["payments"]) == (20, 100, 100)
    assert pr["first"]["ok"] == 100 and pr["minimum_calls"] == 1 + 1 + 2
    assert pr["minimum_calls"] <= pr["first"]["calls"] <= 2 * pr["minimum_calls"] + 5
    assert (pr["rerun"]["vendors"], pr["rerun"]["bills"], pr["rerun"]["payments"]) == (0, 0, 0)
    assert pr["calls_by_path"]["POST /v3/payments/bulk"] == 2
    assert pr["pass"] is None

    wh = measures["webhooks"]
    assert wh["status"] == "ok", wh
    assert wh["cleared"] == wh["payments"] == 50 and wh["rejected"] == 0
    assert wh["events"] == 6 * 50 and wh["latency_s"]["median"] > 0
    assert wh["pass"] is None  # 50 payments say nothing about the 1,000 target

    th = measures["throughput"]
    assert th["status"] == "ok"
    assert th["requests_per_s"]["median"] > 10 and th["errors"] == 0
    assert th["with_requests_clients"]["requests_per_s"]["median"] > 10
    assert th["with_requests_clients"]["errors"] == 0
    assert 0 < th["server_cpu_per_call_s"]["median"] < 1
    assert th["clients"] == 3

    sc = measures["scaling"]
    assert sc["status"] == "ok"
    assert sc["sizes"] == [0, 40] and sc["reps"] >= 1
    assert {"create bill (invoice number checked)", "vendors name:eq", "payments billId:eq"} <= set(
        sc["calls"]
    )
    assert len(sc["calls"]) == 17
    for call in sc["calls"].values():
        assert set(call["ms"]) == {"0", "40"} and all(0 < ms < 5000 for ms in call["ms"].values())
        assert call["pass"] is None  # 40 objects say nothing about the 100,000 target
    assert sc["bill_create_at_10000_ms"] is None and sc["pass"] is None
    assert sc["bill_full_pages"]["40"] >= 2

    tut = measures["tutorial"]
    if tut["status"] == "not available":  # notebooks missing or not runnable headless
        assert tut["reason"]
    else:
        assert tut["status"] == "ok"
        first, again = tut["calls"]["first_run"], tut["calls"]["remembered_device"]
        assert first["target"] == 8 and again["target"] == 5
        for run in (first, again):
            assert run["recipe_calls"] >= 1 and run["total_calls"] >= run["recipe_calls"]
            assert sum(run["by_endpoint"].values()) == run["total_calls"]
            assert sum(run["by_chapter"].values()) == run["total_calls"]
            assert run["recipe_by_step"]["login"] >= 1
        assert again["recipe_by_step"]["mfa"] <= first["recipe_by_step"]["mfa"]
        chapters = tut["time"]["chapters_s"]
        assert len(chapters) == len(tut["chapters"])
        # one run: the whole tutorial is its chapters back to back
        total = tut["time"]["total_s"]["median"]
        assert total == pytest.approx(sum(c["median"] for c in chapters.values()), rel=1e-3)

    faults = measures["payrun_faults"]
    assert faults["status"] == "ok" and faults["profile"] == "all"
    (seed,) = faults["seeds"]
    assert seed["paid_once"] and seed["card_passed"] is True and seed["runs"] >= 1
    assert set(seed["checks"]) >= {"paid-twice", "blind-payment-retry", "backoff"}

    names = {row["measure"] for row in report["summary"]}
    assert any("import" in name for name in names)
    assert any("throughput" in name for name in names)
    assert any(name.startswith("create bill (invoice number checked), 0 → 40") for name in names)
