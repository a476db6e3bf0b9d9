"""billhelpers.sandbox.__main__
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``python -m billhelpers.sandbox``: serve the local BILL sandbox until interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from billhelpers.sandbox.server import SandboxServer

DEFAULT_DATA_DIR = "~/.cache/billhelpers/sandbox"


def build_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="python -m billhelpers.sandbox",
        description=(
            "Serve the local BILL sandbox: an emulator of BILL's v3 Accounts Payable API "
            "(paths under /v3/, JSON, devKey and sessionId headers) with its own controls "
            "under /_sandbox/. State is kept in SQLite in the data directory and seeded with "
            "the demo organization of .env.example on first start. Prints "
            "'BILL sandbox listening on http://HOST:PORT' and serves until interrupted."
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1, loopback only; "
        "use 0.0.0.0 only if you mean to expose the sandbox to your network)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default 0: any free port)"
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("BILL_SANDBOX_DATA_DIR") or DEFAULT_DATA_DIR,
        help="folder for the SQLite data and server.json "
        "(default: $BILL_SANDBOX_DATA_DIR or ~/.cache/billhelpers/sandbox)",
    )
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # before the URL is out: a clean stop
    server = SandboxServer(args.data_dir, host=args.host, port=args.port).start()
    print(f"BILL sandbox listening on {server.url}", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
