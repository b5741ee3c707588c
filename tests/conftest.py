from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import Client

from server.app import App
from server.assembly import Process, open_app
from tests.support import FakeClock, McpHarness


# Async tests run under anyio's plugin (each test file sets `pytestmark = pytest.mark.anyio`):
# it runs an async fixture's setup and teardown in one task, which the SDK's task groups need.
@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def app(clock: FakeClock, tmp_path: Path) -> AsyncIterator[App]:
    """A fresh instance with the real migrations and built-in modules on, on a database file in WAL
    mode as in production (the store's loop-thread connection only exists for a file)."""
    async with open_app(tmp_path / "app.db", clock=clock, retry_delay_s=0) as instance:
        yield instance


@pytest.fixture
async def mcp(app: App) -> AsyncIterator[McpHarness]:
    """The real SDK client talking to the real server in memory (2026-07-28 era)."""
    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True) as client:
        yield McpHarness(client)


@pytest.fixture(params=["auto", "legacy"], ids=["2026-07-28", "2025-11-25"])
async def mcp_any_era(app: App, request: pytest.FixtureRequest) -> AsyncIterator[McpHarness]:
    """The real client in each protocol era: modern (no handshake) and the 2025-11-25 handshake."""
    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True, mode=request.param) as client:
        yield McpHarness(client)
