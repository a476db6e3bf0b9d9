"""The benchmark's measures: each ``run(opts)`` returns a JSON-ready dict with ``status``."""
