"""
bill_emulator.store.webhooks
~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Webhook subscriptions, idempotency keys and the event outbox.
"""

from __future__ import annotations

from bill_emulator import _json
from bill_emulator.store.base import StoreBase


class WebhookTables(StoreBase):
    """Webhook subscriptions, idempotency keys and the event outbox."""

    # -- webhook subscriptions, idempotency keys, events (backend.webhooks) -------------------

    def insert_subscription(self, *, sub_id, org_id, seq, doc, security_key) -> None:
        """The key is kept in clear: the emulator must sign with it (BILL must too)."""
        self._run(
            "INSERT INTO subscriptions (id, org_id, seq, doc, security_key) VALUES (?, ?, ?, ?, ?)",
            (sub_id, org_id, seq, _json.dumps(doc).decode(), security_key),
        )

    def subscription(self, org_id: str, sub_id: str) -> dict | None:
        row = self._one(
            "SELECT doc FROM subscriptions WHERE id = ? AND org_id = ?", (sub_id, org_id)
        )
        return _json.loads(row[0]) if row else None

    def subscriptions(self, org_id: str, *, limit: int = 1000, offset: int = 0) -> list[dict]:
        rows = self._all_rows(
            "SELECT doc FROM subscriptions WHERE org_id = ? ORDER BY seq LIMIT ? OFFSET ?",
            (org_id, limit, offset),
        )
        return [_json.loads(row[0]) for row in rows]

    def has_subscriptions(self) -> bool:
        return self._one("SELECT 1 FROM subscriptions LIMIT 1") is not None

    def update_subscription(self, sub_id: str, doc: dict) -> None:
        self._run(
            "UPDATE subscriptions SET doc = ? WHERE id = ?", (_json.dumps(doc).decode(), sub_id)
        )

    def set_security_key(self, sub_id: str, security_key: str) -> None:
        self._run("UPDATE subscriptions SET security_key = ? WHERE id = ?", (security_key, sub_id))

    def security_key(self, sub_id: str) -> str | None:
        row = self._one("SELECT security_key FROM subscriptions WHERE id = ?", (sub_id,))
        return row[0] if row else None

    def delete_subscription(self, sub_id: str) -> None:
        self._run("DELETE FROM subscriptions WHERE id = ?", (sub_id,))
        self._run("UPDATE events SET next_ms = NULL WHERE subscription_id = ?", (sub_id,))

    def idempotent_answer(self, org_id: str, op: str, key: str, since_ms: int):
        """``(body_hash, response_json)`` of a key used since ``since_ms``, else ``None``."""
        row = self._one(
            "SELECT body_hash, response FROM idempotency WHERE org_id = ? AND op = ? AND key = ?"
            " AND created_ms >= ?",
            (org_id, op, key, since_ms),
        )
        return (row[0], _json.loads(row[1])) if row else None

    def save_idempotent_answer(self, *, org_id, op, key, body_hash, response, now_ms) -> None:
        self._run(
            "INSERT OR REPLACE INTO idempotency (org_id, op, key, body_hash, response,"
            " created_ms) VALUES (?, ?, ?, ?, ?, ?)",
            (org_id, op, key, body_hash, _json.dumps(response).decode(), now_ms),
        )

    def insert_event(
        self, *, event_id, sub_id, org_id, type_, version, entity_id, payload, now_ms, due_ms=None
    ) -> None:
        """A new event, first due at ``due_ms`` (default: at once)."""
        due = now_ms if due_ms is None else due_ms
        self._run(
            "INSERT INTO events (id, subscription_id, org_id, type, version, entity_id, payload,"
            " created_ms, next_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (event_id, sub_id, org_id, type_, version, entity_id, payload, now_ms, due),
        )

    def event(self, sub_id: str, event_id: str) -> dict | None:
        return self._dict(
            "SELECT seq, id, subscription_id, org_id, type, version, entity_id, payload,"
            " created_ms, status_code, attempts, next_ms FROM events"
            " WHERE subscription_id = ? AND id = ?",
            (sub_id, event_id),
        )

    def events(
        self,
        sub_id: str,
        *,
        entity_id=None,
        since_ms=None,
        until_ms=None,
        after_seq: int = 0,
        limit: int = 20,
        ascending: bool = True,
    ) -> list[dict]:
        where, params = ["subscription_id = ?"], [sub_id]
        for clause, value in (
            ("entity_id = ?", entity_id),
            ("created_ms >= ?", since_ms),
            ("created_ms <= ?", until_ms),
        ):
            if value is not None:
                where.append(clause)
                params.append(value)
        if after_seq:
            where.append("seq > ?" if ascending else "seq < ?")
            params.append(after_seq)
        order = "ASC" if ascending else "DESC"
        clauses = " AND ".join(where)  # fixed clauses; every value is a parameter
        sql = (
            "SELECT seq, id, subscription_id, type, version, payload, created_ms, status_code"  # noqa: S608
            " FROM events WHERE " + clauses + " ORDER BY seq " + order + " LIMIT ?"
        )
        rows = self._all_rows(sql, (*params, limit))
        return [dict(row) for row in rows]

    def claim_events(
        self,
        now_ms: int,
        *,
        real_ms: int,
        lease_ms: int,
        owner: str,
        skip: tuple[str, ...] = (),
        limit: int = 200,
    ) -> list[dict]:
        """Due events of enabled subscriptions, oldest first, each leased to ``owner`` until
        ``real_ms + lease_ms`` (call inside ``write()``). The lease is on real time, not the
        emulator's clock: a clock moved during a delivery must not make a leased event due
        again for another process (issue 23: it was posted twice). Events of the subscriptions
        in ``skip`` (busy in this process) are left for later."""
        marks = ",".join("?" * len(skip))
        rows = self._all_rows(
            "SELECT e.seq, e.id, e.subscription_id, e.payload, e.attempts, e.next_ms, s.doc,"  # noqa: S608
            " s.security_key FROM events e JOIN subscriptions s ON s.id = e.subscription_id"
            " WHERE e.next_ms IS NOT NULL AND e.next_ms <= ?"
            " AND (e.lease_until_real IS NULL OR e.lease_until_real <= ?)"
            " AND json_extract(s.doc, '$.status.enabled') = 1"
            + (f" AND e.subscription_id NOT IN ({marks})" if skip else "")
            + " ORDER BY e.seq LIMIT ?",
            (now_ms, real_ms, *skip, limit),
        )
        claimed = []
        for row in rows:
            self._run(
                "UPDATE events SET lease_owner = ?, lease_until_real = ? WHERE seq = ?",
                (owner, real_ms + lease_ms, row[0]),
            )
            item = dict(row)
            item["lease_owner"], item["leased_until"] = owner, real_ms + lease_ms
            item["subscription"] = _json.loads(item.pop("doc"))
            claimed.append(item)
        return claimed

    def event_attempted(self, event: dict, *, status_code: int | None, next_ms: int | None) -> bool:
        """Record one delivery attempt of a claimed ``event``; ``next_ms`` ``None`` means no
        further attempt. Only the lease's owner records (a lease that ran out and was taken by
        another process is not overwritten); a resend queued while the attempt was in flight
        (``next_ms`` changed since the claim) is kept. True when recorded."""
        cur = self._conn().execute(
            "UPDATE events SET status_code = ?, attempts = attempts + 1,"
            " next_ms = CASE WHEN next_ms = ? THEN ? ELSE next_ms END,"
            " lease_owner = NULL, lease_until_real = NULL WHERE seq = ? AND lease_owner = ?",
            (status_code, event["next_ms"], next_ms, event["seq"], event["lease_owner"]),
        )
        return cur.rowcount == 1

    def release_events(self, seqs: list[int], owner: str) -> None:
        """Give back claimed events not attempted (their lease would run out first)."""
        self._conn().executemany(
            "UPDATE events SET lease_owner = NULL, lease_until_real = NULL"
            " WHERE seq = ? AND lease_owner = ?",
            ((seq, owner) for seq in seqs),
        )

    def stop_events(self, sub_id: str) -> None:
        """No further delivery attempts for this subscription's events (it was disabled)."""
        self._run("UPDATE events SET next_ms = NULL WHERE subscription_id = ?", (sub_id,))

    def queue_event_again(self, sub_id: str, event_id: str, now_ms: int) -> None:
        """Due again at ``now_ms`` (kept when ``next_ms`` is that already: one less than it
        then, so an attempt in flight sees the change and keeps it)."""
        self._run(
            "UPDATE events SET next_ms = CASE WHEN next_ms = ? THEN ? - 1 ELSE ? END,"
            " attempts = 0 WHERE subscription_id = ? AND id = ?",
            (now_ms, now_ms, now_ms, sub_id, event_id),
        )

    def hasten_event(self, sub_id: str, event_id: str, now_ms: int) -> bool:
        """A held-back event never attempted, not due yet and not leased: due at ``now_ms``.
        True when it was."""
        cur = self._conn().execute(
            "UPDATE events SET next_ms = ? WHERE subscription_id = ? AND id = ? AND attempts = 0"
            " AND next_ms > ? AND lease_owner IS NULL",
            (now_ms, sub_id, event_id, now_ms),
        )
        return cur.rowcount == 1

    def next_event_ms(self) -> int | None:
        row = self._one("SELECT min(next_ms) FROM events WHERE next_ms IS NOT NULL")
        return row[0] if row else None
