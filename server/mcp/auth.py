"""Who may call the HTTP surface: bearer tokens checked by the SDK's auth layer.

The SDK's ``BearerAuthBackend`` reads ``Authorization: Bearer <token>`` (the scheme in any case,
RFC 9110 §11.1) and asks a ``TokenVerifier``. Two verifiers plug in here:

- the shared secret ``PILOTHOUSE_TOKEN`` (``SharedTokenVerifier``, compared in constant time);
- any ``TokenVerifier`` of your own, named by ``PILOTHOUSE_TOKEN_VERIFIER=package.module:factory``
  (a callable returning the verifier), for tokens an OAuth authorization server issues: verify
  the JWT's signature and audience, or call the server's introspection endpoint. With
  ``PILOTHOUSE_AUTH_ISSUER`` set, the server also publishes its protected-resource metadata
  (RFC 9728) naming that authorization server, so MCP clients can find where to log in.
"""

from __future__ import annotations

import hmac
import importlib
from typing import Any

from mcp.server.auth.provider import AccessToken, TokenVerifier

from server.errors import ConfigError

CLIENT_ID = "pilothouse-token"  # the principal every holder of the shared secret is


class SharedTokenVerifier:
    """Accepts exactly one shared secret (PILOTHOUSE_TOKEN)."""

    def __init__(self, token: str) -> None:
        self._expected = token.encode()

    async def verify_token(self, token: str) -> AccessToken | None:
        if not hmac.compare_digest(token.strip().encode(), self._expected):
            return None
        return AccessToken(token=token, client_id=CLIENT_ID, scopes=[])


def load_verifier(spec: str) -> TokenVerifier:
    """``package.module:factory`` -> the TokenVerifier that factory returns."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"PILOTHOUSE_TOKEN_VERIFIER must look like package.module:factory, got {spec!r}")
    try:
        factory: Any = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load the token verifier {spec!r}: {exc}") from exc
    verifier = factory() if callable(factory) and not hasattr(factory, "verify_token") else factory
    if not callable(getattr(verifier, "verify_token", None)):
        raise ConfigError(f"{spec!r} did not give a TokenVerifier (an object with async verify_token(token))")
    return verifier  # type: ignore[no-any-return]
