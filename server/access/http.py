"""The HTTP side of tokens: a clear 401 for a refused token, and routes guarded by a scope.

``refused`` answers a token the verifier knows but refuses (revoked, expired: ``TokenRefused``)
with 401 ``invalid_token`` and the reason in ``error_description``, as RFC 6750 says, so a client
and the person reading its log see which token and what to do. ``RequireScope`` lets a route
through only for a token whose scopes allow it (403 ``insufficient_scope`` otherwise); a request
without a token, or with the owner's, was already let in by the auth layer.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.authentication import AuthenticationError
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from server.access.principal import of_request
from server.access.scopes import Scopes


def refused(conn: HTTPConnection, exc: AuthenticationError) -> Response:
    return error_response(401, "invalid_token", str(exc))


def error_response(status: int, error: str, description: str, metadata_url: str | None = None) -> Response:
    quoted = json.dumps(description)  # an RFC 7230 quoted-string: backslashes and quotes escaped
    challenge = f'Bearer error="{error}", error_description={quoted}'
    if metadata_url:
        challenge += f', resource_metadata="{metadata_url}"'
    return JSONResponse({"error": error, "error_description": description}, status_code=status,
                        headers={"www-authenticate": challenge})


class RequireScope:
    """Let a request through when its token's scopes pass ``check`` (or it carries no scoped token)."""

    def __init__(self, app: ASGIApp, check: Callable[[Scopes], bool], needs: str) -> None:
        self.app = app
        self.check = check
        self.needs = needs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        principal = of_request(HTTPConnection(scope)) if scope["type"] == "http" else None
        if principal is not None and principal.scopes is not None and not self.check(principal.scopes):
            await error_response(403, "insufficient_scope", f"the token '{principal.name}' lacks the scope "
                                 f"{self.needs} (it has: {principal.scopes})")(scope, receive, send)
            return
        await self.app(scope, receive, send)
