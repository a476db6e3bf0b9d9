"""(9) The ``bill_emulator`` pytest fixture's set-up per test (issue 26: median < 50 ms).

Measured as a learner's suite meets it: a generated test file of ``tests`` tests, each asking
for the fixture (and making one call, so the organization is used), run by pytest in a fresh
interpreter with the plugin loaded by its entry point. A small recording plugin notes each test's
set-up duration (pytest's own ``report.duration`` for the ``setup`` phase). The first test's
set-up also starts the session's emulator and is reported apart; the figure is the median of
the others, over ``--repeat`` runs (median of the runs' medians). The same again with
``@pytest.mark.bill_emulator(ready_to_pay=False)`` (no phone, no bank account) for comparison.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from measures.common import median, spread

TARGET_MS = 50.0

_TESTS = """
import pytest
import urllib.request

MARK = {mark}


def _call(bill):
    with urllib.request.urlopen(bill.url + "/_emulator/health", timeout=10) as resp:
        assert resp.status == 200


{tests}
"""

_ONE = """
@MARK
def test_{n}(bill_emulator):
    _call(bill_emulator)
"""

_RECORDER = """
import json
import os

_SETUPS = []


def pytest_runtest_logreport(report):
    if report.when == "setup":
        _SETUPS.append(report.duration)


def pytest_sessionfinish(session):
    with open(os.environ["FIXTURE_BENCH_OUT"], "w") as fh:
        json.dump(_SETUPS, fh)
"""


def _one_run(folder: Path, tests: int, *, ready: bool) -> list[float]:
    mark = "(lambda f: f)" if ready else "pytest.mark.bill_emulator(ready_to_pay=False)"
    body = "".join(_ONE.format(n=n) for n in range(tests))
    (folder / "test_generated.py").write_text(_TESTS.format(mark=mark, tests=body))
    (folder / "fixture_bench_recorder.py").write_text(_RECORDER)
    out = folder / "setups.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILL_")}
    env.update(FIXTURE_BENCH_OUT=str(out), PYTHONPATH=str(folder))
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        + ["-p", "fixture_bench_recorder", "-p", "no:xdist", "test_generated.py"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pytest failed: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return json.loads(out.read_text())


def run(opts) -> dict:
    tests = 40 if opts.quick else 200
    results = {}
    for label, ready in (("ready_to_pay", True), ("bare", False)):
        per_run, first = [], []
        for _ in range(opts.repeat):
            with tempfile.TemporaryDirectory(prefix="bench-fixture-") as tmp:
                setups = _one_run(Path(tmp), tests, ready=ready)
            first.append(setups[0] * 1e3)
            per_run.append(median([s * 1e3 for s in setups[1:]]))
        results[label] = {"per_test_ms": spread(per_run), "first_test_ms": spread(first)}
    figure = results["ready_to_pay"]["per_test_ms"]["median"]
    return {
        "status": "ok",
        "tests_per_run": tests,
        "runs": opts.repeat,
        "setup_ms": results["ready_to_pay"]["per_test_ms"],
        "first_setup_ms": results["ready_to_pay"]["first_test_ms"],
        "bare_setup_ms": results["bare"]["per_test_ms"],
        "target_ms": TARGET_MS,
        "pass": figure < TARGET_MS,
    }
