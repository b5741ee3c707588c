"""Layer 5 in the heartbeat: failures and timeouts build one streak; skips follow the seed's formula."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from server.agent.bootstrap import enable_agent
from server.agent.heartbeat import run_cycle
from server.agent.reasoning_step import interrupted
from server.app import App
from server.resilience.backoff import failure_streak, skip_probability
from server.testing import FakeClock
from server.testing.fake_model import Delay, FakeModelServer, Reply

pytestmark = pytest.mark.anyio

SEED = 11
CYCLES = 9


@pytest.fixture
async def model(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer("openai", models=("gpt-4.1-mini",)) as fake:
        for name in ("OPENAI_API_KEY", "GEMINI_API_KEY", "OLLAMA_HOST", "LOCAL_AI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
        yield fake


class Lucky(random.Random):
    """A draw that never lands under the skip probability (at most 0.9)."""

    def random(self) -> float:
        return 0.95


def expected_statuses(failing: list[str]) -> list[str]:
    """What the seed's formula predicts for cycles that would each end as ``failing[i]`` if they ran."""
    rng, streak, out, planned = random.Random(SEED), 0, [], iter(failing)
    for _ in range(CYCLES):
        p = skip_probability(streak)
        if p > 0 and rng.random() < p:
            out.append("skipped")
            continue
        out.append(next(planned))
        streak += 1
    return out


async def test_failures_and_timeouts_build_the_streak_and_back_off(
    app: App, clock: FakeClock, model: FakeModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    await enable_agent(app)
    await app.modules.configure("pilot", {"wall_clock_s": 0.2})  # a timeout must not take long
    await app.executor.call("pilot_create_objective", {"goal": "Grow the newsletter", "success_criteria": "100 subs"},
                            caller="cli")
    rng = random.Random(SEED)
    model.responder = lambda request: Delay(60)  # once configured, the model never answers in time
    statuses, ran = [], 0
    for _ in range(CYCLES):
        if ran == 2:  # two cycles failed with no provider configured; now one is, but it is too slow
            monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
            monkeypatch.setenv("OPENAI_BASE_URL", model.base_url)
        record = await run_cycle(app, rng=rng)
        statuses.append(record.status)
        ran += record.status != "skipped"
        clock.advance(minutes=30)

    assert statuses == expected_statuses(["failed", "failed"] + ["timeout"] * CYCLES)
    assert "skipped" in statuses and statuses.count("timeout") >= 2
    stored = [r["status"] for r in await app.store.fetchall("SELECT status FROM heartbeats ORDER BY id")]
    assert stored == statuses  # the database accepted every status, 'timeout' included
    assert await failure_streak(app.store) == statuses.count("failed") + statuses.count("timeout")
    skipped = await app.store.fetchone("SELECT detail FROM heartbeats WHERE status = 'skipped'")
    assert skipped is not None
    assert "backing off after" in skipped["detail"]
    failed = await app.store.fetchone("SELECT detail FROM heartbeats WHERE status = 'failed'")
    assert failed is not None
    assert "OPENAI_API_KEY" in failed["detail"]  # the reason says how to fix it

    # The model answers again: one good cycle ends the streak.
    model.responder = lambda request: Reply("NO_REPLY")
    await app.modules.configure("pilot", {"wall_clock_s": 60})
    record = await run_cycle(app, rng=Lucky())
    assert record.status == "ok" and await failure_streak(app.store) == 0


async def test_a_run_that_keeps_failing_to_finish_is_given_up(app: App, clock: FakeClock) -> None:
    now = clock.now()
    rows = [("r-old", (now - timedelta(hours=25)).isoformat()), ("r-a-tired", now.isoformat()),
            ("r-later", now.isoformat()), ("r-ok", now.isoformat())]
    for run_id, started in rows:
        await app.store.execute("INSERT INTO runs (id, kind, status, started_at, updated_at) "
                                "VALUES (?, 'heartbeat', 'timeout', ?, ?)", (run_id, started, started))
    await app.store.execute("UPDATE runs SET resume_after = ? WHERE id = 'r-later'",
                            ((now + timedelta(hours=1)).isoformat(),))
    await app.store.execute("INSERT INTO memory (key, value, category, updated_at) VALUES "
                            "('heartbeat_state', ?, 'system', ?)", (json.dumps({"resumes": {"r-a-tired": 3}}),
                                                                     now.isoformat()))
    assert await interrupted(app) == "r-ok"
    gone = {r["id"]: r["stop_reason"] for r in await app.store.fetchall("SELECT id, stop_reason FROM runs "
                                                                          "WHERE status = 'failed'")}
    assert gone == {"r-old": "abandoned: not finished within 24 h",
                    "r-a-tired": "abandoned after 3 resumes"}
