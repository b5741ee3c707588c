"""The ``events`` table: recording a domain event, and pruning old ones (retention, server/retention.py).

Events are recorded by ``SkillContext.emit`` (through server/tables/core.py), with the root and
depth of the event that caused the call (cascades are bounded: server/scheduler/cascade.py), and
read by the automation dispatcher (server/scheduler/automations.py) and modules that keep a cursor
on them (webhooks). An old event a module row still points at (a webhook delivery) is kept: the
row would otherwise reference nothing, and foreign keys refuse that.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from skills.context import Cause, Database

if TYPE_CHECKING:
    from server.store import AnyStore


async def record(db: Database, *, name: str, payload: dict[str, Any], source: str, at: str,
                 cause: Cause | None) -> int:
    """Store one event; its id. An event a call caused descends from the cause's root, one level deeper."""
    root, depth = (cause.root_id, cause.depth + 1) if cause else (None, 0)
    result = await db.execute(
        "INSERT INTO events (name, payload, source, created_at, root_id, depth) VALUES (?, ?, ?, ?, ?, ?)",
        (name, json.dumps(payload, default=str, separators=(",", ":")), source, at, root, depth))
    return int(result.lastrowid or 0)


async def prune(store: AnyStore, before: str, batch: int) -> int:
    """Delete up to ``batch`` events created before ``before`` that no row points at."""
    refs = await store.references_to("events")
    kept = "".join(f" AND NOT EXISTS (SELECT 1 FROM {t} r WHERE r.{c} = events.id)" for t, c in refs)
    result = await store.execute(
        f"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < ?{kept} ORDER BY id LIMIT ?)",
        (before, batch))
    return result.rowcount
