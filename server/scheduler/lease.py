"""Leases: a named lock row with a holder and an expiry, shared by every process on the database.

Two processes (a ``serve`` and a ``heartbeat --once``, or two servers on one file) never
run the same schedule or heartbeat at once: whoever holds ``locks.name`` runs, the other
skips. The claim is one conditional upsert inside ``BEGIN IMMEDIATE``, so SQLite's file
lock serializes competing claims across processes.

A holder that dies loses the lease at once when it ran on this host (the holder id names the
host and PID: a PID that no longer exists is taken over on the spot), otherwise when the lease
expires. Leases are short (``SHORT_TTL_S``) and work that runs longer renews its lease while it
runs (``kept``), so a crash on another host stalls scheduled work for about two minutes at most.
Nothing needs cleaning up by hand.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio

from server.telemetry.schedule import traced_lease
from skills.context import Clock, Database

log = logging.getLogger(__name__)

SHORT_TTL_S = 120.0  # how long a crashed holder on another host keeps a lease


def new_holder_id(role: str = "proc") -> str:
    """Unique per instance: two apps in one process (tests) are two holders."""
    return f"{role}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class LeaseInfo:
    name: str
    holder: str
    expires_at: str


def _dead_here(holder: str) -> bool:
    """Whether ``holder`` (``role:host:pid:token``) names a process of this host that no longer exists."""
    parts = holder.split(":")
    if len(parts) < 4 or parts[-3] != socket.gethostname() or not parts[-2].isdigit():
        return False
    pid = int(parts[-2])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, owned by another user
        return False
    return False


def holder_gone(holder: str) -> bool:
    """Whether ``holder`` is a process of this host that no longer runs (another host's: never known)."""
    return _dead_here(holder)


@traced_lease
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
        if result.rowcount == 1:
            return True
        current = await tx.fetchval("SELECT holder FROM locks WHERE name = ?", (name,))
        if current is None or not _dead_here(str(current)):
            return False
        # Compare-and-set on the dead holder: of two processes seeing it dead, one takes it.
        taken = await tx.execute("UPDATE locks SET holder = ?, expires_at = ? WHERE name = ? AND holder = ?",
                                 (holder, expires, name, current))
    if taken.rowcount == 1:
        log.warning("lease %s: its holder %s is no longer running on this host; taken over", name, current)
    return taken.rowcount == 1


class Keeper:
    """What ``kept`` yields: how many times the lease was renewed, and a way to wait for the next one."""

    def __init__(self) -> None:
        self.renewals = 0
        self._next = anyio.Event()

    def _renewed(self) -> None:
        self.renewals += 1
        self._next.set()
        self._next = anyio.Event()

    async def next_renewal(self) -> None:
        await self._next.wait()


@asynccontextmanager
async def kept(store: Database, name: str, holder: str, *, ttl_s: float, clock: Clock) -> AsyncIterator[Keeper]:
    """Renew a lease already held every third of its TTL while the body runs (real time: a renewal
    is about the holder being alive, not about the clock work is scheduled by)."""
    keeper = Keeper()

    async def renew() -> None:
        while True:
            await anyio.sleep(ttl_s / 3)
            if not await acquire(store, name, holder, ttl_s=ttl_s, now=clock.now()):
                log.warning("lease %s: lost to another holder while %s still runs", name, holder)
                return
            keeper._renewed()

    async with anyio.create_task_group() as tg:
        tg.start_soon(renew)
        try:
            yield keeper
        finally:
            tg.cancel_scope.cancel()


@traced_lease
async def release(store: Database, name: str, holder: str) -> bool:
    """Give the lease back, only if still ours (an expired lease may already be someone else's)."""
    result = await store.execute("DELETE FROM locks WHERE name = ? AND holder = ?", (name, holder))
    return result.rowcount == 1


async def holder_of(store: Database, name: str, now: datetime) -> LeaseInfo | None:
    row = await store.fetchone("SELECT name, holder, expires_at FROM locks WHERE name = ? AND expires_at > ?",
                               (name, now.isoformat(timespec="seconds")))
    return LeaseInfo(**row) if row else None
