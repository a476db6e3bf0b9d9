"""bill_emulator.cli_commands
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

What each ``bill-emulator`` subcommand does once :mod:`bill_emulator.cli` has read its options:
serve, reset, report and the snapshots.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading

from bill_emulator.backend.report import CHECK_IDS, TITLES

PROG = "bill-emulator"
#: Where ``--fresh-org`` writes the new organization's credentials (owner-only).
FRESH_ORG_FILE = "fresh-organization.json"


def run_serve(args: argparse.Namespace) -> int:
    from bill_emulator.server import EmulatorServer

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # before the URL is out: a clean stop
    server = EmulatorServer(args.data_dir, host=args.host, port=args.port, start=args.start).start()
    if args.fault_profile:  # before the URL is out: no call escapes it
        server.app.backend.set_fault_profile({"name": args.fault_profile, "seed": args.seed})
    print(f"BILL emulator listening on {server.url}", flush=True)  # first line: launchers read it
    if args.fault_profile:
        print(f"Fault profile {args.fault_profile}, seed {args.seed}", flush=True)
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


def run_reset(args: argparse.Namespace) -> int:
    from bill_emulator import seed, snapshots

    if args.url:
        snapshots.reset_url(args.url, args.dev_key or seed.DEV_KEY)
        print(f"reset the emulator at {args.url}")
        return 0
    print(snapshots.reset(args.data_dir))
    return 0


def check_lines() -> str:
    return "\n            ".join(f"{c:<20} {TITLES[c]}" for c in CHECK_IDS)


def run_report(args: argparse.Namespace) -> int:
    from bill_emulator import seed, snapshots
    from bill_emulator.testing import EmulatorControlError, _Control, refuse_production

    url = args.url or snapshots.serving(args.data_dir)
    if url is None:
        print(
            f"{PROG}: error: no emulator is serving {args.data_dir}: start one with "
            f"'{PROG} serve' or give --url",
            file=sys.stderr,
        )
        return 1
    control = _Control(refuse_production(url).rstrip("/"), args.dev_key or seed.DEV_KEY)
    query = "?check=" + ",".join(args.check) if args.check else ""
    try:
        card = control("GET", "/_emulator/report" + query)
    except EmulatorControlError as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(card, indent=1))
    else:
        profile = card.get("faultProfile")
        under = f" under {profile['name']} (seed {profile['seed']})" if profile else ""
        print(f"Report card: organization {card['organizationId']}, {card['calls']} calls{under}")
        print(card["table"])
    return 1 if card["passed"] is False else 0


def run_snapshot_save(args: argparse.Namespace) -> int:
    from bill_emulator import snapshots

    snap = snapshots.save(args.data_dir, args.name, overwrite=args.force)
    print(f"saved snapshot {snap.name}: {snap.path} ({snap.size:,} bytes)")
    return 0


def run_snapshot_restore(args: argparse.Namespace) -> int:
    from bill_emulator import snapshots

    snap = snapshots.restore(args.data_dir, args.name)
    print(f"restored snapshot {snap.name} into {snap.path.parent.parent}")
    return 0


def run_snapshot_list(args: argparse.Namespace) -> int:
    from bill_emulator import snapshots

    found = snapshots.list_snapshots(args.data_dir)
    if not found:
        print("no snapshots")
        return 0
    width = max(len(s.name) for s in found)
    for snap in found:
        saved = snap.saved.strftime("%Y-%m-%d %H:%M:%S UTC")
        print(f"{snap.name:<{width}}  {snap.size:>12,} bytes  {saved}")
    return 0
