#!/usr/bin/env python3
"""Write a large unpaid-bills export for the payment run (benchmarks, and to try the chapter big).

    .venv/bin/python scripts/make_payrun_export.py --format qbo --bills 1000 --vendors 200 out.csv

The file has the shape ``billhelpers.payrun.exports`` reads (QuickBooks Online's Unpaid Bills
or Xero's Aged Payables Detail). Values are deterministic for a given ``--seed``, so a benchmark
can re-run the same file and expect nothing new.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

HEADERS = {
    "qbo": [
        "",
        "Date",
        "Transaction type",
        "Num",
        "Due date",
        "Past due",
        "Amount",
        "Open balance",
    ],
    "xero": [
        "",
        "Invoice Date",
        "Invoice Number",
        "Invoice Reference",
        "Due Date",
        "Overdue",
        "Total",
        "Paid",
        "Credited",
        "Due",
    ],
}
TITLES = {
    "qbo": ["Unpaid Bills", "Demo Organization", "All Dates", ""],
    "xero": ["Aged Payables Detail", "Demo Organization", "As at 1 Dec 2026", ""],
}


def bills(n_bills: int, n_vendors: int, seed: int, start: dt.date):
    """(vendor, [(number, invoice date, due date, amount)]) per vendor, deterministic."""
    rnd = random.Random(seed)  # noqa: S311 - sample data, not secrets
    per_vendor: dict[str, list] = {f"Supplier {v:04d} LLC": [] for v in range(n_vendors)}
    names = list(per_vendor)
    for i in range(n_bills):
        invoice_date = start - dt.timedelta(days=rnd.randrange(0, 30))
        amount = Decimal(rnd.randrange(1_00, 5_000_00)) / 100
        per_vendor[names[i % n_vendors]].append(
            (f"INV-{i:06d}", invoice_date, invoice_date + dt.timedelta(days=30), amount)
        )
    return per_vendor


def write(path: Path, fmt: str, per_vendor: dict) -> None:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        for title in TITLES[fmt]:
            out.writerow([title])
        out.writerow(HEADERS[fmt])
        for vendor, rows in per_vendor.items():
            if not rows:
                continue
            out.writerow([vendor] + [""] * (len(HEADERS[fmt]) - 1))
            total = Decimal(0)
            for number, issued, due, amount in rows:
                total += amount
                if fmt == "qbo":
                    out.writerow(
                        [
                            "",
                            f"{issued:%m/%d/%Y}",
                            "Bill",
                            number,
                            f"{due:%m/%d/%Y}",
                            "0",
                            f"{amount:,.2f}",
                            f"{amount:,.2f}",
                        ]
                    )
                else:
                    out.writerow(
                        [
                            "",
                            f"{issued.day} {issued:%b %Y}",
                            number,
                            "",
                            f"{due.day} {due:%b %Y}",
                            "",
                            f"{amount:.2f}",
                            "0.00",
                            "0.00",
                            f"{amount:.2f}",
                        ]
                    )
            out.writerow([f"Total for {vendor}"] + [""] * (len(HEADERS[fmt]) - 2) + [f"{total}"])
        out.writerow(["TOTAL"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--format", choices=sorted(HEADERS), default="qbo")
    parser.add_argument("--bills", type=int, default=1000)
    parser.add_argument("--vendors", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    args = parser.parse_args(argv)
    write(args.out, args.format, bills(args.bills, args.vendors, args.seed, args.start))
    print(f"wrote {args.bills} bills for {args.vendors} vendors to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
