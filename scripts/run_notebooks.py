#!/usr/bin/env python3
"""Re-execute the chapter notebooks in demo mode on a fresh emulator and save their outputs.

Why: nbval (``pytest tests notebooks``) compares each cell's output with the one committed in
the notebook, so the committed outputs must come from exactly the run nbval repeats: demo mode,
a freshly seeded emulator whose world starts on ``harness.DEMO_START``, an empty session cache,
every chapter in order, each in its own kernel. This script makes that run and writes every
output in place, none kept from an older run (widget state is not stored, so no typed value can
reach the file), then checks the result for secrets.

Usage::

    .venv/bin/python scripts/run_notebooks.py                 # every chapter, in place
    .venv/bin/python scripts/run_notebooks.py --check         # run, compare nothing, write nothing
    .venv/bin/python scripts/run_notebooks.py --check 03_vendor.ipynb  # some, writing nothing
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
#: What nbval's run (the root conftest.py) normalizes before comparing outputs.
SANITIZE = ROOT / "tests" / "notebooks_sanitize.cfg"
CHAPTER = re.compile(r"^\d\d_.*\.ipynb$")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def chapters(names: list[str]) -> list[Path]:
    found = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if CHAPTER.match(p.name))
    if not names:
        return found
    wanted = {Path(n).name for n in names}
    unknown = wanted - {p.name for p in found}
    if unknown:
        raise SystemExit(f"unknown notebook(s): {', '.join(sorted(unknown))}")
    return [p for p in found if p.name in wanted]


def execute(path: Path, *, timeout: int) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,  # a widget's state could hold what a person typed
        record_timing=False,  # keeps diffs to real changes
    )
    client.execute()
    notebook.metadata.pop("widgets", None)
    return notebook


def strip_widget_views(notebook) -> None:
    """Drop saved widget views. One points to a model that is gone once the kernel is:
    JupyterLab would show "Error displaying widget: model not found". Without it, the form's
    plain-text summary shows until the learner runs the cell (nbval never compares views)."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            output.get("data", {}).pop(WIDGET_VIEW, None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebook file names (default: every chapter)")
    parser.add_argument("--check", action="store_true", help="run only; do not write")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell")
    parser.add_argument(
        "--all-outputs",
        action="store_true",
        help="accepted for old habits: every output is always written from this one run",
    )
    args = parser.parse_args(argv)
    if args.names and not args.check:
        parser.error(
            "the committed outputs come from one run of every chapter in one demo world (a "
            "chapter run alone makes its own vendor and bill, so its outputs would not be the "
            "ones nbval checks): run without notebook names, or add --check"
        )

    sys.path.insert(0, str(ROOT))
    from billhelpers.notebook import harness

    world = tempfile.mkdtemp(prefix="billhelpers-run-notebooks-")
    saved = harness.apply(harness.demo_environment(world))
    started = time.monotonic()
    failed = False
    try:
        for path in chapters(args.names):
            t0 = time.monotonic()
            try:
                notebook = execute(path, timeout=args.timeout)
            except CellExecutionError as err:
                print(f"✗ {path.name}: a cell failed; not written\n{err}", file=sys.stderr)
                failed = True
                break
            if not args.check:  # every output of this one run: no cell kept from an older one
                strip_widget_views(notebook)
                nbformat.write(notebook, path)
            print(f"✓ {path.name} ({time.monotonic() - t0:.1f} s)")
    finally:
        harness.restore(saved)
        shutil.rmtree(world, ignore_errors=True)
    print(f"total {time.monotonic() - started:.1f} s")
    if failed:
        return 1
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from test_notebooks_clean import findings
    except ImportError:  # pragma: no cover - the scan lives with the tests
        return 0
    problems = [f for path in chapters(args.names) for f in findings(path)]
    for problem in problems:
        print("✗ secret-like text:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
