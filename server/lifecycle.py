"""Enable and disable modules (Pattern 5): seed skill and automation rows, run hooks.

Enabling is idempotent: rows are upserted from the definition, so enabling twice
changes nothing, and a module whose rows are missing (a fresh install, a module
added later) is bootstrapped by the same call. Disabling keeps every row and all
module data; it only switches them off.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from server import module_settings
from server.errors import ModuleError
from server.registry import Registry, silence
from server.store import AnyStore, AnyTransaction, dumps
from server.tables import automations, skill_state
from skills import Clock, Module


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    id: str
    name: str
    category: str
    version: str
    enabled: bool
    bootstrapped: bool
    skill_count: int
    requires: tuple[str, ...]
    description: str
    # on, off, broken (a pack the instance skipped: ``problem`` and ``fix`` say why and what to do)
    # or not installed (stored here, its code gone: its automations are off)
    state: str = "on"
    problem: str | None = None
    fix: str | None = None


class ModuleManager:
    def __init__(self, store: AnyStore, registry: Registry, clock: Clock) -> None:
        self.store = store
        self.registry = registry
        self.clock = clock

    async def migrate_all(self) -> None:
        """Every module's migrations; a community pack whose migration fails is refused, not fatal."""
        for module in list(self.registry.modules.values()):
            steps = [(m.version, m.sql) for m in module.migrations]
            if module.id not in self.registry.packs:
                await self.store.migrate(f"module:{module.id}", steps)
                continue
            try:
                await self.store.migrate(f"module:{module.id}", steps)
            except Exception as exc:
                self.registry.evict(module.id, f"module {module.id}", f"its migration failed: {exc}", (
                    "fix the migration in the pack (a released step is never edited: add a new one), "
                    + silence(module.id)))

    async def first_run(self) -> None:
        """On a fresh database enable every module that is on by default (the agent is not); on any
        database, seed the always-on modules that are missing (an instance older than they are)."""
        if not await skill_state.module_count(self.store):
            for module in self.registry.modules.values():
                if module.enabled_by_default and not module.agent_only:
                    await self.enable(module.id)
        for module in self.registry.modules.values():
            if module.always_on and not (await self.is_enabled(module.id) and await self.is_seeded(module)):
                await self.enable(module.id)

    def get(self, module_id: str) -> Module:
        try:
            return self.registry.modules[module_id]
        except KeyError:
            known = ", ".join(sorted(self.registry.modules))
            raise ModuleError(f"unknown module {module_id!r}; known modules: {known}") from None

    async def is_enabled(self, module_id: str) -> bool:
        return await skill_state.module_enabled(self.store, module_id)

    async def enabled_ids(self) -> set[str]:
        return await skill_state.enabled_module_ids(self.store)

    async def enable(self, module_id: str) -> bool:
        """Enable and bootstrap a module. Returns False when it was already enabled and seeded."""
        broken = self.registry.broken_pack(module_id)
        if broken is not None:
            raise ModuleError(f"module {module_id!r} cannot be enabled: {broken.error}. To fix: {broken.fix}")
        module = self.get(module_id)
        enabled = await self.enabled_ids()
        missing = [r for r in module.requires if r not in enabled]
        if missing:
            raise ModuleError(
                f"module {module_id!r} requires {', '.join(missing)}; enable "
                f"{'it' if len(missing) == 1 else 'them'} first: pilothouse modules enable {missing[0]}"
            )
        async with self.store.transaction() as tx:
            changed = await self._bootstrap(tx, module)
            if module.on_enable is not None:
                await module.on_enable(tx)
        return changed

    async def disable(self, module_id: str) -> bool:
        if module_id not in self.registry.modules:
            return await self._switch_off_absent(module_id)
        module = self.get(module_id)
        if module.always_on:
            raise ModuleError(f"module {module_id!r} is always on: it is how the operator hears about problems "
                              "(notifications, paused skills), with or without the agent")
        if not await self.is_enabled(module_id):
            return False
        dependents = [
            m.id for m in self.registry.modules.values()
            if module_id in m.requires and await self.is_enabled(m.id)
        ]
        if dependents:
            raise ModuleError(
                f"module {module_id!r} is required by enabled module(s) {', '.join(dependents)}; disable them first"
            )
        async with self.store.transaction() as tx:
            now = self._now()
            await skill_state.switch_module_off(tx, module_id, now)
            await automations.switch_off(tx, module_id)
            if module.on_disable is not None:
                await module.on_disable(tx)
        return True

    async def _switch_off_absent(self, module_id: str) -> bool:
        """``disable`` of a broken pack or of a module whose code is gone: its row off (added for a pack
        never seen working, so health stops reporting it) and its automations off. No hook can run."""
        stored = await skill_state.module_row(self.store, module_id)
        if stored is None and self.registry.broken_pack(module_id) is None:
            self.get(module_id)  # raises: unknown module, naming the known ones
        if stored is not None and not stored["enabled"]:
            return False
        async with self.store.transaction() as tx:
            await skill_state.switch_module_off(tx, module_id, self._now(), add=stored is None)
            await automations.switch_off(tx, module_id)
        return True

    async def retire_uninstalled(self) -> list[str]:
        """Modules stored as on whose code is gone (a pack uninstalled; not a broken one, which may come
        back): switched off with their automations, which would otherwise fail every minute, and the
        administrator told once. ``pilothouse modules list`` shows them as not installed."""
        from server.notify import notify_admin

        stored = await skill_state.module_rows(self.store)
        gone = sorted(m for m, row in stored.items() if row["enabled"] and m not in self.registry.modules
                      and self.registry.broken_pack(m) is None)
        for module_id in gone:
            async with self.store.transaction() as tx:
                await skill_state.switch_module_off(tx, module_id, self._now())
                count = await automations.switch_off(tx, module_id, status=f"off: module {module_id} is not "
                                                     "installed")
                await notify_admin(tx, kind="module_not_installed", key=module_id, now=self.clock.now(),
                                   title=f"Module {module_id} is no longer installed",
                                   body=f"Module {module_id} is switched on here but its code is not installed, so "
                                        f"it and its {count} automation(s) were switched off (data kept). Install "
                                        f"it again, then: pilothouse modules enable {module_id}")
        return gone

    async def bootstrap_missing(self) -> list[str]:
        """Retroactive scan: seed every enabled module whose rows are missing or stale."""
        done = []
        for module_id in sorted(await self.enabled_ids()):
            if module_id in self.registry.modules and not await self.is_seeded(self.registry.modules[module_id]):
                await self.enable(module_id)
                done.append(module_id)
        return done

    async def statuses(self) -> list[ModuleStatus]:
        """Every module: the known ones, then the broken packs, then those stored here but not installed."""
        rows = await skill_state.module_rows(self.store)
        result = []
        for m in self.registry.modules.values():
            row: dict[str, Any] = rows.get(m.id, {})
            result.append(ModuleStatus(
                m.id, m.name, m.category, m.version, bool(row.get("enabled")), bool(row.get("bootstrapped")),
                len(m.skills), m.requires, m.description, state="on" if row.get("enabled") else "off",
            ))
        for pack in self.registry.broken:
            row = rows.get(pack.id, {})
            state = "broken" if row.get("enabled", True) else "broken, switched off"
            result.append(ModuleStatus(pack.id, pack.id, "", str(row.get("version") or ""), False, False, 0, (),
                                       f"community pack {pack.source}", state=state, problem=pack.error,
                                       fix=pack.fix))
        for module_id in sorted(set(rows) - set(self.registry.modules) - {b.id for b in self.registry.broken}):
            result.append(ModuleStatus(module_id, module_id, "", str(rows[module_id].get("version") or ""), False,
                                       bool(rows[module_id]["bootstrapped"]), 0, (), "", state="not installed",
                                       problem="stored here, but its code is not installed; its automations are off",
                                       fix=f"install it again, then: pilothouse modules enable {module_id}"))
        return result

    async def settings(self, module_id: str) -> dict[str, Any]:
        """The module's settings as a handler sees them (``ctx.settings``): declared defaults, process
        variables, then what was configured (server/module_settings.py)."""
        raw = await skill_state.module_settings(self.store, module_id)
        module = self.registry.modules.get(module_id)
        if module is None:
            return json.loads(raw) if raw else {}
        return module_settings.effective(module, raw)

    async def stored_settings(self, module_id: str) -> str | None:
        """The module's settings row as stored (JSON text): only what was configured."""
        return await skill_state.module_settings(self.store, module_id)

    async def configure(self, module_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Check ``values`` against the module's settings model and store them; what is stored after."""
        module = self.get(module_id)
        raw = await skill_state.module_settings(self.store, module_id)
        stored = module_settings.check_change(module, json.loads(raw) if raw else {}, values)
        if not await skill_state.set_module_settings(self.store, module_id, dumps(stored)):
            raise ModuleError(f"module {module_id!r} has never been enabled; enable it before configuring it")
        return stored

    async def is_seeded(self, module: Module) -> bool:
        names = {s.name for s in module.skills}
        stored = await skill_state.module_skill_names(self.store, module.id)
        autos = await automations.seeded_count(self.store, module.id)
        bootstrapped = await skill_state.module_bootstrapped(self.store, module.id)
        return bootstrapped and stored >= names and autos >= len(module.automations)

    async def _bootstrap(self, tx: AnyTransaction, module: Module) -> bool:
        now = self._now()
        before = await skill_state.module_row(tx, module.id)
        await skill_state.switch_module_on(tx, module.id, module.version, now)
        was_on = before is not None and before["enabled"] and before["bootstrapped"]
        changes = 0
        for s in module.skills:
            # A paused skill stays paused across re-enables: a person resumes it on purpose.
            changes += await skill_state.seed_skill(
                tx, name=s.name, module_id=module.id, trust=s.trust, category=s.category, scope=s.scope,
                description=s.description, instructions=s.instructions, now=now)
        # Automations are seeded once. Turning the module back on turns them back on; enabling
        # an enabled module leaves alone an automation a person switched off on purpose.
        for a in module.automations:
            changes += await automations.seed(tx, module.id, a, refresh=not was_on)
        return not was_on or changes > 0

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")
