#!/usr/bin/env python3
"""Refresh the README's screenshots (docs/screenshots/*.png) from the browser walk-through.

Why a script and not the test: the browser test saves every screenshot to artifacts/browser/
(git-ignored) and never writes into the repository; a maintainer chooses to update the
committed pictures by running this, then looks at them before committing.

Usage::

    .venv/bin/python scripts/update_screenshots.py              # run the walk-through, copy
    .venv/bin/python scripts/update_screenshots.py --skip-run   # copy the last run's pictures
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "browser"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WALK_THROUGH = "tests/browser/test_tutorial_in_jupyterlab.py"

#: artifacts/browser/<name>.png -> docs/screenshots/<name>.png: what the README shows.
CHOSEN = {
    "chapter-0-sign-in": "sign-in-form",
    "chapter-2-mfa-form": "mfa-form-demo-phone",
    "chapter-4-bill": "bills-table",
    "chapter-5-confirmed": "payment-confirmation",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-run", action="store_true", help="copy the last run's pictures")
    args = parser.parse_args(argv)
    if not args.skip_run:
        for name in CHOSEN:  # never copy a picture left from an earlier run
            (ARTIFACTS / f"{name}.png").unlink(missing_ok=True)
        command = [sys.executable, "-m", "pytest", WALK_THROUGH, "-q", "-p", "no:cacheprovider"]
        if subprocess.run(command, cwd=ROOT, check=False).returncode:  # noqa: S603 - fixed argv
            print("✗ the browser walk-through failed: screenshots not updated", file=sys.stderr)
            return 1
    missing = [n for n in CHOSEN if not (ARTIFACTS / f"{n}.png").is_file()]
    if missing:
        print(f"✗ not in {ARTIFACTS}: {', '.join(missing)}", file=sys.stderr)
        return 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for source, target in CHOSEN.items():
        shutil.copyfile(ARTIFACTS / f"{source}.png", SCREENSHOTS / f"{target}.png")
        print(f"✓ docs/screenshots/{target}.png")
    print("Look at them before committing: they must show what a learner sees.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
