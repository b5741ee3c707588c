"""`pilothouse backup FILE`, `pilothouse restore FILE` and `pilothouse retention`: a way back, and bounded growth."""

from __future__ import annotations

import argparse

from server.backup import BackupError, backup, restore
from server.cli.commands.common import instance
from server.cli.output import CliError, line
from server.db_location import checked, default_db_path, is_postgres_url


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("backup", help="copy the database to FILE, consistently, even while a server runs")
    parser.add_argument("file", help="where to write the copy (a new file)")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.set_defaults(handler=run_backup)
    parser = sub.add_parser("restore", help="put a backup back in place of the database (with no process using it)")
    parser.add_argument("file", help="a file written by `pilothouse backup`")
    parser.set_defaults(handler=run_restore)
    parser = sub.add_parser("retention", help="apply the retention policy now (it also runs daily)")
    parser.add_argument("--days", type=int, help="keep this many days in full (default: $PILOTHOUSE_RETENTION_DAYS "
                                                 "or 90; 0 keeps everything)")
    parser.set_defaults(handler=run_retention)


def _db(args: argparse.Namespace) -> str:
    target = checked(args.db) if args.db else default_db_path()
    if is_postgres_url(target):  # SQLite's backup API copies a file; PostgreSQL has its own tools
        raise CliError(f"{args.command} copies a SQLite file; for PostgreSQL use pg_dump and pg_restore")
    return str(target)


def run_backup(args: argparse.Namespace) -> int:
    try:
        copied = backup(_db(args), args.file, overwrite=args.force)
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    line(f"backed up {_db(args)} to {copied.path} ({copied.bytes / 1e6:.1f} MB, schema v{copied.schema_version}, "
         "integrity ok)")
    return 0


async def run_restore(args: argparse.Namespace) -> int:
    try:
        restored = await restore(args.file, _db(args))
    except BackupError as exc:
        raise CliError(str(exc)) from exc
    copied = restored.copied
    line(f"restored {args.file} into {copied.path} ({copied.bytes / 1e6:.1f} MB, schema v{copied.schema_version}); "
         "the next start migrates it if it is older")
    line(restored.note or f"{restored.messages} message(s) and {restored.deliveries} webhook delivery(ies) sent since "
                          "the backup are marked sent: nothing goes out twice")
    return 0


async def run_retention(args: argparse.Namespace) -> int:
    from server.retention import apply

    if args.days is not None and args.days < 0:
        raise CliError("--days takes a number of days (0 keeps everything)")
    async with instance(args) as app:
        try:
            report = await apply(app.store, app.clock.now(), args.days)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
    line(report.summary())
    return 0
