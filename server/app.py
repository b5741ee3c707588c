"""The runtime assembled: store, registry, module manager, executor. One per process.

``open_runtime`` builds it from what it is handed (the modules, the runtime's own
modules, a clock); finding the modules is the composition root's job::

    async with open_app(db_path) as app:          # server/assembly.py
        await app.executor.call("crm_create_lead", {...}, caller="cli")
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from server import instance_lock
from server.db_location import checked, is_postgres_url
from server.errors import ConfigError
from server.executor import Executor
from server.http_client import LazyAsyncClient
from server.lifecycle import ModuleManager
from server.registry import BrokenPack, Registry
from server.schema import CORE_MIGRATIONS
from server.storage_errors import starting
from server.store import AnyStore, Store
from skills import Clock, Module, SystemClock

log = logging.getLogger(__name__)

# Modules the runtime provides itself (health): their skills need the assembled App, so they are
# built from it, after it exists, and registered before any migration or seeding runs.
SystemModules = Callable[["App"], Iterable[Module]]


@dataclass
class App:
    store: AnyStore
    registry: Registry
    modules: ModuleManager
    executor: Executor
    clock: Clock
    http: httpx.AsyncClient


@asynccontextmanager
async def open_runtime(
    db_path: str | Path,
    *,
    modules: Sequence[Module],
    system_modules: SystemModules | None = None,
    packs: Sequence[tuple[Module, str]] = (),
    broken: Sequence[BrokenPack] = (),
    clock: Clock | None = None,
    retry_delay_s: float = 0.25,
) -> AsyncIterator[App]:
    """Open the database, apply migrations, seed a fresh instance, and build the executor. The process
    holds the database's shared lock meanwhile, so `pilothouse restore` waits for it (server/instance_lock.py).

    ``packs`` (community modules, with where each came from) are admitted one by one after
    everything else: one that clashes, lacks a requirement or fails its migration is refused and
    reported (``registry.broken``, with the ``broken`` ones that did not even load), never fatal.
    """
    registry = Registry(modules, broken)
    clock = clock or SystemClock()
    with instance_lock.hold(checked(db_path)):
        async with _runtime(db_path, registry, clock, system_modules, retry_delay_s, packs) as app:
            yield app


@asynccontextmanager
async def _runtime(db_path: str | Path, registry: Registry, clock: Clock, system_modules: SystemModules | None,
                   retry_delay_s: float, packs: Sequence[tuple[Module, str]]) -> AsyncIterator[App]:
    with starting(db_path):  # a full disk or a read-only file is one line that says so
        store = await open_store(db_path)
    try:
        with starting(db_path):
            await store.migrate("core", CORE_MIGRATIONS)
        manager = ModuleManager(store, registry, clock)
        # Its pool and SSL context are built on the first request (most processes never send one).
        async with LazyAsyncClient(timeout=httpx.Timeout(20.0), follow_redirects=False) as http:
            executor = Executor(store, registry, clock, http, retry_delay_s=retry_delay_s)
            app = App(store, registry, manager, executor, clock, http)
            for module in system_modules(app) if system_modules is not None else ():
                registry.register(module)
            registry.admit(packs)
            with starting(db_path):
                await manager.migrate_all()
                await manager.first_run()
            yield app
    finally:
        await store.close()


async def open_store(target: str | Path) -> AnyStore:
    """A ``postgresql://`` URL opens the PostgreSQL store (psycopg is imported only then); anything
    else is a SQLite file; any other URL is refused (server/db_location.py)."""
    checked(target)
    if is_postgres_url(target):
        try:
            from server.postgres.store import PgStore
        except ImportError as exc:  # psycopg is an extra: SQLite-only installs do not carry it
            raise ConfigError(f"--db {target} needs the PostgreSQL driver: pip install 'pilothouse[postgres]'") from exc
        return await PgStore.open(str(target))
    return await Store.open(target)
