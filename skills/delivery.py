"""Outbound deliveries (email, webhooks): claim leases, retry budgets measured in time, a run's budget.

A deliverer claims the rows it is about to send with a short lease (``LEASE``, 15 s) and renews
it while it runs (``renewing``: every 5 s, in real time, whatever the clock the work is scheduled
by). A deliverer that dies (kill -9, a lost machine) stops renewing, so another process takes its
rows over at most ``LEASE`` later, instead of waiting out a claim sized for the longest run. Each
message is marked in flight just before it is sent; a taken-over row still marked so is one whose
outcome the crash left unknown (``uncertain``), and its resend carries the same identity
(Message-ID, webhook-id) so the receiver can drop it.

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

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import anyio

from skills.settings import ModuleSettings, setting

if TYPE_CHECKING:
    from skills.context import Database

log = logging.getLogger(__name__)

# A claim's lease: how long a crashed deliverer's rows wait before another process takes them over.
LEASE = timedelta(seconds=15)
# How often a live deliverer renews the leases of the rows it holds (real seconds): three renewals
# fit in one lease, so a slow database write or a busy event loop never loses a live run its rows.
RENEW_S = 5.0
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


@asynccontextmanager
async def renewing(renew: Callable[[], Awaitable[object]], every_s: float | None = None) -> AsyncIterator[None]:
    """Renew this run's leases (``renew``) every ``every_s`` (default ``RENEW_S``) while the body runs.

    A failed renewal is logged and tried again on the next beat: the run may then lose rows to
    another deliverer, which is safe (a row is marked by whoever holds it, and a resend carries
    the same identity), only wasteful.
    """
    interval = RENEW_S if every_s is None else every_s

    async def beat() -> None:
        while True:
            await anyio.sleep(interval)
            try:
                await renew()
            except Exception:  # the database was busy or away: the next beat tries again
                log.warning("renewing a delivery lease failed; trying again in %.0f s", interval, exc_info=True)

    async with anyio.create_task_group() as tg:
        tg.start_soon(beat)
        try:
            yield
        finally:
            tg.cancel_scope.cancel()


async def by_target(rows: Sequence[dict[str, Any]], target: Callable[[dict[str, Any]], object],
                    send: Callable[[list[dict[str, Any]]], Awaitable[None]], *, at_once: int = 8) -> None:
    """Hand each target's rows, in order, to ``send``; targets run at the same time (``at_once`` at
    most), so a slow or dead receiver holds up its own messages and no one else's. ``send`` must not
    raise: each message's failure is that message's (marked on its row)."""
    groups: dict[object, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(target(row), []).append(row)
    limiter = anyio.CapacityLimiter(at_once)

    async def one(group: list[dict[str, Any]]) -> None:
        async with limiter:
            await send(group)

    async with anyio.create_task_group() as tg:
        for group in groups.values():
            tg.start_soon(one, group)


async def done_among(db: Database, table: str, done: str, at: str, identities: list[str]) -> dict[str, str]:
    """``identity -> when`` of the rows of ``table`` among ``identities`` whose status is ``done`` (restore
    asks the replaced database what it sent since the backup); read 500 identities at a time."""
    found: dict[str, str] = {}
    for start in range(0, len(identities), 500):
        chunk = identities[start:start + 500]
        rows = await db.fetchall(f"SELECT message_id, {at} AS at FROM {table} WHERE status = ? AND message_id IN "
                                 f"({','.join('?' * len(chunk))})", (done, *chunk))
        found.update({str(r["message_id"]): str(r["at"]) for r in rows})
    return found

