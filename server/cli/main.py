"""Entry point of the ``pilothouse`` console script.

Heavy imports (the MCP SDK, provider SDKs) happen inside the commands that need
them, so ``pilothouse version`` and a cold ``serve`` start stay fast.

The garbage collector is off while the commands are imported and the arguments parsed: start-up
builds only objects that live as long as the process (modules, pydantic models, skill
definitions, ~100,000 of them), so each collection then walks a growing heap and frees nothing
(~170 ms of a cold ``serve``: `python -X importtime` and gc.callbacks show it). ``serve`` keeps it
off until its surface is built and frozen (server/cli/commands/serve.py).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Sequence

from server.cli.output import CliError, for_cli

DB_HELP = "SQLite database file or postgresql:// URL (default: $PILOTHOUSE_DB or the user data directory)"
VERBOSE_HELP = "log debug details to stderr"


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command, or only ``serve`` when the command line names it: a host starts ``serve`` for every
    session, and the other commands' modules and subparsers are ~40 ms it never uses."""
    parser = argparse.ArgumentParser(prog="pilothouse", description="Operate a modular business backend over MCP.")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    if command == "serve":
        from server.cli.commands import serve

        serve.register(sub)
    else:
        from server.cli.commands import registry

        for register in registry():
            register(sub)
    _accept_globals_anywhere(sub)
    return parser


def named_command(argv: Sequence[str]) -> str | None:
    """The command a command line names, when only the global options precede it as written in full."""
    words = iter(argv)
    for word in words:
        if word == "--db":
            next(words, None)
        elif word not in ("-v", "--verbose") and not word.startswith("--db="):
            return None if word.startswith("-") else word
    return None


def _accept_globals_anywhere(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pilothouse serve --db X` works like `pilothouse --db X serve`: every command takes the global options.

    SUPPRESS keeps a value given before the command unless one is given after it too.
    """
    for parser in set(sub.choices.values()):
        parser.add_argument("--db", default=argparse.SUPPRESS, help=DB_HELP)
        parser.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=VERBOSE_HELP)
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                _accept_globals_anywhere(action)


def main(argv: Sequence[str] | None = None) -> int:
    collecting = gc.isenabled()
    gc.disable()
    try:
        words = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(named_command(words)).parse_args(words)
    except BaseException:
        if collecting:
            gc.enable()
        raise
    # A command that builds much more before it works (serve) turns the collector on itself once that is
    # done and frozen: turned on here, its first collection would walk all of the above (~70 ms).
    if collecting and not getattr(args, "collector_off_until_ready", False):
        gc.enable()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr,  # stdout is the MCP protocol on stdio
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from server.telemetry import setup as telemetry  # not at the top: it loads pydantic, which main imports GC-off

    telemetry.from_env()  # OTEL_* set: traces and metrics (server/telemetry/); unset: nothing is loaded
    try:
        result = args.handler(args)
        if asyncio.iscoroutine(result):
            import anyio

            # Under anyio.run, as the SDK runs its own servers: anyio then knows its event loop from a
            # context variable instead of sniffing for it at every checkpoint (~0.1 ms of an HTTP call).
            coroutine = result
            result = anyio.run(lambda: coroutine)
        return int(result or 0)
    except CliError as exc:
        sys.stderr.write("pilothouse: " + for_cli(str(exc)).replace("\n", "\n  ") + "\n")
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`pilothouse skills list | head`): not an error of ours. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
