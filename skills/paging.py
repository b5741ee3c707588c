"""Query helpers shared by every module: pagination and fetch-or-not-found.

List skills take ``limit`` / ``offset`` and return a ``Page`` with ``total``, so a
list call never floods a context window and a caller always knows how many exist.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from pydantic import BaseModel, ConfigDict

from skills.errors import NotFound, SkillFailed

if TYPE_CHECKING:  # annotations only: skills.context imports the outbox, which pages with this module
    from skills.context import Database, Row

T = TypeVar("T")
P = TypeVar("P", bound="Page[Any]")

MAX_LIMIT = 200
MAX_LIKE_CHARS = 1_000


class Page(BaseModel, Generic[T]):
    # Each module declares a few Page[Item] classes at import; building their validators then cost
    # ~1 ms apiece at every start. They are built on first use instead (a list call, a schema).
    model_config = ConfigDict(defer_build=True)

    items: list[T]
    total: int
    limit: int
    offset: int


def page_clause(limit: int, offset: int) -> tuple[str, tuple[int, int]]:
    """SQL tail for a page; limits are clamped to 1..200."""
    return " LIMIT ? OFFSET ?", (max(1, min(limit, MAX_LIMIT)), max(0, offset))


def contains_pattern(text: str) -> str:
    """A LIKE pattern (with ``ESCAPE '\\'``) matching ``text`` literally anywhere, or SkillFailed when
    the text is longer than ``MAX_LIKE_CHARS`` (SQLite refuses long patterns as "too complex")."""
    if len(text) > MAX_LIKE_CHARS:
        raise SkillFailed(f"search text is {len(text):,} characters long; search for at most "
                          f"{MAX_LIKE_CHARS:,} (a word or a phrase)")
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Filters:
    """Collects optional WHERE conditions: ``f.add("status = ?", status)`` skips a None value."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *values: Any) -> Filters:
        if values and all(v is None for v in values):
            return self
        self.clauses.append(clause)
        self.params.extend(values)
        return self

    def like(self, columns: Sequence[str], text: str | None) -> Filters:
        """Case-insensitive substring match over any of ``columns``: ``text`` is literal (``%`` and
        ``_`` match only themselves) and at most ``MAX_LIKE_CHARS`` long (SQLite refuses long patterns)."""
        if text:
            pattern = contains_pattern(text)
            self.clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
            self.params.extend([pattern] * len(columns))
        return self

    @property
    def where(self) -> str:
        return f" WHERE {' AND '.join(self.clauses)}" if self.clauses else ""


@overload
async def fetch_page(
    db: Database, page: type[P], *, select: str, from_: str, filters: Filters, order_by: str, limit: int,
    offset: int, item: Callable[[Row], Any] | None = None, extra: Mapping[str, Any] | None = None,
) -> P: ...


@overload
async def fetch_page(
    db: Database, page: None = None, *, select: str, from_: str, filters: Filters, order_by: str, limit: int,
    offset: int,
) -> tuple[list[Row], int, int, int]: ...


async def fetch_page(
    db: Database, page: type[P] | None = None, *, select: str, from_: str, filters: Filters, order_by: str,
    limit: int, offset: int, item: Callable[[Row], Any] | None = None, extra: Mapping[str, Any] | None = None,
) -> P | tuple[list[Row], int, int, int]:
    """Run a filtered, ordered, paginated query and return it as ``page`` (a ``Page[Item]`` subclass).

    The rows become the page's items: each row is validated into the item model unless ``item``
    builds the item (sync or async, e.g. to decode a JSON column or load lines). ``extra`` fills
    the page's own fields beyond the four of ``Page``. Without ``page`` the raw
    ``(rows, total, limit, offset)`` comes back, for callers that print rows (the activity CLI).
    """
    total = await db.fetchval(f"SELECT COUNT(*) FROM {from_}{filters.where}", filters.params)
    tail, (lim, off) = page_clause(limit, offset)
    rows = await db.fetchall(
        f"SELECT {select} FROM {from_}{filters.where} ORDER BY {order_by}{tail}", [*filters.params, lim, off]
    )
    if page is None:
        return rows, int(total or 0), lim, off
    items: list[Any] = list(rows)
    if item is not None:
        items = [item(r) for r in rows]
        items = [await i if inspect.isawaitable(i) else i for i in items]
    return page(items=items, total=int(total or 0), limit=lim, offset=off, **(extra or {}))


async def fetch_one(db: Database, sql: str, params: Sequence[Any], *, missing: str) -> Row:
    """The row, or NotFound with ``missing`` as the message (say how to find valid ids)."""
    row = await db.fetchone(sql, params)
    if row is None:
        raise NotFound(missing)
    return row


async def missing_target(db: Database, targets: Sequence[tuple[str, str]], values: Mapping[str, Any]) -> str | None:
    """Why a call's declared targets (``@skill(targets=...)``) do not all exist, or None when they do."""
    for param, table in targets:
        value = values.get(param)
        if value is not None and await db.fetchone(f"SELECT 1 FROM {table} WHERE id = ?", (value,)) is None:
            return f"{param}: there is no record #{value} in {table}; nothing was asked or changed. List or search " \
                   "the records to find the right id."
    return None
