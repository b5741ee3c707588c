"""Entry point of the ``pilothouse`` console script.

Heavy imports (the MCP SDK, provider SDKs) happen inside the commands that need
them, so ``pilothouse version`` and a cold ``serve`` start stay fast.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from server.cli import commands
from server.cli.output import CliError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pilothouse", description="Operate a modular business backend over MCP.")
    parser.add_argument("--db", help="SQLite database file or postgresql:// URL (default: $PILOTHOUSE_DB or the user"
                        " data directory)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in commands.REGISTRY:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr,  # stdout is the MCP protocol on stdio
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        result = args.handler(args)
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        return int(result or 0)
    except CliError as exc:
        sys.stderr.write(f"pilothouse: {exc}\n")
        return exc.code
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
