"""Ops: the records its skills return."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from skills import Page, Preview, Record
from skills.outside import Outside


class Notification(Record):
    id: int
    kind: str
    title: str
    body: str
    created_at: str
    read_at: str | None
    repeats: int = 1  # the same kind about the same skill within the hour, coalesced into this one
    last_at: str | None = None


class NotificationPage(Page[Notification]):
    pass


class MarkedRead(Record):
    marked: int


class PausedSkill(Record):
    name: str
    module: str | None
    reason: str


class OpenBreaker(Record):
    name: str
    module: str | None
    open_until: str | None


class SkillProblems(Record):
    paused: list[PausedSkill]
    open_breakers: list[OpenBreaker]
    hint: str


class Resumed(Record):
    name: str
    was_paused: bool
    detail: str


class Approval(Record):
    id: int
    skill: str
    arguments: dict[str, Any]
    run_id: str | None
    status: str
    requested_at: str
    expires_at: str
    decided_at: str | None
    decided_by: str | None
    decided_by_name: str | None = None  # who decided: a token's name, the local account
    result: str | None
    kind: str = "approval"
    requested_by: str = "pilot"  # the agent (pilot), an automation or a platform job (system)
    reason: str | None = None
    objective: str | None = None
    # What the requesting run had read that was written outside the business, before it asked.
    outside: Outside[list[dict[str, Any]]] = Field(default_factory=list)
    preview: Preview | None = None  # what approving it does, in words (None: queued before previews existed)


class ApprovalPage(Page[Approval]):
    pass
