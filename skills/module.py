"""The module contract (Pattern 5): a module declares its skills, automations and tables.

Every module package has the same files, so a reader finds each part in one place:

- ``__init__.py``: only the ``module = Module(...)`` declaration and its imports;
- ``model.py``: the pydantic output and item models (and loaders several skill files share);
- ``schema.py``: ``MIGRATIONS``, where the module has tables of its own;
- ``settings.py``: its ``ModuleSettings`` model, where the module has settings;
- ``attention.py``: what the cockpit shows a person (``Attention``), where something can fail;
- ``demo.py``: the ``seed`` hook for ``pilothouse seed-demo``, where the module has demo data;
- one file per concept for the skills themselves (``leads.py``, ``deals.py``...).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from skills.attention import Attention
from skills.automation import Automation, check_automation
from skills.context import Database, SkillContext
from skills.contract import ContractError, Handler, Skill, definition_of, stamp
from skills.settings import ModuleSettings

MODULE_ID = re.compile(r"^[a-z][a-z0-9_]{0,31}$")

Hook = Callable[[Database], Awaitable[None]]
# Demo data for `pilothouse seed-demo`: gets a context (db inside one transaction, clock) so dates
# are relative to "now" and events can be emitted like real use.
SeedHook = Callable[[SkillContext], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Migration:
    """One versioned schema step of a module. Versions start at 1 and only grow."""

    version: int
    sql: str


@dataclass(frozen=True, slots=True)
class Module:
    """A module. ``skills`` takes the ``@skill`` functions (or ``Skill`` definitions) and holds the definitions.

    Each skill's name must start with ``<prefix>_``; ``prefix`` defaults to the module id.
    """

    id: str
    name: str
    description: str
    category: str
    version: str
    skills: tuple[Skill, ...]
    automations: tuple[Automation, ...] = ()
    migrations: tuple[Migration, ...] = ()
    requires: tuple[str, ...] = ()
    on_enable: Hook | None = None
    on_disable: Hook | None = None
    seed_demo: SeedHook | None = None
    enabled_by_default: bool = True
    agent_only: bool = False
    prefix: str = ""
    # On in every instance, old or new, and never switched off: how the operator hears about problems.
    always_on: bool = False
    # What `pilothouse modules configure <id>` accepts (skills/settings.py); None: the module has none.
    settings: type[ModuleSettings] | None = None
    # What the exception cockpit shows a person of this module's (skills/attention.py).
    attention: Attention | None = None

    if TYPE_CHECKING:
        # What a module author passes: the decorated functions. __post_init__ turns them into the
        # definitions, so everything that reads `module.skills` sees `tuple[Skill, ...]`. The
        # dataclass's generated __init__ is the one that runs; this only tells mypy what it accepts.
        def __init__(
            self, id: str, name: str, description: str, category: str, version: str,
            skills: Iterable[Skill | Handler], automations: tuple[Automation, ...] = (),
            migrations: tuple[Migration, ...] = (), requires: tuple[str, ...] = (), on_enable: Hook | None = None,
            on_disable: Hook | None = None, seed_demo: SeedHook | None = None, enabled_by_default: bool = True,
            agent_only: bool = False, prefix: str = "", always_on: bool = False,
            settings: type[ModuleSettings] | None = None, attention: Attention | None = None,
        ) -> None: ...

    def __post_init__(self) -> None:
        if not MODULE_ID.match(self.id):
            raise ContractError(f"module id {self.id!r} is malformed: lowercase letters, digits and '_'")
        if self.prefix and not MODULE_ID.match(self.prefix):
            raise ContractError(f"module {self.id}: prefix {self.prefix!r} is malformed: lowercase letters, digits "
                                "and '_' (without the trailing '_')")
        # Each skill as this module serves it (its name, category and owner stamped on a copy), so the
        # registry maps skills to modules without a hand-kept table.
        skills = tuple(stamp(definition_of(s), module_id=self.id, prefix=self.prefix or self.id,
                             category=self.category) for s in self.skills)
        object.__setattr__(self, "skills", skills)
        names = [s.name for s in self.skills]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ContractError(f"module {self.id}: duplicate skill names {sorted(duplicates)}")
        by_name = {s.name: s for s in self.skills}
        for auto in self.automations:
            check_automation(self.id, auto, by_name)
        declared = [a.name for a in self.automations]
        if len(set(declared)) != len(declared):
            raise ContractError(f"module {self.id}: two automations share a name; each needs its own")
        if self.settings is not None and not (isinstance(self.settings, type)
                                              and issubclass(self.settings, ModuleSettings)):
            raise ContractError(f"module {self.id}: settings must be a class deriving from ModuleSettings "
                                f"(skills/settings.py), not {self.settings!r}")
        if self.attention is not None and self.attention.retry is not None:
            retry = by_name.get(self.attention.retry)
            if retry is None or self.attention.retry_argument not in retry.params:
                raise ContractError(f"module {self.id}: attention retries with {self.attention.retry!r}, which must be "
                                    f"one of the module's skills taking {self.attention.retry_argument!r}")
        versions = [m.version for m in self.migrations]
        if versions != sorted(set(versions)) or (versions and versions[0] < 1):
            raise ContractError(f"module {self.id}: migration versions must be unique, ascending, from 1")
