"""The executor call's span and metrics: ``@traced_call`` on ``Executor.call``.

One INTERNAL span ``call SKILL`` per call, a child of the MCP SDK's ``tools/call`` span, of a
reasoning run's span or of an automation's, with what an operator filters on: the skill and its
module, the caller (and ``user.id``, the caller's name), the trust level and what the gate
decided, the outcome, the error kind, the breaker state after the call, the retries and the
activity row's id (where the arguments and the error message are, for those allowed to read
them). Never the arguments, the output or the error message. The breaker state comes from one
extra read of the skill's state row, made only while telemetry is on; from it, a breaker that
this call opened and a skill that this call paused count in their metrics.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from server.telemetry import state

if TYPE_CHECKING:
    from server.executor import CallResult, Executor

async def _call_span(active: state.Active, fn: Callable[..., Awaitable[CallResult]], args: tuple[Any, ...],
                     kwargs: dict[str, Any]) -> CallResult:
    executor: Executor = args[0]
    name: str = args[1] if len(args) > 1 else kwargs["name"]
    caller, run_id, who = kwargs.get("caller"), kwargs.get("run_id"), kwargs.get("who")
    with active.tracer.start_as_current_span(f"call {name}", record_exception=False) as span:
        span.set_attributes({"pilothouse.skill": name, "pilothouse.caller": str(caller),
                             "gen_ai.tool.name": name, "gen_ai.operation.name": "execute_tool"})
        if run_id:
            span.set_attribute("session.id", run_id)
        if who:
            span.set_attribute("user.id", who)
        result = await fn(*args, **kwargs)
        skill = executor.registry.skills.get(name)
        row = await executor._state(name) if skill is not None else None  # after the call: what it left
        kind = str(result.error_kind) if result.error_kind is not None else None
        attributes: dict[str, Any] = {
            "pilothouse.outcome": result.outcome, "pilothouse.retries": max(0, result.attempts - 1),
            "pilothouse.trust.decision": decision(result),
        }
        if skill is not None:
            attributes["pilothouse.module"] = skill.module_id
        if row is not None:
            attributes["pilothouse.trust"] = row["trust_override"] or (skill.trust if skill else "")
            attributes["pilothouse.breaker.state"] = row["breaker"] or "closed"
        if result.activity_id is not None:
            attributes["pilothouse.activity.id"] = result.activity_id
        if kind is not None:
            attributes["error.type"] = kind
            from opentelemetry.trace import StatusCode

            span.set_status(StatusCode.ERROR, kind)
        span.set_attributes(attributes)
    _measure(active, name, str(caller), result, kind, row)
    return result


traced_call = state.when_on(_call_span)


def decision(result: CallResult) -> str:
    """What the trust gate did with the call, as far as its result shows."""
    if result.proposed:
        return "proposed"
    if result.approval_id is not None:
        return "queued"
    if result.error_kind == "approval_required":
        return "confirmation_required"
    return "allowed"


def _measure(active: state.Active, name: str, caller: str, result: CallResult, kind: str | None,
             row: dict[str, Any] | None) -> None:
    metrics = active.instruments
    labels = {"pilothouse.skill": name, "pilothouse.caller": caller, "pilothouse.outcome": result.outcome,
              "error.type": kind or ""}
    metrics.calls.add(1, labels)
    metrics.call_duration.record(result.duration_ms / 1000, {"pilothouse.skill": name})
    if row is None or result.ok or result.attempts == 0:
        return  # a refusal (no attempt) changes no breaker and pauses nothing
    if row["breaker"] == "open":
        metrics.breaker_opens.add(1, {"pilothouse.skill": name})
    if row["paused_reason"]:
        metrics.auto_pauses.add(1, {"pilothouse.skill": name})
