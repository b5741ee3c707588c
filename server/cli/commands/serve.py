from __future__ import annotations

import argparse
import contextlib
import gc
import socket
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

from server import settings as process_settings
from server.cli.commands.common import instance
from server.cli.output import CliError
from server.errors import ConfigError
from server.tables import access_tokens

if TYPE_CHECKING:
    from server.manifest.offered import Selection
    from server.settings import ProcessSettings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("serve", help="run the MCP server (stdio by default, or --http)")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host",
                        help="address to bind with --http ($PILOTHOUSE_HOST; default 127.0.0.1; any other "
                             "address needs $PILOTHOUSE_TOKEN)")
    parser.add_argument("--port", type=int,
                        help="port to bind with --http ($PILOTHOUSE_PORT; default 8765)")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="NAME",
                        help="a Host name clients or a reverse proxy use, e.g. mcp.example.com (repeatable; "
                             "adds to $PILOTHOUSE_ALLOWED_HOSTS, comma-separated); loopback is always allowed")
    parser.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN",
                        help="a browser Origin to accept, e.g. https://app.example.com (repeatable; adds to "
                             "$PILOTHOUSE_ALLOWED_ORIGINS)")
    parser.add_argument("--read-only", action="store_true", default=None,
                        help="offer only the skills that change nothing ($PILOTHOUSE_READ_ONLY)")
    parser.add_argument("--modules", metavar="IDS",
                        help="offer only these modules' skills, comma-separated, e.g. crm,invoicing "
                             "($PILOTHOUSE_MODULES; pilothouse modules list shows the ids)")
    parser.add_argument("--exclude-skills", metavar="NAMES",
                        help="never offer these skills, comma-separated ($PILOTHOUSE_EXCLUDE_SKILLS)")
    parser.add_argument("--page-size", type=int, metavar="N",
                        help="tools per tools/list page ($PILOTHOUSE_PAGE_SIZE; default: the whole list in one "
                             "page, which every client reads)")
    parser.add_argument("--tier", help="tools/list tier: full, compact, drop or auto ($PILOTHOUSE_TIER; auto)")
    parser.add_argument("--context-tokens", type=int, default=200_000,
                        help="the client's context window, for --tier auto (default 200000)")
    parser.add_argument("--tool-share", type=float, default=0.05,
                        help="share of the context the tool list may use, for --tier auto (default 0.05 = 5 %%)")
    parser.set_defaults(handler=serve, collector_off_until_ready=True)


async def serve(args: argparse.Namespace) -> int:
    # No collections until the surface is built and frozen (server/cli/main.py says why; it leaves the
    # collector off for serve, see collector_off_until_ready).
    gc.disable()
    try:
        return await _start(args)
    finally:
        gc.enable()


async def _start(args: argparse.Namespace) -> int:
    from server.manifest.launch import requested_tier

    try:
        flags_over(args, process_settings.load())
        requested = requested_tier(args.tier)
        sock = _bind(args) if args.http else None  # before anything is announced: a port in use is one line
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    with contextlib.closing(sock) if sock else contextlib.nullcontext():
        return await _serve(args, requested, sock)


async def _serve(args: argparse.Namespace, requested: str, sock: socket.socket | None) -> int:
    from server.assembly import Process
    from server.cache import skill_schemas
    from server.http_app import HttpSettings
    from server.manifest.launch import launch_tier
    from server.manifest.offered import parse_selection
    from server.runtime import serve_http, serve_stdio

    async with instance(args) as app:
        # Before the tier is measured or anything is listed: every schema comes from the cache.
        await skill_schemas.warm(app.store, app.registry, app.clock)
        try:
            choice = await launch_tier(app, requested, args.context_tokens, args.tool_share)
            selection = parse_selection(app, read_only=args.read_only, modules=args.modules,
                                        exclude=args.exclude_skills)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
        sizes = ", ".join(f"{t} {n:,}" for t, n in choice.tokens.items())
        # Not a warning: one start-up line on stderr (stdout is the protocol on stdio), which MCP hosts keep in
        # their server log, so a person can see which tier their client was given and why.
        sys.stderr.write(f"pilothouse: tools/list tier {choice.tier} ({choice.reason}; tokens: {sizes})\n")
        # The scheduler runs beside the transport: the platform's work always, the agent's while it is on.
        if not selection.everything:
            sys.stderr.write(f"pilothouse: offering {_describe(selection)}\n")
        if not args.http and sys.stdin.isatty():  # a person typed `serve`: say what it is waiting for
            sys.stderr.write(FIRST_CONTACT)
        try:
            process = Process.assemble(app, choice.tier, selection=selection, page_size=args.page_size)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
        await process.surface.listing.freeze()  # the drop ranking is taken at launch, once
        # Everything built so far (modules, schemas, the SDK's models: ~110,000 tracked objects) lives
        # as long as the process. Moving it out of the collector's sight means a full collection no
        # longer walks it: without this, one lands in the first tools/list (~60 ms) and later ones
        # pause calls for as long. The start-up's few cycles of garbage (~4,000 objects) stay frozen
        # with it: collecting them first would cost that full collection again.
        gc.freeze()
        gc.enable()
        try:  # open_app holds the database's lock meanwhile: `pilothouse restore` refuses to run
            if args.http:
                settings = HttpSettings.from_env(args.host, args.port, allowed_hosts=args.allowed_host,
                                                 allowed_origins=args.allowed_origin)
                settings = replace(settings, access_tokens=await access_tokens.any_active(
                    app.store, app.clock.now().isoformat(timespec="seconds")))
                await serve_http(process.surface, settings, routes=process.routes, services=process.services,
                                 sock=sock)
            else:
                await serve_stdio(process.surface, process.services)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    return 0


def flags_over(args: argparse.Namespace, env: ProcessSettings) -> None:
    """A flag wins over its variable (server/settings.py), which wins over the default."""
    for name in ("host", "port", "read_only", "modules", "exclude_skills", "page_size"):
        if getattr(args, name) is None:
            setattr(args, name, getattr(env, name))


FIRST_CONTACT = (
    "pilothouse: waiting for an MCP host on stdin/stdout (Claude Desktop, Claude Code, Cursor and VS Code start "
    "`pilothouse serve` themselves; the README shows their settings); Ctrl-C stops\n"
    "pilothouse: to use it yourself, run `pilothouse serve --http` and open http://127.0.0.1:8765/cockpit "
    "(or `pilothouse call`, `pilothouse skills list`)\n")


def _bind(args: argparse.Namespace) -> socket.socket:
    from server.runtime import listen

    # A port in use is said before anything is announced. Whether a token is needed to listen beyond
    # loopback is checked once the database is open (its access tokens count), before any request.
    return listen(args.host, args.port)


def _describe(selection: Selection) -> str:
    parts = ["read-only skills" if selection.read_only else "skills"]
    if selection.modules is not None:
        parts.append(f"of {', '.join(sorted(selection.modules))}")
    if selection.exclude:
        parts.append(f"except {', '.join(sorted(selection.exclude))}")
    return " ".join(parts)
