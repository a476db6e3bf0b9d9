"""bill_emulator.backend.classifications
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

Classifications (chart of accounts, accounting classes, departments, employees, items, jobs,
locations): one generic CRUD over the table in
:mod:`~bill_emulator.backend.classification_kinds`, and the check bills make of the
classifications their line items name.

Rules (BILL's collection for the calls, fields and bulk limit of 50; the rest assumed, see
``docs/api-fidelity.md`` CL*): the required fields of each kind; unknown fields refused; a
``parentId`` (and an item's ``chartOfAccountId``/``expenseChartOfAccountId``) names an active
classification of that kind in the organization, never the object itself nor one of its own
descendants; an archived classification cannot be edited until restored. Bulk creates and PATCHes
are all or none; bulk archive/restore take ``?ids=`` (comma-separated, at most 50). Lists take
``max``/``page``/``filters``/``sort`` as every list does (:mod:`~bill_emulator.backend.listing`).

A bill's line item whose ``classifications`` names an unknown or archived classification is
refused with the field at fault (:meth:`ClassificationsMixin.check_line_classifications`, called
by the bills module: a public-ish helper across mixins).
"""

from __future__ import annotations

from bill_emulator.backend import classification_kinds as ck
from bill_emulator.backend import ids, listing
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import InvalidState, ObjectNotFound, ValidationFailed

#: How far up a chain of parents the cycle check walks (a bound: a longer chain is refused).
MAX_DEPTH = 50


class ClassificationsMixin(BackendBase):
    # -- reads -----------------------------------------------------------------------------------

    def list_classifications(self, caller: Caller, segment: str, params: dict) -> dict:
        kind = ck.kind_of(segment)
        page = listing.fetch(self.store, kind.store, caller.org_id, params)
        page["results"] = [public(doc) for doc in page["results"]]
        return page

    def get_classification(self, caller: Caller, segment: str, obj_id: str) -> dict:
        return public(self._classification(caller, ck.kind_of(segment), obj_id))

    # -- writes ----------------------------------------------------------------------------------

    def create_classification(self, caller: Caller, segment: str, body: object) -> dict:
        kind = ck.kind_of(segment)
        doc, refs = ck.check_fields(kind, body, creating=True)
        with self.store.write():
            doc = self._insert_classification(caller, kind, doc, refs)
        return public(doc)

    def bulk_create_classifications(self, caller: Caller, segment: str, body: object) -> dict:
        """A JSON array of new objects -> ``{"<plural>": [...]}``; all or none."""
        kind = ck.kind_of(segment)
        checked = [
            ck.check_fields(kind, item, creating=True, prefix=f"[{i}].")
            for i, item in enumerate(ck.bulk_items(body))
        ]
        with self.store.write():
            created = [self._insert_classification(caller, kind, d, r) for d, r in checked]
        return {kind.plural: [public(doc) for doc in created]}

    def update_classification(
        self, caller: Caller, segment: str, obj_id: str, body: object
    ) -> dict:
        kind = ck.kind_of(segment)
        changes, refs = ck.check_fields(kind, body, creating=False)
        with self.store.write():
            doc = self._patch(caller, kind, obj_id, changes, refs, "")
        return public(doc)

    def bulk_update_classifications(self, caller: Caller, segment: str, body: object) -> dict:
        """A JSON array of ``{"id": ..., fields...}`` -> ``{"<plural>": [...]}``; all or none."""
        kind = ck.kind_of(segment)
        checked = []
        seen: set[str] = set()
        for i, item in enumerate(ck.bulk_items(body)):
            prefix = f"[{i}]."
            if not isinstance(item, dict):
                raise ValidationFailed(f"[{i}]", "must be an object")
            obj_id = item.get("id")
            if not isinstance(obj_id, str) or not obj_id:
                raise ValidationFailed(f"{prefix}id", "must name the object to update")
            if obj_id in seen:
                raise ValidationFailed(f"{prefix}id", f"{obj_id[:20]} is named twice")
            seen.add(obj_id)
            rest = {k: val for k, val in item.items() if k != "id"}
            changes, refs = ck.check_fields(kind, rest, creating=False, prefix=prefix)
            checked.append((obj_id, changes, refs, prefix))
        with self.store.write():
            docs = [self._patch(caller, kind, *entry) for entry in checked]
        return {kind.plural: [public(doc) for doc in docs]}

    def archive_classification(self, caller: Caller, segment: str, obj_id: str) -> dict:
        return self._set_classification_archived(caller, segment, [obj_id], True)[0]

    def restore_classification(self, caller: Caller, segment: str, obj_id: str) -> dict:
        return self._set_classification_archived(caller, segment, [obj_id], False)[0]

    def bulk_archive_classifications(
        self, caller: Caller, segment: str, params: dict, archived: bool
    ) -> dict:
        """``POST .../bulk/archive?ids=a,b`` (or ``/bulk/restore``): all or none."""
        kind = ck.kind_of(segment)
        found = ck.parse_ids(params, kind)
        return {kind.plural: self._set_classification_archived(caller, segment, found, archived)}

    # -- the check bills make ------------------------------------------------------------------

    def check_line_classifications(self, caller: Caller, lines: list[dict], prefix: str) -> None:
        """Refuse a line item whose ``classifications`` names an unknown or archived
        classification (``customerId`` is not checked: customers are not emulated)."""
        for index, line in enumerate(lines):
            for key, value in (line.get("classifications") or {}).items():
                kind = ck.BY_LINE_FIELD.get(key)
                if kind is None or value is None:
                    continue
                where = f"{prefix}billLineItems[{index}].classifications.{key}"
                self._active_ref(caller, kind, value, where)

    # -- internals -------------------------------------------------------------------------------

    def _classification(self, caller: Caller, kind: ck.Kind, obj_id: str) -> dict:
        doc = self.store.get_object(kind.store, caller.org_id, obj_id)
        if doc is None:
            raise ObjectNotFound(kind.title, obj_id)
        return doc

    def _active_ref(self, caller: Caller, kind: ck.Kind, obj_id: str, where: str) -> dict:
        doc = self.store.get_object(kind.store, caller.org_id, obj_id)
        if doc is None:
            raise ValidationFailed(where, f"no {kind.segment} object {obj_id} in this organization")
        if doc["archived"]:
            raise ValidationFailed(where, f"{kind.segment} object {obj_id} is archived; restore it")
        return doc

    def _check_refs(
        self, caller: Caller, kind: ck.Kind, refs: dict[str, str], own_id: str | None
    ) -> None:
        for where, ref_id in refs.items():
            if ref_id is None:
                continue
            field = where.rsplit(".", 1)[-1]
            target = ck.KINDS[kind.fields[field][1]] if field in kind.fields else kind
            if field == "parentId" and own_id is not None and ref_id == own_id:
                raise ValidationFailed(where, "cannot name the object itself")
            parent = self._active_ref(caller, target, ref_id, where)
            if field == "parentId" and own_id is not None:
                self._check_no_cycle(caller, kind, parent, own_id, where)

    def _check_no_cycle(
        self, caller: Caller, kind: ck.Kind, parent: dict, own_id: str, where: str
    ) -> None:
        """A parent may not be one of the object's own descendants."""
        doc = parent
        for _ in range(MAX_DEPTH):
            up = doc.get("parentId")
            if up is None:
                return
            if up == own_id:
                raise ValidationFailed(where, f"{parent['id']} is below this object")
            doc = self.store.get_object(kind.store, caller.org_id, up)
            if doc is None:
                return
        raise ValidationFailed(where, f"the chain of parents is deeper than {MAX_DEPTH}")

    def _insert_classification(
        self, caller: Caller, kind: ck.Kind, doc: dict, refs: dict[str, str]
    ) -> dict:
        self._check_refs(caller, kind, refs, None)
        seq = self.store.next_seq(kind.store)
        doc = {k: val for k, val in doc.items() if val is not None}
        obj_id = ids.object_id(kind.store, seq)
        return self._insert(kind.store, caller.org_id, doc, obj_id=obj_id, seq=seq)

    def _patch(
        self,
        caller: Caller,
        kind: ck.Kind,
        obj_id: str,
        changes: dict,
        refs: dict[str, str],
        prefix: str,
    ) -> dict:
        doc = self.store.get_object(kind.store, caller.org_id, obj_id)
        if doc is None:
            if prefix:
                raise ValidationFailed(f"{prefix}id", f"no {kind.segment} object {obj_id[:20]}")
            raise ObjectNotFound(kind.title, obj_id)
        if doc["archived"]:
            raise InvalidState(f"{kind.title} {obj_id} is archived; restore it before editing.")
        self._check_refs(caller, kind, refs, obj_id)
        for key, value in changes.items():
            if value is None:
                doc.pop(key, None)
            elif isinstance(value, dict) and isinstance(doc.get(key), dict):
                doc[key] = {**doc[key], **value}
            else:
                doc[key] = value
        return self._save(doc)

    def _set_classification_archived(
        self, caller: Caller, segment: str, obj_ids: list[str], archived: bool
    ) -> list[dict]:
        kind = ck.kind_of(segment)
        with self.store.write():
            docs = [self._classification(caller, kind, obj_id) for obj_id in obj_ids]
            out = []
            for doc in docs:
                if doc["archived"] != archived:
                    doc["archived"] = archived
                    doc = self._save(doc, verb="archived" if archived else "restored")
                out.append(public(doc))
        return out
