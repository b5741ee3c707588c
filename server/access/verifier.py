"""The bearer check of the HTTP surface: whose token is it, and may it still be used?

One ``TokenVerifier`` (the MCP SDK's auth layer asks it on every request) knows three kinds:

    PILOTHOUSE_TOKEN            the single shared secret of old: the owner (scope ``owner``)
    ph_...                      a token from ``pilothouse tokens create``: its name and scopes,
                                looked up by digest on every request, so a revocation counts at once
    anything else               the verifier named by PILOTHOUSE_TOKEN_VERIFIER (an OAuth server's
                                tokens), if one is

A revoked or expired ``ph_`` token is refused with its reason (``TokenRefused``), which the HTTP
app answers as a 401 naming the token and what to do, instead of the SDK's bare "Authentication
required".
"""

from __future__ import annotations

import hmac

from mcp.server.auth.provider import AccessToken, TokenVerifier
from starlette.authentication import AuthenticationError

from server.access.scopes import OWNER, OWNER_NAME
from server.store import AnyStore
from server.tables import access_tokens
from server.tables.access_tokens import PREFIX
from skills import Clock

LOOKUP_SQL = f"SELECT {access_tokens.COLUMNS} FROM access_tokens WHERE token_hash = ?"


class TokenRefused(AuthenticationError):
    """A token this instance knows but no longer accepts: the message says which and why."""


class AccessTokens:
    """A TokenVerifier over the shared token, the database's tokens and an optional external verifier."""

    def __init__(self, store: AnyStore, clock: Clock, *, shared: str | None = None,
                 external: TokenVerifier | None = None) -> None:
        self.store = store
        self.clock = clock
        self._shared = shared.encode() if shared else None
        self.external = external

    async def verify_token(self, token: str) -> AccessToken | None:
        token = token.strip()
        if self._shared is not None and hmac.compare_digest(token.encode(), self._shared):
            return AccessToken(token=token, client_id=OWNER_NAME, scopes=[OWNER])
        if token.startswith(PREFIX):
            return await self._named(token)
        return await self.external.verify_token(token) if self.external is not None else None

    async def _named(self, token: str) -> AccessToken | None:
        digest = access_tokens.digest(token)
        rows = self.store.peek(LOOKUP_SQL, (digest,))  # on the spot when the store can: every request asks
        row = (rows[0] if rows else None) if rows is not None else await access_tokens.by_hash(self.store, digest)
        if row is None:
            return None
        name = row["name"]
        if row["revoked_at"]:
            raise TokenRefused(f"the token '{name}' was revoked at {row['revoked_at']}; ask the owner for a new "
                               "one (pilothouse tokens create)")
        if row["expires_at"] and row["expires_at"] <= self.clock.now().isoformat(timespec="seconds"):
            raise TokenRefused(f"the token '{name}' expired at {row['expires_at']}; ask the owner for a new one "
                               "(pilothouse tokens create)")
        return AccessToken(token=token, client_id=name, scopes=row["scopes"].split())
