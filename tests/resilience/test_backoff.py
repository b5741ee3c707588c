"""Layer 5: the heartbeat's failure streak becomes a probabilistic skip (the seed's formula)."""

from __future__ import annotations

import random

import pytest

from server.app import App
from server.resilience.backoff import decide, failure_streak, skip_probability

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("streak", "p"), [(0, 0.0), (2, 0.0), (3, 0.3), (4, 0.6), (5, 0.9), (12, 0.9)])
def test_skip_probability(streak: int, p: float) -> None:
    assert skip_probability(streak) == pytest.approx(p)


async def _beats(app: App, *statuses: str) -> None:
    for status in statuses:
        await app.store.execute("INSERT INTO heartbeats (started_at, status) VALUES ('2026-11-02T09:00:00', ?)",
                                (status,))


async def test_streak_counts_failures_and_timeouts_and_skips_do_not_break_it(fapp: App) -> None:
    await _beats(fapp, "ok", "failed", "timeout", "skipped", "failed", "skipped")
    assert await failure_streak(fapp.store) == 3
    await _beats(fapp, "idle")
    assert await failure_streak(fapp.store) == 0


async def test_decision_uses_the_injected_random_source(fapp: App) -> None:
    await _beats(fapp, "failed", "failed", "failed", "failed")  # streak 4: p = 0.6
    skips = [(await decide(fapp.store, random.Random(seed))).skip for seed in range(200)]
    assert 0.5 < sum(skips) / len(skips) < 0.7
    decision = await decide(fapp.store, random.Random(1))
    assert (decision.streak, decision.probability) == (4, pytest.approx(0.6))
