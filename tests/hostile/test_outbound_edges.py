"""The edges of issue 27: a mistyped database URL, an oversized request body, a job with two owners."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from server.app import App
from server.assembly import scheduler_for
from server.cli.main import main
from server.http_app import max_body_bytes
from server.testing import FakeClock
from tests.server.test_remote_http import JSON_AND_SSE, bearer, initialize, remote

PILOTHOUSE = str(Path(sys.executable).with_name("pilothouse"))


@pytest.mark.parametrize("url", ["postgresl://pilothouse@db/pilothouse", "mysql://root@db/shop",
                                 "sqlite:///tmp/pilothouse.db"])
def test_a_database_url_that_is_not_postgresql_is_refused_and_creates_nothing(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a SQLite file named after the URL would land here
    assert main(["--db", url, "health"]) == 2
    error = capsys.readouterr().err
    scheme = url.split("://")[0]
    assert f"'{scheme}://'" in error and "postgresql://" in error and "a file path" in error
    monkeypatch.setenv("PILOTHOUSE_DB", url)
    assert main(["health"]) == 2
    assert "PILOTHOUSE_DB" in capsys.readouterr().err
    assert list(tmp_path.rglob("*")) == []  # no SQLite file quietly created under the typo's name


CHUNK = b"x" * 65_536


async def _post_stream(client: httpx.AsyncClient, chunks: int, pulled: list[int], **headers: str) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(chunks):
            pulled.append(len(CHUNK))
            yield CHUNK

    return await client.post("/mcp", content=body(), headers={**JSON_AND_SSE, **bearer(), **headers})


@pytest.mark.anyio
async def test_an_oversized_body_is_refused_with_413_before_it_is_read(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PILOTHOUSE_MAX_BODY_BYTES", "1M")
    async with remote(app, max_body_bytes=max_body_bytes()) as client:
        # Announced: refused on the headers, before a byte of the body is taken in.
        pulled: list[int] = []
        declared = await _post_stream(client, 64, pulled, **{"content-length": str(400 * 2**20)})
        assert declared.status_code == 413 and "too large" in declared.text
        assert sum(pulled) == 0
        # Streamed without a length (chunked): cut off once the limit is passed, not read to its end.
        pulled = []
        streamed = await _post_stream(client, 6_400, pulled)  # 400 MiB on offer
        assert streamed.status_code == 413
        assert sum(pulled) <= 2**20 + 2 * len(CHUNK)
        # Under the limit, MCP answers as usual (an initialize is a few hundred bytes).
        assert (await initialize(client, bearer()))["mcp-session-id"]


@pytest.mark.anyio
async def test_blog_publish_due_has_one_owner_and_runs_once_per_occurrence(app: App, clock: FakeClock) -> None:
    scheduler = scheduler_for(app)  # what serve and worker run; the agent is off
    await scheduler.tick()  # registers the schedules and arms the automations
    for _ in range(10):
        clock.advance(minutes=1)
        await scheduler.tick()
    # 10 minutes of */5: twice, by its automation (nothing was due, so they are counted, not listed: issue 31)
    listed = await app.store.fetchval("SELECT COUNT(*) FROM activity WHERE skill = 'blog_publish_due'")
    counted = await app.store.fetchval("SELECT SUM(calls) FROM activity_daily WHERE skill = 'blog_publish_due'")
    assert listed + (counted or 0) == 2
    owners = await app.store.fetchall("SELECT name FROM schedules WHERE name LIKE '%publish%'")
    assert owners == []  # no platform schedule runs it beside the module's automation
