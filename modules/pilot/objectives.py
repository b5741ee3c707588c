"""Objectives: what the agent works toward, with a plan of steps and evidence of completion.

States: active -> paused | failed | completed; paused -> active | failed; failed -> active.
``completed`` is terminal and only reachable through ``pilot_complete_objective`` with
evidence: ids of successful activity rows recorded after the objective was created, calls that
had an effect (not ``no_effect``, not a failure the skill reported).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from modules.pilot.model import Objective, ObjectivePage, Step, StepStatus
from skills import Database, Filters, SkillContext, SkillFailed, check_transition, fetch_one, fetch_page, skill

SettableStatus = Literal["active", "paused", "failed"]
COLUMNS = ("id, goal, status, priority, deadline, cadence, success_criteria, plan, kind, evidence, locked_until, "
           "created_at, updated_at")
# Which manual status changes are allowed from each state (completion has its own skill).
TRANSITIONS = {"active": {"paused", "failed"}, "paused": {"active", "failed"}, "failed": {"active"}, "completed": set()}
STATUS_EVENTS = {"active": "objective.resumed", "paused": "objective.paused", "failed": "objective.failed"}


def _objective(row: dict[str, Any]) -> Objective:
    plan, evidence = json.loads(row["plan"] or "[]"), json.loads(row["evidence"] or "[]")
    return Objective(**{**row, "plan": plan, "evidence": evidence})


async def fetch_objective(ctx: SkillContext, objective_id: int) -> Objective:
    row = await fetch_one(
        ctx.db, f"SELECT {COLUMNS} FROM objectives WHERE id = ?", (objective_id,),
        missing=f"no objective with id {objective_id}; pilot_list_objectives shows existing ids")
    return _objective(row)


async def check_evidence(ctx: SkillContext, ids: list[int], *, since: str) -> None:
    """Evidence must be successful activity recorded after ``since``; say exactly which ids are not."""
    rows = await ctx.db.fetchall(
        f"SELECT id, status, outcome, ts FROM activity WHERE id IN ({','.join('?' * len(ids))})", ids)
    found = {r["id"]: r for r in rows}
    missing = [i for i in ids if i not in found]
    failed = [i for i in ids if i in found and found[i]["status"] != "ok"]
    # A call that returned but did nothing (or only failed) is no evidence that work was done.
    empty = [i for i in ids if i in found and found[i]["status"] == "ok" and found[i]["outcome"] in
             ("no_effect", "negative")]
    early = [i for i in ids if i in found and found[i]["ts"] < since]
    problems = []
    if missing:
        problems.append(f"activity id(s) {missing} do not exist")
    if failed:
        problems.append(f"activity id(s) {failed} are not successful calls")
    if empty:
        problems.append(f"activity id(s) {empty} did nothing (outcome no_effect or negative)")
    if early:
        problems.append(f"activity id(s) {early} happened before the objective was created ({since})")
    if problems:
        raise SkillFailed(
            "evidence refused: " + "; ".join(problems)
            + ". Evidence is the id of a successful skill call that shows the work was done; "
              "find it with pilot_activity_feed (filter by skill or run_id)."
        )


@skill(
    title="Create objective",
    examples=("give the agent a goal", "set a target for the agent"),
    synonyms=("goal", "target", "aim"),
    instructions="""
    An objective is a goal the agent works on across heartbeats, e.g. "Publish 3 blog posts
    this week". Give it measurable success criteria and, ideally, a plan: an ordered list
    of steps. Priority 1 is the most urgent, 5 the least; the heartbeat reads active
    objectives in priority order. Cadence is free text for recurring goals ("weekly").
    The objective starts `active`. Progress is recorded step by step with
    pilot_update_objective_step; it can only be completed with evidence
    (pilot_complete_objective).
    """,
)
async def create_objective(
    ctx: SkillContext,
    goal: Annotated[str, Field(min_length=5, max_length=500)],
    success_criteria: Annotated[str, Field(min_length=3, max_length=2000)],
    steps: Annotated[list[Annotated[str, Field(min_length=2, max_length=300)]], Field(max_length=30)] = [],  # noqa: B006
    priority: Annotated[int, Field(ge=1, le=5)] = 3,
    deadline: date | None = None,
    cadence: Annotated[str | None, Field(max_length=50)] = None,
    kind: Annotated[str | None, Field(max_length=50)] = None,
) -> Objective:
    """Create an objective for the agent to work on. Use for goals that span several actions; NOT for one-off calls.

    Args:
        goal: What to achieve, in one sentence.
        success_criteria: How anyone can tell it is achieved (measurable).
        steps: The plan, as ordered step titles.
        priority: 1 (most urgent) to 5 (least).
        deadline: Date by which it should be done, YYYY-MM-DD.
        cadence: For recurring goals, how often (e.g. "weekly").
        kind: Optional label grouping similar objectives (e.g. "content").
    """
    if deadline is not None and deadline < ctx.now().date():
        raise SkillFailed(f"deadline {deadline} is in the past; give a date from {ctx.now().date()} on")
    now = ctx.now_iso()
    plan = [Step(step=i, title=t).model_dump() for i, t in enumerate(steps, start=1)]
    result = await ctx.db.execute(
        "INSERT INTO objectives (goal, priority, deadline, cadence, success_criteria, plan, kind, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (goal, priority, deadline.isoformat() if deadline else None, cadence, success_criteria, json.dumps(plan),
         kind, now, now),
    )
    await ctx.emit("objective.created", {"id": result.lastrowid, "goal": goal})
    return await fetch_objective(ctx, int(result.lastrowid or 0))


@skill(
    title="List objectives",
    examples=("what is the agent working on", "show the agent's goals"),
    synonyms=("goals", "targets", "working on"),
    read_only=True,
    instructions="""
    Lists objectives with their plan and evidence, most urgent first (priority, then
    deadline, then age). Filter by status (default: all) or kind.
    """,
)
async def list_objectives(
    ctx: SkillContext,
    status: Literal["active", "completed", "paused", "failed"] | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ObjectivePage:
    """List objectives with their plan steps and evidence, most urgent first.

    Args:
        status: Only objectives in this state.
        kind: Only objectives with this label.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("status = ?", status).add("kind = ?", kind)
    return await fetch_page(
        ctx.db, ObjectivePage, select=COLUMNS, from_="objectives", filters=filters,
        order_by="priority, deadline IS NULL, deadline, id", limit=limit, offset=offset, item=_objective)


@skill(
    title="Record objective progress",
    examples=("record progress on a goal", "a step of the objective is done"),
    synonyms=("progress", "step", "goal"),
    instructions="""
    Records progress on one step of an active objective's plan: its status (pending,
    in_progress, done, blocked), a short note, and optionally evidence (activity ids of
    successful calls, from pilot_activity_feed). A step marked `done` needs evidence.
    To add a step that was not planned, pass `add_title` instead of `step`.
    """,
)
async def update_objective_step(
    ctx: SkillContext,
    objective_id: int,
    status: StepStatus,
    step: Annotated[int | None, Field(ge=1)] = None,
    add_title: Annotated[str | None, Field(min_length=2, max_length=300)] = None,
    note: Annotated[str, Field(max_length=1000)] = "",
    evidence: Annotated[list[int], Field(max_length=50)] = [],  # noqa: B006
) -> Objective:
    """Record progress on one plan step of an active objective.

    Args:
        objective_id: The objective's id.
        status: The step's new status.
        step: Number of the step to update (1-based, as listed in the plan).
        add_title: Title of a new step to append instead of updating an existing one.
        note: What was done or what blocks it.
        evidence: Activity ids of successful calls that show the step's work.
    """
    objective = await fetch_objective(ctx, objective_id)
    if objective.status != "active":
        raise SkillFailed(f"objective {objective_id} is {objective.status}; only active objectives take progress "
                          "(resume it with pilot_set_objective_status status=active)")
    if (step is None) == (add_title is None):
        raise SkillFailed("give exactly one of `step` (update an existing step) or `add_title` (append a step)")
    plan = objective.plan
    if add_title is not None:
        plan.append(Step(step=len(plan) + 1, title=add_title))
        step = len(plan)
    assert step is not None
    if step > len(plan):
        raise SkillFailed(f"objective {objective_id} has {len(plan)} step(s); step {step} does not exist")
    if status == "done" and not evidence and not plan[step - 1].evidence:
        raise SkillFailed("a step can only be marked done with evidence: pass the activity ids of the calls that "
                          "did the work (pilot_activity_feed lists them)")
    if evidence:
        await check_evidence(ctx, evidence, since=objective.created_at)
    entry = plan[step - 1]
    entry.status, entry.updated_at = status, ctx.now_iso()
    entry.note = note or entry.note
    entry.evidence = sorted(set(entry.evidence) | set(evidence))
    await ctx.db.execute("UPDATE objectives SET plan = ?, updated_at = ? WHERE id = ?",
                         (json.dumps([s.model_dump() for s in plan]), ctx.now_iso(), objective_id))
    return await fetch_objective(ctx, objective_id)


@skill(
    title="Complete objective",
    examples=("the goal is achieved", "close the objective with evidence"),
    synonyms=("achieved", "done", "finished", "goal"),
    instructions="""
    Marks an objective completed. Completion needs evidence: the ids of successful
    activity rows (skill calls) recorded after the objective was created that show the
    success criteria are met. Ids that do not exist, failed calls, or older calls are
    refused, and nothing changes. Find ids with pilot_activity_feed. Completed is final.
    """,
)
async def complete_objective(
    ctx: SkillContext,
    objective_id: int,
    evidence: Annotated[list[int], Field(min_length=1, max_length=100)],
    summary: Annotated[str, Field(min_length=3, max_length=2000)],
) -> Objective:
    """Mark an objective completed, with activity ids as evidence that its success criteria are met.

    Args:
        objective_id: The objective's id.
        evidence: Activity ids of the successful calls that achieved it.
        summary: How the success criteria were met.
    """
    objective = await fetch_objective(ctx, objective_id)
    if objective.status != "active":
        raise SkillFailed(f"objective {objective_id} is {objective.status}; only active objectives can be completed")
    await check_evidence(ctx, evidence, since=objective.created_at)
    combined = sorted(set(objective.evidence) | set(evidence))
    await ctx.db.execute(
        "UPDATE objectives SET status = 'completed', evidence = ?, locked_until = NULL, updated_at = ? WHERE id = ?",
        (json.dumps(combined), ctx.now_iso(), objective_id))
    await ctx.emit("objective.completed", {"id": objective_id, "summary": summary, "evidence": combined})
    return await fetch_objective(ctx, objective_id)


@skill(
    title="Pause, fail or resume objective",
    examples=("pause a goal", "give up on the objective"),
    synonyms=("pause", "resume", "give up", "goal"),
    idempotent=True,
    instructions="""
    Changes an objective's state by hand: pause it (active -> paused), give it up
    (active/paused -> failed), or resume it (paused/failed -> active). Always say why.
    Completion is not done here: use pilot_complete_objective with evidence.
    """,
)
async def set_objective_status(
    ctx: SkillContext,
    objective_id: int,
    status: SettableStatus,
    reason: Annotated[str, Field(min_length=3, max_length=1000)],
) -> Objective:
    """Pause, fail or resume an objective, with the reason.

    Args:
        objective_id: The objective's id.
        status: The new state: active, paused or failed.
        reason: Why the state changes.
    """
    objective = await fetch_objective(ctx, objective_id)
    if objective.status == status:
        return objective
    check_transition(TRANSITIONS, objective.status, status, what=f"objective {objective_id}")
    await ctx.db.execute("UPDATE objectives SET status = ?, locked_until = NULL, updated_at = ? WHERE id = ?",
                         (status, ctx.now_iso(), objective_id))
    await ctx.emit(STATUS_EVENTS[status], {"id": objective_id, "reason": reason})
    return await fetch_objective(ctx, objective_id)


# --- what the runtime does with objectives (the heartbeat's checkout, the self-check's self-heal) ----------

async def check_out(db: Database, ids: list[int], until: str) -> None:
    """The heartbeat works on these objectives until ``until``: another cycle leaves them alone meanwhile."""
    if ids:
        await db.execute(f"UPDATE objectives SET locked_until = ? WHERE id IN ({','.join('?' * len(ids))})",
                         (until, *ids))


async def release(db: Database, ids: list[int]) -> None:
    if ids:
        await db.execute(f"UPDATE objectives SET locked_until = NULL WHERE id IN ({','.join('?' * len(ids))})", ids)


async def open_once(db: Database, *, kind: str, goal: str, criteria: str, first_step: str, now_iso: str) -> bool:
    """An active objective of ``kind`` (the self-check's self-heal), unless one is open already."""
    if await db.fetchone("SELECT id FROM objectives WHERE kind = ? AND status IN ('active', 'paused')", (kind,)):
        return False
    await db.execute(
        "INSERT INTO objectives (goal, status, priority, success_criteria, plan, kind, created_at, updated_at) "
        "VALUES (?, 'active', 2, ?, ?, ?, ?, ?)",
        (goal, criteria, json.dumps([Step(step=1, title=first_step).model_dump()]), kind, now_iso, now_iso))
    return True
