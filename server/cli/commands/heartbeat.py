"""`pilothouse heartbeat --once`: run one agent cycle now and print what it did."""

from __future__ import annotations

import argparse
import json

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import emit_json, line, table
from server.tables import runs


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("heartbeat", help="run one agent cycle now (--once), or list recent cycles")
    parser.add_argument("--once", action="store_true", help="run one cycle now, ignoring active hours")
    parser.add_argument("--limit", type=int, default=10, help="how many recent cycles to list")
    add_json_flag(parser)
    parser.set_defaults(handler=heartbeat)


async def heartbeat(args: argparse.Namespace) -> int:
    if not args.once:
        async with instance(args) as app:
            rows = await runs.recent_heartbeats(app.store, max(1, args.limit))
        for r in rows:
            r["reason"] = json.loads(r.pop("detail") or "{}").get("reason", "")
        emit_json(rows) if args.json else table(rows, ["id", "started_at", "status", "run_id", "reason"])
        return 0
    from server.agent.heartbeat import run_cycle

    async with instance(args) as app:
        record = await run_cycle(app, requested_by="cli")
    if args.json:
        emit_json(record.as_dict())
        return 0 if record.status not in ("failed", "timeout") else 1
    label = f"heartbeat #{record.heartbeat_id}" if record.recorded else "heartbeat (not recorded)"
    took = f" in {record.duration_ms / 1000:.1f} s" if record.duration_ms else ""
    line(f"{label}: {record.status}{took}")
    if record.reason:
        line(f"  reason: {record.reason}")
    if record.waived_streak:
        line(f"  asked by a person: the backoff after {record.waived_streak} failed cycles does not apply "
             "(it paces the schedule; `pilothouse agent reset` clears the streak)")
    if record.run_id:
        usage = ", ".join(f"{k} {v}" for k, v in record.usage.items())
        line(f"  run: {record.run_id}" + (f" ({usage})" if usage else ""))
    if record.resumed_run:
        line(f"  resumed interrupted run {record.resumed_run}")
    if record.objectives:
        line(f"  objectives in context: {', '.join(f'#{i}' for i in record.objectives)}"
             f" ({record.context_chars} characters of context)")
    for a in record.approvals:
        line(f"  approval #{a['approval_id']} {a['status']}: {a['skill']} - {a['detail'][:100]}")
    for a in record.actions:
        mark = "ok" if a.get("ok") else (a.get("error_kind") or "error")
        line(f"  call #{a.get('activity_id')}: {a.get('skill')} {mark}")
    if record.summary:
        line("  summary: " + record.summary.strip().replace("\n", "\n           "))
    return 0 if record.status not in ("failed", "timeout") else 1
