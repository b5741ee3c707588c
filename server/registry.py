"""Which modules and skills this instance knows: built-ins plus community entry points.

The module-to-skills map is derived from the module definitions, never kept by
hand. Registration fails fast: a duplicate skill name across modules or a
``requires`` naming an unknown module stops start-up with a clear message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from importlib.metadata import entry_points

from skills import ContractError, Module, Skill

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "pilothouse.modules"
# The meta-tools (server/manifest/meta_tools.py) answer to these names in every manifest; a skill
# of the same name could never be called, so registering one is an error.
META_TOOL_NAMES = ("search_skills", "describe_skill", "execute_skill")


class Registry:
    def __init__(self, modules: Iterable[Module]) -> None:
        self.modules: dict[str, Module] = {}
        self.skills: dict[str, Skill] = {}
        for module in modules:
            if module.id in self.modules:
                raise ContractError(f"two modules share the id {module.id!r}")
            self.modules[module.id] = module
            for s in module.skills:
                if s.name in META_TOOL_NAMES:
                    raise ContractError(f"skill {s.name!r} of {module.id!r} takes a meta-tool's name; rename it")
                if s.name in self.skills:
                    owner = self.skills[s.name].module_id
                    raise ContractError(f"skill {s.name!r} is declared by both {owner!r} and {module.id!r}")
                self.skills[s.name] = s
        for module in self.modules.values():
            missing = [r for r in module.requires if r not in self.modules]
            if missing:
                raise ContractError(f"module {module.id!r} requires unknown module(s) {missing}")

    def skill_map(self) -> dict[str, list[str]]:
        return {m.id: [s.name for s in m.skills] for m in self.modules.values()}

    def module_of(self, skill_name: str) -> Module:
        return self.modules[self.skills[skill_name].module_id]


def discover_modules(include_community: bool = True) -> list[Module]:
    """Built-in modules in their declared order, the server's system modules, then community packs."""
    from modules import BUILTIN_MODULES
    from server.system_modules import SYSTEM_MODULES

    found = [*BUILTIN_MODULES, *SYSTEM_MODULES]
    if include_community:
        found.extend(_community_modules({m.id for m in found}))
    return found


def _community_modules(taken: set[str]) -> list[Module]:
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
