"""
bill_emulator.store.objects
~~~~~~~~~~~~~~~~~~~~~~~~~~~

BILL's documents (vendors, bills, bank accounts, payments) and each payment's life.
"""

from __future__ import annotations

from bill_emulator import _json
from bill_emulator.store.base import StoreBase
from bill_emulator.store.schema import _NEVER_NULL, _SQL_OPS, _after, _expr, _kind, _prefix_end


class ObjectsTables(StoreBase):
    """BILL's documents (vendors, bills, bank accounts, payments) and each payment's life."""

    # -- objects (vendors, bills, bank accounts, payments) ------------------------------------

    def next_seq(self, kind: str) -> int:
        """Allocate the next sequence number for ``kind`` (inside the caller's transaction)."""
        row = self._one(
            "INSERT INTO counters (kind, next) VALUES (?, 2) ON CONFLICT (kind)"
            " DO UPDATE SET next = next + 1 RETURNING next - 1",
            (kind,),
        )
        return row[0]

    def reserve_seqs(self, kind: str, count: int) -> int:
        """Allocate ``count`` consecutive sequence numbers for ``kind``; return the first."""
        row = self._one(
            "INSERT INTO counters (kind, next) VALUES (?1, ?2 + 1) ON CONFLICT (kind)"
            " DO UPDATE SET next = next + ?2 RETURNING next - ?2",
            (kind, count),
        )
        return row[0]

    def insert_objects(self, kind: str, org_id: str, rows: list[tuple[str, int, str]]) -> None:
        """Insert many ``(id, seq, doc as JSON text)`` rows at once (seeding: one
        ``executemany``)."""
        self._conn().executemany(
            "INSERT INTO objects (id, kind, org_id, seq, doc) VALUES (?, ?, ?, ?, ?)",
            ((obj_id, kind, org_id, seq, doc) for obj_id, seq, doc in rows),
        )

    def insert_object(self, *, kind: str, org_id: str, obj_id: str, seq: int, doc: dict) -> None:
        self._run(
            "INSERT INTO objects (id, kind, org_id, seq, doc) VALUES (?, ?, ?, ?, ?)",
            (obj_id, kind, org_id, seq, _json.dumps(doc).decode()),
        )

    def update_object(self, obj_id: str, doc: dict) -> None:
        self._run(
            "UPDATE objects SET doc = ? WHERE id = ?",
            (_json.dumps(doc).decode(), obj_id),
        )

    def get_object(self, kind: str, org_id: str, obj_id: str) -> dict | None:
        row = self._one(
            "SELECT doc FROM objects WHERE id = ? AND kind = ? AND org_id = ?",
            (obj_id, kind, org_id),
        )
        return _json.loads(row[0]) if row else None

    def object_owner(self, obj_id: str) -> tuple[str, str] | None:
        """``(kind, org_id)`` of a stored object (webhook events name the organization)."""
        row = self._one("SELECT kind, org_id FROM objects WHERE id = ?", (obj_id,))
        return (row[0], row[1]) if row else None

    def list_objects(
        self,
        kind: str,
        org_id: str,
        *,
        conditions: list[tuple[str, str, object]],
        sort: list[tuple[str, bool]],
        limit: int,
        offset: int = 0,
    ) -> list[dict]:
        """Documents of ``kind`` matching every condition, ordered, one page.

        ``conditions`` are ``(json_path, op, value)`` with op in eq/ne/lt/lte/gt/gte/in/nin/sw;
        ``sort`` is ``[(json_path, ascending)]``; creation order breaks ties.
        """
        rows = self.page_objects(
            kind, org_id, conditions=conditions, sort=sort, limit=limit, offset=offset
        )
        return [doc for doc, _ in rows]

    def page_objects(
        self,
        kind: str,
        org_id: str,
        *,
        conditions: list[tuple[str, str, object]],
        sort: list[tuple[str, bool]],
        limit: int,
        offset: int = 0,
        after: list | None = None,
        backwards: bool = False,
    ) -> list[tuple[dict, list]]:
        """Like :meth:`list_objects`, each document with its key (its sort values, then
        ``seq``). ``after``: only rows whose key comes after this one (keyset paging);
        ``backwards``: walk the order in reverse (rows before ``after``, nearest first)."""
        where = [f"kind = {_kind(kind)}", "org_id = ?"]
        params: list[object] = [org_id]
        for path, op, value in conditions:
            column = _expr(path)
            if op in _SQL_OPS:
                where.append(f"{column} {_SQL_OPS[op]} ?")
                params.append(value)
            elif op in ("in", "nin"):
                marks = ", ".join("?" for _ in value)
                negate = "NOT " if op == "nin" else ""
                where.append(f"{column} {negate}IN ({marks})")
                params += value
            elif op == "sw":
                where.append(f"{column} >= ?")  # the index range; substr decides
                params.append(value)
                end = _prefix_end(value)
                if end is not None:
                    where.append(f"{column} < ?")
                    params.append(end)
                where.append(f"substr({column}, 1, ?) = ?")
                params += [len(value), value]
            else:  # pragma: no cover - the backend validates operators first
                raise ValueError(op)
        keys = [(_expr(path), path, asc != backwards) for path, asc in sort]
        keys.append(("seq", "seq", not backwards))
        if after is not None:
            if len(after) != len(keys):
                raise ValueError("page key does not fit this sort")
            sql, path, asc = keys[0]
            first = after[0]
            if first is not None and (asc or path in _NEVER_NULL or path == "seq"):
                where.append(f"{sql} {'>=' if asc else '<='} ?")  # redundant: lets the index in
                params.append(first)
            columns = [(*key, value) for key, value in zip(keys, after, strict=True)]
            where.append(_after(columns, params))
        order = ", ".join(f"{sql} {'ASC' if asc else 'DESC'}" for sql, _, asc in keys)
        selected = ", ".join(sql for sql, _, _ in keys)
        sql = (
            f"SELECT doc, {selected} FROM objects"  # noqa: S608 - literals checked, values bound
            f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        params += [limit, offset]
        return [(_json.loads(row[0]), list(row[1:])) for row in self._all_rows(sql, tuple(params))]

    def due_objects(
        self, kind: str, path: str, day: str, *, after_seq: int, limit: int
    ) -> list[tuple[str, int, dict]]:
        """``(org_id, seq, doc)`` of every organization's documents of ``kind`` whose ``path``
        (a date) is on or before ``day``, in creation order after ``after_seq`` (the test clock is
        shared by all organizations; recurring bills come due on it)."""
        rows = self._all_rows(
            f"SELECT org_id, seq, doc FROM objects WHERE kind = {_kind(kind)}"  # noqa: S608
            f" AND seq > ? AND {_expr(path)} <= ? ORDER BY seq LIMIT ?",
            (after_seq, day, limit),
        )
        return [(row[0], row[1], _json.loads(row[2])) for row in rows]

    # -- payment life (bill_emulator.backend.lifecycle) ---------------------------------------

    def set_life(self, payment_id: str, org_id: str, seq: int, next_day: str) -> None:
        """Note the day a payment's next status change is due (replacing any earlier note)."""
        self._run(
            "INSERT INTO payment_life (payment_id, org_id, seq, next_day) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (payment_id) DO UPDATE SET next_day = excluded.next_day",
            (payment_id, org_id, seq, next_day),
        )

    def set_lives(self, rows) -> None:
        """Many new lives at once: ``(payment_id, org_id, seq, next_day)`` rows (seeding)."""
        self._conn().executemany(
            "INSERT INTO payment_life (payment_id, org_id, seq, next_day) VALUES (?, ?, ?, ?)",
            rows,
        )

    def end_life(self, payment_id: str) -> None:
        self._run("DELETE FROM payment_life WHERE payment_id = ?", (payment_id,))

    def due_lives(self, day: str, limit: int = 500) -> list[tuple[str, str, str]]:
        """``(payment_id, org_id, next_day)`` due on or before ``day``, earliest first."""
        return self._all_rows(
            "SELECT payment_id, org_id, next_day FROM payment_life WHERE next_day <= ?"
            " ORDER BY next_day, seq LIMIT ?",
            (day, limit),
        )

    def life_day(self, payment_id: str) -> str | None:
        row = self._one("SELECT next_day FROM payment_life WHERE payment_id = ?", (payment_id,))
        return row[0] if row else None
