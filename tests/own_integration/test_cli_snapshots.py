"""``bill-emulator``: serve, reset, snapshot save/restore/list, and a man-page ``--help``."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bill_emulator import cli, seed, snapshots
from bill_emulator.backend import EmulatorBackend
from bill_emulator.server import EmulatorServer
from bill_emulator.testing import ready_organization


def _orgs(data: Path) -> set[str]:
    conn = sqlite3.connect(data / "emulator.sqlite3")
    try:
        return {row[0] for row in conn.execute("SELECT id FROM orgs")}
    finally:
        conn.close()


def _add_org(data: Path) -> str:
    backend = EmulatorBackend(data)
    try:
        return ready_organization(backend)["organizationId"]
    finally:
        backend.close()


def test_help_reads_like_a_man_page(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for text in ("serve", "reset", "snapshot", "examples:", "files:", "environment:"):
        assert text in out
    assert "BILL_EMULATOR_DATA_DIR" in out and "BILL_EMULATOR_START" in out
    for command in (["serve"], ["reset"], ["snapshot"]):
        with pytest.raises(SystemExit):
            cli.main([*command, "--help"])
        out = capsys.readouterr().out
        assert "examples:" in out and "files:" in out and "--data-dir" in out
    with pytest.raises(SystemExit):
        cli.main(["serve", "--help"])
    out = capsys.readouterr().out
    for option in ("--host", "--port", "--fresh-org", "--start", "127.0.0.1", "/_emulator/"):
        assert option in out


def test_console_script_is_installed():
    script = shutil.which("bill-emulator", path=str(Path(sys.executable).parent))
    assert script is not None
    out = subprocess.run(
        [script, "snapshot", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "backup API" in out


def test_snapshot_save_list_restore_round_trip(tmp_path, capsys):
    data = tmp_path / "world"
    assert cli.main(["snapshot", "save", "start", "--data-dir", str(data)]) == 0
    assert _orgs(data) == {seed.ORGANIZATION_ID}
    added = _add_org(data)
    assert added in _orgs(data)
    assert cli.main(["snapshot", "--data-dir", str(data), "save", "with-org"]) == 0
    capsys.readouterr()
    assert cli.main(["snapshot", "list", "--data-dir", str(data)]) == 0
    listed = capsys.readouterr().out
    assert listed.index("start") < listed.index("with-org")

    assert cli.main(["snapshot", "restore", "start", "--data-dir", str(data)]) == 0
    assert _orgs(data) == {seed.ORGANIZATION_ID}
    assert cli.main(["snapshot", "restore", "with-org", "--data-dir", str(data)]) == 0
    assert _orgs(data) == {seed.ORGANIZATION_ID, added}
    # the restored world serves: the added organization signs in
    with EmulatorServer(data) as server:
        assert server.app.backend.store.org_exists(added)


def test_snapshots_are_owner_only_single_files(tmp_path):
    data = tmp_path / "world"
    snap = snapshots.save(data, "one")
    assert snap.path.parent == data / "snapshots"
    assert snap.path.stat().st_mode & 0o777 == 0o600
    assert snap.path.parent.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in snap.path.parent.iterdir()) == ["one.sqlite3"]  # no -wal


def test_save_is_consistent_while_a_server_writes(tmp_path):
    data = tmp_path / "world"
    with EmulatorServer(data) as server:
        org = ready_organization(server.app.backend)  # written through the live server's store
        snap = snapshots.save(data, "live")
    conn = sqlite3.connect(snap.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {row[0] for row in conn.execute("SELECT id FROM orgs")}
    finally:
        conn.close()
    assert org["organizationId"] in ids


def test_save_refuses_to_overwrite_unless_forced(tmp_path, capsys):
    data = str(tmp_path / "world")
    assert cli.main(["snapshot", "save", "a", "--data-dir", data]) == 0
    assert cli.main(["snapshot", "save", "a", "--data-dir", data]) == 1
    assert "exists already" in capsys.readouterr().err
    assert cli.main(["snapshot", "save", "a", "--force", "--data-dir", data]) == 0


@pytest.mark.parametrize("name", ["../up", "a/b", ".hidden", "", "x" * 65, "a..b", "dot."])
def test_bad_snapshot_names_are_refused(tmp_path, name, capsys):
    assert cli.main(["snapshot", "save", name, "--data-dir", str(tmp_path / "w")]) == 1
    assert "not allowed" in capsys.readouterr().err
    assert not (tmp_path / "up.sqlite3").exists()


def test_restore_refuses_while_a_server_serves_and_stops_nothing(tmp_path, capsys):
    data = tmp_path / "world"
    snapshots.save(data, "start")
    with EmulatorServer(data) as server:
        added = ready_organization(server.app.backend)["organizationId"]
        assert cli.main(["snapshot", "restore", "start", "--data-dir", str(data)]) == 1
        err = capsys.readouterr().err
        assert server.url in err and "stop it first" in err and "nothing was stopped" in err
        assert server.app.backend.store.org_exists(added)  # unchanged, still serving
    assert cli.main(["snapshot", "restore", "start", "--data-dir", str(data)]) == 0
    assert added not in _orgs(data)


def test_restore_of_an_unknown_name_lists_the_saved_ones(tmp_path, capsys):
    data = tmp_path / "world"
    snapshots.save(data, "known")
    assert cli.main(["snapshot", "restore", "other", "--data-dir", str(data)]) == 1
    assert "known" in capsys.readouterr().err


def test_restore_refuses_a_file_that_is_not_a_snapshot(tmp_path, capsys):
    data = tmp_path / "world"
    snapshots.save(data, "good")
    (data / "snapshots" / "bad.sqlite3").write_text("not sqlite")
    assert cli.main(["snapshot", "restore", "bad", "--data-dir", str(data)]) == 1
    assert "not an emulator snapshot" in capsys.readouterr().err
    assert _orgs(data) == {seed.ORGANIZATION_ID}


def test_reset_a_data_dir_keeps_snapshots(tmp_path):
    data = tmp_path / "world"
    snapshots.save(data, "keep")
    added = _add_org(data)
    assert cli.main(["reset", "--data-dir", str(data)]) == 0
    assert _orgs(data) == {seed.ORGANIZATION_ID}
    assert [s.name for s in snapshots.list_snapshots(data)] == ["keep"]
    assert added not in _orgs(data)


def test_reset_of_a_served_dir_goes_through_the_server(tmp_path, capsys):
    data = tmp_path / "world"
    with EmulatorServer(data) as server:
        added = ready_organization(server.app.backend)["organizationId"]
        assert cli.main(["reset", "--data-dir", str(data)]) == 0
        assert server.url in capsys.readouterr().out
        assert not server.app.backend.store.org_exists(added)
        assert cli.main(["reset", "--url", server.url]) == 0


@pytest.mark.parametrize(
    "url", ["https://gateway.prod.bill.com/connect", "https://api.bill.com", "http://x.bill.com"]
)
def test_reset_refuses_bill_hosts_outright(url, capsys):
    assert cli.main(["reset", "--url", url]) == 1
    assert "refused" in capsys.readouterr().err


@pytest.mark.realtime  # a child process
def test_console_serve_and_python_m_alias(tmp_path):
    script = shutil.which("bill-emulator", path=str(Path(sys.executable).parent))
    for command in ([script, "serve"], [sys.executable, "-m", "bill_emulator"]):
        data = tmp_path / Path(command[-1]).name
        proc = subprocess.Popen(
            [*command, "--port", "0", "--data-dir", str(data), "--start", "2026-06-18"],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            url = proc.stdout.readline().strip().rsplit(" ", 1)[1]
            assert url.startswith("http://127.0.0.1:")
            assert snapshots.serving(data) == url
            record = json.loads((data / "server.json").read_text())
            assert record["url"] == url
        finally:
            proc.terminate()
            assert proc.wait(timeout=10) == 0
        assert snapshots.serving(data) is None
