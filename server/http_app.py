"""The HTTP face: MCP at /mcp plus the plain endpoints, behind optional bearer auth.

Safe by default: the CLI binds 127.0.0.1. Binding anywhere else requires tokens (``pilothouse
tokens create``, or the single owner token ``PILOTHOUSE_TOKEN``) or a token verifier of your own
(server/mcp/auth.py); then /mcp and /instance-health need ``Authorization: Bearer <token>``, checked
by the SDK's auth layer with server/access/verifier.py, and a token's scopes narrow what it reaches.
/healthz and /readyz answer without a token and say only pass or fail, for liveness and
readiness probes.

No page of ours renders inside another site's frame (``X-Frame-Options: DENY`` and a
``Content-Security-Policy`` with ``frame-ancestors 'none'`` on every response), so the cockpit's
buttons cannot be clicked through a stranger's page.

Every route checks Host and Origin (DNS-rebinding protection): loopback names always, plus
the bind address and whatever ``--allowed-host`` / ``PILOTHOUSE_ALLOWED_HOSTS`` add, which is
how a reverse proxy's public name (``mcp.example.com``) gets through. A JSON-RPC request whose
``id`` is null or an object is refused with -32600 instead of being taken for a notification.

A request body is limited before anything reads it (``PILOTHOUSE_MAX_BODY_BYTES``, default 4 MiB,
the SDK's own default for MCP messages): a declared length over the limit is answered 413 on the
headers, and a streamed body is cut off with 413 as soon as it passes the limit. Every route sits
behind the SDK's ``RequestBodyLimitMiddleware``, outermost, so no layer of ours buffers more.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.routes import build_resource_metadata_url, create_protected_resource_routes
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp
from mcp.server.transport_security import (
    RequestBodyLimitMiddleware,
    TransportSecurityMiddleware,
    TransportSecuritySettings,
)
from pydantic import AnyHttpUrl, ValidationError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server import settings as process_settings
from server.access.http import RequireScope, refused
from server.access.verifier import AccessTokens
from server.errors import ConfigError
from server.mcp.auth import load_verifier
from server.mcp.event_store import RETRY_MS, MemoryEventStore
from server.mcp.surface import Surface

LOOPBACK = ("127.0.0.1", "localhost", "::1")
MCP_PATH = "/mcp"
PUBLIC_PATHS = ("/healthz", "/readyz")  # probes: no token, nothing revealed
# Routes that check the token themselves, with the same verifier (app.state.token_verifier): the cockpit's
# browser login exchanges it for a session cookie, since a browser cannot send the Authorization header.
OWN_AUTH_PREFIX = "/cockpit"
MAX_BODY_ENV = "PILOTHOUSE_MAX_BODY_BYTES"
DEFAULT_MAX_BODY = 4 * 2**20
_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}


@dataclass(frozen=True)
class HttpSettings:
    """How the HTTP surface is reached: bind address, who may call, which names it answers to."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None
    verifier: str | None = None  # package.module:factory of a TokenVerifier (an OAuth server's tokens)
    allowed_hosts: tuple[str, ...] = ()
    allowed_origins: tuple[str, ...] = ()
    public_url: str | None = None  # the URL clients use, e.g. https://mcp.example.com/mcp (behind a proxy)
    auth_issuer: str | None = None  # the OAuth authorization server named in the protected-resource metadata
    scopes: tuple[str, ...] = field(default=())
    access_tokens: bool = False  # the database holds tokens (pilothouse tokens create): every caller needs one
    max_body_bytes: int = DEFAULT_MAX_BODY  # a request body over this is answered 413 before it is read

    @classmethod
    def from_env(cls, host: str, port: int, *, allowed_hosts: Sequence[str] = (),
                 allowed_origins: Sequence[str] = ()) -> HttpSettings:
        """Flags first, then PILOTHOUSE_* variables (comma-separated lists add to the flags)."""
        env = process_settings.load()
        return cls(host=host, port=port, token=env.token, verifier=env.token_verifier,
                   allowed_hosts=(*_split(allowed_hosts), *_split([env.allowed_hosts])),
                   allowed_origins=(*_split(allowed_origins), *_split([env.allowed_origins])),
                   public_url=env.public_url, auth_issuer=env.auth_issuer, scopes=tuple(_split([env.auth_scopes])),
                   max_body_bytes=max_body_bytes())


def max_body_bytes(env: Mapping[str, str] | None = None) -> int:
    """``PILOTHOUSE_MAX_BODY_BYTES``: bytes, or with a K, M or G suffix (``16M``); 4 MiB when unset."""
    raw = process_settings.load(env).max_body_bytes.strip().lower().removesuffix("b")
    if not raw:
        return DEFAULT_MAX_BODY
    unit = raw[-1] if raw[-1] in _UNITS else ""
    try:
        size = int(float(raw.removesuffix(unit)) * _UNITS[unit])
    except ValueError:
        size = 0
    if size <= 0:
        raise ConfigError(f"{MAX_BODY_ENV}={raw!r} is not a size: use bytes or a K/M/G suffix, e.g. 16M")
    return size


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def require_token_for(host: str, token: str | None) -> None:
    if host not in LOOPBACK and not token:
        raise ConfigError(
            f"refusing to listen on {host} without a token: create one per person or integration "
            "(pilothouse tokens create NAME --scopes ...), or set PILOTHOUSE_TOKEN to a long random secret "
            "(clients then send 'Authorization: Bearer <token>'), or bind to 127.0.0.1"
        )


def security_settings(settings: HttpSettings) -> TransportSecuritySettings:
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*", "127.0.0.1", "localhost", "[::1]"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    if settings.host not in LOOPBACK and settings.host not in ("0.0.0.0", "::"):
        hosts += [settings.host, f"{settings.host}:*"]
        origins += [f"http://{settings.host}:{settings.port}", f"https://{settings.host}"]
    for name in settings.allowed_hosts:
        # A bare name allows it on any port (a proxy forwards "mcp.example.com" or "mcp.example.com:443").
        hosts += [name] if ":" in name.removeprefix("[") else [name, f"{name}:*"]
        origins += [] if ":" in name.removeprefix("[") else [f"https://{name}", f"http://{name}"]
    origins += list(settings.allowed_origins)
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=hosts,
                                     allowed_origins=origins)


class HostCheck:
    """The SDK's Host/Origin check, on every route (it guards only /mcp itself, so /mcp is left to it:
    checked twice, every tools/call paid for it twice)."""

    def __init__(self, app: ASGIApp, settings: TransportSecuritySettings) -> None:
        self.app = app
        self.security = TransportSecurityMiddleware(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] != MCP_PATH:
            refused = await self.security.validate_request(Request(scope), is_post=False)
            if refused is not None:
                await refused(scope, receive, send)
                return
        await self.app(scope, receive, send)


NO_FRAMING = [(b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'")]


class NoFraming:
    """Adds the anti-framing headers to every HTTP response (refusals included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def framed(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *NO_FRAMING]}
            await send(message)

        await self.app(scope, receive, framed)


class RequestIdCheck:
    """Refuse a request whose id is null, an object or a list (-32600), before the SDK reads it.

    Left alone, the handshake-era transport takes such a message for a notification: 202, no answer,
    and the client waits for a response that never comes.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b'"id"' in body and _bad_id(body):
            error = {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": (
                "Invalid Request: id must be a string or an integer (a message without an id is a notification)")}}
            await JSONResponse(error, status_code=400)(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _bad_id(body: bytes) -> bool:
    try:
        message = json.loads(body)
    except (ValueError, RecursionError):
        return False  # the SDK answers a parse error itself
    if not isinstance(message, dict) or "method" not in message or "id" not in message:
        return False
    rid = message["id"]
    return isinstance(rid, bool) or not isinstance(rid, (str, int))


def token_verifier(settings: HttpSettings, surface: Surface) -> TokenVerifier:
    """The shared owner token, the database's tokens, then an OAuth server's (server/access/verifier.py)."""
    external = load_verifier(settings.verifier) if settings.verifier else None
    return AccessTokens(surface.app.store, surface.app.clock, shared=settings.token, external=external)


# Routes that show more than pass/fail are guarded by the scope of what they show.
SCOPED_ROUTES = {"/instance-health": ("health:read", lambda s: s.grants_level("health", "read"))}


def build_http_app(
    surface: Surface, *, host: str, port: int, token: str | None = None, extra_routes: list[BaseRoute] | None = None,
    settings: HttpSettings | None = None,
) -> ASGIApp:
    settings = settings or HttpSettings(host=host, port=port, token=token)
    verifier = token_verifier(settings, surface)
    required = bool(settings.token or settings.verifier or settings.access_tokens)
    require_token_for(settings.host, "yes" if required else None)
    security = security_settings(settings)

    async def healthz(request: Request) -> Response:
        # Liveness: cheap, no database, no model.
        return JSONResponse({"status": "pass"})

    # Builds the SDK's session manager (resumable streams: a bounded event store); we route to it ourselves.
    surface.server.streamable_http_app(host=settings.host, transport_security=security,
                                       event_store=MemoryEventStore(), retry_interval=RETRY_MS,
                                       max_request_body_size=settings.max_body_bytes)
    mcp: ASGIApp = RequestIdCheck(StreamableHTTPASGIApp(surface.server.session_manager))
    routes: list[BaseRoute] = [Route("/healthz", healthz), *(extra_routes or [])]
    routes = [Route(r.path, RequireScope(r.app, SCOPED_ROUTES[r.path][1], SCOPED_ROUTES[r.path][0]),
                    methods=list(r.methods or ["GET"])) if isinstance(r, Route) and r.path in SCOPED_ROUTES else r
              for r in routes]
    middleware: list[Middleware] = []
    if required:  # open loopback (no token of any kind at start) pays for no auth layer on any request
        middleware = [Middleware(AuthenticationMiddleware, backend=BearerAuthBackend(verifier), on_error=refused),
                      Middleware(AuthContextMiddleware)]
        metadata_url = _metadata_url(settings)
        mcp = RequireAuthMiddleware(mcp, list(settings.scopes), metadata_url)
        routes = [r if not isinstance(r, Route) or r.path in PUBLIC_PATHS or r.path.startswith(OWN_AUTH_PREFIX)
                  else Route(r.path, RequireAuthMiddleware(r.app, list(settings.scopes), metadata_url),
                             methods=list(r.methods or ["GET"]))
                  for r in routes]
        if metadata_url is not None and settings.public_url and settings.auth_issuer:
            routes += create_protected_resource_routes(
                AnyHttpUrl(settings.public_url), [AnyHttpUrl(settings.auth_issuer)],
                scopes_supported=list(settings.scopes) or None, resource_name="Pilothouse")
    app = Starlette(routes=[Route(MCP_PATH, mcp), *routes], middleware=middleware,
                    lifespan=lambda _: surface.server.session_manager.run())
    app.state.token_verifier = verifier if required else None  # the cockpit asks it to sign a browser in
    app.state.access_tokens = verifier  # ... and to check a signed-in browser's token again on every request
    return RequestBodyLimitMiddleware(NoFraming(HostCheck(app, security)), settings.max_body_bytes)


def _metadata_url(settings: HttpSettings) -> AnyHttpUrl | None:
    """Where the protected-resource metadata lives (named in 401 answers), when an issuer is configured."""
    if not (settings.public_url and settings.auth_issuer):
        return None
    try:
        return build_resource_metadata_url(AnyHttpUrl(settings.public_url))
    except ValidationError as exc:
        raise ConfigError(f"PILOTHOUSE_PUBLIC_URL must be a full URL such as https://mcp.example.com/mcp "
                          f"({exc.errors()[0]['msg']})") from exc
