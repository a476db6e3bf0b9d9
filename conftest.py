"""nbval settings for the chapter notebooks: ``pytest notebooks`` (a step of ``make test``)
checks their committed outputs.

Why here, at the repository root, and not in ``notebooks/``: ``make lab`` serves
``notebooks/`` and it holds only what a learner opens (the chapters, their data, the reference
pages). pytest loads a conftest.py of the rootdir for every run, so this one applies to
``notebooks/`` from outside it.

What it does, only when the run collects from ``notebooks/`` (``pytest notebooks``,
``pytest tests notebooks``, ``pytest notebooks/03_vendor.ipynb``; ``pytest tests`` is left as
it was): turns nbval on (``--nbval``), points it at ``tests/notebooks_sanitize.cfg``
(``--nbval-sanitize-with``) and runs the kernels in this Python environment
(``--nbval-current-env``). Flags given on the command line win (``--nbval-lax``, another
sanitize file, ``--nbval-kernel-name``).

Every notebook kernel of the run shares one fresh, temporary demo world: before the first
notebook cell runs, ``billhelpers.notebook.harness.demo_environment`` (demo mode, the demo
organization's public credentials, a new ``BILL_EMULATOR_DATA_DIR`` and ``BILL_CACHE_DIR``) is
put in ``os.environ``, which the kernels inherit. Environment variables beat ``.env``, so a
learner's own ``.env`` cannot send the test to BILL. The chapters then run in order, 00 to 10,
as a learner would: one login, one MFA round. The previous environment is restored at the end.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = ROOT / "tests" / "notebooks_sanitize.cfg"

_saved: dict[str, str | None] = {}
_temp_dirs: list[str] = []


def _collects_notebooks(config) -> bool:
    """Whether an argument of the run is notebooks/ or a path inside it."""
    for arg in config.args:
        path = Path(str(arg).split("::", 1)[0])
        path = (path if path.is_absolute() else Path(config.invocation_params.dir) / path).resolve()
        if path == NOTEBOOKS or NOTEBOOKS in path.parents:
            return True
    return False


def pytest_configure(config):
    if not _collects_notebooks(config):
        return
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
    from billhelpers.notebook import harness

    root = tempfile.mkdtemp(prefix="billhelpers-nbval-")
    _temp_dirs.append(root)
    _saved.update(harness.apply(harness.demo_environment(root)))


def pytest_unconfigure(config):
    if _saved:
        from billhelpers.notebook import harness

        harness.restore(_saved)
    _saved.clear()
    for root in _temp_dirs:
        shutil.rmtree(root, ignore_errors=True)
    _temp_dirs.clear()
