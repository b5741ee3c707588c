"""Knowledge base: the models its skills return."""

from __future__ import annotations

from skills import Page, Record


class Article(Record):
    id: int
    title: str
    category: str
    body: str
    status: str
    helpful: int
    not_helpful: int
    updated_at: str


class ArticlePage(Page[Article]):
    pass


class Hit(Record):
    id: int
    title: str
    category: str
    score: int
    snippet: str


class SearchResult(Record):
    query: str
    hits: list[Hit]
