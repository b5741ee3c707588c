"""`pilothouse config`: every setting in force, with where it came from (secrets masked).

The process's variables (server/settings.py, the one place that reads them), then each module's
settings: its declared default, the process variable it names, or what `pilothouse modules
configure` stored (server/module_settings.py). `--process` lists only the variables and opens no
database.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.errors import ConfigError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("config", help="every setting in force and where it came from (secrets masked)")
    parser.add_argument("--process", action="store_true", help="only the process's variables (no database)")
    add_json_flag(parser)
    parser.set_defaults(handler=show)


async def show(args: argparse.Namespace) -> int:
    from server import settings
    from server.module_settings import listing

    try:
        process = [asdict(s) for s in settings.listing()]
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    modules: list[dict[str, Any]] = []
    if not args.process:
        async with instance(args) as app:
            for module in app.registry.modules.values():
                stored = await app.modules.stored_settings(module.id)
                modules += [{"name": f"{s.module}.{s.name}", "value": s.value, "source": s.source,
                             "description": s.description} for s in listing(module, stored)]
    if args.json:
        emit_json({"process": process, "modules": modules})
        return 0
    table(process, ["name", "value", "source", "description"])
    if modules:
        line()
        table(modules, ["name", "value", "source", "description"])
        line("\nchange a module's: pilothouse modules configure MODULE KEY=VALUE; the process's: its variable")
    return 0
