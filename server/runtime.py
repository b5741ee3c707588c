"""The main job: the MCP transport and background work in one anyio task group.

What runs beside the transport (the scheduler) is handed in as ``Service`` callables by the
composition root (server/assembly.py); SIGINT/SIGTERM cancel the group so each can save its
checkpoint in its own cancellation handler before the process exits.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import Any

import anyio
from starlette.routing import BaseRoute

from server.mcp.surface import Surface

log = logging.getLogger(__name__)

# A coroutine function, not any awaitable: a task group starts it as a task.
Service = Callable[[], Coroutine[Any, Any, None]]


async def serve_stdio(surface: Surface, services: Sequence[Service] = ()) -> None:
    from mcp.server.stdio import stdio_server

    async with anyio.create_task_group() as tg:
        await _start_services(tg, services)
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
    server = _uvicorn(config)
    async with anyio.create_task_group() as tg:
        # A signal asks uvicorn to shut down as it would itself (the lifespan ends, open requests finish);
        # cancelling it mid-lifespan instead logged an ERROR traceback on every SIGTERM.
        await _start_services(tg, services, stop=lambda: setattr(server, "should_exit", True))
        sys.stderr.write(f"pilothouse: MCP at http://{host}:{port}/mcp\n")  # information, not a warning
        await server.serve()
        tg.cancel_scope.cancel()


async def run_services(services: Sequence[Service]) -> None:
    """Background work alone, until a signal (a worker process: no transport)."""
    async with anyio.create_task_group() as tg:
        await _start_services(tg, services)


def _uvicorn(config: Any) -> Any:
    """uvicorn's server, leaving the signals to ``_stop_on_signal``: its own handlers re-raise the
    signal once it has stopped, which ends the process before the services finish."""
    import uvicorn

    class Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    return Server(config)


async def _start_services(tg: anyio.abc.TaskGroup, services: Sequence[Service],
                          stop: Callable[[], None] | None = None) -> None:
    """Start ``services``; on SIGTERM/SIGINT call ``stop`` (default: cancel the whole group). Returns
    once the signals are being listened to, so a signal from then on always stops the server cleanly."""
    for service in services:
        tg.start_soon(service)
    await tg.start(_stop_on_signal, stop or tg.cancel_scope.cancel)


async def _stop_on_signal(stop: Callable[[], None], *, task_status: anyio.abc.TaskStatus[None]) -> None:
    with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
        task_status.started()
        async for received in signals:
            # Information, not a warning: stopping on a signal is the normal way a server ends.
            sys.stderr.write(f"pilothouse: received {signal.Signals(received).name}: finishing in-flight work "
                             "and stopping\n")
            stop()
            return
