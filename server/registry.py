"""Which modules and skills this instance knows, as handed in by the composition root.

The module-to-skills map is derived from the module definitions, never kept by
hand. Registration fails fast: a duplicate skill name across modules or a
``requires`` naming an unknown module stops start-up with a clear message.
Finding the modules (built-ins, community entry points) is the composition
root's job (server/assembly.py), not the registry's.
"""

from __future__ import annotations

from collections.abc import Iterable

from skills import ContractError, Module, Skill

# The meta-tools (server/manifest/meta_tools.py) answer to these names in every manifest; a skill
# of the same name could never be called, so registering one is an error.
META_TOOL_NAMES = ("search_skills", "describe_skill", "execute_read_skill", "execute_skill")


class Registry:
    def __init__(self, modules: Iterable[Module]) -> None:
        self.modules: dict[str, Module] = {}
        self.skills: dict[str, Skill] = {}
        for module in modules:
            self._add(module)
        self._check_requires()

    def register(self, module: Module) -> None:
        """Add a module after construction: the runtime's own modules, built from the assembled App."""
        self._add(module)
        self._check_requires()

    def _add(self, module: Module) -> None:
        if module.id in self.modules:
            raise ContractError(f"two modules share the id {module.id!r}")
        for s in module.skills:
            if s.name in META_TOOL_NAMES:
                raise ContractError(f"skill {s.name!r} of {module.id!r} takes a meta-tool's name; rename it")
            if s.name in self.skills:
                owner = self.skills[s.name].module_id
                raise ContractError(f"skill {s.name!r} is declared by both {owner!r} and {module.id!r}")
        self.modules[module.id] = module
        self.skills.update((s.name, s) for s in module.skills)

    def _check_requires(self) -> None:
        for module in self.modules.values():
            missing = [r for r in module.requires if r not in self.modules]
            if missing:
                raise ContractError(f"module {module.id!r} requires unknown module(s) {missing}")

    def skill_map(self) -> dict[str, list[str]]:
        return {m.id: [s.name for s in m.skills] for m in self.modules.values()}

    def module_of(self, skill_name: str) -> Module:
        return self.modules[self.skills[skill_name].module_id]

    def enable_command(self, module_id: str) -> str:
        """The command that switches a module on. The agent's own modules come on with the agent
        (memory, schedules and all), never alone."""
        module = self.modules.get(module_id)
        return "pilothouse agent enable" if module is not None and module.agent_only \
            else f"pilothouse modules enable {module_id}"
