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
