"""The provider chain set once for the instance (``pilothouse providers set``): the ``ai_providers`` table.

One row per provider: its place in the chain, its endpoint, its model per tier, its context
window when the server does not say it, and a *reference* to its key (server/providers/secrets.py),
never the key. Every process that opens the database reads it, so an MCP host's ``serve``, a
worker and the shell all use the same chain; the environment still overrides field by field
(server/providers/settings.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from skills.context import Database


@dataclass(frozen=True, slots=True)
class StoredProvider:
    provider: str
    position: int
    base_url: str | None = None
    model_fast: str | None = None
    model_reasoning: str | None = None
    key_ref: str | None = None  # secret:NAME or env:VARIABLE
    context_window: int | None = None


COLUMNS = "provider, position, base_url, model_fast, model_reasoning, key_ref, context_window"


async def load(db: Database) -> list[StoredProvider]:
    rows = await db.fetchall(f"SELECT {COLUMNS} FROM ai_providers ORDER BY position, provider")
    return [StoredProvider(**r) for r in rows]


async def save(db: Database, row: StoredProvider, now: str) -> None:
    """Insert or replace ``row``; the others keep their order behind or ahead of it."""
    async with db.transaction() as tx:
        await tx.execute("UPDATE ai_providers SET position = position + 1 WHERE position >= ? AND provider != ?",
                         (row.position, row.provider))
        await tx.execute(
            f"INSERT INTO ai_providers ({COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(provider) DO UPDATE SET position = excluded.position, base_url = excluded.base_url, "
            "model_fast = excluded.model_fast, model_reasoning = excluded.model_reasoning, "
            "key_ref = excluded.key_ref, context_window = excluded.context_window, updated_at = excluded.updated_at",
            (row.provider, row.position, row.base_url, row.model_fast, row.model_reasoning, row.key_ref,
             row.context_window, now))


async def remove(db: Database, provider: str) -> bool:
    return bool((await db.execute("DELETE FROM ai_providers WHERE provider = ?", (provider,))).rowcount)
