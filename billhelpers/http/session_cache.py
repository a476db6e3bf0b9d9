"""
billhelpers.http.session_cache
~~~~~~~~~~~~~~~~~

The session cache: one owner-only JSON file shared by every notebook kernel of this user.

Why: BILL allows 200 logins an hour per devKey and sessions live 35 idle minutes, so each
chapter (a new kernel) should reuse the last live session instead of logging in again, and the
remembered MFA device (``rememberMeId`` + ``device``, valid 30 days) should survive restarts.
The file holds secrets, so: it lives outside the repository (``BILL_CACHE_DIR``, default
``~/.cache/billhelpers``), the folder is ``0700`` and the file ``0600``, writes are atomic
(temp file + ``os.replace``) and read-modify-write runs under an exclusive ``flock`` so two
kernels cannot lose each other's update.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

try:  # POSIX; on Windows the cache still works, just without the cross-process lock
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

FILE_NAME = "sessions.json"
LOCK_NAME = "sessions.lock"


def cache_key(identity: str, dev_key: str | None) -> str:
    """A stable key for one environment/org/user/devKey; hashed so the file names no one."""
    material = identity + "|" + hashlib.sha256((dev_key or "").encode()).hexdigest()
    return hashlib.sha256(material.encode()).hexdigest()[:32]


class SessionCache:
    """Entries keyed by :func:`cache_key`; each is a dict such as ``{"sessionId", "userId",
    "trusted", "savedAt", "rememberMeId", "device"}``."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = own_folder(Path(directory).expanduser())
        self.path = self.directory / FILE_NAME
        self._checked = False

    def __repr__(self) -> str:
        return f"SessionCache({str(self.directory)!r})"

    def _prepare(self) -> None:
        if self._checked:
            return
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.directory, 0o700)
        if _inside_git_checkout(self.directory):
            warnings.warn(
                f"BILL_CACHE_DIR {self.directory} is inside a git checkout; session secrets "
                "could be committed. Point BILL_CACHE_DIR outside the repository.",
                stacklevel=3,
            )
        self._checked = True

    @contextlib.contextmanager
    def _locked(self):
        self._prepare()
        if fcntl is None:
            yield
            return
        fd = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _read_all(self) -> dict:
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
            return data if isinstance(data, dict) else {}
        except (FileNotFoundError, json.JSONDecodeError, OSError):
            return {}

    def _write_all(self, data: dict) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".sessions-", suffix=".tmp", dir=self.directory)
        try:
            os.fchmod(fd, 0o600) if hasattr(os, "fchmod") else None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def get(self, key: str) -> dict:
        """The entry for ``key`` (``{}`` if none)."""
        with self._locked():
            return dict(self._read_all().get(key) or {})

    def update(self, key: str, **fields) -> dict:
        """Merge ``fields`` into the entry (``None`` deletes a field); returns the new entry."""
        with self._locked():
            data = self._read_all()
            entry = dict(data.get(key) or {})
            for name, value in fields.items():
                if value is None:
                    entry.pop(name, None)
                else:
                    entry[name] = value
            entry["savedAt"] = time.time()
            data[key] = entry
            self._write_all(data)
            return dict(entry)

    def forget(self, key: str, *fields: str) -> None:
        """Remove some fields of an entry, or the whole entry when no field is named."""
        with self._locked():
            data = self._read_all()
            if key not in data:
                return
            if fields:
                for name in fields:
                    data[key].pop(name, None)
            else:
                del data[key]
            self._write_all(data)


def own_folder(directory: Path) -> Path:
    """``directory`` itself when it is new or already this user's owner-only folder; else an
    owner-only subfolder of it (``billhelpers-<uid>``).

    Why: ``BILL_CACHE_DIR`` may name an existing shared folder (``/tmp``, a team share);
    making that folder ``0700`` would lock its other users out, and leaving it as it is would
    put secrets in a folder others can list. The subfolder is ours alone.
    """
    try:
        info = directory.stat()
    except FileNotFoundError:
        return directory
    except OSError:
        return directory
    getuid = getattr(os, "getuid", None)
    mine = getuid is None or info.st_uid == getuid()
    if mine and not info.st_mode & 0o077:
        return directory
    return directory / f"billhelpers-{getuid() if getuid else 'user'}"


def _inside_git_checkout(path: Path) -> bool:
    return any((parent / ".git").exists() for parent in (path, *path.parents))
