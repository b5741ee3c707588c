"""Layer 5: heartbeat backoff after a failure streak, with the seed's formula.

For a streak of 3 or more failed (or timed-out) heartbeats, skip the cycle with
probability min(0.9, 0.3 x (streak - 2)). A skipped cycle is recorded (status
``skipped``) so it is visible, and it neither extends nor breaks the streak.
The random source is injectable so tests are deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from server.tables import runs
from skills.context import Database

STREAK_START = 3
FAILED = ("failed", "timeout")


def skip_probability(streak: int) -> float:
    if streak < STREAK_START:
        return 0.0
    return min(0.9, 0.3 * (streak - 2))


async def failure_streak(db: Database, window: int = 50) -> int:
    streak = 0
    for status in await runs.finished_statuses(db, window):
        if status not in FAILED:
            break
        streak += 1
    return streak


@dataclass(frozen=True, slots=True)
class BackoffDecision:
    skip: bool
    streak: int
    probability: float


async def decide(db: Database, rng: random.Random) -> BackoffDecision:
    streak = await failure_streak(db)
    probability = skip_probability(streak)
    return BackoffDecision(probability > 0 and rng.random() < probability, streak, probability)
