"""Copy an instance's SQLite data into an empty PostgreSQL database (``pilothouse migrate-db``).

The target gets the schema from the same migrations (core and every module, at the versions the
code has), then every table's rows in one transaction, parents before children (PostgreSQL checks
foreign keys row by row), then each identity sequence moves past the copied ids. Last, every
table's row count is compared on both sides: a copy that does not match is reported, not hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from server.postgres.store import PgStore
from server.registry import Registry
from server.schema import CORE_MIGRATIONS
from server.store import Store

CHUNK = 500


class CopyError(RuntimeError):
    pass


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


async def prepare(target: PgStore, registry: Registry) -> None:
    """Refuse a database that holds tables already; else create the schema by the migrations."""
    existing = await target.fetchall(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name != 'schema_migrations' ORDER BY table_name")
    if existing:
        names = ", ".join(r["table_name"] for r in existing[:5])
        raise CopyError(f"the target database is not empty (tables: {names}...); give an empty database, "
                        "e.g. createdb pilothouse")
    await target.migrate("core", CORE_MIGRATIONS)
    for module in registry.modules.values():
        await target.migrate(f"module:{module.id}", [(m.version, m.sql) for m in module.migrations])


def _parents_first(tables: list[str], parents: dict[str, set[str]]) -> list[str]:
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(table: str) -> None:
        if table in seen:
            return
        seen.add(table)
        for parent in sorted(parents.get(table, ())):
            if parent != table and parent in tables:
                visit(parent)
        ordered.append(table)

    for table in tables:
        visit(table)
    return ordered


async def _tables(source: Store) -> list[str]:
    rows = await source.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                                 " AND name != 'schema_migrations' ORDER BY name")
    tables = [r["name"] for r in rows]
    parents = {t: {r["table"] for r in await source.fetchall(f'PRAGMA foreign_key_list("{t}")')} for t in tables}
    return _parents_first(tables, parents)


def _chunks(rows: list[tuple[object, ...]]) -> Iterable[list[tuple[object, ...]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start:start + CHUNK]


async def copy_data(source: Store, target: PgStore) -> list[TableCount]:
    tables = await _tables(source)
    present = {r["table_name"] for r in await target.fetchall(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    missing = [t for t in tables if t not in present]
    if missing:
        raise CopyError(f"tables the target has no migration for: {', '.join(missing)} (a module that is not "
                        "installed here?); install it and run migrate-db again")
    async with target.transaction() as tx:
        for table in tables:
            columns = [r["name"] for r in await source.fetchall(f'PRAGMA table_info("{table}")')]
            rows = [tuple(r[c] for c in columns) for r in await source.fetchall(
                f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY rowid')]
            quoted = ", ".join(f'"{c}"' for c in columns)
            for chunk in _chunks(rows):
                await tx.executemany(
                    f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(columns))})', chunk)
            has_id = "id" in columns
            sequence = await tx.fetchval("SELECT pg_get_serial_sequence(?, 'id')", (table,)) if has_id else None
            if sequence is not None and rows:  # the next generated id follows the copied ones
                await tx.fetchval(f'SELECT setval(?, MAX(id)) FROM "{table}"', (sequence,))
    counts = []
    for table in tables:
        counts.append(TableCount(table, int(await source.fetchval(f'SELECT COUNT(*) FROM "{table}"')),
                                 int(await target.fetchval(f'SELECT COUNT(*) FROM "{table}"'))))
    return counts
