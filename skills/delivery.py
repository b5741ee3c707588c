"""Outbound deliveries (email, webhooks): retry budgets measured in time, and a run's time budget.

A message that failed is tried again after ``base_s`` (1 min), the delay doubling per failed
delivery run up to ``cap_s`` (1 h), until ``budget_s`` (24 h) has passed since it was queued:
then it is ``failed``. An outage of ten minutes therefore costs a message four or five attempts,
not its whole budget, and when the receiver is back the next due run sends it, nobody involved.

A module reads its policy from its settings (``pilothouse modules configure email
retry_budget_hours=48``): ``retry_base_s``, ``retry_max_s``, ``retry_budget_hours`` and
``run_budget_s`` (how long one delivery run keeps claiming due messages; default 45 s, under
the minute between runs and the skill's timeout).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from skills.settings import ModuleSettings, setting

# A claim outlives the longest a delivery run may hold it (its skill's timeout, 120 s): no live run
# ever has a row taken from under it, and a crashed run's rows are retried this long after.
CLAIM_TTL = timedelta(minutes=5)
# Ends a claim's SELECT: a comment to SQLite (one writer at a time), ``FOR UPDATE SKIP LOCKED`` on
# PostgreSQL (its dialect unwraps it), so instances sharing one database claim disjoint rows at once.
SKIP_LOCKED = "/* FOR UPDATE SKIP LOCKED */"


class RetrySettings(ModuleSettings):
    """The delivery settings a module that sends (email, webhooks) accepts; ``RetryPolicy`` reads them."""

    retry_base_s: float = setting(60.0, "first retry after this many seconds; doubles per failed run", gt=0)
    retry_max_s: float = setting(3600.0, "longest wait between two tries, in seconds", gt=0)
    retry_budget_hours: float = setting(24.0, "hours after which an undelivered message is failed", gt=0)
    run_budget_s: float = setting(45.0, "seconds one delivery run keeps claiming due messages", gt=0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_s: float = 60.0
    cap_s: float = 3600.0
    budget_s: float = 24 * 3600.0
    run_budget_s: float = 45.0

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> RetryPolicy:
        def number(key: str, default: float) -> float:
            value = settings.get(key)
            return float(value) if value not in (None, "") else default

        default = cls()
        return cls(base_s=number("retry_base_s", default.base_s), cap_s=number("retry_max_s", default.cap_s),
                   budget_s=number("retry_budget_hours", default.budget_s / 3600) * 3600,
                   run_budget_s=number("run_budget_s", default.run_budget_s))

    def next_attempt(self, failed_attempts: int, queued_at: str, now: datetime) -> datetime | None:
        """When to try again after the ``failed_attempts``-th failed run; None once the budget is spent."""
        try:
            start = datetime.fromisoformat(queued_at)
        except ValueError:  # a row written by hand: its budget runs from now
            start = now
        deadline = start + timedelta(seconds=self.budget_s)
        if now >= deadline:
            return None
        delay = min(self.cap_s, self.base_s * 2 ** max(0, failed_attempts - 1))
        return min(now + timedelta(seconds=delay), deadline)  # the last try lands on the deadline

    def run_deadline(self) -> float:
        """A ``time.monotonic()`` instant: a run claims no new chunk after it (real time: a test's
        fake clock must not make a run endless)."""
        return time.monotonic() + self.run_budget_s


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
