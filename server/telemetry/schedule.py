"""Spans of the scheduler: one per tick, one per scheduled action, lease changes as their events;
and the observed gauges.

``scheduler tick`` lists the schedules it ran. ``schedule NAME`` wraps one action and its status.
A long-running action (the heartbeat) starts a trace of its own, linked to the tick that
started it: one heartbeat is one trace, not a branch of a twenty-second tick. Each tick, while
telemetry is on, also reads the outbox's waiting messages and the approvals waiting for a
person into the gauges (instruments.py), so the exporter never touches the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from server.telemetry import state

if TYPE_CHECKING:
    from server.scheduler.service import Scheduler, TickEntry


async def _tick_span(active: state.Active, fn: Callable[..., Awaitable[list[TickEntry]]], args: tuple[Any, ...],
                     kwargs: dict[str, Any]) -> list[TickEntry]:
    scheduler: Scheduler = args[0]
    with active.tracer.start_as_current_span("scheduler tick") as span:
        entries = await fn(*args, **kwargs)
        span.set_attribute("pilothouse.schedules", [e.schedule for e in entries])
        await _observe(active, scheduler)
    return entries


async def _action_span(active: state.Active, fn: Callable[..., Awaitable[str]], args: tuple[Any, ...],
                       kwargs: dict[str, Any]) -> str:
    from opentelemetry import context, trace

    scheduler: Scheduler = args[0]
    name: str = args[1]
    own_trace: dict[str, Any] = {}
    if name in scheduler.long_running:
        tick = trace.get_current_span().get_span_context()
        own_trace = {"context": context.Context(), "links": [trace.Link(tick)] if tick.is_valid else []}
    with active.tracer.start_as_current_span(f"schedule {name}", **own_trace) as span:
        span.set_attribute("pilothouse.schedule", name)
        status = await fn(*args, **kwargs)
        span.set_attribute("pilothouse.schedule.status", status.split(":", 1)[0][:100])
        if status.startswith("error"):
            span.set_status(trace.StatusCode.ERROR, "error")
    return status


async def _observe(active: state.Active, scheduler: Scheduler) -> None:
    from server.tables import approvals
    from skills.outbox import backlog

    store, now = scheduler.app.store, scheduler.app.clock.now()
    gauges = active.instruments.gauges
    gauges.outbox_pending, oldest = await backlog(store)
    gauges.outbox_oldest_age_s = (now - datetime.fromisoformat(oldest)).total_seconds() if oldest else 0.0
    gauges.approvals_waiting = await approvals.pending_count(store)


async def _lease_event(active: state.Active, fn: Callable[..., Awaitable[bool]], args: tuple[Any, ...],
                       kwargs: dict[str, Any]) -> bool:
    from opentelemetry import trace

    done = await fn(*args, **kwargs)
    # An event on the span at work (a tick's schedule, a heartbeat): who held what, and when it changed.
    trace.get_current_span().add_event(f"pilothouse.lease.{fn.__name__}", {
        "pilothouse.lease": str(args[1]), "pilothouse.lease.holder": str(args[2]), "pilothouse.lease.ok": done})
    return done


traced_tick = state.when_on(_tick_span)
traced_lease = state.when_on(_lease_event)
traced_action = state.when_on(_action_span)
