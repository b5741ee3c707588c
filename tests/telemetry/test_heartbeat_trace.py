"""One heartbeat with a tool call and a provider failover is one trace, exported to a loopback receiver."""

from __future__ import annotations

import pytest

from server.agent.bootstrap import enable_agent
from server.app import App
from server.assembly import scheduler_for
from server.testing import FakeClock
from server.testing.fake_model import Call, FakeModelServer, Fault, Reply
from tests.telemetry.conftest import Collector, children, one

pytestmark = pytest.mark.anyio


async def test_a_heartbeat_is_one_trace_of_cycle_run_model_calls_and_skill_calls(
    app: App, clock: FakeClock, otlp: Collector, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with (FakeModelServer("openai", models=("gpt-4.1-mini",)) as openai,
                FakeModelServer("gemini", models=("gemini-2.5-flash",)) as gemini):
        openai.as_only_openai(monkeypatch)
        monkeypatch.setenv("GEMINI_API_KEY", "test-gemini")
        monkeypatch.setenv("GEMINI_BASE_URL", gemini.base_url + "/")
        openai.script(Fault.server_error(), Reply("Wrote the post as planned.", usage=(900, 12)))
        gemini.script(Reply(tool_calls=[Call("blog_create_post", {"title": "Launch", "body": "We are live."})],
                            usage=(800, 30)))
        await enable_agent(app)
        made = await app.executor.call("pilot_create_objective", {
            "goal": "Announce the launch on the blog", "success_criteria": "one post", "steps": ["Write it"],
            "deadline": "2026-11-08", "priority": 1}, caller="cli")
        assert made.ok, made.message
        scheduler = scheduler_for(app)
        clock.current = clock.current.replace(hour=10, minute=0)  # the heartbeat's time
        assert "heartbeat" in {e.schedule for e in await scheduler.tick()}
    beat = await app.store.fetchone("SELECT status, run_id FROM heartbeats")
    assert beat is not None and beat["status"] == "ok"

    spans = await otlp.spans()
    tick = one(spans, "scheduler tick")
    scheduled = one(spans, "schedule heartbeat")
    assert scheduled.parent == "" and scheduled.links == [tick.span_id]  # its own trace, linked to its tick
    assert "heartbeat" in tick.attributes["pilothouse.schedules"]
    leases = [(name, a["pilothouse.lease"], a["pilothouse.lease.ok"]) for name, a in scheduled.events]
    assert leases == [("pilothouse.lease.acquire", "heartbeat", True), ("pilothouse.lease.release", "heartbeat", True)]
    trace = [s for s in spans if s.trace_id == scheduled.trace_id]
    [cycle] = children(trace, scheduled)
    assert cycle.name == "heartbeat" and cycle.attributes["pilothouse.heartbeat.status"] == "ok"
    assert cycle.attributes["session.id"] == beat["run_id"]
    [run] = children(trace, cycle)
    assert run.name == "run heartbeat"
    assert run.attributes["session.id"] == beat["run_id"] and run.attributes["pilothouse.run.iterations"] == 2
    assert run.attributes["pilothouse.run.stop_reason"] == "answer" and run.attributes["pilothouse.tier"] == "fast"
    assert "Announce the launch on the blog" in run.attributes["pilothouse.run.objective"]
    assert [s.name for s in children(trace, run)] == ["chat gemini-2.5-flash", "call blog_create_post",
                                                       "chat gpt-4.1-mini"]
    failed_over, tool, answered = children(trace, run)
    assert failed_over.attributes | {"pilothouse.cost_usd": 0} == {
        "gen_ai.operation.name": "chat", "gen_ai.provider.name": "gcp.gemini", "pilothouse.tier": "fast",
        "gen_ai.request.model": "gemini-2.5-flash", "gen_ai.response.model": "gemini-2.5-flash",
        "gen_ai.usage.input_tokens": 800, "gen_ai.usage.output_tokens": 30, "session.id": beat["run_id"],
        "gen_ai.response.finish_reasons": ["tool_calls"], "pilothouse.cost_usd": 0}
    assert [(name, a["gen_ai.provider.name"], a["pilothouse.attempt.status"], a["error.type"])
            for name, a in failed_over.events] == [
        ("gen_ai.failover.attempt", "openai", "error", "http_5xx"),
        ("gen_ai.failover.attempt", "gcp.gemini", "ok", "")]
    assert tool.attributes["pilothouse.caller"] == "pilot" and tool.attributes["session.id"] == beat["run_id"]
    assert tool.attributes["pilothouse.outcome"] == "success"
    assert answered.attributes["gen_ai.provider.name"] == "openai" and answered.events == []
    # The platform's schedules in that tick are the tick's children, in its trace.
    assert {s.name for s in children(spans, tick)} >= {"schedule approvals", "schedule automation_dispatcher"}
    # Never the prompt, the answer or the arguments.
    assert not any("We are live." in str(s.attributes) or "Wrote the post" in str(s.attributes) for s in spans)

    metrics = await otlp.metrics()
    assert metrics["pilothouse.heartbeat.cycles"] == [({"pilothouse.heartbeat.status": "ok"}, 1)]
    tokens = {(a["gen_ai.provider.name"], a["gen_ai.token.type"]): v for a, v in metrics["pilothouse.ai.tokens"]}
    assert tokens == {("gcp.gemini", "input"): 800, ("gcp.gemini", "output"): 30,
                      ("openai", "input"): 900, ("openai", "output"): 12}
    assert metrics["pilothouse.approvals.waiting"] == [({}, 0)]


async def test_the_tick_reads_the_waiting_mail_and_approvals_into_gauges(
    app: App, clock: FakeClock, otlp: Collector
) -> None:
    mail = {"to": "ada@acme.io", "subject": "Hi", "body": "Hello", "confirm": True}
    queued = await app.executor.call("email_send", mail, caller="cli")
    assert queued.ok, queued.message
    clock.advance(minutes=10)  # no mail server is configured: the message keeps waiting
    await scheduler_for(app).tick()
    metrics = await otlp.metrics()
    assert metrics["pilothouse.outbox.pending"] == [({}, 1)]
    assert metrics["pilothouse.outbox.oldest_pending_age"] == [({}, 600)]
    assert metrics["pilothouse.approvals.waiting"] == [({}, 0)]
