"""``pilothouse providers``: the AI fallback chain as this instance sees it, and clearing cooldowns."""

from __future__ import annotations

import argparse

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.errors import ConfigError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("providers", help="the AI provider chain: order, models, availability, cooldowns")
    parser.add_argument("--reset", metavar="NAME",
                        help="end a provider's cooldown after fixing it ('all' for every one)")
    add_json_flag(parser)
    parser.set_defaults(handler=providers)


async def providers(args: argparse.Namespace) -> int:
    from server.providers import PROVIDERS, ProviderChain, cooldown, usage

    if args.reset and args.reset != "all" and args.reset not in PROVIDERS:
        raise CliError(f"unknown provider {args.reset!r}; use one of {', '.join(PROVIDERS)} or 'all'")
    async with instance(args) as app:
        if args.reset:
            target = None if args.reset == "all" else args.reset
            cleared = await cooldown.clear(app.store, target, app.clock.now())
            line(f"cleared the cooldown of {args.reset}" if cleared else f"{args.reset}: nothing to clear")
            return 0
        try:
            async with ProviderChain.for_app(app) as chain:
                rows = await chain.status()
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
        totals = await usage.totals(app.store)
    if args.json:
        emit_json({"providers": rows, "usage": totals})
        return 0
    table(rows, ["order", "provider", "available", "model_fast", "model_reasoning", "cooldown_until", "reason"])
    if not any(r["configured"] for r in rows):
        line("\nNo provider is configured: set OPENAI_API_KEY, GEMINI_API_KEY, OLLAMA_HOST or LOCAL_AI_BASE_URL.")
    return 0
