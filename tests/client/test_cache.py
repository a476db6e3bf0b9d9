"""The session cache: owner-only, atomic, safe for concurrent kernels."""

import json
import multiprocessing
import os
import stat

from billhelpers.http.session_cache import SessionCache, cache_key


def test_cache_creates_owner_only_dir_and_file(tmp_path):
    cache = SessionCache(tmp_path / "c")
    cache.update("k", sessionId="s1")
    assert stat.S_IMODE(os.stat(tmp_path / "c").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600


def test_cache_in_existing_shared_dir_uses_an_owner_only_subfolder(tmp_path):
    """Issue 15: BILL_CACHE_DIR on an existing shared folder must not chmod that folder."""
    shared = tmp_path / "c"
    shared.mkdir()
    os.chmod(shared, 0o755)  # noqa: S103 - a shared folder is the point
    cache = SessionCache(shared)
    cache.update("k", sessionId="s1")
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o755  # left as its owner made it
    assert cache.directory.parent == shared
    assert stat.S_IMODE(os.stat(cache.directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600
    assert SessionCache(shared).get("k")["sessionId"] == "s1"  # found again next time


def test_cache_reuses_an_owner_only_dir_as_is(tmp_path):
    (tmp_path / "c").mkdir(mode=0o700)
    cache = SessionCache(tmp_path / "c")
    cache.update("k", sessionId="s1")
    assert cache.path == tmp_path / "c" / "sessions.json"


def test_cache_update_merges_and_none_deletes(tmp_path):
    cache = SessionCache(tmp_path)
    cache.update("k", sessionId="s1", rememberMeId="r1", device="d")
    cache.update("k", sessionId="s2", rememberMeId=None)
    entry = cache.get("k")
    assert entry["sessionId"] == "s2" and entry["device"] == "d" and "rememberMeId" not in entry


def test_cache_forget_fields_and_entry(tmp_path):
    cache = SessionCache(tmp_path)
    cache.update("k", sessionId="s1", device="d")
    cache.forget("k", "sessionId")
    assert "sessionId" not in cache.get("k") and cache.get("k")["device"] == "d"
    cache.forget("k")
    assert cache.get("k") == {}


def test_cache_survives_corrupt_file(tmp_path):
    cache = SessionCache(tmp_path)
    cache.update("k", sessionId="s1")
    cache.path.write_text("{not json")
    assert cache.get("k") == {}
    cache.update("k", sessionId="s2")
    assert json.loads(cache.path.read_text())["k"]["sessionId"] == "s2"


def test_cache_key_differs_per_dev_key_and_hides_identity():
    a = cache_key("demo|/data|008|demo@example.com", "key1")
    b = cache_key("demo|/data|008|demo@example.com", "key2")
    assert a != b
    assert "demo@example.com" not in a and "key1" not in a


def _writer(directory, name, count):
    cache = SessionCache(directory)
    for i in range(count):
        cache.update(name, counter=i)


def test_cache_concurrent_processes_lose_no_entry(tmp_path):
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(tmp_path, f"kernel{n}", 30)) for n in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    data = json.loads((tmp_path / "sessions.json").read_text())
    assert {data[f"kernel{n}"]["counter"] for n in range(4)} == {29}
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
