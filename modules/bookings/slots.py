"""Availability: opening hours minus confirmed appointments, in 15-minute steps. Pure functions.

All times are UTC (ISO 8601 with offset in and out). An appointment occupies its duration
plus the service's buffer; two appointments conflict when those spans overlap.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

STEP = timedelta(minutes=15)


def span(start: datetime, duration_min: int, buffer_min: int) -> tuple[datetime, datetime]:
    return start, start + timedelta(minutes=duration_min + buffer_min)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def day_slots(day: date, opens: time, closes: time, duration_min: int, buffer_min: int,
              busy: list[tuple[datetime, datetime]], tz: object) -> list[datetime]:
    start = datetime.combine(day, opens, tzinfo=tz)  # type: ignore[arg-type]
    close = datetime.combine(day, closes, tzinfo=tz)  # type: ignore[arg-type]
    free = []
    while start + timedelta(minutes=duration_min) <= close:
        if not any(overlaps(span(start, duration_min, buffer_min), b) for b in busy):
            free.append(start)
        start += STEP
    return free
