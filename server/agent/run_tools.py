"""The tools and tier of each model call of a run: chosen once per tier, then kept, so prefixes are reused.

Servers put the tool definitions near the top of the prompt (llama.cpp's templates in the system
message, hosted APIs ahead of the conversation), so a tool list that changes between two calls
of a run makes the server process the whole prompt again. The run's list is therefore chosen
once (server/manifest/focus.py: the meta-tools and the skills the run is about) and kept in the
run's params while its tier holds; a skill outside it stays reachable through execute_skill.

The tier only degrades within a run (the seed: the conversation grows, the manifest shrinks):
each call starts at the run's current tier (the budget's richest for a new run: drop for a small
window) and takes the first tier whose whole request the seed's thresholds allow (budget.fits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from server import manifest
from server.agent.budget import LoopBudget, fits
from server.manifest import focus, selection
from server.manifest.meta_specs import NAMES as META
from server.tokens import get_counter

if TYPE_CHECKING:
    from server.app import App


async def choose(app: App, params: dict[str, Any], messages: list[dict[str, Any]], conversation: int,
                 factor: float, limit: int, budget: LoopBudget) -> tuple[manifest.Tier, list[dict[str, Any]], int]:
    """(tier, tools, their tokens) for the next call; remembers the choice in ``params["tools"]``."""
    counter = await get_counter()
    kept = params.get("tools") or {}
    start = max(manifest.TIERS.index(budget.richest), manifest.TIERS.index(kept.get("tier", "full")))
    tier: manifest.Tier = manifest.TIERS[start]
    tools: list[dict[str, Any]] = []
    tokens = 0
    for tier in manifest.TIERS[start:]:
        if kept.get("tier") == tier:
            tools = await _named(app, tier, kept["names"])
        else:
            tools = await manifest.loop_tools(app, tier, messages, params.get("focus", ""))
        tokens = counter.count_json(tools)
        if fits(tier, (conversation + tokens) * factor, limit):
            break
    params["tools"] = {"tier": tier, "names": [n for n in _names(tools) if n not in META]}
    return tier, tools, tokens


async def _named(app: App, tier: manifest.Tier, names: list[str]) -> list[dict[str, Any]]:
    by_name = {s.name: s for s in await selection.enabled_skills(app)}
    cap = selection.DROP_TOKEN_CAP if tier == "drop" else focus.TOOL_TOKEN_CAP
    return focus.fit([by_name[n] for n in names if n in by_name], tier, await get_counter(), cap)


def _names(tools: list[dict[str, Any]]) -> list[str]:
    return [str(t["function"]["name"]) for t in tools]
