"""The SQLite store: one aiosqlite connection, WAL, serialized write transactions.

Why one connection and a lock: SQLite allows one writer at a time. Handing every
write transaction the same asyncio lock means concurrent MCP calls and background
work queue up in-process instead of racing for the file lock, so "database is
locked" never surfaces and no write is lost. ``BEGIN IMMEDIATE`` takes the file's
write lock up front (no deadlock-prone lock upgrade) and ``busy_timeout`` covers
other processes (a CLI call while the server runs).

    StoreError
    └── MigrationError
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import platformdirs

from skills.context import Params, Row, WriteResult

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000

# The transaction the current task holds, if any. Store-level calls made while a task
# holds the write lock reuse its transaction instead of deadlocking on the lock.
_current_tx: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar("pilothouse_tx", default=None)


class StoreError(RuntimeError):
    pass


class MigrationError(StoreError):
    pass


def default_db_path() -> Path:
    """``PILOTHOUSE_DB`` or the user's data directory (XDG on Linux)."""
    env = os.environ.get("PILOTHOUSE_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("pilothouse")) / "pilothouse.db"


def _row_factory(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {col[0]: value for col, value in zip(cursor.description, row, strict=True)}


def _write(conn: sqlite3.Connection, sql: str, params: Any, many: bool) -> WriteResult:
    cursor = conn.executemany(sql, params) if many else conn.execute(sql, params)
    try:
        return WriteResult(cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


class _Session:
    """Statements on the shared connection; the base of Store and Transaction."""

    _conn: aiosqlite.Connection

    async def _run_write(self, sql: str, params: Any, many: bool = False) -> WriteResult:
        # One hop to aiosqlite's worker thread instead of two (execute, then cursor.close):
        # every skill call writes, so this halves the thread round trips on the hot path.
        conn = self._conn
        return await conn._execute(_write, conn._conn, sql, params, many)  # aiosqlite internal, stable since 0.17

    async def execute(self, sql: str, params: Params = ()) -> WriteResult:
        return await self._run_write(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> WriteResult:
        return await self._run_write(sql, rows, many=True)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, params))  # type: ignore[arg-type]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._conn.execute_fetchall(sql, params)  # type: ignore[arg-type]
        return next(iter(rows), None)  # type: ignore[return-value]

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else next(iter(row.values()))


class Transaction(_Session):
    """Statements inside one ``BEGIN IMMEDIATE`` ... ``COMMIT``. Nested use is a savepoint."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn
        self._depth = 0

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        self._depth += 1
        name = f"sp{self._depth}"
        await self._run_write(f"SAVEPOINT {name}", ())
        try:
            yield self
        except BaseException:
            await self._run_write(f"ROLLBACK TO {name}", ())
            await self._run_write(f"RELEASE {name}", ())
            raise
        else:
            await self._run_write(f"RELEASE {name}", ())
        finally:
            self._depth -= 1


class Store(_Session):
    """Every statement runs under the write lock, so no caller ever reads another
    task's uncommitted writes on the shared connection."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target, isolation_level=None)
        conn.row_factory = _row_factory  # type: ignore[assignment]
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        return cls(conn, target)

    async def close(self) -> None:
        await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        held = _current_tx.get()
        if held is not None:
            async with held.transaction() as nested:
                yield nested
            return
        async with self._write_lock:
            await self._run_write("BEGIN IMMEDIATE", ())
            tx = Transaction(self._conn)
            token = _current_tx.set(tx)
            try:
                yield tx
            except BaseException:
                await self._run_write("ROLLBACK", ())
                raise
            else:
                await self._run_write("COMMIT", ())
            finally:
                _current_tx.reset(token)

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[None]:
        if _current_tx.get() is not None:
            yield
        else:
            async with self._write_lock:
                yield

    async def execute(self, sql: str, params: Params = ()) -> WriteResult:
        """One statement on its own: SQLite runs it atomically in autocommit mode, so it needs
        no BEGIN/COMMIT round trips, only the lock (or the caller's transaction)."""
        async with self._locked():
            return await self._run_write(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> WriteResult:
        async with self.transaction() as tx:
            return await tx.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._locked():
            return await super().fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._locked():
            return await super().fetchone(sql, params)

    async def schema_version(self, scope: str = "core") -> int:
        value = await self.fetchval("SELECT MAX(version) FROM schema_migrations WHERE scope = ?", (scope,))
        return int(value or 0)

    async def migrate(self, scope: str, migrations: Sequence[tuple[int, str]]) -> list[int]:
        """Apply the migrations of ``scope`` newer than what the database has. Idempotent.

        Each step runs in its own transaction with its bookkeeping row, so a failing
        step leaves the database at the previous version.
        """
        await self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " scope TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL DEFAULT (datetime('now')),"
            " PRIMARY KEY (scope, version))"
        )
        applied: list[int] = []
        current = await self.schema_version(scope)
        for version, sql in sorted(migrations):
            if version <= current:
                continue
            async with self.transaction() as tx:
                try:
                    for statement in _split_sql(sql):
                        await tx.execute(statement)
                except sqlite3.Error as exc:
                    raise MigrationError(f"migration {scope} v{version} failed: {exc}") from exc
                await tx.execute("INSERT INTO schema_migrations (scope, version) VALUES (?, ?)", (scope, version))
            applied.append(version)
            log.info("applied migration %s v%s", scope, version)
        return applied


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (sqlite3 runs one per execute; executescript would COMMIT)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def dumps(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"), sort_keys=True)
