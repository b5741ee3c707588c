"""``pilothouse migrate-db --to postgresql://...``: move an instance's data from SQLite to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio

from server.cli.commands.common import instance
from server.cli.output import CliError, line
from server.db_location import is_postgres_url


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("migrate-db", help="copy this instance's SQLite data into an empty PostgreSQL database")
    parser.add_argument("--to", required=True, metavar="URL", help="the empty target, postgresql://user@host/db")
    parser.set_defaults(handler=lambda args: asyncio.run(_migrate(args)))


async def _migrate(args: argparse.Namespace) -> int:
    if not is_postgres_url(args.to):
        raise CliError(f"--to takes a postgresql:// URL, not {args.to!r}")
    from server.errors import ConfigError
    from server.postgres.copy import CopyError, copy_data, prepare
    from server.postgres.store import PgStore
    from server.store import Store

    async with instance(args) as app:
        if not isinstance(app.store, Store):
            raise CliError("migrate-db copies from a SQLite file: give it with --db PATH")
        try:
            target = await PgStore.open(args.to)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
        try:
            await prepare(target, app.registry)
            counts = await copy_data(app.store, target)
        except CopyError as exc:
            raise CliError(str(exc)) from exc
        finally:
            await target.close()
    wrong = [c for c in counts if c.source != c.target]
    rows = sum(c.source for c in counts)
    for c in counts:
        if c.source or c.target:
            line(f"{c.table:<32} {c.source:>8} -> {c.target:<8}{'' if c.source == c.target else '  MISMATCH'}")
    if wrong:
        raise CliError(f"{len(wrong)} table(s) differ after the copy: {', '.join(c.table for c in wrong)}")
    line(f"copied {rows} rows in {len(counts)} tables; every count matches. Run with --db {args.to}")
    return 0
