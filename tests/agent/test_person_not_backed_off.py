"""Issue 31, story 5: the backoff is for the schedule; a person who asks for a cycle gets one.

The story: after a provider outage, `pilothouse heartbeat --once` ("run one cycle now") was
skipped by the backoff 30-90 % of the time (13 tries after the provider was fixed), and nothing
cleared the streak. Now a person's cycle always runs, `pilothouse agent reset` clears the streak,
and both say so in the record.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import pytest

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.app import App
from server.cli.main import main
from server.resilience.backoff import failure_streak
from server.testing import FakeClock
from server.testing.fake_model import FakeModelServer, Reply

pytestmark = pytest.mark.anyio


class Unlucky(random.Random):
    """A draw that always lands under the skip probability: whenever the backoff is asked, it skips."""

    def random(self) -> float:
        return 0.0


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4.1-mini",)) as fake:
        for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        yield fake


async def _outage(app: App, clock: FakeClock) -> None:
    """Five scheduled cycles fail: no provider is configured yet (the 'provider outage')."""
    await enable_agent(app)
    await app.executor.call("pilot_create_objective", {"goal": "Grow the newsletter", "success_criteria": "100 subs"},
                            caller="cli")
    for _ in range(5):
        assert (await run_cycle(app, rng=random.Random(1))).status in ("failed", "skipped")
        clock.advance(minutes=30)
    assert await failure_streak(app.store) >= 3


async def _cli(capsys: pytest.CaptureFixture[str], db: str | Path, *args: str) -> tuple[int, str]:
    capsys.readouterr()
    code = await anyio.to_thread.run_sync(main, ["--db", str(db), *args])
    return code, capsys.readouterr().out


async def test_heartbeat_once_from_a_person_runs_whatever_the_streak(
        app: App, app_db: str | Path, clock: FakeClock, model: FakeModelServer,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    await _outage(app, clock)
    streak = await failure_streak(app.store)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")  # the provider is fixed
    monkeypatch.setenv("OPENAI_BASE_URL", model.base_url)
    model.responder = lambda request: Reply("NO_REPLY")
    # Whatever the draw: the backoff would skip every time it is asked.
    monkeypatch.setattr(random, "Random", Unlucky)  # the heartbeat's own draw, when nobody hands one in

    assert (await run_cycle(app, rng=Unlucky())).status == "skipped"  # the schedule still backs off

    code, out = await _cli(capsys, app_db, "heartbeat", "--once")
    assert code == 0 and ": ok" in out.splitlines()[0], out
    assert f"asked by a person: the backoff after {streak} failed cycles does not apply" in out
    beat = await app.store.fetchone("SELECT status, detail FROM heartbeats ORDER BY id DESC LIMIT 1")
    assert beat is not None and beat["status"] == "ok"
    assert json.loads(beat["detail"])["requested_by"] == "cli"
    assert await failure_streak(app.store) == 0  # one good cycle ends the streak


async def test_agent_reset_clears_the_streak_and_is_recorded(
        app: App, app_db: str | Path, clock: FakeClock, model: FakeModelServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    await _outage(app, clock)
    streak = await failure_streak(app.store)
    code, out = await _cli(capsys, app_db, "agent", "status")
    assert f"backing off: {streak} failed cycles in a row" in out and "pilothouse agent reset" in out

    code, out = await _cli(capsys, app_db, "agent", "reset")
    assert code == 0 and f"cleared a streak of {streak} failed heartbeat cycles" in out
    assert await failure_streak(app.store) == 0
    row = await app.store.fetchone("SELECT caller, skill, output_summary FROM activity WHERE skill = 'agent_reset'")
    assert row is not None and row["caller"] == "cli" and str(streak) in row["output_summary"]
    # The schedule runs its next cycle at once, whatever the draw (it fails again: still no provider).
    assert (await run_cycle(app, rng=Unlucky())).status == "failed"
    code, out = await _cli(capsys, app_db, "agent", "reset")
    assert code == 0 and "cleared a streak of 1 failed heartbeat cycle" in out
    code, out = await _cli(capsys, app_db, "agent", "reset")
    assert code == 0 and "no failure streak to clear" in out
