"""``make mutation``'s set-up cannot drift (the run itself is too slow for ``make test``).

``scripts/mutation_run.py`` mutates the modules of ``[tool.mutmut] only_mutate`` one at a time
against the tests its ``MODULE_TESTS`` table names; these tests check that every module has
tests that exist, that the per-module pyproject keeps every other setting, how the summary
counts, and that mutmut's working copies stay out of git.
"""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def runner():
    spec = importlib.util.spec_from_file_location("mutation_run", ROOT / "scripts/mutation_run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_mutated_module_has_tests_that_exist(runner):
    modules = runner.modules_from_pyproject()
    # the fourteen money-safety modules chosen, plus the in-flight holds that left payments.py
    assert 10 <= len(modules) <= 15
    for module in modules:
        assert (ROOT / module).is_file(), module
        assert runner.MODULE_TESTS[module], module
        for tests in runner.MODULE_TESTS[module]:
            assert (ROOT / tests).exists(), tests


def test_the_module_pyproject_narrows_only_the_two_keys(runner):
    text = (ROOT / "pyproject.toml").read_text()
    module = "billhelpers/rules/money.py"
    rewritten = runner.module_pyproject(text, module, ["tests/rules/test_money_rules.py"])
    before, after = tomllib.loads(text), tomllib.loads(rewritten)
    assert after["tool"]["mutmut"] == {
        **before["tool"]["mutmut"],
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": ["tests/rules/test_money_rules.py"],
    }
    del before["tool"]["mutmut"], after["tool"]["mutmut"]
    assert after == before  # every other table as it was


def test_the_summary_counts_timeouts_as_detected_and_no_tests_as_not(runner):
    codes = {"a": 1, "b": 3, "c": 0, "d": 36, "e": 33, "f": 34, "g": None}
    assert runner.summarize(codes) == {
        "mutants": 6,  # the skipped one is not counted
        "killed": 2,
        "survived": 1,
        "timeout": 1,
        "no_tests": 1,
        "other": 1,
        "rate": 50.0,
    }
    assert runner.summarize({})["rate"] == 100.0
    assert runner.slug("billhelpers/payrun/go_no_go.py") == "payrun.go_no_go"


def test_mutmut_is_locked_and_its_copies_are_ignored():
    lock = (ROOT / "requirements.lock").read_text()
    assert any(line.startswith("mutmut==3.") for line in lock.splitlines())
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "mutants/" in ignored and "artifacts/" in ignored
