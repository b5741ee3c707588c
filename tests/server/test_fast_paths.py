"""The start-up and per-call fast paths change when work happens, never what a caller sees.

On file databases (the in-memory fixture has no second connection, so it never takes them):
the loop-thread reads and activity writes give way to another process's write lock and to long
statements; a pause or resume from another process counts at the next call; schemas come from
the cache keyed by the skills' source, which an edit invalidates; input models are built on
first use; the HTTP client builds its pool on the first request.
"""

from __future__ import annotations

import asyncio
import importlib
import sqlite3
import sys
from pathlib import Path
from typing import Any

import aiosqlite
import httpx
import pytest
from pydantic import BaseModel

from server.assembly import open_app
from server.cache import skill_schemas
from server.http_client import LazyAsyncClient, _Deferred
from server.store import Store
from server.testing import http_receiver
from skills import ContractError, Module, SkillContext, definition_of, skill

pytestmark = pytest.mark.anyio


class Echo(BaseModel):
    text: str
    times: int


def echo_module() -> Module:
    """A fresh module object each time: what a new process would import."""

    @skill(name="fast_echo", title="Echo", category="system", instructions="Echoes.", read_only=True)
    async def echo(ctx: SkillContext, text: str, times: int = 1) -> Echo:
        """Echo a text.

        Args:
            text: What to echo.
            times: How many times.
        """
        return Echo(text=text * times, times=times)

    return Module(id="fast", name="Fast", description="Echo for the fast-path tests.", category="system",
                  version="1.0.0", skills=(echo,))


async def test_a_pause_and_a_resume_from_another_process_count_at_the_next_call(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    async with open_app(db) as app:
        lead = await app.executor.call("crm_create_lead", {"email": "a@acme.io"}, caller="cli")
        assert lead.output is not None
        assert (await app.executor.call("crm_get_lead", {"lead_id": lead.output["id"]}, caller="mcp")).ok
        with sqlite3.connect(db) as other:  # the CLI in another process
            other.execute("UPDATE skills SET enabled = 0, paused_reason = 'quota' WHERE name = 'crm_get_lead'")
        refused = await app.executor.call("crm_get_lead", {"lead_id": lead.output["id"]}, caller="mcp")
        assert refused.error_kind == "skill_paused" and "skills resume crm_get_lead" in refused.message
        with sqlite3.connect(db) as other:
            other.execute("UPDATE skills SET enabled = 1, paused_reason = NULL WHERE name = 'crm_get_lead'")
        assert (await app.executor.call("crm_get_lead", {"lead_id": lead.output["id"]}, caller="mcp")).ok
        # Every call, refused or not, has its activity row.
        statuses = await app.store.fetchall(
            "SELECT status FROM activity WHERE skill = 'crm_get_lead' ORDER BY id")
        assert [r["status"] for r in statuses] == ["ok", "error", "ok"]


async def test_quick_statements_give_way_to_another_writer_and_to_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "lock.db"
    store = await Store.open(db)
    try:
        await store.execute("CREATE TABLE t (v INTEGER)")
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        assert store.peek("SELECT COUNT(*) AS n FROM t") == [{"n": 0}]  # WAL readers do not wait for writers
        pending = asyncio.create_task(store.write_soon("INSERT INTO t (v) VALUES (1)"))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not pending.done()  # it waits in the worker thread (busy_timeout), never on the loop
        other.execute("ROLLBACK")
        other.close()
        await pending
        await store.write_soon("INSERT INTO t (v) VALUES (2)")
        async with store.transaction() as tx:  # inside a transaction: uncommitted rows are the shared connection's
            await tx.execute("INSERT INTO t (v) VALUES (3)")
            assert store.peek("SELECT COUNT(*) AS n FROM t") is None
            await store.write_soon("INSERT INTO t (v) VALUES (4)")
            assert await store.fetchval("SELECT COUNT(*) FROM t") == 4
        assert await store.fetchval("SELECT SUM(v) FROM t") == 10
    finally:
        await store.close()


async def test_statements_behind_another_tasks_transaction_see_it_and_skip_the_worker_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Concurrent calls: one holds the write lock; the reads and activity rows queued behind it must see
    # its commit (the lock's order) and then run on the loop thread. Sent to the worker thread instead,
    # each would hold the lock for a thread hop and send every call behind it the same way.
    store = await Store.open(tmp_path / "queue.db")
    try:
        await store.execute("CREATE TABLE t (v INTEGER)")
        hops: list[str] = []
        real = aiosqlite.Connection._execute

        async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
            hops.append(next((a for a in args if isinstance(a, str)), fn.__name__))  # the SQL
            return await real(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

        monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
        inside, release = asyncio.Event(), asyncio.Event()

        async def writer() -> None:
            async with store.transaction() as tx:
                await tx.execute("INSERT INTO t (v) VALUES (1)")
                inside.set()
                await release.wait()

        holding = asyncio.create_task(writer())
        await inside.wait()
        hops.clear()
        read = asyncio.create_task(store.fetchval("SELECT COUNT(*) FROM t"))
        row = asyncio.create_task(store.write_soon("INSERT INTO t (v) VALUES (2)"))
        await asyncio.sleep(0)
        release.set()
        await holding
        assert await read >= 1  # queued behind the transaction, it sees its commit
        await row
        assert await store.fetchval("SELECT SUM(v) FROM t") == 3
        assert hops == ["COMMIT"], hops  # the transaction's own; neither the read nor the row took the thread
    finally:
        await store.close()


async def test_a_long_read_is_not_run_on_the_loop_but_still_answered(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "long.db")
    try:
        long_sql = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
                    "SELECT COUNT(*) AS c FROM n")
        assert store.peek(long_sql) is None  # interrupted after ~1 ms of work
        assert await store.fetchval(long_sql) == 300000  # and run in the worker thread instead
        assert store.peek("SELECT 41 + 1 AS x") == [{"x": 42}]
    finally:
        await store.close()


async def test_schemas_come_from_the_cache_and_models_are_built_on_first_use(tmp_path: Path) -> None:
    db = tmp_path / "schemas.db"
    async with open_app(db, modules=[echo_module()]) as app:
        echo = app.registry.skills["fast_echo"]
        # a miss: built (every input model with them) and stored
        assert not await skill_schemas.warm(app.store, app.registry, app.clock)
        expected = (echo.input_schema(), echo.output_schema())
    async with open_app(db, modules=[echo_module()]) as app:  # a new process: fresh skill objects
        echo = app.registry.skills["fast_echo"]
        assert echo.inputs._model is None  # registration built no model
        assert await skill_schemas.warm(app.store, app.registry, app.clock)
        assert (echo.input_schema(), echo.output_schema()) == expected
        assert expected[0]["required"] == ["text"] and expected[0]["properties"]["times"]["default"] == 1
        assert echo.inputs._model is None  # listing needs no model
        result = await app.executor.call("fast_echo", {"text": "ab", "times": 2}, caller="mcp")
        assert result.output == {"text": "abab", "times": 2}
        bad = await app.executor.call("fast_echo", {"text": "ab", "times": "many"}, caller="mcp")
        assert bad.error_kind == "validation" and "'times'" in bad.message
        echo.input_schema()["properties"].clear()  # callers get their own copy
        assert echo.input_schema() == expected[0]


async def test_editing_a_skills_source_invalidates_the_cached_schemas(tmp_path: Path) -> None:
    package = tmp_path / "fastpack"
    package.mkdir()
    source = '''
from pydantic import BaseModel
from skills import Module, SkillContext, skill

class Out(BaseModel):
    n: int

@skill(name="pack_count", title="Count", category="system", instructions="Counts.", read_only=True)
async def count(ctx: SkillContext, n: int = LIMIT) -> Out:
    """Count.

    Args:
        n: How many.
    """
    return Out(n=n)

MODULE = Module(id="pack", name="Pack", description="d", category="system", version="1", skills=(count,))
'''
    (package / "__init__.py").write_text(source.replace("LIMIT", "5"))
    sys.path.insert(0, str(tmp_path))
    try:
        first = importlib.import_module("fastpack")
        async with open_app(tmp_path / "p.db", modules=[first.MODULE]) as app:
            before = skill_schemas.fingerprint(app.registry)
            assert not await skill_schemas.warm(app.store, app.registry, app.clock)
        (package / "__init__.py").write_text(source.replace("LIMIT", "7"))  # same size, new default
        del sys.modules["fastpack"]
        second = importlib.import_module("fastpack")
        async with open_app(tmp_path / "p.db", modules=[second.MODULE]) as app:
            assert skill_schemas.fingerprint(app.registry) != before
            # a miss: the old schemas are never served
            assert not await skill_schemas.warm(app.store, app.registry, app.clock)
            assert app.registry.skills["pack_count"].input_schema()["properties"]["n"]["default"] == 7
            rows = await app.store.fetchval("SELECT COUNT(*) FROM runtime_cache WHERE key GLOB 'skill_schemas:*'")
            assert rows == 1  # the stale entry is gone
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fastpack", None)


def test_registration_still_refuses_a_malformed_skill_at_once() -> None:
    with pytest.raises(ContractError, match="not documented"):
        @skill(name="bad_doc", title="Bad", category="system", instructions="x")
        async def bad_doc(ctx: SkillContext, n: int) -> Echo:
            """No Args section."""
            return Echo(text="", times=n)

    with pytest.raises(NameError):
        @skill(name="bad_hint", title="Bad", category="system", instructions="x")
        async def bad_hint(ctx: SkillContext, n: Missing) -> Echo:  # type: ignore[name-defined]  # noqa: F821
            """Bad.

            Args:
                n: A number.
            """
            return Echo(text="", times=1)


class Opaque:
    """A plain class: pydantic has no schema for it."""


def test_a_type_pydantic_cannot_model_fails_when_the_model_is_built() -> None:
    @skill(name="opaque_in", title="Opaque", category="system", instructions="x")
    async def opaque(ctx: SkillContext, thing: Opaque) -> Echo:
        """Opaque.

        Args:
            thing: Something pydantic cannot describe.
        """
        return Echo(text="", times=1)

    with pytest.raises(ContractError, match="opaque_in: its input model cannot be built"):
        definition_of(opaque).input_model  # noqa: B018


async def test_the_http_client_builds_its_pool_on_the_first_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # proxies from the environment are still honoured
    async with LazyAsyncClient(timeout=5.0) as client, http_receiver() as receiver:
        proxied = [t for p, t in client._mounts.items() if p.pattern.startswith("https")]
        assert proxied and all(t is not None for t in proxied)
        transport = client._transport  # the deferred transport, not a pool built at construction
        assert isinstance(transport, _Deferred) and transport._real is None
        response = await client.post(receiver.url + "/hook", json={"a": 1})
        assert response.status_code == 200 and receiver.requests[0].body == b'{"a":1}'
        assert isinstance(transport._real, httpx.AsyncHTTPTransport)
