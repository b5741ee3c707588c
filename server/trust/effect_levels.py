"""Trust follows the effect: a call is gated at the strictest level among the effects it would have.

A skill's own level (the owner's choice, else the code's) is only where it starts. Each effect a
call would have (``@skill(effects=...)``, skills/effects.py; conditions checked against the
call's arguments) has the strictest level among ALL skills that declare it, so
``orders_cancel_unpaid`` (auto) cancels at ``orders_cancel``'s level (approve), and ``email_send``
(notify) mails a customer at ``invoicing_send_invoice``'s. The owner loosens an effect by
loosening every skill that has it; ``pilothouse skills list`` shows the effects.

It applies to whoever chooses the skill and its arguments: a model (``pilot``, ``mcp``) or a
person (``cli``). Platform jobs and automations run arguments set by the module and the owner, so
they keep the skill's own level (otherwise the nightly sweep of unpaid orders would wait for a
person every night, though nobody chose a lower-trust route).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from server.tables import trust as trust_table
from server.trust.policy import RANK
from skills import Skill
from skills.context import Database
from skills.effects import DeclaredEffect

SET_ARGUMENTS = frozenset({"automation", "system"})  # callers that never choose a route


@dataclass(frozen=True, slots=True)
class Level:
    level: str
    why: str = ""  # set when an effect made it stricter than the skill's own level


def applying(skill: Skill, arguments: Mapping[str, Any]) -> list[DeclaredEffect]:
    """The effects this call would have."""
    return [e for e in skill.effects if e.applies(arguments)]


async def level_of(db: Database, skills: Iterable[Skill], skill: Skill, arguments: Mapping[str, Any],
                   own: str, caller: str) -> Level:
    """The level the gate applies to this call (``own``: the skill's effective level, read fresh)."""
    effects = {e.name for e in applying(skill, arguments)}
    if not effects or caller in SET_ARGUMENTS or own == "approve":
        return Level(own)
    overrides = await trust_table.overrides(db)  # the owner's choices, read fresh like the skill's own
    stricter = []
    for other in skills:
        shared = effects & {e.name for e in other.effects}
        if not shared or other.name == skill.name:
            continue
        row = overrides.get(other.name)
        level = ((row["skill_override"] or row["module_override"]) if row else None) or other.trust
        if RANK[level] > RANK[own]:
            # The strictest first; to explain it, a skill of the same module reads best ("like orders_cancel").
            stricter.append((-RANK[level], other.module_id != skill.module_id, other.name, level, sorted(shared)[0]))
    if not stricter:
        return Level(own)
    _, _, name, level, effect = min(stricter)
    return Level(level, f"{skill.name} has the effect '{effect}', like {name}, whose trust is {level}: "
                        "the same effect has the same trust whichever skill has it")
