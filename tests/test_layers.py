"""The layers hold: import-linter checks the contracts in pyproject.toml.

Why a library and not our own AST walk: import-linter (grimp) sees every import, lazy ones in
functions included, and names the chain that breaks a contract.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_every_layer_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout and "kept" in result.stdout


@pytest.mark.realtime  # libfaketime bends its timers, sockets or child processes
def test_a_reversed_import_breaks_a_contract(tmp_path):
    """The contracts can fail: a copy of the packages where a rule imports the client."""
    import shutil

    for name in ("billhelpers", "bill_emulator"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    checks = tmp_path / "billhelpers" / "rules" / "money.py"
    checks.write_text(checks.read_text() + "\nfrom billhelpers.client import Client  # planted\n")
    emulator = tmp_path / "bill_emulator" / "store" / "base.py"
    emulator.write_text(emulator.read_text() + "\nimport billhelpers  # planted\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "billhelpers.rules.money -> billhelpers.client" in result.stdout
    assert "bill_emulator.store.base -> billhelpers" in result.stdout


#: Small modules with one job each: past this, a module is holding two (issue 22).
MODULE_MAX_LINES = 450


def _modules_over(limit: int) -> dict[str, int]:
    sizes = {}
    for package in ("billhelpers", "bill_emulator", "scripts", "benchmarks"):
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                sizes[str(path.relative_to(ROOT))] = lines
    return sizes


def test_no_module_of_the_kit_is_over_the_limit():
    assert _modules_over(MODULE_MAX_LINES) == {}


def test_the_size_check_can_fail():
    """The same walk finds the kit's longest module when the limit is below it."""
    found = _modules_over(300)
    assert "billhelpers/client.py" in found and found["billhelpers/client.py"] > 300
