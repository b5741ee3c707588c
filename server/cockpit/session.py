"""Browser sessions and CSRF tokens for the cockpit.

A browser cannot send ``Authorization: Bearer``, so where /mcp needs a token the cockpit's login
form takes the same token once, checks it with the same verifier, and sets a session cookie
(HttpOnly, SameSite=Strict, scoped to /cockpit). On loopback without a token the session is
anonymous, as /mcp is open there; it exists only to bind the CSRF token.

The CSRF token is an HMAC of the session id under a per-process key: every form carries it,
and an action whose token does not match its cookie's session is refused (403). Sessions live
in memory: a restart asks for the token again, which is the point of not storing them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

COOKIE = "pilothouse_cockpit"
LIFETIME = timedelta(hours=12)
MAX_SESSIONS = 1000  # the oldest go first: a flood of anonymous visits cannot grow memory without bound


@dataclass
class Sessions:
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _expiry: dict[str, tuple[datetime, bool]] = field(default_factory=dict)  # id -> (expires, logged in)
    # The token a session signed in with, checked again on every request: a revoked one ends the session.
    _tokens: dict[str, str] = field(default_factory=dict)

    def start(self, now: datetime, *, logged_in: bool, token: str | None = None) -> str:
        while len(self._expiry) >= MAX_SESSIONS:
            self._tokens.pop(oldest := next(iter(self._expiry)), None)
            self._expiry.pop(oldest)
        sid = secrets.token_urlsafe(32)
        self._expiry[sid] = (now + LIFETIME, logged_in)
        if token is not None:
            self._tokens[sid] = token
        return sid

    def token(self, sid: str | None) -> str | None:
        return self._tokens.get(sid or "")

    def end(self, sid: str | None) -> None:
        self._expiry.pop(sid or "", None)
        self._tokens.pop(sid or "", None)

    def valid(self, sid: str | None, now: datetime) -> bool:
        entry = self._expiry.get(sid or "")
        if entry is None:
            return False
        if entry[0] <= now:
            self._expiry.pop(sid or "", None)
            return False
        return True

    def logged_in(self, sid: str | None, now: datetime) -> bool:
        return self.valid(sid, now) and self._expiry[sid or ""][1]

    def csrf(self, sid: str) -> str:
        return hmac.new(self.key, sid.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, sid: str | None, token: str | None, now: datetime) -> bool:
        if not token or not self.valid(sid, now):
            return False
        return hmac.compare_digest(self.csrf(sid or ""), token)
