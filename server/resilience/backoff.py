"""Layer 5: heartbeat backoff after a failure streak, with the seed's formula.

For a streak of 3 or more failed (or timed-out) heartbeats, skip the cycle with
probability min(0.9, 0.3 x (streak - 2)). A skipped cycle is recorded (status
``skipped``) so it is visible, and it neither extends nor breaks the streak.
The random source is injectable so tests are deterministic.

The backoff paces the schedule only: a cycle a person asks for (``heartbeat --once``) runs
whatever the streak, and ``pilothouse agent reset`` clears it: the streak counts only the cycles
after the last one at the reset (the ``heartbeat_backoff`` memory key, this layer's own).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime

from server.store import dumps
from server.tables import activity, memory, runs
from skills.context import Database

STREAK_START = 3
FAILED = ("failed", "timeout")


def skip_probability(streak: int) -> float:
    if streak < STREAK_START:
        return 0.0
    return min(0.9, 0.3 * (streak - 2))


MARK = "heartbeat_backoff"


async def cleared_through(db: Database) -> int:
    """The last heartbeat when a person cleared the streak (0: never)."""
    raw = await memory.read(db, MARK)
    try:
        return int(json.loads(raw or "{}").get("cleared_through", 0))
    except (ValueError, TypeError, AttributeError):
        return 0


async def failure_streak(db: Database, window: int = 50) -> int:
    """Failed or timed-out cycles in a row, newest first, since the last reset."""
    streak = 0
    for status in await runs.finished_statuses(db, window, await cleared_through(db)):
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


async def reset(db: Database, *, who: str, now: datetime) -> int:
    """A person clears the streak (``pilothouse agent reset``): the next scheduled cycle runs. Returns the
    streak cleared; the reset is an activity row, whoever asked and what it cleared."""
    streak = await failure_streak(db)
    if not streak:
        return 0
    now_iso = now.isoformat(timespec="seconds")
    async with db.transaction() as tx:
        last = await runs.last_heartbeat_id(tx)
        await memory.upsert(tx, MARK, dumps({"cleared_through": last, "cleared_at": now_iso, "cleared_by": who}),
                            category="system", now_iso=now_iso)
        await activity.write(
            tx, ts=now_iso, caller=who, run_id=None, skill="agent_reset", module_id="pilot",
            arguments={"streak": streak, "through_heartbeat": last},
            output_summary=f"cleared a streak of {streak} failed heartbeat cycle{'' if streak == 1 else 's'}",
            status="ok", outcome="neutral", error_kind=None, error=None, duration_ms=0, attempts=1)
    return streak
