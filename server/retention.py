"""Retention: how long what grows is kept in full, and what stays after.

Every row is kept for ``PILOTHOUSE_RETENTION_DAYS`` days (90 unless set; 0 keeps everything).
Then activity is folded into one row per skill and day (``activity_daily``: calls, refusals,
successes, errors by kind, negatives, time spent), which health trends and learning read beside
the rows still kept (``activity.daily``); the evaluation and the nightly learning only look at
the last day, always in full. Older sent messages (outbox), delivered webhook deliveries, read
notifications, AI usage rows, events (those no module row still points at, so after their
deliveries), finished runs, heartbeat rows and the outside reads of runs
(server/tables/outside_reads.py) are deleted, each by its table's owner. What waits
for a person is kept whatever its age: dead letters, failed deliveries, unread notifications.
Callers' idempotency keys are kept a day (server/idempotency.py). Left to grow: ``activity_daily``
(one row per skill and day) and decided approvals (the trust ladder counts them), both small.

It runs daily as the ``retention`` platform schedule, and on demand: ``pilothouse retention``.
Each day of activity is folded in its own transaction, and deletions go in batches, so the write
lock is never held for long. SQLite reuses the freed pages, so the file stops growing rather
than shrinking (benchmarks/retention_growth.py prints the sizes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from modules.webhooks import claims as webhook_deliveries
from server import idempotency, settings
from server.providers import usage
from server.store import AnyStore
from server.tables import activity, events, notifications, outside_reads, runs
from skills import outbox

DAYS_ENV = "PILOTHOUSE_RETENTION_DAYS"
DEFAULT_DAYS = 90
BATCH = 5_000


@dataclass(frozen=True, slots=True)
class RetentionReport:
    days: int
    folded_days: int = 0
    activity_rows: int = 0
    messages: int = 0
    deliveries: int = 0
    notifications: int = 0
    ai_usage: int = 0
    keys: int = 0
    events: int = 0
    runs: int = 0
    heartbeats: int = 0
    outside_reads: int = 0  # what runs read that was written outside the business (server/trust/outside.py)

    def summary(self) -> str:
        if self.days == 0:
            return f"retention off ({DAYS_ENV}=0): nothing removed"
        return (f"kept {self.days} days in full; folded {self.activity_rows:,} activity rows of {self.folded_days} "
                f"days into daily summaries; removed {self.messages:,} sent messages, {self.deliveries:,} webhook "
                f"deliveries, {self.notifications:,} read notifications, {self.ai_usage:,} AI usage rows, "
                f"{self.keys:,} idempotency keys, {self.events:,} events, {self.runs:,} runs, "
                f"{self.heartbeats:,} heartbeats, {self.outside_reads:,} outside reads")


def retention_days(env: dict[str, str] | None = None) -> int:
    """``PILOTHOUSE_RETENTION_DAYS`` (90 unless set; 0 keeps everything), checked by the settings owner."""
    return settings.load(env).retention_days


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
    # Deliveries before events: an event is kept while a delivery points at it.
    for name, prune, since in (
            ("messages", outbox.prune, before), ("deliveries", _prune_deliveries, before),
            ("notifications", notifications.prune, before), ("ai_usage", usage.prune, before),
            ("keys", idempotency.prune, (now - idempotency.KEEP).isoformat(timespec="seconds")),
            ("events", events.prune, before), ("runs", runs.prune_runs, before),
            ("heartbeats", runs.prune_heartbeats, before), ("outside_reads", outside_reads.prune, before)):
        total = 0
        while True:
            n = await prune(store, since, BATCH)
            total += n
            if n < BATCH:
                break
        removed[name] = total
    return RetentionReport(days=days, folded_days=folded_days, activity_rows=rows, **removed)


async def _prune_deliveries(store: AnyStore, before: str, batch: int) -> int:
    """The webhooks module's delivered rows, where it was ever enabled (its table exists)."""
    if ("webhooks_deliveries", "event_id") not in await store.references_to("events"):
        return 0
    return await webhook_deliveries.prune(store, before, batch)
