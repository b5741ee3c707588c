"""Which modules and skills this instance knows, as handed in by the composition root, and which
community packs it refused.

The module-to-skills map is derived from the module definitions, never kept by hand.
Registration fails fast for what ships with Pilothouse: a duplicate skill name across
built-in modules or a ``requires`` naming an unknown module stops start-up with a clear
message. A community pack is admitted on its own (``admit``): one that clashes with what is
already known, or requires a module that is not there, is refused and kept in ``broken``
with what is wrong and how to fix it; the instance runs without it. Finding the modules
(built-ins, community entry points) is the composition root's job (server/assembly.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from skills import ContractError, Module, Skill

# The meta-tools (server/manifest/meta_tools.py) answer to these names in every manifest; a skill
# of the same name could never be called, so registering one is an error.
META_TOOL_NAMES = ("search_skills", "describe_skill", "execute_read_skill", "execute_skill")


@dataclass(frozen=True, slots=True)
class BrokenPack:
    """A community pack the instance skipped: ``id`` is its entry point's name (what ``pilothouse
    modules disable`` takes), ``source`` where it points, ``error`` what is wrong, ``fix`` what to do."""

    id: str
    source: str
    error: str
    fix: str


def silence(pack_id: str) -> str:
    """The end of every fix: what keeps the instance quiet about the pack until it is fixed."""
    return f"or switch it off until then: pilothouse modules disable {pack_id}"


class Registry:
    def __init__(self, modules: Iterable[Module], broken: Iterable[BrokenPack] = ()) -> None:
        self.modules: dict[str, Module] = {}
        self.skills: dict[str, Skill] = {}
        self.packs: set[str] = set()  # ids of the admitted community packs
        self.broken: list[BrokenPack] = list(broken)
        for module in modules:
            self._add(module)
        self._check_requires()

    def register(self, module: Module) -> None:
        """Add a module after construction: the runtime's own modules, built from the assembled App."""
        self._add(module)
        self._check_requires()

    def admit(self, packs: Iterable[tuple[Module, str]]) -> None:
        """Add community packs ``(module, source)`` one by one; refuse (into ``broken``) each that clashes
        with a known module or skill, or whose ``requires`` names a module that is not admitted."""
        admitted: list[tuple[Module, str]] = []
        for module, source in packs:
            try:
                self._add(module)
            except ContractError as exc:
                self.broken.append(BrokenPack(module.id, source, str(exc), "rename the clashing module or skill "
                                              "in the pack (or uninstall one of the two), " + silence(module.id)))
                continue
            self.packs.add(module.id)
            admitted.append((module, source))
        # A pack whose requirement is missing (or was itself refused) goes too, until nothing changes.
        changed = True
        while changed:
            changed = False
            for module, source in admitted:
                missing = [r for r in module.requires if r not in self.modules]
                if module.id in self.modules and missing:
                    self.evict(module.id, source, f"requires module(s) {', '.join(missing)}, which are not "
                               "installed", f"install {' and '.join(missing)}, " + silence(module.id))
                    changed = True

    def evict(self, module_id: str, source: str, error: str, fix: str) -> None:
        """Take a community pack out again (its migration failed, its requirement went) and say why."""
        module = self.modules.pop(module_id)
        for s in module.skills:
            self.skills.pop(s.name, None)
        self.packs.discard(module_id)
        self.broken.append(BrokenPack(module_id, source, error, fix))

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

    def broken_pack(self, module_id: str) -> BrokenPack | None:
        return next((b for b in self.broken if b.id == module_id), None)

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
