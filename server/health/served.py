"""What the running code serves, next to what the database stores (partial deploys).

MCP, describe_skill and the agent read a skill's definition from the code (the registry). The
``skills`` rows are a copy made when the module was seeded; a deploy that changed the code but
did not re-seed leaves them stale, so the catalog in the database (and any tool reading it) says
one thing and the running code does another. Re-seeding the module (``pilothouse modules enable
<id>``, or the agent's ``health_rebootstrap_module``) rewrites the rows from the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.health.hashing import compute, published

if TYPE_CHECKING:
    from server.app import App


@dataclass(frozen=True)
class ServedModule:
    version: str
    skills: dict[str, str]  # skill name -> digest of its served definition


@dataclass(frozen=True)
class Served:
    skills_hash: str
    per_skill: dict[str, str]  # format 2: the digests the Skills extension publishes
    legacy: dict[str, str]  # format 1, for a baseline stored before (hashing.compute)
    modules: dict[str, ServedModule]  # every enabled module the code defines
    stale: dict[str, str]  # skill -> its module, where the stored row differs from the code


async def served_state(app: App, rows: list[dict[str, Any]]) -> Served:
    """``rows``: the enabled skills' stored rows (name, description, instructions)."""
    registry = app.registry
    defined = [registry.skills[r["name"]] for r in rows if r["name"] in registry.skills]
    skills_hash, per_skill = published(defined, registry.modules)
    legacy = compute([{"name": s.name, "instructions": s.instructions} for s in defined])[1]
    stored = {r["name"]: r for r in rows}
    stale = {s.name: s.module_id for s in defined
             if (stored[s.name]["instructions"] or "") != s.instructions
             or (stored[s.name]["description"] or "") != s.description}
    modules = {m: ServedModule(registry.modules[m].version, {}) for m in sorted(await app.modules.enabled_ids())
               if m in registry.modules}
    for skill in defined:
        if skill.module_id in modules:
            modules[skill.module_id].skills[skill.name] = per_skill[skill.name]
    return Served(skills_hash, per_skill, legacy, modules, stale)
