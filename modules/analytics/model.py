"""Analytics: the models its skills return."""

from __future__ import annotations

from skills import Record


class Digest(Record):
    period_start: str
    period_end: str
    page_views: int
    visitors: int
    previous_page_views: int
    events: dict[str, int]
    summary: str


class Recorded(Record):
    id: int


class PageCount(Record):
    path: str
    views: int
    visitors: int


class TopPages(Record):
    since: str
    pages: list[PageCount]


class Source(Record):
    source: str
    views: int
    share: float


class Sources(Record):
    since: str
    total: int
    sources: list[Source]
