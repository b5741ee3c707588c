"""`pilothouse call SKILL --args JSON`: operate any skill by hand, through the same executor as MCP.

The meta-tools work too (`pilothouse call search_skills --args '{"query": "overdue invoices"}'`),
with the same validation as over MCP.

An approve-level call (irreversible, or it reaches people outside) and a person's decision (approving
a request, changing trust) run only once the person said yes: `--yes`, or `"confirm": true` in --args
(typed at the command line, no model in between, unlike MCP), or answering the question asked on a
terminal. With no terminal to ask on (a script), the executor refuses it with what to pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from server import idempotency
from server.cli.commands.common import instance
from server.cli.files import write_file
from server.cli.output import CliError, emit_json
from server.confirmation import Confirmation, ConfirmRequest
from server.manifest.meta_specs import NAMES as META_TOOLS
from server.manifest.meta_tools import MetaTools
from skills import ErrorKind, Preview
from skills.contract import CONFIRM_FIELD


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("call", help="run one skill or meta-tool by hand (same validation and path as MCP)")
    parser.add_argument("skill", help="a skill name (pilothouse skills list) or search_skills, describe_skill, "
                                      "execute_read_skill, execute_skill")
    parser.add_argument("--args", default="{}", metavar="JSON", help='arguments as a JSON object, e.g. \'{"id": 3}\'')
    parser.add_argument("--yes", action="store_true",
                        help='confirm an approve-trust skill without being asked (the same as "confirm": true)')
    parser.add_argument("--idempotency-key", metavar="KEY",
                        help="a key of your own for this call: run again with the same key, it prints the first "
                             "result and does nothing twice (a retry after a timeout sends no second email)")
    parser.add_argument("--out", type=Path, metavar="FILE",
                        help="write the file the skill returns (an invoice PDF, say) to FILE")
    parser.add_argument("--dry-run", action="store_true",
                        help="only say what the call would do (who receives what, which records change); nothing "
                             "runs")
    parser.set_defaults(handler=call)


async def call(args: argparse.Namespace) -> int:
    try:
        arguments = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise CliError(f"--args is not valid JSON ({exc.msg} at position {exc.pos}); pass an object like '{{}}'") \
            from exc
    if not isinstance(arguments, dict):
        raise CliError("--args must be a JSON object, e.g. '{\"limit\": 5}'")

    # A person at the terminal: --yes (or confirm: true in the arguments they typed) is their yes.
    confirm = confirmer(args.yes or arguments.get(CONFIRM_FIELD) is True)
    async with instance(args) as app:
        key = args.idempotency_key
        if args.skill in META_TOOLS:
            result = await MetaTools(app).call(args.skill, arguments, caller="cli", confirm=confirm,
                                               idempotency_key=key)
        elif args.dry_run:
            result = await app.executor.call(args.skill, arguments, caller="cli", dry_run=True)
        else:
            result = await idempotency.guarded(app, key, args.skill, arguments, lambda: app.executor.call(
                args.skill, arguments, caller="cli", confirm=confirm))
        if result.ok and args.out is not None:
            await write_file(app, result.output, args.out)
    if not result.ok:
        if result.message.startswith("declined:"):
            raise CliError(f"not confirmed: {result.skill} was not run and nothing was changed", code=1)
        message = "\n".join(part.strip() for part in result.message.splitlines() if part.strip())
        if result.error_kind is ErrorKind.APPROVAL_REQUIRED:
            message += " From the command line: add --yes once you are sure."
        raise CliError(message, code=1)
    if args.dry_run and result.output is not None:  # a person reads it: in words, with the records concerned
        sys.stdout.write(Preview.model_validate(result.output).text(limit=50) + "\n(dry run: nothing was done)\n")
        return 0
    emit_json(result.output)
    if result.note:  # the answer is on stdout; that it went unlogged is said beside it
        sys.stderr.write(f"pilothouse: {result.note}\n")
    return 0


def confirmer(yes: bool) -> Callable[[ConfirmRequest], Awaitable[Confirmation]]:
    """How the terminal says yes to an approve-trust skill: --yes, or the person's answer."""

    async def confirm(request: ConfirmRequest) -> Confirmation:
        if yes:
            return Confirmation("confirmed", via="cli --yes")
        if not sys.stdin.isatty():
            return Confirmation("unavailable")  # a script: the refusal says to add --yes
        return Confirmation("confirmed", via="terminal") if _ask(request.message) else Confirmation("declined")

    return confirm


def _ask(message: str) -> bool:
    """Put the question to the person at the terminal; False without one (or on anything but yes)."""
    if not sys.stdin.isatty():
        return False
    # The question goes to stderr: stdout carries only the skill's JSON output.
    sys.stderr.write(f"{message}\nGo ahead? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
