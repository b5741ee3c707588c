"""A clock a test sets by hand, so time-dependent skills and schedules run deterministically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["START", "FakeClock"]

# Every test starts at the same instant; a Monday, so weekday logic has a known anchor.
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """Satisfies ``skills.Clock``: ``now()`` returns ``current`` until the test moves it with ``advance``."""

    current: datetime = START

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        """Move time forward by ``timedelta(**delta)`` (e.g. ``advance(days=3)``) and return the new now."""
        self.current += timedelta(**delta)
        return self.current
