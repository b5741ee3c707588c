"""AI assistant: the models its skills return (each says which model wrote it)."""

from __future__ import annotations

from skills import Record


class Written(Record):
    provider: str
    model: str
    prompt_tokens: int
    completion_tokens: int


class BlogDraft(Written):
    post_id: int
    title: str
    body: str
    status: str


class ReplySuggestion(Written):
    ticket_id: int
    subject: str
    suggestion: str


class WeekSummary(Written):
    period_start: str
    period_end: str
    summary: str
