"""Done criterion of issue 26's first part: the plugin works from a fresh virtual environment
outside this repository.

The kit is installed (``pip install --no-deps``, a copy of its sources; pip builds it with its
usual build isolation, from whatever index pip is configured with) into a
throwaway venv in a temporary folder; its dependencies come from this test's environment (a
``.pth`` naming a folder of links to every installed package but the kit itself, so the copy in
the throwaway venv is the only kit there). A small foreign test file that uses only the fixture,
plain ``requests`` and the installed entry point then runs there, under ``pytest-xdist``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.realtime]  # child processes, many seconds

ROOT = Path(__file__).resolve().parents[2]
KIT = ("billhelpers", "bill_emulator")

FOREIGN_TEST = """
import json
import os

import requests


def _record(bill):
    out = os.path.join(os.environ["FOREIGN_OUT"], os.environ.get("PYTEST_XDIST_WORKER", "main"))
    with open(out, "a") as fh:
        fh.write(json.dumps({"url": bill.url, "org": bill.organization_id}) + "\\n")


def test_login_and_create_a_vendor(bill_emulator):
    import bill_emulator as package

    assert package.__file__.startswith(os.environ["FOREIGN_VENV"]), package.__file__
    env = bill_emulator.env
    login = requests.post(
        env["BILL_BASE_URL"] + "/v3/login",
        json={
            "username": env["BILL_USERNAME"],
            "password": env["BILL_PASSWORD"],
            "organizationId": env["BILL_ORGANIZATION_ID"],
            "devKey": env["BILL_DEV_KEY"],
        },
        timeout=10,
    )
    assert login.status_code == 200, login.text
    headers = {"devKey": env["BILL_DEV_KEY"], "sessionId": login.json()["sessionId"]}
    vendor = requests.post(
        env["BILL_BASE_URL"] + "/v3/vendors",
        headers=headers,
        json={
            "name": "Foreign Paper Co",
            "accountType": "BUSINESS",
            "address": {
                "line1": "1 Main St",
                "city": "Austin",
                "stateOrProvince": "TX",
                "zipOrPostalCode": "78701",
                "country": "US",
            },
        },
        timeout=10,
    )
    assert vendor.status_code == 201, vendor.text
    listed = requests.get(env["BILL_BASE_URL"] + "/v3/vendors", headers=headers, timeout=10)
    assert [v["name"] for v in listed.json()["results"]] == ["Foreign Paper Co"]
    _record(bill_emulator)


def test_a_second_test_starts_empty(bill_emulator):
    url = bill_emulator.url
    login = requests.post(url + "/v3/login", json=bill_emulator.login_body, timeout=10)
    headers = {"devKey": bill_emulator.dev_key, "sessionId": login.json()["sessionId"]}
    listed = requests.get(bill_emulator.url + "/v3/vendors", headers=headers, timeout=10)
    assert listed.json()["results"] == []
    _record(bill_emulator)


def test_mfa_code(bill_emulator):
    url = bill_emulator.url
    login = requests.post(url + "/v3/login", json=bill_emulator.login_body, timeout=10)
    headers = {"devKey": bill_emulator.dev_key, "sessionId": login.json()["sessionId"]}
    challenge = requests.post(
        bill_emulator.url + "/v3/mfa/challenge", headers=headers, json={}, timeout=10
    ).json()
    ok = requests.post(
        bill_emulator.url + "/v3/mfa/challenge/validate",
        headers=headers,
        json={"challengeId": challenge["challengeId"], "token": bill_emulator.mfa_code()},
        timeout=10,
    )
    assert ok.status_code == 200, ok.text
    _record(bill_emulator)


def test_faults(bill_emulator):
    bill_emulator.faults.add("/v3/login", status=503)
    url = bill_emulator.url
    login = requests.post(url + "/v3/login", json=bill_emulator.login_body, timeout=10)
    assert login.status_code == 503
    assert [r["status"] for r in bill_emulator.requests()] == [503]
    _record(bill_emulator)
"""


def _deps_folder(target: Path) -> Path:
    """Links to every package of this environment except the kit (and no ``.pth`` files: the
    kit's editable install is one)."""
    target.mkdir()
    site = Path(sysconfig.get_paths()["purelib"])
    for entry in site.iterdir():
        name = entry.name
        if name.startswith((*KIT, "__editable__", "_billhelpers")) or name.endswith(".pth"):
            continue
        if name == "__pycache__":
            continue
        (target / name).symlink_to(entry)
    return target


def _copy_sources(target: Path) -> Path:
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, target / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in KIT:
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    return target


def test_plugin_works_from_a_throwaway_venv_outside_the_repo(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = _deps_folder(tmp_path / "deps")
    Path(purelib, "kit_deps.pth").write_text(f"{deps}\n")
    src = _copy_sources(tmp_path / "src")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "BILL_"))}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
        + ["--quiet", str(src)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]

    script = venv / "bin" / "bill-emulator"
    helped = subprocess.run([str(script), "--help"], capture_output=True, text=True, env=env)
    assert helped.returncode == 0 and "snapshot" in helped.stdout, helped.stderr

    foreign = tmp_path / "their-project"
    foreign.mkdir()
    (foreign / "test_their_integration.py").write_text(FOREIGN_TEST)
    out = tmp_path / "out"
    out.mkdir()
    env.update(FOREIGN_OUT=str(out), FOREIGN_VENV=str(venv))
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2"],
        capture_output=True,
        text=True,
        env=env,
        cwd=foreign,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-3000:]
    assert "4 passed" in run.stdout
    seen = [json.loads(line) for f in out.iterdir() for line in f.read_text().splitlines()]
    assert len(seen) == 4
    assert len({(s["url"], s["org"]) for s in seen}) == 4  # a fresh organization per test
    workers = {
        f.name: {json.loads(x)["url"] for x in f.read_text().splitlines()} for f in out.iterdir()
    }
    urls = [url for found in workers.values() for url in found]
    assert all(len(found) == 1 for found in workers.values())  # one server per worker
    assert len(urls) == len(set(urls))  # and each worker its own port
