"""
bill_emulator.store.files
~~~~~~~~~~~~~~~~~~~~~~~~~

The bytes of uploaded files (vendor attachments, bill documents), one row a file.

Why in SQLite and not loose files: the data directory is already owner-only and shared by every
process through this database, a reset or snapshot takes the files with the rest of the state, and
a file id never becomes a path on disk (no path to escape from). The documents that describe the
files (name, owner, size) are ordinary ``objects`` rows.
"""

from __future__ import annotations

from bill_emulator.store.base import StoreBase


class FilesTables(StoreBase):
    """The bytes of uploaded files."""

    def put_file(self, file_id: str, org_id: str, data: bytes) -> None:
        self._run(
            "INSERT INTO files (id, org_id, size, data) VALUES (?, ?, ?, ?)",
            (file_id, org_id, len(data), data),
        )

    def get_file(self, file_id: str, org_id: str) -> bytes | None:
        row = self._one("SELECT data FROM files WHERE id = ? AND org_id = ?", (file_id, org_id))
        return bytes(row[0]) if row else None

    def delete_file(self, file_id: str, org_id: str) -> None:
        self._run("DELETE FROM files WHERE id = ? AND org_id = ?", (file_id, org_id))

    def org_file_bytes(self, org_id: str) -> int:
        """How many bytes of files the organization keeps (the emulator's bound on them)."""
        row = self._one("SELECT COALESCE(SUM(size), 0) FROM files WHERE org_id = ?", (org_id,))
        return int(row[0])

    def delete_object(self, obj_id: str, org_id: str) -> None:
        """Remove a document for good (BILL deletes attachments and approval policies; everything
        else is archived)."""
        self._run("DELETE FROM objects WHERE id = ? AND org_id = ?", (obj_id, org_id))
