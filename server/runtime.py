"""The main job: the MCP transport and background work in one anyio task group.

What runs beside the transport (the scheduler) is handed in as ``Service`` callables by the
composition root (server/assembly.py); SIGINT/SIGTERM cancel the group so each can save its
checkpoint in its own cancellation handler before the process exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any

import anyio

if TYPE_CHECKING:  # a worker runs services alone: it never loads the MCP SDK or Starlette
    from starlette.routing import BaseRoute

    from server.mcp.surface import Surface

log = logging.getLogger(__name__)

# A coroutine function, not any awaitable: a task group starts it as a task.
Service = Callable[[], Coroutine[Any, Any, None]]


async def serve_stdio(surface: Surface, services: Sequence[Service] = ()) -> None:
    from mcp.server.stdio import stdio_server

    async with anyio.create_task_group() as tg:
        _start_services(tg, services)
        async with stdio_server() as (read, write):
            await surface.server.run(read, write, surface.server.create_initialization_options())
        tg.cancel_scope.cancel()  # the client closed stdin: stop background work too


async def serve_http(surface: Surface, *, host: str, port: int, routes: Sequence[BaseRoute] = (),
                     services: Sequence[Service] = ()) -> None:
    import uvicorn

    from server.http_app import build_http_app

    asgi = build_http_app(surface, host=host, port=port, token=os.environ.get("PILOTHOUSE_TOKEN"),
                          extra_routes=list(routes))
    config = uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    async with anyio.create_task_group() as tg:
        _start_services(tg, services)
        sys.stderr.write(f"pilothouse: MCP at http://{host}:{port}/mcp\n")  # information, not a warning
        await server.serve()
        tg.cancel_scope.cancel()


async def run_services(services: Sequence[Service], *, started: str = "") -> None:
    """Background work alone, until SIGTERM or SIGINT (``pilothouse worker``: no transport). In-flight
    work drains as in ``serve``: short actions finish, a heartbeat keeps its checkpoint.

    ``started`` is written to stderr once the signals are handled, so whoever waits for that line
    (a service manager's log, a test) may stop the process cleanly from then on.
    """
    async with anyio.create_task_group() as tg:
        await tg.start(_stop_on_signal, tg)
        for service in services:
            tg.start_soon(service)
        if started:
            sys.stderr.write(started if started.endswith("\n") else started + "\n")


def _start_services(tg: anyio.abc.TaskGroup, services: Sequence[Service]) -> None:
    for service in services:
        tg.start_soon(service)
    tg.start_soon(_stop_on_signal, tg)


async def _stop_on_signal(tg: anyio.abc.TaskGroup,
                          *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        task_status.started()
        async for received in signals:
            log.warning("received %s: draining in-flight work and stopping", signal.Signals(received).name)
            tg.cancel_scope.cancel()
            return
