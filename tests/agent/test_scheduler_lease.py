"""Leases across processes, the scheduler as a background service, and turning the agent off mid-run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest

from server.agent.bootstrap import disable_agent, enable_agent
from server.app import App
from server.assembly import Process, open_app, scheduler_for
from server.scheduler import lease
from server.scheduler.service import Scheduler
from server.testing import FakeClock

pytestmark = pytest.mark.anyio


async def test_lease_is_exclusive_until_it_expires(app: App, clock: FakeClock) -> None:
    now = clock.now()
    assert await lease.acquire(app.store, "job", "a", ttl_s=60, now=now)
    assert not await lease.acquire(app.store, "job", "b", ttl_s=60, now=now)
    assert await lease.acquire(app.store, "job", "a", ttl_s=60, now=clock.advance(seconds=30))  # renewal
    assert not await lease.acquire(app.store, "job", "b", ttl_s=60, now=clock.advance(seconds=59))
    assert await lease.acquire(app.store, "job", "b", ttl_s=60, now=clock.advance(seconds=2))  # a's expired
    assert not await lease.release(app.store, "job", "a")  # no longer a's to release
    info = await lease.holder_of(app.store, "job", clock.now())
    assert info is not None and info.holder == "b"
    assert await lease.release(app.store, "job", "b") and await lease.holder_of(app.store, "job", clock.now()) is None


async def test_two_processes_never_run_the_same_schedule_at_once(tmp_path: Path, clock: FakeClock) -> None:
    entered, release = anyio.Event(), anyio.Event()
    ran: list[str] = []

    async def slow_dispatch(app: Any, scheduler: Scheduler) -> str:
        ran.append(scheduler.holder)
        entered.set()
        await release.wait()
        return "ok"

    actions = {"automation_dispatcher": slow_dispatch}
    db = tmp_path / "two.db"
    async with open_app(db, clock=clock) as one, open_app(db, clock=clock) as two:
        await enable_agent(one)
        a, b = scheduler_for(one, actions=actions), scheduler_for(two, actions=actions)
        clock.advance(minutes=1)
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(a.tick)
                await entered.wait()
                assert await b.tick() == []  # a holds schedule:automation_dispatcher
                release.set()
        assert ran == [a.holder]
        assert await b.tick() == []  # the occurrence was claimed: b does not run it late
        row = await two.store.fetchone(
            "SELECT last_status, next_run FROM schedules WHERE name = 'automation_dispatcher'")
        assert row is not None
        assert row["last_status"] == "ok" and row["next_run"] > clock.now().isoformat()
        assert await two.store.fetchval("SELECT COUNT(*) FROM locks") == 0


async def test_turning_the_agent_off_stops_a_running_heartbeat_within_one_tick(app: App, clock: FakeClock) -> None:
    started = anyio.Event()

    async def thinking_forever(app: Any, **kwargs: Any) -> Any:
        started.set()
        await anyio.sleep_forever()

    await enable_agent(app)
    await app.executor.call("pilot_create_objective", {"goal": "Publish more posts", "success_criteria": "3 posts"},
                            caller="cli")
    scheduler = scheduler_for(app, reasoner=thinking_forever)
    clock.advance(minutes=30)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            scheduler._tg = tg  # service mode: the heartbeat runs in its own task
            entries = {e.schedule: e.status for e in await scheduler.tick()}
            assert entries["heartbeat"] == "started"
            await started.wait()
            await disable_agent(app)
            assert await scheduler.tick() == []  # this tick cancels the heartbeat; the group then drains
    beat = await app.store.fetchone("SELECT status, detail FROM heartbeats")
    assert beat is not None
    assert beat["status"] == "skipped" and "interrupted" in beat["detail"]
    schedule = await app.store.fetchval("SELECT last_status FROM schedules WHERE name = 'heartbeat'")
    assert schedule.startswith("interrupted")
    assert await app.store.fetchval("SELECT COUNT(*) FROM locks") == 0
    assert await app.store.fetchval("SELECT locked_until FROM objectives") is None


async def test_service_ticks_in_the_task_group_and_registers_once(app: App, clock: FakeClock) -> None:
    ticked = anyio.Event()

    async def dispatch(app: Any, scheduler: Scheduler) -> str:
        ticked.set()
        return "ok"

    await enable_agent(app)
    clock.advance(minutes=1)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(scheduler_for(app, actions={"automation_dispatcher": dispatch}).run_forever)
            await ticked.wait()
            tg.cancel_scope.cancel()
    # serve's assembly starts exactly one scheduler beside the transport; a process without one starts none.
    # (On PostgreSQL a skill watcher runs beside it too: other instances switch modules.)
    def schedulers(process: Process) -> int:
        return sum(s.__name__ == "deferred_scheduler" for s in process.services)

    assert schedulers(Process.assemble(app)) == 1
    assert schedulers(Process.assemble(app, scheduler=False)) == 0
