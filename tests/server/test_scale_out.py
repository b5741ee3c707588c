"""Three `serve --http` processes on one PostgreSQL database: every write kept, each thing done once.

8 real MCP clients write through all three servers while the heartbeat is due on each of them; then
all three dispatch the queued webhook events at once. No write is lost, one heartbeat runs for the
period, and the receiver gets every event exactly once (one ``webhook-id`` each).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import anyio
import httpx
import psycopg
import pytest
from mcp import Client

from modules.webhooks.targets import ALLOW_PRIVATE_ENV
from server.cli.main import main
from server.testing import McpHarness, free_port, http_receiver
from server.testing.fake_model import FakeModelServer, Reply

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).parents[2]
SERVERS, CLIENTS, WRITES = 3, 8, 10


@pytest.fixture(autouse=True)
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")  # the receiver is on loopback; the servers inherit this


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModelServer]:
    with FakeModelServer("openai", models=("gpt-4.1-mini",)) as fake:
        fake.as_only_openai(monkeypatch)
        yield fake


async def _cli(db: str, *args: str) -> None:
    code = await anyio.to_thread.run_sync(main, ["--db", db, *args])  # the CLI runs its own event loop
    assert code == 0, args


async def _up(url: str) -> None:
    async with httpx.AsyncClient() as http:
        with anyio.fail_after(60):
            while True:
                try:
                    if (await http.get(f"{url}/healthz")).status_code < 500:
                        return
                except httpx.TransportError:
                    pass
                await anyio.sleep(0.1)  # polling a starting process: there is no event to wait on


@asynccontextmanager
async def _servers(db: str, n: int) -> AsyncIterator[list[str]]:
    ports = [free_port() for _ in range(n)]
    procs = [await anyio.open_process([sys.executable, "-m", "server.cli.main", "--db", db, "serve", "--http",
                                       "--port", str(p)], cwd=ROOT, env=dict(os.environ)) for p in ports]
    try:
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url in urls:
            await _up(url)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        with anyio.move_on_after(20):
            for proc in procs:
                await proc.wait()
        for proc in procs:
            if proc.returncode is None:
                proc.kill()


async def test_three_instances_lose_no_write_and_do_each_thing_once(pg_database: str,
                                                                    model: FakeModelServer) -> None:
    model.script(*[Reply("Nothing needs doing this cycle.") for _ in range(6)])
    await _cli(pg_database, "agent", "enable")
    async with http_receiver() as receiver:
        await _cli(pg_database, "call", "webhooks_create_endpoint", "--args",
                   json.dumps({"url": f"{receiver.url}/hook", "events": ["lead.*"]}))
        due = (datetime.now(UTC) - timedelta(seconds=5)).isoformat(timespec="seconds")
        with psycopg.connect(pg_database, autocommit=True) as conn:  # due now, on every instance's first tick
            conn.execute("UPDATE schedules SET next_run = %s WHERE name = 'heartbeat'", (due,))

        async with _servers(pg_database, SERVERS) as urls:
            async def client(index: int) -> None:
                async with Client(f"{urls[index % SERVERS]}/mcp") as session:
                    mcp = McpHarness(session)
                    for n in range(WRITES):
                        await mcp.call("crm_create_lead", email=f"c{index}-{n}@example.com")

            async def dispatch(url: str) -> None:
                async with Client(f"{url}/mcp") as session:
                    for _ in range(2):
                        await McpHarness(session).call("webhooks_dispatch_events")

            with anyio.fail_after(120):
                async with anyio.create_task_group() as tg:
                    for index in range(CLIENTS):
                        tg.start_soon(client, index)
                async with anyio.create_task_group() as tg:
                    for url in urls:
                        tg.start_soon(dispatch, url)
                while True:  # the heartbeat runs on the first scheduler tick of whichever instance wins, and
                    # each instance's delivery loop dispatches too: what one holds, it finishes
                    with psycopg.connect(pg_database) as conn:
                        finished = conn.execute("SELECT COUNT(*) FROM heartbeats WHERE status != 'running'"
                                                ).fetchone()
                        # Every lead's event delivered (an event not yet dispatched has no delivery row yet).
                        delivered = conn.execute("SELECT COUNT(*) FROM webhooks_deliveries WHERE status = "
                                                 "'delivered'").fetchone()
                    if finished and finished[0] and delivered and delivered[0] >= CLIENTS * WRITES:
                        break
                    await anyio.sleep(0.2)

    with psycopg.connect(pg_database) as conn:
        leads = conn.execute("SELECT COUNT(DISTINCT email) FROM crm_leads").fetchone()
        beats = conn.execute("SELECT COUNT(*) FROM heartbeats").fetchone()
    assert leads is not None and leads[0] == CLIENTS * WRITES
    assert beats is not None and beats[0] == 1
    ids = Counter(r.headers["webhook-id"] for r in receiver.requests)
    assert len(ids) == CLIENTS * WRITES and set(ids.values()) == {1}



async def test_a_module_disabled_on_one_instance_leaves_the_others_tool_lists(pg_database: str) -> None:
    from server.assembly import Process, open_app
    from server.testing import FakeClock

    clock = FakeClock()
    async with open_app(pg_database, clock=clock) as first, open_app(pg_database, clock=clock) as second:
        surface = Process.assemble(second, scheduler=False).surface
        async with Client(surface.server, raise_exceptions=True) as session:
            mcp = McpHarness(session)
            assert "blog_create_post" in await mcp.tool_names()
            assert not await surface.notify_if_changed()  # the first look only remembers what is served
            await first.modules.disable("blog")
            assert await surface.notify_if_changed()  # what Process.watch_skills runs every WATCH_S
            assert "blog_create_post" not in await mcp.tool_names()
            await first.modules.enable("blog")
            assert await surface.notify_if_changed()
            assert "blog_create_post" in await mcp.tool_names()
