"""Timesheets: the models its skills return."""

from __future__ import annotations

from skills import Record


class Entry(Record):
    id: int
    person: str
    project_id: int
    started_at: str
    ended_at: str
    hours: float
    billable: bool
    note: str


class Week(Record):
    person: str
    week_start: str
    days: dict[str, float]
    total_hours: float
    submitted: bool
    entries: list[Entry]


class Utilization(Record):
    person: str
    billable_hours: float
    other_hours: float
    utilization: float


class UtilizationReport(Record):
    date_from: str
    date_to: str
    people: list[Utilization]
