"""Pages: the models its skills return."""

from __future__ import annotations

from typing import Any, Literal

from skills import Record


class Block(Record):
    type: Literal["heading", "text", "image", "cta"]
    content: dict[str, Any]


class Page(Record):
    id: int
    path: str
    title: str
    published: bool
    blocks: list[Block]


class Redirect(Record):
    source: str
    target: str
    chain: list[str]


class Resolved(Record):
    requested: str
    hops: list[str]
    page: Page
