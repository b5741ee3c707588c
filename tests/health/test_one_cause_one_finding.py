"""Issue 31, story 4: one cause, one finding, with the action that fixes it.

The stories: one auto-paused skill produced four findings ("automation ... disabled", "drift ...
removed", "paused", "open circuit breaker"), none saying what to do; a failing heartbeat showed as
"skill heartbeat failed in most calls", a skill no one can resume.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest
from mcp import Client

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.assembly import Process, scheduler_for
from server.cli.main import main
from server.health.report import build_report
from server.resilience import escalation
from server.testing import FakeClock, McpHarness
from server.testing.fake_model import FakeModelServer

pytestmark = pytest.mark.anyio
PAUSED = "invoicing_check_overdue"


async def _cli(capsys: pytest.CaptureFixture[str], db: str | Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = await anyio.to_thread.run_sync(main, ["--db", str(db), *args])
    return code, capsys.readouterr().out


async def _auto_pause(app: App, clock: FakeClock) -> None:
    """Three hard failures in a row (a refused login, each time) auto-pause a skill an automation runs.
    (A webhook receiver's refusals no longer do: they open that endpoint's circuit, issue 27.)"""
    scheduler = scheduler_for(app)
    await scheduler.tick()
    for _ in range(3):
        async with app.store.transaction() as tx:
            await escalation.record(tx, PAUSED, hard_negative=True, kind="auth_failed", now=clock.now())
        clock.advance(minutes=1)
    async with Client(Process.assemble(app).surface.server, raise_exceptions=True) as client:
        paused = (await McpHarness(client).call("ops_list_paused_skills"))["paused"]
    assert [p["name"] for p in paused] == [PAUSED]


async def test_one_paused_skill_is_one_finding_that_says_how_to_resume_it(
        app: App, app_db: str | Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    await _auto_pause(app, clock)

    code, out = await _cli(capsys, app_db, "health", "--json")
    report = json.loads(out)
    assert code == 1 and report["status"] == "degraded"
    [finding] = report["findings"]
    assert finding["kind"] == "skill_paused" and PAUSED in finding["message"] and "auth_failed" in finding["message"]
    assert finding["action"] == f"fix the cause, then: pilothouse skills resume {PAUSED} (cockpit: Resume)"
    # Its consequences are named with it, not as findings of their own.
    assert any("automation #" in also and "Overdue check" in also for also in finding["also"])
    assert report["version"]["drift"] in (None, {}) or not any(report["version"]["drift"].values())

    code, out = await _cli(capsys, app_db, "health")
    findings = [line for line in out.splitlines() if line.startswith("  [")]
    assert len(findings) == 1 and f"pilothouse skills resume {PAUSED}" in out
    assert "drift" not in out and "open circuit breaker" not in out

    code, out = await _cli(capsys, app_db, "skills", "resume", PAUSED)
    assert code == 0
    assert (await build_report(app)).findings == []


@pytest.fixture
async def no_model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield


class Lucky(random.Random):
    def random(self) -> float:
        return 0.95  # never under the skip probability: every scheduled cycle runs


async def test_a_failing_heartbeat_is_a_job_with_a_way_out_not_a_skill(
        app: App, app_db: str | Path, clock: FakeClock, no_model: None, capsys: pytest.CaptureFixture[str]) -> None:
    await enable_agent(app)
    await app.executor.call("pilot_create_objective", {"goal": "Grow the newsletter", "success_criteria": "100"},
                            caller="cli")
    for _ in range(6):  # no provider configured: every cycle fails
        assert (await run_cycle(app, rng=Lucky())).status == "failed"
        clock.advance(minutes=30)

    report = await build_report(app)
    assert "heartbeat" not in report.skills.flagged
    assert not any("skill heartbeat" in f.message for f in report.findings)
    [job] = [f for f in report.findings if f.kind == "job_failing"]
    assert "heartbeat" in job.message and "6 cycles" in job.message and "no AI provider" in job.message
    assert "pilothouse heartbeat --once" in job.action and "pilothouse agent reset" in job.action

    code, out = await _cli(capsys, app_db, "agent", "reset")
    assert code == 0 and "cleared a streak of 6 failed heartbeat cycles" in out
    assert not [f for f in (await build_report(app)).findings if f.kind == "job_failing"]


async def test_a_shadow_cycle_that_only_proposed_is_a_success(
        app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.resilience.backoff import failure_streak
    from server.testing.fake_model import Call, Reply
    from server.trust import mode

    async with FakeModelServer("openai", models=("gpt-4.1-mini", "gpt-4.1")) as model:
        model.as_only_openai(monkeypatch)
        await enable_agent(app)
        await mode.set_mode(app, "shadow", who="cli")  # what the README recommends first
        await app.executor.call("pilot_create_objective", {"goal": "Follow up Ada", "success_criteria": "a lead"},
                                caller="cli")
        model.script(Reply("Ada asked for a quote.", tool_calls=[Call("crm_create_lead", {"email": "ada@acme.io"})]),
                     Reply("I created the lead for Ada and will follow up."))
        record = await run_cycle(app)

    assert record.status == "ok", record.reason
    assert "1 proposal" in record.reason
    assert await failure_streak(app.store) == 0
    assert not [f for f in (await build_report(app)).findings if f.kind == "job_failing"]
