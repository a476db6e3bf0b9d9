"""bill_emulator.cli
~~~~~~~~~~~~~~~~~~~~~~~

``bill-emulator``: the console command installed with the kit (``[project.scripts]``).

Subcommands: ``serve`` (what ``python -m bill_emulator`` does; that stays an alias of it),
``reset``, ``snapshot save|restore|list``. Each ``--help`` reads like a manual page: what it
does, each option, examples, the files it touches and the environment it reads.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap

from bill_emulator.backend.clock import parse_start
from bill_emulator.backend.profiles import NAMES as PROFILE_NAMES
from bill_emulator.backend.profiles import PROFILES
from bill_emulator.backend.report import CHECK_IDS
from bill_emulator.cli_commands import (
    FRESH_ORG_FILE,
    PROG,
    check_lines,
    run_report,
    run_reset,
    run_serve,
    run_snapshot_list,
    run_snapshot_restore,
    run_snapshot_save,
)
from bill_emulator.launcher import START_ENV

DATA_DIR_ENV = "BILL_EMULATOR_DATA_DIR"
DEFAULT_DATA_DIR = "~/.cache/billhelpers/emulator"


def _text(block: str) -> str:
    return textwrap.dedent(block).strip("\n")


_FILES = _text(
    f"""
    files:
      DATA_DIR/emulator.sqlite3      the world: organizations, vendors, bills, payments, the
                                     clock, limits, queued faults, the request log (SQLite, WAL)
      DATA_DIR/server.json           written by a serving emulator: its url, pid and instance
      DATA_DIR/snapshots/NAME.sqlite3  snapshots saved by '{PROG} snapshot save NAME'
      DATA_DIR/{FRESH_ORG_FILE}  credentials written by 'serve --fresh-org'
    Everything is owner-only (folder 0700, files 0600): the database holds devKeys and vendor
    account numbers. A DATA_DIR shared with others (/tmp) gets a private subfolder
    bill-emulator-UID inside it.
    """
)

_ENVIRONMENT = _text(
    f"""
    environment:
      {DATA_DIR_ENV}   the data folder when --data-dir is not given
                               (default {DEFAULT_DATA_DIR})
      {START_ENV}      a new world's first day, yyyy-MM-dd (serve --start)
    """
)

_DESCRIPTION = _text(
    """
    A local, stateful emulator of BILL's v3 Accounts Payable API (paths under /v3/, JSON, the
    devKey and sessionId headers, MFA, rate limits, payments that move through their days) with
    its own controls under /_emulator/ (clock, faults, request log, reset). Use it to learn the
    API, and to test your own integration without touching BILL: it never talks to BILL, and
    refuses BILL's hosts wherever a URL is given.

    The demo organization of .env.example is seeded into every new data folder: username
    demo@example.com, password demo-password-1, organization 00801DEMOORG00000001, devKey
    01DEMODEVKEY0000000000000000000000. These open only the emulator.

    For tests, the kit also installs a pytest plugin: a test that asks for the 'bill_emulator'
    fixture gets a fresh organization of its own (see docs/testing-your-integration.md).
    """
)

_EXAMPLES = _text(
    f"""
    examples:
      {PROG} serve --port 8765                  # http://127.0.0.1:8765, demo organization
      {PROG} serve --start 2026-06-18 --data-dir ./bill-world
      {PROG} snapshot save course-start         # keep the world as it is now
      {PROG} snapshot restore course-start      # and come back to it (server stopped)
      {PROG} reset                              # back to the freshly seeded demo world
    """
)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32, width=100)


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR,
        metavar="DIR",
        help=f"folder for the SQLite data and server.json (default: ${DATA_DIR_ENV} or "
        f"{DEFAULT_DATA_DIR})",
    )


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1, loopback only; "
        "use 0.0.0.0 only if you mean to expose the emulator to your network)",
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default 0: any free port)"
    )
    _data_dir_option(parser)
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
    parser.add_argument(
        "--fault-profile",
        choices=PROFILE_NAMES,
        default=None,
        metavar="NAME",
        help="BILL's failures on purpose, from the first call: "
        + "; ".join(f"{name}: {what}" for name, (what, _) in PROFILES.items())
        + " (GET/POST/DELETE /_emulator/fault-profile changes it while serving)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="the fault profile's seed, a whole number (default 0): the same calls meet the "
        "same failures on every run",
    )


SERVE_DESCRIPTION = _text(
    """
    Serve the local BILL emulator: an emulator of BILL's v3 Accounts Payable API (paths under
    /v3/, JSON, devKey and sessionId headers) with its own controls under /_emulator/. State is
    kept in SQLite in the data directory and seeded with the demo organization of .env.example
    on first start. Prints 'BILL emulator listening on http://HOST:PORT' as its first line and
    serves until interrupted (Ctrl-C or SIGTERM: a clean stop that removes server.json).
    """
)

SERVE_EXAMPLES = _text(
    f"""
    examples:
      {PROG} serve                               # any free port; the URL is printed
      {PROG} serve --port 8765 --start 2026-06-18
      {PROG} serve --fresh-org --data-dir ./world  # plus a bare organization's credentials
      {PROG} serve --fault-profile lost-answers --seed 7   # answers lost, the same each run
      python -m bill_emulator --port 8765          # the same command, without the script
    """
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog="\n\n".join((_EXAMPLES, _FILES, _ENVIRONMENT)),
        formatter_class=_Formatter,
    )
    commands = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        title="commands",
        description=f"'{PROG} COMMAND --help' tells more about each",
    )

    serve = commands.add_parser(
        "serve",
        help="serve the emulator until interrupted",
        description=SERVE_DESCRIPTION,
        epilog="\n\n".join((SERVE_EXAMPLES, _FILES, _ENVIRONMENT)),
        formatter_class=_Formatter,
    )
    add_serve_options(serve)
    serve.set_defaults(run=run_serve)

    reset = commands.add_parser(
        "reset",
        help="put a data folder back to the freshly seeded demo organization",
        description=_text(
            """
            Put a data folder back to the freshly seeded demo organization: every other
            organization, vendor, bill, payment, session, queued fault and logged request is
            deleted; the clock goes back to the world's own timeline (a pinned --start stays);
            limits are kept. Snapshots are kept.

            When a server is serving the folder (its server.json names it and its health check
            answers) the server is reset over HTTP (POST /_emulator/reset), so it forgets
            what it cached; otherwise the database is reset directly. With --url, the emulator
            at that URL is reset instead (never a BILL host: refused outright).
            """
        ),
        epilog="\n\n".join(
            (
                _text(
                    f"""
                    examples:
                      {PROG} reset
                      {PROG} reset --data-dir ./world
                      {PROG} reset --url http://127.0.0.1:8765
                    """
                ),
                _FILES,
                _ENVIRONMENT,
            )
        ),
        formatter_class=_Formatter,
    )
    _data_dir_option(reset)
    reset.add_argument(
        "--url",
        help="reset the emulator serving at this URL (its demo devKey opens the control) "
        "instead of a data folder; BILL's own hosts are refused",
    )
    reset.add_argument(
        "--dev-key",
        default=None,
        help="with --url: a devKey of that emulator (default: the demo organization's)",
    )
    reset.set_defaults(run=run_reset)

    card = commands.add_parser(
        "report",
        help="the report card of a client's calls to a serving emulator",
        description=_text(
            f"""
            Print the report card of the calls one organization made to a serving emulator
            since its last reset or fault-profile change (GET /_emulator/report): each check
            passes, fails with its evidence, or says n/a when the run gave it nothing to judge.
            Exit status 0 when no check failed, 1 when one did.

            checks:
            {check_lines()}

            The emulator is the one serving --data-dir (its server.json), or --url. The
            organization is the one of --dev-key (default: the demo organization's).
            """
        ),
        epilog="\n\n".join(
            (
                _text(
                    f"""
                    examples:
                      {PROG} report
                      {PROG} report --check paid-twice --check backoff
                      {PROG} report --url http://127.0.0.1:8765 --json
                    """
                ),
                _FILES,
                _ENVIRONMENT,
            )
        ),
        formatter_class=_Formatter,
    )
    _data_dir_option(card)
    card.add_argument("--url", help="the emulator serving at this URL (BILL's hosts refused)")
    card.add_argument(
        "--dev-key", default=None, help="the organization's devKey (default: the demo one)"
    )
    card.add_argument(
        "--check",
        action="append",
        choices=CHECK_IDS,
        metavar="ID",
        help=f"only this check (repeatable): {', '.join(CHECK_IDS)}",
    )
    card.add_argument("--json", action="store_true", help="print the JSON instead of the table")
    card.set_defaults(run=run_report)

    snapshot = commands.add_parser(
        "snapshot",
        help="save, restore or list named snapshots of the whole world",
        description=_text(
            """
            Named snapshots of a data folder's whole world: every organization with its
            vendors, bills, payments, sessions and MFA state, the clock, limits, queued faults
            and the request log. A course or a test suite can prepare an organization once,
            save it, and start every run from it.

            save NAME      copy the database with SQLite's backup API: consistent even while a
                           server is serving the folder (--force replaces an existing NAME)
            restore NAME   put NAME back as the folder's world. Refused while a server is
                           serving the folder: stop it first (restore stops nothing)
            list           the saved snapshots: name, size, when saved (UTC)

            NAME: letters, digits, '.', '_' and '-', at most 64, starting with a letter or
            digit.
            """
        ),
        epilog="\n\n".join(
            (
                _text(
                    f"""
                    examples:
                      {PROG} snapshot save before-payrun
                      {PROG} snapshot list
                      {PROG} snapshot restore before-payrun --data-dir ./world
                    """
                ),
                _FILES,
                _ENVIRONMENT,
            )
        ),
        formatter_class=_Formatter,
    )
    _data_dir_option(snapshot)
    actions = snapshot.add_subparsers(dest="action", metavar="ACTION", title="actions")
    save = actions.add_parser("save", help="save the world as NAME", formatter_class=_Formatter)
    save.add_argument("name", metavar="NAME")
    save.add_argument("--force", action="store_true", help="replace a snapshot of that name")
    restore = actions.add_parser(
        "restore", help="put snapshot NAME back (server stopped)", formatter_class=_Formatter
    )
    restore.add_argument("name", metavar="NAME")
    listing = actions.add_parser("list", help="list the snapshots", formatter_class=_Formatter)
    for sub in (save, restore, listing):
        sub.add_argument(
            "--data-dir",
            default=argparse.SUPPRESS,
            metavar="DIR",
            help="as 'snapshot --data-dir' (either place works)",
        )
    save.set_defaults(run=run_snapshot_save)
    restore.set_defaults(run=run_snapshot_restore)
    listing.set_defaults(run=run_snapshot_list)
    snapshot.set_defaults(run=lambda args: _usage(snapshot))
    return parser


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


# -- the commands ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    from bill_emulator.snapshots import SnapshotError
    from bill_emulator.testing import ProductionRefused

    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _usage(parser)
    try:
        return args.run(args)
    except (SnapshotError, ProductionRefused, PermissionError, NotADirectoryError) as err:
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
