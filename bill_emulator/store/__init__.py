"""bill_emulator.store
~~~~~~~~~~~~~~~~~~~~~~~~~~

The emulator's SQLite store: schema, connections, transactions, and every SQL statement.

Why SQLite: every notebook kernel, test process and benchmark shares one organization through
the data directory, so state must live on disk and be safe under concurrent writers. WAL mode lets
readers run while one writer commits; writes take ``BEGIN IMMEDIATE`` so two processes never
deadlock upgrading a read lock; a busy timeout absorbs short waits. Within one process a lock
serialises writers first, so threads never spin in SQLite's busy handler (which sleeps in
milliseconds and would cost throughput).

Resources (vendors, bills, bank accounts, payments) are JSON documents in one ``objects`` table.
List filters and sorts run in SQL through ``json_extract``, so the backend expresses them as
abstract conditions and this module alone turns them into SQL. Money inside documents is integer
cents, never floats.

Indexed queries (issue 19: a call must cost the same in an organization of 100,000 objects as in
an empty one). ``_INDEXED`` lists partial indexes on ``(org_id, json_extract(doc, path)..., seq)``
``WHERE kind = '<kind>'``, one per field BILL documents as filterable and the kit filters on:

- vendor ``name`` (the tutorial looks its vendor up by name before creating it), ``archived``;
- bill ``vendorId`` + ``invoice.invoiceNumber`` (the invoice-number uniqueness check on every
  bill create and PATCH), ``vendorId`` alone (the composite index would leave a vendor's bills
  out of creation order, so the planner would rather scan), ``invoice.invoiceNumber``,
  ``paymentStatus``, ``dueDate``, ``archived``;
- payment ``billId`` (``billPayments[0].billId``), ``vendorId``, ``status`` and
  ``transactionNumber`` (how a client finds a payment after an uncertain POST);
- bank account ``status``;
- every kind's ``createdTime`` and ``updatedTime`` (sorted lists).

Partial, so inserting a bill maintains only the bill indexes; ``seq`` last, so an equality filter
comes back already in the default order (creation order) and a page stops after ``max + 1`` rows;
for a sort field the index order is the sort order. The planner matches an index only to the very
same expression, so paths and kinds are written into the SQL as literals (checked against a strict
pattern; they come from the backend's field tables, never from a request) and values are bound.
``sw`` is a range on the index plus the exact ``substr`` test. ``ne``/``nin`` and filters on other
fields scan the kind's rows, as before. Get by id uses the primary key; ids and sequence numbers
come from ``counters``.

Paging is by key, not ``OFFSET``: a page token carries the sort values and ``seq`` of the row
before its page (see ``backend.listing``), and the next page is "rows after that key", a range on
the same index, so page 1,000 costs what page 1 does. The key comparison is exact for missing
(NULL) values; a redundant range bound on the first sort column lets the planner use the index.
Tokens with only an offset (made before schema 2) still work, by ``OFFSET``.

Schema versions: 1 had no field indexes; opening a version-1 data directory builds them (once, in
the opening transaction) and records version 2. A data directory of a newer version is refused
with a message rather than used by code that does not know its schema.

The package: ``schema`` (tables, indexes, shared SQL), ``base`` (connections, transactions, the
control row), and one module per table group: ``accounts``, ``objects``, ``bookkeeping``,
``webhooks``, ``files`` (uploaded bytes). :class:`Store` is all of them; it stays the only code
that speaks SQL.
"""

from __future__ import annotations

from bill_emulator.store.accounts import AccountsTables
from bill_emulator.store.base import StoreBase
from bill_emulator.store.bookkeeping import BookkeepingTables
from bill_emulator.store.files import FilesTables
from bill_emulator.store.objects import ObjectsTables
from bill_emulator.store.schema import (
    CALLS_KEEP,
    DB_NAME,
    KINDS,
    REQUEST_LOG_KEEP,
    SCHEMA_VERSION,
)
from bill_emulator.store.webhooks import WebhookTables

__all__ = ("CALLS_KEEP", "DB_NAME", "KINDS", "REQUEST_LOG_KEEP", "SCHEMA_VERSION", "Store")


class Store(
    AccountsTables, ObjectsTables, BookkeepingTables, WebhookTables, FilesTables, StoreBase
):
    """One SQLite database in ``data_dir``; one cached connection per thread.

    Methods use the calling thread's connection, so calls made inside ``with store.write():``
    belong to that transaction and roll back together on error.
    """
