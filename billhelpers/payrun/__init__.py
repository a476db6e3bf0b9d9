"""
billhelpers.payrun
~~~~~~~~~~~~~~~~~~

A weekly payment run: unpaid bills from an accounting export to a checked, paid, audited batch.

Why a package of its own: each step has one job and can be tested without BILL. ``exports``
reads a QuickBooks Online or Xero CSV into exact rows; ``matching`` finds each row's vendor;
``plan`` is the dry run (what would be created, what already exists). Nothing here sends a call
until the caller asks for it.
"""

from billhelpers.payrun.exports import ExportError, ExportRow, read_export
from billhelpers.payrun.matching import VendorMatch, match_vendor, normalise_name
from billhelpers.payrun.plan import PlanRow, build_plan

__all__ = (
    "ExportError",
    "ExportRow",
    "PlanRow",
    "VendorMatch",
    "build_plan",
    "match_vendor",
    "normalise_name",
    "read_export",
)
