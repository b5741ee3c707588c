"""``pilothouse business show|set|logo``: the business's identity on every document and customer email.

The same skills as over MCP (business_profile_get / business_profile_update, through the executor,
with the same checks); changing the profile decides where customers pay, so the person confirms it
once on the terminal (or passes --yes).
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path
from typing import Any

from server.cli.commands.call import confirmer
from server.cli.commands.common import add_json_flag, instance
from server.cli.output import CliError, emit_json, line

NUMBERS = {"payment_terms_days"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("business", help="the business profile: name, address, tax numbers, bank, logo, locale")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = actions.add_parser("show", help="every field, and what each kind of document still needs")
    add_json_flag(p)
    p.set_defaults(handler=show)
    p = actions.add_parser("set", help="change fields: legal_name='Acme Ltd' country=GB iban='GB33 ...' (empty clears)")
    p.add_argument("fields", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--yes", action="store_true", help="change it without being asked")
    p.set_defaults(handler=set_fields)
    p = actions.add_parser("logo", help="use a PNG or JPEG file as the logo on documents")
    p.add_argument("path", type=Path, metavar="FILE")
    p.add_argument("--yes", action="store_true", help="change it without being asked")
    p.set_defaults(handler=logo)


async def _call(args: argparse.Namespace, skill: str, arguments: dict[str, Any]) -> dict[str, Any]:
    async with instance(args) as app:
        result = await app.executor.call(skill, arguments, caller="cli", confirm=confirmer(getattr(args, "yes", False)))
    if not result.ok:
        raise CliError(result.message, code=1)
    return result.output or {}


async def show(args: argparse.Namespace) -> int:
    profile = await _call(args, "business_profile_get", {})
    if args.json:
        emit_json(profile)
        return 0
    missing = profile.pop("missing")
    logo_info = profile.pop("logo")
    width = max(len(k) for k in profile)
    for key, value in profile.items():
        line(f"{key.ljust(width)}  {'-' if value is None else value}")
    line(f"{'logo'.ljust(width)}  " + (f"{logo_info['mime_type']}, {logo_info['width']}x{logo_info['height']} px, "
                                      f"{logo_info['size']} bytes" if logo_info else "-"))
    for kind, fields in missing.items():
        line(f"{kind} cannot go out yet: set {'; '.join(fields)}")
    if not missing:
        line("every document and message may go out")
    return 0


async def set_fields(args: argparse.Namespace) -> int:
    values: dict[str, Any] = {}
    for pair in args.fields:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CliError(f"{pair!r} is not FIELD=VALUE; e.g. legal_name='Acme Ltd' (pilothouse business show "
                           "lists the fields)")
        if key in NUMBERS:
            if not value.isdigit():
                raise CliError(f"{key} must be a whole number of days, got {value!r}")
            values[key] = int(value)
        else:
            values[key] = value
    await _call(args, "business_profile_update", values)
    line(f"updated {', '.join(values)}; pilothouse business show lists the profile")
    return 0


async def logo(args: argparse.Namespace) -> int:
    try:
        data = args.path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read {args.path}: {exc.strerror}") from exc
    saved = await _call(args, "business_profile_update", {"logo_base64": base64.b64encode(data).decode()})
    logo_info = saved["logo"]
    line(f"logo set: {logo_info['mime_type']}, {logo_info['width']}x{logo_info['height']} px")
    return 0
