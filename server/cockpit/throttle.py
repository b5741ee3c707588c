"""How many wrong tokens the cockpit's sign-in form takes: per client and in total, over a sliding window.

Without a limit a script tries thousands of tokens a minute. Failed attempts are counted per client
(``PER_CLIENT`` in ``WINDOW``) and over all clients together (``TOTAL``: an attacker spreading
guesses over many addresses still hits it); past either, every attempt is refused with 429 and
``Retry-After`` until the oldest counted failure leaves the window, and each refusal is logged. A
right token clears its client's count. Only failures count, so a person signing in is never held
up by their own successes; the total limit can lock the person out of the form for a while, never
out of /mcp (bearer tokens are checked by the SDK, not here).

A client is the connecting address; behind a reverse proxy on the same machine (the peer is
loopback) it is the last ``X-Forwarded-For`` address: the one the proxy itself appended (the ones before
it are whatever the client sent, so a guesser could make up a new one per attempt). The clock is the app's,
so tests move time instead of sleeping. In memory, like the sessions: a restart starts over.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

log = logging.getLogger(__name__)

PER_CLIENT = 10
TOTAL = 100
WINDOW = timedelta(minutes=15)
MAX_CLIENTS = 10_000  # the oldest client's count goes first: a flood of addresses cannot grow memory without bound


@dataclass
class LoginThrottle:
    per_client: int = PER_CLIENT
    total: int = TOTAL
    window: timedelta = WINDOW
    _clients: dict[str, deque[datetime]] = field(default_factory=dict)
    _all: deque[datetime] = field(default_factory=deque)

    def wait(self, client: str, now: datetime) -> timedelta | None:
        """How long ``client`` must wait before trying again (None: it may try now)."""
        self._forget(now)
        mine = self._clients.get(client)
        waits = [q[0] + self.window - now for q, limit in ((mine, self.per_client), (self._all, self.total))
                 if q is not None and len(q) >= limit]
        if not waits:
            return None
        wait = max(waits)
        scope = "this client" if mine is not None and len(mine) >= self.per_client else "all clients"
        log.warning("cockpit sign-in refused for %s: %d failed attempts from %s in %s; try again in %ds",
                    client, len(mine or ()) if scope == "this client" else len(self._all), scope, self.window,
                    wait.total_seconds())
        return wait

    def failed(self, client: str, now: datetime) -> None:
        while client not in self._clients and len(self._clients) >= MAX_CLIENTS:
            self._clients.pop(next(iter(self._clients)))
        self._clients.setdefault(client, deque()).append(now)
        self._all.append(now)
        log.warning("cockpit sign-in failed for %s (%d in %s from it, %d from all clients)",
                    client, len(self._clients[client]), self.window, len(self._all))

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)

    def _forget(self, now: datetime) -> None:
        horizon = now - self.window
        while self._all and self._all[0] <= horizon:
            self._all.popleft()
        for client in [c for c, q in self._clients.items() if q and q[-1] <= horizon]:
            del self._clients[client]
        for q in self._clients.values():
            while q and q[0] <= horizon:
                q.popleft()


def client_of(peer: str | None, forwarded_for: str | None) -> str:
    """Who is signing in: the peer address, or behind a local reverse proxy the address it appended."""
    if peer in ("127.0.0.1", "::1") and forwarded_for:
        return forwarded_for.split(",")[-1].strip() or peer
    return peer or "unknown"
