"""`pilothouse approvals list|approve ID|reject ID`: a person's decisions on the agent's requests.

Decisions go through the executor like any call (caller ``cli``), so they are logged in
the activity feed; an approved action runs on the agent's next heartbeat.
"""

from __future__ import annotations

import argparse
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("approvals", help="what the agent asks to do, waiting for a person; approve or reject")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="pending requests (or --status / --all)")
    p.add_argument("--status", choices=["pending", "approved", "rejected", "executed", "failed", "expired"],
                   default="pending", help="only requests in this state (default pending)")
    p.add_argument("--all", action="store_true", help="every request, whatever its state")
    add_json_flag(p)
    p.set_defaults(handler=list_approvals)
    p = actions.add_parser("approve", help="approve a request; it runs on the next heartbeat")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="", help="why you approve, kept with the approval")
    p.set_defaults(handler=approve)
    p = actions.add_parser("reject", help="reject a request; it never runs")
    p.add_argument("id", type=int)
    p.add_argument("--reason", default="", help="why you reject, kept with the approval")
    p.set_defaults(handler=reject)


async def _call(args: argparse.Namespace, skill: str, arguments: dict[str, Any]) -> dict[str, Any]:
    async with instance(args) as app:
        result = await app.executor.call(skill, arguments, caller="cli")
    if not result.ok:
        raise CliError("; ".join(p.strip() for p in result.message.splitlines() if p.strip()), code=1)
    assert result.output is not None
    return result.output


async def list_approvals(args: argparse.Namespace) -> int:
    page = await _call(args, "pilot_list_approvals", {"status": None if args.all else args.status, "limit": 200})
    if args.json:
        emit_json(page["items"])
        return 0
    table(page["items"], ["id", "skill", "arguments", "status", "requested_at", "expires_at", "decided_by"])
    line(f"\n{page['total']} request(s)")
    return 0


async def approve(args: argparse.Namespace) -> int:
    item = await _call(args, "pilot_approve", {"approval_id": args.id, "note": args.note})
    line(f"approval #{item['id']} approved: {item['skill']} runs on the next heartbeat")
    return 0


async def reject(args: argparse.Namespace) -> int:
    item = await _call(args, "pilot_reject", {"approval_id": args.id, "reason": args.reason})
    line(f"approval #{item['id']} rejected: {item['skill']} will not run")
    return 0
