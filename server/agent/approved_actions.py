"""The heartbeat's follow-through on approvals (the path that broke on the reference platform).

- Pending requests (approvals and shadow-mode proposals alike) past their 48 h expiry become ``expired``.
- Every ``approved`` request runs once, through the executor, as whoever asked (the agent, an
  automation, a platform job) with ``approved=True``; the approval ends ``executed`` or ``failed`` with the result. The
  row is claimed before the call (compare-and-set), so a crash or a second process
  cannot run an approved action twice: at most once, as befits outward actions.
- The administrator is told about new requests (notification + outbox) and about
  approved actions that failed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from server import previews
from server.notify import approval_requested, notify_admin
from server.store import dumps
from server.tables import approvals

if TYPE_CHECKING:
    from server.app import App
    from server.executor import Caller


@dataclass(frozen=True, slots=True)
class Settled:
    approval_id: int
    skill: str
    status: str  # executed | failed | expired
    detail: str
    activity_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def expire(app: App) -> list[Settled]:
    now = app.clock.now().isoformat(timespec="seconds")
    async with app.store.transaction() as tx:
        rows = await approvals.expire_due(tx, now)
    return [Settled(r["id"], r["skill"], "expired", f"nobody decided by {r['expires_at']}") for r in rows]


async def execute_approved(app: App, *, agents_too: bool = True) -> list[Settled]:
    """Run every approved request once. ``agents_too=False`` leaves the agent's own to its heartbeat
    (the platform's follow-through while the agent is on)."""
    done = []
    for row in await approvals.approved(app.store):
        if not agents_too and row["requested_by"] == "pilot":
            continue
        settled = await _run(app, row)
        if settled is not None:
            done.append(settled)
    return done


async def execute_one(app: App, approval_id: int) -> Settled | None:
    """Run one approved request now (``pilothouse approvals approve`` on a proposal); None when it is not
    approved or another process took it first."""
    row = await approvals.get(app.store, approval_id)
    return await _run(app, row) if row is not None and row["status"] == "approved" else None


async def _run(app: App, row: dict[str, Any]) -> Settled | None:
    started = app.clock.now().isoformat(timespec="seconds")
    if not await approvals.claim(app.store, row["id"], dumps({"started_at": started})):
        return None  # another process took it
    # Run as whoever asked (the agent, an automation, a platform job): the activity row says so.
    caller: Caller = "automation" if row["requested_by"] == "automation" else (
        "system" if row["requested_by"] == "system" else "pilot")
    result = await app.executor.call(row["skill"], json.loads(row["arguments"]), caller=caller,
                                     run_id=row["run_id"], approved=True)
    status = "executed" if result.ok else "failed"
    detail = result.text if result.ok else f"{result.error_kind}: {result.message}"
    async with app.store.transaction() as tx:
        await approvals.settle(tx, row["id"], status=status, result=dumps(
            {"ok": result.ok, "activity_id": result.activity_id, "detail": detail[:2000], "started_at": started}))
        if not result.ok:
            await notify_admin(tx, kind="approval_failed", title=f"Approved action {row['skill']} failed",
                               body=f"Approval #{row['id']} ran and failed: {detail}", now=app.clock.now())
    return Settled(row["id"], row["skill"], status, detail[:500], result.activity_id)


async def notify_new_requests(app: App, after_id: int) -> int:
    """Tell the administrator about pending requests newer than ``after_id``; returns the new cursor."""
    rows = await approvals.pending_after(app.store, after_id)
    if not rows:
        return after_id
    async with app.store.transaction() as tx:
        for r in rows:
            shown = previews.loaded(r["preview"])
            await approval_requested(tx, approval_id=r["id"], skill=r["skill"],
                                     preview=shown.text() if shown else f"{r['skill']} with {r['arguments']}",
                                     who="The agent", expires_at=r["expires_at"], now=app.clock.now())
    return int(rows[-1]["id"])
