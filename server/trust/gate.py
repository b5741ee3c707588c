"""What the executor asks before an unattended caller's call runs (server/executor.py).

    a people-only skill (the trust controls, deciding requests)  -> refused: the agent can never
                                                                    change its own mode or trust
    the agent, in shadow mode, a skill that writes               -> a proposal for a person
    anything else                                                -> on to the trust gate

The agent's own working tools (the pilot module: objectives, memory, notes) still run in shadow
mode, as do read-only skills: a proposal is about what the agent would do to the business.
"""

from __future__ import annotations

from typing import Literal

from server.trust import mode
from skills import Skill
from skills.context import Database

Screen = Literal["go", "refuse", "propose"]
# Skills only a person may call: whoever else asks is refused before anything is queued.
PEOPLE_ONLY_MODULES = frozenset({"trust"})
PEOPLE_ONLY_SKILLS = frozenset({"ops_approve", "ops_reject"})
OWN_TOOLS = frozenset({mode.PILOT})


def people_only(skill: Skill) -> bool:
    return skill.module_id in PEOPLE_ONLY_MODULES or skill.name in PEOPLE_ONLY_SKILLS


async def screen(db: Database, skill: Skill, caller: str) -> Screen:
    """For an unattended caller's call that was not approved by a person."""
    if people_only(skill):
        return "refuse"
    if caller != "pilot" or skill.hints.read_only or skill.module_id in OWN_TOOLS:
        return "go"
    return "propose" if await mode.current(db) == "shadow" else "go"


def refusal(skill: Skill) -> str:
    return (f"{skill.name} is a person's decision: the agent, automations and platform jobs can never change "
            "the agent's mode or trust, nor decide its requests. Leave it to the administrator.")


def request_message(kind: str, skill: str, request_id: int, new: bool) -> str:
    """What the caller (the model) reads for a queued request: it did not happen; do not repeat it."""
    if kind == "proposal":
        return (f"proposed, not done: the agent is in shadow mode, so {skill} did not run; it is proposal "
                f"#{request_id} for a person to review{'' if new else ' (already proposed)'}. Treat it as pending "
                "and do not call it again; move on.")
    if new:
        return (f"approval_required: {skill} needs a person's approval; queued as approval #{request_id} "
                "(expires in 48 h). It will run on the next heartbeat after approval. Do not call it again.")
    return (f"approval_required: {skill} with these arguments is already waiting for a person as approval "
            f"#{request_id}. Do not call it again.")
