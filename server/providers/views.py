"""The chain each running ``serve`` or ``worker`` uses, kept in ``provider_views`` for the others to show.

Two processes of one instance can see different chains: the stored one is shared, but the
environment on top is each process's own (a shell's ``OPENAI_API_KEY`` is not the MCP host's).
So each long-running process says what it resolved, at start and every ``REFRESH_S`` after
(``announce``), and withdraws on a clean exit; ``pilothouse providers`` and the cockpit list the
views seen within ``STALE_S``. A view names providers, endpoints, models and key references,
never a key.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import anyio

from server.providers.config import load_settings
from server.providers.settings import AiSettings
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

REFRESH_S = 300.0
STALE_S = 3 * REFRESH_S


def describe(settings: AiSettings) -> dict[str, Any]:
    """What a chain is, for people: no keys, only where each one comes from."""
    return {"chain": [{"provider": s.name, "endpoint": s.base_url, "model_fast": s.models["fast"],
                       "model_reasoning": s.models["reasoning"], "origin": s.origin, "key": s.key_ref}
                      for s in settings.ordered()],
            "unusable": [{"provider": name, "reason": why} for name, why in settings.unusable]}


async def publish(db: Database, holder: str, role: str, settings: AiSettings, now: str, stale: str) -> None:
    """Keep ``holder``'s view, and drop views not seen since ``stale`` (their processes died)."""
    async with db.transaction() as tx:
        await tx.execute("DELETE FROM provider_views WHERE seen_at < ?", (stale,))
        await tx.execute(
            "INSERT INTO provider_views (holder, role, chain, started_at, seen_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(holder) DO UPDATE SET chain = excluded.chain, seen_at = excluded.seen_at",
            (holder, role, json.dumps(describe(settings)), now, now))


async def withdraw(db: Database, holder: str) -> None:
    await db.execute("DELETE FROM provider_views WHERE holder = ?", (holder,))


async def recent(db: Database, since_iso: str) -> list[dict[str, Any]]:
    """The views seen since ``since_iso`` (older ones belong to processes that died)."""
    rows = await db.fetchall("SELECT holder, role, chain, started_at, seen_at FROM provider_views "
                             "WHERE seen_at >= ? ORDER BY holder", (since_iso,))
    return [{**r, "chain": json.loads(r["chain"])} for r in rows]


async def announce(app: App, holder: str, role: str) -> None:
    """A service of ``serve`` and ``worker``: keep this process's view current until it stops."""
    try:
        while True:
            try:
                settings = await load_settings(app.store)
                await publish(app.store, holder, role, settings, app.clock.now().isoformat(timespec="seconds"),
                              stale_before(app))
            except Exception:  # a bad setting is shown where it is used; this view is only a report
                log.exception("could not publish this process's provider chain")
            await anyio.sleep(REFRESH_S)
    finally:
        with anyio.CancelScope(shield=True):
            await withdraw(app.store, holder)


def stale_before(app: App) -> str:
    return (app.clock.now() - timedelta(seconds=STALE_S)).isoformat(timespec="seconds")
