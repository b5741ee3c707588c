"""``pilothouse notifications list|read``: what the platform told the administrator, agent or not.

The same rows as the ``ops_list_notifications`` tool; each one is also delivered to
``PILOTHOUSE_ADMIN_EMAIL`` / ``PILOTHOUSE_ADMIN_WEBHOOK`` when they are set (server/notify.py).
"""

from __future__ import annotations

import argparse
from typing import Any

from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line
from server.tables import notifications


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("notifications", help="what the platform told the administrator (paused skills, ...)")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="notifications, newest first, with what to do")
    p.add_argument("--unread", action="store_true", help="only the ones not marked read")
    p.add_argument("--kind", help="only this kind, e.g. skill_paused")
    p.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    add_json_flag(p)
    p.set_defaults(handler=list_notifications)
    p = actions.add_parser("read", help="mark notifications read: IDs, or --all")
    p.add_argument("ids", nargs="*", type=int, metavar="ID")
    p.add_argument("--all", action="store_true", help="every unread notification")
    p.set_defaults(handler=read)


async def list_notifications(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 200:
        raise CliError(f"--limit must be between 1 and 200, got {args.limit}")
    async with instance(args) as app:
        rows, total, _, _ = await notifications.page(app.store, unread_only=args.unread, kind=args.kind,
                                                     limit=args.limit)
        unread = await notifications.unread_count(app.store)
    if args.json:
        emit_json({"items": rows, "total": total, "unread": unread})
        return 0
    if not rows:
        line("no unread notifications" if args.unread else "no notifications")
        return 0
    for row in rows:
        _print(row)
    shown = f"{len(rows)} of {total}" if total > len(rows) else str(total)
    line(f"{shown} shown, {unread} unread" + ("; mark them read: pilothouse notifications read --all" if unread
                                               else ""))
    return 0


async def read(args: argparse.Namespace) -> int:
    if bool(args.ids) == args.all:
        raise CliError("give notification IDs or --all (not both): pilothouse notifications read 3 4, "
                       "or pilothouse notifications read --all")
    async with instance(args) as app:
        unknown = await notifications.missing(app.store, args.ids)
        if unknown:
            raise CliError(f"no notification #{', #'.join(map(str, unknown))}; "
                           "pilothouse notifications list shows them")
        marked = await notifications.mark_read(app.store, ids=None if args.all else args.ids,
                                               now=app.clock.now().isoformat(timespec="seconds"))
    line(f"marked {marked} notification{'' if marked == 1 else 's'} read")
    return 0


def _print(row: dict[str, Any]) -> None:
    state = "unread" if row["read_at"] is None else f"read {row['read_at']}"
    line(f"#{row['id']}  {row['created_at']}  {row['kind']}  ({state})")
    line(f"  {row['title']}")
    for text in row["body"].splitlines():
        line(f"    {text}" if text else "")
    line()
