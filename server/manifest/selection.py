"""Which skills a tier lists: every enabled one (full, compact) or the top of the ranking (drop).

The drop tier takes the ranking's best skills, at most ``DROP_SIZE`` (20), while what a model
reads of the whole manifest, meta-tools included, stays within ``DROP_TOKEN_CAP`` tokens in both
formats: the OpenAI functions, and of MCP's tools/list the name, description and input schema
(render.model_visible: the title and the four hints every tier keeps go to the client, not the
model, so they are not charged to the model's context). With required-only schemas (and the names of the
optional parameters each left out, for describe_skill) 13 to 20 skills usually fit; the
cap makes the seed's "~800 tokens" a guarantee rather than luck: a skill with a heavy schema
(nested line items...) that would break it is skipped for the next one, and stays reachable
through the meta-tools. Lists come back sorted by name, so the order never depends on usage.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from server.manifest import ranking, render
from server.manifest.fitting import fit_ranked
from server.manifest.meta_specs import SPECS
from server.manifest.tiers import Tier
from server.tables import skill_state
from server.tokens import TokenCounter, get_counter
from skills import Skill

if TYPE_CHECKING:
    from server.app import App

DROP_TOKEN_CAP = 1_000


async def enabled_skills(app: App) -> list[Skill]:
    """Enabled skills of enabled modules that this code defines, by name."""
    names = await skill_state.enabled_skill_names(app.store)
    return [app.registry.skills[n] for n in names if n in app.registry.skills]


async def tier_skills(app: App, tier: Tier) -> list[Skill]:
    """The skills a tier lists, sorted by name."""
    skills = await enabled_skills(app)
    if tier != "drop":
        return skills
    ranked = await ranking.ranked_skills(app.store, skills, list(app.registry.modules), app.clock.now())
    return fit_drop(ranked, await get_counter())


def fit_drop(ranked: list[Skill], counter: TokenCounter, size: int = ranking.DROP_SIZE,
             cap: int = DROP_TOKEN_CAP) -> list[Skill]:
    """The best-ranked skills, at most ``size``, whose drop manifest stays within ``cap`` tokens, by name."""
    chosen = fit_ranked(ranked, cost=lambda s: _tool_tokens(counter, render.skill_spec(s)),
                        base=_manifest_tokens(counter, SPECS), cap=cap, size=size,
                        measure=lambda kept: _manifest_tokens(counter, (*SPECS, *(render.skill_spec(s) for s in kept))))
    return sorted(chosen, key=lambda s: s.name)


def _manifest_tokens(counter: TokenCounter, specs: tuple[render.ToolSpec, ...]) -> int:
    mcp = [render.model_visible(render.mcp_tool(s, "drop")) for s in specs]
    openai = [render.openai_function(s, "drop") for s in specs]
    return max(counter.count_json(mcp), counter.count_json(openai))


@lru_cache(maxsize=8192)
def _tool_tokens(counter: TokenCounter, spec: render.ToolSpec) -> int:
    mcp = render.model_visible(render.mcp_tool(spec, "drop"))
    return max(counter.count_json(mcp), counter.count_json(render.openai_function(spec, "drop"))) + 1  # the comma
