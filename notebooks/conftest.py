"""nbval settings for the chapter notebooks: ``pytest tests notebooks`` (``make test``) checks them.

Why a conftest and not command-line flags: CI runs ``make test``, which runs
``pytest tests notebooks``; this file turns nbval on for that run (``--nbval``), points it at
``notebooks/sanitize.cfg`` (``--nbval-sanitize-with``) and runs the kernels in this Python
environment (``--nbval-current-env``). Flags given on the command line win (``--nbval-lax``,
another sanitize file, ``--nbval-kernel-name``).

Every notebook kernel of the run shares one fresh, temporary demo world: before the first
notebook cell runs, ``billhelpers.harness.demo_environment`` (demo mode, the demo
organization's public credentials, a new ``BILL_EMULATOR_DATA_DIR`` and ``BILL_CACHE_DIR``) is
put in ``os.environ``, which the kernels inherit. Environment variables beat ``.env``, so a
learner's own ``.env`` cannot send the test to BILL. The chapters then run in order, 00 to 06,
as a learner would: one login, one MFA round. The previous environment is restored at the end.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SANITIZE = HERE / "sanitize.cfg"

_saved: dict[str, str | None] = {}
_temp_dirs: list[str] = []


def pytest_configure(config):
    opt = config.option
    if not (getattr(opt, "nbval", False) or getattr(opt, "nbval_lax", False)):
        opt.nbval = True
    if getattr(opt, "nbval_sanitize_with", None) is None and not getattr(
        opt, "sanitize_with", None
    ):
        opt.nbval_sanitize_with = str(SANITIZE)
    if not getattr(opt, "nbval_kernel_name", None) and not getattr(opt, "current_env", False):
        opt.nbval_current_env = True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before the first notebook's kernel starts: the shared demo world, in os.environ."""
    if _saved or not str(getattr(item, "path", "")).endswith(".ipynb"):
        return
    from billhelpers import harness

    root = tempfile.mkdtemp(prefix="billhelpers-nbval-")
    _temp_dirs.append(root)
    _saved.update(harness.apply(harness.demo_environment(root)))


def pytest_unconfigure(config):
    if _saved:
        from billhelpers import harness

        harness.restore(_saved)
    _saved.clear()
    for root in _temp_dirs:
        shutil.rmtree(root, ignore_errors=True)
    _temp_dirs.clear()
