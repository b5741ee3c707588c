"""Pilot: the models its skills return."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from skills import Page, Record


class ActivityItem(Record):
    id: int
    ts: str
    caller: str
    run_id: str | None
    skill: str
    module_id: str | None
    input: dict[str, Any]
    output_summary: str | None
    status: str
    outcome: str
    error_kind: str | None
    error: str | None
    duration_ms: float
    attempts: int


class ActivityPage(Page[ActivityItem]):
    pass


class Run(Record):
    id: str
    kind: str
    status: str
    cursor: int
    stop_reason: str | None
    paused_reason: str | None
    resume_after: str | None
    started_at: str
    updated_at: str


class RunPage(Page[Run]):
    pass


class MemoryEntry(Record):
    key: str
    value: str
    category: str
    updated_at: str


class MemoryHit(Record):
    key: str
    category: str
    preview: str
    updated_at: str


class MemoryPage(Page[MemoryHit]):
    pass


StepStatus = Literal["pending", "in_progress", "done", "blocked"]


class Step(Record):
    step: int
    title: str
    status: StepStatus = "pending"
    note: str = ""
    evidence: list[int] = Field(default_factory=list)
    updated_at: str | None = None


class Objective(Record):
    id: int
    goal: str
    status: str
    priority: int
    deadline: str | None
    cadence: str | None
    success_criteria: str
    plan: list[Step]
    kind: str | None
    evidence: list[int]
    locked_until: str | None
    created_at: str
    updated_at: str


class ObjectivePage(Page[Objective]):
    pass
