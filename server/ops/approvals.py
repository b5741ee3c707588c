"""Deciding requests: the ops module's approval skills, on with or without the agent.

A request waits in the ``approvals`` table (server/tables/approvals.py) whoever made it: the agent,
an automation or a platform job calling an approve-trust skill, or the agent in shadow mode (a
proposal). Deciding must work in manual mode too, so these skills live in an always-on system
module, not in the agent's. Deciding is a person's act: the executor refuses every unattended
caller before anything is queued (server/trust/gate.py), asks the person through the client's form
(a model's `confirm` is no yes: server/trust/consent.py), and the handler checks again. A
rejection's reason of an agent's request is filed in the agent's memory
(``feedback:rejected:<id>``), so its next cycles read it.

pending -> approved -> executed | failed   (run at most once: the person's command, the minutely
                                           `approvals` job or the agent's heartbeat; server/agent/approved_actions.py)
pending -> rejected                        (a person said no)
pending -> expired                         (nobody decided within 48 h)
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field

from server.ops.model import Approval, ApprovalPage
from server.tables import approvals, memory
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill

PEOPLE = ("mcp", "cli")
Status = Literal["pending", "approved", "running", "rejected", "executed", "failed", "expired", "uncertain"]
Kind = Literal["approval", "proposal"]


def approval(row: dict[str, Any]) -> Approval:
    return Approval(**{**row, "arguments": json.loads(row["arguments"] or "{}"),
                       "outside": json.loads(row.get("outside") or "[]"),
                       "preview": json.loads(row["preview"]) if row.get("preview") else None})


async def _decide(ctx: SkillContext, approval_id: int, status: str, note: str) -> Approval:
    if ctx.caller not in PEOPLE:
        raise SkillFailed("approvals are a person's decision: the agent and automations cannot approve or reject; "
                          "leave the request pending for the administrator")
    row = await approvals.get(ctx.db, approval_id)
    if row is None:
        raise SkillFailed(f"no approval with id {approval_id}; ops_list_approvals shows pending ones")
    if row["status"] != "pending":
        raise SkillFailed(f"approval {approval_id} is already {row['status']}; only pending approvals can be decided")
    now = ctx.now_iso()
    if row["expires_at"] <= now:
        raise SkillFailed(f"approval {approval_id} expired at {row['expires_at']}; it is asked for again if the "
                          "action is still needed")
    await approvals.decide(ctx.db, approval_id, status=status, now=now, by=ctx.caller, note=note,
                           by_name=ctx.caller_name)
    if status == "rejected" and row["requested_by"] == "pilot":
        lesson = (f"A person rejected {row['kind']} #{approval_id}: {row['skill']} with {row['arguments']}. "
                  f"Reason: {note or 'none given'}. Do not ask for this again unless the situation changed.")
        await memory.upsert(ctx.db, f"feedback:rejected:{approval_id}", lesson, category="feedback", now_iso=now)
    await ctx.emit(f"approval.{status}", {"id": approval_id, "skill": row["skill"]})
    updated = await approvals.get(ctx.db, approval_id)
    assert updated is not None
    return approval(updated)


@skill(name="ops_list_approvals", title="List approvals", category="system", read_only=True,
       examples=("what is waiting for my approval", "pending requests from the agent"),
       synonyms=("pending", "waiting", "sign off", "okay"),
       instructions="""
       Requests waiting for a person: calls of skills that need approval (bulk email, deletes,
       refunds...) asked for by the agent, an automation or a platform job (requested_by), with
       the exact arguments and a preview of what approving does (who receives what, which records
       change, amounts), and in shadow mode the agent's proposals (kind proposal: what it would
       have done, its reason and objective). Default: pending ones, oldest first. Pending requests
       expire 48 h after they were made.
       """)
async def list_approvals(
    ctx: SkillContext, status: Status | None = "pending", kind: Kind | None = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 20, offset: Annotated[int, Field(ge=0)] = 0,
) -> ApprovalPage:
    """List approval requests and proposals (pending by default) with their arguments.

    Args:
        status: Only requests in this state; null for all.
        kind: Only approvals (approve-trust calls) or proposals (shadow mode); null for both.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("status = ?", status).add("kind = ?", kind)
    return await fetch_page(
        ctx.db, ApprovalPage, select="*", from_="approvals", filters=filters, order_by="id", limit=limit, offset=offset,
        item=approval)


@skill(name="ops_approve", title="Approve a request", category="system", trust="approve", effects=("trust",),
       examples=("yes, do it", "allow the agent's action"),
       synonyms=("yes", "allow", "okay", "go ahead", "confirm"),
       instructions="""
       A person approves a pending request (an approval or a proposal): the action runs once,
       exactly as requested, as whoever asked. `pilothouse approvals approve` and the cockpit run
       it at once; approved here, it runs within a minute (the agent's own, while the agent is on,
       on its next heartbeat). Read the arguments first (ops_list_approvals), and what the asking
       run had read from outside the business (`outside`). A person's decision: over MCP the client
       must show Pilothouse's confirmation form (a `confirm` argument is no yes); without one, decide
       in the cockpit or with `pilothouse approvals approve ID`.
       """)
async def approve(
    ctx: SkillContext, approval_id: int, note: Annotated[str, Field(max_length=1000)] = "",
) -> Approval:
    """Approve a pending request; it runs once, as requested.

    Args:
        approval_id: The approval's id.
        note: Optional note from the person approving.
    """
    return await _decide(ctx, approval_id, "approved", note)


@skill(name="ops_reject", title="Reject a request", category="system", trust="approve", effects=("trust",),
       examples=("no, don't do that", "refuse the agent's request"),
       synonyms=("no", "deny", "refuse", "don't"),
       instructions="""
       A person refuses a pending request: it never runs. Give the reason; for the agent's
       requests it reads it in its next cycle's context and should not ask for the same again.
       A person's decision, confirmed in the client's form like ops_approve.
       """)
async def reject(
    ctx: SkillContext, approval_id: int, reason: Annotated[str, Field(max_length=1000)] = "",
) -> Approval:
    """Reject a pending request; it will not run.

    Args:
        approval_id: The approval's id.
        reason: Why it is refused (the agent reads this).
    """
    return await _decide(ctx, approval_id, "rejected", reason)


SKILLS = (list_approvals, approve, reject)
