from __future__ import annotations

import argparse
import gc
import os
import sys

from server import instance_lock
from server.cli.commands.common import instance
from server.cli.output import CliError
from server.errors import ConfigError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="run the MCP server (stdio by default, or --http)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default=os.environ.get("PILOTHOUSE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PILOTHOUSE_PORT", "8765")))
    parser.add_argument("--tier", help="tools/list tier: full, compact, drop or auto ($PILOTHOUSE_TIER; auto)")
    parser.add_argument("--context-tokens", type=int, default=200_000,
                        help="the client's context window, for --tier auto (default 200000)")
    parser.add_argument("--tool-share", type=float, default=0.05,
                        help="share of the context the tool list may use, for --tier auto (default 0.05 = 5 %%)")
    parser.set_defaults(handler=serve)


async def serve(args: argparse.Namespace) -> int:
    from server.assembly import Process
    from server.cache import skill_schemas
    from server.manifest.launch import launch_tier, requested_tier
    from server.runtime import serve_http, serve_stdio

    try:
        requested = requested_tier(args.tier)
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    async with instance(args) as app:
        # Before the tier is measured or anything is listed: every schema comes from the cache.
        await skill_schemas.warm(app.store, app.registry, app.clock)
        try:
            choice = await launch_tier(app, requested, args.context_tokens, args.tool_share)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
        sizes = ", ".join(f"{t} {n:,}" for t, n in choice.tokens.items())
        # Not a warning: one start-up line on stderr (stdout is the protocol on stdio), which MCP hosts keep in
        # their server log, so a person can see which tier their client was given and why.
        sys.stderr.write(f"pilothouse: tools/list tier {choice.tier} ({choice.reason}; tokens: {sizes})\n")
        # The scheduler + heartbeat run beside the transport; each tick is a no-op while the agent is off.
        process = Process.assemble(app, choice.tier)
        await process.surface.listing.freeze()  # the drop ranking is taken at launch, once
        # Everything built so far (modules, schemas, the SDK's models: ~110,000 tracked objects) lives
        # as long as the process. Moving it out of the collector's sight means a full collection no
        # longer walks it: without this, one lands in the first tools/list (~60 ms) and later ones
        # pause calls for as long.
        gc.freeze()
        try:
            with instance_lock.hold(app.store.path):  # `pilothouse restore` refuses while this is held
                if args.http:
                    await serve_http(process.surface, host=args.host, port=args.port, routes=process.routes,
                                     services=process.services)
                else:
                    await serve_stdio(process.surface, process.services)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    return 0
