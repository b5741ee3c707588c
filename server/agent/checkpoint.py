"""Checkpoints of reasoning-loop runs in the core ``runs`` table.

    id       run id (uuid hex)           kind     ask | heartbeat | ...
    status   running, paused, completed, failed, timeout
    cursor   completed steps (model calls + tool calls)
    plan     one line per completed step ("model openai:gpt-4.1-mini", "tool crm_list_leads ok")
    state    {"messages": [...], "record": RunRecord, "params": {...}, "activity_watermark": id}

A run is saved after every step, in its own short transaction, so an interrupted run
resumes from the conversation as it stood after its last completed step. The activity
watermark (the highest activity id of the run when it was saved) lets a resume find a
tool call that finished after the last save but before the crash, instead of running it
twice. ``running`` found on a run no process is driving means its process died.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from server.agent.loop_record import RunRecord
from server.store import dumps
from server.tables import activity, runs
from skills.context import Database

RESUMABLE = runs.RESUMABLE


@dataclass
class Checkpoint:
    messages: list[dict[str, Any]]
    record: RunRecord
    params: dict[str, Any]
    plan: list[str]
    activity_watermark: int = 0

    def state(self) -> str:
        return dumps({"messages": self.messages, "record": self.record.to_dict(), "params": self.params,
                      "activity_watermark": self.activity_watermark})


async def create(db: Database, cp: Checkpoint, *, now: str) -> None:
    r = cp.record
    await runs.insert_run(db, run_id=r.run_id, kind=r.kind, status=r.status, cursor=r.cursor, plan=dumps(cp.plan),
                          state=cp.state(), now=now)


async def save(db: Database, cp: Checkpoint, *, now: str, paused_reason: str | None = None) -> None:
    r = cp.record
    await runs.update_run(db, run_id=r.run_id, status=r.status, cursor=r.cursor, plan=dumps(cp.plan),
                          state=cp.state(), stop_reason=r.stop_reason, paused_reason=paused_reason, now=now)


async def load(db: Database, run_id: str) -> tuple[str, Checkpoint] | None:
    """(status, checkpoint) of a run, or None when there is no such run."""
    row = await runs.run_state(db, run_id)
    if row is None:
        return None
    state = json.loads(row["state"] or "{}")
    if "record" not in state:  # a run row some other part wrote without a loop state
        return row["status"], Checkpoint([], RunRecord(run_id, "unknown"), {}, [])
    cp = Checkpoint(state["messages"], RunRecord.from_dict(state["record"]), state.get("params", {}),
                    json.loads(row["plan"] or "[]"), int(state.get("activity_watermark", 0)))
    return row["status"], cp


async def resumable(db: Database, *, kind: str | None = None) -> list[str]:
    """Ids of runs that stopped before finishing (oldest first), e.g. for the heartbeat to resume."""
    return await runs.resumable_ids(db, kind=kind)


async def activity_since(db: Database, run_id: str, after_id: int, skill: str) -> dict[str, Any] | None:
    """The first activity row of ``run_id`` for ``skill`` newer than ``after_id`` (a call that already ran)."""
    return await activity.run_call_after(db, run_id, after_id, skill)


async def activity_watermark(db: Database, run_id: str) -> int:
    return await activity.run_watermark(db, run_id)
