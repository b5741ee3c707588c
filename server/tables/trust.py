"""The owner's trust policy: ``skills.trust_override`` and ``modules.trust_override``.

``skills.trust`` holds the code's default and is rewritten by every seed; these two columns
hold what a person chose on this instance and are written only here, so a re-seed, a module
upgrade or a restart keeps them. A skill's own override wins over its module's; NULL means
"the default". The executor reads them with the call's state (``CALL_STATE_SQL``).
"""

from __future__ import annotations

from skills.context import Database, Row


async def overrides(db: Database) -> dict[str, Row]:
    """``name -> skill_override, module_override`` for every stored skill with either set."""
    rows = await db.fetchall(
        "SELECT s.name, s.trust_override AS skill_override, m.trust_override AS module_override "
        "FROM skills s JOIN modules m ON m.id = s.module_id "
        "WHERE s.trust_override IS NOT NULL OR m.trust_override IS NOT NULL")
    return {r["name"]: r for r in rows}


async def override_of(db: Database, skill: str) -> str | None:
    """The level a person set for ``skill`` (its own, else its module's), or None."""
    value = await db.fetchval(
        "SELECT COALESCE(s.trust_override, m.trust_override) FROM skills s JOIN modules m ON m.id = s.module_id "
        "WHERE s.name = ?", (skill,))
    return None if value is None else str(value)


async def set_skill(db: Database, skill: str, level: str | None) -> bool:
    """Set (or, with None, clear) one skill's override; False when the skill has no row."""
    result = await db.execute("UPDATE skills SET trust_override = ? WHERE name = ?", (level, skill))
    return result.rowcount != 0


async def set_module(db: Database, module_id: str, level: str | None) -> bool:
    """Set (or clear) a module's level; its skills' own overrides are cleared, so the whole module
    follows it. False when the module has no row (never enabled)."""
    result = await db.execute("UPDATE modules SET trust_override = ? WHERE id = ?", (level, module_id))
    if result.rowcount == 0:
        return False
    await db.execute("UPDATE skills SET trust_override = NULL WHERE module_id = ?", (module_id,))
    return True
