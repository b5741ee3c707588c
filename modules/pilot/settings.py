"""The agent's settings: what `pilothouse modules configure pilot` (and `agent enable`) accept.

Defaults follow the reference platform: heartbeat budget 120k tokens / 15 iterations
(180k / 18 on a fresh site, before the first completed cycle), the fast model tier, a
wall-clock cap, context budgets of 20,000 characters per document and 60,000 in total,
a 1 h catch-up window for missed runs, and no active-hours limit. ``mode`` is the trust
mode (live, or shadow: the agent proposes its writes), a person's decision (server/trust/mode.py).
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator

from skills.settings import ModuleSettings, setting

HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


class PilotSettings(ModuleSettings):
    model_tier: Literal["fast", "reasoning"] = setting("fast", "the model tier of the heartbeat")
    token_budget: int = setting(120_000, "tokens one heartbeat may spend", gt=0)
    max_iterations: int = setting(15, "model calls one heartbeat may make", gt=0)
    fresh_token_budget: int = setting(180_000, "token budget before the first completed cycle", gt=0)
    fresh_max_iterations: int = setting(18, "model calls before the first completed cycle", gt=0)
    wall_clock_s: float = setting(300.0, "seconds one heartbeat may run", gt=0)
    active_hours: str | None = setting(None, "when the agent works, e.g. 08:00-20:00 (in timezone); always if unset")
    timezone: str = setting("UTC", "the IANA timezone of active_hours")
    doc_chars: int = setting(20_000, "characters of one document in the agent's context", gt=0)
    total_chars: int = setting(60_000, "characters of all documents in the agent's context", gt=0)
    catch_up_window_s: float = setting(3600.0, "a missed run older than this is skipped, not run late", gt=0)
    tick_s: float = setting(20.0, "seconds between two scheduler ticks", gt=0)
    mode: Literal["live", "shadow"] = setting("live", "live, or shadow: the agent proposes its writes")

    @field_validator("active_hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value is not None:
            parse_hours(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA timezone name, e.g. Europe/Stockholm") from exc
        return value

    def within_active_hours(self, now: datetime) -> bool:
        if self.active_hours is None:
            return True
        start, end = parse_hours(self.active_hours)
        local = now.astimezone(ZoneInfo(self.timezone)).time()
        return start <= local < end if start < end else (local >= start or local < end)  # overnight windows


def parse_hours(text: str) -> tuple[time, time]:
    match = HOURS.match(text)
    if not match:
        raise ValueError(f"active hours {text!r} must look like 08:00-20:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(f"active hours {text!r} are not valid times")
    end = time(0, 0) if h2 == 24 else time(h2, m2)
    if time(h1, m1) == end:
        raise ValueError(f"active hours {text!r} start and end at the same time")
    return time(h1, m1), end
