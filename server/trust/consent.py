"""A person's yes for a call from chat or the CLI: where it can come from a person, it must.

    the caller can put the question to the person (the client's form over MCP elicitation in both
    protocol eras, the terminal for `pilothouse call`, the act itself for the cockpit's buttons and
    the CLI's own commands)   -> it is always asked; a ``confirm`` argument is ignored, whatever its
                                 value: over MCP the model writes the arguments
    it cannot
        a people-only decision (deciding requests, trust, the agent's mode)
                              -> refused, saying where a person decides it (the cockpit, a terminal)
        an approve-level call -> ``confirm: true`` is the documented fallback: it runs, and the answer
                                 says the host's own approval prompt (if any) was the only check
        neither               -> refused: confirmation_required, with how to say yes
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from server.confirmation import Confirmer, ConfirmRequest, confirmation_message
from server.tables import approvals
from server.trust.gate import Ruling
from skills import ErrorKind, Skill
from skills.context import Database
from skills.contract import CONFIRM_FIELD

CONFIRM_ARGUMENT = "confirm_argument"  # recorded on the activity row: only the model's argument said yes
ONLY_THE_HOST = ("Ran on `confirm: true` alone: this client cannot show Pilothouse's confirmation form, so the "
                 "host's own approval prompt (if it showed one) was the only check that a person agreed.")
# Where a person makes each people-only decision when the client has no form.
AT_A_TERMINAL = {
    "ops_approve": "pilothouse approvals approve {approval_id}",
    "ops_reject": "pilothouse approvals reject {approval_id} --reason '...'",
    "trust_set_skill": "pilothouse skills trust {skill_name} {level}",
    "trust_set_module": "pilothouse modules trust {module_id} {level}",
    "trust_set_agent_mode": "pilothouse agent mode {mode_name}",
}
IN_THE_COCKPIT = frozenset({"ops_approve", "ops_reject"})


@dataclass(frozen=True, slots=True)
class Consent:
    via: str | None = None  # how the person said yes (recorded on the call's activity row)
    refusal: str | None = None  # no yes: what the caller reads
    question: Any = None  # a 2026 InputRequiredResult to hand back: the answer comes with the next request
    note: str = ""  # said beside the answer
    kind: ErrorKind = ErrorKind.APPROVAL_REQUIRED  # of a refusal


async def obtain(db: Database, catalog: Mapping[str, Skill], skill: Skill, parsed: BaseModel,
                 confirm: Confirmer | None, ruling: Ruling) -> Consent:
    """``catalog``: every skill by name, to refuse a decision about one that does not exist before asking."""
    values = parsed.model_dump(mode="json", exclude={CONFIRM_FIELD})
    if (problem := await _cannot_happen(db, catalog, skill, values)) is not None:
        return Consent(refusal=problem, kind=ErrorKind.VALIDATION)
    if confirm is not None:
        request = ConfirmRequest(skill, values, why=ruling.why, detail=await _detail(db, skill, values),
                                 people_only=ruling.people_only)
        answer = await confirm(request)
        if answer.verdict == "confirmed":
            return Consent(via=answer.via or "confirmed")
        if answer.verdict == "ask":
            return Consent(refusal=confirmation_message(skill, ruling.why), question=answer.question)
        if answer.verdict != "unavailable":
            return Consent(refusal=request.refusal(answer.verdict))
    if ruling.people_only:
        return Consent(refusal=where_to_decide(skill, values))
    if getattr(parsed, CONFIRM_FIELD, False):
        return Consent(via=CONFIRM_ARGUMENT, note=ONLY_THE_HOST)
    return Consent(refusal=confirmation_message(skill, ruling.why))


def where_to_decide(skill: Skill, values: dict[str, Any]) -> str:
    command = AT_A_TERMINAL.get(skill.name, "pilothouse call " + skill.name)
    try:
        command = command.format(**{k: ("--default" if v == "default" else v) for k, v in values.items()})
    except (KeyError, IndexError):
        pass
    places = [f"at a terminal: `{command}`"]
    if skill.name in IN_THE_COCKPIT:
        places.insert(0, "in the cockpit (/cockpit on `pilothouse serve --http`)")
    return (f"person_required: {skill.name} is a person's decision, and this client cannot show Pilothouse's "
            "confirmation form, so nothing here could tell the person's yes from the model's; `confirm` does not "
            f"count for it. Nothing was changed. Ask the person to decide it {' or '.join(places)}, or from a "
            "client that supports forms (MCP elicitation).")


async def _cannot_happen(db: Database, catalog: Mapping[str, Skill], skill: Skill, values: dict[str, Any]
                         ) -> str | None:
    """A people-only decision that could not happen, said before the person is asked about it (the
    handlers say the same if it changes in between)."""
    if skill.name in IN_THE_COCKPIT:
        row = await approvals.get(db, values["approval_id"])
        if row is None:
            return f"no approval with id {values['approval_id']}; ops_list_approvals shows pending ones"
        if row["status"] != "pending":
            return f"approval {row['id']} is already {row['status']}; only pending approvals can be decided"
    if skill.name == "trust_set_skill" and values["skill_name"] not in catalog:
        return f"unknown skill {values['skill_name']!r}; trust_policy with all_skills=true lists them"
    if skill.name == "trust_set_module" and values["module_id"] not in {s.module_id for s in catalog.values()}:
        return f"unknown module {values['module_id']!r}; `pilothouse modules list` shows them"
    return None


async def _detail(db: Database, skill: Skill, values: dict[str, Any]) -> str:
    """For a decision on a request: the request itself, and the outside content its run had read."""
    if skill.name not in IN_THE_COCKPIT or not isinstance(values.get("approval_id"), int):
        return ""
    row = await approvals.get(db, values["approval_id"])
    if row is None:
        return ""
    lines = [f"Request #{row['id']} ({row['kind']}, asked by {row['requested_by']} at {row['requested_at']}, "
             f"{row['status']}): {row['skill']} {row['arguments']}"]
    if row.get("reason"):
        lines.append(f"Its reason: {row['reason']}")
    for read in json.loads(row.get("outside") or "[]"):
        lines.append(f"Read before it, written OUTSIDE the business ({read['skill']} {read['field']}): "
                     f"{read['text'][:300]}")
    return "\n".join(lines)
