from __future__ import annotations

import argparse
import json

from server.cli.commands.common import instance
from server.cli.output import CliError, emit_json


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("call", help="run one skill by hand (same validation and path as MCP)")
    parser.add_argument("skill")
    parser.add_argument("--args", default="{}", metavar="JSON", help='arguments as a JSON object, e.g. \'{"id": 3}\'')
    parser.set_defaults(handler=call)


async def call(args: argparse.Namespace) -> int:
    try:
        arguments = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise CliError(f"--args is not valid JSON ({exc.msg} at position {exc.pos}); pass an object like '{{}}'") \
            from exc
    if not isinstance(arguments, dict):
        raise CliError("--args must be a JSON object, e.g. '{\"limit\": 5}'")
    async with instance(args) as app:
        result = await app.executor.call(args.skill, arguments, caller="cli")
    if not result.ok:
        raise CliError("; ".join(part.strip() for part in result.message.splitlines() if part.strip()), code=1)
    emit_json(result.output)
    return 0
