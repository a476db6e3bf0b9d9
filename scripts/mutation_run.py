#!/usr/bin/env python3
"""Mutation testing of the money-safety modules with mutmut 3: ``make mutation``.

Why one module at a time: mutmut runs, for each mutant, the tests that called the mutated
function. A function such as ``money.to_amount`` is called by hundreds of tests, most of them
about something else, so against the whole suite a surviving mutant costs minutes. Here each
module of ``[tool.mutmut] only_mutate`` (pyproject.toml, the list's one home) is mutated in a
work folder of its own (``artifacts/mutation/work/<module>/``: a copy of the kit whose
pyproject.toml names that module and its tests, :data:`MODULE_TESTS`), one after the other,
each with every core. Nothing here is part of ``make test``.

What it writes (``artifacts/mutation/``, git-ignored): ``summary.json`` and ``summary.md``
(killed, survived, timeout, no tests per module, the kill rate, the wall time) and, per module,
``survivors/<module>.txt`` with each surviving mutant's diff (what docs/mutation-testing.md
explains or a test kills). The kill rate is mutmut's score: (killed + timeout) / mutants.

Usage::

    .venv/bin/python scripts/mutation_run.py                    # every module
    .venv/bin/python scripts/mutation_run.py rules/money.py     # the modules named
    .venv/bin/python scripts/mutation_run.py --min-rate 90      # exit 1 below 90 % overall
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "artifacts" / "mutation"
#: What a work folder holds besides the rewritten pyproject.toml (the payment run's tests read
#: the sample exports in notebooks/data and run scripts/make_payrun_export.py).
COPIED = ("billhelpers", "bill_emulator", "tests", "conftest.py", "notebooks/data", "scripts")

#: Each mutated module's tests: those that exercise its rules on purpose (pure-function tests
#: first; the client's pipeline tests with a scripted BILL; emulator tests where the module's
#: job is a conversation with BILL).
MODULE_TESTS: dict[str, list[str]] = {
    "billhelpers/rules/payment_identity.py": [
        "tests/rules/test_payment_identity_exact.py",
        "tests/rules/test_payment_identity_rules.py",
        "tests/client/test_payment_identity.py",
    ],
    "billhelpers/rules/money.py": ["tests/rules/test_money_rules.py", "tests/client/test_money.py"],
    "billhelpers/rules/checks.py": [
        "tests/rules/test_checks_exact.py",
        "tests/client/test_preflight.py",
        "tests/client/test_business_days.py",
    ],
    "billhelpers/rules/credits.py": ["tests/rules/test_credit_rules.py"],
    "billhelpers/rules/credit_checks.py": ["tests/rules/test_credit_rules.py"],
    "billhelpers/rules/approvals.py": [
        "tests/rules/test_approval_rules.py",
        "tests/client/test_approvals.py",
        "tests/payrun/test_go_no_go_approvals.py",
    ],
    "billhelpers/payrun/exports.py": [
        "tests/payrun/test_exports_exact.py",
        "tests/payrun/test_exports.py",
        "tests/payrun/test_exports_properties.py",
    ],
    "billhelpers/payrun/matching.py": ["tests/payrun"],
    "billhelpers/payrun/go_no_go.py": ["tests/payrun"],
    "billhelpers/payrun/plan.py": ["tests/payrun"],
    "billhelpers/payrun/run.py": ["tests/payrun"],
    "billhelpers/payrun/audit.py": ["tests/payrun"],
    "billhelpers/resources/payment_recovery.py": [
        "tests/client/test_payment_recovery_exact.py",
        "tests/safety/test_never_pay_twice.py",
        "tests/safety/test_hardening_client.py",
    ],
    "billhelpers/resources/payments.py": [
        "tests/client/test_bulk_payments_exact.py",
        "tests/safety/test_never_pay_twice.py",
        "tests/safety/test_hardening_client.py",
        "tests/client/test_payment_identity.py",
    ],
    "billhelpers/resources/inflight.py": [
        "tests/client/test_inflight.py",
        "tests/client/test_bulk_payments_exact.py",
        "tests/safety/test_never_pay_twice.py",
    ],
}

#: mutmut's exit codes (its ``status_by_exit_code``), folded into the summary's columns.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
STATUS.update(dict.fromkeys((36, -24, 24, 152, 255), "timeout"))


def modules_from_pyproject(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``[tool.mutmut] only_mutate``; each must have its tests in :data:`MODULE_TESTS`."""
    modules = tomllib.loads(pyproject.read_text())["tool"]["mutmut"]["only_mutate"]
    missing = [m for m in modules if m not in MODULE_TESTS]
    extra = [m for m in MODULE_TESTS if m not in modules]
    if missing or extra:
        raise SystemExit(
            f"pyproject's only_mutate and MODULE_TESTS disagree: no tests for {missing}, "
            f"tests for modules not mutated {extra}"
        )
    return modules


def module_pyproject(text: str, module: str, tests: list[str]) -> str:
    """pyproject.toml with its ``[tool.mutmut]`` table narrowed to ``module`` and ``tests``
    (the other settings kept). The table's two keys are rewritten in place; JSON arrays of
    strings are TOML arrays."""
    settings = tomllib.loads(text)["tool"]["mutmut"]
    settings["only_mutate"] = [module]
    settings["pytest_add_cli_args_test_selection"] = list(tests)
    start = text.index("[tool.mutmut]")
    end = text.find("\n[", start + 1)
    table = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
    rewritten = text[:start] + table + ("" if end == -1 else text[end:])
    assert tomllib.loads(rewritten)["tool"]["mutmut"] == settings
    return rewritten


def summarize(exit_codes: dict[str, int | None]) -> dict:
    """Counts by status and the kill rate (mutmut's score) of one module's mutants."""
    counts = Counter(STATUS.get(code, "other") for code in exit_codes.values())
    total = len(exit_codes) - counts["skipped"]
    detected = counts["killed"] + counts["timeout"]
    return {
        "mutants": total,
        "killed": counts["killed"],
        "survived": counts["survived"],
        "timeout": counts["timeout"],
        "no_tests": counts["no tests"],
        "other": counts["other"],
        "rate": round(100 * detected / total, 1) if total else 100.0,
    }


def slug(module: str) -> str:
    return module.removeprefix("billhelpers/").removesuffix(".py").replace("/", ".")


def run_module(module: str, max_children: int) -> dict:
    """Mutate ``module`` in its own work folder; its summary, survivors' diffs written."""
    work = OUT / "work" / slug(module)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    skip = shutil.ignore_patterns("__pycache__", ".pytest_cache")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=skip)  # parents made as needed
        else:
            shutil.copy2(source, work / name)
    text = (ROOT / "pyproject.toml").read_text()
    (work / "pyproject.toml").write_text(module_pyproject(text, module, MODULE_TESTS[module]))
    mutmut = [sys.executable, "-m", "mutmut"]
    started = time.monotonic()
    with open(work / "mutmut.log", "w") as log:
        run = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
            [*mutmut, "run", "--max-children", str(max_children)],
            cwd=work,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    seconds = round(time.monotonic() - started, 1)
    meta = work / "mutants" / f"{module}.meta"
    if run.returncode != 0 or not meta.exists():
        raise SystemExit(f"mutmut failed on {module} (exit {run.returncode}): see {log.name}")
    exit_codes = json.loads(meta.read_text())["exit_code_by_key"]
    summary = {"module": module, **summarize(exit_codes), "seconds": seconds}
    survivors = sorted(k for k, code in exit_codes.items() if STATUS.get(code) != "killed")
    survivors = [k for k in survivors if STATUS.get(exit_codes[k]) != "timeout"]
    (OUT / "survivors").mkdir(parents=True, exist_ok=True)
    shown = subprocess.run(  # noqa: S603 - `mutmut show` for each, in one process
        [sys.executable, "-c", _SHOW, *survivors], cwd=work, capture_output=True, text=True
    )
    (OUT / "survivors" / f"{slug(module)}.txt").write_text(shown.stdout + shown.stderr)
    summary["survivor_names"] = survivors
    return summary


_SHOW = """
import sys
from mutmut.__main__ import show
for name in sys.argv[1:]:
    show.callback(name)
    print()
"""


def write_summary(rows: list[dict], wall: float) -> dict:
    keys = ("mutants", "killed", "survived", "timeout", "no_tests", "other")
    total = {k: sum(r[k] for r in rows) for k in keys}
    detected = total["killed"] + total["timeout"]
    total["rate"] = round(100 * detected / total["mutants"], 1) if total["mutants"] else 100.0
    report = {"modules": rows, "total": total, "wall_seconds": round(wall, 1)}
    (OUT / "summary.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        "| module | mutants | killed | survived | timeout | no tests | rate % | s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['module']} | {r['mutants']} | {r['killed']} | {r['survived']} | "
            f"{r['timeout']} | {r['no_tests']} | {r['rate']} | {r['seconds']} |"
        )
    lines.append(
        f"| **{len(rows)} modules** | {total['mutants']} | {total['killed']} | "
        f"{total['survived']} | {total['timeout']} | {total['no_tests']} | "
        f"**{total['rate']}** | {round(wall, 1)} |"
    )
    (OUT / "summary.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="run only these (a path's tail is enough)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--min-rate", type=float, default=None, help="exit 1 below it (%%)")
    args = parser.parse_args(argv)
    modules = modules_from_pyproject()
    if args.modules:
        chosen = [m for m in modules if any(m.endswith(n) for n in args.modules)]
        if len(chosen) < len(args.modules):
            parser.error(f"not all of {args.modules} are mutated modules: {modules}")
        modules = chosen
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    rows = []
    for module in modules:
        print(f"mutating {module} ...", flush=True)
        rows.append(run_module(module, args.max_children))
        row = rows[-1]
        print(
            f"  {row['mutants']} mutants, {row['killed']} killed, {row['survived']} survived, "
            f"{row['timeout']} timeout: {row['rate']} % in {row['seconds']} s",
            flush=True,
        )
    report = write_summary(rows, time.monotonic() - started)
    if args.min_rate is not None and report["total"]["rate"] < args.min_rate:
        print(f"kill rate {report['total']['rate']} % is below {args.min_rate} %")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
