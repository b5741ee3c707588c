"""Judging a heartbeat by evidence: what its calls did, not what its final answer says.

The seed's token-hemorrhage story, told as success: every skill call failed, then the model
answered "All webhooks were dispatched successfully", and the cycle was judged ``ok``. Here a
call counts as work only if its activity row is ``ok`` with an effect (``success`` or
``partial``: not ``no_effect``, not a reported refusal) from a skill that writes. A cycle whose
calls all failed is a failed cycle; an answer that claims work no such call backs is recorded
as unsupported (a failed cycle too: both feed the backoff streak), and the objective check
(modules/pilot/objectives.py) refuses evidence that did nothing. A call queued for a person (an
approval, or in shadow mode a proposal) is neither: the agent did what it may, and its claim ("I
created the lead") is what the proposal will do once approved. A shadow cycle that proposed is ok.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.tables import activity

if TYPE_CHECKING:
    from server.app import App

EFFECTIVE = ("success", "partial")
QUEUED = ("approval_required", "proposed")  # the error kinds of a call queued for a person
# Past-tense claims of having done something; a sentence that negates itself is no claim.
_CLAIM = re.compile(r"\b(successfully|dispatched|sent|delivered|published|created|completed|updated|scheduled|"
                    r"emailed|posted|notified|fixed|resolved|added|done)\b", re.IGNORECASE)
_NEGATED = re.compile(r"\b(not|no|none|nothing|never|failed|unable|could ?n[o']t|cannot|can't|didn't|wasn't|"
                      r"weren't)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Evidence:
    calls: int
    failed: int  # calls that errored or reported only failures
    worked: int  # calls that did something, from skills that write
    queued: int = 0  # calls waiting for a person: approvals, and proposals in shadow mode

    @property
    def all_failed(self) -> bool:
        return self.calls > self.queued and self.failed == self.calls - self.queued


def claims_work(answer: str) -> str | None:
    """The first sentence of ``answer`` that claims work was done, or None."""
    for sentence in re.split(r"(?<=[.!?\n])\s+", answer):
        if _CLAIM.search(sentence) and not _NEGATED.search(sentence):
            return sentence.strip()[:200]
    return None


async def weigh(app: App, actions: list[dict[str, Any]]) -> Evidence:
    rows = await activity.verdicts(app.store, [a["activity_id"] for a in actions if a.get("activity_id")])
    failed = worked = queued = 0
    for action in actions:
        row = rows.get(action.get("activity_id") or 0)
        if action.get("error_kind") in QUEUED:
            queued += 1  # queued for a person: the agent did what it may, nothing failed
            continue
        if not action["ok"] or (row is not None and (row["status"] != "ok" or row["outcome"] == "negative")):
            failed += 1
            continue
        skill = app.registry.skills.get(row["skill"]) if row is not None else None
        if row is not None and row["outcome"] in EFFECTIVE and skill is not None and not skill.hints.read_only:
            worked += 1
    return Evidence(len(actions), failed, worked, queued)
