"""The ``automations`` table: the modules' declared automations, their state and their claims.

Rows are seeded from each module's declaration when it is enabled (server/lifecycle.py), switched off
with their module, claimed by the dispatcher (server/scheduler/automations.py) with a compare-and-set
on ``next_run`` or ``last_event_id`` before a skill runs, and bounded by the cascade limits
(server/scheduler/cascade.py: the hourly window and what was held back). Every statement on the table
is here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from server.store import dumps
from skills.automation import Automation
from skills.context import Database, Row


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


async def due_rows(db: Database) -> list[Row]:
    """Every enabled automation of an enabled module, by id: what one dispatch looks at."""
    return await db.fetchall("SELECT a.* FROM automations a JOIN modules m ON m.id = a.module_id "
                             "WHERE a.enabled = 1 AND m.enabled = 1 ORDER BY a.id")


async def claim_occurrence(db: Database, automation_id: int, next_run: datetime, seen: str | None) -> bool:
    """Move ``next_run`` on if it still is ``seen``: of two dispatchers, one claims the occurrence."""
    result = await db.execute("UPDATE automations SET next_run = ? WHERE id = ? AND next_run IS NOT DISTINCT FROM ?",
                              (_iso(next_run), automation_id, seen))
    return result.rowcount == 1


async def claim_event(db: Database, automation_id: int, event_id: int, cursor: int) -> bool:
    """Move the event cursor to ``event_id`` if it still is ``cursor``."""
    result = await db.execute("UPDATE automations SET last_event_id = ? WHERE id = ? AND last_event_id = ?",
                              (event_id, automation_id, cursor))
    return result.rowcount == 1


async def ran(db: Database, automation_id: int, at: datetime, status: str) -> None:
    await db.execute("UPDATE automations SET last_run = ?, last_status = ? WHERE id = ?",
                     (_iso(at), status[:1000], automation_id))


async def set_status(db: Database, automation_id: int, status: str) -> None:
    await db.execute("UPDATE automations SET last_status = ? WHERE id = ?", (status[:1000], automation_id))


async def status_of(db: Database, automation_id: int) -> str | None:
    value = await db.fetchval("SELECT last_status FROM automations WHERE id = ?", (automation_id,))
    return None if value is None else str(value)


async def seed(db: Database, module_id: str, automation: Automation, *, refresh: bool) -> int:
    """Store a module's declared automation once (1: a row was added or switched back on).

    ``refresh``: the module is coming back on, so an automation switched off with it comes back on;
    otherwise an existing row is left alone (a person may have switched it off on purpose).
    """
    on_conflict = "DO UPDATE SET enabled = 1 WHERE automations.enabled = 0" if refresh else "DO NOTHING"
    result = await db.execute(
        "INSERT INTO automations (module_id, name, trigger, config, skill, arguments, executor, enabled, description)"
        f" VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT(module_id, name) {on_conflict}",
        (module_id, automation.name, automation.trigger, dumps(automation.config), automation.skill,
         dumps(automation.arguments), automation.executor, automation.description))
    return int(result.rowcount or 0)


async def seeded_count(db: Database, module_id: str) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM automations WHERE module_id = ?", (module_id,)) or 0)


async def switch_off(db: Database, module_id: str, *, status: str | None = None) -> int:
    """Every automation of a module off (its module was switched off or is gone); how many were on."""
    result = await db.execute(
        "UPDATE automations SET enabled = 0, last_status = COALESCE(?, last_status) WHERE module_id = ? "
        "AND enabled = 1", (status, module_id))
    return int(result.rowcount or 0)


async def rearm_agent(db: Database, now: datetime) -> tuple[int, int]:
    """The agent comes back on: its cron automations whose time passed are re-armed from now and its event
    automations start at the newest event (nothing was due while it was off). (cron, event) changed."""
    rearmed = await db.execute(
        "UPDATE automations SET next_run = NULL WHERE executor = 'pilot' AND trigger = 'cron' "
        "AND next_run IS NOT NULL AND next_run <= ?", (_iso(now),))
    newest = await db.fetchval("SELECT COALESCE(MAX(id), 0) FROM events")
    started = await db.execute(
        "UPDATE automations SET last_event_id = ? WHERE executor = 'pilot' AND trigger = 'event' "
        "AND last_event_id < ?", (newest, newest))
    return int(rearmed.rowcount or 0), int(started.rowcount or 0)


async def of_module(db: Database, module_id: str) -> list[Row]:
    """A module's automations as stored (enabled or not), for display."""
    return await db.fetchall(
        "SELECT name, trigger, config, skill, executor, enabled FROM automations WHERE module_id = ?", (module_id,))


async def listing(db: Database) -> list[Row]:
    """Every automation with its state, by id (what ``pilothouse automations list`` shows)."""
    return await db.fetchall(
        "SELECT a.id, a.module_id, a.name, a.trigger, a.config, a.skill, a.executor, a.enabled, a.last_run, "
        "a.last_status, a.next_run, a.held, a.held_reason, a.held_at, m.enabled AS module_enabled FROM automations a "
        "JOIN modules m ON m.id = a.module_id ORDER BY a.id")


async def set_enabled(db: Database, automation_id: int, enabled: bool) -> Row | None:
    """Switch one automation on or off; its row afterwards (None: no such automation).

    Switching a cron automation on re-arms it from now (``next_run`` cleared: the next dispatch
    arms it), so the runs it missed while off are not reported as missed.
    """
    async with db.transaction() as tx:
        row = await tx.fetchone("SELECT id, enabled FROM automations WHERE id = ?", (automation_id,))
        if row is None:
            return None
        if bool(row["enabled"]) != enabled:
            rearm = ", next_run = NULL" if enabled else ""
            await tx.execute(f"UPDATE automations SET enabled = ?{rearm} WHERE id = ?", (int(enabled), automation_id))
        return await tx.fetchone("SELECT id, module_id, name, skill, enabled FROM automations WHERE id = ?",
                                 (automation_id,))


# --- the cascade bounds' counters (server/scheduler/cascade.py decides) --------------------------------

async def take_run(db: Database, automation_id: int, per_hour: int, now: datetime, window: timedelta) -> bool:
    """Count one run in the automation's hour window; False (nothing counted) when the window is full."""
    now_iso, fresh = _iso(now), _iso(now - window)
    result = await db.execute(
        "UPDATE automations SET "
        "window_runs = CASE WHEN window_start IS NULL OR window_start <= ? THEN 1 ELSE window_runs + 1 END, "
        "window_start = CASE WHEN window_start IS NULL OR window_start <= ? THEN ? ELSE window_start END "
        "WHERE id = ? AND (window_start IS NULL OR window_start <= ? OR window_runs < ?)",
        (fresh, fresh, now_iso, automation_id, fresh, per_hour))
    return result.rowcount == 1


async def add_held(db: Database, automation_id: int, *, dropped: int, reason: str, at: datetime) -> None:
    await db.execute("UPDATE automations SET held = held + ?, held_reason = ?, held_at = ? WHERE id = ?",
                     (dropped, reason[:500], _iso(at), automation_id))


async def held_since(db: Database, since: datetime) -> list[Row]:
    return await db.fetchall("SELECT id, name, held, held_reason, held_at FROM automations WHERE held_at >= ? "
                             "ORDER BY id", (_iso(since),))
