"""``pilothouse ask "..."``: one reasoning-loop run on a person's request, through the provider chain.

The model's tool calls go through the executor as ``pilot`` (see ``server.agent.loop``), so
approve-trust skills are queued for approval rather than run. Prints each call and the
answer; ``--json`` prints the whole run record.

It is the agent acting, so it needs the agent on (Pattern 1: with the agent off no model acts
on the instance, and the approvals it would queue are carried out only by the agent's
heartbeat). With the agent off it is refused with how to turn it on, and how to do the same
by hand.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line
from server.errors import ConfigError

OK_STOPS = ("answer", "no_reply")
AGENT_OFF = ("the agent is off, and `ask` hands your request to the agent. Turn it on with: pilothouse agent "
             "enable (it also needs an AI provider: pilothouse providers). Or do it yourself: pilothouse skills "
             "list, then pilothouse call SKILL --args '{...}'")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("ask", help="ask the agent to do something now (needs the agent on and an AI provider)")
    parser.add_argument("request", nargs="?", help="what you want, in plain words")
    parser.add_argument("--tier", choices=["fast", "reasoning"], default="fast", help="model tier (default fast)")
    parser.add_argument("--provider", help="try this provider first (openai, gemini, ollama, local)")
    parser.add_argument("--max-iterations", type=int, default=6, help="model calls at most (default 6)")
    parser.add_argument("--budget", type=int, default=120_000, help="conversation token budget (default 120000)")
    parser.add_argument("--timeout", type=float, default=300.0, help="wall-clock cap in seconds (default 300)")
    parser.add_argument("--resume", metavar="RUN_ID", help="continue an interrupted run instead")
    add_json_flag(parser)
    parser.set_defaults(handler=ask)


async def ask(args: argparse.Namespace) -> int:
    from server.agent.ask_prompt import ask_system_prompt
    from server.agent.bootstrap import agent_enabled
    from server.agent.loop import run_loop

    if not args.request and not args.resume:
        raise CliError('say what you want: pilothouse ask "how many leads are open?"')
    async with instance(args) as app:
        if not await agent_enabled(app):
            raise CliError(AGENT_OFF)
        system_prompt = await ask_system_prompt(app)
        try:
            record = await run_loop(
                app, system_prompt=system_prompt, user_message=args.request or "", kind="ask",
                max_iterations=args.max_iterations, token_budget=args.budget, model_tier=args.tier,
                wall_clock_s=args.timeout, resume_run_id=args.resume, preferred_provider=args.provider,
            )
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json(record.to_dict())
    else:
        _print(record.to_dict())
    if record.stop_reason not in OK_STOPS:
        raise CliError(f"run {record.run_id} stopped: {record.stop_reason}: {record.error or ''}".rstrip(": "), code=1)
    return 0


def _print(record: dict[str, Any]) -> None:
    for iteration in record["iterations"]:
        failed = [a for a in iteration["attempts"] if a["status"] != "ok"]
        via = f"{iteration['provider']}:{iteration['model']}" if iteration["provider"] else "no provider"
        skipped = "".join(f"; {a['provider']} {a['error_kind'] or a['status']}" for a in failed)
        line(f"[{iteration['index']}] {via} (tier {iteration['tier']}, {iteration['conversation_tokens']} tokens"
             f"{skipped})")
        for call in (c for c in record["tool_calls"] if c["iteration"] == iteration["index"]):
            arguments = call["arguments"] if isinstance(call["arguments"], str) else json.dumps(call["arguments"])
            status = "ok" if call["ok"] else f"error {call['error_kind']}: {call['message']}"
            line(f"    {call['skill']} {arguments} -> {status}")
    if record["answer"]:
        line("")
        line(record["answer"])
    elif record["stop_reason"] == "no_reply":
        line("(no reply)")
