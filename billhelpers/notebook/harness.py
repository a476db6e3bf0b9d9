"""
billhelpers.notebook.harness
~~~~~~~~~~~~~~~~~~~

The settings for running the chapters without a person: nbval (the root ``conftest.py``),
``scripts/run_notebooks.py`` and the tutorial benchmark (``benchmarks/measures/tutorial.py``).

Why one home: each of those starts notebook kernels that must all talk to one fresh demo world
(one emulator data folder, one session cache) with the demo organization's public credentials,
whatever a learner's ``.env`` says. Kernels inherit ``os.environ``, so that is where it goes.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from billhelpers.config import DEMO_CREDENTIALS

#: Variables removed for such a run (they would point the client somewhere else).
DEMO_CLEARED = ("BILL_BASE_URL",)
#: The MFA device name the demo runs remember.
DEMO_DEVICE = "billhelpers-tutorial"
#: The day these runs' demo world starts on (the emulator's ``BILL_EMULATOR_START``), so the
#: dates in the chapters' committed outputs are the same whatever day nbval runs. A Thursday
#: before a Friday bank holiday (Juneteenth), so two business days later is the next Tuesday.
#: A learner's ``make lab`` sets nothing: their world starts today.
DEMO_START = "2026-06-18"


def demo_environment(root=None, *, data_dir=None, cache_dir=None) -> dict[str, str]:
    """Environment variables for a demo run: demo mode, the demo organization's public
    credentials (so a learner's ``.env`` cannot point the run at BILL), the emulator data
    folder and session cache every chapter's kernel shares (``root/emulator``, ``root/cache``
    unless given), and the world's first day, :data:`DEMO_START`."""
    if root is None and (data_dir is None or cache_dir is None):
        raise TypeError("demo_environment() needs root, or both data_dir and cache_dir")
    data_dir = data_dir if data_dir is not None else Path(root) / "emulator"
    cache_dir = cache_dir if cache_dir is not None else Path(root) / "cache"
    return {
        "BILL_ENVIRONMENT": "demo",
        "BILL_USERNAME": DEMO_CREDENTIALS["username"],
        "BILL_PASSWORD": DEMO_CREDENTIALS["password"],
        "BILL_ORGANIZATION_ID": DEMO_CREDENTIALS["organization_id"],
        "BILL_DEV_KEY": DEMO_CREDENTIALS["dev_key"],
        "BILL_MFA_DEVICE": DEMO_DEVICE,
        "BILL_EMULATOR_DATA_DIR": str(data_dir),
        "BILL_CACHE_DIR": str(cache_dir),
        "BILL_EMULATOR_START": DEMO_START,
    }


def apply(values: Mapping[str, str]) -> dict[str, str | None]:
    """Put ``values`` in ``os.environ`` and drop :data:`DEMO_CLEARED`; returns what to give
    :func:`restore` (the previous values, ``None`` where a variable was unset)."""
    saved = {name: os.environ.get(name) for name in [*values, *DEMO_CLEARED]}
    os.environ.update(values)
    for name in DEMO_CLEARED:
        os.environ.pop(name, None)
    return saved


def restore(saved: Mapping[str, str | None]) -> None:
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextlib.contextmanager
def demo_world(root=None, *, data_dir=None, cache_dir=None) -> Iterator[dict[str, str]]:
    """``os.environ`` set for a demo run (see :func:`demo_environment`) inside the block."""
    values = demo_environment(root, data_dir=data_dir, cache_dir=cache_dir)
    saved = apply(values)
    try:
        yield values
    finally:
        restore(saved)
