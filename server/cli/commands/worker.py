"""``pilothouse worker``: the scheduler and delivery, without MCP, for hosts that start stdio servers on demand.

A desktop MCP host starts ``pilothouse serve`` when a chat opens and stops it when the chat
closes, so nothing delivers queued email or publishes a scheduled post in between. A worker
runs the same scheduler all the time (a systemd user unit or a compose service, see deploy/).
Any number of workers and servers may share the database: each schedule is leased and each
occurrence claimed, so no job runs twice, and every message claimed, so each leaves once.
``--once`` runs a single tick and one delivery pass and exits, for a cron line or a quick check.
"""

from __future__ import annotations

import argparse

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import emit_json, line, table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("worker", help="run the scheduler without MCP: mail, webhooks, publishing, the agent")
    parser.add_argument("--once", action="store_true", help="run one scheduler tick, print what ran, and exit")
    add_json_flag(parser)
    parser.set_defaults(handler=worker)


async def worker(args: argparse.Namespace) -> int:
    from server.agent.bootstrap import agent_enabled
    from server.assembly import scheduler_for, worker_services
    from server.delivery_loop import DeliveryLoop
    from server.runtime import run_services
    from server.scheduler.lease import new_holder_id

    async with instance(args) as app:
        if args.once:
            entries = await scheduler_for(app, holder=new_holder_id("worker")).tick()
            rows = [{"schedule": e.schedule, "status": e.status} for e in entries]
            delivered = await DeliveryLoop(app).deliver()  # and one delivery pass, as the loop makes
            rows += [{"schedule": f"delivery:{r.skill}", "status": f"ok: {r.text[:120]}" if r.ok else
                      f"error: {r.message[:120]}"} for r in delivered]
            if args.json:
                emit_json(rows)
            elif rows:
                table(rows, ["schedule", "status"])
            else:
                line("nothing was due")
            return 0
        agent = ("the agent is on, so its heartbeat and automations run too" if await agent_enabled(app)
                 else "the agent is off, so platform work only (`pilothouse agent enable` adds the agent's)")
        # On stderr, once signals are handled: a service manager keeps it in the unit's log; stdout stays empty.
        await run_services(worker_services(app), started=f"pilothouse: worker running the scheduler on "
                           f"{app.store.path}; {agent}. SIGTERM or Ctrl-C stops it")
    return 0
