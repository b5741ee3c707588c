"""The ``notifications`` table: what the administrator is told, kept so it can be listed and read.

Delivery (email, webhook through the outbox) is server/notify.py's policy on top of this.
"""

from __future__ import annotations

from skills.context import Database


async def add(db: Database, *, kind: str, title: str, body: str, created_at: str) -> int:
    """A new unread notification; its id."""
    result = await db.execute(
        "INSERT INTO notifications (kind, title, body, created_at) VALUES (?, ?, ?, ?)",
        (kind, title, body, created_at),
    )
    return int(result.lastrowid or 0)


async def unread_count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM notifications WHERE read_at IS NULL") or 0)
