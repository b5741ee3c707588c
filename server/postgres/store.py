"""The PostgreSQL store: the SQLite store's interface over a psycopg 3 async connection pool.

Why psycopg 3 (with psycopg_pool) and not asyncpg: the code's SQL passes loosely typed ``?``
parameters (text compared with ``COALESCE(?, col)``, ints, NULLs in any position). psycopg sends
a Python ``str`` as an untyped literal and lets the server infer its type, as SQLite does;
asyncpg prepares every statement and refuses a value whose Python type does not match the
inferred one. psycopg's ``%s`` style also makes the placeholder rewrite a plain text
substitution (server/postgres/dialect.py), and its pool is maintained with the driver.

Unlike SQLite there is no process-wide write lock: PostgreSQL serializes conflicting writes with
row locks, so several instances write to one database at once. A transaction holds one pooled
connection from BEGIN to COMMIT; a statement outside one runs in autocommit on any connection.
Store-level calls made while the task holds a transaction reuse it (as in the SQLite store), so
a handler's nested helper never waits on a row lock its own transaction holds.

``peek`` (the SQLite store's loop-thread fast path) always declines here; ``write_soon`` is ``execute``.
"""

from __future__ import annotations

import contextvars
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import psycopg
import psycopg_pool
from psycopg.abc import Buffer
from psycopg.adapt import Loader
from psycopg.rows import dict_row

from server.errors import ConfigError, MigrationError
from server.postgres.compat import COMPAT_SQL
from server.postgres.dialect import Statement, split_script, translate
from skills.context import Params, Row, WriteResult

log = logging.getLogger(__name__)

# Migrations of every instance on one database run one at a time (pg_advisory_lock's key).
MIGRATION_LOCK = 0x50696C6F  # "Pilo"
POOL_MAX = 10

Conn = psycopg.AsyncConnection[Row]


def _shown(dsn: str) -> str:
    """The URL without its password (for messages and ``store.path``)."""
    return re.sub(r"//([^:@/]*):[^@/]*@", r"//\1@", dsn)


def _params(params: Params) -> Params:
    # A Python bool is a PostgreSQL boolean, which the code's 0/1 INTEGER flag columns refuse.
    if isinstance(params, dict):
        return {k: int(v) if type(v) is bool else v for k, v in params.items()}
    return tuple(int(v) if type(v) is bool else v for v in params)


class _SqliteNumber(Loader):
    """numeric as SQLite would answer: SUM over bigint (numeric here) an int, AVG or x * 1.0 / y a float.
    A float for a whole sum would spoil integer money arithmetic (and pydantic's int fields) downstream."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data)
        return int(text) if text.lstrip(b"-").isdigit() else float(text)  # 12.50, 1e3, NaN, Infinity


async def _configure(conn: Conn) -> None:
    conn.adapters.register_loader("numeric", _SqliteNumber)
    await conn.set_autocommit(True)


# A step that rebuilds a table (create anew, copy the rows with their ids, rename) leaves its identity at 1.
_REBUILT = re.compile(r"\bRENAME\s+TO\b", re.I)


class _Session:
    """Statements on one connection (a transaction's) or on any pooled one (autocommit)."""

    _store: PgStore

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[Conn]:
        raise NotImplementedError
        yield  # pragma: no cover

    async def _run(self, sql: str, params: Params, many: bool = False) -> WriteResult:
        named = isinstance(params, dict) or (many and any(isinstance(p, dict) for p in params))
        statement = translate(sql, named)
        text = await self._store._returning(statement)
        async with self._conn() as conn, conn.cursor() as cur:
            if many:
                await cur.executemany(text, [_params(p) for p in params])
                return WriteResult(cur.rowcount, None)
            await cur.execute(text, _params(params))
            lastrowid = None
            if text is not statement.text and cur.description is not None:
                row = await cur.fetchone()
                lastrowid = None if row is None else int(row["id"])
            return WriteResult(cur.rowcount, lastrowid)

    async def execute(self, sql: str, params: Params = ()) -> WriteResult:
        return await self._run(sql, params)

    async def executemany(self, sql: str, rows: Sequence[Params]) -> WriteResult:
        async with self.transaction() as tx:
            return await tx._run(sql, rows, many=True)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._conn() as conn, conn.cursor() as cur:
            await cur.execute(translate(sql, isinstance(params, dict)).text, _params(params))
            return await cur.fetchall() if cur.description is not None else []

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn() as conn, conn.cursor() as cur:
            await cur.execute(translate(sql, isinstance(params, dict)).text, _params(params))
            return await cur.fetchone() if cur.description is not None else None

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else next(iter(row.values()))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTransaction]:
        raise NotImplementedError
        yield  # pragma: no cover


class PgTransaction(_Session):
    """Statements inside one BEGIN ... COMMIT on one connection. Nested use is a savepoint."""

    def __init__(self, store: PgStore, conn: Conn) -> None:
        self._store = store
        self._connection = conn

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[Conn]:
        yield self._connection

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTransaction]:
        async with self._connection.transaction():
            yield self


class PgStore(_Session):
    def __init__(self, pool: psycopg_pool.AsyncConnectionPool[Conn], dsn: str) -> None:
        self._store = self
        self._pool = pool
        self.path = _shown(dsn)
        self.dsn = dsn
        self._tx: contextvars.ContextVar[PgTransaction | None] = contextvars.ContextVar(
            f"pilothouse_pg_tx_{id(self)}", default=None)
        self._has_id: dict[str, bool] = {}  # table -> has an identity ``id`` (an INSERT returns it)

    @classmethod
    async def open(cls, dsn: str, *, max_size: int = POOL_MAX) -> PgStore:
        try:  # one plain connection first: its error says what is wrong (refused, no such database...)
            probe = await psycopg.AsyncConnection.connect(dsn, connect_timeout=10)
        except psycopg.Error as exc:
            raise ConfigError(f"cannot connect to PostgreSQL at {_shown(dsn)}: {str(exc).strip()}; check --db or "
                              "PILOTHOUSE_DB (postgresql://user@host:port/database)") from exc
        await probe.close()
        pool: psycopg_pool.AsyncConnectionPool[Conn] = psycopg_pool.AsyncConnectionPool(
            dsn, min_size=1, max_size=max_size, open=False, configure=_configure,
            kwargs={"row_factory": dict_row, "autocommit": True}, name="pilothouse")
        try:
            await pool.open(wait=True, timeout=15)
        except psycopg_pool.PoolTimeout as exc:
            raise ConfigError(f"cannot connect to PostgreSQL at {_shown(dsn)}: {exc}") from exc
        store = cls(pool, dsn)
        await store._migrate_locked("postgres_compat", [(1, COMPAT_SQL)], raw=True)
        collation = await store.fetchval("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        if collation not in ("C", "POSIX"):  # timestamps are ISO text compared as strings
            log.warning("database collation is %s, not C: text (and so time) order may differ from SQLite's; "
                        "create it with: createdb -T template0 --lc-collate=C NAME", collation)
        return store

    async def close(self) -> None:
        await self._pool.close()

    def peek(self, sql: str, params: Params = ()) -> list[Row] | None:
        return None

    async def write_soon(self, sql: str, params: Params = ()) -> WriteResult:
        return await self.execute(sql, params)

    @asynccontextmanager
    async def _conn(self) -> AsyncIterator[Conn]:
        held = self._tx.get()
        if held is not None:
            yield held._connection
            return
        async with self._pool.connection() as conn:
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgTransaction]:
        held = self._tx.get()
        if held is not None:
            async with held.transaction() as nested:
                yield nested
            return
        async with self._pool.connection() as conn, conn.transaction():
            tx = PgTransaction(self, conn)
            token = self._tx.set(tx)
            try:
                yield tx
            finally:
                self._tx.reset(token)

    async def _returning(self, statement: Statement) -> str:
        """The statement's text, with ``RETURNING id`` for an INSERT into a table with an identity id."""
        table = statement.insert_into
        if table is None:
            return statement.text
        if table not in self._has_id:
            async with self._pool.connection() as conn, conn.cursor() as cur:
                await cur.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
                                  " AND table_name = %s AND column_name = 'id' AND is_identity = 'YES'", (table,))
                self._has_id[table] = await cur.fetchone() is not None
        return statement.text + " RETURNING id" if self._has_id[table] else statement.text

    async def schema_version(self, scope: str = "core") -> int:
        value = await self.fetchval("SELECT MAX(version) FROM schema_migrations WHERE scope = ?", (scope,))
        return int(value or 0)

    async def references_to(self, table: str) -> list[tuple[str, str]]:
        """(table, column) of every foreign key that points at ``table``, from PostgreSQL's catalog."""
        rows = await self.fetchall(
            "SELECT c.conrelid::regclass::text AS source, a.attname AS col FROM pg_constraint c"
            " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)"
            " WHERE c.contype = 'f' AND c.confrelid = ?::regclass ORDER BY 1, 2", (table,))
        return [(str(r["source"]), str(r["col"])) for r in rows]

    async def migrate(self, scope: str, migrations: Sequence[tuple[int, str]]) -> list[int]:
        """Apply the migrations of ``scope`` newer than what the database has. Idempotent, and safe
        with several instances starting at once: they take turns on an advisory lock."""
        return await self._migrate_locked(scope, migrations, raw=False)

    async def _migrate_locked(self, scope: str, migrations: Sequence[tuple[int, str]], *, raw: bool) -> list[int]:
        applied: list[int] = []
        async with self._pool.connection() as conn:
            await conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (scope TEXT NOT NULL, version INTEGER NOT NULL,"
                    " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (scope, version))")
                cur = await conn.execute("SELECT MAX(version) AS v FROM schema_migrations WHERE scope = %s", (scope,))
                row = await cur.fetchone()
                current = int((row or {}).get("v") or 0)
                for version, sql in sorted(migrations):
                    if version <= current:
                        continue
                    async with conn.transaction():
                        try:
                            for statement in split_script(sql):
                                await conn.execute(statement if raw else translate(statement).text.replace("%%", "%"))
                            if _REBUILT.search(sql):  # a rebuilt table: its new identity starts after its ids
                                await _resync_identities(conn)
                        except psycopg.Error as exc:
                            raise MigrationError(f"migration {scope} v{version} failed: {exc}") from exc
                        await conn.execute("INSERT INTO schema_migrations (scope, version) VALUES (%s, %s)",
                                           (scope, version))
                    applied.append(version)
                    log.info("applied migration %s v%s", scope, version)
            finally:
                await conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        if applied:
            self._has_id.clear()
        return applied


async def _resync_identities(conn: Conn) -> None:
    """Move every identity sequence past the ids its table holds: a table a migration rebuilt (created,
    filled with the old rows' ids, renamed) would otherwise hand out id 1 again. A sequence is only ever
    moved forward, so an id deleted since is never handed out again either."""
    cur = await conn.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = "
                             "current_schema() AND column_name = 'id' AND is_identity = 'YES'")
    for row in await cur.fetchall():
        table = row["table_name"]
        found = await (await conn.execute(
            f'SELECT pg_get_serial_sequence(%s, %s) AS seq, COALESCE(MAX(id), 0) AS top FROM "{table}"',
            (table, "id"))).fetchone()
        if found is None or found["seq"] is None:
            continue
        state = await (await conn.execute(f"SELECT last_value, is_called FROM {found['seq']}")).fetchone()
        following = state["last_value"] + (1 if state["is_called"] else 0) if state else 1
        if found["top"] >= following:
            await conn.execute("SELECT setval(%s, %s, false)", (found["seq"], found["top"] + 1))
