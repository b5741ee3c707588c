"""The HTTP face: MCP at /mcp plus the plain endpoints, behind optional bearer auth.

Safe by default: the CLI binds 127.0.0.1. Binding anywhere else requires
``PILOTHOUSE_TOKEN``, and then every request must carry ``Authorization: Bearer``.
The SDK's DNS-rebinding protection stays on (Host and Origin checked).
"""

from __future__ import annotations

import hmac

from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from server.errors import ConfigError
from server.mcp.surface import Surface

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def require_token_for(host: str, token: str | None) -> None:
    if host not in LOOPBACK and not token:
        raise ConfigError(
            f"refusing to listen on {host} without a token: set PILOTHOUSE_TOKEN to a long random secret "
            "(clients then send 'Authorization: Bearer <token>'), or bind to 127.0.0.1"
        )


class BearerAuth:
    """Pure ASGI middleware (no buffering, so MCP's streaming responses pass through)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                response = JSONResponse({"error": "unauthorized: send Authorization: Bearer <PILOTHOUSE_TOKEN>"},
                                        status_code=401, headers={"WWW-Authenticate": "Bearer"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def security_settings(host: str, port: int, extra_hosts: list[str] | None = None) -> TransportSecuritySettings:
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if host not in LOOPBACK:
        hosts += [f"{host}:{port}", f"{host}:*"]
        origins += [f"http://{host}:{port}", f"https://{host}"]
    hosts += extra_hosts or []
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=origins)


def build_http_app(
    surface: Surface, *, host: str, port: int, token: str | None, extra_routes: list[BaseRoute] | None = None
) -> ASGIApp:
    require_token_for(host, token)

    async def healthz(request: Request) -> Response:
        # Liveness: cheap, no database, no model.
        return JSONResponse({"status": "pass"})

    routes: list[BaseRoute] = [Route("/healthz", healthz), *(extra_routes or [])]
    app: Starlette = surface.server.streamable_http_app(
        host=host, transport_security=security_settings(host, port),
        custom_starlette_routes=routes,  # type: ignore[arg-type]  # Starlette accepts any BaseRoute
    )
    return BearerAuth(app, token) if token else app

