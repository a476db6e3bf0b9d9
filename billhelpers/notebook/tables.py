"""
billhelpers.notebook.tables
~~~~~~~~~~~~~~~~~~

Listings as pandas DataFrames with readable columns, exact money and real dates.

Why not ``pd.DataFrame(records)``: that gives nested dicts in cells, money as float (a column of
``0.1 + 0.2`` sums to ``0.30000000000000004``) and dates as strings that sort wrongly once a
year changes. Here money stays :class:`~decimal.Decimal` (object column; ``sum()`` is exact),
dates become :class:`datetime.date` and times tz-aware timestamps. pandas is imported only
when a table is built, so ``import billhelpers`` stays fast.
"""

from __future__ import annotations

import datetime as _dt
import html
from decimal import Decimal

from billhelpers.masking import mask_bank_number


def _get(record: dict, dotted: str):
    value = record
    for part in dotted.split("."):
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _money(value):
    return None if value is None else Decimal(str(value))


def _date(value):
    if value in (None, ""):
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _bank(value):
    return None if value in (None, "") else mask_bank_number(value)


def _bill_ids(record):
    ids = [bp.get("billId") for bp in record.get("billPayments") or [] if bp.get("billId")]
    return ", ".join(ids) if ids else record.get("billId")


#: kind → [(column title, source field or callable, converter)].
COLUMNS = {
    "vendors": [
        ("ID", "id", None),
        ("Name", "name", None),
        ("Account type", "accountType", None),
        ("Email", "email", None),
        ("Country", "address.country", None),
        ("Payee", "paymentInformation.payeeName", None),
        ("Bank account", "paymentInformation.bankAccount.accountNumber", _bank),
        ("Archived", "archived", None),
        ("Created", "createdTime", "time"),
    ],
    "bills": [
        ("ID", "id", None),
        ("Vendor ID", "vendorId", None),
        ("Invoice #", "invoice.invoiceNumber", None),
        ("Invoice date", "invoice.invoiceDate", _date),
        ("Due date", "dueDate", _date),
        ("Amount", "amount", _money),
        ("Due amount", "dueAmount", _money),
        ("Payment status", "paymentStatus", None),
        ("Approval status", "approvalStatus", None),
        ("Archived", "archived", None),
        ("Created", "createdTime", "time"),
    ],
    "banks": [
        ("ID", "id", None),
        ("Bank", "bankName", None),
        ("Name on account", "nameOnAccount", None),
        ("Account", "accountNumber", _bank),
        ("Routing", "routingNumber", _bank),
        ("Type", "type", None),
        ("Status", "status", None),
        ("Default for payables", "default.payables", None),
        ("Archived", "archived", None),
    ],
    "payments": [
        ("ID", "id", None),
        ("Bill ID", _bill_ids, None),
        ("Vendor ID", "vendorId", None),
        ("Amount", "amount", _money),
        ("Process date", "processDate", _date),
        ("Status", "status", None),
        ("Single status", "singleStatus", None),
        ("Transaction #", "transactionNumber", None),
        ("Confirmation #", "confirmationNumber", None),
        ("Created", "createdTime", "time"),
    ],
}


def to_frame(records, kind: str | None = None):
    """A DataFrame of ``records`` (list of dicts, or a list ApiResponse) for ``kind`` in
    ``vendors``, ``bills``, ``banks``, ``payments``; without ``kind``, flattened as is."""
    import pandas as pd  # lazy: pandas takes ~0.5 s to import

    if hasattr(records, "data"):
        records = records.data
    if isinstance(records, dict):
        records = records.get("results", [records])
    records = list(records or [])
    if kind is None:
        return pd.json_normalize(records)
    if kind not in COLUMNS:
        raise ValueError(f"kind must be one of {', '.join(COLUMNS)}, not {kind!r}")
    rows, times = [], []
    for record in records:
        row = {}
        for title, source, convert in COLUMNS[kind]:
            value = source(record) if callable(source) else _get(record, source)
            if convert == "time":
                times.append(title)
            elif convert is not None:
                value = convert(value)
            row[title] = value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[c[0] for c in COLUMNS[kind]])
    for title in set(times):
        frame[title] = pd.to_datetime(frame[title], utc=True, format="ISO8601")
    for title, _, convert in COLUMNS[kind]:
        if convert in (_money, _date):
            frame[title] = frame[title].astype(object)
    return frame


# -- display helpers the chapters use next to their tables ------------------------------------
def with_vendor_names(frame, vendors):
    """A copy of a bills/payments DataFrame with a "Vendor" name column after "Vendor ID"."""
    names = {v["id"]: v.get("name") for v in vendors}
    frame = frame.copy()
    columns = list(frame.columns)
    position = columns.index("Vendor ID") + 1 if "Vendor ID" in columns else 0
    frame.insert(position, "Vendor", frame["Vendor ID"].map(names))
    return frame


def side_by_side(**frames):
    """DataFrames next to each other, each under its title (an HTML display object)."""
    from IPython.display import HTML

    parts = []
    for title, frame in frames.items():
        table = frame.to_html(index=False, border=0) if len(frame) else "<p><i>none</i></p>"
        parts.append(
            "<div style='flex:1 1 0;min-width:16em'>"
            f"<h4 style='margin:.2em 0'>{html.escape(title)}</h4>{table}</div>"
        )
    return HTML(
        f"<div style='display:flex;gap:1.5em;align-items:flex-start'>{''.join(parts)}</div>"
    )
