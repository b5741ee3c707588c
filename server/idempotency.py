"""Idempotency keys for callers: the same key replays the first result and does nothing again.

A host that retries a ``tools/call`` after a timeout (the first one may well have sent the email)
passes a key of its own choosing, and the retry is then the same call, not a second one. The key
comes in the request's ``_meta`` (``idempotencyKey``, as proposed for MCP; ``idempotency_key`` too),
in ``execute_skill``'s arguments (a model can set that one), or ``pilothouse call --idempotency-key``.

    first use          the call runs; its result is kept under the key (the ``idempotency_keys`` table,
                       whose one owner is this file), with the skill and a fingerprint of its arguments
    same key again     the kept result, said to be a replay; nothing runs
    other call         refused: the key belongs to another skill or other arguments (a new call needs a
                       new key)
    while running      refused: the first call with the key has not finished yet
    interrupted        refused, with what is known: the first call's process stopped while it ran, so its
                       outcome is unknown; check, then use a new key

Only calls that ran are kept (a refusal before the skill ran, such as invalid arguments or a missing
confirmation, frees the key for the corrected call), and the ``confirm`` flag is not part of the
fingerprint (a host confirms on its retry). Reads take no key: there is nothing to repeat. Kept
results are deleted by retention after ``KEEP`` (a day), as clients retry within seconds.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from server.executor import CallResult
from server.scheduler import lease
from server.store import AnyStore, dumps
from skills import ErrorKind
from skills.context import Clock
from skills.contract import CONFIRM_FIELD

if TYPE_CHECKING:
    from server.app import App

META_KEYS = ("idempotencyKey", "idempotency_key")
KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces: a UUID, a ULID, "order-42-send"
KEEP = timedelta(days=1)
STALE = timedelta(minutes=10)  # longer than any skill's timeout: a call still "running" then is not


def key_from_meta(meta: Mapping[str, Any] | None) -> str | None:
    """The idempotency key a host put in a request's ``_meta``, if any."""
    for name in META_KEYS:
        value = (meta or {}).get(name)
        if value is not None:
            return str(value)
    return None


async def guarded(app: App, key: str | None, skill: str, arguments: Mapping[str, Any],
                  run: Callable[[], Awaitable[CallResult]]) -> CallResult:
    """``run()`` under ``key`` (see ``once``); without a key, for a read or an unknown skill, just ``run()``."""
    known = app.registry.skills.get(skill)
    if key is None or known is None or known.hints.read_only:
        return await run()
    return await once(app.store, app.clock, key, skill, arguments, run)


def _fingerprint(skill: str, arguments: Mapping[str, Any]) -> str:
    normalized = {k: v for k, v in arguments.items() if k != CONFIRM_FIELD}
    return hashlib.sha256(f"{skill}\n{json.dumps(normalized, sort_keys=True, default=str)}".encode()).hexdigest()


async def once(store: AnyStore, clock: Clock, key: str, skill: str, arguments: Mapping[str, Any],
               run: Callable[[], Awaitable[CallResult]]) -> CallResult:
    """``run()`` the first time ``key`` is used for this call; its kept result every time after."""
    if not KEY.match(key):
        return CallResult(skill, False, error_kind=ErrorKind.VALIDATION, outcome="neutral", message=(
            "the idempotency key must be 1 to 255 printable characters without spaces, e.g. a UUID"))
    now, fingerprint = clock.now(), _fingerprint(skill, arguments)
    holder = lease.new_holder_id("call")
    claimed = await store.execute(
        "INSERT INTO idempotency_keys (key, skill, fingerprint, status, holder, created_at) "
        "VALUES (?, ?, ?, 'running', ?, ?) ON CONFLICT (key) DO NOTHING", (key, skill, fingerprint, holder, _iso(now)))
    if claimed.rowcount != 1:
        return await _repeat(store, key, skill, fingerprint, now)
    try:
        result = await run()
    except BaseException:
        await store.execute("DELETE FROM idempotency_keys WHERE key = ? AND status = 'running'", (key,))
        raise
    if result.attempts or result.approval_id is not None:  # it ran (or was queued for a person): keep it
        await store.execute("UPDATE idempotency_keys SET status = 'done', result = ?, holder = NULL WHERE key = ?",
                            (dumps(_kept(result)), key))
    else:  # refused before it ran: the corrected call may use the key
        await store.execute("DELETE FROM idempotency_keys WHERE key = ? AND status = 'running'", (key,))
    return result


async def _repeat(store: AnyStore, key: str, skill: str, fingerprint: str, now: datetime) -> CallResult:
    row = await store.fetchone("SELECT skill, fingerprint, status, result, holder, created_at FROM idempotency_keys "
                               "WHERE key = ?", (key,))
    if row is None:  # freed between our insert and this read (the first call was refused): simply ask again
        return CallResult(skill, False, error_kind=ErrorKind.VALIDATION, outcome="neutral", message=(
            f"idempotency key {key!r} was just freed by a refused call; send the call again"))
    if (row["skill"], row["fingerprint"]) != (skill, fingerprint):
        return CallResult(skill, False, error_kind=ErrorKind.VALIDATION, outcome="neutral", message=(
            f"idempotency key {key!r} was first used at {row['created_at']} UTC for {row['skill']} with other "
            "arguments; it stands for that call only. A new call needs a new key."))
    if row["status"] == "running":
        started = datetime.fromisoformat(row["created_at"])
        if now - started < STALE and not lease.holder_gone(str(row["holder"] or "")):
            return CallResult(skill, False, error_kind=ErrorKind.VALIDATION, outcome="neutral", message=(
                f"the first call with idempotency key {key!r} (started {row['created_at']} UTC) is still running; "
                "ask again when it has finished, with the same key, to get its result"))
        return CallResult(skill, False, error_kind=ErrorKind.VALIDATION, outcome="neutral", message=(
            f"the first call with idempotency key {key!r} (started {row['created_at']} UTC) was interrupted: its "
            "process stopped while it ran, so whether it took effect is unknown. Check (the activity feed, the "
            "receiver), then use a new key if it must run."))
    kept = json.loads(row["result"])
    return CallResult(skill, kept["ok"], output=kept["output"], error_kind=ErrorKind(kept["error_kind"]) if
                      kept["error_kind"] else None, message=kept["message"], outcome=kept["outcome"], attempts=0,
                      activity_id=kept["activity_id"], approval_id=kept["approval_id"],
                      note=f"replayed: the result of the first call with idempotency key {key!r} "
                           f"({row['created_at']} UTC); nothing was done again")


def _kept(result: CallResult) -> dict[str, Any]:
    return {"ok": result.ok, "output": result.output, "error_kind": result.error_kind, "message": result.message,
            "outcome": result.outcome, "activity_id": result.activity_id, "approval_id": result.approval_id}


async def prune(store: AnyStore, before: str, batch: int) -> int:
    """Delete up to ``batch`` kept results older than ``before`` (retention; a client retries within seconds)."""
    result = await store.execute("DELETE FROM idempotency_keys WHERE key IN (SELECT key FROM idempotency_keys "
                                 "WHERE created_at < ? AND status = 'done' ORDER BY created_at LIMIT ?)",
                                 (before, batch))
    return result.rowcount


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
