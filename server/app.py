"""The runtime assembled: store, registry, module manager, executor. One per process.

    async with open_app(db_path) as app:
        await app.executor.call("crm_create_lead", {...}, caller="cli")
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from server.executor import Executor
from server.http_client import LazyAsyncClient
from server.lifecycle import ModuleManager
from server.registry import Registry, discover_modules
from server.schema import CORE_MIGRATIONS
from server.store import Store, default_db_path
from skills import Clock, Module, SystemClock

log = logging.getLogger(__name__)

VERSION = "0.1.0"


@dataclass
class App:
    store: Store
    registry: Registry
    modules: ModuleManager
    executor: Executor
    clock: Clock
    http: httpx.AsyncClient


@asynccontextmanager
async def open_app(
    db_path: str | Path | None = None,
    *,
    modules: Sequence[Module] | None = None,
    clock: Clock | None = None,
    retry_delay_s: float = 0.25,
) -> AsyncIterator[App]:
    """Open the database, apply migrations, seed a fresh instance, and build the executor."""
    registry = Registry(modules if modules is not None else discover_modules())
    clock = clock or SystemClock()
    store = await Store.open(db_path if db_path is not None else default_db_path())
    try:
        await store.migrate("core", CORE_MIGRATIONS)
        manager = ModuleManager(store, registry, clock)
        await manager.migrate_all()
        await manager.first_run()
        # Its pool and SSL context are built on the first request (most processes never send one).
        async with LazyAsyncClient(timeout=httpx.Timeout(20.0), follow_redirects=False) as http:
            executor = Executor(store, registry, clock, http, retry_delay_s=retry_delay_s)
            app = App(store, registry, manager, executor, clock, http)
            executor.services["app"] = app
            yield app
    finally:
        await store.close()
