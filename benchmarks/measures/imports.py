"""(3) ``import billhelpers`` in a fresh interpreter: median of N subprocesses.

The figure is the import alone (timed inside the child, so interpreter start-up is not in it);
the child's whole run (``python -c "import billhelpers"``) is reported next to it, with an
empty interpreter's run as the baseline. When the median misses the target, the modules the
import pulled in are listed with ``-X importtime``'s cumulative times, slowest first.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from measures.common import rounded, spread

TARGET_S = 0.2

_CHILD = (
    "import sys, time, json\n"
    "t0 = time.perf_counter()\n"
    "import billhelpers\n"
    "t1 = time.perf_counter()\n"
    "heavy = [m for m in ('requests', 'pandas', 'ipywidgets', 'werkzeug', 'urllib3', 'tqdm')"
    " if m in sys.modules]\n"
    "print(json.dumps({'import_s': t1 - t0, 'modules': len(sys.modules), 'heavy': heavy}))\n"
)


def _child(code: str) -> tuple[float, dict | None]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    wall = time.perf_counter() - started
    return wall, (json.loads(out.stdout) if out.stdout.strip() else None)


def slowest_imports(limit: int = 8) -> list[dict]:
    """``python -X importtime -c "import billhelpers"``: the slowest top-level packages."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import billhelpers"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        try:
            _, cumulative, name = (part.strip() for part in line[12:].split("|"))
            rows.append((int(cumulative), name))
        except ValueError:
            continue
    top = [(c, n) for c, n in rows if "." not in n.strip()]
    top.sort(reverse=True)
    return [{"module": n, "cumulative_s": round(c / 1e6, 4)} for c, n in top[:limit]]


def run(opts) -> dict:
    runs = max(opts.repeat, 3) if opts.quick else max(opts.repeat, 5)
    _child(_CHILD)  # warm: .pyc files written, disk cache hot
    imports, walls, baselines, info = [], [], [], None
    for _ in range(runs):
        baselines.append(_child("pass")[0])
        wall, info = _child(_CHILD)
        walls.append(wall)
        imports.append(info["import_s"])
    result = {
        "status": "ok",
        "runs": runs,
        "import_s": spread(imports),
        "import_runs_s": rounded(imports),
        "process_wall_s": spread(walls),
        "empty_interpreter_wall_s": spread(baselines),
        "modules_loaded": info["modules"],
        "heavy_modules_loaded": info["heavy"],
        "target_s": TARGET_S,
    }
    result["pass"] = result["import_s"]["median"] < TARGET_S
    if not result["pass"] or info["heavy"]:
        result["slowest_imports"] = slowest_imports()
    return result
