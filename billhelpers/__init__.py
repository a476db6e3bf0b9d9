"""billhelpers: a small client for BILL's v3 AP API, and a local BILL sandbox."""

from billhelpers._version import __version__

__all__ = ("__version__",)
