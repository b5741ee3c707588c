"""The skill catalog's state on this instance: the ``modules``, ``skills`` and ``skill_state`` rows.

The definitions live in code (the registry); these rows say which of them are switched on
here, which are paused, and how each skill's breaker stands.
"""

from __future__ import annotations

from typing import Any

from skills.context import Database, Row

# Everything a call needs to know before it runs, in one indexed read.
CALL_STATE_SQL = (
    "SELECT s.enabled, s.paused_reason, m.enabled AS module_enabled, m.settings, st.breaker, "
    "st.open_until, st.consecutive_failures, st.consecutive_hard_negatives, st.cooldown_s "
    "FROM skills s JOIN modules m ON m.id = s.module_id LEFT JOIN skill_state st ON st.skill = s.name "
    "WHERE s.name = ?"
)
# The one definition of "enabled": the skill is on and so is its module.
_ENABLED_FROM = "FROM skills s JOIN modules m ON m.id = s.module_id WHERE s.enabled = 1 AND m.enabled = 1"
_ENABLED = f"SELECT s.name {_ENABLED_FROM}"


async def enabled_skill_names(db: Database, *, suffix: str | None = None) -> list[str]:
    """Enabled skills of enabled modules, by name; ``suffix`` keeps names ending in it."""
    if suffix is None:
        rows = await db.fetchall(f"{_ENABLED} ORDER BY s.name")
    else:
        escaped = suffix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = await db.fetchall(f"{_ENABLED} AND s.name LIKE ? ESCAPE '\\' ORDER BY s.name", ("%" + escaped,))
    return [r["name"] for r in rows]


async def enabled_skill_rows(db: Database) -> list[dict[str, Any]]:
    """Name and stored description and instructions of every enabled skill of an enabled module."""
    return await db.fetchall(f"SELECT s.name, s.instructions, s.description {_ENABLED_FROM} ORDER BY s.name")


async def catalog_state(db: Database) -> dict[str, Row]:
    """``name -> enabled, paused_reason, module_enabled, breaker`` for every stored skill."""
    rows = await db.fetchall(
        "SELECT s.name, s.enabled, s.paused_reason, m.enabled AS module_enabled, st.breaker "
        "FROM skills s JOIN modules m ON m.id = s.module_id LEFT JOIN skill_state st ON st.skill = s.name")
    return {r["name"]: r for r in rows}


async def skill_state_row(db: Database, name: str) -> Row | None:
    """One skill's switch and pause with its whole ``skill_state`` row (breaker, streaks), for display."""
    return await db.fetchone(
        "SELECT s.enabled, s.paused_reason, st.* FROM skills s LEFT JOIN skill_state st ON st.skill = s.name "
        "WHERE s.name = ?", (name,))


async def paused_skills(db: Database) -> list[Row]:
    """``name, paused_reason`` of the skills escalation paused, by name."""
    return await db.fetchall("SELECT name, paused_reason FROM skills WHERE paused_reason IS NOT NULL ORDER BY name")


async def open_breakers(db: Database) -> list[Row]:
    """``skill, open_until`` of the skills whose breaker is open or half open, by skill."""
    return await db.fetchall("SELECT skill, open_until FROM skill_state WHERE breaker != 'closed' ORDER BY skill")
