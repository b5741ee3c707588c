"""The scheduler's gating and its explicit missed-run policy, on a FakeClock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.agent.bootstrap import disable_agent, enable_agent
from server.app import App
from server.assembly import scheduler_for
from server.scheduler import cron
from server.testing import FakeClock

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_plan_coalesces_recent_misses_and_skips_old_ones() -> None:
    assert cron.plan("*/5 * * * *", "UTC", T0, T0 - timedelta(seconds=1)) is None  # not due yet
    armed = cron.plan("*/5 * * * *", "UTC", None, T0)
    assert armed is not None and armed.armed_only and armed.next_run == T0 + timedelta(minutes=5)
    # 40 minutes late: all 9 occurrences are inside the 1 h window -> one run, nothing missed.
    late = cron.plan("*/5 * * * *", "UTC", T0, T0 + timedelta(minutes=40, seconds=10))
    assert late is not None and late.run and late.missed == 0
    assert late.occurrence == T0 + timedelta(minutes=40) and late.next_run == T0 + timedelta(minutes=45)
    # 3 h late: the occurrences older than 1 h are missed (2 h worth = 24), the latest runs once.
    down = cron.plan("*/5 * * * *", "UTC", T0, T0 + timedelta(hours=3))
    assert down is not None and down.run and down.missed == 24
    assert down.missed_since == T0 and down.occurrence == T0 + timedelta(hours=3)
    # A daily job whose only occurrence is 2 h old: not run late, recorded as missed.
    daily = cron.plan("0 3 * * *", "UTC", T0.replace(hour=3), T0.replace(hour=5))
    assert daily is not None and not daily.run and daily.missed == 1
    assert daily.next_run == T0.replace(hour=3) + timedelta(days=1)
    # Timezones: 03:00 in Stockholm is 02:00 UTC in November.
    assert cron.next_after("0 3 * * *", "Europe/Stockholm", T0) == datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    with pytest.raises(cron.CronError, match="5 fields"):
        cron.check("*/5 * * *")
    with pytest.raises(cron.CronError, match="IANA"):
        cron.check("* * * * *", "Mars/Base")


async def _schedules(app: App) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in await app.store.fetchall("SELECT * FROM schedules")}


async def test_agent_off_the_platform_still_works_and_the_agents_schedules_wait(app: App, clock: FakeClock) -> None:
    post = await app.executor.call("blog_create_post", {"title": "Timed", "body": "Hello"}, caller="cli")
    assert post.output is not None
    when = (clock.now() + timedelta(minutes=3)).isoformat()
    await app.executor.call("blog_schedule_post", {"post_id": post.output["id"], "publish_at": when}, caller="cli")
    scheduler = scheduler_for(app)
    await enable_agent(app)
    await disable_agent(app)
    clock.advance(minutes=10)
    ran = {e.schedule: e.status for e in await scheduler.tick()}
    assert set(ran) == {"approvals", "automation_dispatcher"}  # platform work; the first pass arms automations
    clock.advance(minutes=5)
    ran = {e.schedule: e.status for e in await scheduler.tick()}
    assert ran["automation_dispatcher"].startswith("ok: fired")  # the blog's own publisher, among others
    assert await app.store.fetchval("SELECT status FROM blog_posts") == "published"

    clock.current = clock.current.replace(minute=30, second=30)  # the heartbeat's time: the agent is off
    assert "heartbeat" not in {e.schedule for e in await scheduler.tick()}
    assert await app.store.fetchval("SELECT COUNT(*) FROM heartbeats") == 0
    assert (await _schedules(app))["heartbeat"]["last_run"] is None

    await enable_agent(app)  # re-arms the heartbeat whose time passed while it was off: nothing missed
    clock.current = clock.current.replace(hour=10, minute=0)
    assert "heartbeat" in {e.schedule for e in await scheduler.tick()}
    assert await app.store.fetchval("SELECT COUNT(*) FROM heartbeats") == 1
    assert not await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'schedule:heartbeat'")


async def test_missed_runs_are_recorded_never_silently_lost(app: App, clock: FakeClock) -> None:
    await enable_agent(app)
    scheduler = scheduler_for(app)
    clock.advance(minutes=20)  # a short stall: inside the catch-up window
    ran = {e.schedule for e in await scheduler.tick()}
    assert ran == {"approvals", "automation_dispatcher"}
    assert not await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE error_kind = 'missed'")

    clock.current = datetime(2026, 11, 3, 5, 30, tzinfo=UTC)  # the process was down over the night
    entries = {e.schedule: e.status for e in await scheduler.tick()}
    rows = await _schedules(app)
    assert rows["learn"]["last_status"].startswith("missed: missed 1 run(s) from 2026-11-03T03:00:00+00:00")
    assert rows["learn"]["last_run"] is None and rows["learn"]["next_run"] == "2026-11-04T03:00:00+00:00"
    assert entries["learn"].startswith("missed")
    # The dispatcher ran once for the whole night, and says what it skipped.
    assert "missed" in rows["automation_dispatcher"]["last_status"] and rows["automation_dispatcher"][
        "last_status"].startswith("ok")
    missed = {r["skill"]: r["error"] for r in await app.store.fetchall(
        "SELECT skill, error FROM activity WHERE error_kind = 'missed' AND caller = 'system'")}
    assert set(missed) >= {"schedule:learn", "schedule:automation_dispatcher", "schedule:health_self_check"}
    assert "older than the 1:00:00 catch-up window" in missed["schedule:learn"]

    # The next tick does not report the same misses again.
    clock.advance(minutes=1)
    await scheduler.tick()
    assert await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'schedule:learn'") == 1


async def test_learn_summarizes_the_day_into_memory(app: App, clock: FakeClock) -> None:
    await enable_agent(app)
    await app.executor.call("blog_create_post", {"title": "One", "body": "x"}, caller="cli")
    await app.executor.call("blog_publish_post", {"post_id": 99}, caller="cli")
    clock.current = datetime(2026, 11, 3, 3, 0, 30, tzinfo=UTC)
    entries = {e.schedule: e.status for e in await scheduler_for(app).tick()}
    assert entries["learn"] == "ok: learning:2026-11-03"
    note = await app.store.fetchval("SELECT value FROM memory WHERE key = 'learning:2026-11-03'")
    assert "blog_create_post 1 calls (1 success, 0 negative)" in note and "blog_publish_post validation x1" in note
