"""One heartbeat cycle of the agent (default every 30 minutes; optional active hours).

    gate (pilot on, active hours) -> lease "heartbeat" -> reap a crashed cycle -> backoff (layer 5)
    -> expire old approvals, run approved actions -> resume an interrupted run from its checkpoint
    -> idle short-circuit (no active objective: no model call, no cost) -> gather context, sized to
       the answering model's window (lean for a small one: server/agent/budget.py)
    -> reasoning loop (fast tier, 120k tokens or the model's window, 15 iterations, wall-clock cap)
    -> notify new approval requests -> save heartbeat_state -> log (heartbeats row + activity row)

Statuses in ``heartbeats``: ok, idle, failed, timeout, skipped (backoff or shutdown) and
running while in flight. ``failed`` and ``timeout`` build the backoff streak; a cycle
found ``running`` by the next one (its process died) is reaped as ``failed``. The backoff paces
the schedule: a cycle a person asks for (``requested_by``: ``heartbeat --once``) always runs, and
its record says who asked and which streak it did not wait for.
Not recorded (nothing ran): the agent is off, outside active hours, or another process
holds the lease.
"""

from __future__ import annotations

import logging
import random
import time
from typing import TYPE_CHECKING

import anyio

from server.agent import approved_actions
from server.agent.bootstrap import agent_enabled
from server.agent.budget import LoopBudget, model_budget
from server.agent.context import active_objectives, gather, release_objectives
from server.agent.cycle_record import CycleRecord, finish, load_state, save_state, start
from server.agent.reasoning_step import Reasoner, interrupted, reason
from server.agent.settings import AgentSettings, load
from server.providers.chain import ProviderChain
from server.providers.errors import NoProviderAvailable
from server.resilience import backoff
from server.scheduler import lease
from server.tables import activity, runs
from server.telemetry.agent import traced_cycle
from server.trust.review import link_objectives

if TYPE_CHECKING:
    from server.app import App

log = logging.getLogger(__name__)

LEASE = "heartbeat"


async def run_cycle(
    app: App, *, rng: random.Random | None = None, holder: str | None = None, requested_by: str | None = None,
    reasoner: Reasoner | None = None,
) -> CycleRecord:
    """Run one cycle now. ``requested_by``: the person who asked (``cli``: ``pilothouse heartbeat
    --once``); such a cycle ignores active hours and the backoff, which pace the schedule."""
    now = app.clock.now()
    if not await agent_enabled(app):
        return CycleRecord.unrecorded("off", "the agent is off; turn it on with: pilothouse agent enable", now)
    settings = await load(app)
    if requested_by is None and not settings.within_active_hours(now):
        return CycleRecord.unrecorded("outside_hours", f"outside active hours {settings.active_hours} "
                                                         f"({settings.timezone})", now)
    holder = holder or lease.new_holder_id("heartbeat")
    # A short lease, renewed while the cycle runs: a dead holder on this host is taken over at once,
    # one on another host after SHORT_TTL_S.
    if not await lease.acquire(app.store, LEASE, holder, ttl_s=lease.SHORT_TTL_S, now=now):
        info = await lease.holder_of(app.store, LEASE, now)
        who = f"{info.holder} until {info.expires_at}" if info else "another process"
        return CycleRecord.unrecorded("busy", f"another heartbeat is running ({who})", now)
    try:
        async with lease.kept(app.store, LEASE, holder, ttl_s=lease.SHORT_TTL_S, clock=app.clock):
            return await _locked_cycle(app, settings, rng or random.Random(), reasoner, requested_by)
    finally:
        with anyio.CancelScope(shield=True):
            await lease.release(app.store, LEASE, holder)


@traced_cycle
async def _locked_cycle(app: App, settings: AgentSettings, rng: random.Random,
                        reasoner: Reasoner | None, requested_by: str | None) -> CycleRecord:
    reaped = await runs.reap_running(app.store, _iso(app))
    if reaped:
        log.warning("heartbeat: %s interrupted cycle(s) recorded as failed", reaped)
    if requested_by is None:
        decision = await backoff.decide(app.store, rng)
    else:  # a person asked: the backoff is for the schedule
        decision = backoff.BackoffDecision(False, await backoff.failure_streak(app.store), 0.0)
    record = await start(app)
    record.requested_by = requested_by
    record.waived_streak = decision.streak if requested_by and decision.streak >= backoff.STREAK_START else 0
    if decision.skip:
        record.status = "skipped"
        record.reason = (f"backing off after {decision.streak} failed cycles in a row "
                         f"(skip probability {decision.probability:.0%})")
        return await _close(app, record, state_too=False)
    started = time.perf_counter()
    try:
        await _work(app, settings, record, reasoner)
    except anyio.get_cancelled_exc_class():
        # Shutdown (SIGINT/SIGTERM) or the agent was turned off: the run's checkpoint is kept,
        # the next cycle resumes it. Not a failure, so it does not feed the backoff streak.
        with anyio.CancelScope(shield=True), anyio.move_on_after(10):
            record.status, record.reason = "skipped", "interrupted (shutdown or agent turned off); resumes next cycle"
            await _close(app, record)
        raise
    except NoProviderAvailable as exc:  # expected until a provider is set up: its message says how, no traceback
        log.warning("heartbeat cycle failed: %s", exc)
        record.status, record.reason = "failed", f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        log.exception("heartbeat cycle failed")
        record.status, record.reason = "failed", f"{type(exc).__name__}: {exc}"
    record.duration_ms = round((time.perf_counter() - started) * 1000, 1)
    return await _close(app, record)


async def _work(app: App, settings: AgentSettings, record: CycleRecord, reasoner: Reasoner | None) -> None:
    record.approvals = [s.as_dict() for s in await approved_actions.expire(app)]
    record.approvals += [s.as_dict() for s in await approved_actions.execute_approved(app)]
    waiting = await interrupted(app)
    if waiting is not None:
        record.resumed_run = waiting
        outcome = await reason(app, settings, record, reasoner, resume_run_id=waiting)
        record.apply(outcome)
        return
    if not await active_objectives(app.store, app.clock.now()):
        record.status, record.reason = "idle", "no active objective: nothing to do, no model call"
        return
    ctx = await gather(app, settings, budget=await _budget(app, settings))
    record.context_chars, record.objectives, record.dropped = ctx.chars, ctx.objective_ids, ctx.dropped
    try:
        outcome = await reason(app, settings, record, reasoner, system_prompt=ctx.system_prompt,
                               user_message=ctx.user_message, focus=ctx.focus)
    finally:
        with anyio.CancelScope(shield=True):
            await release_objectives(app, ctx.objective_ids)
    record.apply(outcome)
    await link_objectives(app, record.run_id, ctx.objective_ids)  # what its shadow proposals served


async def _budget(app: App, settings: AgentSettings) -> LoopBudget | None:
    """The budget of the model that would answer, so the context fits its window (None: the loop says why)."""
    async with ProviderChain.for_app(app) as chain:
        try:
            return await model_budget(chain, settings.model_tier)
        except NoProviderAvailable:
            return None


async def _close(app: App, record: CycleRecord, *, state_too: bool = True) -> CycleRecord:
    if state_too:
        state = await load_state(app)
        state["approvals_notified_through"] = await approved_actions.notify_new_requests(
            app, int(state.get("approvals_notified_through", 0)))
        await save_state(app, record, state)
    await finish(app, record)
    async with app.store.transaction() as tx:
        failed = record.status in backoff.FAILED
        caller, status = record.requested_by or "system", "error" if failed else "ok"
        outcome = {"ok": "success", "idle": "no_effect", "skipped": "neutral"}.get(record.status, "negative")
        await activity.write(  # an idle or skipped scheduled cycle is counted only: its heartbeats row says it
            tx, ts=_iso(app), caller=caller, run_id=record.run_id, skill="heartbeat", module_id="pilot",
            arguments={"heartbeat_id": record.heartbeat_id}, output_summary=activity.summarize(record.summary_line()),
            status=status, outcome=outcome, error_kind=record.status if failed else None,
            error=record.reason if failed else None, duration_ms=record.duration_ms or 0, attempts=1,
            counted_only=activity.quiet(caller, status, outcome))
    log.info("heartbeat #%s %s: %s", record.heartbeat_id, record.status, record.reason)
    return record


def _iso(app: App) -> str:
    return app.clock.now().isoformat(timespec="seconds")
