"""Budget-tiered skill manifests and the meta-tools (Pattern 3).

The seam the reasoning loop uses on every iteration::

    tier = resolve_tier(used, budget)
    tools = await openai_tools(app, tier)            # the tier's skills + the meta-tools
    result = await call_tool(app, name, arguments, caller="pilot", run_id=..., guard=...)
"""

from __future__ import annotations

from typing import Any

import mcp_types as types

from server.app import App
from server.executor import Caller, CallResult
from server.manifest import meta_tools, ranking, render
from server.manifest.tiers import TIERS, Tier, explain_tier, resolve_tier
from server.resilience.loop_guard import LoopGuard
from skills import ContractError, Skill

__all__ = ["TIERS", "Tier", "call_tool", "enabled_skills", "explain_tier", "mcp_tools", "openai_tools",
           "resolve_tier", "tier_skills"]


async def enabled_skills(app: App) -> list[Skill]:
    rows = await app.store.fetchall(
        "SELECT s.name FROM skills s JOIN modules m ON m.id = s.module_id "
        "WHERE s.enabled = 1 AND m.enabled = 1 ORDER BY s.name")
    clash = [r["name"] for r in rows if r["name"] in meta_tools.NAMES]
    if clash:
        raise ContractError(f"skills may not take a meta-tool's name: {clash}")
    return [app.registry.skills[r["name"]] for r in rows if r["name"] in app.registry.skills]


async def tier_skills(app: App, tier: Tier) -> list[Skill]:
    """The skills a tier lists, in deterministic order (by name; drop keeps its ranking)."""
    skills = await enabled_skills(app)
    if tier != "drop":
        return skills
    return await ranking.top_skills(app.store, skills, list(app.registry.modules), app.clock.now())


async def openai_tools(app: App, tier: Tier) -> list[dict[str, Any]]:
    return meta_tools.openai_definitions() + [render.openai_function(s, tier) for s in await tier_skills(app, tier)]


async def mcp_tools(app: App, tier: Tier, skills: list[Skill] | None = None) -> list[types.Tool]:
    chosen = skills if skills is not None else await tier_skills(app, tier)
    return meta_tools.mcp_definitions() + [render.mcp_tool(s, tier) for s in chosen]


async def call_tool(
    app: App, name: str, arguments: dict[str, Any], *, caller: Caller, run_id: str | None = None,
    guard: LoopGuard | None = None,
) -> CallResult:
    """Meta-tools go to meta_tools; every other name straight to the executor."""
    if name in meta_tools.NAMES:
        enabled = [s.name for s in await enabled_skills(app)]
        return await meta_tools.call_meta(app, name, arguments, caller=caller, run_id=run_id, guard=guard,
                                          enabled=enabled)
    return await app.executor.call(name, arguments, caller=caller, run_id=run_id, guard=guard)
