"""bill_emulator.__main__
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``python -m bill_emulator``: serve the local BILL emulator until interrupted; an alias of
``bill-emulator serve`` (:mod:`bill_emulator.cli`), with the same options.
"""

from __future__ import annotations

import argparse
import sys

from bill_emulator.cli import (  # noqa: F401 - kept importable from here
    DEFAULT_DATA_DIR,
    SERVE_DESCRIPTION,
    SERVE_EXAMPLES,
    add_serve_options,
)
from bill_emulator.cli_commands import (  # noqa: F401 - kept importable from here
    FRESH_ORG_FILE,
    run_serve,
    write_fresh_org,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bill_emulator",
        description=SERVE_DESCRIPTION + "\n\nThe same as 'bill-emulator serve'.",
        epilog=SERVE_EXAMPLES + "\n\nSee 'bill-emulator --help' for reset and snapshots.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_serve_options(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_serve(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
