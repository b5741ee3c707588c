"""What happened: the activity feed (every skill call) and agent runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal

from modules.pilot.model import ActivityItem, ActivityPage, RunPage
from skills import Filters, SkillContext, SkillFailed, fetch_page, skill

Caller = Literal["mcp", "cli", "pilot", "automation", "system"]


@skill(
    title="Activity feed",
    examples=("what has been happening", "recent actions of the agent"),
    synonyms=("history", "log", "actions", "happened", "did"),
    read_only=True,
    instructions="""
    The log of every skill call, newest first: who called (mcp = chat, cli, pilot = the
    agent, automation, system), the skill, its input, a summary of the output, status
    (ok, error, pending = waiting for approval), the scored outcome and the error.
    Filter by time window, skill, module, caller, status or run id. The ids are what
    objectives take as evidence.
    """,
)
async def activity_feed(
    ctx: SkillContext,
    since: datetime | None = None,
    until: datetime | None = None,
    skill_name: str | None = None,
    module_id: str | None = None,
    caller: Caller | None = None,
    status: Literal["ok", "error", "pending"] | None = None,
    run_id: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ActivityPage:
    """Show recent skill calls (the activity feed), newest first, with filters.

    Args:
        since: Only calls at or after this time (ISO 8601 with timezone).
        until: Only calls before this time (ISO 8601 with timezone).
        skill_name: Only calls of this skill.
        module_id: Only calls of this module's skills.
        caller: Only calls made by this caller.
        status: Only calls with this status.
        run_id: Only calls made during this agent run.
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = (Filters().add("ts >= ?", _to_utc(since)).add("ts < ?", _to_utc(until))
               .add("skill = ?", skill_name).add("module_id = ?", module_id).add("caller = ?", caller)
               .add("status = ?", status).add("run_id = ?", run_id))
    return await fetch_page(
        ctx.db, ActivityPage, select="*", from_="activity", filters=filters, order_by="id DESC", limit=limit,
        offset=offset, item=lambda r: ActivityItem(**{**r, "input": json.loads(r["input"] or "{}")}))


def _to_utc(value: datetime | None) -> str | None:
    # The log stores UTC timestamps; compare in UTC whatever offset the caller used.
    if value is None:
        return None
    if value.tzinfo is None:
        raise SkillFailed(f"{value.isoformat()} has no timezone; add one, e.g. 2026-11-02T09:00:00+00:00")
    return value.astimezone(UTC).isoformat(timespec="seconds")


@skill(
    title="List agent runs",
    examples=("show the agent's heartbeat runs", "what runs did the agent do"),
    synonyms=("heartbeat", "cycles", "runs"),
    read_only=True,
    instructions="""
    Agent runs (heartbeat cycles, asks) with their checkpoint: status (running, paused,
    completed, failed, timeout), the cursor (steps done) and why they stopped. An
    interrupted run resumes from its cursor on the next heartbeat.
    """,
)
async def list_runs(
    ctx: SkillContext,
    status: Literal["running", "paused", "completed", "failed", "timeout"] | None = None,
    kind: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> RunPage:
    """List the agent's runs and their checkpoints, newest first.

    Args:
        status: Only runs in this state.
        kind: Only runs of this kind (e.g. "heartbeat").
        limit: Page size (1-200).
        offset: Rows to skip.
    """
    filters = Filters().add("status = ?", status).add("kind = ?", kind)
    return await fetch_page(
        ctx.db, RunPage,
        select="id, kind, status, cursor, stop_reason, paused_reason, resume_after, started_at, updated_at",
        from_="runs", filters=filters, order_by="started_at DESC, id", limit=limit, offset=offset)
