"""Cron and event automations: each occurrence and each event fires exactly once, across processes."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import anyio
import pytest
from pydantic import BaseModel

from modules import BUILTIN_MODULES
from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import open_app, scheduler_for
from server.scheduler.automations import dispatch
from server.scheduler.templating import TemplateError, render
from server.testing import FakeClock
from skills import Automation, Module, SkillContext, skill

pytestmark = pytest.mark.anyio


class Noted(BaseModel):
    id: int


@skill(name="hook_note", title="Note", category="system", instructions="Stores a note for the test.")
async def hook_note(ctx: SkillContext, post_id: int, text: str) -> Noted:
    """Store a note about a post.

    Args:
        post_id: The post.
        text: The note.
    """
    await ctx.db.execute("INSERT INTO hook_notes (post_id, text, caller) VALUES (?, ?, ?)",
                         (post_id, text, ctx.caller))
    return Noted(id=post_id)


HOOK = Module(
    id="hook", name="Hook", description="event automations for the test", category="system", version="1",
    skills=(hook_note,),
    migrations=(__import__("skills").Migration(
        1, "CREATE TABLE hook_notes (id INTEGER PRIMARY KEY, post_id INTEGER, text TEXT, caller TEXT)"),),
    automations=(
        Automation(name="Note published posts", trigger="event", config={"event": "post.published"},
                   skill="hook_note",
                   arguments={"post_id": "{{event.payload.id}}", "text": "post {{ event.payload.id }} is live"}),
        Automation(name="Broken template", trigger="event", config={"event": "post.created"}, skill="hook_note",
                   arguments={"post_id": "{{event.payload.id}}", "text": "{{event.payload.author}}"}),
        Automation(name="Agent follow-up", trigger="event", config={"event": "post.published"}, skill="hook_note",
                   arguments={"post_id": "{{event.payload.id}}", "text": "agent"}, executor="pilot"),
    ),
)
MODULES = [*BUILTIN_MODULES, HOOK]


def test_templates_are_strict_and_typed() -> None:
    context = {"event": {"id": 7, "payload": {"id": 3, "tags": ["a", "b"], "who": {"name": "Ann"}}}}
    assert render({"post_id": "{{event.payload.id}}", "msg": "post {{event.payload.id}} by {{event.payload.who.name}}",
                   "first": "{{event.payload.tags.0}}", "fixed": 5}, context) == {
        "post_id": 3, "msg": "post 3 by Ann", "first": "a", "fixed": 5}
    with pytest.raises(TemplateError, match=r"'author' is missing in event\.payload; available: id, tags, who"):
        render("{{event.payload.author}}", context)
    with pytest.raises(TemplateError, match="malformed"):
        render("{{event.payload.id + 1}}", context)


async def _publish(app: App, title: str) -> int:
    post = await app.executor.call("blog_create_post", {"title": title, "body": "Body."}, caller="cli")
    assert post.output is not None
    await app.executor.call("blog_publish_post", {"post_id": post.output["id"]}, caller="cli")
    return int(post.output["id"])


async def _notes(app: App) -> list[dict[str, Any]]:
    return await app.store.fetchall("SELECT post_id, text, caller FROM hook_notes ORDER BY id")


async def test_event_automations_fire_once_per_event_and_template_errors_are_recorded(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=MODULES, clock=clock, retry_delay_s=0) as app:
        before = await _publish(app, "Before the agent")  # the agent's automation never sees this event
        await enable_agent(app)
        first, second = await _publish(app, "First"), await _publish(app, "Second")
        report = await dispatch(app, agent_on=True)
        # Automations run in id order, each through its new events in event order. The platform's
        # automation also handles the post published while the agent was off; the agent's starts at
        # the newest event when the agent is switched on (nothing of its own is replayed).
        assert await _notes(app) == [
            {"post_id": before, "text": f"post {before} is live", "caller": "automation"},
            {"post_id": first, "text": f"post {first} is live", "caller": "automation"},
            {"post_id": second, "text": f"post {second} is live", "caller": "automation"},
            {"post_id": first, "text": "agent", "caller": "automation"},
            {"post_id": second, "text": "agent", "caller": "automation"},
        ]
        assert len(report.errors) == 3  # post.created for each post: no author in the payload
        broken = await app.store.fetchone("SELECT * FROM automations WHERE name = 'Broken template'")
        assert broken is not None
        assert "'author' is missing in event.payload; available: id, title" in broken["last_status"]
        logged = await app.store.fetchall("SELECT * FROM activity WHERE skill = 'hook_note' AND status = 'error'")
        assert len(logged) == 3 and json.loads(logged[0]["input"])["_automation"] == "Broken template"

        again = await dispatch(app, agent_on=True)
        assert again.fired == [] and len(await _notes(app)) == 5

        third = await _publish(app, "Third")
        off = await dispatch(app, agent_on=False)  # pilot-executor automations wait for the agent
        assert [f[1:] for f in off.fired] == [("hook_note", True)]
        assert [n["text"] for n in await _notes(app)][-1] == f"post {third} is live"


async def test_stale_events_are_missed_not_replayed(clock: FakeClock) -> None:
    async with open_app(":memory:", modules=MODULES, clock=clock, retry_delay_s=0) as app:
        await enable_agent(app)
        await _publish(app, "Old news")
        clock.advance(hours=2)  # the dispatcher did not run for two hours
        fresh = await _publish(app, "Fresh news")
        report = await dispatch(app, agent_on=True)
        assert [n["post_id"] for n in await _notes(app)] == [fresh, fresh]
        assert report.missed == 3  # two post.published (one per automation) and one post.created
        status = await app.store.fetchval("SELECT last_status FROM automations WHERE name = 'Note published posts'")
        assert status.startswith("ok (missed 1 post.published event(s) (#2..#2)")
        missed = await app.store.fetchall("SELECT error FROM activity WHERE error_kind = 'missed'")
        assert any("missed 1 post.published event(s)" in r["error"] for r in missed)


async def test_cron_automation_fires_once_per_occurrence(app: App, clock: FakeClock) -> None:
    await enable_agent(app)
    await dispatch(app, agent_on=True)  # arms the blog publisher (*/5) and crm qualifier (*/15)
    armed = await app.store.fetchval("SELECT next_run FROM automations WHERE skill = 'blog_publish_due'")
    assert armed == (clock.now() + timedelta(minutes=5)).isoformat()
    clock.advance(minutes=5, seconds=30)
    first = await dispatch(app, agent_on=True)
    second = await dispatch(app, agent_on=True)
    # Every-minute automations (outbox delivery, webhooks) fire too; the 5-minute publisher exactly once.
    assert [f[1] for f in first.fired].count("blog_publish_due") == 1 and second.fired == []
    # Nothing was due to publish: the run is counted for the day, not listed in the feed.
    calls = await app.store.fetchval("SELECT SUM(calls) FROM activity_daily WHERE skill = 'blog_publish_due'")
    assert calls == 1
    clock.advance(minutes=10)  # 09:15:30: the publisher (09:10, 09:15 coalesced) and the qualifier
    fired = [f[1] for f in (await dispatch(app, agent_on=True)).fired]
    assert (fired.count("blog_publish_due"), fired.count("crm_qualify_leads")) == (1, 1)


async def test_two_processes_share_events_and_occurrences(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "shared.db"
    async with open_app(db, modules=MODULES, clock=clock, retry_delay_s=0) as one, \
            open_app(db, modules=MODULES, clock=clock, retry_delay_s=0) as two:
        await enable_agent(one)
        await dispatch(one, agent_on=True)
        ids = [await _publish(one, f"Post {i}") for i in range(5)]
        clock.advance(minutes=5)
        reports = []

        async def run(app: App) -> None:
            reports.append(await dispatch(app, agent_on=True))

        async with anyio.create_task_group() as tg:
            tg.start_soon(run, one)
            tg.start_soon(run, two)
        notes = await _notes(one)
        assert sorted(n["post_id"] for n in notes if n["text"] != "agent") == ids
        assert len(notes) == 10
        publisher_runs = sum(1 for r in reports for f in r.fired if f[1] == "blog_publish_due")
        assert publisher_runs == 1


async def test_the_dispatcher_schedule_delivers_events(clock: FakeClock) -> None:
    # The reference platform never scheduled its event dispatcher, so event automations never fired.
    async with open_app(":memory:", modules=MODULES, clock=clock, retry_delay_s=0) as app:
        await enable_agent(app)
        post = await _publish(app, "Scheduled delivery")
        clock.advance(minutes=1)
        entries = {e.schedule: e.status for e in await scheduler_for(app).tick()}
        assert entries["automation_dispatcher"] == "ok: fired 2 (2 ok), 1 error(s)"
        assert [n["post_id"] for n in await _notes(app)] == [post, post]
