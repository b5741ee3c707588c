"""`pilothouse agent enable|disable|status|mode|reset`: the opt-in agent (Pattern 1).

The agent and scheduler code is imported inside the commands: every CLI start (``serve``
included) parses this module, and croniter alone costs ~8 ms to import.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from typing import TYPE_CHECKING, Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.errors import ConfigError, ModuleError

if TYPE_CHECKING:
    from server.app import App


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("agent", help="turn the autonomous agent on or off, and see what it is doing")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("enable", help="turn the agent on (idempotent): memory, schedules, module bootstrap")
    p.add_argument("--heartbeat", metavar="CRON", help="heartbeat schedule, e.g. '*/15 * * * *' (default every 30 min)")
    p.add_argument("--active-hours", metavar="HH:MM-HH:MM", help="only beat in this window, e.g. 08:00-20:00")
    p.add_argument("--timezone", help="timezone of the active hours (IANA name, default UTC)")
    p.add_argument("--shadow", action="store_true", help="start in shadow mode: the agent only proposes its writes")
    p.set_defaults(handler=enable)
    p = actions.add_parser("mode", help="shadow (the agent proposes, a person reviews) or live; no argument: show it")
    p.add_argument("mode", nargs="?", choices=["shadow", "live"])
    p.set_defaults(handler=set_mode)
    p = actions.add_parser("disable", help="turn the agent off; data, memory and schedules are kept")
    p.set_defaults(handler=disable)
    p = actions.add_parser("reset", help="clear the heartbeat's failure streak: the next scheduled cycle runs "
                                         "without backing off (after you fixed the cause)")
    p.set_defaults(handler=reset)
    p = actions.add_parser("status", help="on or off, schedules, last heartbeat, what waits for a person")
    add_json_flag(p)
    p.set_defaults(handler=status)


async def enable(args: argparse.Namespace) -> int:
    from server.agent.bootstrap import PILOT, enable_agent
    from server.scheduler.cron import CronError
    from server.trust import mode as trust_mode

    async with instance(args) as app:
        try:
            was = await trust_mode.current(app.store)
            shadow = getattr(args, "shadow", False)  # `modules enable pilot` comes here without the flag
            if shadow:  # before the switch when the module has a row: never a live beat in between
                with contextlib.suppress(ModuleError):
                    await trust_mode.set_mode(app, "shadow", who="cli")
            report = await enable_agent(app, heartbeat_cron=args.heartbeat)
            if shadow:
                await trust_mode.set_mode(app, "shadow", who="cli")
                if was != "shadow":
                    report.changes.append("mode: shadow (the agent proposes its writes; review: pilothouse "
                                          "approvals list)")
            values: dict[str, Any] = {}
            if args.active_hours is not None:
                values["active_hours"] = None if args.active_hours in ("", "always") else args.active_hours
            if args.timezone is not None:
                values["timezone"] = args.timezone
            if values:
                await app.modules.configure(PILOT, values)  # checked against the pilot module's settings
                report.changes.append("settings: " + ", ".join(f"{k}={v}" for k, v in values.items()))
        except (CronError, ConfigError, ModuleError) as exc:
            raise CliError(str(exc)) from exc
        if not report.changed:
            line("agent: already enabled, nothing changed")
        else:
            line("agent: enabled")
            for change in report.changes:
                line(f"  - {change}")
        await _provider_hint(app)
    return 0


async def set_mode(args: argparse.Namespace) -> int:
    from server.trust import mode as trust_mode

    async with instance(args) as app:
        if args.mode is None:
            line(f"agent mode: {await trust_mode.current(app.store)}")
            return 0
        try:
            before, after = await trust_mode.set_mode(app, args.mode, who="cli")
        except ModuleError as exc:
            raise CliError("the agent was never turned on; start it in shadow mode with: "
                           "pilothouse agent enable --shadow") from exc
    if before == after:
        line(f"agent mode: already {after}")
    elif after == "shadow":
        line("agent mode: shadow (was live): the agent's writes become proposals; review: pilothouse approvals list")
    else:
        line("agent mode: live (was shadow): the agent acts within each skill's trust (pilothouse skills list)")
    return 0


async def reset(args: argparse.Namespace) -> int:
    from server.resilience import backoff

    async with instance(args) as app:
        cleared = await backoff.reset(app.store, who="cli", now=app.clock.now())
    if not cleared:
        line("agent: no failure streak to clear; the heartbeat runs on its schedule")
    else:
        line(f"agent: cleared a streak of {cleared} failed heartbeat cycle{'' if cleared == 1 else 's'}; the next "
             "scheduled cycle runs without backing off (or run one now: pilothouse heartbeat --once)")
    return 0


async def _provider_hint(app: App) -> None:
    """Heartbeats with work to do need a model; say so now rather than in a failed cycle later."""
    from server.providers.config import load_settings
    from server.providers.settings import HOW_TO_CONFIGURE

    try:
        configured = (await load_settings(app.store)).providers
    except ConfigError as exc:
        line(f"note: the AI provider settings are invalid: {exc}")
        return
    if not configured:
        line(f"note: no AI provider is configured, so heartbeats with work to do will fail: {HOW_TO_CONFIGURE}")


async def disable(args: argparse.Namespace) -> int:
    from server.agent.bootstrap import disable_agent

    async with instance(args) as app:
        report = await disable_agent(app)
    line("agent: disabled (data, memory and schedules kept; its heartbeat and automations stop, while the "
         "platform's own work, such as mail, webhooks and scheduled posts, goes on under serve or worker)"
         if report.changed else "agent: already disabled")
    for change in report.changes:
        line(f"  - {change}")
    return 0


async def status(args: argparse.Namespace) -> int:
    from server.agent.bootstrap import PILOT, agent_enabled
    from server.agent.context import count_active_objectives
    from server.resilience.backoff import failure_streak, skip_probability
    from server.scheduler import schedules
    from server.scheduler.lease import holder_of
    from server.tables import approvals, notifications, runs
    from server.trust import mode as trust_mode

    async with instance(args) as app:
        now = app.clock.now()
        data: dict[str, Any] = {
            "enabled": await agent_enabled(app),
            "mode": await trust_mode.current(app.store),
            "settings": await app.modules.settings(PILOT),
            "schedules": await schedules.listing(app.store),
            "last_heartbeat": await runs.last_heartbeat(app.store),
            "pending_approvals": await approvals.pending_count(app.store),
            "active_objectives": await count_active_objectives(app.store),
            "unread_notifications": await notifications.unread_count(app.store),
            "failure_streak": await failure_streak(app.store),
        }
        lease = await holder_of(app.store, "heartbeat", now)
        data["heartbeat_running"] = lease.holder if lease else None
    if data["last_heartbeat"]:
        data["last_heartbeat"]["detail"] = json.loads(data["last_heartbeat"]["detail"] or "{}")
    if args.json:
        emit_json(data)
        return 0
    line(f"agent: {'ON' if data['enabled'] else 'off'}   mode: {data['mode']}")
    beat = data["last_heartbeat"]
    if beat:
        line(f"last heartbeat: #{beat['id']} {beat['status']} at {beat['started_at']} "
             f"- {beat['detail'].get('reason', '')}".rstrip(" -"))
    if skip_probability(data["failure_streak"]):
        line(f"backing off: {data['failure_streak']} failed cycles in a row, each scheduled cycle skipped with "
             f"probability {skip_probability(data['failure_streak']):.0%}; after fixing the cause: "
             "pilothouse agent reset")
    line(f"active objectives: {data['active_objectives']}   pending approvals: {data['pending_approvals']}   "
         f"unread notifications: {data['unread_notifications']}")
    if data["schedules"]:
        line()
        rows = [{**s, "runs": "agent on" if s["name"] in schedules.AGENT_SCHEDULES else "always"}
                for s in data["schedules"]]
        table(rows, ["name", "runs", "cron", "next_run", "last_run", "last_status"])
    if not data["enabled"]:
        line("turn it on with: pilothouse agent enable")
    return 0
