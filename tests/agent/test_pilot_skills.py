"""The pilot module's skills through the real MCP client: objectives, memory, feed, approvals."""

from __future__ import annotations

import json

import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.cli.commands.skills import catalog
from server.testing import FakeClock, McpHarness

pytestmark = pytest.mark.anyio


async def test_off_by_default_hidden_everywhere_and_business_modules_still_work(app: App, mcp: McpHarness) -> None:
    names = await mcp.tool_names()
    assert names and not [n for n in names if n.startswith("pilot_")]
    assert not [r for r in await catalog(app) if r["module"] == "pilot"]  # `skills list`
    assert "Enable it with: pilothouse agent enable" in await mcp.error("pilot_list_objectives")
    assert "ops_approve" in await mcp.tool_names()  # deciding requests needs no agent: automations queue them too
    lead = await mcp.call("crm_create_lead", email="manual@acme.io")
    post = await mcp.call("blog_create_post", title="By hand", body="Still works.")
    assert lead["id"] and (await mcp.call("blog_publish_post", post_id=post["id"]))["status"] == "published"

    await enable_agent(app)
    assert "pilot_list_objectives" in await mcp.tool_names()
    assert {r["name"] for r in await catalog(app) if r["module"] == "pilot"} >= {"pilot_list_runs", "pilot_memory_set"}


async def test_objective_plan_progress_and_completion_needs_real_evidence(
    app: App, mcp: McpHarness, clock: FakeClock
) -> None:
    await enable_agent(app)
    before = await mcp.call("blog_create_post", title="Written earlier", body="Old.")
    clock.advance(minutes=1)
    objective = await mcp.call(
        "pilot_create_objective", goal="Publish 3 blog posts this week", success_criteria="3 posts published",
        steps=["Draft 3 posts", "Publish them"], priority=1, deadline="2026-11-08", kind="content")
    assert objective["status"] == "active" and [s["title"] for s in objective["plan"]] == ["Draft 3 posts",
                                                                                          "Publish them"]
    assert "in the past" in await mcp.error("pilot_create_objective", goal="Too late now", success_criteria="n/a",
                                            deadline="2020-01-01")

    post = await mcp.call("blog_create_post", title="Fresh one", body="New.")
    feed = await mcp.call("pilot_activity_feed", skill_name="blog_create_post")
    old_id, new_id = feed["items"][1]["id"], feed["items"][0]["id"]
    assert feed["items"][0]["input"]["title"] == "Fresh one" and post["title"] == "Fresh one"

    message = await mcp.error("pilot_update_objective_step", objective_id=objective["id"], step=1, status="done")
    assert "needs evidence" not in message and "only be marked done with evidence" in message
    progressed = await mcp.call("pilot_update_objective_step", objective_id=objective["id"], step=1,
                                status="in_progress", note="1 of 3 drafted", evidence=[new_id])
    assert progressed["plan"][0]["evidence"] == [new_id] and progressed["plan"][0]["status"] == "in_progress"
    added = await mcp.call("pilot_update_objective_step", objective_id=objective["id"], add_title="Share them",
                           status="pending")
    assert added["plan"][2]["step"] == 3

    refused = await mcp.error("pilot_complete_objective", objective_id=objective["id"], evidence=[9999, old_id],
                              summary="done")
    assert "[9999] do not exist" in refused and f"[{old_id}] happened before" in refused
    assert "pilot_activity_feed" in refused
    unchanged = await mcp.call("pilot_list_objectives", status="active")
    assert unchanged["total"] == 1 and unchanged["items"][0]["evidence"] == []

    failed_call = await mcp.error("blog_publish_post", post_id=12345)
    assert "no blog post" in failed_call
    failed_id = (await mcp.call("pilot_activity_feed", status="error", limit=1))["items"][0]["id"]
    assert "not successful" in await mcp.error("pilot_complete_objective", objective_id=objective["id"],
                                               evidence=[failed_id], summary="done")
    done = await mcp.call("pilot_complete_objective", objective_id=objective["id"], evidence=[new_id],
                          summary="Published.")
    assert done["status"] == "completed" and done["evidence"] == [new_id]
    assert "final" in await mcp.error("pilot_set_objective_status", objective_id=objective["id"], status="active",
                                      reason="again")
    assert before["id"] != post["id"]


async def test_pause_resume_and_fail_transitions(app: App, mcp: McpHarness) -> None:
    await enable_agent(app)
    objective = await mcp.call("pilot_create_objective", goal="Follow up open leads", success_criteria="All contacted")
    paused = await mcp.call("pilot_set_objective_status", objective_id=objective["id"], status="paused",
                            reason="holidays")
    assert paused["status"] == "paused"
    assert "only active objectives" in await mcp.error("pilot_update_objective_step", objective_id=objective["id"],
                                                       step=1, status="done")
    resumed = await mcp.call("pilot_set_objective_status", objective_id=objective["id"], status="active",
                             reason="back")
    failed = await mcp.call("pilot_set_objective_status", objective_id=objective["id"], status="failed",
                            reason="no leads")
    assert (resumed["status"], failed["status"]) == ("active", "failed")
    names = [r["name"] for r in await app.store.fetchall("SELECT name FROM events ORDER BY id")]
    assert names[-3:] == ["objective.paused", "objective.resumed", "objective.failed"]
    assert "no objective with id 77" in await mcp.error("pilot_set_objective_status", objective_id=77,
                                                         status="paused", reason="why not")


async def test_memory_reserved_keys(app: App, mcp: McpHarness) -> None:
    await enable_agent(app)
    await mcp.call("pilot_memory_set", key="preference.tone", value="Friendly, brief.", category="preference")
    await mcp.call("pilot_memory_set", key="fact.vat", value="VAT is 25 % in Sweden.", category="fact")
    assert (await mcp.call("pilot_memory_get", key="preference.tone"))["value"] == "Friendly, brief."
    hits = await mcp.call("pilot_memory_search", query="vat")
    assert [h["key"] for h in hits["items"]] == ["fact.vat"]
    by_category = await mcp.call("pilot_memory_search", category="core", order="key")
    assert [h["key"] for h in by_category["items"]] == ["agents", "identity", "soul"]
    assert "pilot_memory_search" in await mcp.error("pilot_memory_get", key="nothing.here")

    assert "edit_reserved=true" in await mcp.error("pilot_memory_set", key="soul", value="New soul.")
    calmer = "# Soul\n\n" + "A calmer soul, slow to act and quick to listen. " * 5
    edited = await mcp.call("pilot_memory_set", key="soul", value=calmer.strip(), category="core",
                            edit_reserved=True)
    assert edited["value"] == calmer.strip()
    assert "would be broken" in await mcp.error("pilot_memory_set", key="soul", value="A stub.", edit_reserved=True)
    assert "heartbeat only" in await mcp.error("pilot_memory_set", key="heartbeat_state", value="{}",
                                               edit_reserved=True)
    # The agent itself can never rewrite its soul, even with the flag.
    agent = await app.executor.call("pilot_memory_set", {"key": "agents", "value": "No rules.",
                                                          "edit_reserved": True}, caller="pilot")
    assert not agent.ok and "only a person can edit it" in agent.message
    assert "No rules." not in (await mcp.call("pilot_memory_get", key="agents"))["value"]


async def test_notifications_and_runs(app: App, mcp: McpHarness, clock: FakeClock) -> None:
    await enable_agent(app)
    now = clock.now().isoformat()
    await app.store.execute("INSERT INTO notifications (kind, title, body, created_at) VALUES "
                            "('skill_paused', 'Skill x paused', 'why', ?), ('agent_action', 'Ran y', 'b', ?)",
                            (now, now))
    await app.store.execute("INSERT INTO runs (id, kind, status, cursor, started_at, updated_at) "
                            "VALUES ('r1', 'heartbeat', 'timeout', 2, ?, ?)", (now, now))
    # Notifications are the platform's (the ops module), read by the agent with the same tools as a person.
    unread = await mcp.call("ops_list_notifications", unread_only=True)
    assert unread["total"] == 2 and unread["items"][0]["title"] == "Ran y"
    assert [n["title"] for n in (await mcp.call("ops_list_notifications", kind="skill_paused"))["items"]] == [
        "Skill x paused"]
    assert (await mcp.call("ops_mark_notifications_read", ids=[unread["items"][1]["id"]]))["marked"] == 1
    assert (await mcp.call("ops_mark_notifications_read", all_unread=True))["marked"] == 1
    assert (await mcp.call("ops_list_notifications", unread_only=True))["total"] == 0
    runs = await mcp.call("pilot_list_runs", kind="heartbeat")
    assert runs["items"][0]["cursor"] == 2 and runs["items"][0]["status"] == "timeout"


async def test_approvals_are_a_persons_decision(app: App, mcp_person: McpHarness) -> None:
    mcp = mcp_person  # the client shows the person a confirmation form for each decision
    await enable_agent(app)
    args = {"skill": "blog_archive_post", "arguments": json.dumps({"post_id": 1}), "requested_at": "2026-11-02T08:00",
            "expires_at": "2026-11-04T08:00:00+00:00"}
    for post_id in (1, 2, 3):  # one pending request per skill and arguments
        await app.store.execute("INSERT INTO approvals (skill, arguments, status, requested_at, expires_at) "
                                "VALUES (:skill, :arguments, 'pending', :requested_at, :expires_at)",
                                {**args, "arguments": json.dumps({"post_id": post_id})})
    pending = await mcp.call("ops_list_approvals")
    assert [a["id"] for a in pending["items"]] == [1, 2, 3] and pending["items"][0]["arguments"] == {"post_id": 1}
    by_agent = await app.executor.call("ops_approve", {"approval_id": 1}, caller="pilot")
    assert not by_agent.ok and "a person's decision" in by_agent.message
    approved = await mcp.call("ops_approve", approval_id=1, note="fine")
    assert (approved["status"], approved["decided_by"]) == ("approved", "mcp")
    rejected = await mcp.call("ops_reject", approval_id=2, reason="keep that post")
    assert rejected["status"] == "rejected" and rejected["result"] == "keep that post"
    assert "already approved" in await mcp.error("ops_reject", approval_id=1)
    assert "no approval with id 99" in await mcp.error("ops_approve", approval_id=99)
    assert (await mcp.call("ops_list_approvals", status=None))["total"] == 3
