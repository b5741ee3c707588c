from __future__ import annotations

import argparse
import os

from server.cli.commands.common import instance
from server.cli.output import CliError
from server.errors import ConfigError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("serve", help="run the MCP server (stdio by default, or --http)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default=os.environ.get("PILOTHOUSE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PILOTHOUSE_PORT", "8765")))
    parser.set_defaults(handler=serve)


async def serve(args: argparse.Namespace) -> int:
    from server.mcp.surface import Surface
    from server.runtime import serve_http, serve_stdio
    from server.scheduler.service import register_service

    register_service()  # scheduler + heartbeat beside the transport; each tick is a no-op while the agent is off

    async with instance(args) as app:
        surface = Surface(app)
        try:
            if args.http:
                await serve_http(app, surface, host=args.host, port=args.port)
            else:
                await serve_stdio(app, surface)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    return 0
