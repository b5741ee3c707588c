"""Trust building against a scripted model over real HTTP: shadow mode, proposals, the trust policy."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.assembly import open_app
from server.testing import FakeClock
from server.testing.fake_model import Call, FakeModelServer, Reply
from server.trust import mode, policy, review

pytestmark = pytest.mark.anyio

MAIL = {"to": "anyone@outside.example", "subject": "Hi", "body": "Buy now."}


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")) as fake:
        fake.as_only_openai(monkeypatch)
        monkeypatch.setenv("PILOTHOUSE_AI_TIMEOUT_S", "10")
        yield fake


async def _objective(app: App, goal: str = "Publish a launch post") -> int:
    result = await app.executor.call("pilot_create_objective", {
        "goal": goal, "success_criteria": "one post", "steps": ["Write it"], "priority": 1}, caller="cli")
    assert result.ok and result.output is not None, result.message
    return int(result.output["id"])


async def _posts(app: App) -> int:
    return int(await app.store.fetchval("SELECT COUNT(*) FROM blog_posts"))


async def test_a_shadow_heartbeat_writes_nothing_and_leaves_proposals(app: App, clock: FakeClock,
                                                                       model: FakeModelServer) -> None:
    await enable_agent(app)
    await mode.set_mode(app, "shadow", who="cli")
    objective = await _objective(app)
    model.script(
        Reply("Checking what exists before writing.", tool_calls=[Call("blog_list_posts", {})]),
        Reply("A launch post serves the objective.",
              tool_calls=[Call("blog_create_post", {"title": "Launch", "body": "We are live."}),
                          Call("blog_create_post", {"title": "Spam", "body": "Buy buy buy."})]),
        Reply("Proposed two posts; waiting for review."),
    )
    record = await run_cycle(app)

    assert record.status == "ok", record.reason
    assert [a["error_kind"] for a in record.actions] == [None, "proposed", "proposed"]
    assert await _posts(app) == 0  # nothing written
    listed = await app.store.fetchone("SELECT status FROM activity WHERE skill = 'blog_list_posts'")
    assert listed is not None and listed["status"] == "ok"  # read-only calls still execute
    told = model.requests[2].messages[-1]["content"]
    assert told.startswith("proposed, not done") and "do not call it again" in told
    rows = await app.store.fetchall("SELECT * FROM approvals ORDER BY id")
    assert [(r["kind"], r["status"], r["skill"]) for r in rows] == [("proposal", "pending", "blog_create_post")] * 2
    first = rows[0]
    assert json.loads(first["arguments"])["title"] == "Launch"
    assert first["reason"] == "A launch post serves the objective." and first["run_id"] == record.run_id
    assert first["objective"] == f"#{objective} Publish a launch post"
    # A proposal waits for the daily digest: no approval_requested notification per proposal.
    assert await app.store.fetchval("SELECT COUNT(*) FROM notifications WHERE kind = 'approval_requested'") == 0

    decided = await review.approve(app, first["id"])
    assert decided.ran is not None and decided.ran.status == "executed"
    assert await _posts(app) == 1
    made = await app.store.fetchone("SELECT caller, status FROM activity WHERE id = ?", (decided.ran.activity_id,))
    assert made is not None and (made["caller"], made["status"]) == ("pilot", "ok")
    with pytest.raises(Exception, match="already executed"):
        await review.approve(app, first["id"])

    await review.reject(app, rows[1]["id"], "Never post sales copy on the blog.")
    lesson = await app.store.fetchone("SELECT category, value FROM memory WHERE key = ?",
                                      (f"feedback:rejected:{rows[1]['id']}",))
    assert lesson is not None and lesson["category"] == "feedback"
    assert "Never post sales copy on the blog." in lesson["value"]

    clock.advance(minutes=30)
    model.script(Reply("NO_REPLY"))
    again = await run_cycle(app)  # runs nothing twice, and the next run reads the reason
    assert again.approvals == [] and await _posts(app) == 1
    assert "Never post sales copy on the blog." in model.requests[-1].messages[1]["content"]


async def test_a_shadow_cycle_that_only_proposed_is_ok_and_does_not_back_off(app: App, model: FakeModelServer) -> None:
    # Found by the proving ground (heartbeat/shadow-qualify): a shadow cycle whose one call became a
    # proposal was judged "every skill call failed", so shadow mode fed the heartbeat's backoff streak.
    await enable_agent(app)
    await mode.set_mode(app, "shadow", who="cli")
    await _objective(app)
    model.script(Reply(tool_calls=[Call("blog_create_post", {"title": "Launch", "body": "We are live."})]),
                 Reply("Proposed a launch post (proposal 1)."))
    record = await run_cycle(app)
    assert record.status == "ok", record.reason
    assert [a["error_kind"] for a in record.actions] == ["proposed"]
    assert await _posts(app) == 0


async def test_proposals_expire_like_approvals(app: App, clock: FakeClock, model: FakeModelServer) -> None:
    await enable_agent(app)
    await mode.set_mode(app, "shadow", who="cli")
    await _objective(app)
    model.script(Reply(tool_calls=[Call("blog_create_post", {"title": "Late", "body": "x"})]), Reply("Proposed."))
    await run_cycle(app)
    clock.advance(hours=49)
    model.script(Reply("NO_REPLY"))
    later = await run_cycle(app)
    assert [a["status"] for a in later.approvals] == ["expired"]
    assert await _posts(app) == 0


async def test_a_trust_tightened_to_approve_survives_reseed_and_restart(tmp_path: Path, clock: FakeClock,
                                                                          model: FakeModelServer) -> None:
    db = tmp_path / "trust.db"
    async with open_app(db, clock=clock, retry_delay_s=0) as app:
        await enable_agent(app)
        await _objective(app, goal="Tell the prospect about the launch")
        change = await policy.set_skill_trust(app, "email_send", "approve", who="cli")
        assert (change.before, change.after) == ("notify", "approve")
        await app.modules.enable("email")  # a re-seed rewrites the code's default, never the owner's choice
        await app.modules.bootstrap_missing()
    async with open_app(db, clock=clock, retry_delay_s=0) as app:  # a restart
        model.script(Reply(tool_calls=[Call("email_send", MAIL)]), Reply("Asked for approval."))
        record = await run_cycle(app)
        assert record.actions[0]["error_kind"] == "approval_required"
        assert await app.store.fetchval("SELECT COUNT(*) FROM outbox WHERE recipient = ?", (MAIL["to"],)) == 0
        queued = await app.store.fetchone("SELECT kind, status, skill FROM approvals")
        assert queued is not None and tuple(queued.values()) == ("approval", "pending", "email_send")
        logged = await app.store.fetchone("SELECT caller, input FROM activity WHERE skill = 'trust_policy'")
        assert logged is not None and logged["caller"] == "cli"
        assert json.loads(logged["input"]) == {"skill": "email_send", "from": "notify", "to": "approve",
                                               "set_on": "skill"}
        back = await policy.set_skill_trust(app, "email_send", None, who="cli")
        assert back.after == "notify"


async def test_the_agent_can_never_change_its_own_mode_or_trust(app: App, model: FakeModelServer) -> None:
    await enable_agent(app)
    await mode.set_mode(app, "shadow", who="cli")
    await _objective(app)
    model.script(
        Reply(tool_calls=[Call("trust_set_agent_mode", {"mode_name": "live", "confirm": True}),
                          Call("trust_set_skill", {"skill_name": "email_send", "level": "auto", "confirm": True}),
                          Call("execute_skill", {"name": "trust_set_module",
                                                 "arguments": {"module_id": "email", "level": "auto"}})]),
        Reply("Tried to loosen my own rules."),
    )
    record = await run_cycle(app)
    assert [a["error_kind"] for a in record.actions] == ["skill_disabled"] * 3
    assert "can never change the agent's mode or trust" in model.requests[1].messages[-1][
        "content"]
    assert await mode.current(app.store) == "shadow"
    assert await app.store.fetchval("SELECT COUNT(*) FROM approvals") == 0  # refused, not queued or proposed
    assert [s.trust for s in await policy.standings(app) if s.skill == "email_send"] == ["notify"]
    with pytest.raises(Exception, match="person's decision"):
        await policy.set_skill_trust(app, "email_send", "auto", who="pilot")
