"""Core step 18 rebuilds the activity table (a new CHECK for the dry_run outcome) on a database in use.

The rows keep their ids, and the next row gets an id after them, on SQLite (AUTOINCREMENT) and on
PostgreSQL (whose store moves the identity past the kept ids after a rebuilding step).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from server.app import open_store
from server.schema import CORE_MIGRATIONS

pytestmark = pytest.mark.anyio


async def test_step_18_keeps_the_activity_and_its_ids(app_db: str | Path, tmp_path: Path) -> None:
    target = app_db if isinstance(app_db, str) else tmp_path / "before18.db"
    if isinstance(app_db, str):  # the PostgreSQL fixture is already migrated: start again from an empty schema
        empty = await open_store(app_db)
        await empty.execute("DROP SCHEMA public CASCADE")
        await empty.execute("CREATE SCHEMA public")
        await empty.close()
    store = await open_store(target)
    try:
        await store.migrate("core", [m for m in CORE_MIGRATIONS if m[0] < 18])
        for n in range(3):
            await store.execute("INSERT INTO activity (ts, caller, caller_name, skill, status, outcome) "
                                "VALUES (?, 'cli', 'ada', 'crm_create_lead', 'ok', 'success')", (f"2026-11-0{n + 1}",))
        await store.migrate("core", CORE_MIGRATIONS)
        kept = [r["id"] for r in await store.fetchall("SELECT id FROM activity ORDER BY id")]
        result = await store.execute("INSERT INTO activity (ts, caller, skill, status, outcome, attempts) "
                                     "VALUES ('2026-11-05', 'cli', 'crm_create_lead', 'ok', 'dry_run', 0)")
        assert kept == [1, 2, 3] and result.lastrowid == 4
        assert await store.fetchval("SELECT COUNT(*) FROM activity WHERE caller_name = 'ada'") == 3
        assert await store.fetchval("SELECT COUNT(*) FROM approvals WHERE preview IS NULL") == 0
    finally:
        await store.close()
