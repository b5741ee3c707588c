"""Blog: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Post(Record):
    id: int
    title: str
    slug: str
    body: str
    category: str | None
    status: str
    publish_at: str | None
    published_at: str | None
    created_at: str


class PostPage(Page[Post]):
    pass


class Published(Record):
    published: list[int]
