"""Queueing a call for a person: an approval (an approve-level call nobody could confirm, or the
agent's outward call after its run read outside content) or a proposal (the agent's write in shadow
mode). One pending request per skill and normalized arguments: a repeat is that request. The call's
one activity row is written with it, ``pending``; the outside content the run had read rides along.
Each request keeps the preview of what approving it does (server/previews.py), computed when it
is asked, and the administrator's notification says it in words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from server import previews
from server.notify import approval_requested
from server.tables import activity, approvals
from server.trust.gate import request_message
from skills import Clock, ErrorKind, Skill
from skills.context import Database

APPROVAL_TTL = timedelta(hours=48)  # proposals expire like approvals
WHO = {"automation": "An automation", "system": "A platform job"}


@dataclass(frozen=True, slots=True)
class Queued:
    request_id: int
    message: str
    activity_id: int
    duration_ms: float


async def queue(store: Any, clock: Clock, skill: Skill, normalized: str, values: dict[str, Any],
                arguments: dict[str, Any], run_id: str | None, caller: str, started: float, kind: str, why: str = "",
                outside: str | None = None) -> Queued:
    """``store``: the executor's Store (a transaction is opened on it). ``normalized``: the arguments as
    the input model dumps them, the text two equal calls share; ``values``: the validated parameters."""
    now = clock.now()
    expires_at = (now + APPROVAL_TTL).isoformat(timespec="seconds")
    now_iso = now.isoformat(timespec="seconds")
    preview = await previews.compute(store, clock, skill, values, caller=caller)  # reads: before the write lock
    async with store.transaction() as tx:
        db: Database = tx
        request_id, new = await approvals.queue(
            db, skill=skill.name, arguments=normalized, run_id=run_id, requested_by=caller,
            requested_at=now_iso, expires_at=expires_at, kind=kind, outside=outside,
            preview=previews.stored(preview))
        message = request_message(kind, skill.name, request_id, new, why)
        if new and caller != "pilot":  # the heartbeat tells the admin about the agent's own requests
            await approval_requested(db, approval_id=request_id, skill=skill.name, preview=preview.text(),
                                     who=WHO[caller], expires_at=expires_at, now=now, outside=outside)
        duration = (time.perf_counter() - started) * 1000
        activity_id = await activity.write(
            db, ts=now_iso, caller=caller, run_id=run_id, skill=skill.name, module_id=skill.module_id,
            arguments=arguments, output_summary=None, status="pending", outcome="too_early",
            error_kind=ErrorKind.APPROVAL_REQUIRED, error=message, duration_ms=duration, attempts=0,
        )
    return Queued(request_id, message, activity_id, duration)
