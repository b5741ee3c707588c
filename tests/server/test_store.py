"""The store under concurrency: no "database is locked", no lost write, failures leave nothing half-done."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from server.assembly import open_app
from server.errors import MigrationError
from server.resilience.evaluation import FLAGGED_SQL
from server.schema import CORE_MIGRATIONS
from server.store import Store

pytestmark = pytest.mark.anyio


async def test_concurrent_calls_and_background_writes_lose_nothing(tmp_path: Path) -> None:
    async with open_app(tmp_path / "c.db", retry_delay_s=0) as app:
        async def background() -> None:
            for i in range(100):
                async with app.store.transaction() as tx:
                    await tx.execute("INSERT INTO events (name, payload, source, created_at) VALUES ('tick', ?, "
                                     "'test', 'now')", (str(i),))

        calls = [app.executor.call("crm_create_lead", {"email": f"c{i}@acme.io"}, caller="mcp") for i in range(200)]
        results, _ = await asyncio.gather(asyncio.gather(*calls), background())
        assert all(r.ok for r in results)
        assert await app.store.fetchval("SELECT COUNT(*) FROM crm_leads") == 200
        assert await app.store.fetchval("SELECT COUNT(*) FROM events WHERE name = 'tick'") == 100
        assert await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE status = 'ok'") == 200


async def test_two_connections_on_one_file_both_write(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    async with open_app(db) as first, open_app(db) as second:
        calls = [app.executor.call("blog_create_post", {"title": f"Post {i} from {n}"}, caller="cli")
                 for i in range(40) for n, app in (("a", first), ("b", second))]
        results = await asyncio.gather(*calls)
        assert all(r.ok for r in results), [r.message for r in results if not r.ok][:3]
        assert await first.store.fetchval("SELECT COUNT(*) FROM blog_posts") == 80


async def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "tx.db")
    try:
        await store.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        with pytest.raises(Exception, match="NOT NULL"):
            async with store.transaction() as tx:
                await tx.execute("INSERT INTO t (v) VALUES ('kept?')")
                await tx.execute("INSERT INTO t (v) VALUES (NULL)")
        assert await store.fetchval("SELECT COUNT(*) FROM t") == 0
        assert await store.fetchval("PRAGMA journal_mode") == "wal"
        assert await store.fetchval("PRAGMA foreign_keys") == 1
    finally:
        await store.close()


async def test_a_failing_migration_keeps_the_previous_version(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "mig.db")
    try:
        good = (1, "CREATE TABLE a (id INTEGER PRIMARY KEY);")
        bad = (2, "CREATE TABLE b (id INTEGER PRIMARY KEY); INSERT INTO nowhere VALUES (1);")
        assert await store.migrate("x", [good]) == [1]
        with pytest.raises(MigrationError, match="x v2"):
            await store.migrate("x", [good, bad])
        assert await store.schema_version("x") == 1
        assert await store.fetchval("SELECT COUNT(*) FROM sqlite_master WHERE name = 'b'") == 0
        assert await store.migrate("x", [good]) == []
    finally:
        await store.close()


async def test_opening_an_instance_again_migrates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "again.db"
    query = "SELECT scope, version, applied_at FROM schema_migrations ORDER BY scope, version"
    async with open_app(db) as app:
        first = await app.store.fetchall(query)
        assert await app.store.schema_version("core") == max(v for v, _ in CORE_MIGRATIONS)
        assert {r["scope"] for r in first} > {"core"}  # module migrations are recorded too
    async with open_app(db) as app:
        assert await app.store.fetchall(query) == first
        assert await app.store.migrate("core", CORE_MIGRATIONS) == []


async def test_the_24h_evaluation_reads_only_its_covering_index(tmp_path: Path) -> None:
    # Regression guard for the 1M-row benchmark: no table lookups and no sort for GROUP BY,
    # with or without statistics (a fresh instance has none).
    async with open_app(tmp_path / "plan.db") as app:
        for analyzed in (False, True):
            plan = " | ".join(r["detail"] for r in await app.store.fetchall(
                "EXPLAIN QUERY PLAN " + FLAGGED_SQL, ("2026-01-01", 5, 0.6)))
            assert "COVERING INDEX activity_skill_window" in plan and "TEMP B-TREE" not in plan, (analyzed, plan)
            await app.store.execute("ANALYZE")
