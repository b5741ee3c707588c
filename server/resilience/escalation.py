"""Layer 3: 3 consecutive hard-gate negatives auto-pause a skill and notify the admin.

The pause is a row change (``skills.enabled = 0`` with ``paused_reason``), so every
caller (MCP, CLI, agent, automation) is refused until a person runs
``pilothouse skills resume NAME``.
"""

from __future__ import annotations

from datetime import datetime

from server.notify import notify_admin
from server.resilience import breaker
from server.tables import skill_state
from skills.context import Database

PAUSE_AFTER = 3


async def record(tx: Database, skill: str, *, hard_negative: bool, kind: str | None, now: datetime) -> bool:
    """Track the hard-negative streak; returns True when this call paused the skill."""
    now_iso = now.isoformat(timespec="seconds")
    if not hard_negative:
        await skill_state.clear_hard_negatives(tx, skill)
        return False
    streak = await skill_state.add_hard_negative(tx, skill, now_iso)
    if streak < PAUSE_AFTER:
        return False
    reason = f"auto-paused after {streak} consecutive hard-gate failures (last: {kind}) at {now_iso}"
    paused = await skill_state.pause_skill(tx, skill, reason, now_iso)
    if paused:
        await notify_admin(
            tx, kind="skill_paused", key=skill, title=f"Skill {skill} was paused",
            body=f"{reason}.\nFix the cause (credentials, quota, the remote service), then run:\n"
                 f"  pilothouse skills resume {skill}\n(or, over MCP: ops_resume_skill)",
            now=now,
        )
    return paused


async def resume(tx: Database, skill: str, now: datetime) -> bool:
    resumed = await skill_state.unpause_skill(tx, skill)
    await breaker.reset(tx, skill, now)
    return resumed
