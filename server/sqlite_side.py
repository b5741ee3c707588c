"""The SQLite store's second connection, on the event loop's thread, for statements too small to
be worth a hop to aiosqlite's worker thread and back (~30-100 us each).

It runs a statement only when the store says so (server/store.py decides when: never inside a
transaction), and it never waits: ``busy_timeout`` is 0, so another process's write lock is an
error the store answers by taking the worker thread; a statement past ``QUICK_STEPS`` is
interrupted (a read changes nothing; a write commits whole or not at all) and rerun there. It
never checkpoints, which could fsync on the loop.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from typing import Any

from skills.context import Row, WriteResult

# A quick statement is interrupted after this many x 1,000 SQLite VM steps (~1 ms); an indexed
# lookup takes a few hundred steps.
QUICK_STEPS = 20


def row_factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


class Side:
    """The loop-thread connection and its step budget (a progress handler interrupts past it)."""

    __slots__ = ("conn", "steps_left")

    def __init__(self, path: str) -> None:
        # Autocommit, so each read sees the latest commit; never waits for a lock (the caller falls
        # back instead); no automatic checkpoint, which could fsync on the event loop.
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, cached_statements=256)
        self.conn.row_factory = row_factory
        for pragma in ("busy_timeout = 0", "synchronous = NORMAL", "foreign_keys = ON", "wal_autocheckpoint = 0"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.steps_left = QUICK_STEPS
        self.conn.set_progress_handler(self._step, 1000)

    def _step(self) -> int:
        self.steps_left -= 1
        return self.steps_left < 0  # non-zero interrupts the statement

    def read(self, sql: str, params: Any) -> list[Row]:
        self.steps_left = QUICK_STEPS
        return self.conn.execute(sql, params).fetchall()

    def write(self, sql: str, params: Any) -> WriteResult:
        self.steps_left = QUICK_STEPS
        return write_on(self.conn, sql, params, False)


@lru_cache(maxsize=1024)
def quick_read(sql: str) -> bool:
    """A plain SELECT that means the same on any connection (not last_insert_rowid() or changes())."""
    folded = sql.lower()
    return folded.lstrip().startswith("select") and "last_insert_rowid" not in folded and "changes(" not in folded


def write_on(conn: sqlite3.Connection, sql: str, params: Any, many: bool) -> WriteResult:
    """One statement and its rowcount / lastrowid, the cursor closed: one call, so one thread hop."""
    cursor = conn.executemany(sql, params) if many else conn.execute(sql, params)
    try:
        return WriteResult(cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()
