"""The ``access_tokens`` table: tokens per person and per integration, kept only as SHA-256 digests.

A token is 32 random bytes (``ph_`` + URL-safe text), so a plain SHA-256 is the right store for it:
there is nothing to guess, and a database leak gives no usable token. The token's text is shown
once, when it is created. A token is looked up by its digest on every request (no cache), so a
revocation or an expiry counts at once, in every process sharing the database.
"""

from __future__ import annotations

import hashlib

from skills.context import Database, Row

COLUMNS = "id, name, scopes, created_at, expires_at, revoked_at"
PREFIX = "ph_"  # every token this table knows starts so (the verifier asks the table only for these)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create(db: Database, *, name: str, token_hash: str, scopes: str, created_at: str,
                 expires_at: str | None) -> int:
    result = await db.execute(
        "INSERT INTO access_tokens (name, token_hash, scopes, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (name, token_hash, scopes, created_at, expires_at))
    return int(result.lastrowid or 0)


async def active_named(db: Database, name: str) -> Row | None:
    """The token called ``name`` that is not revoked (expired or not), if any."""
    return await db.fetchone(f"SELECT {COLUMNS} FROM access_tokens WHERE name = ? AND revoked_at IS NULL", (name,))


async def by_hash(db: Database, token_hash: str) -> Row | None:
    return await db.fetchone(f"SELECT {COLUMNS} FROM access_tokens WHERE token_hash = ?", (token_hash,))


async def listing(db: Database) -> list[Row]:
    """Every token, newest first (revoked ones too: the activity log names them)."""
    return await db.fetchall(f"SELECT {COLUMNS} FROM access_tokens ORDER BY id DESC")


async def revoke(db: Database, name: str, now: str) -> int:
    """Revoke the token called ``name``; how many rows changed (0: none by that name was active)."""
    result = await db.execute("UPDATE access_tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                              (now, name))
    return int(result.rowcount or 0)


async def any_active(db: Database, now: str) -> bool:
    """Whether a token not revoked nor expired exists: then HTTP asks every caller for one."""
    found = await db.fetchval("SELECT 1 FROM access_tokens WHERE revoked_at IS NULL AND "
                              "(expires_at IS NULL OR expires_at > ?) LIMIT 1", (now,))
    return found is not None
