"""
billhelpers
~~~~~~~~~~~

A small client for BILL's v3 Accounts Payable API, and a local BILL emulator.

Why the lazy imports below: ``import billhelpers`` is the first cell of every notebook and
must be instant, so requests, pandas and ipywidgets load only when ``connect``, ``to_frame`` or
a form is first used. The exceptions and filter builders are light and imported eagerly.
"""

from __future__ import annotations

import importlib

from billhelpers._version import __version__
from billhelpers.config import Config
from billhelpers.exceptions import (
    AlreadyPaidError,
    BillAPIError,
    BillError,
    ConnectionProblem,
    InputError,
    MFAError,
    NotFoundError,
    ProductionGuardError,
    RateLimitError,
    ServerError,
    SessionError,
    UncertainPaymentError,
    ValidationError,
)
from billhelpers.rules.filters import sort_by, where

_LAZY = {
    "connect": ("billhelpers.client", "connect"),
    "Client": ("billhelpers.client", "Client"),
    "ApiResponse": ("billhelpers.http.response", "ApiResponse"),
    "to_frame": ("billhelpers.notebook.tables", "to_frame"),
    "CredentialsForm": ("billhelpers.notebook.forms", "CredentialsForm"),
    "MfaForm": ("billhelpers.notebook.forms", "MfaForm"),
    "PaymentConfirmation": ("billhelpers.notebook.forms", "PaymentConfirmation"),
    "BatchConfirmation": ("billhelpers.notebook.forms", "BatchConfirmation"),
}
#: Submodules a notebook reaches as ``bh.tutorial`` and the like (imported on first use).
_LAZY_MODULES = {
    "tutorial": "billhelpers.notebook.tutorial",
    "tables": "billhelpers.notebook.tables",
    "forms": "billhelpers.notebook.forms",
    "client": "billhelpers.client",
    "money": "billhelpers.rules.money",
}


def __getattr__(name: str):
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    raise AttributeError(f"module 'billhelpers' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | set(_LAZY_MODULES))


__all__ = (
    "AlreadyPaidError",
    "ApiResponse",
    "BatchConfirmation",
    "BillAPIError",
    "BillError",
    "Client",
    "Config",
    "ConnectionProblem",
    "CredentialsForm",
    "InputError",
    "MFAError",
    "MfaForm",
    "NotFoundError",
    "PaymentConfirmation",
    "ProductionGuardError",
    "RateLimitError",
    "ServerError",
    "SessionError",
    "UncertainPaymentError",
    "ValidationError",
    "__version__",
    "connect",
    "sort_by",
    "to_frame",
    "where",
)
