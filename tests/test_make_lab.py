"""`make lab`, the README's first command, serves JupyterLab on notebooks/.

Runs the real Makefile target on a free loopback port and asks the server for its notebook list
and the reference pages, so a broken target, a wrong root folder or a page outside it fails here
before a learner finds it.
"""

import os
import secrets
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_make_lab(env: dict, token: str) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    args = f"--no-browser --ServerApp.token={token} --LabApp.news_url=None"
    # port_retries=0: if another process takes the port first, Lab exits instead of quietly
    # moving to another port this test would not know about.
    args += " --ServerApp.port_retries=0"
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_PORT={port}", f"LAB_ARGS={args}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the whole process group (make + jupyter) can be stopped
    )
    return f"http://127.0.0.1:{port}", proc


def _wait_for_listing(url: str, token: str, proc: subprocess.Popen) -> dict | None:
    """The notebook listing once Lab answers; None if `make lab` exited first."""
    headers = {"Authorization": f"token {token}"}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            response = requests.get(f"{url}/api/contents", headers=headers, timeout=2)
        except requests.ConnectionError:
            time.sleep(0.2)  # polling a starting server, bounded by the deadline
            continue
        if response.status_code == 200:
            return response.json()
    return None


@pytest.fixture
def lab(tmp_path):
    token = secrets.token_hex(16)
    env = dict(
        os.environ,
        BILL_EMULATOR_DATA_DIR=str(tmp_path / "emulator"),
        BILL_CACHE_DIR=str(tmp_path / "cache"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
    )
    started = []
    try:
        for _ in range(3):  # a free port can be taken before Lab binds it: try another
            url, proc = _start_make_lab(env, token)
            started.append(proc)
            listing = _wait_for_listing(url, token, proc)
            if listing is not None or proc.poll() is None:
                break
        yield url, token, listing
    finally:
        for proc in started:
            _stop_group(proc)


def _stop_group(proc: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return  # already gone
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.mark.realtime  # libfaketime bends its timeouts/child process
def test_make_lab_serves_the_notebooks(lab):
    url, token, listing = lab
    assert listing is not None, "make lab did not serve JupyterLab within 60 s"
    names = {item["name"] for item in listing["content"]}
    expected = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert expected, "notebooks/ has no chapters"
    assert expected <= names
    # The served folder is the learner's: no test settings in the file browser.
    assert not {"conftest.py", "sanitize.cfg"} & names
    # The reference pages open inside the lab.
    auth = {"Authorization": f"token {token}"}
    for page in ("cheatsheet.md", "glossary.md", "error-codes.md"):
        served = requests.get(f"{url}/api/contents/reference/{page}", headers=auth, timeout=5)
        assert served.status_code == 200, f"reference/{page}: {served.status_code}"
    lab_page = requests.get(f"{url}/lab", headers={"Authorization": f"token {token}"}, timeout=5)
    assert lab_page.status_code == 200
    assert "JupyterLab" in lab_page.text
