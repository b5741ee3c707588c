"""``pilothouse tokens create|list|revoke``: a token per person and per integration, for HTTP clients.

    pilothouse tokens create ada --scopes "invoicing:read crm:write" --expires 90d
    pilothouse tokens list
    pilothouse tokens revoke ada          # its next request is refused (401), in every process

The token is printed once; only its SHA-256 is stored. Scopes: server/access/scopes.py.
"""

from __future__ import annotations

import argparse

from server.access import issue
from server.access.scopes import SYNTAX
from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line, table
from server.errors import ConfigError
from server.tables import access_tokens


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("tokens", help="access tokens per person and integration: create, list, revoke")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("create", help="issue a token (printed once) with scopes and an expiry")
    p.add_argument("name", help="who holds it: a person (ada) or an integration (zapier-invoices)")
    p.add_argument("--scopes", required=True, help=f"what it may do: {SYNTAX}")
    p.add_argument("--expires", default=issue.DEFAULT_EXPIRY,
                   help="90d, 12h, 2w, a date (2027-03-31) or never (default 90d)")
    add_json_flag(p)
    p.set_defaults(handler=create)
    p = actions.add_parser("list", help="every token: name, scopes, status (never the token itself)")
    add_json_flag(p)
    p.set_defaults(handler=list_tokens)
    p = actions.add_parser("revoke", help="revoke a token by name: refused at once")
    p.add_argument("name")
    p.set_defaults(handler=revoke)


async def create(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        try:
            issued = await issue.create(app.store, app.clock.now(), args.name, args.scopes, args.expires,
                                        list(app.registry.modules))
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    if args.json:
        emit_json({"name": issued.name, "token": issued.token, "scopes": str(issued.scopes),
                   "expires_at": issued.expires_at})
        return 0
    line(f"token for {issued.name} (scopes: {issued.scopes}; "
         f"{'expires ' + issued.expires_at if issued.expires_at else 'never expires'}):")
    line(f"  {issued.token}")
    line("It is shown only now. Clients send it as 'Authorization: Bearer <token>'.")
    return 0


async def list_tokens(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        rows = await access_tokens.listing(app.store)
        now = app.clock.now()
    shown = [{**row, "status": issue.status(row, now)} for row in rows]
    if args.json:
        emit_json(shown)
    elif not rows:
        line("no tokens; create one: pilothouse tokens create NAME --scopes ...")
    else:
        table(shown, ["name", "scopes", "created_at", "status"])
    return 0


async def revoke(args: argparse.Namespace) -> int:
    async with instance(args) as app:
        try:
            await issue.revoke(app.store, app.clock.now(), args.name)
        except ConfigError as exc:
            raise CliError(str(exc)) from exc
    line(f"revoked {args.name}: its next request is refused")
    return 0
