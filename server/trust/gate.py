"""What the gate rules before a call runs (server/executor.py asks once per call a person has not
already approved).

    a people-only skill (deciding requests, trust, the agent's mode)
        the agent, automations, platform jobs  -> refuse: the agent can never change its own mode or trust
        a person's client, the CLI             -> ask, in a way a model cannot forge (trust/consent.py)
    the agent in shadow mode, a skill that writes -> propose
    the level: the skill's own (the owner's choice, else the code's), raised to the strictest among
        the effects the call would have (trust/effect_levels.py)
    the agent, in a run that read outside content, a call with an outward effect -> queue (trust/outside.py)
    level approve: the agent, automations, platform jobs -> queue;  a person's client, the CLI -> ask
    otherwise                                  -> go, at that level (notify: the admin is told)

The agent's own working tools (the pilot module: objectives, memory, notes) still run in shadow
mode, as do read-only skills: a proposal is about what the agent would do to the business.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from server.tables import outside_reads
from server.trust import effect_levels, mode, outside
from skills import Skill
from skills.context import Database, Row

Action = Literal["go", "refuse", "propose", "queue", "ask"]
# Callers with no person at the other end: their approve-level calls are queued for one, never run.
UNATTENDED = frozenset({"pilot", "automation", "system"})
# Decisions only a person makes: whoever else asks is refused before anything is queued, and a
# person's client must show the form (a `confirm` argument the model writes is not a person's yes).
PEOPLE_ONLY_MODULES = frozenset({"trust"})
PEOPLE_ONLY_SKILLS = frozenset({"ops_approve", "ops_reject"})
OWN_TOOLS = frozenset({mode.PILOT})


@dataclass(frozen=True, slots=True)
class Ruling:
    action: Action
    level: str = "auto"
    why: str = ""  # why a call waits or is asked about, beyond its own level
    outside: list[Row] = field(default_factory=list)  # outside content the run read before it
    people_only: bool = False


def people_only(skill: Skill) -> bool:
    return skill.module_id in PEOPLE_ONLY_MODULES or skill.name in PEOPLE_ONLY_SKILLS


async def rule(db: Database, catalog: Iterable[Skill], skill: Skill, arguments: dict[str, Any], caller: str,
               run_id: str | None, own: str) -> Ruling:
    """``arguments``: the validated call; ``own``: the skill's effective level, read fresh."""
    person_only = people_only(skill)
    if caller in UNATTENDED:
        if person_only:
            return Ruling("refuse", why=refusal(skill))
        if caller == "pilot" and not skill.hints.read_only and skill.module_id not in OWN_TOOLS \
                and await mode.current(db) == "shadow":
            return Ruling("propose", own, outside=await _read(db, caller, run_id))
    level = await effect_levels.level_of(db, catalog, skill, arguments, own, caller)
    if person_only and not skill.hints.read_only:  # reading the policy decides nothing
        return Ruling("ask", "approve", level.why, people_only=True)
    if caller == "pilot" and (reads := await outside.held(db, skill, arguments, run_id)):
        return Ruling("queue", level.level, outside.why_held(skill, reads), reads)
    if level.level != "approve":
        return Ruling("go", level.level, level.why)
    if caller in UNATTENDED:
        return Ruling("queue", "approve", level.why, await _read(db, caller, run_id))
    return Ruling("ask", "approve", level.why)


async def _read(db: Database, caller: str, run_id: str | None) -> list[Row]:
    return await outside_reads.of_run(db, run_id) if caller == "pilot" and run_id else []


def refusal(skill: Skill) -> str:
    return (f"{skill.name} is a person's decision: the agent, automations and platform jobs can never change "
            "the agent's mode or trust, nor decide its requests. Leave it to the administrator.")


def request_message(kind: str, skill: str, request_id: int, new: bool, why: str = "") -> str:
    """What the caller (the model) reads for a queued request: it did not happen; do not repeat it."""
    because = f" ({why})" if why else ""
    if kind == "proposal":
        return (f"proposed, not done: the agent is in shadow mode, so {skill} did not run; it is proposal "
                f"#{request_id} for a person to review{'' if new else ' (already proposed)'}. Treat it as pending "
                "and do not call it again; move on.")
    if new:
        return (f"approval_required: {skill} needs a person's approval{because}; queued as approval #{request_id} "
                "(expires in 48 h). It will run on the next heartbeat after approval. Do not call it again.")
    return (f"approval_required: {skill} with these arguments is already waiting for a person as approval "
            f"#{request_id}. Do not call it again.")
