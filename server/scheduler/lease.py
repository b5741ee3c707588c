"""Leases: a named lock row with a holder and an expiry, shared by every process on the database.

Two processes (a ``serve`` and a ``heartbeat --once``, or two servers on one file) never
run the same schedule or heartbeat at once: whoever holds ``locks.name`` runs, the other
skips. The claim is one conditional upsert inside ``BEGIN IMMEDIATE``, so SQLite's file
lock serializes competing claims across processes. A holder that dies loses the lease
when it expires; nothing needs cleaning up by hand.
"""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from skills.context import Database


def new_holder_id(role: str = "proc") -> str:
    """Unique per instance: two apps in one process (tests) are two holders."""
    return f"{role}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    name: str
    holder: str
    expires_at: str


async def acquire(store: Database, name: str, holder: str, *, ttl_s: float, now: datetime) -> bool:
    """Take (or extend) the lease; True when ``holder`` holds it afterwards."""
    now_iso = now.isoformat(timespec="seconds")
    expires = (now + timedelta(seconds=ttl_s)).isoformat(timespec="seconds")
    async with store.transaction() as tx:
        result = await tx.execute(
            "INSERT INTO locks (name, holder, expires_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
            "WHERE locks.holder = excluded.holder OR locks.expires_at <= ?",
            (name, holder, expires, now_iso),
        )
    return result.rowcount == 1


async def release(store: Database, name: str, holder: str) -> bool:
    """Give the lease back, only if still ours (an expired lease may already be someone else's)."""
    result = await store.execute("DELETE FROM locks WHERE name = ? AND holder = ?", (name, holder))
    return result.rowcount == 1


async def holder_of(store: Database, name: str, now: datetime) -> LeaseInfo | None:
    row = await store.fetchone("SELECT name, holder, expires_at FROM locks WHERE name = ? AND expires_at > ?",
                               (name, now.isoformat(timespec="seconds")))
    return LeaseInfo(**row) if row else None
