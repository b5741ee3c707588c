"""The agent's settings, read from the pilot module's settings (``pilothouse modules configure pilot``).

Defaults follow the reference platform: heartbeat budget 120k tokens / 15 iterations
(180k / 18 on a fresh site, before the first completed cycle), the fast model tier, a
wall-clock cap, context budgets of 20,000 characters per document and 60,000 in total,
a 1 h catch-up window for missed runs, and no active-hours limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.errors import ConfigError

if TYPE_CHECKING:
    from server.app import App

HOURS = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True, slots=True)
class AgentSettings:
    model_tier: str = "fast"
    token_budget: int = 120_000
    max_iterations: int = 15
    fresh_token_budget: int = 180_000
    fresh_max_iterations: int = 18
    wall_clock_s: float = 300.0
    active_hours: str | None = None  # "08:00-20:00" in `timezone`; None = always
    timezone: str = "UTC"
    doc_chars: int = 20_000
    total_chars: int = 60_000
    catch_up_window_s: float = 3600.0
    tick_s: float = 20.0

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> AgentSettings:
        known = {f.name: f for f in fields(cls)}
        picked: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                continue  # other pilot settings are not ours to judge
            default = getattr(cls(), key)
            if value is not None and isinstance(default, (int, float)) and not isinstance(value, (int, float)):
                raise ConfigError(f"pilot setting {key} must be a number, got {value!r}")
            picked[key] = value
        settings = replace(cls(), **picked)
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.model_tier not in ("fast", "reasoning"):
            raise ConfigError(f"pilot setting model_tier must be 'fast' or 'reasoning', got {self.model_tier!r}")
        if self.active_hours is not None:
            parse_hours(self.active_hours)
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"pilot setting timezone {self.timezone!r} is not an IANA timezone name") from exc
        for name in ("token_budget", "max_iterations", "wall_clock_s", "doc_chars", "total_chars", "tick_s"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"pilot setting {name} must be positive")

    def within_active_hours(self, now: datetime) -> bool:
        if self.active_hours is None:
            return True
        start, end = parse_hours(self.active_hours)
        local = now.astimezone(ZoneInfo(self.timezone)).time()
        return start <= local < end if start < end else (local >= start or local < end)  # overnight windows


def parse_hours(text: str) -> tuple[time, time]:
    match = HOURS.match(text)
    if not match:
        raise ConfigError(f"active hours {text!r} must look like 08:00-20:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ConfigError(f"active hours {text!r} are not valid times")
    end = time(0, 0) if h2 == 24 else time(h2, m2)
    if time(h1, m1) == end:
        raise ConfigError(f"active hours {text!r} start and end at the same time")
    return time(h1, m1), end


async def load(app: App) -> AgentSettings:
    return AgentSettings.from_mapping(await app.modules.settings("pilot"))
