"""Cron arithmetic and the missed-run policy, as pure functions of (expression, timezone, times).

Missed-run policy (explicit, because "silently lost across restarts" and "catch-up
firing stale alerts" are both real failures):

- Occurrences that fell due while nothing ran, and are at most ``window`` old
  (default 1 h), are coalesced into **one** run now.
- Occurrences older than the window are **skipped** and reported as ``missed`` with
  their count and time span, so the caller records them (schedule ``last_status`` and
  an activity row); they are never run late and never lost without a trace.
- A row that has never been scheduled (``next_run`` is NULL) is only armed: its next
  occurrence is computed, nothing runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from skills.schedule import ScheduleError, check_cron, zone

DEFAULT_WINDOW = timedelta(hours=1)
COUNT_CAP = 10_000


class CronError(ScheduleError):
    pass


@cache
def _croniter() -> Any:
    """croniter, imported on first use: ~8 ms that a server start (health, the CLI) need not pay."""
    from croniter import croniter

    return croniter


def check(expr: str, tz: str = "UTC") -> None:
    """Raise CronError with a fix when the expression or the timezone is invalid (skills/schedule.py)."""
    try:
        check_cron(expr, tz)
    except ScheduleError as exc:
        raise CronError(str(exc)) from None


def _zone(tz: str) -> ZoneInfo:
    try:
        return zone(tz)
    except ScheduleError as exc:
        raise CronError(str(exc)) from None


def next_after(expr: str, tz: str, after: datetime) -> datetime:
    """The first occurrence strictly after ``after``, in UTC."""
    start = after.astimezone(_zone(tz))
    found: datetime = _croniter()(expr, start).get_next(datetime)  # croniter ships no type hints
    return found.astimezone(UTC)


def latest_at_or_before(expr: str, tz: str, moment: datetime) -> datetime:
    start = (moment + timedelta(seconds=1)).astimezone(_zone(tz))
    found: datetime = _croniter()(expr, start).get_prev(datetime)
    return found.astimezone(UTC)


def count_between(expr: str, tz: str, first: datetime, end: datetime) -> int:
    """Occurrences in [first, end), counted up to COUNT_CAP."""
    if first >= end:
        return 0
    it = _croniter()(expr, (first - timedelta(seconds=1)).astimezone(_zone(tz)))
    count = 0
    while count < COUNT_CAP:
        occurrence = it.get_next(datetime).astimezone(UTC)
        if occurrence >= end:
            break
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with one schedule row at ``now``."""

    run: bool
    next_run: datetime
    occurrence: datetime | None = None  # the occurrence being run (the latest one due)
    missed: int = 0  # occurrences skipped because they are older than the window
    missed_since: datetime | None = None
    missed_until: datetime | None = None

    @property
    def armed_only(self) -> bool:
        return not self.run and not self.missed


def plan(expr: str, tz: str, next_run: datetime | None, now: datetime,
         window: timedelta = DEFAULT_WINDOW) -> Plan | None:
    """None when nothing is due; otherwise whether to run once, what was missed, and the next time."""
    upcoming = next_after(expr, tz, now)
    if next_run is None:
        return Plan(run=False, next_run=upcoming)
    if next_run > now:
        return None
    latest = latest_at_or_before(expr, tz, now)
    horizon = now - window
    if latest < next_run:  # the expression changed since next_run was computed
        return Plan(run=True, next_run=upcoming, occurrence=next_run)
    missed = count_between(expr, tz, next_run, min(horizon, latest + timedelta(seconds=1)))
    if latest < horizon:
        # Even the latest occurrence is too old: run nothing late, record all of them.
        return Plan(run=False, next_run=upcoming, missed=max(missed, 1), missed_since=next_run, missed_until=latest)
    return Plan(run=True, next_run=upcoming, occurrence=latest, missed=missed,
                missed_since=next_run if missed else None, missed_until=horizon if missed else None)
