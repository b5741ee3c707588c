"""Leases that survive crashes: a dead PID on this host is taken over at once, running work renews."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

import anyio
import pytest

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import LEASE, run_cycle
from server.app import App
from server.scheduler import lease
from server.testing import FakeClock

pytestmark = pytest.mark.anyio


def _dead_pid() -> int:
    """The PID of a process that ran and was reaped: nothing by that id exists now."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _alive() -> subprocess.Popen[bytes]:
    """A process that runs until its stdin closes."""
    return subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)


async def _held_by(app: App, holder: str, clock: FakeClock, minutes: float = 15) -> None:
    """A lock row as a crashed process left it: its expiry is far away."""
    expires = (clock.now() + timedelta(minutes=minutes)).isoformat(timespec="seconds")
    await app.store.execute("INSERT INTO locks (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) "
                            "DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at",
                            ("schedule:automation_dispatcher", holder, expires))


async def test_a_dead_pids_lease_is_taken_over_at_once(app: App, clock: FakeClock) -> None:
    dead = f"scheduler:{socket.gethostname()}:{_dead_pid()}:0a1b2c3d"
    await _held_by(app, dead, clock)
    assert await lease.acquire(app.store, "schedule:automation_dispatcher", "me", ttl_s=120, now=clock.now())
    info = await lease.holder_of(app.store, "schedule:automation_dispatcher", clock.now())
    assert info is not None and info.holder == "me"


async def test_a_live_holder_keeps_its_lease_and_another_hosts_waits_for_its_ttl(app: App, clock: FakeClock) -> None:
    with _alive() as alive:
        try:
            await _held_by(app, f"scheduler:{socket.gethostname()}:{alive.pid}:0a1b2c3d", clock)
            assert not await lease.acquire(app.store, "schedule:automation_dispatcher", "me", ttl_s=120,
                                           now=clock.now())
        finally:
            assert alive.stdin is not None
            alive.stdin.close()
    # A holder on another host cannot be checked: its short lease runs out instead.
    await _held_by(app, f"scheduler:elsewhere.example:{_dead_pid()}:0a1b2c3d", clock, minutes=lease.SHORT_TTL_S / 60)
    assert not await lease.acquire(app.store, "schedule:automation_dispatcher", "me", ttl_s=120, now=clock.now())
    assert await lease.acquire(app.store, "schedule:automation_dispatcher", "me", ttl_s=120,
                               now=clock.advance(seconds=lease.SHORT_TTL_S))


async def test_heartbeat_once_does_not_answer_busy_for_a_dead_holder(app: App, clock: FakeClock) -> None:
    await enable_agent(app)
    expires = (clock.now() + timedelta(minutes=15)).isoformat(timespec="seconds")
    await app.store.execute("INSERT INTO locks (name, holder, expires_at) VALUES (?, ?, ?)",
                            (LEASE, f"heartbeat:{socket.gethostname()}:{_dead_pid()}:0a1b2c3d", expires))
    record = await run_cycle(app, requested_by="cli")
    assert record.status == "idle", record.reason  # not "busy": the crashed cycle's lease was taken over
    assert await app.store.fetchval("SELECT COUNT(*) FROM locks WHERE name = ?", (LEASE,)) == 0


async def test_running_work_renews_its_short_lease(app: App, clock: FakeClock) -> None:
    assert await lease.acquire(app.store, "job", "me", ttl_s=3, now=clock.now())
    async with lease.kept(app.store, "job", "me", ttl_s=3, clock=clock) as keeper:  # renews every 1 s
        clock.advance(minutes=5)  # the work outlives its TTL: the renewal moves the expiry with it
        with anyio.fail_after(5):
            await keeper.next_renewal()
        info = await lease.holder_of(app.store, "job", clock.now())
        assert info is not None and info.holder == "me" and keeper.renewals == 1
        assert not await lease.acquire(app.store, "job", "other", ttl_s=60, now=clock.now())
