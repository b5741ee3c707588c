"""`pilothouse manifest`: a tier's tool manifest and its size, or which tier a budget gets."""

from __future__ import annotations

import argparse

from server.cli.commands.common import instance
from server.cli.output import CliError, emit_json, line, table


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("manifest", help="print a tier's tool manifest and its size, or which tier a budget gets")
    parser.add_argument("--tier", choices=["full", "compact", "drop", "auto"], default="full",
                        help="the tier to print; auto = what `serve` would list for --context-tokens/--tool-share")
    parser.add_argument("--format", choices=["mcp", "openai"], default="mcp",
                        help="as an MCP client receives it (tools/list) or as OpenAI function definitions")
    parser.add_argument("--context-tokens", type=int, default=200_000, help="for --tier auto (default 200000)")
    parser.add_argument("--tool-share", type=float, default=0.05, help="for --tier auto (default 0.05 = 5 %%)")
    parser.add_argument("--used", type=int, help="tokens used so far (with --budget: which tier, and why)")
    parser.add_argument("--budget", type=int, help="token budget of the run")
    parser.add_argument("--json", action="store_true", help="print the manifest itself as JSON")
    parser.add_argument("--sizes", action="store_true", help="the size of every tier on this instance (the README's "
                        "figures come from this on a fresh instance)")
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace) -> int:
    from server import manifest
    from server.errors import ConfigError
    from server.manifest.launch import choose_tier
    from server.manifest.render import tools_list_json
    from server.tokens import get_counter

    if (args.used is None) != (args.budget is None):
        raise CliError("--used and --budget go together, e.g. --used 70000 --budget 120000")
    if args.used is not None:
        if args.budget <= 0 or args.used < 0:
            raise CliError("--budget must be positive and --used not negative")
        line(manifest.explain_tier(args.used, args.budget))
        return 0
    if args.sizes:
        return await sizes(args)
    async with instance(args) as app:
        tier, why = args.tier, ""
        if tier == "auto":
            try:
                choice = await choose_tier(app, "auto", args.context_tokens, args.tool_share)
            except ConfigError as exc:
                raise CliError(str(exc)) from exc
            tier, why = choice.tier, f" ({choice.reason})"
        counter = await get_counter()
        if args.format == "openai":
            document: object = await manifest.openai_tools(app, tier)
            names = [t["function"]["name"] for t in document]  # type: ignore[attr-defined]
        else:
            tools = await manifest.mcp_tools(app, tier)
            document, names = tools_list_json(tools), [t.name for t in tools]
    tokens = counter.count_json(document)
    if args.json:
        emit_json(document)
        return 0
    table([{"tool": n} for n in names], ["tool"])
    line(f"\n{tier} tier{why}, {args.format} format: {len(names)} tools ({len(manifest.META_TOOLS)} meta-tools), "
         f"{tokens:,} tokens ({counter.name})")
    return 0


async def sizes(args: argparse.Namespace) -> int:
    """Every tier's tools and tokens on this instance: what a host and its model receive."""
    from server import manifest
    from server.manifest.launch import DEFAULT_CONTEXT_TOKENS, DEFAULT_SHARE, measure
    from server.manifest.render import tools_list_json
    from server.tokens import get_counter

    async with instance(args) as app:
        counter = await get_counter()
        skills = await manifest.enabled_skills(app)
        to_model = await measure(app)
        rows = []
        for tier in manifest.TIERS:
            tools = await manifest.mcp_tools(app, tier)
            listed = counter.count_json(tools_list_json(tools))
            rows.append({"tier": tier, "tools": len(tools), "tools/list tokens": f"{listed:,}",
                         "tokens to the model": f"{to_model[tier]:,}"})
    modules = len({s.module_id for s in skills})
    line(f"{len(skills)} skills in {modules} modules on this instance, plus {len(manifest.META_TOOLS)} meta-tools")
    table(rows, ["tier", "tools", "tools/list tokens", "tokens to the model"])
    line(f"(counted with {counter.name}; `serve --tier auto` lists full within {DEFAULT_SHARE:.0%} of a "
         f"{DEFAULT_CONTEXT_TOKENS:,}-token context, else compact)")
    return 0
