"""Who a request or a local call is: the name every activity row, approval and cockpit action records.

Over HTTP the SDK's auth layer has put the verified token on the request (``scope["user"]``): its
name (an OAuth token's subject, else its client) and its Pilothouse scopes. A token that carries
none of our scopes (an OAuth server's, with its own) has full access, as every token had before
scopes existed; issue our scopes from the authorization server to narrow it. Without a token (stdio,
the CLI, loopback HTTP with auth off) the caller is the person at this machine: the local account.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.access.local import local_name
from server.access.scopes import Scopes, lenient

if TYPE_CHECKING:
    from mcp.server.auth.provider import AccessToken


@dataclass(frozen=True)
class Principal:
    name: str
    scopes: Scopes | None  # None: no narrowing (the owner, or a token without Pilothouse scopes)


def of_request(request: Any) -> Principal | None:
    """The verified token of an HTTP request, or None (no token, or not HTTP)."""
    scope = getattr(request, "scope", None)
    user = scope.get("user") if scope is not None else None
    token = getattr(user, "access_token", None)
    return None if token is None else of_token(token)


def of_token(token: AccessToken) -> Principal:
    scopes = lenient(token.scopes)
    return Principal(token.subject or token.client_id, None if scopes is None or scopes.owner else scopes)


def name_of(request: Any) -> str:
    principal = of_request(request)
    return principal.name if principal is not None else local_name()
