"""One span per model request through the provider chain, in the GenAI semantic conventions.

``chat MODEL`` (CLIENT): ``gen_ai.operation.name`` chat, ``gen_ai.provider.name`` and the model
that answered (``gen_ai.request.model`` / ``gen_ai.response.model``), ``gen_ai.usage.input_tokens``
/ ``output_tokens`` (and ``cache_read.input_tokens`` when the provider reports them), the tier
and the cost in USD when its price is known. Each provider tried or skipped on the way is an event
``gen_ai.failover.attempt`` (provider, model, status, error kind, latency), so a failover shows
on the span that survived it. Prompts and completions are never recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec

from server.telemetry import state

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from server.providers.types import Attempt, ChatResult

# The GenAI conventions' names for the providers that have one; ours otherwise.
PROVIDER_NAMES = {"gemini": "gcp.gemini"}
Complete = Callable[..., Awaitable["ChatResult"]]
P = ParamSpec("P")


Pricing = Callable[[str, str, int, int], "float | None"]  # (provider, model, input, output) -> USD


def traced_model_call(cost_usd: Pricing) -> Callable[[Callable[P, Awaitable[ChatResult]]],
                                                      Callable[P, Coroutine[Any, Any, ChatResult]]]:
    """The decorator for ``ProviderChain.complete``; ``cost_usd`` prices a reply (handed in by the chain,
    which owns the prices, so this package never imports the providers)."""

    async def span(active: state.Active, fn: Complete, args: tuple[Any, ...], kwargs: dict[str, Any]) -> ChatResult:
        return await _model_span(active, fn, args, kwargs, cost_usd)

    return state.when_on(span)


async def _model_span(active: state.Active, fn: Complete, args: tuple[Any, ...], kwargs: dict[str, Any],
                      cost_usd: Pricing) -> ChatResult:
    from opentelemetry.trace import SpanKind, StatusCode

    tier = str(kwargs.get("tier", "fast"))
    with active.tracer.start_as_current_span("chat", kind=SpanKind.CLIENT, record_exception=False,
                                             set_status_on_exception=False) as span:
        span.set_attributes({"gen_ai.operation.name": "chat", "pilothouse.tier": tier})
        if kwargs.get("run_id"):
            span.set_attribute("session.id", str(kwargs["run_id"]))
        try:
            result = await fn(*args, **kwargs)
        except Exception as exc:
            _attempts(span, getattr(exc, "attempts", ()))
            span.set_attribute("error.type", type(exc).__name__)
            span.set_status(StatusCode.ERROR, type(exc).__name__)
            raise
        _attempts(span, result.attempts)
        reply = result.reply
        provider = PROVIDER_NAMES.get(result.provider, result.provider)
        span.update_name(f"chat {result.model}")
        attributes: dict[str, Any] = {
            "gen_ai.provider.name": provider, "gen_ai.request.model": result.model,
            "gen_ai.response.model": result.model, "gen_ai.usage.input_tokens": reply.prompt_tokens,
            "gen_ai.usage.output_tokens": reply.completion_tokens,
        }
        if reply.cached_tokens:  # reported by providers that cache prompts
            attributes["gen_ai.usage.cache_read.input_tokens"] = reply.cached_tokens
        if reply.finish_reason:
            attributes["gen_ai.response.finish_reasons"] = [reply.finish_reason]
        cost = cost_usd(result.provider, result.model, reply.prompt_tokens, reply.completion_tokens)
        if cost is not None:
            attributes["pilothouse.cost_usd"] = cost
        span.set_attributes(attributes)
    labels = {"gen_ai.provider.name": provider, "pilothouse.tier": tier}
    metrics = active.instruments
    metrics.tokens.add(reply.prompt_tokens, {**labels, "gen_ai.token.type": "input"})
    metrics.tokens.add(reply.completion_tokens, {**labels, "gen_ai.token.type": "output"})
    if cost is not None:
        metrics.cost.add(cost, labels)
    return result


def _attempts(span: Span, attempts: tuple[Attempt, ...] | list[Attempt]) -> None:
    if len(attempts) < 2 and all(a.status == "ok" for a in attempts):
        return  # the first provider answered: nothing failed over
    for attempt in attempts:
        span.add_event("gen_ai.failover.attempt", {
            "gen_ai.provider.name": PROVIDER_NAMES.get(attempt.provider, attempt.provider),
            "gen_ai.request.model": attempt.model, "pilothouse.attempt.status": attempt.status,
            "error.type": attempt.error_kind or "", "pilothouse.latency_ms": round(attempt.latency_ms, 1)})
