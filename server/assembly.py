"""The composition root: the one place that decides what a process is made of.

    open_app(db)          the instance: the built-in modules, the runtime's own (health, ops, trust), the
                          community packs (each in isolation: server/packs.py), a clock
    Process.assemble()    what ``serve`` runs beside it: the MCP surface, the scheduler with its
                          actions and the agent's gate, the delivery loop, HTTP routes, MCP resources
    worker_services()     what ``worker`` runs: the same scheduler and delivery loop, without MCP

Nothing below this file discovers modules or looks up services by name: every part is
handed what it uses here, as typed arguments.
"""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio

from server.app import App, open_runtime
from server.db_location import default_db_path
from server.packs import Packs, load_packs
from server.store import Store
from skills import Clock, Module

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from server.manifest.offered import Selection
    from server.manifest.tiers import Tier
    from server.mcp.surface import Surface
    from server.runtime import Service
    from server.scheduler.service import Action, Scheduler

log = logging.getLogger(__name__)

# The runtime's own modules (system_modules below): a community pack may not take their ids.
SYSTEM_MODULE_IDS = ("health", "ops", "trust")


def discover_packs() -> Packs:
    """The community packs installed beside the built-in modules, each loaded in isolation."""
    from modules import BUILTIN_MODULES

    return load_packs({m.id for m in BUILTIN_MODULES} | set(SYSTEM_MODULE_IDS))


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

    ``modules=None`` is the whole instance: the built-ins, the runtime's own modules and the
    community packs, each pack admitted on its own (a broken one is reported and skipped), and the
    automations of a pack that is no longer installed switched off. An explicit list is exactly the
    instance's modules (tests, benchmarks), and any error in them is raised.
    """
    from modules import BUILTIN_MODULES

    packs = discover_packs() if modules is None else Packs()
    async with open_runtime(
        db_path if db_path is not None else default_db_path(),
        modules=BUILTIN_MODULES if modules is None else modules,
        system_modules=system_modules if modules is None else None,
        packs=packs.loaded,
        broken=packs.broken,
        clock=clock,
        retry_delay_s=retry_delay_s,
    ) as app:
        if modules is None:
            await app.modules.retire_uninstalled()
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
            process.services += [process.deferred_scheduler, process.deferred_delivery, process.provider_view]
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

    async def deferred_delivery(self) -> None:
        """The delivery loop (server/delivery_loop.py), started with the scheduler."""
        from server.delivery_loop import DeliveryLoop

        await anyio.sleep(SCHEDULER_DELAY_S)
        await DeliveryLoop(self.app).run_forever()

    async def provider_view(self) -> None:
        """Keep the provider chain this process uses where `pilothouse providers` and the cockpit see it."""
        from server.providers.views import announce
        from server.scheduler.lease import new_holder_id

        await announce(self.app, new_holder_id("serve"), "serve")

    async def deferred_scheduler(self) -> None:
        """The scheduler + heartbeat, imported and started ``SCHEDULER_DELAY_S`` after launch."""
        from server.scheduler.lease import new_holder_id

        await anyio.sleep(SCHEDULER_DELAY_S)
        await scheduler_for(self.app, holder=new_holder_id("serve")).run_forever(self.surface)


def worker_services(app: App) -> list[Service]:
    """What ``pilothouse worker`` runs: the scheduler and the delivery loop, at once, without MCP.

    Beside any number of ``serve`` processes on the same database: each schedule is leased and
    each occurrence claimed, so one scheduler acts on a job at a time and none runs it twice; each
    message is claimed, so every process delivers and none sends one twice.
    """
    from server.delivery_loop import DeliveryLoop
    from server.providers.views import announce
    from server.scheduler.lease import new_holder_id

    holder = new_holder_id("worker")

    async def scheduler() -> None:
        await scheduler_for(app, holder=holder).run_forever()

    async def provider_view() -> None:
        await announce(app, holder, "worker")

    return [scheduler, DeliveryLoop(app).run_forever, provider_view]
