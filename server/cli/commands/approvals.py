"""`pilothouse approvals list|approve ID|reject ID`: a person's decisions on waiting requests.

Two kinds wait here: approvals (an approve-trust skill the agent, an automation or a platform job
asked to run) and proposals (what the agent would have done in shadow mode, with its reason and
objective). Decisions go through the executor like any call (caller ``cli``), so they are logged
in the activity feed. An approved request runs at once, once, as whoever asked; only the agent's
own approvals, with the agent on, wait for its next heartbeat (server/trust/review.py). A
rejection's reason goes into the agent's memory.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line
from server.errors import ConfigError

ARGUMENTS_WIDTH = 60
LINES = 10  # preview lines per request; the cockpit shows every one


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("approvals", help="what the agent asks or proposes to do, waiting for a person")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="pending requests and proposals (or --status / --all, --kind)")
    p.add_argument("--status", choices=["pending", "approved", "running", "rejected", "executed", "failed", "expired",
                                        "uncertain"],
                   default="pending", help="only requests in this state (default pending)")
    p.add_argument("--all", action="store_true", help="every request, whatever its state")
    p.add_argument("--kind", choices=["approval", "proposal"], help="only approvals, or only proposals")
    add_json_flag(p)
    p.set_defaults(handler=list_approvals)
    p = actions.add_parser("approve", help="approve a request (it runs on the next heartbeat) or a proposal "
                                           "(it runs now, once)")
    p.add_argument("id", type=int)
    p.add_argument("--note", default="", help="why you approve, kept with the approval")
    p.set_defaults(handler=approve)
    p = actions.add_parser("reject", help="reject a request; it never runs, and the agent remembers why")
    p.add_argument("id", type=int)
    p.add_argument("--reason", default="", help="why: the agent reads it in later cycles")
    p.set_defaults(handler=reject)
    p = actions.add_parser("resolve", help="say whether an uncertain action (its process stopped mid-run) happened")
    p.add_argument("id", type=int)
    said = p.add_mutually_exclusive_group(required=True)
    said.add_argument("--happened", action="store_true", help="it took effect: mark it executed")
    said.add_argument("--did-not-happen", action="store_true", help="it did not: run it again, once")
    p.add_argument("--note", default="", help="what you checked")
    p.set_defaults(handler=resolve)


def readable(arguments: dict[str, Any], width: int = ARGUMENTS_WIDTH) -> str:
    """``key=value`` pairs on one line, long values cut: what a person scans in a table."""
    text = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in arguments.items()) or "-"
    return text if len(text) <= width else text[: width - 1] + "…"


def consequence(item: dict[str, Any]) -> list[str]:
    """What approving a request does, in words: its preview's summary, lines (with the record each one
    names, and its page in the cockpit) and note; a request without a preview says its arguments."""
    preview = item.get("preview")
    if not preview:
        return [f"{item['skill']} with {readable(item['arguments'], 200)}"]
    said = [preview["summary"]]
    for entry in preview.get("lines", [])[:LINES]:
        record = entry.get("record")
        link = f"  [{record['label']}: /cockpit/records/{record['table']}/{record['id']}]" if record else ""
        said.append(f"- {entry['text']}{link}")
    if len(preview.get("lines", [])) > LINES:
        said.append(f"- ... and {len(preview['lines']) - LINES} more (the cockpit lists them all)")
    return said + ([preview["note"]] if preview.get("note") else [])


async def list_approvals(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        result = await app.executor.call("ops_list_approvals", {
            "status": None if args.all else args.status, "kind": args.kind, "limit": 200}, caller="cli")
    if not result.ok or result.output is None:
        raise CliError(result.message, code=1)
    items = result.output["items"]
    if args.json:
        emit_json(items)
        return 0
    for item in items:
        line(f"#{item['id']} {item['kind']} {item['status']}: {item['skill']}, asked by {item['requested_by']}"
             f" at {item['requested_at']}, expires {item['expires_at']}")
        for said in consequence(item):
            line(f"    {said}")
        for label in ("reason", "objective"):
            if item.get(label):
                line(f"    {label}: {item[label]}")
        for read in item.get("outside") or []:  # what the asking run had read, written outside the business
            text = " ".join(str(read["text"]).split())[:160]
            line(f"    read before it, written OUTSIDE the business ({read['skill']} {read['field']}): "
                 f"{json.dumps(text, ensure_ascii=False)}")
    line(f"\n{result.output['total']} request(s)")
    if any(i["status"] == "pending" for i in items):
        line("approve one (it runs now, once): pilothouse approvals approve ID; "
             "reject: pilothouse approvals reject ID --reason '...'")
    return 0


async def approve(args: argparse.Namespace) -> int:
    from server.trust import review

    async with instance(args) as app:
        try:
            decided = await review.approve(app, args.id, args.note)
        except ConfigError as exc:
            raise CliError(str(exc), code=1) from exc
    item = decided.request
    if decided.ran is None:
        line(f"{item['kind']} #{item['id']} approved: {item['skill']} runs on the next heartbeat")
    else:
        line(f"{item['kind']} #{item['id']} approved and run: {item['skill']} {decided.ran.status}: "
             f"{decided.ran.detail}")
        if decided.ran.status != "executed":
            return 1
    return 0


async def resolve(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        result = await app.executor.call("ops_resolve_uncertain", {
            "approval_id": args.id, "happened": bool(args.happened), "note": args.note}, caller="cli")
    if not result.ok or result.output is None:
        raise CliError(result.message, code=1)
    line(f"#{args.id} {result.output['skill']}: " + ("marked executed" if args.happened else
                                                     "approved again: it runs within a minute, once"))
    return 0


async def reject(args: argparse.Namespace) -> int:
    from server.trust import review

    async with instance(args) as app:
        try:
            decided = await review.reject(app, args.id, args.reason)
        except ConfigError as exc:
            raise CliError(str(exc), code=1) from exc
    item = decided.request
    line(f"{item['kind']} #{item['id']} rejected: {item['skill']} will not run"
         + ("; the agent will read your reason" if args.reason else "; give --reason so the agent learns why"))
    return 0
