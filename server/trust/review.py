"""A person's review of requests (the agent's, automations', platform jobs'), from the CLI and the cockpit.

Approve: the decision goes through the executor (``ops_approve``, caller ``cli``, the person's yes
given by the act itself: the command they typed, the cockpit button they pressed); then the
request runs at once, through the executor once, as whoever asked and approved, unless it is the
agent's own approval while the agent is on (its next heartbeat runs it, in its run). With the
agent off nothing else would ever run it. Reject: ``ops_reject`` files the reason in the
agent's memory, so later runs learn from it. The heartbeat links a run's proposals to the
objectives it worked on (``link_objectives``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from server.access.local import local_name
from server.agent import approved_actions
from server.agent.approved_actions import Settled
from server.agent.bootstrap import agent_enabled
from server.agent.context import objective_goals
from server.confirmation import given
from server.errors import ConfigError
from server.tables import approvals

if TYPE_CHECKING:
    from server.app import App


@dataclass(frozen=True, slots=True)
class Decided:
    request: dict[str, Any]
    ran: Settled | None = None


async def approve(app: App, request_id: int, note: str = "", who: str | None = None, *,
                  via: str = "cli") -> Decided:
    """``who``: the person (default: the local account); ``via``: where they decided (``cli``, ``cockpit``),
    recorded on the decision's activity row as how they said yes."""
    request = await _decide(app, "ops_approve", {"approval_id": request_id, "note": note}, who, via)
    if request.get("kind") == "approval" and request.get("requested_by") == "pilot" and await agent_enabled(app):
        return Decided(request)  # the agent's own request: its next heartbeat runs it, in its run
    # A proposal, or a request no heartbeat follows (an automation's, a platform job's, or any with
    # the agent off): it runs now, once, as whoever asked.
    return Decided(request, await approved_actions.execute_one(app, request_id))


async def reject(app: App, request_id: int, reason: str, who: str | None = None, *, via: str = "cli") -> Decided:
    return Decided(await _decide(app, "ops_reject", {"approval_id": request_id, "reason": reason}, who, via))


async def _decide(app: App, skill: str, arguments: dict[str, Any], who: str | None, via: str) -> dict[str, Any]:
    """Through the executor as caller ``cli`` (a person), named ``who`` (default: the local account); the
    person's yes is the act itself (the command typed, the button pressed)."""
    result = await app.executor.call(skill, arguments, caller="cli", who=who or local_name(), confirm=given(via))
    if not result.ok or result.output is None:
        raise ConfigError("; ".join(p.strip() for p in result.message.splitlines() if p.strip()))
    return result.output


async def link_objectives(app: App, run_id: str | None, objective_ids: list[int]) -> None:
    """Record on a run's proposals the objective(s) the cycle worked on."""
    if run_id is None or not objective_ids:
        return
    goals = await objective_goals(app.store, objective_ids)
    label = "; ".join(f"#{i} {goals.get(i, '')}".strip() for i in objective_ids)
    await approvals.note_objective(app.store, run_id, label)
