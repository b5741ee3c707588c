"""Ops: the records its skills return."""

from __future__ import annotations

from skills import Page, Record


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
