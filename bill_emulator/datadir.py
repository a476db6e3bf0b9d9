"""bill_emulator.datadir
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Where an emulator keeps its data, made owner-only: folder ``0700``, files ``0600``.

Why: the SQLite database holds full vendor account numbers, devKeys and live MFA tokens, and
``server.json`` says where to reach the server; on a shared machine other users must read none of
it (issue 15), as with the client's session cache.

Why a subfolder sometimes: the emulator must not ``chmod`` a folder that is not its own. The
given folder is used as it is when it is new (created here), already private to this user, or
holds nothing but the emulator's own files (a data folder from an earlier version: tightened).
Any other existing folder (owned by someone else, or shared, with other content: ``/tmp``, a team
folder) gets a private subfolder ``bill-emulator-<uid>`` inside it, which must be a real folder
of this user's own (a symlink or someone else's folder there is refused, not used).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

#: The files an emulator writes into its data folder (the SQLite database, its WAL and shared
#: memory, the server record and its temporary twin).
DB_NAME = "emulator.sqlite3"
OWN_FILES = (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", "server.json")


def _uid() -> int | None:
    return os.getuid() if hasattr(os, "getuid") else None


def _own_only(entries: list[str]) -> bool:
    return all(name in OWN_FILES or name.startswith(".server.json.") for name in entries)


def _subfolder(parent: Path) -> Path:
    return parent / f"bill-emulator-{_uid() if _uid() is not None else 'user'}"


def resolve(data_dir: str | os.PathLike) -> Path:
    """The folder the emulator really uses for ``data_dir`` (no side effects).

    The same answer in every process, so servers and launchers agree on ``server.json``.
    """
    path = Path(data_dir).expanduser().resolve()
    try:
        info = path.stat()
    except FileNotFoundError:
        return path
    if not stat.S_ISDIR(info.st_mode):
        raise NotADirectoryError(f"emulator data dir {path} is not a folder")
    if _is_ours(path, info):
        return path
    return _subfolder(path)


def _is_ours(path: Path, info: os.stat_result) -> bool:
    uid = _uid()
    if uid is not None and info.st_uid != uid:
        return False
    if uid is None or not stat.S_IMODE(info.st_mode) & 0o077:
        return True  # already private to this user
    try:
        return _own_only(os.listdir(path))
    except OSError:
        return False


def prepare(data_dir: str | os.PathLike) -> Path:
    """Create or tighten the data folder of ``data_dir`` and return it (see the module doc)."""
    path = resolve(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = os.lstat(path)
    uid = _uid()
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        raise PermissionError(f"emulator data dir {path} is not a plain folder; refusing it")
    if uid is not None and info.st_uid != uid:
        raise PermissionError(f"emulator data dir {path} belongs to another user; refusing it")
    os.chmod(path, 0o700)
    # Create the database owner-only before SQLite does (SQLite gives its WAL and shared-memory
    # files the database's mode), and tighten files an earlier version left readable.
    os.close(os.open(path / DB_NAME, os.O_RDWR | os.O_CREAT, 0o600))
    for name in OWN_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path / name, 0o600)
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, owner-only (a temp file, then ``os.replace``)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
