"""Layer 3: 3 consecutive hard-gate negatives auto-pause a skill and notify the admin.

The pause is a row change (``skills.enabled = 0`` with ``paused_reason``), so every
caller (MCP, CLI, agent, automation) is refused until a person runs
``pilothouse skills resume NAME``.
"""

from __future__ import annotations

from datetime import datetime

from server.notify import notify_admin
from server.resilience import breaker
from skills.context import Database

PAUSE_AFTER = 3


async def record(tx: Database, skill: str, *, hard_negative: bool, kind: str | None, now: datetime) -> bool:
    """Track the hard-negative streak; returns True when this call paused the skill."""
    now_iso = now.isoformat(timespec="seconds")
    if not hard_negative:
        await tx.execute(
            "UPDATE skill_state SET consecutive_hard_negatives = 0 WHERE skill = ? AND consecutive_hard_negatives > 0",
            (skill,),
        )
        return False
    await tx.execute(
        "INSERT INTO skill_state (skill, consecutive_hard_negatives, updated_at) VALUES (?, 1, ?) "
        "ON CONFLICT(skill) DO UPDATE SET consecutive_hard_negatives = consecutive_hard_negatives + 1",
        (skill, now_iso),
    )
    streak = await tx.fetchval("SELECT consecutive_hard_negatives FROM skill_state WHERE skill = ?", (skill,))
    if streak < PAUSE_AFTER:
        return False
    reason = f"auto-paused after {streak} consecutive hard-gate failures (last: {kind}) at {now_iso}"
    paused = await tx.execute(
        "UPDATE skills SET enabled = 0, paused_reason = ?, paused_at = ? WHERE name = ? AND paused_reason IS NULL",
        (reason, now_iso, skill),
    )
    if paused.rowcount:
        await notify_admin(
            tx, kind="skill_paused", title=f"Skill {skill} was paused",
            body=f"{reason}.\nFix the cause (credentials, quota, the remote service), then run:\n"
                 f"  pilothouse skills resume {skill}",
            now=now,
        )
    return bool(paused.rowcount)


async def resume(tx: Database, skill: str, now: datetime) -> bool:
    result = await tx.execute(
        "UPDATE skills SET enabled = 1, paused_reason = NULL, paused_at = NULL "
        "WHERE name = ? AND paused_reason IS NOT NULL AND module_id IN (SELECT id FROM modules WHERE enabled = 1)",
        (skill,),
    )
    await breaker.reset(tx, skill, now)
    return bool(result.rowcount)
