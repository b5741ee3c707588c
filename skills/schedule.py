"""A cron line and its timezone as a declaration states them, checked once, with the fix in the message.

The one check of a cron line: ``Automation`` declarations (at import) and the platform schedules
(server/scheduler/cron.py) both call it. croniter decides what a valid line is; a line must also
have exactly the five fields ``min hour day month weekday`` (croniter would accept a sixth, seconds).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ScheduleError(ValueError):
    """A cron line or timezone that can never be scheduled."""


def check_cron(expr: str, tz: str = "UTC") -> None:
    """Raise ``ScheduleError`` saying how to fix ``expr`` or ``tz`` when either is invalid."""
    from croniter import croniter  # ~8 ms to import: paid by processes that declare or run a schedule

    if not isinstance(expr, str) or len(expr.split()) != 5 or not croniter.is_valid(expr):
        raise ScheduleError(f"invalid cron expression {expr!r}: use 5 fields 'min hour day month weekday', "
                            "e.g. '*/30 * * * *' (every 30 minutes) or '0 9 * * 1' (Mondays at 09:00)")
    zone(tz)


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ScheduleError(f"unknown timezone {tz!r}: use an IANA name such as 'UTC' or 'Europe/Stockholm'") from exc
