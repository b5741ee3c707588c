"""Which skills make the drop tier: the most used over the last 14 days.

Usage counts every executed call (any caller, success or failure: a skill the agent keeps
reaching for is relevant even while it fails); refusals (validation, breaker, pause) and
approvals still waiting are not use. Ties go to the most recently used, then the name.

Cold start (no usage yet) and the tail after the used skills: read-only skills first, since
they are safe to explore with and the meta-tools reach everything else, then the rest;
within each group the modules' declared order, then the name. Deterministic either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from skills import Skill

USAGE_WINDOW = timedelta(days=14)
DROP_SIZE = 20


async def usage_counts(db: Any, now: datetime) -> dict[str, tuple[int, str]]:
    since = (now - USAGE_WINDOW).isoformat(timespec="seconds")
    rows = await db.fetchall(
        "SELECT skill, COUNT(*) AS uses, MAX(ts) AS last_used FROM activity "
        "WHERE ts >= ? AND attempts > 0 GROUP BY skill", (since,))
    return {r["skill"]: (r["uses"], r["last_used"]) for r in rows}


def rank(skills: list[Skill], usage: dict[str, tuple[int, str]], module_order: list[str]) -> list[Skill]:
    position = {m: i for i, m in enumerate(module_order)}
    used = sorted((s for s in skills if s.name in usage),
                  key=lambda s: (-usage[s.name][0], _desc(usage[s.name][1]), s.name))
    cold = sorted((s for s in skills if s.name not in usage),
                  key=lambda s: (not s.hints.read_only, position.get(s.module_id, len(position)), s.name))
    return used + cold


def _desc(text: str) -> str:
    # Sort key that orders ISO timestamps newest first.
    return "".join(chr(0x10FFFF - ord(c)) for c in text)


async def top_skills(db: Any, skills: list[Skill], module_order: list[str], now: datetime,
                     size: int = DROP_SIZE) -> list[Skill]:
    return rank(skills, await usage_counts(db, now), module_order)[:size]
