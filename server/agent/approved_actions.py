"""The heartbeat's follow-through on approvals (the path that broke on the reference platform).

- Pending requests (approvals and shadow-mode proposals alike) past their 48 h expiry become ``expired``.
- Every ``approved`` request runs once, through the executor, as whoever asked (the agent, an
  automation, a platform job) with ``approved=True``; the approval ends ``executed`` or ``failed`` with the result. The
  row is claimed ``running`` before the call (compare-and-set), under a lease (``approval:<id>``)
  its process renews while the call runs, so a crash or a second process cannot run an approved
  action twice: at most once, as befits outward actions.
- A ``running`` request whose lease lapsed (its process died mid-run: kill -9, a lost machine)
  is ``uncertain``: whether it took effect is unknown, so it is neither called done nor run again.
  An activity row and a notification say what is known (the skill, its arguments, when it started,
  whether its writes commit with their activity row); a person says whether it happened
  (``pilothouse approvals resolve ID --happened|--did-not-happen``, or ``ops_resolve_uncertain``).
- The administrator is told about new requests (notification + outbox) and about
  approved actions that failed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from server import previews
from server.notify import approval_requested, notify_admin
from server.scheduler import lease
from server.store import dumps
from server.tables import activity, approvals

LEASE_S = 60.0  # a dead process's running request is named uncertain about this long after it died (other hosts)

if TYPE_CHECKING:
    from server.app import App
    from server.executor import Caller


@dataclass(frozen=True, slots=True)
class Settled:
    approval_id: int
    skill: str
    status: str  # executed | failed | expired | uncertain
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
    (the platform's follow-through while the agent is on). First, requests left running by a dead
    process are named uncertain."""
    done = await reap(app)
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
    holder, name = lease.new_holder_id("approval"), f"approval:{row['id']}"
    # The lease first, then the claim: a running row whose lease nobody holds is one whose process died.
    if not await lease.acquire(app.store, name, holder, ttl_s=LEASE_S, now=app.clock.now()):
        return None
    try:
        if not await approvals.claim(app.store, row["id"], holder=holder, result=dumps({"started_at": started})):
            return None  # another process took it
        async with lease.kept(app.store, name, holder, ttl_s=LEASE_S, clock=app.clock):
            return await _call(app, row, started)
    finally:
        await lease.release(app.store, name, holder)


async def _call(app: App, row: dict[str, Any], started: str) -> Settled:
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


async def reap(app: App) -> list[Settled]:
    """Name ``uncertain`` every running request whose process is gone (its lease lapsed, or its PID is
    dead on this host): what is known goes in an activity row and a notification, for a person."""
    found = []
    for row in await approvals.running(app.store):
        name, reaper = f"approval:{row['id']}", lease.new_holder_id("reaper")
        if not await lease.acquire(app.store, name, reaper, ttl_s=LEASE_S, now=app.clock.now()):
            continue  # its holder is alive: still running
        try:
            found.append(await _uncertain(app, row))
        finally:
            await lease.release(app.store, name, reaper)
    return [s for s in found if s is not None]


async def _uncertain(app: App, row: dict[str, Any]) -> Settled | None:
    now = app.clock.now()
    started = json.loads(row["result"] or "{}").get("started_at", "?")
    skill = app.registry.skills.get(row["skill"])
    known = ("its writes and its activity row commit together, and a crash rolls back both, so without an "
             f"activity row for it after {started} it did not happen" if skill is not None and skill.transactional
             and not skill.hints.open_world else "it reaches outside Pilothouse, so the effect may have happened "
             "even though nothing here recorded it: check with the receiver")
    detail = (f"approved action #{row['id']} ({row['skill']} with {row['arguments']}) was running, started at "
              f"{started} UTC by {row['holder']}, when its process stopped; whether it took effect is unknown: "
              f"{known}")
    async with app.store.transaction() as tx:
        if not await approvals.mark_uncertain(tx, row["id"], row["holder"], dumps(
                {"started_at": started, "uncertain_at": now.isoformat(timespec="seconds"), "detail": detail})):
            return None
        activity_id = await activity.write(
            tx, ts=now.isoformat(timespec="seconds"), caller="system", run_id=None, skill=row["skill"],
            module_id=skill.module_id if skill else None, arguments=json.loads(row["arguments"]), output_summary=None,
            status="error", outcome="neutral", error_kind="uncertain", error=detail, duration_ms=0, attempts=0)
        await notify_admin(
            tx, kind="approval_uncertain", key=f"approval:{row['id']}",
            title=f"Approved action {row['skill']} may or may not have run",
            body=f"{detail}.\nSay what happened: pilothouse approvals resolve {row['id']} --happened, or "
                 f"--did-not-happen to run it again (once).", now=now)
    return Settled(row["id"], row["skill"], "uncertain", detail[:500], activity_id)


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
                                     who="The agent", expires_at=r["expires_at"], now=app.clock.now(),
                                     outside=r["outside"])
    return int(rows[-1]["id"])
