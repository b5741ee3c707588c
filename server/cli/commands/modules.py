from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.commands.skills import add_trust_arguments, trust_level
from server.cli.output import CliError, emit_json, line, table

AGENT = "pilot"  # the agent's module: enabling it is turning the agent on (server/agent/bootstrap.py)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("modules", help="list, inspect, enable and disable modules")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="every known module and whether it is on")
    add_json_flag(p)
    p.set_defaults(handler=list_modules)
    p = actions.add_parser("info", help="one module: skills, automations, requirements")
    p.add_argument("module")
    add_json_flag(p)
    p.set_defaults(handler=info)
    for name, fn in (("enable", enable), ("disable", disable)):
        p = actions.add_parser(name, help=f"{name} a module (idempotent; data is kept)")
        p.add_argument("module")
        p.set_defaults(handler=fn)
    p = actions.add_parser("configure", help="set module settings: KEY=VALUE ... (JSON values allowed; "
                                             "modules info ID lists them)")
    p.add_argument("module")
    p.add_argument("settings", nargs="+", metavar="KEY=VALUE")
    p.set_defaults(handler=configure)
    p = actions.add_parser("trust", help="set every skill of a module to auto|notify|approve (or --default)")
    add_trust_arguments(p, "module")
    p.set_defaults(handler=trust)


async def list_modules(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        statuses = await app.modules.statuses()
    if args.json:
        emit_json([asdict(s) for s in statuses])
        return 0
    table([asdict(s) for s in statuses], ["id", "name", "enabled", "state", "skill_count", "version", "requires"])
    for s in statuses:
        if s.problem:
            line(f"\n{s.id} ({s.state}): {s.problem}\n  fix: {s.fix}")
    return 0


async def info(args: argparse.Namespace) -> int:
    from server.module_settings import listing
    from server.tables.automations import of_module

    async with instance(args) as app:
        module = app.modules.get(args.module)
        enabled = await app.modules.is_enabled(module.id)
        automations = await of_module(app.store, module.id)
        settings = listing(module, await app.modules.stored_settings(module.id))
    data: dict[str, Any] = {
        "id": module.id, "name": module.name, "description": module.description, "version": module.version,
        "category": module.category, "enabled": enabled, "requires": list(module.requires),
        "skills": [{"name": s.name, "title": s.title, "trust": s.trust} for s in module.skills],
        "automations": automations,
        "settings": [{"name": s.name, "value": s.value, "source": s.source, "description": s.description}
                     for s in settings],
    }
    if args.json:
        emit_json(data)
        return 0
    line(f"{module.name} ({module.id}) v{module.version} - {'enabled' if enabled else 'disabled'}")
    line(module.description)
    if module.requires:
        line(f"requires: {', '.join(module.requires)}")
    line()
    table(data["skills"], ["name", "title", "trust"])
    if automations:
        line()
        table(automations, ["name", "trigger", "config", "skill", "executor", "enabled"])
    if settings:
        line()
        table(data["settings"], ["name", "value", "source", "description"])
        line(f"change one: pilothouse modules configure {module.id} KEY=VALUE")
    return 0


async def enable(args: argparse.Namespace) -> int:
    if args.module == AGENT:  # the agent is more than its module: memory, schedules, the agent-only modules
        from server.cli.commands.agent import enable as enable_agent

        line("pilot is the agent: doing what `pilothouse agent enable` does")
        return await enable_agent(argparse.Namespace(db=args.db, heartbeat=None, active_hours=None, timezone=None))
    # A refused enable (unknown module, missing requirement) is a ModuleError: instance() turns it
    # into a one-line CLI error.
    async with instance(args) as app:
        changed = await app.modules.enable(args.module)
    line(f"{args.module}: {'enabled' if changed else 'already enabled, nothing changed'}")
    return 0


async def disable(args: argparse.Namespace) -> int:
    if args.module == AGENT:
        from server.cli.commands.agent import disable as disable_agent

        line("pilot is the agent: doing what `pilothouse agent disable` does")
        return await disable_agent(argparse.Namespace(db=args.db))
    async with instance(args) as app:
        changed = await app.modules.disable(args.module)
    line(f"{args.module}: {'disabled (data kept)' if changed else 'already disabled'}")
    return 0


async def configure(args: argparse.Namespace) -> int:
    values = {}
    for pair in args.settings:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise CliError(f"expected KEY=VALUE, got {pair!r}")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    async with instance(args) as app:
        settings = await app.modules.configure(args.module, values)
    line(f"{args.module} settings: {', '.join(sorted(settings))}")
    return 0


async def trust(args: argparse.Namespace) -> int:
    from server.trust.policy import set_module_trust

    level = trust_level(args)
    async with instance(args) as app:
        changes = await set_module_trust(app, args.module, level, who="cli")
    for change in changes:
        line(f"{change.skill}: trust {change.before} -> {change.after}")
    line(f"{args.module}: {len(changes)} skill(s) changed" + ("" if changes else " (already at that level)"))
    return 0
