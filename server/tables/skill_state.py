"""The skill catalog's state on this instance: the ``modules``, ``skills`` and ``skill_state`` rows.

The definitions live in code (the registry); these rows say which of them are switched on
here, which are paused, and how each skill's breaker stands.
"""

from __future__ import annotations

from typing import Any

from skills.context import Database

# Everything a call needs to know before it runs, in one indexed read.
CALL_STATE_SQL = (
    "SELECT s.enabled, s.paused_reason, m.enabled AS module_enabled, m.settings, st.breaker, "
    "st.open_until, st.consecutive_failures, st.consecutive_hard_negatives, st.cooldown_s "
    "FROM skills s JOIN modules m ON m.id = s.module_id LEFT JOIN skill_state st ON st.skill = s.name "
    "WHERE s.name = ?"
)
_ENABLED = ("SELECT s.name FROM skills s JOIN modules m ON m.id = s.module_id "
            "WHERE s.enabled = 1 AND m.enabled = 1")


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
    return await db.fetchall(
        "SELECT s.name, s.instructions, s.description FROM skills s JOIN modules m ON m.id = s.module_id "
        "WHERE s.enabled = 1 AND m.enabled = 1 ORDER BY s.name")
