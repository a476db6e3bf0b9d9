"""examples/ap_workflow.py runs the whole AP workflow in demo mode, as a plain script."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "ap_workflow.py"


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_ap_workflow_script_runs_in_demo_mode(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILL_")}
    env.update(
        BILL_EMULATOR_DATA_DIR=str(tmp_path / "emulator"), BILL_CACHE_DIR=str(tmp_path / "c")
    )
    out = subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    text = out.stdout
    assert "AP workflow complete: payment stp" in text
    assert "refused as expected" in text
    assert "HTTP 200 OK" in text
    assert "1,234,568.19" in text  # 0.10 + 0.20 + 1234567.89, exact
    for secret in ("demo-password-1", "01DEMODEVKEY0000000000000000000000", "000123456789"):
        assert secret not in text + out.stderr
