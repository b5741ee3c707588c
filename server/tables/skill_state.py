"""The skill catalog's state on this instance: the ``modules``, ``skills`` and ``skill_state`` rows.

The definitions live in code (the registry); these rows say which of them are switched on
here, which are paused, and how each skill's breaker stands.
"""

from __future__ import annotations

from typing import Any

from skills.context import Database, Row

# Everything a call needs to know before it runs, in one indexed read (the owner's trust choice
# included: server/tables/trust.py).
CALL_STATE_SQL = (
    "SELECT s.enabled, s.paused_reason, m.enabled AS module_enabled, m.settings, st.breaker, "
    "COALESCE(s.trust_override, m.trust_override) AS trust_override, "
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


async def deployed_skill_rows(db: Database) -> list[dict[str, Any]]:
    """Name and stored description and instructions of every deployed skill of an enabled module: switched
    on, or paused (a pause is the skill's state, not its deployment: health must not call it removed)."""
    return await db.fetchall(
        "SELECT s.name, s.instructions, s.description FROM skills s JOIN modules m ON m.id = s.module_id "
        "WHERE (s.enabled = 1 OR s.paused_reason IS NOT NULL) AND m.enabled = 1 ORDER BY s.name")


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


# --- modules ----------------------------------------------------------------------------------

async def module_count(db: Database) -> int:
    """How many modules were ever switched on here (0 on a fresh database)."""
    return int(await db.fetchval("SELECT COUNT(*) FROM modules") or 0)


async def module_enabled(db: Database, module_id: str) -> bool:
    return bool(await db.fetchval("SELECT enabled FROM modules WHERE id = ?", (module_id,)))


async def enabled_module_ids(db: Database) -> set[str]:
    return {r["id"] for r in await db.fetchall("SELECT id FROM modules WHERE enabled = 1")}


async def module_rows(db: Database) -> dict[str, Row]:
    """``id -> id, enabled, bootstrapped`` of every stored module."""
    return {r["id"]: r for r in await db.fetchall("SELECT id, enabled, bootstrapped FROM modules")}


async def module_row(db: Database, module_id: str) -> Row | None:
    """``enabled, bootstrapped, version`` of one module."""
    return await db.fetchone("SELECT enabled, bootstrapped, version FROM modules WHERE id = ?", (module_id,))


async def module_bootstrapped(db: Database, module_id: str) -> bool:
    return bool(await db.fetchval("SELECT bootstrapped FROM modules WHERE id = ?", (module_id,)))


async def module_settings(db: Database, module_id: str) -> str | None:
    """The module's settings as stored (JSON text), or None."""
    raw = await db.fetchval("SELECT settings FROM modules WHERE id = ?", (module_id,))
    return None if raw is None else str(raw)


async def set_module_settings(db: Database, module_id: str, settings: str) -> bool:
    """Store the settings; False when the module has no row (it was never enabled)."""
    result = await db.execute("UPDATE modules SET settings = ? WHERE id = ?", (settings, module_id))
    return result.rowcount != 0


async def switch_module_on(db: Database, module_id: str, version: str, now: str) -> None:
    """Enabled and bootstrapped at ``version``; ``changed_at`` moves only when it was not both already."""
    await db.execute(
        "INSERT INTO modules (id, enabled, bootstrapped, version, changed_at) VALUES (?, 1, 1, ?, ?) "
        "ON CONFLICT(id) DO UPDATE SET enabled = 1, bootstrapped = 1, version = excluded.version, "
        "changed_at = CASE WHEN modules.enabled = 1 AND modules.bootstrapped = 1 "
        "THEN modules.changed_at ELSE excluded.changed_at END",
        (module_id, version, now),
    )


async def switch_module_off(db: Database, module_id: str, now: str, *, add: bool = False) -> None:
    """The module and all its skills off (their pause reasons and breakers are kept). ``add``: store the
    row, off, when there is none (a broken pack switched off before it ever worked here)."""
    if add:
        await db.execute("INSERT INTO modules (id, enabled, bootstrapped, version, changed_at) VALUES (?, 0, 0, '', ?) "
                         "ON CONFLICT(id) DO NOTHING", (module_id, now))
    await db.execute("UPDATE modules SET enabled = 0, changed_at = ? WHERE id = ?", (now, module_id))
    await db.execute("UPDATE skills SET enabled = 0 WHERE module_id = ?", (module_id,))


# --- skills -----------------------------------------------------------------------------------

async def module_skill_names(db: Database, module_id: str) -> set[str]:
    return {r["name"] for r in await db.fetchall("SELECT name FROM skills WHERE module_id = ?", (module_id,))}


async def seed_skill(db: Database, *, name: str, module_id: str, trust: str, category: str, scope: str,
                     description: str, instructions: str, now: str) -> int:
    """Store a skill's definition, switched on unless paused; 1 when the row changed, else 0.

    A paused skill stays paused across re-enables: a person resumes it on purpose. An unchanged
    definition writes nothing, so re-enabling an enabled module reports no change.
    """
    result = await db.execute(
        "INSERT INTO skills (name, module_id, enabled, trust, category, scope, description, instructions,"
        " seeded_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET module_id = excluded.module_id, "
        "enabled = CASE WHEN skills.paused_reason IS NULL THEN 1 ELSE 0 END, trust = excluded.trust, "
        "category = excluded.category, scope = excluded.scope, description = excluded.description, "
        "instructions = excluded.instructions "
        "WHERE skills.enabled != (CASE WHEN skills.paused_reason IS NULL THEN 1 ELSE 0 END) "
        "OR skills.description != excluded.description OR skills.instructions != excluded.instructions "
        "OR skills.trust != excluded.trust OR skills.module_id != excluded.module_id "
        "OR skills.category != excluded.category OR skills.scope != excluded.scope",
        (name, module_id, trust, category, scope, description, instructions, now),
    )
    return int(result.rowcount or 0)


async def pause_skill(db: Database, skill: str, reason: str, now: str) -> bool:
    """Switch a skill off with a reason; False when it was already paused (the first reason stays)."""
    result = await db.execute(
        "UPDATE skills SET enabled = 0, paused_reason = ?, paused_at = ? WHERE name = ? AND paused_reason IS NULL",
        (reason, now, skill),
    )
    return bool(result.rowcount)


async def unpause_skill(db: Database, skill: str) -> bool:
    """Lift a pause, if the skill's module is on; False when there was nothing to lift."""
    result = await db.execute(
        "UPDATE skills SET enabled = 1, paused_reason = NULL, paused_at = NULL "
        "WHERE name = ? AND paused_reason IS NOT NULL AND module_id IN (SELECT id FROM modules WHERE enabled = 1)",
        (skill,),
    )
    return bool(result.rowcount)


# --- skill_state: the hard-negative streak (escalation) -----------------------------------------

async def clear_hard_negatives(db: Database, skill: str) -> None:
    await db.execute(
        "UPDATE skill_state SET consecutive_hard_negatives = 0 WHERE skill = ? AND consecutive_hard_negatives > 0",
        (skill,),
    )


async def add_hard_negative(db: Database, skill: str, now: str) -> int:
    """One more hard-gate negative in a row; the streak's new length. Run it in a transaction."""
    await db.execute(
        "INSERT INTO skill_state (skill, consecutive_hard_negatives, updated_at) VALUES (?, 1, ?) "
        "ON CONFLICT(skill) DO UPDATE SET consecutive_hard_negatives = skill_state.consecutive_hard_negatives + 1",
        (skill, now),
    )
    return int(await db.fetchval("SELECT consecutive_hard_negatives FROM skill_state WHERE skill = ?", (skill,)))


# --- skill_state: the circuit breaker (server/resilience/breaker.py decides, these store) ---------

async def breaker_row(db: Database, skill: str) -> Row | None:
    """The whole ``skill_state`` row, read inside the caller's transaction."""
    return await db.fetchone("SELECT * FROM skill_state WHERE skill = ?", (skill,))


async def claim_probe(db: Database, skill: str, now: str, stale_before: str) -> bool:
    """Compare-and-set to ``half_open`` when the cooldown is over or the last probe went stale;
    True for the one caller that becomes the probe."""
    claimed = await db.execute(
        "UPDATE skill_state SET breaker = 'half_open', probe_started_at = ?, updated_at = ? "
        "WHERE skill = ? AND ((breaker = 'open' AND open_until <= ?) "
        "OR (breaker = 'half_open' AND probe_started_at < ?))",
        (now, now, skill, now, stale_before),
    )
    return claimed.rowcount == 1


async def close_breaker(db: Database, skill: str, now: str) -> None:
    """A probe succeeded: closed, with no streak and no cooldown."""
    await db.execute(
        "UPDATE skill_state SET consecutive_failures = 0, breaker = 'closed', open_until = NULL, "
        "cooldown_s = 0, probe_started_at = NULL, updated_at = ? WHERE skill = ?",
        (now, skill),
    )


async def end_failure_streak(db: Database, skill: str, now: str) -> None:
    """A success ends a streak of failures; an open breaker is left to its probe."""
    await db.execute(
        "UPDATE skill_state SET consecutive_failures = 0, updated_at = ? "
        "WHERE skill = ? AND breaker = 'closed' AND consecutive_failures > 0",
        (now, skill),
    )


async def save_breaker(db: Database, skill: str, *, failures: int, breaker: str, open_until: str | None,
                       cooldown_s: float, probe_started_at: str | None, now: str) -> None:
    await db.execute(
        "INSERT INTO skill_state (skill, consecutive_failures, breaker, open_until, cooldown_s, probe_started_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(skill) DO UPDATE SET consecutive_failures = "
        "excluded.consecutive_failures, breaker = excluded.breaker, open_until = excluded.open_until, "
        "cooldown_s = excluded.cooldown_s, probe_started_at = excluded.probe_started_at, "
        "updated_at = excluded.updated_at",
        (skill, failures, breaker, open_until, cooldown_s, probe_started_at, now),
    )


async def release_probe(db: Database, skill: str, now: str) -> None:
    """A probe ended without a verdict: back to ``open``, so the next call may probe."""
    await db.execute(
        "UPDATE skill_state SET breaker = 'open', probe_started_at = NULL, updated_at = ? "
        "WHERE skill = ? AND breaker = 'half_open'",
        (now, skill),
    )


async def reset_breaker(db: Database, skill: str, now: str) -> None:
    """Closed, with both streaks and the cooldown cleared (a person resumed the skill)."""
    await db.execute(
        "UPDATE skill_state SET consecutive_failures = 0, breaker = 'closed', open_until = NULL, cooldown_s = 0, "
        "probe_started_at = NULL, consecutive_hard_negatives = 0, updated_at = ? WHERE skill = ?",
        (now, skill),
    )


# --- silent degradation ----------------------------------------------------------------------

async def flag_degraded(db: Database, skill: str, reason: str, now: str) -> bool:
    """Flag a skill as silently degraded; True only the first time (the admin is told once)."""
    result = await db.execute(
        "INSERT INTO skill_state (skill, degraded_since, degraded_reason, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (skill) DO UPDATE SET degraded_since = excluded.degraded_since, "
        "degraded_reason = excluded.degraded_reason, updated_at = excluded.updated_at "
        "WHERE skill_state.degraded_since IS NULL", (skill, now, reason, now))
    return result.rowcount == 1


async def clear_degraded(db: Database, skill: str) -> None:
    await db.execute("UPDATE skill_state SET degraded_since = NULL, degraded_reason = NULL "
                     "WHERE skill = ? AND degraded_since IS NOT NULL", (skill,))


async def degraded_skills(db: Database) -> list[Row]:
    """``skill, degraded_since, degraded_reason`` of the flagged skills, by skill."""
    return await db.fetchall("SELECT skill, degraded_since, degraded_reason FROM skill_state "
                             "WHERE degraded_since IS NOT NULL ORDER BY skill")
