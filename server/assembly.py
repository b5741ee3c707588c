"""The composition root: the one place that decides what a process is made of.

    open_app(db)          the instance: discovered modules + the runtime's own (health), a clock
    Process.assemble()    what ``serve`` runs beside it: the MCP surface, the scheduler with its
                          actions and the agent's gate, HTTP routes, MCP resources
    worker_services()     what ``worker`` runs: the same scheduler, without MCP

Nothing below this file discovers modules or looks up services by name: every part is
handed what it uses here, as typed arguments.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from server.app import App, open_runtime
from server.db_location import default_db_path
from server.store import Store
from skills import Clock, ContractError, Module

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from server.manifest.offered import Selection
    from server.manifest.tiers import Tier
    from server.mcp.surface import Surface
    from server.runtime import Service
    from server.scheduler.service import Action, Scheduler

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "pilothouse.modules"


def discover_modules(include_community: bool = True) -> list[Module]:
    """Built-in modules in their declared order, then community packs from entry points."""
    from modules import BUILTIN_MODULES

    found = list(BUILTIN_MODULES)
    if include_community:
        found.extend(community_modules({m.id for m in found} | {"health", "ops"}))
    return found


def community_modules(taken: set[str]) -> list[Module]:
    loaded: list[Module] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        module = ep.load()
        if not isinstance(module, Module):
            raise ContractError(f"entry point {ep.name!r} ({ep.value}) is not a skills.Module")
        if module.id in taken:
            raise ContractError(f"community module {module.id!r} ({ep.value}) clashes with an installed module")
        taken.add(module.id)
        loaded.append(module)
        log.info("loaded community module %s from %s", module.id, ep.value)
    return loaded


def system_modules(app: App) -> Iterable[Module]:
    """The runtime's own modules, built from the assembled App: health and self-heal (with the agent), ops
    (notifications, paused skills: always on) and the owner's trust policy."""
    from server.health.skills import health_module
    from server.ops.skills import ops_module
    from server.trust.skills import trust_module

    return health_module(app), ops_module(app), trust_module(app)


@asynccontextmanager
async def open_app(
    db_path: str | Path | None = None,
    *,
    modules: Sequence[Module] | None = None,
    clock: Clock | None = None,
    retry_delay_s: float = 0.25,
) -> AsyncIterator[App]:
    """The instance on ``db_path`` (default: ``$PILOTHOUSE_DB`` or the user data directory).

    ``modules=None`` discovers the built-ins and community packs and adds the runtime's own
    modules; an explicit list is exactly the instance's modules (tests, benchmarks).
    """
    async with open_runtime(
        db_path if db_path is not None else default_db_path(),
        modules=discover_modules() if modules is None else modules,
        system_modules=system_modules if modules is None else None,
        clock=clock,
        retry_delay_s=retry_delay_s,
    ) as app:
        yield app


# The scheduler starts this long after the transport: a client's handshake and first tools/list
# (~100 ms after the process is up) are answered before the scheduler and agent code is imported
# (~10 ms) and its first tick (a few queries) runs. Its ticks are 20 s apart anyway.
SCHEDULER_DELAY_S = 1.0
# How often an instance on a shared (PostgreSQL) database looks for modules switched elsewhere.
WATCH_S = 2.0


def scheduler_for(
    app: App, *, actions: Mapping[str, Action] | None = None, reasoner: Any = None, holder: str | None = None,
    rng: random.Random | None = None,
) -> Scheduler:
    """The scheduler of this instance: the platform's actions; the agent's schedules and automations
    gated on the agent being on, the platform's own work running whether or not it is."""
    from server.agent.bootstrap import agent_enabled
    from server.agent.settings import load
    from server.jobs import LONG_RUNNING, platform_actions
    from server.scheduler.schedules import AGENT_SCHEDULES
    from server.scheduler.service import SHORT_LEASE_S, Scheduler, Timing

    async def agent_on() -> bool:
        return await agent_enabled(app)

    async def timing() -> Timing:
        settings = await load(app)
        # A schedule's lease is short and renewed while its run lasts: a crash frees it within minutes.
        return Timing(tick_s=settings.tick_s, catch_up_window_s=settings.catch_up_window_s,
                      lease_ttl_s=SHORT_LEASE_S)

    return Scheduler(app, actions=actions if actions is not None else platform_actions(agent_on, reasoner=reasoner),
                     gates=dict.fromkeys(AGENT_SCHEDULES, agent_on), timing=timing, long_running=LONG_RUNNING,
                     holder=holder, rng=rng)


@dataclass
class Process:
    """What ``serve`` runs: the MCP surface, its extra HTTP routes, and the background services."""

    app: App
    surface: Surface
    routes: list[BaseRoute] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)

    @classmethod
    def assemble(cls, app: App, tier: Tier = "full", *, scheduler: bool = True, selection: Selection | None = None,
                 page_size: int | None = None) -> Process:
        from server.cockpit import app_resource
        from server.cockpit import http as cockpit_http
        from server.health import http as health_http
        from server.mcp import files, grouping, skills_extension
        from server.mcp.surface import Surface

        surface = Surface(app, tier, selection=selection, page_size=page_size)
        # Owners register what they serve: health its MCP resource and its HTTP routes, the cockpit its
        # page and its MCP App.
        health_http.install_resource(surface, app)
        app_resource.install(surface)
        skills_extension.install(surface)  # each module's playbook as a skill (SEP-2640)
        grouping.install(surface)  # modules as groups
        files.install(surface)  # the PDFs skills return links to (invoices, quotes...)
        process = cls(app, surface, routes=[*health_http.routes(app), *cockpit_http.routes(app)])
        if scheduler:
            process.services.append(process.deferred_scheduler)
        if not isinstance(app.store, Store):  # PostgreSQL: other instances change modules on the database
            process.services.append(process.watch_skills)
        return process

    async def watch_skills(self) -> None:
        """Another instance enabled or disabled a module: this one's clients hear ``tools/list_changed``
        within ``WATCH_S`` (the scheduler only looks once per tick)."""
        while True:
            await anyio.sleep(WATCH_S)
            try:
                await self.surface.notify_if_changed()
            except Exception:
                log.exception("watching the enabled skills failed; next look as usual")

    async def deferred_scheduler(self) -> None:
        """The scheduler + heartbeat, imported and started ``SCHEDULER_DELAY_S`` after launch."""
        from server.scheduler.lease import new_holder_id

        await anyio.sleep(SCHEDULER_DELAY_S)
        await scheduler_for(self.app, holder=new_holder_id("serve")).run_forever(self.surface)


def worker_services(app: App) -> list[Service]:
    """What ``pilothouse worker`` runs: the scheduler alone, at once, without an MCP transport.

    Beside any number of ``serve`` processes on the same database: each schedule is leased and
    each occurrence claimed, so one scheduler acts on a job at a time and none runs it twice.
    """
    from server.scheduler.lease import new_holder_id

    async def scheduler() -> None:
        await scheduler_for(app, holder=new_holder_id("worker")).run_forever()

    return [scheduler]
