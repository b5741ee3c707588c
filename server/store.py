"""The SQLite store: one aiosqlite connection, WAL, serialized write transactions.

Why one connection and a lock: SQLite allows one writer at a time. Handing every
write transaction the same asyncio lock means concurrent MCP calls and background
work queue up in-process instead of racing for the file lock, so "database is
locked" never surfaces and no write is lost. ``BEGIN IMMEDIATE`` takes the file's
write lock up front (no deadlock-prone lock upgrade) and ``busy_timeout`` covers
other processes (a CLI call while the server runs).

Beside it, the loop-thread connection (server/sqlite_side.py) answers small statements
without a thread hop, the bulk of a read-only skill call: ``peek`` (a SELECT: the executor's
state read, and every plain ``SELECT`` through ``fetchall``/``fetchone`` outside a
transaction) and ``write_soon`` (the activity row of a read-only call, one autocommit INSERT).
While another task holds the write lock they wait for it and then run there all the same (so
in-process ordering is exactly the lock's); they take the worker thread inside a
transaction, when SQLite reports busy (another process writing), or past ``QUICK_STEPS``.
Every ``CHECKPOINT_EVERY``-th quick write goes through the shared connection, whose commit
checkpoints the WAL as before. A failed migration step raises ``server.errors.MigrationError``.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import aiosqlite

from server.errors import MigrationError
from server.sqlite_side import Side, quick_read, row_factory, write_on
from skills.context import Params, Row, WriteResult

if TYPE_CHECKING:
    from server.postgres.store import PgStore, PgTransaction

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 15_000
CHECKPOINT_EVERY = 200

# The transaction the current task holds, if any. Store-level calls made while a task
# holds the write lock reuse its transaction instead of deadlocking on the lock.
_current_tx: contextvars.ContextVar[Transaction | None] = contextvars.ContextVar("pilothouse_tx", default=None)


class _Session:
    """Statements on the shared connection; the base of Store and Transaction."""

    _conn: aiosqlite.Connection

    async def _run_write(self, sql: str, params: Any, many: bool = False) -> WriteResult:
        # One hop to aiosqlite's worker thread instead of two (execute, then cursor.close):
        # every skill call writes, so this halves the thread round trips on the hot path.
        conn = self._conn
        # aiosqlite internal, stable since 0.17, and unannotated: the result is write_on's.
        result: WriteResult = await conn._execute(write_on, conn._conn, sql, params, many)  # type: ignore[no-untyped-call]
        return result

    async def execute(self, sql: str, params: Params = ()) -> WriteResult:
        return await self._run_write(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> WriteResult:
        return await self._run_write(sql, rows, many=True)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # aiosqlite types rows as sqlite3.Row; the connection's row factory makes them dicts.
        return list(await self._conn.execute_fetchall(sql, params))  # type: ignore[arg-type]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
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
            if self._conn.in_transaction:  # not when SQLite rolled the whole transaction back itself
                await self._run_write(f"ROLLBACK TO {name}", ())
                await self._run_write(f"RELEASE {name}", ())
            raise
        else:
            await self._run_write(f"RELEASE {name}", ())
        finally:
            self._depth -= 1


class Store(_Session):
    """Every statement on the shared connection runs under the write lock, so no caller ever
    reads another task's uncommitted writes; the loop-thread connection only runs while the lock
    is free (see the module docstring), so it sees exactly what the shared one would."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._side: Side | None = None
        self._quick_writes = 0

    @classmethod
    async def open(cls, path: str | Path) -> Store:
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(target, isolation_level=None)
        conn.row_factory = row_factory  # type: ignore[assignment]
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        store = cls(conn, target)
        if target != ":memory:":  # a second connection to :memory: would be another, empty database
            store._side = Side(target)
        return store

    async def close(self) -> None:
        if self._side is not None:
            self._side.conn.close()
            self._side = None
        await self._conn.close()

    def _side_free(self) -> Side | None:
        if self._write_lock.locked() or _current_tx.get() is not None:
            return None
        return self._side

    def peek(self, sql: str, params: Params = ()) -> list[Row] | None:
        """Rows of a small read, answered now on this thread; None when the caller must ``await`` instead.

        Only for cheap indexed lookups: the event loop waits while it runs.
        """
        side = self._side_free()
        return None if side is None else self._read_on(side, sql, params)

    @staticmethod
    def _read_on(side: Side, sql: str, params: Params) -> list[Row] | None:
        try:
            return side.read(sql, params)
        except sqlite3.OperationalError:  # busy, interrupted (too long for the loop), a TEMP table...
            return None

    async def write_soon(self, sql: str, params: Params = ()) -> WriteResult:
        """One small autocommit statement, committed when this returns: on this thread at once when
        the write lock is free, else on this thread once this task holds it, else (SQLite busy, too
        long for the loop, or the turn to checkpoint) on the shared connection."""
        side = self._side_free()
        if side is not None and (done := self._write_on(side, sql, params)) is not None:
            return done
        async with self._locked():
            side = self._side_under_lock() if side is None else None  # declined above: not again
            if side is not None and (done := self._write_on(side, sql, params)) is not None:
                return done
            return await self._run_write(sql, params)

    def _write_on(self, side: Side, sql: str, params: Params) -> WriteResult | None:
        self._quick_writes += 1
        if self._quick_writes % CHECKPOINT_EVERY == 0:
            return None  # through the shared connection: its commit checkpoints the WAL when due
        try:
            return side.write(sql, params)
        except sqlite3.OperationalError:  # busy or interrupted: a statement commits whole or not at all
            return None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        held = _current_tx.get()
        if held is not None:
            async with held.transaction() as nested:
                yield nested
            return
        async with self._write_lock, self._begin() as tx:
            yield tx

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[Transaction]:
        """A write transaction, for a caller that holds the write lock."""
        await self._run_write("BEGIN IMMEDIATE", ())
        tx = Transaction(self._conn)
        token = _current_tx.set(tx)
        try:
            yield tx
        except BaseException:
            if self._conn.in_transaction:  # SQLite already rolled back after some errors (a full disk)
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

    async def _quick(self, sql: str, params: Params) -> list[Row] | None:
        """A plain SELECT answered on the loop-thread connection, or None to take the usual path."""
        if self._side is None or not quick_read(sql):
            return None
        await asyncio.sleep(0)  # still a suspension point, as the worker-thread hop was (cancellation)
        return self.peek(sql, params)

    def _side_under_lock(self) -> Side | None:
        """The loop-thread connection for a caller that holds the write lock outside any transaction:
        no transaction of this process is open then, so it sees exactly what the shared one would.
        Without this, one call on the slow path (a write lock held for a thread hop) sends every call
        behind it down the slow path too, and under concurrent load the lock never comes free."""
        return self._side if _current_tx.get() is None else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        rows = await self._quick(sql, params)
        if rows is not None:
            return rows
        async with self._locked():
            if (rows := self._read_under_lock(sql, params)) is not None:
                return rows
            return await super().fetchall(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self._quick(sql, params)
        if rows is not None:
            return rows[0] if rows else None
        async with self._locked():  # a long result is not fetched whole for its first row
            if (rows := self._read_under_lock(sql, params)) is not None:
                return rows[0] if rows else None
            return await super().fetchone(sql, params)

    def _read_under_lock(self, sql: str, params: Params) -> list[Row] | None:
        side = self._side_under_lock()
        return None if side is None or not quick_read(sql) else self._read_on(side, sql, params)

    async def schema_version(self, scope: str = "core") -> int:
        value = await self.fetchval("SELECT MAX(version) FROM schema_migrations WHERE scope = ?", (scope,))
        return int(value or 0)

    async def references_to(self, table: str) -> list[tuple[str, str]]:
        """(table, column) of every foreign key that points at ``table``: the catalog is the dialect's."""
        refs = []
        for row in await self.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            for key in await self.fetchall(f"PRAGMA foreign_key_list({row['name']})"):
                if key["table"] == table:
                    refs.append((str(row["name"]), str(key["from"])))
        return refs

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
        pending = [(v, sql) for v, sql in sorted(migrations) if v > current]
        if not pending:
            return applied
        # A table rebuild (create, copy, DROP, RENAME: how SQLite changes a column's definition) must not
        # cascade or be refused by the tables that reference it; so foreign keys are off while the steps
        # run, under the write lock (no other statement runs meanwhile), and each step is checked instead.
        async with self._write_lock:
            await self._conn.execute("PRAGMA foreign_keys = OFF")
            try:
                # Only violations a step adds fail it (the lock is held: the base class's unlocked read).
                known = {tuple(r.values()) for r in await _Session.fetchall(self, "PRAGMA foreign_key_check")}
                for version, sql in pending:
                    async with self._begin() as tx:
                        try:
                            for statement in _split_sql(sql):
                                await tx.execute(statement)
                        except sqlite3.Error as exc:
                            raise MigrationError(f"migration {scope} v{version} failed: {exc}") from exc
                        broken = [r for r in await tx.fetchall("PRAGMA foreign_key_check")
                                  if tuple(r.values()) not in known]
                        if broken:
                            raise MigrationError(f"migration {scope} v{version} left {len(broken)} rows pointing at "
                                                 f"missing ones (first: {broken[0]})")
                        await tx.execute("INSERT INTO schema_migrations (scope, version) VALUES (?, ?)",
                                         (scope, version))
                    applied.append(version)
                    log.info("applied migration %s v%s", scope, version)
            finally:
                await self._conn.execute("PRAGMA foreign_keys = ON")
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


# The store either backend gives (``--db PATH`` or ``--db postgresql://...``, see server/app.py).
AnyStore: TypeAlias = "Store | PgStore"
AnyTransaction: TypeAlias = "Transaction | PgTransaction"


def dumps(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"), sort_keys=True)


class ImmediateWriter:
    """The store for one autocommit statement (``write_soon``: on the spot when it can be). Either
    way the row is committed when this returns."""

    __slots__ = ("store",)

    def __init__(self, store: AnyStore) -> None:
        self.store = store

    async def execute(self, sql: str, params: Any = ()) -> WriteResult:
        return await self.store.write_soon(sql, params)

    def __getattr__(self, name: str) -> Any:  # anything else is the store's, unchanged
        return getattr(self.store, name)
