"""Pagination shared by every list skill: ``limit`` / ``offset`` in, ``total`` out."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

MAX_LIMIT = 200


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page_clause(limit: int, offset: int) -> tuple[str, tuple[int, int]]:
    """SQL tail for a page; limits are clamped so a list call never floods a context window."""
    return " LIMIT ? OFFSET ?", (max(1, min(limit, MAX_LIMIT)), max(0, offset))
