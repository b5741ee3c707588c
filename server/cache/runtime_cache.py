"""The ``runtime_cache`` table: values derived from the code or the catalog, kept between starts.

Each value is stored as JSON under a key that fingerprints what it was derived from, so a changed
input is simply a new key (a miss) and nothing has to be invalidated by hand.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from server.store import AnyStore


async def read(store: AnyStore, key: str) -> Any | None:
    """The value stored under ``key``, or None on a miss."""
    cached = await store.fetchval("SELECT value FROM runtime_cache WHERE key = ?", (key,))
    return None if cached is None else json.loads(cached)


async def write(store: AnyStore, key: str, value: Any, now: datetime, *, replacing: str | None = None) -> None:
    """Store ``value`` under ``key``. ``replacing``: a key prefix whose other rows are dropped in the
    same transaction (one row per version of the code: older ones are dead weight)."""
    async with store.transaction() as tx:
        if replacing is not None:
            await tx.execute("DELETE FROM runtime_cache WHERE substr(key, 1, length(?)) = ? AND key != ?",
                             (replacing, replacing, key))
        await tx.execute("INSERT INTO runtime_cache (key, value, updated_at) VALUES (?, ?, ?)"
                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                         (key, json.dumps(value, separators=(",", ":")), now.isoformat(timespec="seconds")))
