"""What a module writes to the runtime's own tables, through each table's owner (``skills.CoreTables``).

The executor hands ``CORE`` to every call (``ctx.core``); ``ctx.emit`` and ``ctx.write_memory`` go
through it. A module never holds SQL on a core table: ARCHITECTURE.md names each table's owner and
tests/test_table_owners.py fails on a write anywhere else.
"""

from __future__ import annotations

from typing import Any

from server.tables import events, memory
from skills.context import Cause, Database


class OwnedTables:
    async def record_event(self, db: Database, *, name: str, payload: dict[str, Any], source: str, at: str,
                           cause: Cause | None) -> int:
        return await events.record(db, name=name, payload=payload, source=source, at=at, cause=cause)

    async def write_memory(self, db: Database, *, key: str, value: str, category: str, at: str,
                           keep_as_last_good: bool) -> None:
        await memory.upsert(db, key, value, category=category, now_iso=at, when="recategorize")
        if keep_as_last_good:
            await memory.keep_last_good(db, key, value, now_iso=at)


CORE = OwnedTables()
