"""The record of one heartbeat cycle: the ``heartbeats`` row, and the ``heartbeat_state`` memory note."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from server.store import dumps
from server.tables import memory, runs

if TYPE_CHECKING:
    from server.app import App

STATE_KEY = "heartbeat_state"


@dataclass
class RunOutcome:
    """What the reasoning step produced, in the heartbeat's terms."""

    status: str  # ok | failed | timeout
    reason: str
    run_id: str | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)  # {skill, ok, activity_id, error_kind}
    final_text: str = ""
    usage: dict[str, Any] = field(default_factory=dict)


@dataclass
class CycleRecord:
    status: str
    reason: str = ""
    started_at: str = ""
    finished_at: str | None = None
    heartbeat_id: int | None = None
    run_id: str | None = None
    resumed_run: str | None = None
    approvals: list[dict[str, Any]] = field(default_factory=list)
    objectives: list[int] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    context_chars: int = 0
    actions: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    duration_ms: float | None = None
    requested_by: str | None = None  # a person's request (heartbeat --once), not the schedule
    waived_streak: int = 0  # the failure streak whose backoff a person's request did not wait for

    @classmethod
    def unrecorded(cls, status: str, reason: str, now: datetime) -> CycleRecord:
        return cls(status=status, reason=reason, started_at=now.isoformat(timespec="seconds"))

    @property
    def recorded(self) -> bool:
        return self.heartbeat_id is not None

    def apply(self, outcome: RunOutcome) -> None:
        self.status, self.reason, self.run_id = outcome.status, outcome.reason, outcome.run_id
        self.actions, self.summary, self.usage = outcome.actions, outcome.final_text, outcome.usage

    def detail(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("status", "started_at", "finished_at", "heartbeat_id", "run_id"):
            data.pop(key)
        return data

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary_line(self) -> str:
        done = sum(1 for a in self.actions if a.get("ok"))
        parts = [f"{self.status}: {self.reason}"] if self.reason else [self.status]
        if self.actions:
            parts.append(f"{len(self.actions)} skill call(s), {done} ok")
        if self.approvals:
            parts.append(f"{len(self.approvals)} approval(s) settled")
        return "; ".join(parts)


async def start(app: App) -> CycleRecord:
    now = app.clock.now().isoformat(timespec="seconds")
    return CycleRecord(status="running", started_at=now, heartbeat_id=await runs.start_heartbeat(app.store, now))


async def finish(app: App, record: CycleRecord) -> None:
    record.finished_at = app.clock.now().isoformat(timespec="seconds")
    await runs.finish_heartbeat(app.store, record.heartbeat_id, status=record.status,
                                finished_at=record.finished_at, run_id=record.run_id, detail=dumps(record.detail()))


async def load_state(app: App) -> dict[str, Any]:
    raw = await memory.read(app.store, STATE_KEY)
    try:
        state = json.loads(raw) if raw else {}
    except json.JSONDecodeError:
        state = {}
    return state if isinstance(state, dict) else {}


async def save_state(app: App, record: CycleRecord, state: dict[str, Any]) -> None:
    """The heartbeat's own memory: where the last cycle left off (read by the next one and by health)."""
    state.update({
        "last_cycle_id": record.heartbeat_id, "last_status": record.status, "last_reason": record.reason,
        "last_run_id": record.run_id or state.get("last_run_id"), "last_started_at": record.started_at,
        "last_summary": record.summary[:1000], "last_actions": [a.get("skill") for a in record.actions][:30],
    })
    if record.status in ("ok", "idle"):
        state["last_success_at"] = record.started_at
    await write_state(app, state)


async def write_state(app: App, state: dict[str, Any]) -> None:
    """Replace the whole ``heartbeat_state`` note (kept under category ``system``)."""
    await memory.upsert(app.store, STATE_KEY, dumps(state), category="system",
                        now_iso=app.clock.now().isoformat(timespec="seconds"))
