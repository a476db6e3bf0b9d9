"""bill_emulator.snapshots
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Named snapshots of a data folder's whole world (every organization, the clock, limits, queued
faults, the request log), and a reset back to the freshly seeded demo organization.

Why SQLite's backup API, not a file copy: the database runs in WAL mode, so the newest writes may
sit in ``emulator.sqlite3-wal``; a copy of the main file alone can be torn or stale. The backup
API copies a consistent image, even while a server writes.

Why restore refuses while a server serves the folder: the server caches devKeys and counts calls
in memory; a world swapped under it would answer from both. Restore never stops a server: it
says which one to stop (``server.json`` names it, and ``GET /_emulator/health`` confirms it is
alive, as the launcher checks before reusing one).

Snapshots live in ``<data dir>/snapshots/NAME.sqlite3``, owner-only (folder ``0700``, files
``0600``): they hold the same secrets as the database (devKeys, vendor account numbers).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bill_emulator import datadir
from bill_emulator.server import SERVER_FILE

SNAPSHOT_DIR = "snapshots"
SUFFIX = ".sqlite3"
#: A snapshot's name: a file name on every system, never a path.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class SnapshotError(Exception):
    """A snapshot command cannot be carried out (the message says why and what to do)."""


@dataclass(frozen=True)
class Snapshot:
    name: str
    path: Path
    size: int
    saved: datetime


def check_name(name: str) -> str:
    if not NAME.fullmatch(name or "") or name.endswith(".") or ".." in name:
        raise SnapshotError(
            f"snapshot name {name!r} is not allowed: use letters, digits, '.', '_' and '-' "
            "(at most 64, starting with a letter or digit)"
        )
    return name


def _folder(data_dir: Path, *, create: bool) -> Path:
    folder = data_dir / SNAPSHOT_DIR
    if create:
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        if folder.is_symlink() or not folder.is_dir():
            raise SnapshotError(f"{folder} is not a plain folder; refusing it")
        os.chmod(folder, 0o700)
    return folder


def serving(data_dir: str | os.PathLike) -> str | None:
    """The URL of a live server of ``data_dir`` (its ``server.json``, confirmed by a health
    check that answers with the same instance), or ``None``."""
    path = datadir.resolve(data_dir) / SERVER_FILE
    try:
        record = json.loads(path.read_text())
        url = record["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(url, str) or not url.startswith(("http://127.0.0.1:", "http://localhost:")):
        return None  # only ever a loopback emulator
    try:
        with urllib.request.urlopen(f"{url}/_emulator/health", timeout=2) as resp:  # noqa: S310
            health = json.loads(resp.read())
    except (OSError, ValueError, http.client.HTTPException):
        return None
    if health.get("status") == "ok" and health.get("instance") == record.get("instance"):
        return url
    return None


def _seeded(data_dir: str | os.PathLike) -> Path:
    """The data folder, its database created and seeded with the demo organization if new."""
    from bill_emulator.backend import EmulatorBackend

    folder = datadir.prepare(data_dir)
    EmulatorBackend(folder).close()  # creates the schema, seeds a new world, upgrades an old one
    return folder


def _copy(source: Path, target: Path, *, single_file: bool = False) -> None:
    from bill_emulator.store import Store

    try:
        Store.copy_database(source, target, single_file=single_file)
    except ValueError as err:
        raise SnapshotError(f"{err}: not an emulator snapshot") from None


def save(data_dir: str | os.PathLike, name: str, *, overwrite: bool = False) -> Snapshot:
    """Save the world of ``data_dir`` as snapshot ``name`` (safe while a server serves it)."""
    check_name(name)
    folder = _seeded(data_dir)
    snaps = _folder(folder, create=True)
    target = snaps / f"{name}{SUFFIX}"
    if target.exists() and not overwrite:
        raise SnapshotError(f"snapshot {name!r} exists already ({target}); use --force to replace")
    tmp = snaps / f".{name}.{os.getpid()}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.close(os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only from birth
    try:
        _copy(folder / datadir.DB_NAME, tmp, single_file=True)  # one file, no -wal beside it
        os.chmod(tmp, 0o600)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return _describe(target)


def restore(data_dir: str | os.PathLike, name: str) -> Snapshot:
    """Put snapshot ``name`` back as the world of ``data_dir``; refused while a server serves it."""
    check_name(name)
    folder = datadir.resolve(data_dir)
    source = folder / SNAPSHOT_DIR / f"{name}{SUFFIX}"
    if not source.is_file():
        known = ", ".join(s.name for s in list_snapshots(data_dir)) or "none"
        raise SnapshotError(f"no snapshot {name!r} in {folder / SNAPSHOT_DIR} (saved: {known})")
    url = serving(folder)
    if url is not None:
        raise SnapshotError(
            f"a server is serving {folder} at {url}: stop it first (nothing was stopped or "
            "changed), then restore"
        )
    folder = datadir.prepare(folder)
    _copy(source, folder / datadir.DB_NAME)
    return _describe(source)


def list_snapshots(data_dir: str | os.PathLike) -> list[Snapshot]:
    folder = datadir.resolve(data_dir) / SNAPSHOT_DIR
    if not folder.is_dir():
        return []
    found = [
        _describe(path)
        for path in folder.iterdir()
        if path.suffix == SUFFIX and NAME.fullmatch(path.stem) and path.is_file()
    ]
    return sorted(found, key=lambda s: s.name)


def _describe(path: Path) -> Snapshot:
    info = path.stat()
    return Snapshot(
        name=path.name.removesuffix(SUFFIX),
        path=path,
        size=info.st_size,
        saved=datetime.fromtimestamp(info.st_mtime, UTC),
    )


def reset(data_dir: str | os.PathLike) -> str:
    """Put ``data_dir`` back to the freshly seeded demo organization (the clock back on the
    world's own timeline, limits kept). A live server of it is reset over HTTP (``POST
    /_emulator/reset``) so its caches stay right; returns what was done."""
    from bill_emulator import seed
    from bill_emulator.backend import EmulatorBackend

    url = serving(data_dir)
    if url is not None:
        reset_url(url, seed.DEV_KEY)
        return f"reset the server at {url}"
    folder = datadir.prepare(data_dir)
    backend = EmulatorBackend(folder)
    try:
        backend.reset()
    finally:
        backend.close()
    return f"reset {folder}"


def reset_url(url: str, dev_key: str) -> None:
    """``POST /_emulator/reset`` on the emulator at ``url`` (never a BILL host)."""
    from bill_emulator.testing import refuse_production

    refuse_production(url)
    req = urllib.request.Request(  # noqa: S310 - checked above: not BILL
        url.rstrip("/") + "/_emulator/reset", data=b"", method="POST", headers={"devKey": dev_key}
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            resp.read()
    except urllib.error.HTTPError as err:
        raise SnapshotError(
            f"{url} refused the reset: HTTP {err.code} {err.read().decode('utf-8', 'replace')}"
        ) from None
    except (OSError, http.client.HTTPException) as err:
        raise SnapshotError(f"no emulator answered at {url}: {err}") from None
