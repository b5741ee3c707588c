"""Health and self-heal as skills of a system module (agent-only: on with the agent).

They run through the same executor as every other skill, so the agent's self-heal work is
logged, trust-checked and protected by the resilience layers like any business action.
Unlike a business module they need the assembled runtime (the registry, the module manager),
so the module is built from the App by the composition root (``health_module(app)``) and its
handlers close over it: a typed dependency, not a service looked up by name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from server.health.baseline import set_baseline
from server.health.report import build_report
from server.tables import memory
from skills import Module, NotFound, SkillContext, SkillFailed, skill

if TYPE_CHECKING:
    from server.app import App


class Report(BaseModel):
    report: dict[str, Any]


class Baseline(BaseModel):
    hash: str
    skill_count: int
    set_at: str


class Done(BaseModel):
    changed: bool
    detail: str


def health_module(app: App) -> Module:
    """The health module, its handlers bound to ``app``."""
    return Module(
        id="health", name="Instance health", category="system", version="1.0.0", agent_only=True,
        enabled_by_default=False,
        description="Health report, drift baseline and self-heal actions for the agent (Pattern 4).",
        skills=_skills(app),
    )


def _skills(app: App) -> tuple[Any, ...]:
    @skill(name="health_report", title="Instance health report", category="system", read_only=True,
           instructions="""
           Returns the instance health report (Pattern 4): status healthy/degraded/unhealthy, the skill
           hash and drift from the baseline (which skills were added, removed or changed), heartbeat age,
           platform schedules, integrity score and issues, provider cooldowns, paused/flagged/broken skills.
           """)
    async def health_report(ctx: SkillContext) -> Report:
        """Check this instance's health: drift, schedules, heartbeat, skills and providers."""
        return Report(report=(await build_report(app)).model_dump(mode="json"))

    @skill(name="health_set_baseline", title="Set skill baseline", category="system", trust="notify",
           transactional=False, instructions="""
           Records the current enabled skills (name + first 200 characters of instructions) as the expected
           baseline. Do this after an intended change, so later drift means something unplanned happened.
           """)
    async def health_set_baseline(ctx: SkillContext) -> Baseline:
        """Accept the current skills as the expected baseline for drift detection."""
        return Baseline(**await set_baseline(app))

    @skill(name="health_rebootstrap_module", title="Re-bootstrap a module", category="system", transactional=False,
           instructions="Re-seeds an enabled module's skills and automations from its definition (idempotent).")
    async def health_rebootstrap_module(ctx: SkillContext, module_id: str) -> Done:
        """Re-seed an enabled module's skills and automations from its definition.

        Args:
            module_id: The module to re-bootstrap, e.g. crm.
        """
        if module_id not in app.registry.modules:
            raise NotFound(f"no module {module_id!r}; known: {', '.join(sorted(app.registry.modules))}")
        if not await app.modules.is_enabled(module_id):
            raise SkillFailed(f"module {module_id} is disabled; a person enables modules (pilothouse modules enable)")
        changed = await app.modules.enable(module_id)
        return Done(changed=changed, detail=f"module {module_id} {'re-seeded' if changed else 'was already complete'}")

    @skill(name="health_disable_automation", title="Disable a broken automation", category="system",
           idempotent=True, instructions="""
           Switches off one automation (by id), e.g. one that points to a missing or disabled skill.
           The row is kept; a person can switch it back on.
           """)
    async def health_disable_automation(ctx: SkillContext, automation_id: int) -> Done:
        """Disable one automation by id.

        Args:
            automation_id: The automation's id (shown in the health report's issues).
        """
        from server.tables.automations import set_enabled

        row = await ctx.db.fetchone("SELECT name, enabled FROM automations WHERE id = ?", (automation_id,))
        if row is None:
            raise NotFound(f"no automation #{automation_id}")
        await set_enabled(ctx.db, automation_id, False)
        return Done(changed=bool(row["enabled"]), detail=f"automation #{automation_id} '{row['name']}' disabled")

    @skill(name="health_reseed_documents", title="Reseed missing agent documents", category="system",
           instructions="""
           Restores the soul, identity and operating rules (agents) documents from the templates in
           prompts/, only where they are missing or empty; edited documents are never overwritten.
           """)
    async def health_reseed_documents(ctx: SkillContext) -> Done:
        """Restore missing soul, identity and rules documents from their templates."""
        from server.agent.bootstrap import DOCUMENTS, template

        restored = []
        for key, filename in DOCUMENTS.items():
            if await memory.upsert(ctx.db, key, template(filename), category="core", now_iso=ctx.now_iso(),
                                   when="empty"):
                await memory.keep_last_good(ctx.db, key, template(filename), now_iso=ctx.now_iso())
                restored.append(key)
        return Done(changed=bool(restored), detail=f"restored: {', '.join(restored) or 'nothing was missing'}")

    return (health_report, health_set_baseline, health_rebootstrap_module, health_disable_automation,
            health_reseed_documents)
