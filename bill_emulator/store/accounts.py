"""
bill_emulator.store.accounts
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Organizations, users and dev keys, sessions, MFA challenges and remembered devices.
"""

from __future__ import annotations

from bill_emulator.store.base import StoreBase


class AccountsTables(StoreBase):
    """Organizations, users and dev keys, sessions, MFA challenges and remembered devices."""

    # -- organizations, users, dev keys -------------------------------------------------------

    def insert_org(self, org_id: str, name: str) -> None:
        self._run("INSERT INTO orgs (id, name) VALUES (?, ?)", (org_id, name))

    def org_exists(self, org_id: str) -> bool:
        return self._one("SELECT 1 FROM orgs WHERE id = ?", (org_id,)) is not None

    def insert_dev_key(self, key: str, org_id: str) -> None:
        self._run("INSERT INTO dev_keys (key, org_id) VALUES (?, ?)", (key, org_id))

    def dev_key_org(self, key: str) -> str | None:
        row = self._one("SELECT org_id FROM dev_keys WHERE key = ?", (key,))
        return row[0] if row else None

    def insert_user(self, *, user_id: str, org_id: str, email: str, salt: bytes, hash_: bytes):
        self._run(
            "INSERT INTO users (id, org_id, email, password_salt, password_hash)"
            " VALUES (?, ?, ?, ?, ?)",
            (user_id, org_id, email, salt, hash_),
        )

    def user_by_email(self, org_id: str, email: str) -> dict | None:
        return self._dict(
            "SELECT id, password_salt AS salt, password_hash AS hash FROM users"
            " WHERE org_id = ? AND lower(email) = lower(?)",
            (org_id, email),
        )

    def org_name(self, org_id: str) -> str | None:
        row = self._one("SELECT name FROM orgs WHERE id = ?", (org_id,))
        return row[0] if row else None

    def user_email(self, org_id: str, user_id: str) -> str | None:
        """The e-mail of a user of ``org_id`` (``None`` when the organization has no such
        user): approval policies name their approvers by it."""
        row = self._one("SELECT email FROM users WHERE id = ? AND org_id = ?", (user_id, org_id))
        return row[0] if row else None

    # -- sessions -----------------------------------------------------------------------------

    def insert_session(self, *, id_hash, org_id, user_id, dev_key, trusted, now_ms) -> None:
        self._run(
            "INSERT INTO sessions (id_hash, org_id, user_id, dev_key, trusted, created_ms,"
            " last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (id_hash, org_id, user_id, dev_key, int(trusted), now_ms, now_ms),
        )

    def session(self, id_hash: str) -> dict | None:
        return self._dict(
            "SELECT org_id, user_id, dev_key, trusted, last_seen_ms, ended FROM sessions"
            " WHERE id_hash = ?",
            (id_hash,),
        )

    def touch_session(self, id_hash: str, now_ms: int) -> None:
        self._run("UPDATE sessions SET last_seen_ms = ? WHERE id_hash = ?", (now_ms, id_hash))

    def end_session(self, id_hash: str) -> None:
        self._run("UPDATE sessions SET ended = 1 WHERE id_hash = ?", (id_hash,))

    def trust_session(self, id_hash: str) -> None:
        self._run("UPDATE sessions SET trusted = 1 WHERE id_hash = ?", (id_hash,))

    # -- MFA ----------------------------------------------------------------------------------

    def insert_challenge(self, *, challenge_id, session_hash, user_id, token, now_ms) -> None:
        self._run(
            "INSERT INTO challenges (id, session_hash, user_id, token, created_ms)"
            " VALUES (?, ?, ?, ?, ?)",
            (challenge_id, session_hash, user_id, token, now_ms),
        )

    def challenges_since(self, user_id: str, since_ms: int) -> int:
        row = self._one(
            "SELECT count(*) FROM challenges WHERE user_id = ? AND created_ms > ?",
            (user_id, since_ms),
        )
        return row[0]

    def challenge(self, challenge_id: str) -> dict | None:
        return self._dict(
            "SELECT session_hash, user_id, token, created_ms, used FROM challenges WHERE id = ?",
            (challenge_id,),
        )

    def use_challenge(self, challenge_id: str) -> None:
        self._run("UPDATE challenges SET used = 1 WHERE id = ?", (challenge_id,))

    def wrong_try(self, challenge_id: str, max_tries: int) -> None:
        """Count a wrong token; the challenge is used up after ``max_tries``."""
        self._run(
            "UPDATE challenges SET wrong_tries = wrong_tries + 1,"
            " used = (wrong_tries + 1 >= ?) WHERE id = ?",
            (max_tries, challenge_id),
        )

    def outbox(self, org_id: str | None = None, limit: int = 50) -> list[tuple[str, str, int]]:
        """The newest challenges, of ``org_id``'s users only when given."""
        if org_id is None:
            return self._all_rows(
                "SELECT id, token, created_ms FROM challenges ORDER BY created_ms DESC,"
                " rowid DESC LIMIT ?",
                (limit,),
            )
        return self._all_rows(
            "SELECT c.id, c.token, c.created_ms FROM challenges c JOIN users u"
            " ON u.id = c.user_id WHERE u.org_id = ? ORDER BY c.created_ms DESC, c.rowid DESC"
            " LIMIT ?",
            (org_id, limit),
        )

    def insert_remembered(self, *, id_hash, user_id, device, machine_name, now_ms, expires_ms):
        self._run(
            "INSERT INTO remembered (id_hash, user_id, device, machine_name, created_ms,"
            " expires_ms) VALUES (?, ?, ?, ?, ?, ?)",
            (id_hash, user_id, device, machine_name, now_ms, expires_ms),
        )

    def remembered(self, id_hash: str) -> dict | None:
        return self._dict(
            "SELECT user_id, device, expires_ms FROM remembered WHERE id_hash = ?", (id_hash,)
        )
