"""`pilothouse activity`: the activity feed - every skill call, by whom, with what outcome.

Works with the agent off too: it reads the log every caller writes.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime, timedelta

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from skills import Filters, fetch_page

RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("activity", help="the activity feed: recent skill calls, newest first")
    parser.add_argument("--since", help="a time (ISO 8601) or an age: 30m, 2h, 1d, 1w")
    parser.add_argument("--skill", help="only this skill")
    parser.add_argument("--caller", choices=["mcp", "cli", "pilot", "automation", "system"],
                        help="only calls from this caller")
    parser.add_argument("--status", choices=["ok", "error", "pending"], help="only calls with this status")
    parser.add_argument("--run", help="only calls of this agent run")
    parser.add_argument("--limit", type=int, default=50, help="how many calls to show (default 50)")
    add_json_flag(parser)
    parser.set_defaults(handler=activity)


def parse_since(text: str, now: datetime) -> str:
    match = RELATIVE.match(text.strip())
    if match:
        moment = now - timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    else:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CliError(f"--since {text!r}: give an ISO time (2026-11-02T09:00+00:00) or an age (30m, 2h, 1d)") \
                from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=now.tzinfo)
    return moment.astimezone(now.tzinfo).isoformat(timespec="seconds")


async def activity(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        since = parse_since(args.since, app.clock.now()) if args.since else None
        filters = (Filters().add("ts >= ?", since).add("skill = ?", args.skill).add("caller = ?", args.caller)
                   .add("status = ?", args.status).add("run_id = ?", args.run))
        rows, total, _, _ = await fetch_page(app.store, select="*", from_="activity", filters=filters,
                                             order_by="id DESC", limit=args.limit, offset=0)
    if args.json:
        for r in rows:
            r["input"] = json.loads(r["input"] or "{}")
        emit_json(rows)
        return 0
    for r in rows:
        r["result"] = r["error"] if r["status"] != "ok" else r["output_summary"]
        r["who"] = r.get("caller_name") or ""
    table(rows, ["id", "ts", "caller", "who", "skill", "status", "outcome", "result"])
    line(f"\n{len(rows)} of {total} call(s)" + (f" since {since}" if since else ""))
    return 0
