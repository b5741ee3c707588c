"""Real servers on 127.0.0.1 for tests of outbound I/O: an SMTP sink and an HTTP receiver.

A skill that sends mail or calls a webhook is tested against these rather than a mock, so
the real client code (aiosmtplib, httpx) runs end to end:

    async with smtp_sink() as sink:                 # needs aiosmtpd: pip install "pilothouse[test]"
        ...point the instance's SMTP settings at sink.host, sink.port...
        assert sink.messages[0]["Subject"] == "Welcome"

    async with http_receiver() as hook:
        hook.answers = [500]                         # first request fails, later ones get 200
        ...send to hook.url + "/path"...
        assert hook.requests[-1].path == "/path"
"""

from __future__ import annotations

import asyncio
import socket
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["HttpReceiver", "Received", "SmtpSink", "free_port", "http_receiver", "smtp_sink"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for a server the test starts itself)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """Where ``smtp_sink`` listens, and every message it accepted, parsed, in arrival order."""

    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@asynccontextmanager
async def smtp_sink(*, password: str | None = None) -> AsyncIterator[SmtpSink]:
    """aiosmtpd in its own thread. With ``password``, AUTH is required and only that password works."""
    # Imported here: aiosmtpd is only in the `test` extra, and the HTTP receiver must not need it.
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    sink = SmtpSink("127.0.0.1", free_port())
    options: dict[str, Any] = {}
    if password is not None:
        def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
            ok = isinstance(data, LoginPassword) and data.password.decode() == password
            return AuthResult(success=ok, handled=False)  # let aiosmtpd answer 235 or 535

        options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    with warnings.catch_warnings():  # AUTH without TLS is what we want on loopback in a test
        warnings.simplefilter("ignore", UserWarning)
        controller = Controller(sink, hostname=sink.host, port=sink.port, **options)
    await asyncio.to_thread(controller.start)
    try:
        yield sink
    finally:
        await asyncio.to_thread(controller.stop)


@dataclass
class Received:
    """One request the HTTP receiver was sent."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpReceiver:
    """The receiver's base URL, the requests it recorded, and the statuses it should answer next."""

    url: str
    requests: list[Received] = field(default_factory=list)
    # Status codes to answer, one per request; 200 once they run out.
    answers: list[int] = field(default_factory=list)
    # The body of every answer but a 402's (a receiver echoing what it was sent, say).
    reply: str = "{}"


@asynccontextmanager
async def http_receiver() -> AsyncIterator[HttpReceiver]:
    """A real HTTP server (uvicorn + Starlette) on 127.0.0.1 that records what it is sent.

    Any path, GET or POST. It answers ``{}`` with the next status in ``answers`` (200 once they
    run out); a 402 carries an ``insufficient_quota`` error body, as a metered API's would, and a
    3xx a ``Location`` of ``/redirected`` on the same receiver.
    """
    port = free_port()
    receiver = HttpReceiver(f"http://127.0.0.1:{port}")

    async def record(request: Request) -> Response:
        receiver.requests.append(Received(request.url.path, dict(request.headers), await request.body()))
        status = receiver.answers.pop(0) if receiver.answers else 200
        body = '{"error": {"code": "insufficient_quota"}}' if status == 402 else receiver.reply
        # A redirect points at another path of this receiver: a client that follows it shows up there.
        headers = {"Location": f"{receiver.url}/redirected"} if 300 <= status < 400 else None
        return Response(body, status_code=status, media_type="application/json", headers=headers)

    app = Starlette(routes=[Route("/{path:path}", record, methods=["POST", "GET"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # bounded by the test timeout; yields to the server task
        if task.done():
            task.result()
        await asyncio.sleep(0.005)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
