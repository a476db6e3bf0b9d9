"""Demo mode: connect() starts (or reuses) the emulator for the configured data dir."""

import pytest

import billhelpers as bh


@pytest.fixture
def demo_env(isolated_env, monkeypatch, tmp_path):
    from bill_emulator import launcher

    monkeypatch.setenv("BILL_EMULATOR_DATA_DIR", str(tmp_path / "demo-data"))
    yield tmp_path / "demo-data"
    launcher.stop_started()


def test_connect_demo_starts_emulator_and_signs_in(demo_env):
    client = bh.connect()
    assert client.base_url.startswith("http://127.0.0.1:")
    assert client.login()["organizationId"] == "00801DEMOORG00000001"
    assert (demo_env / "server.json").exists()


def test_connect_demo_twice_reuses_emulator_and_session(demo_env):
    first = bh.connect()
    first.login()
    second = bh.connect()
    assert second.base_url == first.base_url
    assert second.login().note == "reused the cached session"


def test_connect_demo_from_dotenv(isolated_env, demo_env, monkeypatch):
    import pathlib

    pathlib.Path(".env").write_text("BILL_ENVIRONMENT=demo\nBILL_MFA_DEVICE=dotenv-laptop\n")
    client = bh.connect()
    assert client.config.mfa_device == "dotenv-laptop"
