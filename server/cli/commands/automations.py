"""`pilothouse automations list|run-due|enable ID|disable ID`: the modules' automations, seen and run by hand.

The statements are the table owner's (server/tables/automations.py); `run-due` is one pass of the
same dispatcher the scheduler runs every minute, so it claims each occurrence and event exactly as
a running server would (two at once never run one twice).
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.scheduler import cron
from server.scheduler.automations import dispatch
from server.tables import automations

COLUMNS = ["id", "module", "name", "trigger", "skill", "executor", "enabled", "last_run", "status", "next_run", "held"]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("automations", help="the modules' cron and event automations: list, run what is due, "
                                                "switch on or off")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="every automation: trigger, skill, executor, last run and status, next run")
    add_json_flag(p)
    p.set_defaults(handler=list_automations)
    p = actions.add_parser("run-due", help="run what is due now, once, and print what ran")
    add_json_flag(p)
    p.set_defaults(handler=run_due)
    for name, enabled in (("enable", True), ("disable", False)):
        p = actions.add_parser(name, help=f"{name} one automation (ids: pilothouse automations list)")
        p.add_argument("id", type=int)
        p.set_defaults(handler=_switch(enabled))


def _shown(row: dict[str, Any], now_iso: str) -> dict[str, Any]:
    config = json.loads(row["config"])
    if row["trigger"] == "cron":
        trigger = f"cron {config.get('schedule')}"
        next_run = row["next_run"]
        if next_run is None and row["enabled"]:  # armed on the dispatcher's next pass
            try:
                cron.check(config.get("schedule", ""), config.get("timezone", "UTC"))
                next_run = cron.next_after(config["schedule"], config.get("timezone", "UTC"),
                                           datetime.fromisoformat(now_iso)).isoformat(timespec="seconds")
            except cron.CronError as exc:  # a row stored before lines were checked: shown, never fatal
                next_run = f"never: {exc}"
    else:
        trigger, next_run = f"event {config.get('event')}", f"on {config.get('event')}"
    status = (row["last_status"] or "")[:60] or None
    return {"id": row["id"], "module": row["module_id"], "name": row["name"], "trigger": trigger,
            "skill": row["skill"], "executor": row["executor"],
            "enabled": bool(row["enabled"]) and bool(row["module_enabled"]), "last_run": row["last_run"],
            "status": status, "next_run": next_run if row["enabled"] and row["module_enabled"] else None,
            # What the cascade bounds held back: events dropped at the depth limit, the last reason and when.
            "held": row["held"] or None, "held_reason": row["held_reason"], "held_at": row["held_at"]}


async def list_automations(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        rows = await automations.listing(app.store)
        now_iso = app.clock.now().isoformat(timespec="seconds")
    shown = [_shown(r, now_iso) for r in rows]
    if args.json:
        emit_json(shown)
        return 0
    table(shown, COLUMNS)
    line(f"\n{len(shown)} automation(s); executor pilot runs only while the agent is on")
    for row in shown:
        if row["held_reason"]:
            line(f"#{row['id']} {row['name']} held back at {row['held_at']}: {row['held_reason']}")
    return 0


async def run_due(args: argparse.Namespace) -> int:
    from server.agent.bootstrap import agent_enabled

    async with instance(args) as app:
        agent_on = await agent_enabled(app)
        report = await dispatch(app, agent_on=agent_on)
        names = {r["id"]: r["name"] for r in await automations.listing(app.store)}
    fired = [{"id": i, "name": names.get(i, "?"), "skill": skill, "ok": ok} for i, skill, ok in report.fired]
    if args.json:
        emit_json({"fired": fired, "missed": report.missed, "errors": report.errors})
        return 0
    for f in fired:
        line(f"#{f['id']} {f['name']}: {f['skill']} {'ok' if f['ok'] else 'failed'}")
    for error in report.errors:
        line(f"error: {error}")
    line(report.summary() if fired or report.missed or report.errors else "nothing was due")
    if not agent_on:
        line("(the agent is off: executor pilot automations were not run)")
    return 0


def _switch(enabled: bool) -> Any:
    async def switch(args: argparse.Namespace) -> int:
        async with instance(args) as app:
            row = await automations.set_enabled(app.store, args.id, enabled)
        if row is None:
            raise CliError(f"no automation #{args.id}; pilothouse automations list shows the ids")
        line(f"automation #{row['id']} {row['name']} ({row['module_id']}: {row['skill']}) "
             f"{'enabled' if enabled else 'disabled'}")
        return 0

    return switch
