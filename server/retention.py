"""Retention: how long activity, events, runs and heartbeats are kept in full, and what stays after.

Every row is kept for ``PILOTHOUSE_RETENTION_DAYS`` days (90 unless set; 0 keeps everything).
Then activity is folded into one row per skill and day (``activity_daily``: calls, refusals,
successes, errors by kind, negatives, time spent), which health trends and learning read beside
the rows still kept (``activity.daily``); the evaluation and the nightly learning only look at
the last day, always in full. Older events (those no module row still points at), finished runs
and heartbeat rows are deleted, and so are the outside reads of runs (server/tables/outside_reads.py).

It runs daily as the ``retention`` platform schedule, and on demand: ``pilothouse retention``.
Each day of activity is folded in its own transaction, and deletions go in batches, so the write
lock is never held for long. SQLite reuses the freed pages, so the file stops growing rather
than shrinking (benchmarks/retention_growth.py prints the sizes).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from server.store import AnyStore
from server.tables import activity, events, outside_reads, runs

DAYS_ENV = "PILOTHOUSE_RETENTION_DAYS"
DEFAULT_DAYS = 90
BATCH = 5_000


@dataclass(frozen=True, slots=True)
class RetentionReport:
    days: int
    folded_days: int = 0
    activity_rows: int = 0
    events: int = 0
    runs: int = 0
    heartbeats: int = 0
    outside_reads: int = 0  # what runs read that was written outside the business (server/trust/outside.py)

    def summary(self) -> str:
        if self.days == 0:
            return f"retention off ({DAYS_ENV}=0): nothing removed"
        return (f"kept {self.days} days in full; folded {self.activity_rows:,} activity rows of {self.folded_days} "
                f"days into daily summaries; removed {self.events:,} events, {self.runs:,} runs, "
                f"{self.heartbeats:,} heartbeats, {self.outside_reads:,} outside reads")


def retention_days(env: dict[str, str] | None = None) -> int:
    raw = (os.environ if env is None else env).get(DAYS_ENV, "").strip()
    if not raw:
        return DEFAULT_DAYS
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(f"{DAYS_ENV}={raw!r} is not a number of days (90, or 0 to keep everything)") from None
    if days < 0:
        raise ValueError(f"{DAYS_ENV}={raw!r}: use a number of days, 0 to keep everything")
    return days


async def apply(store: AnyStore, now: datetime, days: int | None = None) -> RetentionReport:
    """Fold and delete what is older than ``days`` (default: the configured policy) before ``now``."""
    days = retention_days() if days is None else days
    if days == 0:
        return RetentionReport(days=0)
    cutoff = (now - timedelta(days=days)).date()
    folded_days = rows = 0
    oldest = await activity.oldest_ts(store)
    day = date.fromisoformat(oldest[:10]) if oldest else cutoff
    while day < cutoff:
        nxt = day + timedelta(days=1)
        async with store.transaction() as tx:
            n = await activity.fold_day(tx, day.isoformat(), nxt.isoformat())
        folded_days += n > 0
        rows += n
        day = nxt
    before = cutoff.isoformat()
    removed = {}
    for name, prune in (("events", events.prune), ("runs", runs.prune_runs), ("heartbeats", runs.prune_heartbeats),
                        ("outside_reads", outside_reads.prune)):
        total = 0
        while True:
            n = await prune(store, before, BATCH)
            total += n
            if n < BATCH:
                break
        removed[name] = total
    return RetentionReport(days=days, folded_days=folded_days, activity_rows=rows, **removed)
