"""What one HTTP connection is offered: its headers' narrowing and its token's scopes, together.

The process's selection (``serve --read-only --modules ...``) is narrowed by the connection's
``X-Pilothouse-*`` headers (server/manifest/offered.py) and by the scopes of the token it sent
(server/access/scopes.py); nothing widens it. The owner's token narrows nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server.access.principal import of_request
from server.manifest.offered import Selection, from_headers

if TYPE_CHECKING:
    from server.app import App


def selection(app: App, request: Any) -> Selection | None:
    """This connection's own narrowing, or None when it has none (no headers, no scoped token)."""
    narrowed = from_headers(app, getattr(request, "headers", None))
    principal = of_request(request)
    if principal is None or principal.scopes is None:
        return narrowed
    scoped = Selection(scopes=(principal.scopes,))
    return scoped if narrowed is None else narrowed.narrow(scoped)
