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
``mcp_person``   an ``McpHarness`` whose client shows the server's confirmation forms to ``person``, a
                 ``Person`` who says yes (server/testing/person.py): for what only a person may decide.
``business``     ``app`` with its business profile filled in, so documents and customer emails may go out.
``app_db``       where ``app`` lives: its SQLite file, or its PostgreSQL URL (open a second instance on it).
``pg_admin``     the URL of a PostgreSQL cluster's ``postgres`` database (``$PILOTHOUSE_TEST_PG``, or a
                 throw-away cluster started for the session); skips when PostgreSQL is not installed.
``pg_database``  a fresh, empty PostgreSQL database on it, dropped after the test.
``anyio_backend`` ``"asyncio"``, for anyio's pytest plugin that runs the async tests and fixtures.

Async tests need ``pytestmark = pytest.mark.anyio`` (anyio's plugin comes with the ``anyio``
dependency). Override any fixture in your own conftest, e.g. ``app`` with ``open_app(...,
modules=[my_module])`` for an instance that holds only your module.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from mcp import Client

from server.app import App
from server.assembly import Process, open_app
from server.testing.clock import FakeClock
from server.testing.harness import McpHarness
from server.testing.person import Person, connect

__all__ = ["anyio_backend", "app", "app_db", "clock", "mcp", "mcp_any_era", "mcp_person", "person", "pg_admin",
           "pg_database"]

_databases = itertools.count(1)


def on_postgres() -> bool:
    """Whether this run's ``app`` fixture is on PostgreSQL (``PILOTHOUSE_TEST_DB=postgresql``)."""
    return os.environ.get("PILOTHOUSE_TEST_DB", "sqlite").lower().startswith("postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): the test needs the SQLite store; skipped on PostgreSQL")
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_postgres():
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "needs SQLite")
            item.add_marker(pytest.mark.skip(reason=f"sqlite only: {reason}"))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[str]:
    given = os.environ.get("PILOTHOUSE_TEST_PG")
    if given:
        yield given
        return
    from server.testing import pg_cluster

    if shutil.which("initdb") is None and not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("PostgreSQL is not installed (initdb not found)")
    cluster = pg_cluster.start()  # under /tmp: pytest's own temp directories are private to root
    try:
        yield cluster.dsn
    finally:
        cluster.stop()
        shutil.rmtree(cluster.directory, ignore_errors=True)


@pytest.fixture
def pg_database(pg_admin: str) -> Iterator[str]:
    from server.testing import pg_cluster

    name = f"test_{os.getpid()}_{next(_databases)}"
    yield pg_cluster.create_database(pg_admin, name)
    pg_cluster.drop_database(pg_admin, name)


@pytest.fixture(scope="session")
def _pg_template(pg_admin: str) -> Iterator[str]:
    """A database with every migration and first-run seed applied, copied for each test."""
    from server.testing import pg_cluster

    name = f"template_{os.getpid()}"
    url = pg_cluster.create_database(pg_admin, name)
    failed: list[BaseException] = []

    def prepare() -> None:
        async def migrate() -> None:
            async with open_app(url, clock=FakeClock(), retry_delay_s=0):
                pass

        try:
            asyncio.run(migrate())
        except BaseException as exc:  # re-raised in the fixture's thread below
            failed.append(exc)

    # In a thread of its own: the session may already have an event loop running here.
    worker = threading.Thread(target=prepare)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]
    yield name
    pg_cluster.drop_database(pg_admin, name)


@pytest.fixture
def app_db(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str | Path]:
    """Where ``app`` lives: a SQLite file, or (on PostgreSQL) a fresh copy of the template database."""
    if not on_postgres():
        yield tmp_path / "app.db"
        return
    from server.testing import pg_cluster

    admin, template = request.getfixturevalue("pg_admin"), request.getfixturevalue("_pg_template")
    name = f"test_{os.getpid()}_{next(_databases)}"
    yield pg_cluster.create_database(admin, name, template=template)
    pg_cluster.drop_database(admin, name)


@pytest.fixture
async def app(clock: FakeClock, app_db: str | Path) -> AsyncIterator[App]:
    """A fresh instance with the real migrations and every discovered module on, on a database file in
    WAL mode as in production (the store's loop-thread connection only exists for a file).

    ``PILOTHOUSE_TEST_DB=postgresql`` runs it on PostgreSQL instead: a fresh database copied from a template
    migrated once per session (the same migrations and seeds, applied once)."""
    async with open_app(app_db, clock=clock, retry_delay_s=0) as instance:
        yield instance


@pytest.fixture
async def business(app: App) -> App:
    """The instance with its business profile filled in (the demo business, logo aside), so invoices,
    quotes, reminders and newsletters may go out: they are refused while the profile lacks what they need."""
    from modules.business.demo import PROFILE

    result = await app.executor.call("business_profile_update", {**PROFILE, "confirm": True}, caller="cli")
    assert result.ok, result.message
    return app


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


@pytest.fixture
def person() -> Person:
    return Person()


@pytest.fixture
async def mcp_person(app: App, person: Person) -> AsyncIterator[McpHarness]:
    """The real client (2026-07-28 era) with form elicitation: ``person`` answers every confirmation."""
    async with connect(app, "auto", person) as harness:
        yield harness
