"""Layer 4: score every call's outcome and flag skills that mostly fail.

Hard gates (auth_failed, quota_hit, rate_limited, timeout, 401, 403, 429) score
negative automatically; so does any other execution failure. Refusals (breaker,
pause, validation) are ``neutral``: they say nothing about the skill. A skill is
flagged when more than 60 % of its scored calls in the last 24 h were negative,
and only with at least 5 of them, so one bad call on a quiet skill is no alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from server.resilience.breaker import NOT_COUNTED
from server.tables import activity
from skills import HARD_GATES, ErrorKind
from skills.context import Database

WINDOW = timedelta(hours=24)
NEGATIVE_RATE = 0.60
MIN_SAMPLE = 5
SCORED = ("success", "partial", "no_effect", "negative")


def score(kind: ErrorKind | None, handler_outcome: str | None = None) -> str:
    if kind is None:
        return handler_outcome or "success"
    if kind == ErrorKind.APPROVAL_REQUIRED:
        return "too_early"
    if kind in HARD_GATES or kind not in NOT_COUNTED:
        return "negative"
    return "neutral"


def is_hard_gate(kind: ErrorKind | None) -> bool:
    return kind in HARD_GATES


@dataclass(frozen=True, slots=True)
class Flag:
    skill: str
    calls: int
    negatives: int

    @property
    def negative_rate(self) -> float:
        return self.negatives / self.calls


# The statement flagged_skills runs (its index is explained in server/tables/activity.py).
FLAGGED_SQL = activity.negative_rate_sql(SCORED)


async def flagged_skills(db: Database, now: datetime) -> list[Flag]:
    since = (now - WINDOW).isoformat(timespec="seconds")
    rows = await activity.negative_rates(db, scored=SCORED, since=since, min_calls=MIN_SAMPLE,
                                         min_rate=NEGATIVE_RATE)
    return [Flag(r["skill"], r["calls"], r["negatives"]) for r in rows]
