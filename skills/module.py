"""The module contract (Pattern 5): a module declares its skills, automations and tables.

Every module package has the same files, so a reader finds each part in one place:

- ``__init__.py``: only the ``module = Module(...)`` declaration and its imports;
- ``model.py``: the pydantic output and item models (and loaders several skill files share);
- ``schema.py``: ``MIGRATIONS``, where the module has tables of its own;
- ``demo.py``: the ``seed`` hook for ``pilothouse seed-demo``, where the module has demo data;
- one file per concept for the skills themselves (``leads.py``, ``deals.py``...).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from skills.context import Database, SkillContext
from skills.contract import ContractError, Handler, Skill, definition_of, stamp

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
class Automation:
    """A trigger that runs a skill: ``cron`` (config ``{"schedule": "0 9 * * *"}``) or
    ``event`` (config ``{"event": "lead.created"}``). Arguments may template the event:
    ``"{{event.payload.id}}"``.

    ``executor`` says whose work it is. ``platform``: work a person's own action implies, taking no
    decision on the owner's behalf (deliver the mail they queued, publish the post they scheduled,
    expire a quote at its date, rule-based scoring); it runs whenever the instance runs, agent or
    not. ``pilot``: the agent acting on the owner's behalf (dunning a customer, following up a
    lead); it runs only while the agent is on. A ``platform`` automation may not target an
    approve-trust skill (registration refuses it); whatever runs one, its call is queued for a
    person's approval, never run on the spot.

    Cascades are bounded: an event automation does not fire on an event ``max_depth`` or more
    levels below the event that started its chain (default 3), and no automation runs more than
    ``max_runs_per_hour`` times an hour (None: the platform's default, 120); events over the
    rate wait for the next hour, nothing is dropped but what the depth limit holds back."""

    name: str
    trigger: Literal["cron", "event"]
    config: dict[str, Any]
    skill: str
    arguments: dict[str, Any] = field(default_factory=dict)
    executor: Literal["platform", "pilot"] = "platform"
    description: str = ""
    max_depth: int = 3
    max_runs_per_hour: int | None = None


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
        ) -> None: ...

    def __post_init__(self) -> None:
        if not MODULE_ID.match(self.id):
            raise ContractError(f"module id {self.id!r} is malformed: lowercase letters, digits and '_'")
        if self.prefix and not MODULE_ID.match(self.prefix):
            raise ContractError(f"module {self.id}: prefix {self.prefix!r} is malformed: lowercase letters, digits "
                                "and '_' (without the trailing '_')")
        skills = tuple(definition_of(s) for s in self.skills)
        # Stamp ownership so the registry can map skills to modules without a hand-kept table, and
        # the names and categories the skills left to the module.
        for s in skills:
            stamp(s, module_id=self.id, prefix=self.prefix or self.id, category=self.category)
        object.__setattr__(self, "skills", skills)
        names = [s.name for s in self.skills]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ContractError(f"module {self.id}: duplicate skill names {sorted(duplicates)}")
        by_name = {s.name: s for s in self.skills}
        for auto in self.automations:
            if auto.skill not in names:
                raise ContractError(f"module {self.id}: automation {auto.name!r} runs unknown skill {auto.skill!r}")
            if auto.executor == "platform" and by_name[auto.skill].trust == "approve":
                # A platform automation runs with nobody there to approve: it could only ever queue requests.
                raise ContractError(
                    f"module {self.id}: platform automation {auto.name!r} targets {auto.skill!r}, an approve-trust "
                    "skill, which runs only with a person's approval. Declare it executor='pilot' (the agent asks "
                    "for the approval) or target a skill of trust auto or notify.")
            if auto.trigger == "cron" and "schedule" not in auto.config:
                raise ContractError(f"module {self.id}: cron automation {auto.name!r} needs config.schedule")
            if auto.trigger == "event" and "event" not in auto.config:
                raise ContractError(f"module {self.id}: event automation {auto.name!r} needs config.event")
        versions = [m.version for m in self.migrations]
        if versions != sorted(set(versions)) or (versions and versions[0] < 1):
            raise ContractError(f"module {self.id}: migration versions must be unique, ascending, from 1")
