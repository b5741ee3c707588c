"""Issuing and revoking tokens (``pilothouse tokens create|list|revoke``): the rules, not the SQL.

A name says who holds a token (a person: ``ada``; an integration: ``zapier-invoices``) and is what
every call it makes is recorded under. One token per name at a time: revoke the old one to
reissue. Tokens expire (``--expires 90d`` by default; ``never`` must be said), because one that
leaks should not work forever.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from server.access.scopes import OWNER_NAME, Scopes, parse
from server.errors import ConfigError
from server.store import AnyStore
from server.tables import access_tokens
from server.tables.access_tokens import PREFIX

NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
DEFAULT_EXPIRY = "90d"
UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@dataclass(frozen=True)
class Issued:
    name: str
    token: str  # shown once; only its digest is stored
    scopes: Scopes
    expires_at: str | None


def expiry(text: str, now: datetime) -> str | None:
    """``90d``, ``12h``, ``2w``, an ISO date or date-time, or ``never`` -> the expiry as stored (None: never)."""
    value = text.strip().lower()
    if value == "never":
        return None
    if (match := re.fullmatch(r"(\d+)([hdw])", value)) is not None:
        amount = int(match.group(1))
        if amount < 1:
            raise ConfigError("--expires must be at least 1 (e.g. 90d)")
        return (now + timedelta(**{UNITS[match.group(2)]: amount})).isoformat(timespec="seconds")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"--expires takes 90d, 12h, 2w, a date (2027-03-31) or never, not {text!r}") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)
    if moment <= now:
        raise ConfigError(f"--expires {text} is in the past; give a later date or a duration such as 90d")
    return moment.isoformat(timespec="seconds")


async def create(store: AnyStore, now: datetime, name: str, scopes: str, expires: str,
                 modules: list[str]) -> Issued:
    if not NAME.match(name):
        raise ConfigError(f"a token name is 1-63 lowercase letters, digits, '.', '_' or '-' (e.g. ada, "
                          f"zapier-invoices), not {name!r}")
    if name == OWNER_NAME:
        raise ConfigError(f"'{OWNER_NAME}' is the name of PILOTHOUSE_TOKEN's holder; choose another name")
    granted = parse(scopes, modules)
    expires_at = expiry(expires, now)
    token = PREFIX + secrets.token_urlsafe(32)
    async with store.transaction() as tx:
        if await access_tokens.active_named(tx, name) is not None:
            raise ConfigError(f"a token named {name!r} exists; revoke it first (pilothouse tokens revoke {name}) "
                              "or choose another name")
        await access_tokens.create(tx, name=name, token_hash=access_tokens.digest(token), scopes=str(granted),
                                   created_at=now.isoformat(timespec="seconds"), expires_at=expires_at)
    return Issued(name, token, granted, expires_at)


async def revoke(store: AnyStore, now: datetime, name: str) -> None:
    async with store.transaction() as tx:
        if not await access_tokens.revoke(tx, name, now.isoformat(timespec="seconds")):
            raise ConfigError(f"no active token named {name!r}; pilothouse tokens list shows them")


def status(row: dict[str, object], now: datetime) -> str:
    if row["revoked_at"]:
        return f"revoked {row['revoked_at']}"
    expires = row["expires_at"]
    if expires and str(expires) <= now.isoformat(timespec="seconds"):
        return f"expired {expires}"
    return f"active, expires {expires}" if expires else "active, never expires"
