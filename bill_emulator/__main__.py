"""bill_emulator.__main__
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``python -m bill_emulator``: serve the local BILL emulator until interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from bill_emulator.backend.clock import parse_start
from bill_emulator.launcher import START_ENV
from bill_emulator.server import EmulatorServer

DEFAULT_DATA_DIR = "~/.cache/billhelpers/emulator"
#: Where ``--fresh-org`` writes the new organization's credentials (owner-only).
FRESH_ORG_FILE = "fresh-organization.json"


def build_parser() -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog="python -m bill_emulator",
        description=(
            "Serve the local BILL emulator: an emulator of BILL's v3 Accounts Payable API "
            "(paths under /v3/, JSON, devKey and sessionId headers) with its own controls "
            "under /_emulator/. State is kept in SQLite in the data directory and seeded with "
            "the demo organization of .env.example on first start. Prints "
            "'BILL emulator listening on http://HOST:PORT' and serves until interrupted."
        ),
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1, loopback only; "
        "use 0.0.0.0 only if you mean to expose the emulator to your network)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default 0: any free port)"
    )
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("BILL_EMULATOR_DATA_DIR") or DEFAULT_DATA_DIR,
        help="folder for the SQLite data and server.json "
        "(default: $BILL_EMULATOR_DATA_DIR or ~/.cache/billhelpers/emulator)",
    )
    parser.add_argument(
        "--fresh-org",
        action="store_true",
        help="also create a fresh organization (a user and a devKey, no MFA phone, no bank "
        f"account, as a new BILL sandbox account) and write its credentials to {FRESH_ORG_FILE} "
        "in the data directory (owner-only); the demo organization is unchanged",
    )
    parser.add_argument(
        "--start",
        type=parse_start,
        default=os.environ.get(START_ENV) or None,
        metavar="DATE",
        help="a new data directory's world starts on this day (yyyy-MM-dd, 12:00 UTC) or "
        "instant, then runs at real speed; an existing one keeps its own time "
        f"(default: ${START_ENV}, else today)",
    )
    args = parser.parse_args(argv)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # before the URL is out: a clean stop
    server = EmulatorServer(args.data_dir, host=args.host, port=args.port, start=args.start).start()
    print(f"BILL emulator listening on {server.url}", flush=True)  # first line: launchers read it
    if args.fresh_org:
        org = server.app.backend.fresh_organization({"fresh": True})
        path = write_fresh_org(server.data_dir, {**org, "url": server.url})
        # the password and devKey stay in the file: never printed
        print(f"Fresh organization {org['organizationId']} ({org['username']}): {path}", flush=True)
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def write_fresh_org(data_dir, record: dict) -> str:
    """Write ``record`` to the data directory's credentials file, readable by its owner only."""
    path = os.path.join(data_dir, FRESH_ORG_FILE)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(record, out, indent=1)
    os.chmod(path, 0o600)
    return path


if __name__ == "__main__":
    sys.exit(main())
