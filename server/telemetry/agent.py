"""Spans of the agent: one per heartbeat cycle, one per reasoning run inside it.

``heartbeat`` (the cycle that took the lease): its id, its status and the objectives it worked
on; a run it starts or resumes is its child, through the context, and so are that run's model
calls and skill calls: one heartbeat is one trace. ``run KIND``: the run id as ``session.id``
(what Langfuse groups a session by), the tier, iterations, stop reason and tokens; for a
heartbeat run the objectives it was given. A person's question (``pilothouse ask``) is not
recorded, nor any answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from server.telemetry import state

if TYPE_CHECKING:
    from server.agent.cycle_record import CycleRecord
    from server.agent.loop_record import RunRecord

FAILED = frozenset({"failed", "timeout"})
OBJECTIVE_CHARS = 500


async def _cycle_span(active: state.Active, fn: Callable[..., Awaitable[CycleRecord]], args: tuple[Any, ...],
                      kwargs: dict[str, Any]) -> CycleRecord:
    with active.tracer.start_as_current_span("heartbeat", record_exception=False) as span:
        record = await fn(*args, **kwargs)
        attributes: dict[str, Any] = {"pilothouse.heartbeat.status": record.status,
                                      "pilothouse.objectives": record.objectives}
        if record.heartbeat_id is not None:
            attributes["pilothouse.heartbeat.id"] = record.heartbeat_id
        if record.run_id:
            attributes["session.id"] = record.run_id
        if record.resumed_run:
            attributes["pilothouse.run.resumed"] = True
        span.set_attributes(attributes)
        if record.status in FAILED:
            from opentelemetry.trace import StatusCode

            span.set_attribute("error.type", record.status)
            span.set_status(StatusCode.ERROR, record.status)
    active.instruments.cycles.add(1, {"pilothouse.heartbeat.status": record.status})
    return record


async def _run_span(active: state.Active, fn: Callable[..., Awaitable[RunRecord]], args: tuple[Any, ...],
                    kwargs: dict[str, Any]) -> RunRecord:
    kind = str(kwargs.get("kind", "ask"))
    with active.tracer.start_as_current_span(f"run {kind}") as span:
        span.set_attributes({"pilothouse.run.kind": kind, "gen_ai.operation.name": "invoke_agent",
                             "gen_ai.agent.name": "pilot"})
        if kind == "heartbeat" and kwargs.get("focus"):  # the objectives' titles, never a person's question
            span.set_attribute("pilothouse.run.objective", str(kwargs["focus"])[:OBJECTIVE_CHARS])
        if kwargs.get("resume_run_id"):
            span.set_attribute("pilothouse.run.resumed", True)
        record = await fn(*args, **kwargs)
        span.set_attributes({
            "session.id": record.run_id, "pilothouse.run.status": record.status,
            "pilothouse.run.stop_reason": record.stop_reason or "", "pilothouse.tier": record.model_tier,
            "pilothouse.run.iterations": len(record.iterations), "pilothouse.run.tool_calls": len(record.tool_calls),
            "gen_ai.usage.input_tokens": record.prompt_tokens, "gen_ai.usage.output_tokens": record.completion_tokens,
        })
    return record


traced_cycle = state.when_on(_cycle_span)
traced_run = state.when_on(_run_span)
