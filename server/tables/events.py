"""Pruning the ``events`` table (retention, server/retention.py).

Events are written by ``SkillContext.emit`` and read by the automation dispatcher
(server/scheduler/automations.py) and modules that keep a cursor on them (webhooks). An old
event a module row still points at (a webhook delivery) is kept: the row would otherwise
reference nothing, and foreign keys refuse that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from server.store import AnyStore


async def prune(store: AnyStore, before: str, batch: int) -> int:
    """Delete up to ``batch`` events created before ``before`` that no row points at."""
    refs = await store.references_to("events")
    kept = "".join(f" AND NOT EXISTS (SELECT 1 FROM {t} r WHERE r.{c} = events.id)" for t, c in refs)
    result = await store.execute(
        f"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ?{kept} ORDER BY id LIMIT ?)",
        (before, batch))
    return result.rowcount
