"""Crash and contention: a killed heartbeat resumes from its checkpoint; two processes never beat at once."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import pytest

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.assembly import open_app
from server.testing import FakeClock
from server.testing.fake_model import Call, Delay, FakeModelServer, Reply

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).parents[2]


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4.1-mini",)) as fake:
        fake.as_only_openai(monkeypatch)
        yield fake


async def _prepare(db: Path, clock: FakeClock) -> None:
    async with open_app(db, clock=clock) as app:
        await enable_agent(app)
        result = await app.executor.call("pilot_create_objective", {
            "goal": "Publish 2 blog posts", "success_criteria": "2 posts published"}, caller="cli")
        assert result.ok, result.message


async def test_a_killed_heartbeat_resumes_without_repeating_completed_steps(tmp_path: Path,
                                                                            model: FakeModelServer) -> None:
    db = tmp_path / "crash.db"
    # The child process runs on the real clock; this side follows it, then jumps past the lease.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    await _prepare(db, clock)
    model.script(
        Reply(tool_calls=[Call("blog_create_post", {"title": "First post", "body": "One."})]),
        Reply(tool_calls=[Call("blog_create_post", {"title": "Second post", "body": "Two."})]),
        Delay(60),  # the third model call hangs: the process is killed while it waits
    )
    child = await anyio.open_process([sys.executable, "-m", "server.cli.main", "--db", str(db), "heartbeat",
                                      "--once"], cwd=ROOT, env=dict(os.environ))
    try:
        reached = await model.requests_reached(3, wait_s=30)
        assert reached, f"the child did not reach its third model call (exit code {child.returncode})"
    finally:
        child.kill()  # SIGKILL: no cancellation handler, no final checkpoint, the lease stays taken
        with anyio.fail_after(10):
            await child.wait()

    clock.current = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)  # the dead holder's lease expired
    async with open_app(db, clock=clock) as app:
        run = await app.store.fetchone("SELECT id, status, cursor FROM runs")
        assert run is not None
        assert (run["status"], run["cursor"]) == ("running", 4)  # 2 model calls + 2 tool calls were saved
        assert await app.store.fetchval("SELECT status FROM heartbeats") == "running"

        model.script(Reply(tool_calls=[Call("blog_publish_post", {"post_id": 1}),
                                       Call("blog_publish_post", {"post_id": 2})]),
                     Reply("Both posts are published."))
        record = await run_cycle(app)
        assert record.status == "ok" and record.resumed_run == run["id"] and record.run_id == run["id"]
        titles = [r["title"] for r in await app.store.fetchall("SELECT title FROM blog_posts ORDER BY id")]
        assert titles == ["First post", "Second post"]  # nothing created twice
        assert await app.store.fetchval(
            "SELECT COUNT(*) FROM activity WHERE skill = 'blog_create_post'") == 2
        assert await app.store.fetchval("SELECT COUNT(*) FROM blog_posts WHERE status = 'published'") == 2
        # The resumed conversation carried on from the saved step: the model saw both creations.
        resumed = model.requests[3].messages
        assert [m["role"] for m in resumed[-4:]] == ["assistant", "tool", "assistant", "tool"]
        beats = await app.store.fetchall("SELECT status, detail FROM heartbeats ORDER BY id")
        assert [b["status"] for b in beats] == ["failed", "ok"]
        assert "the process died during this cycle" in beats[0]["detail"]
        assert await app.store.fetchval("SELECT status FROM runs") == "completed"


async def test_two_processes_contend_and_only_one_heartbeat_runs(tmp_path: Path, model: FakeModelServer) -> None:
    db = tmp_path / "contend.db"
    clock = FakeClock()
    await _prepare(db, clock)
    model.script(Delay(60))
    async with open_app(db, clock=clock) as one, open_app(db, clock=clock) as two:
        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                tg.start_soon(run_cycle, one)
                assert await model.requests_reached(1, wait_s=10)  # one is mid-cycle, waiting on the model
                busy = await run_cycle(two)
                assert busy.status == "busy" and not busy.recorded and "another heartbeat is running" in busy.reason
                tg.cancel_scope.cancel()  # one is stopped (a shutdown): its run keeps its checkpoint
        assert len(model.requests) == 1  # two never called the model
        beats = await two.store.fetchall("SELECT status FROM heartbeats ORDER BY id")
        assert [b["status"] for b in beats] == ["skipped"]
        paused = await two.store.fetchone("SELECT id, status FROM runs")
        assert paused is not None
        assert paused["status"] == "paused"

        model.script(Reply("NO_REPLY"))
        clock.advance(minutes=30)
        later = await run_cycle(two)  # the lease is free again: two resumes the run one left
        assert later.status == "ok" and later.resumed_run == paused["id"]
