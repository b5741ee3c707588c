"""The main job: the MCP transport and background work in one anyio task group.

What runs beside the transport (the scheduler) is handed in as ``Service`` callables by the
composition root (server/assembly.py); SIGINT/SIGTERM cancel the group so each can save its
checkpoint in its own cancellation handler before the process exits.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import signal
import socket
import sys
from collections.abc import Callable, Coroutine, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import anyio

from server import settings as process_settings

if TYPE_CHECKING:  # a worker runs services alone: it never loads the MCP SDK or Starlette
    from starlette.routing import BaseRoute

    from server.mcp.surface import Surface

if TYPE_CHECKING:
    from mcp.shared._stream_protocols import ReadStream, WriteStream
    from mcp.shared.message import SessionMessage

    from server.http_app import HttpSettings

log = logging.getLogger(__name__)

# A coroutine function, not any awaitable: a task group starts it as a task.
Service = Callable[[], Coroutine[Any, Any, None]]


async def serve_stdio(surface: Surface, services: Sequence[Service] = ()) -> None:
    from mcp.server.stdio import stdio_server

    from server.mcp.stdin_lines import StdinLines

    async with anyio.create_task_group() as tg:
        await _start_services(tg, services)
        async with stdio_server(stdin=StdinLines()) as (read, write), anyio.create_task_group() as io:
            send, messages = anyio.create_memory_object_stream["SessionMessage | Exception"](0)
            io.start_soon(answer_unreadable_lines, read, send, write)
            await surface.server.run(messages, write, surface.server.create_initialization_options())
            io.cancel_scope.cancel()
        tg.cancel_scope.cancel()  # the client closed stdin: stop background work too


async def answer_unreadable_lines(read: ReadStream[SessionMessage | Exception],
                                  forward: anyio.abc.ObjectSendStream[SessionMessage | Exception],
                                  write: WriteStream[SessionMessage]) -> None:
    """Pass messages on; answer a line that is not JSON (-32700) or not JSON-RPC (-32600) with an error.

    The SDK's stdio transport only logs such a line, so the client waits for an answer forever.
    """
    import mcp_types as types
    from mcp.shared.message import SessionMessage
    from pydantic import ValidationError

    async with forward:
        async for item in read:
            if not isinstance(item, Exception):
                await forward.send(item)
                continue
            unparsable = isinstance(item, ValidationError) and any(e["type"] == "json_invalid" for e in item.errors())
            error = (types.ErrorData(code=types.PARSE_ERROR, message="Parse error: the line is not valid JSON")
                     if unparsable else types.ErrorData(code=types.INVALID_REQUEST, message=(
                         "Invalid Request: send one JSON-RPC 2.0 message per line (jsonrpc, method, id)")))
            log.warning("answered an unreadable stdin line with %s", error.code)
            await write.send(SessionMessage(types.JSONRPCError(jsonrpc="2.0", id=None, error=error)))


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything else starts: a port in use is one clear error, not a
    traceback after the URL was already announced."""
    from server.errors import ConfigError

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart right after a stop rebinds
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {host} is already in use (another `pilothouse serve --http`?): stop "
                              "it, or choose another port with --port N (or PILOTHOUSE_PORT)") from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


async def serve_http(surface: Surface, settings: HttpSettings, *, routes: Sequence[BaseRoute] = (),
                     services: Sequence[Service] = (), sock: socket.socket | None = None) -> None:
    """``sock``: the socket ``listen`` bound (None: bind here)."""
    import uvicorn

    from server.http_app import LOOPBACK, build_http_app

    asgi = build_http_app(surface, host=settings.host, port=settings.port, extra_routes=list(routes),
                          settings=settings)
    # Behind a reverse proxy, trust its X-Forwarded-* only from the addresses FORWARDED_ALLOW_IPS names
    # (uvicorn's own setting; default 127.0.0.1).
    config = uvicorn.Config(asgi, host=settings.host, port=settings.port, log_level="warning", lifespan="on",
                            proxy_headers=True, forwarded_allow_ips=process_settings.load().forwarded_allow_ips)
    server = _uvicorn(config)
    async with anyio.create_task_group() as tg:
        # A signal asks uvicorn to shut down as it would itself (the lifespan ends, open requests finish);
        # cancelling it mid-lifespan instead logged an ERROR traceback on every SIGTERM.
        await _start_services(tg, services, stop=lambda: setattr(server, "should_exit", True))
        base = f"http://{settings.host}:{settings.port}"
        has_cockpit = any(getattr(r, "path", "") == "/cockpit" for r in routes)
        cockpit = f"; the cockpit at {base}/cockpit" if has_cockpit else ""
        sys.stderr.write(f"pilothouse: MCP at {base}/mcp{cockpit} (Ctrl-C stops)\n")  # information
        if settings.host not in LOOPBACK and not settings.allowed_hosts:
            sys.stderr.write("pilothouse: only loopback Host names are accepted; add --allowed-host NAME "
                             "(or PILOTHOUSE_ALLOWED_HOSTS) for the names clients and proxies use\n")
        await server.serve(sockets=[sock or listen(settings.host, settings.port)])
        tg.cancel_scope.cancel()


async def run_services(services: Sequence[Service], *, started: str = "") -> None:
    """Background work alone, until SIGTERM or SIGINT (``pilothouse worker``: no transport). In-flight
    work drains as in ``serve``: short actions finish, a heartbeat keeps its checkpoint.

    ``started`` is written to stderr once the signals are handled, so whoever waits for that line
    (a service manager's log, a test) may stop the process cleanly from then on.
    """
    async with anyio.create_task_group() as tg:
        await _start_services(tg, services)
        if started:
            sys.stderr.write(started if started.endswith("\n") else started + "\n")


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
