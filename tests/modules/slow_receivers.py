"""Receivers that can hold a message mid-delivery: an SMTP server on a given port and an HTTP server.

``hold_after=n`` makes the n-th message (1-based) wait, after it was received and before it is
answered, until the test calls ``release()``: the window in which a crash or a second deliverer
would send it twice (``every=True``: that one and every later one, a receiver that stopped
answering). ``arrived(n)`` waits (bounded) until n messages came in.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import anyio
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.testing import Received, free_port

WAIT_S = 20.0


@dataclass
class Gate:
    hold_after: int | None = None
    every: bool = False
    _released: threading.Event = field(default_factory=threading.Event)
    _count: int = 0
    _arrivals: threading.Condition = field(default_factory=threading.Condition)

    def arrive(self) -> bool:
        """Count one message; True when it is the one to hold."""
        with self._arrivals:
            self._count += 1
            self._arrivals.notify_all()
            return self._count == self.hold_after or (
                self.every and self.hold_after is not None and self._count >= self.hold_after)

    def release(self) -> None:
        self._released.set()

    async def arrived(self, n: int) -> None:
        def wait() -> None:
            with self._arrivals:
                if not self._arrivals.wait_for(lambda: self._count >= n, WAIT_S):
                    raise TimeoutError(f"only {self._count} of {n} messages arrived")

        await anyio.to_thread.run_sync(wait)


@dataclass
class HoldingSmtp:
    host: str
    port: int
    gate: Gate
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        if self.gate.arrive():  # wait in aiosmtpd's own loop without blocking its other sessions
            await asyncio.get_running_loop().run_in_executor(None, self.gate._released.wait, WAIT_S)
        return "250 OK"

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages]


@asynccontextmanager
async def holding_smtp(port: int | None = None, *, hold_after: int | None = None) -> AsyncIterator[HoldingSmtp]:
    """aiosmtpd on 127.0.0.1:``port`` (a free one by default) that can hold a message."""
    from aiosmtpd.controller import Controller

    sink = HoldingSmtp("127.0.0.1", port or free_port(), Gate(hold_after))
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    await anyio.to_thread.run_sync(controller.start)
    try:
        yield sink
    finally:
        sink.gate.release()
        await anyio.to_thread.run_sync(controller.stop)


@dataclass
class HoldingHttp:
    url: str
    gate: Gate
    requests: list[Received] = field(default_factory=list)

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.requests]


@asynccontextmanager
async def holding_http(*, hold_after: int | None = None, every: bool = False) -> AsyncIterator[HoldingHttp]:
    """uvicorn + Starlette on 127.0.0.1 that records each POST and can hold one (or all) before answering."""
    port = free_port()
    receiver = HoldingHttp(f"http://127.0.0.1:{port}", Gate(hold_after, every))

    async def record(request: Request) -> Response:
        receiver.requests.append(Received(request.url.path, dict(request.headers), await request.body()))
        if receiver.gate.arrive():
            await anyio.to_thread.run_sync(receiver.gate._released.wait, WAIT_S)
        return Response("{}", media_type="application/json")

    app = Starlette(routes=[Route("/{path:path}", record, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # bounded by the test timeout; yields to the server task
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    try:
        yield receiver
    finally:
        receiver.gate.release()
        server.should_exit = True
        await task
