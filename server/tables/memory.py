"""The ``memory`` table: the agent's documents (soul, identity, rules), its notes, and the
runtime's own small state (the heartbeat's where-it-left-off, the skill baseline, demo markers),
and the kept last good version of each document (``last_good:<key>``, see modules/pilot/documents.py).

Everything writes the table through these functions: the server directly, the agent's module
(modules/pilot) through ``ctx.write_memory`` (server/tables/core.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from modules.pilot.documents import DOCUMENT_KEYS, LAST_GOOD_PREFIX, last_good_key
from skills.context import Database, Row

# What an existing row does when the key is written again:
#   always        the new value replaces it (category and key stay)
#   recategorize  the new value and category replace it (a note filed again: pilot_memory_set)
#   absent        it is kept: the write only seeds a missing key
#   empty         it is replaced only while its value is '' (reseeding never overwrites an edit)
WriteWhen = Literal["always", "recategorize", "absent", "empty"]
_ON_CONFLICT: dict[str, str] = {
    "always": "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    "recategorize": "DO UPDATE SET value = excluded.value, category = excluded.category, "
                    "updated_at = excluded.updated_at",
    "absent": "DO NOTHING",
    "empty": "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at WHERE memory.value = ''",
}


async def upsert(db: Database, key: str, value: str, *, category: str, now_iso: str,
                 when: WriteWhen = "always") -> bool:
    """Write ``key``; True when a row was inserted or changed (False when ``when`` kept the old one).

    The category is set only by the insert: a later write of the key keeps the one it was filed under.
    """
    result = await db.execute(
        "INSERT INTO memory (key, value, category, updated_at) VALUES (?, ?, ?, ?) "
        f"ON CONFLICT(key) {_ON_CONFLICT[when]}",
        (key, value, category, now_iso))
    return bool(result.rowcount)


async def read(db: Database, key: str) -> str | None:
    """The value under ``key``, or None when there is no such row."""
    value = await db.fetchval("SELECT value FROM memory WHERE key = ?", (key,))
    return None if value is None else str(value)


async def exists(db: Database, key: str) -> bool:
    return await db.fetchone("SELECT 1 FROM memory WHERE key = ?", (key,)) is not None


async def values(db: Database, keys: Iterable[str]) -> dict[str, str]:
    """``key -> value`` for those of ``keys`` that have a row."""
    wanted = tuple(keys)
    if not wanted:
        return {}
    rows = await db.fetchall(f"SELECT key, value FROM memory WHERE key IN ({','.join('?' * len(wanted))})", wanted)
    return {r["key"]: r["value"] for r in rows}


async def filled(db: Database, keys: Iterable[str]) -> set[str]:
    """Those of ``keys`` whose row holds a non-empty value (an emptied document counts as missing)."""
    wanted = tuple(keys)
    if not wanted:
        return set()
    rows = await db.fetchall(
        f"SELECT key FROM memory WHERE key IN ({','.join('?' * len(wanted))}) AND value != ''", wanted)
    return {r["key"] for r in rows}


async def recent_notes(db: Database, *, excluding: Iterable[str], limit: int) -> list[dict[str, str]]:
    """The newest notes, leaving out the ``excluding`` keys, the kept copies of the documents and the
    demo-seed markers."""
    reserved = tuple(sorted({*excluding, *(last_good_key(k) for k in DOCUMENT_KEYS)}))
    marks = ",".join("?" * len(reserved))
    where = f"key NOT IN ({marks}) AND " if reserved else ""
    return await db.fetchall(
        f"SELECT key, category, value FROM memory WHERE {where}key NOT LIKE 'demo_seed:%' "
        "ORDER BY updated_at DESC, key LIMIT ?", (*reserved, limit))


# --- the kept last good version of a document ---------------------------------------------------

async def keep_last_good(db: Database, key: str, value: str, *, now_iso: str, when: WriteWhen = "always") -> bool:
    """Keep ``value`` as the ``key`` document's last good version (what health compares it with)."""
    return await upsert(db, last_good_key(key), value, category="system", now_iso=now_iso, when=when)


async def last_good(db: Database, keys: Iterable[str]) -> dict[str, Row]:
    """``key -> value, updated_at`` of the kept last good versions of those of ``keys`` that have one."""
    wanted = tuple(last_good_key(k) for k in keys)
    if not wanted:
        return {}
    rows = await db.fetchall(
        f"SELECT key, value, updated_at FROM memory WHERE key IN ({','.join('?' * len(wanted))})", wanted)
    return {r["key"].removeprefix(LAST_GOOD_PREFIX): r for r in rows}
