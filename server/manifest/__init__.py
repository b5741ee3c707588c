"""Budget-tiered skill manifests and the meta-tools (Pattern 3).

The seam the reasoning loop uses on every iteration::

    tools = await loop_tools(app, tier, messages)    # the meta-tools, then the skills this run is about
    tier = resolve_tier(used, budget)                # used = messages + those tools (agent/loop.py)
    result = await call_tool(app, name, arguments, caller="pilot", run_id=..., guard=...)

The MCP surface lists ``mcp_tools(app, tier)`` for a tier fixed at launch (launch.py) and sends
every tools/call through the same ``call_tool``.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types

from server.app import App
from server.executor import Caller, CallResult
from server.manifest import render
from server.manifest.focus import TOOL_TOKEN_CAP, loop_tools
from server.manifest.meta_specs import NAMES as META_TOOLS
from server.manifest.meta_specs import executor_hints
from server.manifest.meta_tools import MetaTools
from server.manifest.selection import DROP_TOKEN_CAP, enabled_skills, tier_skills
from server.manifest.tiers import TIERS, Tier, explain_tier, resolve_tier
from server.resilience.loop_guard import LoopGuard
from skills import ErrorKind, Skill

__all__ = ["DROP_TOKEN_CAP", "META_TOOLS", "TIERS", "TOOL_TOKEN_CAP", "MetaTools", "Tier", "call_tool",
           "enabled_skills", "explain_tier", "loop_tools", "mcp_tools", "openai_tools", "resolve_tier", "tier_skills"]


async def openai_tools(app: App, tier: Tier) -> list[dict[str, Any]]:
    """OpenAI function definitions: the meta-tools, then the tier's skills by name."""
    skills = await tier_skills(app, tier)
    return MetaTools.definitions("openai", tier) + [render.openai_function(render.skill_spec(s), tier) for s in skills]


async def mcp_tools(app: App, tier: Tier, skills: list[Skill] | None = None,
                    reachable: list[Skill] | None = None) -> list[types.Tool]:
    """MCP tool definitions: the meta-tools, then ``skills`` (default: the tier's) by name. The executors
    carry the hints of the skills they can reach (``reachable``, default: every enabled one)."""
    chosen = sorted(skills if skills is not None else await tier_skills(app, tier), key=lambda s: s.name)
    hints = executor_hints(reachable if reachable is not None else await enabled_skills(app))
    meta = [t.model_copy(update={"annotations": hints[t.name]}) if t.name in hints else t
            for t in MetaTools.definitions("mcp", tier)]
    return meta + [render.mcp_tool(render.skill_spec(s), tier) for s in chosen]


async def call_tool(
    app: App, name: str, arguments: Any, *, caller: Caller, run_id: str | None = None,
    guard: LoopGuard | None = None,
) -> CallResult:
    """Meta-tools go to MetaTools; every other name straight to the executor (a skill left out of the
    tier's list is still callable by name: the list is smaller, not the server's abilities)."""
    if name in META_TOOLS:
        return await MetaTools(app).call(name, arguments, caller=caller, run_id=run_id, guard=guard)
    if arguments is not None and not isinstance(arguments, dict):
        return CallResult(name, False, error_kind=ErrorKind.VALIDATION, outcome="neutral",
                          message=f"{name} takes its arguments as one JSON object, got {json.dumps(arguments)[:60]}")
    return await app.executor.call(name, arguments, caller=caller, run_id=run_id, guard=guard)
