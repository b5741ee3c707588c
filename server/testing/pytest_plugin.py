"""Pytest fixtures for a real Pilothouse instance driven through the real MCP client.

Enable it from the top-level ``conftest.py`` of a test suite (pytest only honours
``pytest_plugins`` there)::

    pytest_plugins = ["server.testing.pytest_plugin"]

Fixtures:

``clock``        a ``FakeClock`` at ``START``; the instance reads time only from it.
``app``          a fresh instance on a WAL database file in ``tmp_path``: real migrations, the
                 built-in modules and every installed community module, enabled.
``mcp``          an ``McpHarness`` over the SDK client talking to ``app``'s server in memory.
``mcp_any_era``  the same, run once per protocol era (2026-07-28 and the 2025-11-25 handshake).
``anyio_backend`` ``"asyncio"``, for anyio's pytest plugin that runs the async tests and fixtures.

Async tests need ``pytestmark = pytest.mark.anyio`` (anyio's plugin comes with the ``anyio``
dependency). Override any fixture in your own conftest, e.g. ``app`` with ``open_app(...,
modules=[my_module])`` for an instance that holds only your module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import Client

from server.app import App
from server.assembly import Process, open_app
from server.testing.clock import FakeClock
from server.testing.harness import McpHarness

__all__ = ["anyio_backend", "app", "clock", "mcp", "mcp_any_era"]


def pytest_configure(config: pytest.Config) -> None:
    # smtp_sink asks for AUTH over plain loopback on purpose; aiosmtpd warns about it in its own
    # thread, where the sink can't catch it, so a suite with `filterwarnings = error` would fail.
    # Appended lines win over the suite's own ones.
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")


# Async tests run under anyio's plugin: it runs an async fixture's setup and teardown in one task,
# which the SDK's task groups need.
@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def app(clock: FakeClock, tmp_path: Path) -> AsyncIterator[App]:
    """A fresh instance with the real migrations and every discovered module on, on a database file in
    WAL mode as in production (the store's loop-thread connection only exists for a file)."""
    async with open_app(tmp_path / "app.db", clock=clock, retry_delay_s=0) as instance:
        yield instance


@pytest.fixture
async def mcp(app: App) -> AsyncIterator[McpHarness]:
    """The real SDK client talking to the real server in memory (2026-07-28 era): the surface ``serve``
    assembles (health's resource included), without its scheduler."""
    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True) as client:
        yield McpHarness(client)


@pytest.fixture(params=["auto", "legacy"], ids=["2026-07-28", "2025-11-25"])
async def mcp_any_era(app: App, request: pytest.FixtureRequest) -> AsyncIterator[McpHarness]:
    """The real client in each protocol era: modern (no handshake) and the 2025-11-25 handshake."""
    surface = Process.assemble(app, scheduler=False).surface
    async with Client(surface.server, raise_exceptions=True, mode=request.param) as client:
        yield McpHarness(client)
