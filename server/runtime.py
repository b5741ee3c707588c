"""The main job: the MCP transport and background work in one anyio task group.

Background services (the scheduler and heartbeat, when the agent is on) register
as ``Service`` callables; SIGINT/SIGTERM cancel the group so each can save its
checkpoint in its own cancellation handler before the process exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any

import anyio

from server.app import App
from server.mcp.surface import Surface

log = logging.getLogger(__name__)

Service = Callable[[App, Surface], Coroutine[Any, Any, None]]
# Background services started beside the transport; pilot's scheduler adds itself here.
SERVICES: list[Service] = []


async def serve_stdio(app: App, surface: Surface) -> None:
    from mcp.server.stdio import stdio_server

    async with anyio.create_task_group() as tg:
        _start_services(tg, app, surface)
        async with stdio_server() as (read, write):
            await surface.server.run(read, write, surface.server.create_initialization_options())
        tg.cancel_scope.cancel()  # the client closed stdin: stop background work too


async def serve_http(app: App, surface: Surface, *, host: str, port: int) -> None:
    import uvicorn

    from server.health.http import routes as health_routes
    from server.http_app import build_http_app

    asgi = build_http_app(surface, host=host, port=port, token=os.environ.get("PILOTHOUSE_TOKEN"),
                          extra_routes=health_routes(app))
    config = uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    async with anyio.create_task_group() as tg:
        _start_services(tg, app, surface)
        sys.stderr.write(f"pilothouse: MCP at http://{host}:{port}/mcp\n")  # information, not a warning
        await server.serve()
        tg.cancel_scope.cancel()


def _start_services(tg: anyio.abc.TaskGroup, app: App, surface: Surface) -> None:
    for service in SERVICES:
        tg.start_soon(service, app, surface)
    tg.start_soon(_stop_on_signal, tg)


async def _stop_on_signal(tg: anyio.abc.TaskGroup) -> None:
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        async for received in signals:
            log.warning("received %s: draining in-flight work and stopping", signal.Signals(received).name)
            tg.cancel_scope.cancel()
            return
