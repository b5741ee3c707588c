"""A person's word on an uncertain approved action: it happened, or it did not (then it runs again, once).

An approved action whose process died mid-run is ``uncertain`` (server/agent/approved_actions.py):
nobody can tell from here whether it took effect, so the platform neither calls it done nor runs
it again. The person who can check (the receiver, the customer, the bank) says which; like
deciding a request, it is refused to the agent and automations (a caller check here, beside the
trust gate's people-only screen).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.ops.approvals import PEOPLE, approval
from server.ops.model import Approval
from server.store import dumps
from server.tables import approvals
from skills import SkillContext, SkillFailed, skill


@skill(name="ops_resolve_uncertain", title="Resolve an uncertain action", category="system",
       examples=("the interrupted action did happen", "run the interrupted approval again"),
       synonyms=("uncertain", "interrupted", "crashed", "unknown"),
       instructions="""
       An approved action whose process stopped while it ran is `uncertain`: whether it took effect is
       unknown (ops_list_approvals with status uncertain shows what is known). Check with whoever it
       reached, then say: happened=true marks it executed; happened=false puts it back to approved, and
       it runs again, once, within a minute. Only people can resolve (chat or CLI).
       """)
async def resolve_uncertain(ctx: SkillContext, approval_id: int, happened: bool,
                            note: Annotated[str, Field(max_length=1000)] = "") -> Approval:
    """Say whether an interrupted approved action took effect.

    Args:
        approval_id: The uncertain approval's id.
        happened: True if it took effect (mark it executed), false to run it again.
        note: What you checked, kept with the approval.
    """
    if ctx.caller not in PEOPLE:
        raise SkillFailed("only a person can say whether an interrupted action happened; leave it for the "
                          "administrator")
    row = await approvals.get(ctx.db, approval_id)
    if row is None or row["status"] != "uncertain":
        raise SkillFailed(f"approval {approval_id} is {row['status'] if row else 'unknown'}, not uncertain; "
                          "ops_list_approvals with status uncertain shows the ones to resolve")
    result = dumps({"resolved_by": ctx.caller, "happened": happened, "note": note, "before": row["result"]})
    await approvals.resolve(ctx.db, approval_id, happened=happened, now=ctx.now_iso(), by=ctx.caller, result=result)
    updated = await approvals.get(ctx.db, approval_id)
    assert updated is not None
    return approval(updated)
