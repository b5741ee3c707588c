"""Turning the agent on and off (Patterns 1 and 5). Idempotent: enabling twice changes nothing.

Enable:
  1. enable pilot and every other ``agent_only`` module (``health``...);
  2. seed the soul, identity and operating rules into memory from ``prompts/*.md``
     (only when absent: a person's edits are never overwritten on re-enable), and keep
     each as its last good version when none is kept yet (health compares with it);
  3. register the platform schedules (heartbeat, automation_dispatcher, learn,
     health_self_check, shadow_digest, retention, approvals);
  4. on the off -> on transition only: re-arm the agent's schedules and cron automations
     whose time passed while the agent was off, and start its event automations at the
     newest event - nothing of the agent's was due while it was off, so nothing is "missed"
     or replayed (the platform's schedules and automations ran meanwhile: left alone);
  5. retroactively bootstrap every enabled module whose skills or automations are missing.

Disable switches the modules off and keeps every row. The scheduler checks the pilot
module on every tick, so the agent's work stops within one tick; the platform's own
(delivering mail, publishing) goes on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from modules.pilot.documents import problems
from prompts.render import load as load_template
from server.errors import ModuleError
from server.scheduler import schedules
from server.tables import automations, memory
from skills.context import Database

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

PILOT = "pilot"
# memory key -> template file in prompts/
DOCUMENTS = {"soul": "soul.md", "identity": "identity.md", "agents": "agents.md"}


@dataclass
class BootstrapReport:
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def template(name: str) -> str:
    return load_template(name)


async def agent_enabled(app: App) -> bool:
    return bool(await app.modules.is_enabled(PILOT))


async def enable_agent(app: App, *, heartbeat_cron: str | None = None) -> BootstrapReport:
    report = BootstrapReport()
    was_on = await agent_enabled(app)
    for module_id in [PILOT, *_agent_only_modules(app)]:
        if await app.modules.enable(module_id):
            report.changes.append(f"module {module_id} enabled")
    now = app.clock.now()
    now_iso = now.isoformat(timespec="seconds")
    async with app.store.transaction() as tx:
        for key, filename in DOCUMENTS.items():
            if await memory.upsert(tx, key, template(filename), category="core", now_iso=now_iso, when="absent"):
                report.changes.append(f"memory {key} seeded from prompts/{filename}")
            current = await memory.read(tx, key) or ""
            # A document from before last good versions were kept is adopted only when it looks sound.
            if not problems(key, current):
                await memory.keep_last_good(tx, key, current, now_iso=now_iso, when="absent")
        for name in await schedules.register(tx, now, heartbeat_cron=heartbeat_cron):
            report.changes.append(f"schedule {name} registered")
        if heartbeat_cron and await schedules.set_cron(tx, "heartbeat", heartbeat_cron, now):
            report.changes.append(f"schedule heartbeat set to {heartbeat_cron!r}")
        if not was_on:
            await _fresh_start(tx, now, report)
    for module_id in await app.modules.bootstrap_missing():
        report.changes.append(f"module {module_id} bootstrapped retroactively")
    log.info("agent enabled: %s", "; ".join(report.changes) or "nothing changed")
    return report


async def _fresh_start(tx: Database, now: datetime, report: BootstrapReport) -> None:
    if await schedules.rearm(tx, now):
        report.changes.append("schedules re-armed from now")
    rearmed, started = await automations.rearm_agent(tx, now)
    if rearmed or started:
        report.changes.append(f"automations re-armed ({rearmed} cron, {started} event)")


async def disable_agent(app: App) -> BootstrapReport:
    """Switch the agent (and the agent-only modules) off; data, memory and schedules are kept."""
    report = BootstrapReport()
    for module_id in [*_agent_only_modules(app), PILOT]:
        try:
            if await app.modules.disable(module_id):
                report.changes.append(f"module {module_id} disabled")
        except ModuleError as exc:  # a module that requires it is still on: say so, keep going
            report.changes.append(f"module {module_id} left on: {exc}")
    return report


def _agent_only_modules(app: App) -> list[str]:
    return [m.id for m in app.registry.modules.values() if m.agent_only and m.id != PILOT]

