"""Pruning the ``events`` table (retention, server/retention.py).

Events are written by ``SkillContext.emit`` and read by the automation dispatcher
(server/scheduler/automations.py) and modules that keep a cursor on them (webhooks). An old
event a module row still points at (a webhook delivery) is kept: the row would otherwise
reference nothing, and foreign keys refuse that.
"""

from __future__ import annotations

from skills.context import Database


async def _referencing(db: Database) -> list[tuple[str, str]]:
    """(table, column) of every foreign key that points at ``events``."""
    refs = []
    for table in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        for key in await db.fetchall(f"PRAGMA foreign_key_list({table['name']})"):
            if key["table"] == "events":
                refs.append((str(table["name"]), str(key["from"])))
    return refs


async def prune(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` events created before ``before`` that no row points at."""
    kept = "".join(f" AND NOT EXISTS (SELECT 1 FROM {t} r WHERE r.{c} = events.id)" for t, c in await _referencing(db))
    result = await db.execute(
        f"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ?{kept} ORDER BY id LIMIT ?)",
        (before, batch))
    return result.rowcount
