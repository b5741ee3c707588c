"""Heartbeat cycles against a scripted model over real HTTP: work with evidence, idle, no-action, approvals."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

from modules import BUILTIN_MODULES
from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App, open_runtime
from server.assembly import system_modules
from server.testing import FakeClock
from server.testing.fake_model import Call, FakeModelServer, RecordedRequest, Reply, Step
from server.trust import review
from skills import Module, SkillContext, skill
from skills.messages import Email

pytestmark = pytest.mark.anyio


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")) as fake:
        fake.as_only_openai(monkeypatch)
        monkeypatch.setenv("PILOTHOUSE_AI_TIMEOUT_S", "10")
        yield fake


async def _objective(app: App, goal: str = "Publish 3 blog posts this week") -> int:
    result = await app.executor.call("pilot_create_objective", {
        "goal": goal, "success_criteria": "3 published posts", "steps": ["Write 3 posts", "Publish them"],
        "deadline": "2026-11-08", "priority": 1}, caller="cli")
    assert result.ok and result.output is not None, result.message
    return int(result.output["id"])


def _last_tool_result(request: RecordedRequest) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(request.messages[-1]["content"])
    return result


async def test_a_cycle_works_an_objective_and_records_evidence(app: App, clock: FakeClock,
                                                                model: FakeModelServer) -> None:
    await enable_agent(app)
    objective = await _objective(app)

    def cite_evidence(request: RecordedRequest) -> Step:
        # The model read its own calls in the activity feed and cites their ids as evidence.
        result = _last_tool_result(request)
        if "items" in result:
            ids = [item["id"] for item in result["items"]]
            return Reply(tool_calls=[Call("pilot_complete_objective", {
                "objective_id": objective, "evidence": ids, "summary": "Three posts are live."})])
        return Reply(f"Published posts 1-3 and completed objective #{objective} ({result['status']}).")

    model.responder = cite_evidence
    model.script(
        Reply(tool_calls=[Call("blog_create_post", {"title": f"Post {i}", "body": f"Body {i}."}) for i in (1, 2, 3)]),
        Reply(tool_calls=[Call("blog_publish_post", {"post_id": i}) for i in (1, 2, 3)]),
        Reply(tool_calls=[Call("pilot_activity_feed", {"skill_name": "blog_publish_post", "caller": "pilot",
                                                       "status": "ok"})]),
    )
    record = await run_cycle(app)

    assert record.status == "ok", record.reason
    assert [a["skill"] for a in record.actions] == [
        "blog_create_post"] * 3 + ["blog_publish_post"] * 3 + ["pilot_activity_feed", "pilot_complete_objective"]
    assert record.summary.startswith("Published posts 1-3 and completed objective")
    assert await app.store.fetchval("SELECT COUNT(*) FROM blog_posts WHERE status = 'published'") == 3
    done = await app.store.fetchone("SELECT status, evidence, locked_until FROM objectives WHERE id = ?", (objective,))
    assert done is not None
    published = [a["activity_id"] for a in record.actions if a["skill"] == "blog_publish_post"]
    assert done["status"] == "completed" and sorted(json.loads(done["evidence"])) == sorted(published)
    assert done["locked_until"] is None

    # What the model saw: the soul and rules as system prompt, the objective in the heartbeat message.
    first = model.requests[0]
    assert first.model == "gpt-4.1-mini"  # the fast tier
    system, user = first.messages[0]["content"], first.messages[1]["content"]
    assert "# Soul" in system and "# Operating rules" in system and "NO_REPLY" in system
    assert f"#{objective} [priority 1] Publish 3 blog posts this week - deadline 2026-11-08" in user
    assert "blog_create_post" in first.tool_names

    beat = await app.store.fetchone("SELECT * FROM heartbeats WHERE id = ?", (record.heartbeat_id,))
    assert beat is not None
    assert (beat["status"], beat["run_id"]) == ("ok", record.run_id)
    assert json.loads(beat["detail"])["objectives"] == [objective]
    state = json.loads(await app.store.fetchval("SELECT value FROM memory WHERE key = 'heartbeat_state'"))
    assert state["last_status"] == "ok" and state["last_run_id"] == record.run_id
    logged = await app.store.fetchone("SELECT * FROM activity WHERE skill = 'heartbeat'")
    assert logged is not None
    assert (logged["caller"], logged["status"], logged["outcome"]) == ("system", "ok", "success")

    # The objective is done: the next cycle is idle and costs nothing.
    calls = len(model.requests)
    clock.advance(minutes=30)
    idle = await run_cycle(app)
    assert idle.status == "idle" and len(model.requests) == calls


async def test_idle_cycle_makes_no_model_call(app: App, model: FakeModelServer) -> None:
    await enable_agent(app)
    record = await run_cycle(app)
    assert (record.status, record.run_id) == ("idle", None)
    assert model.requests == [] and await app.store.fetchval("SELECT COUNT(*) FROM ai_usage") == 0
    assert await app.store.fetchval("SELECT status FROM heartbeats") == "idle"


async def test_an_intention_without_action_is_a_failed_cycle(app: App, clock: FakeClock,
                                                             model: FakeModelServer) -> None:
    await enable_agent(app)
    await _objective(app)
    model.script(Reply("I will write the three posts in the next cycle."))
    talked = await run_cycle(app)
    assert talked.status == "failed" and "intention and no action" in talked.reason
    clock.advance(minutes=30)
    model.script(Reply("NO_REPLY"))
    quiet = await run_cycle(app)
    assert quiet.status == "ok" and quiet.reason.startswith("NO_REPLY")
    assert [r["status"] for r in await app.store.fetchall("SELECT status FROM heartbeats ORDER BY id")] == [
        "failed", "ok"]


class Sent(BaseModel):
    sent_to: int


@skill(name="news_send_newsletter", title="Send newsletter", category="communication", trust="approve",
       instructions="Emails the newsletter to every subscriber. Irreversible.")
async def send_newsletter(ctx: SkillContext, subject: str) -> Sent:
    """Send the newsletter to all subscribers.

    Args:
        subject: The newsletter's subject line.
    """
    await ctx.send(Email(to="list@acme.io", subject=subject, text="Hello subscribers", purpose="newsletter"))
    return Sent(sent_to=1)


NEWS = Module(id="news", name="News", description="newsletter for the test", category="communication",
              version="1", skills=(send_newsletter,))


async def test_an_approval_flows_end_to_end(clock: FakeClock, model: FakeModelServer,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PILOTHOUSE_ADMIN_EMAIL", "owner@acme.io")
    # The ops module too: a person decides requests with its ops_approve.
    async with open_runtime(":memory:", modules=[*BUILTIN_MODULES, NEWS], system_modules=system_modules, clock=clock,
                            retry_delay_s=0) as app:
        await enable_agent(app)
        await _objective(app, goal="Announce the spring sale to subscribers")
        model.script(Reply(tool_calls=[Call("news_send_newsletter", {"subject": "Spring sale"})]),
                     Reply("Asked for approval #1 to send the newsletter."),
                     Reply(tool_calls=[Call("news_send_newsletter", {"subject": "Another one"})]),
                     Reply("Asked again (#2)."))
        first = await run_cycle(app)
        assert first.status == "ok" and first.actions[0]["error_kind"] == "approval_required"
        assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE purpose = 'newsletter'") == 0
        note = await app.store.fetchone("SELECT * FROM notifications WHERE kind = 'approval_requested'")
        assert note is not None
        assert "pilothouse approvals approve 1" in note["body"]
        mail = await app.store.fetchone("SELECT * FROM outbox WHERE purpose = 'notification:approval_requested'")
        assert mail is not None
        assert mail["recipient"] == "owner@acme.io"

        decided = await review.approve(app, 1)  # a person, at a terminal (or in the cockpit)
        assert decided.request["status"] == "approved" and decided.ran is None  # its next heartbeat runs it
        clock.advance(minutes=30)
        second = await run_cycle(app)  # runs the approved action, then the model asks for another
        assert second.approvals[0] == {"approval_id": 1, "skill": "news_send_newsletter", "status": "executed",
                                       "detail": '{"sent_to": 1}', "activity_id": second.approvals[0]["activity_id"]}
        sent = await app.store.fetchone("SELECT subject FROM outbox WHERE purpose = 'newsletter'")
        assert sent is not None
        assert sent["subject"] == "Spring sale"
        row = await app.store.fetchone("SELECT status, result FROM approvals WHERE id = 1")
        assert row is not None
        assert row["status"] == "executed" and json.loads(row["result"])["ok"] is True
        executed = await app.store.fetchone("SELECT caller, status FROM activity WHERE id = ?",
                                            (second.approvals[0]["activity_id"],))
        assert executed is not None
        assert (executed["caller"], executed["status"]) == ("pilot", "ok")

        clock.advance(hours=49)  # nobody decided on #2: it expires instead of running
        model.script(Reply("NO_REPLY"))
        third = await run_cycle(app)
        assert [(a["approval_id"], a["status"]) for a in third.approvals] == [(2, "expired")]
        assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE purpose = 'newsletter'") == 1
