"""Approvals: actions the agent asked to take with an `approve`-trust skill, waiting for a person,
and proposals: what it would have done in shadow mode (kind ``proposal``), with its reason.

pending -> approved -> executed | failed   (run by the next heartbeat, at most once)
pending -> rejected                        (a person said no)
pending -> expired                         (nobody decided within 48 h)

Deciding is a person's act: the agent and automations are refused, so the agent can
never approve its own request. A rejection's reason is filed in the agent's memory
(``feedback:rejected:<id>``), so the next cycles read it among their notes.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field

from modules.pilot.model import Approval, ApprovalPage
from skills import Filters, SkillContext, SkillFailed, fetch_one, fetch_page, skill

PEOPLE = ("mcp", "cli")
Status = Literal["pending", "approved", "rejected", "executed", "failed", "expired"]
Kind = Literal["approval", "proposal"]


def _approval(row: dict[str, Any]) -> Approval:
    return Approval(**{**row, "arguments": json.loads(row["arguments"] or "{}")})


async def _decide(ctx: SkillContext, approval_id: int, status: str, note: str) -> Approval:
    if ctx.caller not in PEOPLE:
        raise SkillFailed("approvals are a person's decision: the agent and automations cannot approve or reject; "
                          "leave the request pending for the administrator")
    row = await fetch_one(
        ctx.db, "SELECT * FROM approvals WHERE id = ?", (approval_id,),
        missing=f"no approval with id {approval_id}; pilot_list_approvals shows pending ones")
    if row["status"] != "pending":
        raise SkillFailed(f"approval {approval_id} is already {row['status']}; only pending approvals can be decided")
    now = ctx.now_iso()
    if row["expires_at"] <= now:
        raise SkillFailed(f"approval {approval_id} expired at {row['expires_at']}; the agent will ask again if the "
                          "action is still needed")
    await ctx.db.execute(
        "UPDATE approvals SET status = ?, decided_at = ?, decided_by = ?, result = ? WHERE id = ?",
        (status, now, ctx.caller, note or None, approval_id))
    if status == "rejected" and row["requested_by"] == "pilot":
        lesson = (f"A person rejected {row['kind']} #{approval_id}: {row['skill']} with {row['arguments']}. "
                  f"Reason: {note or 'none given'}. Do not ask for this again unless the situation changed.")
        await ctx.db.execute(
            "INSERT INTO memory (key, value, category, updated_at) VALUES (?, ?, 'feedback', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (f"feedback:rejected:{approval_id}", lesson, now))
    await ctx.emit(f"approval.{status}", {"id": approval_id, "skill": row["skill"]})
    updated = await ctx.db.fetchone("SELECT * FROM approvals WHERE id = ?", (approval_id,))
    assert updated is not None
    return _approval(updated)


@skill(
    title="List approvals",
    examples=("what does the agent want me to approve", "pending requests from the agent"),
    synonyms=("pending", "waiting", "sign off", "okay"),
    read_only=True,
    instructions="""
    Actions the agent wants to take with skills that need a person's approval (bulk
    email, deletes, refunds...), with the exact arguments, and in shadow mode its proposals
    (kind proposal: what it would have done, its stated reason and objective). Default:
    pending ones, oldest first. Pending requests expire 48 h after they were made.
    """,
)
async def list_approvals(
    ctx: SkillContext, status: Status | None = "pending", kind: Kind | None = None, limit: int = 20,
    offset: int = 0,
) -> ApprovalPage:
    """List the agent's approval requests and proposals (pending by default) with their arguments.

    Args:
        status: Only requests in this state; null for all.
        kind: Only approvals (approve-trust calls) or proposals (shadow mode); null for both.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("status = ?", status).add("kind = ?", kind)
    return await fetch_page(
        ctx.db, ApprovalPage, select="*", from_="approvals", filters=filters, order_by="id", limit=limit, offset=offset,
        item=_approval)


@skill(
    title="Approve agent action",
    examples=("yes, do it", "allow the agent's action"),
    synonyms=("yes", "allow", "okay", "go ahead", "confirm"),
    instructions="""
    A person approves a pending request (an approval or a proposal): the action runs once,
    exactly as requested, on the agent's next heartbeat (`pilothouse approvals approve` runs
    it at once), and its result is recorded on the approval. Read the
    arguments first (pilot_list_approvals). Only people can approve (chat or CLI).
    """,
)
async def approve(
    ctx: SkillContext, approval_id: int, note: Annotated[str, Field(max_length=1000)] = "",
) -> Approval:
    """Approve an action the agent asked to take; it runs on the next heartbeat.

    Args:
        approval_id: The approval's id.
        note: Optional note from the person approving.
    """
    return await _decide(ctx, approval_id, "approved", note)


@skill(
    title="Reject agent action",
    examples=("no, don't do that", "refuse the agent's request"),
    synonyms=("no", "deny", "refuse", "don't"),
    instructions="""
    A person refuses a pending request: it never runs. Give the reason; the agent reads
    it in its next cycle's context and should not ask for the same action again.
    """,
)
async def reject(
    ctx: SkillContext, approval_id: int, reason: Annotated[str, Field(max_length=1000)] = "",
) -> Approval:
    """Reject an action the agent asked to take; it will not run.

    Args:
        approval_id: The approval's id.
        reason: Why it is refused (the agent reads this).
    """
    return await _decide(ctx, approval_id, "rejected", reason)
