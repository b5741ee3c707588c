"""The pytest plugin for a pack's own suite: ``pytest_plugins = ["pilothouse.testing.plugin"]``.

Fixtures:

``instance``      an ``Instance`` (pilothouse.testing) of ``pack_modules`` on a fresh database, with
                  the mail sink; each test starts from scratch.
``pack_modules``  the modules under test: every pack installed through a ``pilothouse.modules`` entry
                  point. Override it in your conftest to choose (``return [my_module]``). A pack that
                  fails to load fails the test with its error.
``clock``         the ``FakeClock`` the instance reads (``START``, a Monday 09:00 UTC).

Async test functions run under anyio without a marker.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from server.testing.clock import FakeClock
from server.testing.instance import Instance, open_instance
from skills import Module

__all__ = ["anyio_backend", "clock", "instance", "pack_modules"]


def pytest_configure(config: pytest.Config) -> None:
    # Every async test runs under anyio (its auto mode) without a marker; `--anyio-mode=strict` opts out.
    if config.getoption("anyio_mode", default=None) is None:
        config.option.anyio_mode = "auto"
    # aiosmtpd (the mail sink) warns about itself in its own thread, where a suite's `error` filter
    # would turn its notices into failures the pack cannot fix.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:aiosmtpd.*")
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")
    # The MCP SDK's notice that per-request logging is deprecated (2026-07-28): the server's, not the pack's.
    config.addinivalue_line("filterwarnings", "ignore:The logging capability is deprecated")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def pack_modules() -> list[Module]:
    from server.assembly import discover_packs

    packs = discover_packs()
    if packs.broken:
        pytest.fail("\n".join(f"pack {b.id} ({b.source}) did not load: {b.error}\n  fix: {b.fix}"
                              for b in packs.broken), pytrace=False)
    if not packs.loaded:
        pytest.fail("no pack is installed: `pip install -e .` your pack (its pyproject.toml declares a "
                    "[project.entry-points.\"pilothouse.modules\"] entry), or override the pack_modules fixture",
                    pytrace=False)
    return packs.modules


@pytest.fixture
async def instance(pack_modules: list[Module], clock: FakeClock, tmp_path: Path) -> AsyncIterator[Instance]:
    async with open_instance(*pack_modules, db=tmp_path / "instance.db", clock=clock) as running:
        yield running
