"""Turning the agent on and off: idempotent bootstrap, retroactive module scan, data kept."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from modules import BUILTIN_MODULES
from server.agent.bootstrap import disable_agent, enable_agent, template
from server.app import App
from server.assembly import open_app, scheduler_for
from server.testing import FakeClock
from skills import Module, SkillContext, skill

pytestmark = pytest.mark.anyio

SCHEDULES = {"heartbeat": "*/30 * * * *", "automation_dispatcher": "* * * * *",
             "learn": "0 3 * * *", "health_self_check": "0 */6 * * *", "shadow_digest": "0 8 * * *",
             "retention": "30 4 * * *", "approvals": "* * * * *"}


async def _snapshot(app: App) -> list[list[dict[str, Any]]]:
    return [await app.store.fetchall(f"SELECT * FROM {table} ORDER BY 1")
            for table in ("modules", "skills", "automations", "schedules", "memory", "locks")]


async def test_enable_seeds_everything_once_and_twice_changes_nothing(app: App, clock: FakeClock) -> None:
    report = await enable_agent(app)
    assert "module pilot enabled" in report.changes
    rows = {r["name"]: r for r in await app.store.fetchall("SELECT * FROM schedules")}
    assert {n: r["cron"] for n, r in rows.items()} == SCHEDULES  # the names the platform broke on
    assert all(r["next_run"] > clock.now().isoformat() for r in rows.values())
    memory = {r["key"]: r for r in await app.store.fetchall("SELECT * FROM memory")}
    assert memory["soul"]["value"] == template("soul.md") and "NO_REPLY" in memory["agents"]["value"]
    assert "trust" in memory["agents"]["value"].lower() and memory["identity"]["category"] == "core"
    # A fresh install comes up with every skill of every enabled module, not a handful.
    seeded = await app.store.fetchval("SELECT COUNT(*) FROM skills WHERE enabled = 1")
    on = {r["id"] for r in await app.store.fetchall("SELECT id FROM modules WHERE enabled = 1")}
    assert on == set(app.registry.modules) - {"assistant"}  # the model-calling skills stay opt-in
    assert seeded == sum(len(m.skills) for m in app.registry.modules.values() if m.id in on)

    before = await _snapshot(app)
    clock.advance(hours=2)
    again = await enable_agent(app)
    assert again.changes == [] and await _snapshot(app) == before


async def test_reenable_keeps_edits_and_rearms_without_missing(app: App, clock: FakeClock) -> None:
    await enable_agent(app, heartbeat_cron="*/15 * * * *")
    await app.store.execute("UPDATE memory SET value = 'Our own soul.' WHERE key = 'soul'")
    await app.store.execute("INSERT INTO objectives (goal, created_at, updated_at) VALUES ('Keep me', ?, ?)",
                            (clock.now().isoformat(), clock.now().isoformat()))
    report = await disable_agent(app)
    assert "module pilot disabled" in report.changes
    assert await app.store.fetchval("SELECT COUNT(*) FROM objectives") == 1
    assert await app.store.fetchval("SELECT COUNT(*) FROM schedules") == len(SCHEDULES)

    clock.advance(days=3)  # every schedule's time passed while the agent was off
    await enable_agent(app)
    assert await app.store.fetchval("SELECT value FROM memory WHERE key = 'soul'") == "Our own soul."
    heartbeat = await app.store.fetchone("SELECT cron, next_run FROM schedules WHERE name = 'heartbeat'")
    assert heartbeat is not None
    assert heartbeat["cron"] == "*/15 * * * *" and heartbeat["next_run"] > clock.now().isoformat()
    clock.advance(minutes=1)
    entries = await scheduler_for(app).tick()
    assert [e.schedule for e in entries] == ["approvals", "automation_dispatcher", "retention"]
    # The agent's schedules were re-armed: nothing of the agent's counts as missed. The platform's own
    # work runs with the agent off too, so its three days without any process are a real outage, recorded.
    missed = await app.store.fetchall("SELECT skill FROM activity WHERE error_kind = 'missed' ORDER BY skill")
    assert [r["skill"] for r in missed] == ["schedule:approvals", "schedule:automation_dispatcher",
                                            "schedule:retention"]

    assert (await enable_agent(app, heartbeat_cron="*/10 * * * *")).changes == [
        "schedule heartbeat set to '*/10 * * * *'"]


class Ok(BaseModel):
    ok: bool


@skill(name="watch_check", title="Check", category="system", instructions="Checks the watch.", read_only=True)
async def watch_check(ctx: SkillContext) -> Ok:
    """Check that the watch is alive."""
    return Ok(ok=True)


WATCH = Module(id="watch", name="Watch", description="agent-only system module", category="system", version="1",
               skills=(watch_check,), agent_only=True)


async def test_retroactive_scan_and_agent_only_modules(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=[*BUILTIN_MODULES, WATCH], clock=clock) as app:
        assert not await app.modules.is_enabled("watch")
        # Like a fresh install that came up half-seeded: blog is on but its rows are missing.
        await app.store.execute("UPDATE modules SET bootstrapped = 0 WHERE id = 'blog'")
        await app.store.execute("DELETE FROM automations WHERE module_id = 'blog'")
        await app.store.execute("DELETE FROM skills WHERE module_id = 'blog'")
        report = await enable_agent(app)
        assert "module watch enabled" in report.changes
        assert "module blog bootstrapped retroactively" in report.changes
        assert await app.store.fetchval("SELECT COUNT(*) FROM skills WHERE module_id = 'blog' AND enabled = 1") == 7
        assert await app.store.fetchval("SELECT COUNT(*) FROM automations WHERE module_id = 'blog'") == 1
        assert (await enable_agent(app)).changes == []

        await disable_agent(app)
        assert not await app.modules.is_enabled("watch") and not await app.modules.is_enabled("pilot")
        assert await app.modules.is_enabled("blog")
