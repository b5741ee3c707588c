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
    assert decision.streak == 4 and decision.probability == pytest.approx(0.6)


class FixedRandom(random.Random):
    """An injected random source that always draws the same number."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value
        self.draws = 0

    def random(self) -> float:
        self.draws += 1
        return self.value


async def test_the_skip_is_exactly_the_seed_formula(fapp: App) -> None:
    await _beats(fapp, "failed", "timeout")  # streak 2: never skipped, the random source is not even asked
    never = FixedRandom(0.0)
    assert not (await decide(fapp.store, never)).skip and never.draws == 0
    await _beats(fapp, "failed")  # streak 3: p = 0.3
    assert (await decide(fapp.store, FixedRandom(0.29))).skip
    assert not (await decide(fapp.store, FixedRandom(0.3))).skip
    await _beats(fapp, "timeout", "failed", "failed", "failed")  # streak 7: p capped at 0.9, never certain
    assert (await decide(fapp.store, FixedRandom(0.89))).skip
    assert not (await decide(fapp.store, FixedRandom(0.9))).skip


async def test_skipped_cycles_stay_visible_without_extending_the_streak(fapp: App) -> None:
    await _beats(fapp, "failed", "failed", "failed")
    rng = random.Random(3)
    for _ in range(20):  # what the heartbeat does each cycle: decide, and record a skip as 'skipped'
        decision = await decide(fapp.store, rng)
        assert decision.streak == 3
        if decision.skip:
            await _beats(fapp, "skipped")
        else:
            break
    skipped = await fapp.store.fetchval("SELECT COUNT(*) FROM heartbeats WHERE status = 'skipped'")
    assert 0 < skipped < 20  # p = 0.3: some skipped, and a cycle did run
    assert await failure_streak(fapp.store) == 3
