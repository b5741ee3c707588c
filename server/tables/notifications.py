"""The ``notifications`` table: what the administrator is told, kept so it can be listed and read.

Delivery (email, webhook through the outbox) is server/notify.py's policy on top of this.
"""

from __future__ import annotations

from collections.abc import Sequence

from skills.context import Database, Row
from skills.paging import Filters, fetch_page


async def add(db: Database, *, kind: str, title: str, body: str, created_at: str, key: str | None = None) -> int:
    """A new unread notification; its id. ``key``: what repeats of it coalesce on (see server/notify.py)."""
    result = await db.execute(
        "INSERT INTO notifications (kind, title, body, created_at, coalesce_key) VALUES (?, ?, ?, ?, ?)",
        (kind, title, body, created_at, key),
    )
    return int(result.lastrowid or 0)


async def coalesce(db: Database, *, kind: str, key: str, since: str, now: str) -> int | None:
    """Count a repeat on the unread notification of this kind and key made since ``since``; its id, or None."""
    row = await db.fetchone(
        "SELECT id FROM notifications WHERE kind = ? AND coalesce_key = ? AND created_at >= ? AND read_at IS NULL "
        "ORDER BY id DESC", (kind, key, since))
    if row is None:
        return None
    await db.execute("UPDATE notifications SET repeats = repeats + 1, last_at = ? WHERE id = ?", (now, row["id"]))
    return int(row["id"])


async def exists(db: Database, *, kind: str, key: str) -> bool:
    """Whether a notification of this kind and key was ever made (read or not, while retention keeps it)."""
    return await db.fetchone("SELECT 1 FROM notifications WHERE kind = ? AND coalesce_key = ? LIMIT 1",
                             (kind, key)) is not None


async def prune(db: Database, before: str, batch: int) -> int:
    """Delete up to ``batch`` notifications read before ``before`` (unread ones wait for a person)."""
    result = await db.execute("DELETE FROM notifications WHERE id IN (SELECT id FROM notifications WHERE read_at "
                              "IS NOT NULL AND read_at < ? ORDER BY id LIMIT ?)", (before, batch))
    return result.rowcount


async def unread_count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM notifications WHERE read_at IS NULL") or 0)


async def page(db: Database, *, unread_only: bool = False, kind: str | None = None, limit: int = 20,
               offset: int = 0) -> tuple[list[Row], int, int, int]:
    """Notifications newest first: ``(rows, total, limit, offset)``."""
    filters = Filters().add("kind = ?", kind)
    if unread_only:
        filters.add("read_at IS NULL")
    return await fetch_page(db, select="id, kind, title, body, created_at, read_at", from_="notifications",
                            filters=filters, order_by="id DESC", limit=limit, offset=offset)


async def missing(db: Database, ids: Sequence[int]) -> list[int]:
    """The ids among ``ids`` that name no notification."""
    if not ids:
        return []
    rows = await db.fetchall(f"SELECT id FROM notifications WHERE id IN ({','.join('?' * len(ids))})", list(ids))
    found = {r["id"] for r in rows}
    return sorted({i for i in ids if i not in found})


async def mark_read(db: Database, *, ids: Sequence[int] | None, now: str) -> int:
    """Mark ``ids`` read (None: every unread one); how many were unread before."""
    if ids is None:
        result = await db.execute("UPDATE notifications SET read_at = ? WHERE read_at IS NULL", (now,))
    elif not ids:
        return 0
    else:
        result = await db.execute(
            f"UPDATE notifications SET read_at = ? WHERE read_at IS NULL AND id IN ({','.join('?' * len(ids))})",
            (now, *ids))
    return result.rowcount
