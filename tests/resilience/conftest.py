from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from mcp import Client

from server.app import App
from server.assembly import open_app
from server.mcp.surface import Surface
from server.testing import FakeClock, McpHarness
from tests.resilience import flaky


@pytest.fixture
async def fapp(clock: FakeClock) -> AsyncIterator[App]:
    flaky.reset()
    async with open_app(":memory:", modules=[flaky.module], clock=clock, retry_delay_s=0) as instance:
        yield instance


@pytest.fixture
async def fmcp(fapp: App) -> AsyncIterator[McpHarness]:
    async with Client(Surface(fapp).server, raise_exceptions=True) as client:
        yield McpHarness(client)
