"""`import billhelpers` stays fast: nothing heavy at import time."""

import subprocess
import sys


def test_import_loads_no_heavy_modules():
    code = (
        "import sys, billhelpers; "
        "print(','.join(m for m in ('requests', 'pandas', 'ipywidgets', 'tqdm', 'dotenv') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _import_us() -> int:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import billhelpers"],
        capture_output=True,
        text=True,
        check=True,
    )
    line = [x for x in out.stderr.splitlines() if x.rstrip().endswith("| billhelpers")][-1]
    return int(line.split("|")[1])


def test_import_takes_under_200_ms():
    # best of three: a busy machine (parallel test runs) only ever makes one run slower
    assert min(_import_us() for _ in range(3)) < 200_000


def test_lazy_names_resolve():
    import billhelpers as bh

    assert callable(bh.connect)
    assert callable(bh.to_frame)
    assert bh.ApiResponse.__name__ == "ApiResponse"
    assert sorted(bh.__all__) == list(bh.__all__)
