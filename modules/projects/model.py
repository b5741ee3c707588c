"""Projects: the models its skills return."""

from __future__ import annotations

from skills import Record


class Project(Record):
    id: int
    name: str
    client: str | None


class Task(Record):
    id: int
    project_id: int
    title: str
    status: str
    assignee: str | None
    due: str | None
    estimate_hours: float
    milestone_id: int | None


class Milestone(Record):
    id: int
    project_id: int
    title: str
    due: str


class MilestoneProgress(Record):
    id: int
    title: str
    due: str
    progress: float
    done_hours: float
    total_hours: float
    late: bool


class Progress(Record):
    project: Project
    milestones: list[MilestoneProgress]
    overdue_tasks: list[Task]
